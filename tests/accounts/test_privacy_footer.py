"""The footer's line (Law 25), written in Python (accounts/templatetags/privacy.py), is the HTML the
template it replaced gave, byte for byte, whoever answers for personal information."""

import pytest
from django.template import engines
from django.test import RequestFactory
from django.urls import resolve
from django.utils import translation

# accounts/_privacy_footer.html before it was written in Python.
TEMPLATE_FORM = (
    "{# Law 25: on every page, who answers for personal information (PRIVACY_CONTACT) and the privacy page "
    "(accounts/templatetags/privacy.py). #}\n"
    '<p class="privacy-footer"><a href="{% url \'privacy\' %}">{% translate "Protection des renseignements '
    'personnels" %}</a>{% if contact.url %} · <a href="{{ contact.url }}">{% translate "Personne responsable" %}'
    '</a>{% elif contact.email %} · {% translate "Personne responsable" %}{% colon %} <a href="mailto:'
    '{{ contact.email }}">{{ contact.email }}</a>{% endif %}</p>\n'
)


@pytest.mark.parametrize("language", ["fr-ca", "en"])
@pytest.mark.parametrize("contact, instance", [
    ("", ""), ("", "contact@table.example.org"), ("vie.privee@table.example.org", ""),
    ("https://table.example.org/confidentialite?a=1&b=<2>", ""), ('x"<y>@example.org', ""),
])
def test_the_footer_is_the_template_s_html(settings, language, contact, instance):
    from concertation.accounts.privacy import privacy_contact

    settings.PRIVACY_CONTACT = contact
    settings.INSTANCE_CONTACT_EMAIL = instance
    request = RequestFactory().get("/_floor/")
    request.resolver_match = resolve("/_floor/")
    engine = engines["django"]
    with translation.override(language):
        expected = engine.from_string(TEMPLATE_FORM).render({"contact": privacy_contact()}, request)
        assert engine.from_string("{% privacy_footer %}").render({}, request) == expected
