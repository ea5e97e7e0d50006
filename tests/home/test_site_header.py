"""The header written in Python (home/site_header.py) is the HTML the template it replaced gave,
byte for byte: for a visitor, a member, a staff member with a name to escape, in both languages,
on each page of the navigation, with and without unread notifications, with an address to escape."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, engines
from django.test import RequestFactory
from django.urls import resolve
from django.utils import translation

from concertation.home.site_header import unread_badge

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

# base.html's header before it was written in Python (same loads, same includes; the block nav_extra
# included core/_nav_extra.html, an empty file, since removed).
TEMPLATE_FORM = """{% load search_box %}{% get_current_language as LANGUAGE_CODE %}
      <a class="brand" href="{% url 'home' %}">Concertation</a>
      <nav class="site-nav" aria-label="{% translate 'Navigation principale' %}">
        <ul>
          {% with here=request.resolver_match.view_name %}
          <li><a href="{% url 'home' %}"{% if here == 'home' %} aria-current="page"{% endif %}>{% translate "Accueil" %}</a></li>
          {% if user.is_authenticated %}
            <li><a href="{% url 'home:my_spaces' %}"{% if here == 'home:my_spaces' %} aria-current="page"{% endif %}>{% translate "Mes espaces" %}</a></li>
            <li><a href="{% url 'my:my_follow_ups' %}"{% if here == 'my:my_follow_ups' %} aria-current="page"{% endif %}>{% translate "Mes suivis" %}</a></li>
            <li><a href="{% url 'my_meetings:personal_feed_settings' %}"{% if here == 'my_meetings:personal_feed_settings' %} aria-current="page"{% endif %}>{% translate "Mon calendrier" %}</a></li>
            {% include "notifications/_nav_item.html" %}
          {% endif %}
          {% block nav_extra %}{% endblock %}
          {% if user.is_authenticated %}
            <li><a href="{% url 'profile' %}"{% if here == 'profile' %} aria-current="page"{% endif %}>{% translate "Mon profil" %}</a></li>
            {% if user.is_staff %}<li><a href="{% url 'admin:index' %}">{% translate "Administration" %}</a></li>{% endif %}
          {% endif %}
          {% endwith %}
        </ul>
      </nav>
      <div class="header-tools">
        {% search_box %}
        <form class="language-form" action="{% url 'set_language' %}" method="post">
          {% csrf_token %}
          <input type="hidden" name="next" value="{{ request.get_full_path }}">
          {% if LANGUAGE_CODE == "en" %}
            <button type="submit" name="language" value="fr-ca" class="link-button" lang="fr">Français</button>
          {% else %}
            <button type="submit" name="language" value="en" class="link-button" lang="en">English</button>
          {% endif %}
        </form>
        {% if user.is_authenticated %}
          <span class="whoami">{{ user }}</span>
          <form action="{% url 'account_logout' %}" method="post">
            {% csrf_token %}
            <button type="submit" class="link-button">{% translate "Se déconnecter" %}</button>
          </form>
        {% else %}
          <a class="button button-small" href="{% url 'account_login' %}">{% translate "Se connecter" %}</a>
        {% endif %}
      </div>
"""

PYTHON_FORM = """{% load navigation search_box %}{% get_current_language as LANGUAGE_CODE %}
      {% site_nav_start %}{% with here=request.resolver_match.view_name %}{% block nav_extra %}{% endblock %}{% endwith %}{% site_nav_end %}
      <div class="header-tools">
        {% search_box %}
        {% header_tools %}
      </div>
"""

PATHS = ["/", "/moi/espaces/", "/moi/suivis/", "/moi/calendrier/", "/moi/notifications/", "/compte/profil/",
         "/_floor/?next=%22%3E%3Cb%3E&x=1"]


def rendered(source, request, unread):
    html = engines["django"].from_string(source).render({"unread_notifications": unread}, request)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", html)


@pytest.mark.parametrize("language", ["fr-ca", "en"])
def test_the_header_is_the_template_s_html(language):
    staff = UserFactory(display_name='Zoé <b>"&', is_staff=True)
    member = UserFactory(display_name="")
    factory = RequestFactory()
    checked, seen = 0, set()
    with translation.override(language):
        for person in (AnonymousUser(), member, staff):
            for path in PATHS:
                for unread in (0, 1, 7, 100, (lambda: 3)):
                    request = factory.get(path)
                    request.user = person
                    request.resolver_match = resolve(path.split("?")[0])
                    expected = rendered(TEMPLATE_FORM, request, unread)
                    assert rendered(PYTHON_FORM, request, unread) == expected, (person, path, unread)
                    checked += 1
                    seen |= {mark for mark in ('aria-current="page"', "/admin/", "99+", "&lt;b&gt;", "csrf",
                                               "/compte/login/", "/compte/logout/") if mark in expected}
    assert checked == 3 * len(PATHS) * 5
    assert len(seen) == 7  # every case met at least once


def test_the_badge_is_the_template_s_badge():
    template = engines["django"].from_string('{% include "notifications/_unread_badge.html" %}')
    for unread in (None, 0, 1, 2, 99, 100):
        for oob in (False, True):
            expected = template.render({"unread": unread, "oob": oob})
            assert unread_badge(unread, Context(), oob=oob) == expected, (unread, oob)
