"""The dashboard of a plan: progress per priority, indicators against their targets, overdue
activities, measurements due, and recent revisions with their decisions.

Everything is read in a fixed number of queries, whatever the size of the plan: the items' light
rows (one query per level, numbered with ``selectors.build_plan_tree``), the indicators, all their
measurements, and the recent revisions. Statuses and charts are then computed in Python.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import CharField, F, IntegerField, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from . import charts
from .indicators import (
    NO_DATA,
    STATUS_LABELS,
    STATUS_ORDER,
    IndicatorStatus,
    Point,
    approx,
    indicator_status,
    measurement_due,
    next_measurement_due,
    show,
    status_sentence,
)
from .models import Activity, Indicator, Measurement, Objective, Plan, Priority, Strategy
from .revisions import action_sentence, describe_diff
from .selectors import PARENT_KEY, PlanTree, build_plan_tree, recent_revisions

OPEN_STATUSES = (Activity.Status.PLANNED, Activity.Status.IN_PROGRESS, Activity.Status.ON_HOLD)
RECENT_REVISIONS = 8
CROSS_CUTTING = "transversal"


# The plan's skeleton, light ------------------------------------------------------------------------

def plan_rows(plan: Plan) -> PlanTree:
    """The plan's items as light rows (titles, activity status, dates, lead), numbered: one query
    for priorities, objectives and strategies together, one for the activities."""
    def level(queryset, kind: str, parent: str | None):
        return (
            queryset.order_by()
            .annotate(kind=Value(kind, output_field=CharField()),
                      parent=F(parent) if parent else Value(None, output_field=IntegerField()))
            .values_list("kind", "id", "position", "title", "parent")
        )

    upper = level(Priority.objects.filter(plan=plan), "priority", None).union(
        level(Objective.objects.filter(priority__plan=plan), "objective", "priority_id"),
        level(Strategy.objects.filter(plan=plan), "strategy", "objective_id"),
        all=True,
    )
    items: dict = {}
    for kind, pk, position, title, parent in upper:
        row = {"id": pk, "position": position, "title": title}
        if kind in PARENT_KEY:
            row[PARENT_KEY[kind]] = parent
        items[(kind, pk)] = row
    activities = (
        Activity.objects.filter(strategy__plan=plan).order_by()
        .values("id", "position", "title", "strategy_id", "status", "starts_on", "ends_on", "lead__name",
                "updated_at")
    )
    for row in activities:
        items[("activity", row["id"])] = row
    return build_plan_tree(plan, items, plan_data={})


def priority_of(tree: PlanTree) -> dict:
    """{(kind, id): priority node id, or CROSS_CUTTING} for every objective, strategy and activity."""
    owner: dict = {}
    for priority in tree.priorities:
        stack = list(priority.children)
        while stack:
            node = stack.pop()
            owner[(node.kind, node.id)] = priority.id
            stack.extend(node.children)
    for strategy in tree.cross_cutting:
        owner[("strategy", strategy.id)] = CROSS_CUTTING
        for activity in strategy.children:
            owner[("activity", activity.id)] = CROSS_CUTTING
    return owner


def points_by_indicator(indicator_ids) -> dict[int, list[Point]]:
    """{indicator id: [Point…] by date}, in one query."""
    points: dict[int, list[Point]] = defaultdict(list)
    rows = (Measurement.objects.filter(indicator_id__in=list(indicator_ids)).order_by("indicator_id", "date")
            .values_list("indicator_id", "date", "value"))
    for indicator_id, day, value in rows:
        points[indicator_id].append(Point(day, value))
    return points


# Indicators, as shown ----------------------------------------------------------------------------

@dataclass
class IndicatorView:
    indicator: Indicator
    points: list[Point]
    status: IndicatorStatus
    owner_label: str  # « Objectif 1.1 · … », « Action 1.1.1.2 · … », « Tout le plan »
    priority_id: object  # a priority id, or CROSS_CUTTING
    due: bool = False
    next_due: date | None = None
    sentence: str = ""
    bar: str = ""
    line: str = ""
    can_record: bool = False

    @property
    def id(self) -> int:
        return self.indicator.pk

    @property
    def name(self) -> str:
        return self.indicator.name

    @property
    def unit(self) -> str:
        return self.indicator.unit

    @property
    def baseline(self) -> str:
        return show(self.indicator.baseline_value)

    @property
    def target(self) -> str:
        return show(self.indicator.target_value)

    @property
    def latest(self) -> Point | None:
        return self.status.latest

    @property
    def latest_value(self) -> str:
        return show(self.status.latest.value) if self.status.latest else "—"

    @property
    def expected(self) -> str:
        return approx(self.status.expected) if self.status.expected is not None and not self.status.reached else "—"

    @property
    def direction_label(self) -> str:
        return self.indicator.get_direction_display()


def owner_label(indicator: Indicator, tree: PlanTree) -> str:
    if indicator.activity_id:
        node = tree.find("activity", indicator.activity_id)
        return _("Action %(number)s · %(title)s") % {"number": node.number, "title": node.title} if node else ""
    if indicator.objective_id:
        node = tree.find("objective", indicator.objective_id)
        return _("Objectif %(number)s · %(title)s") % {"number": node.number, "title": node.title} if node else ""
    return _("Tout le plan")


def indicator_views(plan: Plan, tree: PlanTree, indicators, points: dict, *, today: date, user=None,
                    as_of: date | None = None, charts_for: str = "bar", id_prefix: str = "chart") -> list[IndicatorView]:
    """Each indicator with its status (at ``as_of`` when given), due date and charts."""
    owners = priority_of(tree)
    views = []
    for indicator in indicators:
        indicator.plan = plan  # shared: permissions read no more rows
        mine = points.get(indicator.pk, [])
        status = indicator_status(indicator, mine, plan_start=plan.starts_on, as_of=as_of)
        if indicator.activity_id:
            priority_id = owners.get(("activity", indicator.activity_id), CROSS_CUTTING)
        elif indicator.objective_id:
            priority_id = owners.get(("objective", indicator.objective_id), CROSS_CUTTING)
        else:
            priority_id = CROSS_CUTTING
        latest_day = status.latest.date if status.latest else None
        view = IndicatorView(
            indicator=indicator, points=mine, status=status, owner_label=owner_label(indicator, tree),
            priority_id=priority_id, sentence=status_sentence(indicator, status),
            next_due=next_measurement_due(indicator, latest_day, plan_start=plan.starts_on),
            due=plan.status != Plan.Status.ARCHIVED and measurement_due(indicator, latest_day,
                                                                        plan_start=plan.starts_on, today=today),
        )
        if user is not None:
            view.can_record = plan.status != Plan.Status.ARCHIVED and user.has_perm(
                "planning.record_measurement", indicator)
        if "bar" in charts_for:
            view.bar = charts.bar_chart(
                chart_id=f"{id_prefix}-bar-{indicator.pk}", name=indicator.name, unit=indicator.unit,
                baseline=indicator.baseline_value, latest=status.latest.value if status.latest else None,
                target=indicator.target_value, target_date=indicator.target_date, status_label=status.label)
        if "line" in charts_for:
            shown = [(p.date, p.value) for p in mine if as_of is None or p.date <= as_of]
            view.line = line_for(indicator, shown, plan, chart_id=f"{id_prefix}-line-{indicator.pk}")
        views.append(view)
    return views


def line_for(indicator: Indicator, points, plan: Plan, *, chart_id: str) -> str:
    baseline = None
    if indicator.baseline_value is not None:
        baseline = (indicator.baseline_date or plan.starts_on, indicator.baseline_value)
    return charts.line_chart(chart_id=chart_id, name=indicator.name, unit=indicator.unit, points=points,
                             baseline=baseline, target=indicator.target_value, target_date=indicator.target_date)


def plan_indicators(plan: Plan):
    return list(Indicator.objects.filter(plan=plan).select_related("responsible").order_by("position", "id"))


# The dashboard -----------------------------------------------------------------------------------

@dataclass
class StatusCount:
    status: str
    label: str
    count: int


@dataclass
class PriorityBlock:
    id: object
    number: str
    title: str
    counts: dict = field(default_factory=dict)  # activity status → count
    indicators: list[IndicatorView] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        return self.counts.get(Activity.Status.DONE, 0)

    def status_counts(self) -> list[StatusCount]:
        return [StatusCount(value, label, self.counts.get(value, 0)) for value, label in Activity.Status.choices]

    @property
    def indicator_summary(self) -> list[StatusCount]:
        counts = defaultdict(int)
        for view in self.indicators:
            counts[view.status.key] += 1
        return [StatusCount(key, str(STATUS_LABELS[key]), counts[key]) for key in STATUS_ORDER if counts[key]]


@dataclass
class OverdueActivity:
    id: int
    number: str
    title: str
    lead: str
    ends_on: date
    status_label: str
    days_late: int


@dataclass
class Dashboard:
    plan: Plan
    today: date
    blocks: list[PriorityBlock]
    cross_cutting: PriorityBlock
    overdue: list[OverdueActivity]
    due: list[IndicatorView]
    revisions: list[dict]
    indicator_count: int = 0

    @property
    def all_blocks(self) -> list[PriorityBlock]:
        blocks = list(self.blocks)
        if self.cross_cutting.total or self.cross_cutting.indicators:
            blocks.append(self.cross_cutting)
        return blocks

    @property
    def count_blocks(self) -> list[PriorityBlock]:
        """The rows of the activities table: every priority, and « transversal » when it has some."""
        return self.blocks + ([self.cross_cutting] if self.cross_cutting.total else [])

    @property
    def totals(self) -> PriorityBlock:
        total = PriorityBlock(id="total", number="", title=_("Ensemble du plan"))
        for block in self.all_blocks:
            for status, count in block.counts.items():
                total.counts[status] = total.counts.get(status, 0) + count
        return total

    @property
    def status_choices(self):
        return Activity.Status.choices


STATUS_LABEL = dict(Activity.Status.choices)


def revision_rows(revisions) -> list[dict]:
    return [{"revision": revision, "sentence": action_sentence(revision), "changes": describe_diff(revision)}
            for revision in revisions]


def build_dashboard(plan: Plan, *, user=None, today: date | None = None,
                    revisions_limit: int = RECENT_REVISIONS) -> Dashboard:
    today = today or timezone.localdate()
    tree = plan_rows(plan)
    blocks = {priority.id: PriorityBlock(id=priority.id, number=priority.number, title=priority.title)
              for priority in tree.priorities}
    cross = PriorityBlock(id=CROSS_CUTTING, number="", title=_("Transversal"))
    owners = priority_of(tree)
    overdue = []
    for node in tree.nodes():
        if node.kind != "activity":
            continue
        block = blocks.get(owners.get(("activity", node.id)), cross)
        status = node.data["status"]
        block.counts[status] = block.counts.get(status, 0) + 1
        ends_on = node.data.get("ends_on")
        if ends_on and ends_on < today and status in OPEN_STATUSES:
            overdue.append(OverdueActivity(id=node.id, number=node.number, title=node.title,
                                           lead=node.data.get("lead__name") or "", ends_on=ends_on,
                                           status_label=str(STATUS_LABEL.get(status, status)),
                                           days_late=(today - ends_on).days))
    indicators = plan_indicators(plan)
    points = points_by_indicator([indicator.pk for indicator in indicators])
    views = indicator_views(plan, tree, indicators, points, today=today, user=user, charts_for="bar",
                            id_prefix="tableau")
    for view in views:
        blocks.get(view.priority_id, cross).indicators.append(view)
    overdue.sort(key=lambda row: (row.ends_on, row.number))
    due = sorted((view for view in views if view.due), key=lambda view: (view.next_due, view.name))
    revisions = revision_rows(recent_revisions(plan, limit=revisions_limit)) if plan.status != Plan.Status.DRAFT \
        else []
    return Dashboard(plan=plan, today=today, blocks=list(blocks.values()), cross_cutting=cross, overdue=overdue,
                     due=due, revisions=revisions, indicator_count=len(views))


def no_data(view: IndicatorView) -> bool:
    return view.status.key == NO_DATA
