"""Reads of the practice sheets, scoped to what the person may see (rules_practices), with a number
of queries that does not grow with the sheets."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404

from concertation.accounts import privacy
from concertation.core.richtext import render_markdown
from concertation.directory.models import Territory
from concertation.spaces.access import access_for
from concertation.spaces.models import Space
from concertation.spaces.selectors import territory_for

from ..models.practices import SECTIONS, TAG_SEPARATOR, PracticeSheet
from ..practice_activities import activity_choices, visible_activities_for
from ..rules_practices import may_change, may_view

PAGE_SIZE = 20
LIST_FIELDS = ("id", "territory_id", "title", "tags", "status", "audience", "published_at", "updated_at", "author_id",
               "space__id", "space__territory_id", "space__name", "space__slug", "space__visibility")
PUBLISHED, DRAFT = PracticeSheet.Status.PUBLISHED, PracticeSheet.Status.DRAFT


def practices_territory(user, slug: str) -> Territory:
    """The territory of the practice pages: one the person may open, or one that has a sheet
    published to the public; 404 otherwise (like a missing one)."""
    try:
        return territory_for(user, slug)
    except Http404:
        territory = Territory.objects.filter(
            slug=slug, practice_sheets__status=PUBLISHED, practice_sheets__audience=PracticeSheet.Audience.PUBLIC,
        ).first()
        if territory is None:
            raise
        return territory


def visible_sheets(user, territory):
    """The territory's sheets the person may read: published to the public; published to the
    territory when she sits in it; her own drafts; every draft for a coordinator of the territory."""
    access = access_for(user)
    sheets = PracticeSheet.objects.filter(territory=territory)
    if access.coordinates_territory(territory.pk):
        return sheets
    reach = Q(status=PUBLISHED, audience=PracticeSheet.Audience.PUBLIC)
    if access.in_territory(territory.pk):
        reach |= Q(status=PUBLISHED) | Q(status=DRAFT, author_id=access.user_id)
    return sheets.filter(reach)


def sheet_in(territory, pk: int) -> PracticeSheet:
    """One sheet of the territory, whoever asks (the view checks the permission); 404 when missing."""
    sheet = PracticeSheet.objects.select_related("space", "author").filter(territory=territory, pk=pk).first()
    if sheet is None:
        raise Http404
    sheet.territory = territory
    return sheet


def sheet_for(user, territory, pk: int) -> PracticeSheet:
    """One sheet of the territory the person may read; 404 like a missing one otherwise."""
    sheet = sheet_in(territory, pk)
    if not may_view(access_for(user), sheet):
        raise Http404
    return sheet


def split_tags(stored: str) -> list[str]:
    return [tag for tag in (stored or "").split(TAG_SEPARATOR) if tag]


def sheet_list_page(user, territory, *, tag: str = "", space: str = "", page_number=None) -> dict:
    """The list: the sheets the person may read, newest first, filtered by a tag and by a space;
    the tags and the spaces to filter by; a page of PAGE_SIZE."""
    access = access_for(user)
    sheets = visible_sheets(user, territory)
    tags = sorted({name for stored in sheets.exclude(tags="").values_list("tags", flat=True).distinct()
                   for name in split_tags(stored)})
    spaces = [candidate for candidate in Space.objects.filter(practice_sheets__in=sheets).distinct()
              .only("id", "territory_id", "name", "slug", "visibility").order_by("name")
              if access.can_view(candidate)]
    chosen_space = next((candidate for candidate in spaces if candidate.slug == space), None)
    chosen_tag = tag if tag in tags else ""
    filtered = sheets
    if chosen_tag:
        filtered = filtered.filter(tags__contains=f"{TAG_SEPARATOR}{chosen_tag}{TAG_SEPARATOR}")
    if chosen_space is not None:
        filtered = filtered.filter(space=chosen_space)
    filtered = filtered.select_related("space").only(*LIST_FIELDS)
    page = Paginator(filtered, PAGE_SIZE).get_page(page_number)
    activities = visible_activities_for([sheet.pk for sheet in page], user)
    rows = [_row(sheet, access, activities.get(sheet.pk)) for sheet in page]
    return {
        "territory": territory, "rows": rows, "page": page, "tags": tags, "spaces": spaces,
        "chosen_tag": chosen_tag, "chosen_space": chosen_space,
        "filtered": bool(chosen_tag or chosen_space),
        "can_add": access.in_territory(territory.pk),
    }


def _row(sheet, access, activity) -> dict:
    return {
        "sheet": sheet,
        "space": sheet.space if sheet.space is not None and access.can_view(sheet.space) else None,
        "tags": split_tags(sheet.tags),
        "activity": activity,
        "can_change": may_change(access, sheet),
    }


def sheet_page(user, sheet) -> dict:
    """A sheet as its page (and its PDF) reads it: the sections that have text, rendered; the
    linked activity; the contact; what the person may do with it."""
    access = access_for(user)
    sections = [{"name": name, "label": label, "html": render_markdown(getattr(sheet, name))}
                for name, label in SECTIONS if getattr(sheet, name).strip()]
    return {
        "territory": sheet.territory,
        "sheet": sheet,
        "sections": sections,
        "tags": split_tags(sheet.tags),
        "space": sheet.space if sheet.space is not None and access.can_view(sheet.space) else None,
        "activity": visible_activities_for([sheet.pk], user).get(sheet.pk),
        "author_name": privacy.display_name_for(sheet.author, user) if sheet.author else "",
        "has_contact": bool(sheet.contact_name or sheet.contact_email or sheet.contact_phone),
        "can_change": may_change(access, sheet),
        "can_duplicate": access.in_territory(sheet.territory_id),
    }


def writable_spaces(user, territory) -> list[Space]:
    """The spaces a sheet may come from: those of the territory the person sits in (all of them, for
    a coordinator of the territory)."""
    access = access_for(user)
    spaces = Space.objects.filter(territory=territory).only("id", "territory_id", "name", "slug", "visibility",
                                                             "parent_id").order_by("name")
    if access.coordinates_territory(territory.pk):
        return list(spaces)
    return [space for space in spaces if access.is_member(space) or space.pk in access.role_kinds]


def offered_activities(user, territory) -> list[tuple[int, str]]:
    return activity_choices(territory, user)
