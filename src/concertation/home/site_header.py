"""The header of every page (base.html), written in Python: the site's navigation and the tools
(language, the person, signing out).

Every page a member opens renders it; as template nodes (ten ``{% url %}``, a dozen
``{% translate %}``, two includes, the conditions) it took ≈ 0.5 ms of the floor's 2.5. Here the
same HTML, byte for byte (tests/home/test_site_header.py compares it with the template it
replaced), each value escaped as the template escaped it; the addresses come from
core/fixed_urls.py. Nothing read from the request or the database is kept between requests.

The navigation stops where base.html's ``{% block nav_extra %}`` goes (a page may still add items
there); ``nav_start`` and ``nav_end`` write what comes before and after it.
"""

from __future__ import annotations

from django.template.base import render_value_in_context
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import conditional_escape
from django.utils.translation import get_language, gettext, ngettext

from concertation.core.fixed_urls import current_app, fixed_url

CURRENT = ' aria-current="page"'
_CSRF = CsrfTokenNode()


class _Page:
    """What the header needs from the template's context, read once."""

    def __init__(self, context):
        self.context = context
        self.request = context.get("request")
        match = getattr(self.request, "resolver_match", None)
        self.here = getattr(match, "view_name", None)
        self.current_app = current_app(self.request)
        self.user = context.get("user")
        self.signed_in = bool(getattr(self.user, "is_authenticated", False))

    def url(self, name: str) -> str:
        """``{% url name %}`` (escaped, with the same current application)."""
        return conditional_escape(fixed_url(name, self.current_app))

    def item(self, name: str, label: str) -> str:
        mark = CURRENT if self.here == name else ""
        return f'<li><a href="{self.url(name)}"{mark}>{label}</a></li>'


def unread_badge(unread, context, *, oob: bool = False) -> str:
    """notifications/_unread_badge.html: the header's count of unread notifications."""
    attribute = ' hx-swap-oob="true"' if oob else ""
    if not unread:
        return f'<span id="unread-count"{attribute}></span>\n'
    shown = "99+" if unread > 99 else render_value_in_context(unread, context)
    words = ngettext("non lue", "non lues", unread)
    return (f'<span id="unread-count"{attribute}> <span class="badge badge-count">{shown}'
            f'<span class="visually-hidden"> {words}</span></span></span>\n')


def nav_start(context) -> str:
    """From the site's name to the items before ``{% block nav_extra %}``."""
    page = _Page(context)
    label, home = gettext("Navigation principale"), page.item("home", gettext("Accueil"))
    parts = [
        f'<a class="brand" href="{page.url("home")}">Concertation</a>\n'
        f'      <nav class="site-nav" aria-label="{label}">\n'
        f"        <ul>\n"
        f"          \n"
        f"          {home}\n"
        f"          "
    ]
    if page.signed_in:
        unread = context.get("unread_notifications")
        if callable(unread):
            unread = unread()
        centre = page.url("notifications:centre")
        mark = CURRENT if page.here == "notifications:centre" else ""
        spaces = page.item("home:my_spaces", gettext("Mes espaces"))
        follow_ups = page.item("my:my_follow_ups", gettext("Mes suivis"))
        calendar = page.item("my_meetings:personal_feed_settings", gettext("Mon calendrier"))
        notifications = gettext("Notifications")
        parts.append(
            f"\n            {spaces}\n"
            f"            {follow_ups}\n"
            f"            {calendar}\n"
            f'            <li><a href="{centre}"{mark}>{notifications}'
            f"{unread_badge(unread, context)}</a></li>\n"
            f"\n          "
        )
    parts.append("\n          ")
    return "".join(parts)


def nav_end(context) -> str:
    """The items after ``{% block nav_extra %}``, to the end of the navigation."""
    page = _Page(context)
    parts = ["\n          "]
    if page.signed_in:
        administration = gettext("Administration")
        staff = f'<li><a href="{page.url("admin:index")}">{administration}</a></li>' if page.user.is_staff else ""
        profile = page.item("profile", gettext("Mon profil"))
        parts.append(f"\n            {profile}\n            {staff}\n          ")
    parts.append("\n          \n        </ul>\n      </nav>")
    return "".join(parts)


def tools(context) -> str:
    """The forms after the search box: the other language, the person and signing out (or in)."""
    page = _Page(context)
    csrf = _CSRF.render(context)
    path = render_value_in_context(page.request.get_full_path(), context) if page.request is not None else ""
    if get_language() == "en":
        switch = '<button type="submit" name="language" value="fr-ca" class="link-button" lang="fr">Français</button>'
    else:
        switch = '<button type="submit" name="language" value="en" class="link-button" lang="en">English</button>'
    parts = [
        f'<form class="language-form" action="{page.url("set_language")}" method="post">\n'
        f"          {csrf}\n"
        f'          <input type="hidden" name="next" value="{path}">\n'
        f"          \n"
        f"            {switch}\n"
        f"          \n"
        f"        </form>\n"
        f"        "
    ]
    if page.signed_in:
        sign_out = gettext("Se déconnecter")
        parts.append(
            f'\n          <span class="whoami">{render_value_in_context(page.user, context)}</span>\n'
            f'          <form action="{page.url("account_logout")}" method="post">\n'
            f"            {csrf}\n"
            f'            <button type="submit" class="link-button">{sign_out}</button>\n'
            f"          </form>\n"
            f"        "
        )
    else:
        sign_in = gettext("Se connecter")
        parts.append(
            f'\n          <a class="button button-small" href="{page.url("account_login")}">{sign_in}</a>\n'
            f"        "
        )
    return "".join(parts)
