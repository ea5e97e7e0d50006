"""The annual review (bilan) of a plan for a chosen period: what a table sends its members and
funders.

For the period (``?du=AAAA-MM-JJ&au=AAAA-MM-JJ``, by default the last twelve months up to today):

- the activities done in the period: status « Réalisée », and their last progress update (or, without
  one, their end date) falls in the period;
- the indicators with their measurements in the period, and their status at the end of the period;
- the decisions taken in the plan's space and in the spaces below it that the reader may see
  (decided in the period, from the decision register: ``decisions.register.decisions``);
- the revisions of the plan made in the period, with their decisions;
- participation: the meetings held in the period in those spaces (status held or minutes adopted)
  and the attendance (present or late) by college: the college of the organization's membership
  in the meeting's space (by default, the organization's), or of the person's citizen membership.

Every part is one query or a few, whatever the size of the plan or the length of the period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import CharField, Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from concertation.core.dates import add_months
from concertation.decisions import register
from concertation.decisions.explain import college_names_of
from concertation.spaces.access import access_for
from concertation.spaces.models import Membership, Space

from .dashboard import (
    IndicatorView,
    indicator_views,
    plan_indicators,
    plan_rows,
    points_by_indicator,
    revision_rows,
)
from .indicators import show
from .models import Activity, Plan, ProgressUpdate, Revision

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
        return _("du %(start)s au %(end)s") % {"start": formats.date_format(self.start, "DATE_FORMAT"),
                                               "end": formats.date_format(self.end, "DATE_FORMAT")}

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
    values: list  # [Point] in the period

    @property
    def indicator(self):
        return self.view.indicator

    @property
    def rows(self) -> list[tuple[date, str]]:
        return [(point.date, show(point.value)) for point in self.values]


@dataclass
class MeetingRow:
    id: int
    title: str
    space: Space
    starts_at: datetime
    present: int
    status_label: str


@dataclass
class CollegeRow:
    name: str
    presences: int
    people: int
    share: int  # % of all presences


@dataclass
class Bilan:
    plan: Plan
    period: Period
    spaces: list[Space]
    activities_done: list[DoneActivity]
    activity_counts: list[tuple[str, int]]
    indicators: list[IndicatorInPeriod]
    decisions: list
    revisions: list[dict]
    meetings: list[MeetingRow]
    colleges: list[CollegeRow]
    presences: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def space_names(self) -> str:
        return ", ".join(space.name for space in self.spaces)


def scope_spaces(plan: Plan, user) -> list[Space]:
    """The plan's space and the spaces below it that the person may see (one query)."""
    spaces = list(Space.objects.filter(territory_id=plan.space.territory_id).select_related("territory")
                  .order_by("position", "name"))
    children: dict = {}
    for space in spaces:
        children.setdefault(space.parent_id, []).append(space)
    access = access_for(user)
    scope, stack = [], [plan.space]
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


def activities_done(plan: Plan, tree, period: Period) -> list[DoneActivity]:
    last = ProgressUpdate.objects.filter(activity=OuterRef("pk")).order_by("-date", "-id")
    rows = (
        Activity.objects.filter(strategy__plan=plan, status=Activity.Status.DONE).order_by()
        .annotate(last_news=Subquery(last.values("date")[:1]), last_text=Subquery(last.values("text")[:1]))
        .values("id", "last_news", "last_text", "ends_on", "updated_at")
    )
    done = []
    for row in rows:
        day = row["last_news"] or row["ends_on"] or timezone.localdate(row["updated_at"])
        if not period.contains(day):
            continue
        node = tree.find("activity", row["id"])
        if node is None:
            continue
        done.append(DoneActivity(id=row["id"], number=node.number, title=node.title,
                                 lead=node.data.get("lead__name") or "", done_on=day, news=row["last_text"] or ""))
    return sorted(done, key=lambda activity: (activity.done_on, activity.number))


def meetings_held(space_ids, period: Period):
    from concertation.meetings.models import Attendance, Meeting

    present = Q(attendances__status__in=[Attendance.Status.PRESENT, Attendance.Status.LATE])
    return (
        Meeting.objects.filter(space_id__in=space_ids, status__in=[Meeting.Status.HELD, Meeting.Status.MINUTES_ADOPTED],
                               starts_at__gte=period.start_moment, starts_at__lt=period.end_moment)
        .select_related("space__territory")
        .annotate(present=Count("attendances", filter=present))
        .order_by("starts_at", "pk")
    )


def attendance_by_college(space_ids, period: Period) -> list[CollegeRow]:
    """Presences (present or late) at the meetings held in the period, by college (one query)."""
    from concertation.meetings.models import Attendance, Meeting

    organization_college = Membership.objects.filter(
        space=OuterRef("meeting__space"), organization=OuterRef("organization"), college__isnull=False,
    ).values("college__name")[:1]
    citizen_college = Membership.objects.filter(
        space=OuterRef("meeting__space"), person=OuterRef("person"), organization__isnull=True,
        college__isnull=False,
    ).values("college__name")[:1]
    college = Coalesce(
        Subquery(organization_college, output_field=CharField()), F("organization__college__name"),
        Subquery(citizen_college, output_field=CharField()), output_field=CharField(),
    )
    rows = (
        Attendance.objects.filter(
            meeting__space_id__in=space_ids,
            meeting__status__in=[Meeting.Status.HELD, Meeting.Status.MINUTES_ADOPTED],
            meeting__starts_at__gte=period.start_moment, meeting__starts_at__lt=period.end_moment,
            status__in=[Attendance.Status.PRESENT, Attendance.Status.LATE],
        )
        .annotate(college_name=college)
        .values("college_name")
        .annotate(presences=Count("id"), people=Count("person", distinct=True))
        .order_by()
    )
    rows = list(rows)
    total = sum(row["presences"] for row in rows) or 1
    result = [CollegeRow(name=row["college_name"] or _("Sans collège"), presences=row["presences"],
                         people=row["people"], share=round(row["presences"] * 100 / total))
              for row in rows]
    return sorted(result, key=lambda row: (-row.presences, row.name))


def build_bilan(plan: Plan, period: Period, *, user=None) -> Bilan:
    tree = plan_rows(plan)
    counts: dict = {}
    for node in tree.nodes():
        if node.kind == "activity":
            counts[node.data["status"]] = counts.get(node.data["status"], 0) + 1
    activity_counts = [(label, counts.get(value, 0)) for value, label in Activity.Status.choices]

    indicators = plan_indicators(plan)
    points = points_by_indicator([indicator.pk for indicator in indicators])
    views = indicator_views(plan, tree, indicators, points, today=period.end, as_of=period.end, charts_for="line",
                            id_prefix="bilan")
    in_period = [IndicatorInPeriod(view=view, values=[p for p in view.points if period.contains(p.date)])
                 for view in views]

    spaces = scope_spaces(plan, user)
    space_ids = [space.pk for space in spaces]
    filters = register.RegisterFilters(date_from=period.start, date_to=period.end)
    proposals = list(register.decisions(space_ids, filters).order_by("decided_at", "pk"))
    decisions = register.rows(proposals, college_names_of(plan.space.territory_id)) if proposals else []

    revisions = (
        Revision.objects.filter(plan=plan, made_at__gte=period.start_moment, made_at__lt=period.end_moment)
        .select_related("decision__space__territory", "author").order_by("made_at", "id")
    )
    meetings = [
        MeetingRow(id=meeting.pk, title=meeting.title, space=meeting.space, starts_at=meeting.starts_at,
                   present=meeting.present, status_label=meeting.get_status_display())
        for meeting in meetings_held(space_ids, period)
    ]
    colleges = attendance_by_college(space_ids, period) if meetings else []
    return Bilan(
        plan=plan, period=period, spaces=spaces, activities_done=activities_done(plan, tree, period),
        activity_counts=activity_counts, indicators=in_period, decisions=decisions,
        revisions=revision_rows(revisions), meetings=meetings, colleges=colleges,
        presences=sum(row.presences for row in colleges),
    )
