"""The site's navigation, in base.html: the page title and the tabs of a space.

Page titles. A page fills ``{% block title %}`` with its own name only (« Rencontres », the meeting's
title, « Procès-verbal — <meeting> »); base.html wraps it in ``{% page_title %}``, which adds the page's space and
the site: « Page — Espace — Concertation » (the space only when the title does not
already name it) and « Concertation » alone for a page without a title.

Tabs. Every page under /t/<territory>/e/<space>/ that the person may see shows the space's tabs
(``{% space_tabs %}`` in base.html), the active one marked with aria-current; a page that shows
its own navigation sets ``{% block space_tabs %}{% endblock %}``.
"""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from concertation.home import site_header

register = template.Library()

SITE = "Concertation"
SEPARATOR = " — "


def full_title(title: str, space=None) -> str:
    """« Page — Espace — Concertation », from the rendered title block (already escaped)."""
    title = " ".join(str(title or "").split())
    parts = [title] if title else []
    name = conditional_escape(getattr(space, "name", "") or "")
    if name and name not in title:
        parts.append(name)
    parts.append(SITE)
    return mark_safe(SEPARATOR.join(parts))


class PageTitleNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        return full_title(self.nodelist.render(context), context.get("space"))


@register.simple_tag(takes_context=True)
def site_nav_start(context):
    """The header's navigation up to ``{% block nav_extra %}`` (home/site_header.py)."""
    return mark_safe(site_header.nav_start(context))


@register.simple_tag(takes_context=True)
def site_nav_end(context):
    """The header's navigation after ``{% block nav_extra %}``."""
    return mark_safe(site_header.nav_end(context))


@register.simple_tag(takes_context=True)
def header_tools(context):
    """The header's forms after the search box: language, the person, signing out or in."""
    return mark_safe(site_header.tools(context))


@register.tag
def page_title(parser, token):
    """``{% page_title %}{% block title %}{% endblock %}{% endpage_title %}`` (base.html only)."""
    nodelist = parser.parse(("endpage_title",))
    parser.delete_first_token()
    return PageTitleNode(nodelist)


# (key, label, URL name, who sees it: "all" who may see the space, "manage" its coordinators)
TABS = [
    ("space", _("Espace"), "spaces:space", "all"),
    ("meetings", _("Rencontres"), "meetings:list", "all"),
    ("proposals", _("Propositions"), "decisions:proposals", "all"),
    ("plan", _("Plan d'action"), "planning:plans", "all"),
    ("documents", _("Documents"), "documents:library", "all"),
    ("follow_ups", _("Suivis"), "meetings:follow_ups", "all"),
    ("register", _("Décisions"), "register:space", "all"),
    ("health", _("Santé de la gouvernance"), "health:space", "health"),
    ("charter", _("Charte"), "spaces:charter", "all"),
    ("members", _("Membres"), "spaces:members", "manage"),
    ("roles", _("Rôles et mandats"), "spaces:roles", "manage"),
    ("invitations", _("Invitations"), "spaces:invitations", "manage"),
]

SPACES_TABS = {
    "space": "space", "space_edit": "space",
    "members": "members", "member_add": "members", "member_edit": "members", "member_end": "members",
    "roles": "roles", "role_add": "roles", "role_edit": "roles", "role_assign": "roles", "assignment_end": "roles",
    "charter": "charter", "charter_edit": "charter", "charter_version": "charter",
    "invitations": "invitations", "invitation_resend": "invitations", "invitation_revoke": "invitations",
}
NAMESPACE_TABS = {"decisions": "proposals", "planning": "plan", "register": "register", "meetings": "meetings",
                  "documents": "documents", "health": "health"}


def active_tab(match) -> str:
    """The tab of the page, from its URL name (``request.resolver_match``)."""
    if match is None:
        return ""
    namespace, name = match.namespace, match.url_name
    if namespace == "spaces":
        return SPACES_TABS.get(name, "")
    if namespace == "meetings" and name in {"follow_ups", "follow_up_edit"}:
        return "follow_ups"
    return NAMESPACE_TABS.get(namespace, "")


@register.inclusion_tag("spaces/_tabs.html", takes_context=True)
def space_tabs(context):
    """The space's tabs on a page of that space, for a person who may see it; nothing elsewhere."""
    request = context.get("request")
    space = context.get("space")
    match = getattr(request, "resolver_match", None)
    kwargs = getattr(match, "kwargs", {}) or {}
    if (request is None or space is None or getattr(space, "pk", None) is None
            or kwargs.get("space") != getattr(space, "slug", None) or "territory" not in kwargs):
        return {"tabs": []}
    user = request.user
    if not user.has_perm("spaces.view_space", space):
        return {"tabs": []}
    manage = user.has_perm("spaces.manage_members", space)
    current = active_tab(match)
    url_kwargs = {"territory": kwargs["territory"], "space": space.slug}
    tabs = []
    for key, label, name, audience in TABS:
        if audience == "manage" and not manage:
            continue
        if audience == "health" and not user.has_perm("insights.view_space_health", space):
            continue
        try:
            url = reverse(name, kwargs=url_kwargs)
        except NoReverseMatch:  # a part of the product not installed
            continue
        tabs.append({"key": key, "label": label, "url": url, "current": key == current})
    return {"tabs": tabs, "space": space}


@register.simple_tag(takes_context=True)
def territory_health_url(context, territory) -> str:
    """The territory's governance-health page (issue 18), for a person who may see it; else ""
    (the territory's page, in spaces, links to it without naming a higher app)."""
    request = context.get("request")
    if request is None or territory is None or not request.user.has_perm("insights.view_territory_health", territory):
        return ""
    try:
        return reverse("health:territory", kwargs={"territory": territory.slug})
    except NoReverseMatch:  # a part of the product not installed
        return ""
