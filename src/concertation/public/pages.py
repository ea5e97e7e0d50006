"""What each page of the public window shows, built from selectors.py (a dict for the template).

Every function reads as an anonymous visitor; names of people go through accounts/privacy.py
(``{% public_name %}`` in the templates): the pages here name organizations and spaces, never a
person who did not agree to be shown.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.translation import gettext as _

from concertation.core import formatting
from concertation.decisions import register
from concertation.knowledge.selectors.practices import split_tags
from concertation.knowledge.selectors_references import reference_list
from concertation.planning import dashboard
from concertation.spaces.access import ANONYMOUS

from . import selectors
from .selectors import HOME_ROWS, VISITOR

PAGE_SIZE = 30


def sections(territory) -> list[dict]:
    """The window's pages, for its navigation and its home."""
    slug = territory.slug
    return [
        {"key": key, "label": label, "url": reverse(f"public_window:{key}", kwargs={"territory": slug}), "intro": intro}
        for key, label, intro in (
            ("spaces", _("Espaces et membres"), _("Les espaces publics de la concertation et les organismes qui y siègent.")),
            ("meetings", _("Rencontres"), _("Le calendrier des rencontres publiques, à venir et passées.")),
            ("decisions", _("Décisions"), _("Le registre des décisions des espaces publics.")),
            ("plans", _("Plan d'action"), _("Le plan de quartier, son avancement et ses indicateurs.")),
            ("documents", _("Documents"), _("Les documents publics, à télécharger.")),
            ("practices", _("Fiches d'expérience"), _("Les pratiques que le territoire partage.")),
            ("references", _("Repères"), _("Les lectures et les outils de référence de la concertation.")),
        )
    ]


def base(territory, here: str) -> dict:
    """What every page of the window has: its navigation, and the words search engines and social
    networks show (``description``, ``og_title``)."""
    listed = sections(territory)
    section = next((item for item in listed if item["key"] == here), None)
    if section is None:
        description = territory.description.strip() or _(
            "La concertation de %(territory)s : ses espaces publics, ses rencontres, ses décisions, son plan "
            "d'action et ses documents.") % {"territory": territory.name}
        title = territory.name
    else:
        description = f"{territory.name}{formatting.colon()} {section['intro']}"
        title = f"{section['label']} — {territory.name}"
    return {"territory": territory, "sections": listed, "here": here, "description": description[:300],
            "og_title": title}


def home(territory) -> dict:
    spaces = selectors.public_spaces(territory)
    decided = register.rows(selectors.decisions(spaces)[:HOME_ROWS], register.college_names(territory.pk))
    return {
        **base(territory, "home"),
        "spaces": spaces,
        "upcoming": selectors.upcoming_meetings(spaces, limit=HOME_ROWS),
        "decisions": decided,
        "plans": selectors.plan_lines(spaces, HOME_ROWS),
    }


def spaces_page(territory) -> dict:
    spaces = selectors.public_spaces(territory)
    members = selectors.member_organizations(spaces)
    return {**base(territory, "spaces"),
            "rows": [{"space": space, "organizations": members[space.pk]} for space in spaces]}


def meetings_page(territory, page_number) -> dict:
    spaces = selectors.public_spaces(territory)
    feeds = [{"space": space, "url": reverse("meetings:space_feed",
                                             kwargs={"territory": territory.slug, "space": space.slug})}
             for space in spaces]
    return {**base(territory, "meetings"), "upcoming": selectors.upcoming_meetings(spaces),
            "past": Paginator(selectors.past_meetings(spaces), PAGE_SIZE).get_page(page_number), "feeds": feeds}


def decisions_page(territory, page_number) -> dict:
    spaces = selectors.public_spaces(territory)
    page = Paginator(selectors.decisions(spaces), PAGE_SIZE).get_page(page_number)
    return {**base(territory, "decisions"), "page": page,
            "rows": register.rows(page.object_list, register.college_names(territory.pk))}


def plans_page(territory) -> dict:
    spaces = selectors.public_spaces(territory)
    return {**base(territory, "plans"), "plans": list(selectors.plans(spaces))}


def plan_page(territory, pk: int) -> dict:
    spaces = selectors.public_spaces(territory)
    plan = selectors.plan_of(territory, spaces, pk)
    board = dashboard.build_dashboard(plan, user=VISITOR, cards=dashboard.CARDS, rows=0)
    return {**base(territory, "plans"), "plan": plan, "space": plan.space, "board": board}


def documents_page(territory, page_number) -> dict:
    page = Paginator(selectors.documents(territory), PAGE_SIZE).get_page(page_number)
    rows = []
    for document in page.object_list:
        versions = list(document.versions.all())
        latest = versions[0] if versions else None
        url = reverse("documents:download", kwargs={
            "territory": territory.slug, "space": document.space.slug, "pk": document.pk,
            "number": latest.number}) if latest is not None else ""
        rows.append({"document": document, "latest": latest, "download": url})
    return {**base(territory, "documents"), "page": page, "rows": rows}


def practices_page(territory, page_number) -> dict:
    page = Paginator(selectors.practice_sheets(territory), PAGE_SIZE).get_page(page_number)
    rows = [{"sheet": sheet, "tags": split_tags(sheet.tags),
             "space": sheet.space if sheet.space is not None and ANONYMOUS.can_view(sheet.space) else None}
            for sheet in page.object_list]
    return {**base(territory, "practices"), "page": page, "rows": rows}


def references_page(territory, page_number) -> dict:
    listing = reference_list(VISITOR, territory, page_number=page_number)
    return {**base(territory, "references"), "listing": listing,
            "groups": [group for group in listing.groups if group.entries]}
