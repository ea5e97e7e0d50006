"""The decision register: what a space (or a whole territory) decided, as the person may see it.

A *decision* is a proposal whose outcome has been written (status ``decided``). A proposal that is
closed but still waits for its outcome is not yet in the register: the result of a vote is not a
decision until the person who closed it writes the decision as it goes in the register
(``services.proposal_decide``). Withdrawn proposals never enter it.

Every read here is scoped to the spaces the person may see (``access_for(user).can_view``), computed
once per request with one query over the territory's spaces, and returns rows in a bounded number
of queries whatever the number of decisions: the page's queryset selects the space and the person
who recorded the decision, and annotates the number of participants (of the final round) and of
recusals with subqueries.

Where a decision was taken: online, or in a meeting — the meeting and agenda item when the meetings
app links an agenda item to the proposal (``AgendaItem.proposal``, ``related_name="agenda_items"``),
« En rencontre » otherwise. Plan revisions that cite a decision (``planning.Revision.decision``,
``related_name="plan_revisions"``) are listed with it. Both relations are looked up by name and
prefetched (one query each), so this module imports neither app and works without them.

The "status" filter is the result stored at closing: adopted, rejected, or no decision (quorum
not met). Search is ``icontains`` on title and outcome; on SQLite, case folding covers ASCII
letters only (« é » does not match « É »), on PostgreSQL every letter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import EmptyResultSet, ObjectDoesNotExist
from django.db import connections
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from concertation.core import formatting
from concertation.core.formatting import NBSP
from concertation.core.written_sql import convert, converters_of, loader, plan
from concertation.directory.models import College, Territory
from concertation.spaces import selectors
from concertation.spaces.charter_text import method_phrase
from concertation.spaces.models import Charter, Space

from . import methods as decision_methods
from .explain import explain
from .models import Participation, Proposal, Recusal
from .register_relations import (
    AGENDA_RELATION,
    REVISIONS_RELATION,
    attach_relations,
    has_field,
    reverse_relation,
)
from .vote_loading import first_agenda_item

PAGE_SIZE = 50

# Result of a decision, for the "status" filter (read from the result stored at closing).
RESULT_STATUSES = [
    ("adopted", gettext_lazy("Adoptée")),
    ("rejected", gettext_lazy("Rejetée")),
    ("no_decision", gettext_lazy("Sans décision (quorum non atteint)")),
]


# Filters ----------------------------------------------------------------------------------------

@dataclass
class RegisterFilters:
    space: Space | None = None
    date_from: date | None = None
    date_to: date | None = None
    method: str = ""
    status: str = ""
    query: str = ""

    @property
    def active(self) -> bool:
        return bool(self.space or self.date_from or self.date_to or self.method or self.status or self.query)


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip()) if value and value.strip() else None
    except ValueError:
        return None


def parse_filters(params, spaces: list[Space]) -> RegisterFilters:
    """Filters from a GET query; anything unknown or malformed is ignored rather than refused."""
    by_slug = {space.slug: space for space in spaces}
    method = (params.get("method") or "").strip()
    status = (params.get("status") or "").strip()
    return RegisterFilters(
        space=by_slug.get((params.get("space") or "").strip()),
        date_from=_parse_date(params.get("from")),
        date_to=_parse_date(params.get("to")),
        method=method if method in dict(Charter.METHOD_CHOICES) else "",
        status=status if status in dict(RESULT_STATUSES) else "",
        query=(params.get("q") or "").strip()[:200],
    )


# Visibility -------------------------------------------------------------------------------------

def visible_spaces(user, territory: Territory, *, only=None) -> list[Space]:
    """The territory's spaces this person may see, in one query (public ones for anonymous readers);
    ``only``: the fields to load (all by default)."""
    return selectors.visible_spaces(user, territory, only=only)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# The queryset -----------------------------------------------------------------------------------

def decided(space_ids, filters: RegisterFilters | None = None) -> QuerySet[Proposal]:
    """Decided proposals of the given spaces, most recent first, filtered: no counts, no relations
    (what a page counts and slices before reading its rows with ``decisions_among``)."""
    filters = filters or RegisterFilters()
    queryset = (
        Proposal.objects.filter(status=Proposal.Status.DECIDED, space_id__in=list(space_ids))
        .order_by("-decided_at", "-pk")
    )
    if filters.space is not None:
        queryset = queryset.filter(space=filters.space)
    if filters.date_from:
        queryset = queryset.filter(decided_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        queryset = queryset.filter(decided_at__lt=_day_start(filters.date_to + timedelta(days=1)))
    if filters.method:
        queryset = queryset.filter(method=filters.method)
    if filters.status == "adopted":
        queryset = queryset.filter(result__adopted=True)
    elif filters.status == "rejected":
        queryset = queryset.filter(result__adopted=False).filter(
            Q(result__no_decision__isnull=True) | Q(result__no_decision=False))
    elif filters.status == "no_decision":
        queryset = queryset.filter(result__no_decision=True)
    if filters.query:
        queryset = queryset.filter(Q(title__icontains=filters.query) | Q(outcome__icontains=filters.query))
    return queryset


def _with_counts(queryset: QuerySet[Proposal]) -> QuerySet[Proposal]:
    participants = (
        Participation.objects.filter(proposal=OuterRef("pk"), round=OuterRef("round"))
        .order_by().values("proposal").annotate(n=Count("pk")).values("n")
    )
    recusals = Recusal.objects.filter(proposal=OuterRef("pk")).order_by().values("proposal") \
        .annotate(n=Count("pk")).values("n")
    return queryset.annotate(
        participant_count=Coalesce(Subquery(participants, output_field=IntegerField()), Value(0)),
        recusal_count=Coalesce(Subquery(recusals, output_field=IntegerField()), Value(0)),
    )


def decisions(space_ids, filters: RegisterFilters | None = None) -> QuerySet[Proposal]:
    """Decided proposals of the given spaces, most recent first, filtered, with their counts."""
    return _with_counts(decided(space_ids, filters).select_related("space")) \
        .prefetch_related(*_relation_prefetches())


#: what a register row reads of a proposal (its rule, result, place and texts): the rest is not loaded
ROW_FIELDS = (
    "space", "title", "origin", "method", "threshold", "threshold_numerator", "threshold_denominator", "base",
    "voting_unit", "double_majority", "consensus_tolerance", "method_settings", "status", "round", "result",
    "outcome", "decided_at", "dissent", "created_at", "updated_at",
)


#: ``_with_counts`` written out (the same two counts), for the rows of a page: composing the two
#: subqueries and ``only()`` through the ORM cost ~5 ms a page, running them 0.3 ms. Agreement:
#: tests/decisions/test_register_sql.py.
ROWS_SQL = """
SELECT {columns},
       (SELECT COUNT(*) FROM {participation} pa WHERE pa.proposal_id = p.id AND pa.round = p.round),
       (SELECT COUNT(*) FROM {recusal} r WHERE r.proposal_id = p.id)
  FROM {proposal} p
 WHERE p.id IN ({page})
 ORDER BY p.decided_at DESC, p.id DESC
"""


def _rows_statement(conn) -> tuple[str, list, list[str], dict]:
    quote = conn.ops.quote_name
    wanted = {"id", *ROW_FIELDS}
    fields = [field for field in Proposal._meta.concrete_fields if field.name in wanted]
    sql = ROWS_SQL.format(
        columns=", ".join(f"p.{quote(field.column)}" for field in fields),
        participation=quote(Participation._meta.db_table), recusal=quote(Recusal._meta.db_table),
        proposal=quote(Proposal._meta.db_table), page="{page}")
    return sql, fields, [field.attname for field in fields], converters_of(conn, fields)


def decisions_among(page: QuerySet[Proposal]) -> list[Proposal]:
    """The rows of a slice of ``decided()`` (a page), with their counts and relations, in its order.

    The slice is a subquery: the counts are computed for its rows only (counted in the query that
    sorts every decision, SQLite computed them for all 3 000 at L, 10 ms, then kept 50). The rows
    and counts are read by ``ROWS_SQL`` (what ``_with_counts(…).only(*ROW_FIELDS)`` reads); the
    relations with ``attach_relations``; the spaces are not joined: the caller attaches the ones it
    has loaded (``attach_spaces``).
    """
    conn = connections[page.db]
    sql, fields, names, converters = plan(conn, "decisions.register_rows", _rows_statement)
    try:
        page_sql, params = page.values("pk").query.sql_with_params()
    except EmptyResultSet:  # no space to read (``space_id__in=[]``): no row, as the ORM gives
        return []
    with conn.cursor() as cursor:
        cursor.execute(sql.format(page=page_sql), params)
        found = cursor.fetchall()
    width = len(fields)
    proposals = []
    load = loader(Proposal, conn.alias)
    for row in found:
        proposal = load(names, convert(row[:width], converters, conn))
        proposal.participant_count, proposal.recusal_count = row[width], row[width + 1]
        proposals.append(proposal)
    attach_relations(proposals)
    return proposals


def attach_spaces(proposals, spaces, territory) -> list[Proposal]:
    """Give each proposal its space (and the space its territory) from those already loaded."""
    by_pk = {space.pk: space for space in spaces}
    proposals = list(proposals)
    for proposal in proposals:
        proposal.space = by_pk.get(proposal.space_id) or proposal.space
        proposal.space.territory = territory
    return proposals


_reverse_relation, _has_field = reverse_relation, has_field


def agenda_relation_exists() -> bool:
    """True once the meetings app links its agenda items to proposals."""
    return _reverse_relation(AGENDA_RELATION) is not None


def _relation_prefetches() -> list[Prefetch]:
    """One query each for the agenda items (with their meeting) and the plan revisions citing a
    decision, whatever the number of rows; nothing when those apps are absent."""
    prefetches = []
    items = _reverse_relation(AGENDA_RELATION)
    if items is not None:
        queryset = items.objects.all()
        if _has_field(items, "meeting"):
            queryset = queryset.select_related("meeting")
        prefetches.append(Prefetch(AGENDA_RELATION, queryset=queryset))
    revisions = _reverse_relation(REVISIONS_RELATION)
    if revisions is not None:
        queryset = revisions.objects.all()
        if _has_field(revisions, "plan"):
            queryset = queryset.select_related("plan")
        prefetches.append(Prefetch(REVISIONS_RELATION, queryset=queryset))
    return prefetches


# Rows -------------------------------------------------------------------------------------------

def quote(text) -> str:
    """« text » (non-breaking spaces) in French, “text” in English."""
    return f"“{text}”" if (get_language() or "").startswith("en") else f"«{NBSP}{text}{NBSP}»"



class ReversedOnce:
    """``reverse(name, kwargs=…)`` for the many rows of a page: the address is reversed once with a
    mark in place of each argument, then each row's arguments are written into it (a reversal costs
    about 30 µs; a register page has 50 rows from as many spaces). Arguments are slugs or numbers,
    which a path holds as they are (nothing to quote). Raises NoReverseMatch like ``reverse``."""

    def __init__(self, name: str):
        self.name = name
        self._parts: dict[tuple, list] = {}

    def __call__(self, **kwargs) -> str:
        shape = tuple((key, type(value) is int) for key, value in kwargs.items())
        parts = self._parts.get(shape)
        if parts is None:
            parts = self._parts[shape] = self._split(shape)
        return "".join(part if literal else str(kwargs[part]) for literal, part in parts)

    def _split(self, shape) -> list[tuple[bool, str]]:
        marks = {key: (str(987654301 + index) if number else f"zqmark{index}qz")
                 for index, (key, number) in enumerate(shape)}
        url = reverse(self.name, kwargs={key: int(mark) if mark.isdigit() else mark for key, mark in marks.items()})
        by_mark = {mark: key for key, mark in marks.items()}
        parts = []
        for piece in re.split(f"({'|'.join(by_mark)})", url):
            if piece in by_mark:
                parts.append((False, by_mark[piece]))
            elif piece:
                parts.append((True, piece))
        return parts


@dataclass
class Where:
    online: bool
    meeting: object | None = None
    item: object | None = None
    space: Space | None = None
    meeting_urls: ReversedOnce | None = None  # shared by the rows of a page (``rows``)

    @property
    def label(self) -> str:
        if self.online:
            return _("En ligne")
        if self.meeting is None:
            return _("En rencontre")
        starts_at = getattr(self.meeting, "starts_at", None)
        meeting = str(self.meeting)
        if starts_at is not None:
            meeting = _("%(meeting)s du %(date)s") % {
                "meeting": meeting, "date": formatting.day(starts_at)}
        if self.item is None:
            return meeting
        return _("%(meeting)s, point %(item)s") % {"meeting": meeting, "item": quote(self.item)}

    @property
    def number(self):
        """The item's number on the agenda: accepted items are numbered by their position."""
        return getattr(self.item, "position", None)

    @property
    def item_url(self) -> str:
        """The item on the meeting's page."""
        url = self.url
        return f"{url}#point-{self.item.pk}" if url and self.item is not None else url

    @property
    def url(self) -> str:
        """The meeting's page, once the meetings app has one."""
        if self.meeting is None:
            return ""
        if hasattr(self.meeting, "get_absolute_url"):
            try:
                return self.meeting.get_absolute_url()
            except Exception:  # a meeting's address must never break the register
                return ""
        if self.space is None:
            return ""
        kwargs = {"territory": self.space.territory.slug, "space": self.space.slug, "pk": self.meeting.pk}
        try:
            if self.meeting_urls is not None:
                return self.meeting_urls(**kwargs)
            return reverse("meetings:meeting", kwargs=kwargs)
        except NoReverseMatch:
            return ""


@dataclass
class RegisterRow:
    proposal: Proposal
    where: Where
    method: str
    rule: str
    result: str
    participants: int
    recusals: int
    revisions: list[str] = field(default_factory=list)  # plan revisions citing the decision (planning app)

    @property
    def decided_on(self):
        return timezone.localtime(self.proposal.decided_at) if self.proposal.decided_at else None

    @property
    def outcome(self) -> str:
        return self.proposal.outcome

    @property
    def dissent(self) -> str:
        return self.proposal.dissent


def meeting_where(proposal: Proposal) -> Where | None:
    """The meeting and agenda item of a proposal decided (or put to the vote) in a meeting, for its
    page; None for an online one. One query (two for the first vote of a consensus that fell back:
    its item now names the fallback vote, and the first one keeps the item in its result)."""
    model = _reverse_relation(AGENDA_RELATION)
    if model is None or proposal.origin != Proposal.Origin.MEETING:
        return None
    with_meeting = ("meeting",) if _has_field(model, "meeting") else ()
    item = first_agenda_item(proposal, model) if with_meeting else (
        getattr(proposal, AGENDA_RELATION).order_by("pk").first())
    if item is None:
        item_id = (proposal.result or {}).get("item")
        item = (model.objects.select_related(*with_meeting).filter(pk=item_id).first()
                if isinstance(item_id, int) else None)
    if item is None:
        return None
    return Where(online=False, meeting=getattr(item, "meeting", None), item=item, space=proposal.space)


def where_taken(proposal: Proposal, meeting_urls: ReversedOnce | None = None) -> Where:
    items = _related(proposal, AGENDA_RELATION)
    if items:
        item = items[0]
        return Where(online=False, meeting=getattr(item, "meeting", None), item=item, space=proposal.space,
                     meeting_urls=meeting_urls)
    return Where(online=proposal.origin == Proposal.Origin.ONLINE)


def _related(proposal: Proposal, name: str) -> list:
    if _reverse_relation(name) is None:
        return []
    attached = getattr(proposal, "register_relations", None)
    if attached is not None:  # attach_relations
        return attached.get(name, [])
    try:
        related = getattr(proposal, name)
    except ObjectDoesNotExist:  # a one-to-one relation with nothing on the other side
        return []
    if related is None:
        return []
    return list(related.all()) if hasattr(related, "all") else [related]


def revision_label(revision) -> str:
    """« Plan de quartier 2025-2030 : Modification de « Objectif 1.2 » »."""
    action = revision.get_action_display() if hasattr(revision, "get_action_display") else ""
    label = getattr(revision, "item_label", "") or str(revision)
    text = f"{action} {quote(label)}" if action else str(label)
    plan = getattr(revision, "plan", None)
    return f"{plan}{formatting.colon()} {text}" if plan is not None else text


def rule_phrase(proposal: Proposal) -> str:
    """The rule beside the method, short: « vote aux deux tiers des membres votants présents; une voix
    par organisme » for a vote, « une voix par organisme » where the method says it all."""
    parts = []
    method = decision_methods.REGISTRY.get(proposal.method)
    tolerated = method.rules_of(proposal, present=0, eligible=0).get("tolerance") if method else None
    if method is not None and method.thresholded:
        parts.append(method_phrase(proposal, proposal.method))
    elif isinstance(tolerated, int) and tolerated:  # a number of disagreements a consensus tolerates
        parts.append(ngettext("%(count)s désaccord toléré", "%(count)s désaccords tolérés",
                              tolerated) % {"count": tolerated})
    parts.append(_("une voix par organisme") if proposal.voting_unit == Charter.VotingUnit.ORGANIZATION
                 else _("une voix par personne"))
    if proposal.double_majority and method is not None and method.double_majority:
        parts.append(_("double majorité par collège"))
    return _("; ").join(parts)


def college_names(territory_id: int) -> dict[str, str]:
    return dict(College.objects.filter(territory_id=territory_id).values_list("slug", "name"))


#: what ``rule_phrase`` reads of a proposal (and the methods' ``rules_of``; their settings too)
RULE_FIELDS = ("method", "threshold", "threshold_numerator", "threshold_denominator", "base", "voting_unit",
               "double_majority", "consensus_tolerance")


def rows(proposals, colleges: dict[str, str]) -> list[RegisterRow]:
    """Register rows for already-fetched proposals (no further query per row). A page's decisions
    share a few rules (14 among 50 at L): each rule's phrase and each method's name is written once."""
    methods = {key: str(label) for key, label in Charter.METHOD_CHOICES}
    meeting_urls = ReversedOnce("meetings:meeting")
    phrases: dict[tuple, str] = {}

    def rule(proposal) -> str:
        key = (*(getattr(proposal, name) for name in RULE_FIELDS), repr(proposal.method_settings))
        phrase = phrases.get(key)
        if phrase is None:
            phrase = phrases[key] = rule_phrase(proposal)
        return phrase

    return [
        RegisterRow(
            proposal=proposal,
            where=where_taken(proposal, meeting_urls),
            method=methods.get(proposal.method, proposal.method),
            rule=rule(proposal),
            result=explain(proposal, colleges),
            # Ballots leave a Participation each; a decision recorded without them keeps its count
            # in the stored result.
            participants=getattr(proposal, "participant_count", 0) or (proposal.result or {}).get("participants", 0),
            recusals=getattr(proposal, "recusal_count", 0),
            revisions=[revision_label(revision) for revision in _related(proposal, REVISIONS_RELATION)],
        )
        for proposal in proposals
    ]
