"""``{% public_name person %}``: a person's name as the viewer of the page may see it.

``{% public_name follow_up.person organization=follow_up.organization %}`` gives « Name (ORG) », or
the organization alone when her name is not shown. The viewer is the page's ``user`` (none in a
context without one: treated as an anonymous visitor). The rule lives in accounts/privacy.py.
"""

from django import template
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from concertation.accounts.privacy import display_name_for

register = template.Library()


@register.simple_tag(takes_context=True)
def public_name(context, person, organization=None):
    return display_name_for(person, context.get("user"), organization=organization or None)


@register.simple_tag(takes_context=True)
def privacy_footer(context):
    """The footer's line of every page (Law 25): who answers for personal information (PRIVACY_CONTACT),
    and the privacy page. Written here rather than in a template of its own: every page renders it
    (tests/accounts/test_privacy_footer.py keeps the template it replaced and compares)."""
    from concertation.accounts.privacy import privacy_contact
    from concertation.core.fixed_urls import current_app, fixed_url
    from concertation.core.formatting import colon

    contact = privacy_contact()
    link = conditional_escape(fixed_url("privacy", current_app(context.get("request"))))
    privacy, responsible = gettext("Protection des renseignements personnels"), gettext("Personne responsable")
    html = f'\n<p class="privacy-footer"><a href="{link}">{privacy}</a>'
    if contact.get("url"):
        html += f' · <a href="{render_value_in_context(contact["url"], context)}">{responsible}</a>'
    elif contact.get("email"):
        email = render_value_in_context(contact["email"], context)
        html += f' · {responsible}{conditional_escape(colon())} <a href="mailto:{email}">{email}</a>'
    return mark_safe(html + "</p>\n")
