"""Reads of the references: what a territory's page lists, in its four groups, in one query (the
page's rows with the count of them all), whatever the number of references, none included.

Whoever reached the territory (``spaces.selectors.territory_for``) may read its references and the
instance's; nothing of another territory is ever listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, IntegerField, Q, Value, When, Window
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from concertation.core.richtext import render_markdown
from concertation.spaces.access import access_for

from .bibliography import citation_html, citation_text
from .models.references import (
    GROUP_ORDER,
    Reference,
    ReferenceGroup,
    ReferenceKind,
    ReferenceLanguage,
)

PAGE_SIZE = 100
MAX_PAGE = 100_000  # beyond, surely past the end: the paginator says where the end is
QUERY_MAX_LENGTH = 100


def references_of(territory):
    """The territory's references and the instance's, in the page's order: by group, the territory's
    own first, then by position."""
    rank = Case(*(When(group=value, then=Value(index)) for value, index in GROUP_ORDER.items()),
                default=Value(len(GROUP_ORDER)), output_field=IntegerField())
    return (Reference.objects.filter(Q(territory=territory) | Q(territory__isnull=True))
            .annotate(group_rank=rank)
            .order_by("group_rank", F("territory_id").asc(nulls_last=True), "position", "pk"))


def reference_of(territory, pk: int) -> Reference | None:
    """One reference shown in the territory (its own or the instance's), or None."""
    return Reference.objects.filter(Q(territory=territory) | Q(territory__isnull=True), pk=pk).first()


@dataclass
class Entry:
    reference: Reference
    citation: SafeString
    text: str
    note: SafeString
    instance_wide: bool
    can_change: bool
    language: str = ""  # the resource's language code when it is not the page's language
    language_label: str = ""
    can_move_up: bool = False
    can_move_down: bool = False


@dataclass
class Group:
    key: str
    label: str
    entries: list[Entry] = field(default_factory=list)


@dataclass
class ReferenceList:
    groups: list[Group]
    page: object
    kind: str
    query: str
    filtered: bool
    count: int


def reference_list(user, territory, *, kind: str = "", query: str = "", page_number=None) -> ReferenceList:
    kind = kind if kind in ReferenceKind.values else ""
    query = " ".join(query.split())[:QUERY_MAX_LENGTH]
    references = references_of(territory)
    if kind:
        references = references.filter(kind=kind)
    if query:
        references = references.filter(
            Q(title__icontains=query) | Q(authors__icontains=query) | Q(publisher__icontains=query)
            | Q(note__icontains=query) | Q(pages__icontains=query)
        )
    page = _page(references, page_number)
    access = access_for(user)
    page_language = (get_language() or "fr").split("-")[0]
    groups = {value: Group(value, str(label)) for value, label in ReferenceGroup.choices}
    for reference in page.object_list:
        instance_wide = reference.territory_id is None
        can_change = access.is_admin if instance_wide else access.coordinates_territory(territory.pk)
        language = "" if reference.language == page_language else reference.language
        groups[reference.group].entries.append(Entry(
            reference=reference, citation=citation_html(reference), text=citation_text(reference),
            note=render_markdown(reference.note), instance_wide=instance_wide, can_change=can_change,
            language=language, language_label=str(ReferenceLanguage(language).label) if language else "",
        ))
    filtered = bool(kind or query)
    if not filtered:
        _mark_moves(groups.values())
    return ReferenceList(groups=list(groups.values()), page=page, kind=kind, query=query, filtered=filtered,
                         count=page.paginator.count)


def _page(references, page_number) -> Page:
    """The page asked for, read in one query with the count of every reference (a window over the
    filtered rows): a paginator's count, then its slice, were two queries with references and one
    without (the count at 0 spares the slice), so the page's query count changed with the data. A
    page number past the end or below 1 falls back on the paginator (the last page, as ``get_page``
    gives); one that is not a number is the first page, as there."""
    paginator = Paginator(references, PAGE_SIZE)
    try:
        number = int(page_number) if page_number not in (None, "") else 1
    except (TypeError, ValueError):
        number = 1
    if not 1 <= number <= MAX_PAGE:
        return paginator.get_page(number)
    start = (number - 1) * PAGE_SIZE
    rows = list(references.annotate(listed_count=Window(Count("pk")))[start:start + PAGE_SIZE])
    if not rows and number > 1:
        return paginator.get_page(number)
    paginator.count = rows[0].listed_count if rows else 0  # what the paginator would have counted
    return Page(rows, number, paginator)


def _mark_moves(groups) -> None:
    """Up and down buttons move a reference among its group's references of the same owner."""
    for group in groups:
        for owner in (True, False):
            block = [entry for entry in group.entries if entry.instance_wide is owner and entry.can_change]
            for index, entry in enumerate(block):
                entry.can_move_up = index > 0
                entry.can_move_down = index < len(block) - 1
