"""The annual review (bilan) of a plan for a chosen period: what a table sends its members and
funders.

For the period (``?du=AAAA-MM-JJ&au=AAAA-MM-JJ``, by default the last twelve months up to today):

- the activities done in the period: status « Réalisée », and their last progress update (or, without
  one, their end date) falls in the period;
- the indicators with their measurements in the period, and their status at the end of the period;
- the decisions taken in the plan's space and in the spaces below it that the reader may see
  (decided in the period, as in the decision register, ``decisions.register``);
- the revisions of the plan made in the period, with their decisions;
- participation: the meetings held in the period in those spaces (status held or minutes adopted)
  and the attendance (present or late) by college: the college of the organization's membership
  in the meeting's space (by default, the organization's), or of the person's citizen membership.

Every part is one query, whatever the size of the plan or the length of the period, and reads
only what it shows. On the page (``build_bilan`` with ``cards`` and ``rows``) each list shows its
first rows and its total, with a link to the whole list (``bilan_section``: one part, a page at a
time, ``?voir=<part>``), and the first indicators as cards with their status at the end of the
period (a bar chart); the PDF (no limits) holds everything, each indicator with its measurements
over time (a line chart) and those of the period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from urllib.parse import urlencode

from django.core.paginator import Page
from django.db.models import (
    CharField,
    Count,
    DateField,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from concertation.core import formatting
from concertation.core.dates import add_months
from concertation.decisions.models import Proposal
from concertation.decisions.register import Where
from concertation.spaces.access import access_for
from concertation.spaces.models import Space

from .attendance import CollegeRow, attendance_by_college
from .bilan_first import decisions_first, done_first, meetings_first
from .dashboard import REVISION_FIELDS, IndicatorView, decorate, indicator_views, revision_rows
from .followup import (
    TOTAL,
    Skeleton,
    first_rows,
    indicator_rows,
    list_page,
    page_rows,
    points_by_indicator,
    sibling_rank,
    skeleton,
)
from .indicators import show
from .models import Activity, Plan, ProgressUpdate, Revision
from .revision_first import revision_first

CARDS = 5          # indicators shown as cards on the page
ROWS = 10          # rows of each list on the page
REVISIONS = 5      # revisions on the page (each with its changes)
PER_PAGE = 50      # rows of a whole list (bilan_section)
INDICATORS_PER_PAGE = 10  # indicators of the whole list, each with its line chart
SECTIONS = ("actions", "indicateurs", "decisions", "revisions", "rencontres")

MAX_DAYS = 366 * 10


# The period -------------------------------------------------------------------------------------

@dataclass
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    @property
    def start_moment(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_moment(self) -> datetime:
        """The start of the day after the period (an exclusive bound)."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    @property
    def label(self) -> str:
        return formatting.date_range(self.start, self.end)

    @property
    def slug(self) -> str:
        return f"{self.start.isoformat()}-{self.end.isoformat()}"


def default_period(today: date | None = None) -> Period:
    """The last twelve months, up to today."""
    today = today or timezone.localdate()
    return Period(start=add_months(today, -12) + timedelta(days=1), end=today)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip()) if (value or "").strip() else None
    except ValueError:
        return None


def parse_period(params, today: date | None = None) -> tuple[Period, list[str]]:
    """The period of ``?du=&au=``; anything missing comes from the default, anything wrong is said."""
    default = default_period(today)
    errors = []
    start, end = _day(params.get("du")), _day(params.get("au"))
    if params.get("du") and start is None:
        errors.append(_("La date de début n'est pas une date valide : écrivez-la AAAA-MM-JJ."))
    if params.get("au") and end is None:
        errors.append(_("La date de fin n'est pas une date valide : écrivez-la AAAA-MM-JJ."))
    start, end = start or default.start, end or default.end
    if end < start:
        errors.append(_("La fin de la période vient avant son début : la période par défaut est affichée."))
        return default, errors
    if (end - start).days > MAX_DAYS:
        errors.append(_("La période dépasse dix ans : la période par défaut est affichée."))
        return default, errors
    return Period(start, end), errors


# The parts ---------------------------------------------------------------------------------------

@dataclass
class DoneActivity:
    id: int
    number: str
    title: str
    lead: str
    done_on: date
    news: str


@dataclass
class IndicatorInPeriod:
    view: IndicatorView
    values: list  # [Point] in the period, when the measurements were read (else [])
    period_count: int = 0  # measurements in the period
    detailed: bool = False  # its measurements were read: a line chart and the period's values

    @property
    def indicator(self):
        return self.view.indicator

    @property
    def rows(self) -> list[tuple[date, str]]:
        return [(point.date, show(point.value)) for point in self.values]


@dataclass
class DecisionRow:
    id: int
    title: str
    outcome: str
    decided_on: datetime | None
    space_name: str
    space_slug: str
    where: Where


@dataclass
class MeetingRow:
    id: int
    title: str
    space_name: str
    starts_at: datetime
    present: int
    status_label: str


@dataclass
class Bilan:
    plan: Plan
    period: Period
    spaces: list = field(default_factory=list)  # of ScopeSpace
    activities_done: list[DoneActivity] = field(default_factory=list)
    activity_counts: list[tuple[str, int]] = field(default_factory=list)
    indicators: list[IndicatorInPeriod] = field(default_factory=list)
    decisions: list[DecisionRow] = field(default_factory=list)
    revisions: list[dict] = field(default_factory=list)
    meetings: list[MeetingRow] = field(default_factory=list)
    colleges: list[CollegeRow] = field(default_factory=list)
    presences: int = 0
    # The totals of the lists (the page shows their first rows).
    activities_done_total: int = 0
    indicator_total: int = 0
    decision_total: int = 0
    revision_total: int = 0
    meeting_total: int = 0
    # A whole list (bilan_section): its part and its page.
    section: str = ""
    page: Page | None = None
    extra: dict = field(default_factory=dict)

    @property
    def space_names(self) -> str:
        return ", ".join(space.name for space in self.spaces)

    def query(self, **extra) -> str:
        """The period's GET parameters (and ``extra``), for the links to the whole lists."""
        return urlencode({"du": self.period.start.isoformat(), "au": self.period.end.isoformat(), **extra})

    @property
    def period_query(self) -> str:
        return self.query()

    @property
    def section_query(self) -> str:
        return self.query(voir=self.section)


class ScopeSpace(NamedTuple):
    """What the bilan reads of a space (its name, and what access.can_view reads), as a row."""

    id: int
    territory_id: int
    parent_id: int | None
    name: str
    visibility: str

    @property
    def pk(self) -> int:
        return self.id


def scope_spaces(plan: Plan, user) -> list[ScopeSpace]:
    """The plan's space and the spaces below it that the person may see (one query), as rows."""
    spaces = [ScopeSpace(*row) for row in Space.objects.filter(territory_id=plan.space.territory_id)
              .order_by("position", "name").values_list("id", "territory_id", "parent_id", "name", "visibility")]
    children: dict = {}
    for space in spaces:
        children.setdefault(space.parent_id, []).append(space)
    access = access_for(user)
    scope, stack = [], [next((space for space in spaces if space.id == plan.space_id), plan.space)]
    seen = set()
    while stack:
        space = stack.pop(0)
        if space.pk in seen:
            continue
        seen.add(space.pk)
        if space.pk == plan.space.pk or access.can_view(space):
            scope.append(space)
            stack.extend(children.get(space.pk, []))
    return scope


def done_queryset(plan: Plan, period: Period):
    """Activities done in the period (their last news, else their end date, else their last change
    falls in it), as light rows with their rank, the oldest first."""
    last = ProgressUpdate.objects.filter(activity=OuterRef("pk")).order_by("-date", "-id")
    done_on = Coalesce(Subquery(last.values("date")[:1], output_field=DateField()), F("ends_on"),
                       TruncDate("updated_at"), output_field=DateField())
    return (
        Activity.objects.filter(strategy__plan=plan, status=Activity.Status.DONE)
        .annotate(done_on=done_on, news=Subquery(last.values("text")[:1], output_field=CharField()),
                  rank=sibling_rank(), lead_name=F("lead__name"))
        .filter(done_on__gte=period.start, done_on__lte=period.end)
        .values("id", "title", "strategy_id", "lead_name", "done_on", "news", "rank")
        .order_by("done_on", "id")
    )


def done_rows(rows, outline: Skeleton) -> list[DoneActivity]:
    return [DoneActivity(id=row["id"], number=outline.activity_number(row["strategy_id"], row["rank"]),
                         title=row["title"], lead=row["lead_name"] or "", done_on=row["done_on"],
                         news=row["news"] or "")
            for row in rows]


def decisions_queryset(space_ids, period: Period):
    """Decisions of the spaces taken in the period, as light rows with where they were taken (the
    first agenda item that carried them, as the register says it), the oldest first."""
    from concertation.meetings.models import AgendaItem

    item = AgendaItem.objects.filter(proposal=OuterRef("pk"))
    return (
        Proposal.objects.filter(status=Proposal.Status.DECIDED, space_id__in=list(space_ids),
                                decided_at__gte=period.start_moment, decided_at__lt=period.end_moment)
        .annotate(space_name=F("space__name"), space_slug=F("space__slug"),
                  item_title=Subquery(item.values("title")[:1], output_field=CharField()),
                  meeting_title=Subquery(item.values("meeting__title")[:1], output_field=CharField()),
                  meeting_starts=Subquery(item.values("meeting__starts_at")[:1], output_field=DateTimeField()))
        .values("id", "title", "outcome", "decided_at", "origin", "space_name", "space_slug", "item_title",
                "meeting_title", "meeting_starts")
        .order_by("decided_at", "id")
    )


class _Named:
    """What register.Where reads of a meeting or an agenda item: its name (and date)."""

    def __init__(self, name: str, starts_at=None):
        self.name, self.starts_at = name, starts_at

    def __str__(self) -> str:
        return self.name


def decision_rows(rows) -> list[DecisionRow]:
    result = []
    for row in rows:
        if row["item_title"] is not None:
            where = Where(online=False, meeting=_Named(row["meeting_title"] or "", row["meeting_starts"]),
                          item=_Named(row["item_title"]))
        else:
            where = Where(online=row["origin"] == Proposal.Origin.ONLINE)
        result.append(DecisionRow(
            id=row["id"], title=row["title"], outcome=row["outcome"],
            decided_on=timezone.localtime(row["decided_at"]) if row["decided_at"] else None,
            space_name=row["space_name"], space_slug=row["space_slug"], where=where))
    return result


def revisions_queryset(plan: Plan, period: Period):
    return (
        Revision.objects.filter(plan=plan, made_at__gte=period.start_moment, made_at__lt=period.end_moment)
        .select_related("decision__space__territory", "author").only(*REVISION_FIELDS).order_by("made_at", "id")
    )


def meetings_queryset(space_ids, period: Period):
    """The meetings held in the period in the spaces, with their presences, the oldest first."""
    from concertation.meetings.models import Attendance, Meeting

    # A subquery rather than a join: computed for the rows shown only.
    present = (
        Attendance.objects.filter(meeting=OuterRef("pk"), status__in=[Attendance.Status.PRESENT,
                                                                        Attendance.Status.LATE])
        .order_by().values("meeting").annotate(n=Count("pk")).values("n")
    )
    return (
        Meeting.objects.filter(space_id__in=list(space_ids),
                               status__in=[Meeting.Status.HELD, Meeting.Status.MINUTES_ADOPTED],
                               starts_at__gte=period.start_moment, starts_at__lt=period.end_moment)
        .annotate(present=Coalesce(Subquery(present, output_field=IntegerField()), Value(0)),
                  space_name=F("space__name"))
        .values("id", "title", "space_name", "starts_at", "status", "present")
        .order_by("starts_at", "id")
    )


def meeting_rows(rows) -> list[MeetingRow]:
    from concertation.meetings.models import Meeting

    labels = dict(Meeting.Status.choices)
    return [MeetingRow(id=row["id"], title=row["title"], space_name=row["space_name"], starts_at=row["starts_at"],
                       present=row["present"], status_label=str(labels.get(row["status"], row["status"])))
            for row in rows]


def _indicators(plan: Plan, outline: Skeleton, period: Period, views: list[IndicatorView], *,
                detailed: bool) -> list[IndicatorInPeriod]:
    """The indicators shown: with their measurements (a line chart, one query) when ``detailed``,
    else a bar chart of their status at the end of the period."""
    points = points_by_indicator([view.id for view in views], as_of=period.end) if detailed else {}
    decorate(views, plan, charts_for="line" if detailed else "bar", id_prefix="bilan", points=points,
             as_of=period.end)
    return [IndicatorInPeriod(view=view, values=[p for p in points.get(view.id, []) if period.contains(p.date)],
                              period_count=getattr(view.indicator, "period_count", 0), detailed=detailed)
            for view in views]


def build_bilan(plan: Plan, period: Period, *, user=None, cards: int | None = None,
                rows: int | None = None) -> Bilan:
    """The bilan of the period: ``cards`` indicators shown (bar charts) and ``rows`` rows of each
    list, with their totals; without limits (the PDF) everything, each indicator in detail."""
    outline = skeleton(plan)
    totals = outline.status_totals()
    bilan = Bilan(plan=plan, period=period,
                  activity_counts=[(label, totals.get(value, 0)) for value, label in Activity.Status.choices])
    done, bilan.activities_done_total = first_rows(done_queryset(plan, period), None) if rows is None \
        else done_first(plan, period, rows)
    bilan.activities_done = done_rows(done, outline)

    indicators = indicator_rows(plan, as_of=period.end, period=period, limit=cards)
    bilan.indicator_total = (getattr(indicators[0], TOTAL) if indicators else 0) if cards is not None \
        else len(indicators)
    views = indicator_views(plan, outline, indicators, today=period.end, as_of=period.end)
    bilan.indicators = _indicators(plan, outline, period, views, detailed=cards is None)

    bilan.spaces = scope_spaces(plan, user)
    space_ids = [space.pk for space in bilan.spaces]
    decisions, bilan.decision_total = first_rows(decisions_queryset(space_ids, period), None) if rows is None \
        else decisions_first(space_ids, period, rows)
    bilan.decisions = decision_rows(decisions)
    revisions, bilan.revision_total = revision_first(plan, period=period, limit=REVISIONS) if rows \
        else first_rows(revisions_queryset(plan, period), None)
    bilan.revisions = revision_rows(revisions)
    meetings, bilan.meeting_total = first_rows(meetings_queryset(space_ids, period), None) if rows is None \
        else meetings_first(space_ids, period, rows)
    bilan.meetings = meeting_rows(meetings)
    bilan.colleges = attendance_by_college(space_ids, period) if bilan.meeting_total else []
    bilan.presences = sum(row.presences for row in bilan.colleges)
    return bilan


def bilan_section(plan: Plan, period: Period, section: str, *, number=1, user=None) -> Bilan | None:
    """One part of the bilan in full, a page at a time (``SECTIONS``); None for an unknown part."""
    if section not in SECTIONS:
        return None
    bilan = Bilan(plan=plan, period=period, section=section)
    if section == "actions":
        outline = skeleton(plan)
        bilan.page = page_rows(done_queryset(plan, period), number, PER_PAGE)
        bilan.page.object_list = bilan.activities_done = done_rows(bilan.page.object_list, outline)
    elif section == "indicateurs":
        outline = skeleton(plan)
        views = indicator_views(plan, outline, indicator_rows(plan, as_of=period.end, period=period),
                                today=period.end, as_of=period.end)
        bilan.page = list_page(views, number, INDICATORS_PER_PAGE)
        bilan.page.object_list = bilan.indicators = _indicators(plan, outline, period, list(bilan.page.object_list),
                                                                detailed=True)
    elif section == "revisions":
        bilan.page = page_rows(revisions_queryset(plan, period), number, PER_PAGE)
        bilan.page.object_list = bilan.revisions = revision_rows(bilan.page.object_list)
    else:
        space_ids = [space.pk for space in scope_spaces(plan, user)]
        if section == "decisions":
            bilan.page = page_rows(decisions_queryset(space_ids, period), number, PER_PAGE)
            bilan.page.object_list = bilan.decisions = decision_rows(bilan.page.object_list)
        else:
            bilan.page = page_rows(meetings_queryset(space_ids, period), number, PER_PAGE)
            bilan.page.object_list = bilan.meetings = meeting_rows(bilan.page.object_list)
    return bilan
