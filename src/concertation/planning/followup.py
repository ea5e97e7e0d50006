"""Light reads of a plan's follow-up, shared by the dashboard and the bilan.

A plan of a large territory has thousands of activities and hundreds of indicators with tens of
thousands of measurements; its pages read what they show, each part in one query whatever the size:

- ``skeleton``: the priorities, objectives and strategies, numbered, with the number of activities
  of each strategy by status (UNION ALL of the three levels and of one GROUP BY);
- ``sibling_rank``: an activity's rank among the activities of its strategy, computed by SQL for
  the few activities a page lists, which gives their number (1.2.1.3) with the skeleton's;
- ``indicator_rows``: the plan's indicators with what their status needs, from SQL: their first
  and latest measurements up to a date and how many there are (and how many in a period);
- ``first_rows`` and ``page_rows``: the first rows of a list, or one page of it, with the list's
  total in the same query (a window count).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    DateField,
    DecimalField,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce

from .indicators import Point
from .models import Activity, Indicator, Measurement, Objective, Plan, Priority, Strategy
from .selectors import PARENT_KEY, PlanTree, build_plan_tree

CROSS_CUTTING = "transversal"
TOTAL = "full_count"


# The skeleton -----------------------------------------------------------------------------------

@dataclass
class Skeleton:
    """The plan's upper levels (numbered) and its activity counts: {strategy id: {status: n}}."""

    tree: PlanTree
    counts: dict = field(default_factory=dict)
    _owner: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        for priority in self.tree.priorities:
            for objective in priority.children:
                self._owner[("objective", objective.id)] = priority.id
                for strategy in objective.children:
                    self._owner[("strategy", strategy.id)] = priority.id
        for strategy in self.tree.cross_cutting:
            self._owner[("strategy", strategy.id)] = CROSS_CUTTING

    def priority_of(self, kind: str, pk) -> object:
        """The priority id an objective or a strategy serves, or CROSS_CUTTING."""
        return self._owner.get((kind, pk), CROSS_CUTTING)

    def node(self, kind: str, pk):
        return self.tree.find(kind, pk)

    def activity_number(self, strategy_id, rank) -> str:
        strategy = self.tree.find("strategy", strategy_id)
        return f"{strategy.number}.{rank}" if strategy is not None and rank else ""

    def status_totals(self) -> dict:
        totals: dict = {}
        for by_status in self.counts.values():
            for status, count in by_status.items():
                totals[status] = totals.get(status, 0) + count
        return totals


SKELETON_SQL = """
SELECT 'priority', priority.id, priority.position, priority.title, CAST(NULL AS INTEGER), 0
  FROM {priority} priority WHERE priority.plan_id = %(plan)s
UNION ALL
SELECT 'objective', objective.id, objective.position, objective.title, objective.priority_id, 0
  FROM {objective} objective JOIN {priority} priority ON priority.id = objective.priority_id
 WHERE priority.plan_id = %(plan)s
UNION ALL
SELECT 'strategy', strategy.id, strategy.position, strategy.title, strategy.objective_id, 0
  FROM {strategy} strategy WHERE strategy.plan_id = %(plan)s
UNION ALL
SELECT 'count', activity.strategy_id, 0, activity.status, CAST(NULL AS INTEGER), COUNT(activity.id)
  FROM {activity} activity JOIN {strategy} strategy ON strategy.id = activity.strategy_id
 WHERE strategy.plan_id = %(plan)s
 GROUP BY activity.strategy_id, activity.status
"""


def skeleton(plan: Plan) -> Skeleton:
    """Priorities, objectives and strategies, and the activities counted by strategy and status, in
    one query (written by hand: building it with the ORM, a UNION of four querysets, cost twice
    as much as running it)."""
    from django.db import connection

    table = connection.ops.quote_name
    sql = SKELETON_SQL.format(priority=table(Priority._meta.db_table), objective=table(Objective._meta.db_table),
                              strategy=table(Strategy._meta.db_table), activity=table(Activity._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(sql, {"plan": plan.pk})
        rows = cursor.fetchall()
    items: dict = {}
    by_strategy: dict = {}
    for kind, pk, position, title, parent, n in rows:
        if kind == "count":
            by_strategy.setdefault(pk, {})[title] = n
            continue
        row = {"id": pk, "position": position, "title": title}
        if kind in PARENT_KEY:
            row[PARENT_KEY[kind]] = parent
        items[(kind, pk)] = row
    return Skeleton(tree=build_plan_tree(plan, items, plan_data={}), counts=by_strategy)


def sibling_rank(prefix: str = "") -> Coalesce:
    """SQL: the 1-based rank of an activity (``prefix`` = the path to it, e.g. "activity__") among
    the activities of its strategy, ordered by (position, id) as numbering.py numbers them."""
    before = (
        Activity.objects.filter(strategy_id=OuterRef(f"{prefix}strategy_id"))
        .filter(Q(position__lt=OuterRef(f"{prefix}position"))
                | Q(position=OuterRef(f"{prefix}position"), pk__lt=OuterRef(f"{prefix}pk")))
        .order_by().values("strategy_id").annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(before, output_field=IntegerField()), Value(0)) + 1


# Lists with their total -------------------------------------------------------------------------

def _total(row) -> int:
    return row[TOTAL] if isinstance(row, dict) else getattr(row, TOTAL)


def limited(queryset, limit: int):
    """``queryset``'s first ``limit`` rows, each annotated with the total (``full_count``), in one
    query whose costly columns are computed for those rows only: the rows are chosen by their ids
    (``IN (SELECT … LIMIT n)``) and the total is a scalar subquery, computed once. For a list whose
    columns are costly subqueries (the indicators); a window count (``first_rows``) computes every
    column of every row first, but is cheaper when the filter itself is the costly part."""
    ids = queryset.values("pk")[:limit]
    total = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return queryset.filter(pk__in=Subquery(ids)).annotate(**{TOTAL: Subquery(total, output_field=IntegerField())})


def first_rows(queryset, limit: int | None) -> tuple[list, int]:
    """(the first ``limit`` rows, the total), in one query; every row when ``limit`` is None."""
    if limit is None:
        rows = list(queryset)
        return rows, len(rows)
    rows = list(queryset.annotate(**{TOTAL: Window(Count("pk"))})[:limit])
    return rows, (_total(rows[0]) if rows else 0)


def page_rows(queryset, number, per_page: int) -> Page:
    """One page of ``queryset`` (rows or dicts) with its total from a window count; out of range,
    the last page."""
    try:
        number = max(int(number), 1)
    except (TypeError, ValueError):
        number = 1
    counted = queryset.annotate(**{TOTAL: Window(Count("pk"))})
    rows = list(counted[(number - 1) * per_page:number * per_page])
    paginator = Paginator(queryset, per_page)
    if rows:
        paginator.count = _total(rows[0])  # a cached_property: no COUNT query
        return Page(rows, number, paginator)
    if number == 1 or paginator.count == 0:
        return Page([], 1, paginator)
    number = paginator.num_pages
    return Page(list(counted[(number - 1) * per_page:number * per_page]), number, paginator)


def list_page(items: list, number, per_page: int) -> Page:
    """A page of a list already in memory."""
    return Paginator(items, per_page).get_page(number)


# Indicators -------------------------------------------------------------------------------------

INDICATOR_FIELDS = ("id", "plan_id", "objective_id", "activity_id", "name", "unit", "baseline_value",
                    "baseline_date", "target_value", "target_date", "direction", "frequency", "responsible_id",
                    "position")
VALUE = DecimalField(max_digits=14, decimal_places=4)


def indicator_rows(plan: Plan, *, as_of: date | None = None, period=None, limit: int | None = None) -> list[Indicator]:
    """The plan's indicators (only the fields pages show), in order, each annotated with what its
    status needs (up to ``as_of`` when given): ``latest_date``/``latest_value`` and, for one
    without a baseline value, ``first_date``/``first_value`` and ``measure_count``; with
    ``period``, ``period_count`` (its measurements in the period); the name of its responsible
    organization and, for an indicator of an activity, the activity's title, strategy and rank.
    With ``limit``, the first ones only, each annotated with the total (``full_count``). One query."""
    measurements = Measurement.objects.filter(indicator=OuterRef("pk"))
    if as_of is not None:
        measurements = measurements.filter(date__lte=as_of)
    latest = measurements.order_by("-date")
    first = measurements.order_by("date")
    no_baseline = Q(baseline_value__isnull=True)

    def count_of(queryset):
        counted = queryset.order_by().values("indicator").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))

    def without_baseline(expression, output_field):
        # Only an indicator without a baseline value compares with its first measurement.
        return Case(When(no_baseline, then=expression), default=None, output_field=output_field)

    annotations = {
        "latest_date": Subquery(latest.values("date")[:1], output_field=DateField()),
        "latest_value": Subquery(latest.values("value")[:1], output_field=VALUE),
        "first_date": without_baseline(Subquery(first.values("date")[:1]), DateField()),
        "first_value": without_baseline(Subquery(first.values("value")[:1]), VALUE),
        "measure_count": without_baseline(count_of(measurements), IntegerField()),
        "responsible_name": F("responsible__name"),
        "activity_title": F("activity__title"),
        "activity_strategy": F("activity__strategy_id"),
        "activity_rank": sibling_rank("activity__"),
    }
    if period is not None:
        annotations["period_count"] = count_of(measurements.filter(date__gte=period.start, date__lte=period.end))
    queryset = Indicator.objects.filter(plan=plan).order_by("position", "id")
    if limit is not None:
        queryset = limited(queryset, limit)
    rows = list(queryset.only(*INDICATOR_FIELDS).annotate(**annotations))
    for row in rows:
        row.plan = plan  # shared: permissions and labels read no more rows
    return rows


def status_points(indicator: Indicator) -> list[Point]:
    """What indicator_status needs of an annotated indicator: its latest measurement and, without
    a baseline value, its first one (when it has two or more)."""
    if indicator.latest_date is None:
        return []
    latest = Point(indicator.latest_date, indicator.latest_value)
    if indicator.baseline_value is not None or not indicator.measure_count or indicator.measure_count < 2:
        return [latest]
    return [Point(indicator.first_date, indicator.first_value), latest]


def points_by_indicator(indicator_ids, *, as_of: date | None = None) -> dict[int, list[Point]]:
    """{indicator id: [Point…] by date} (up to ``as_of``), in one query."""
    points: dict[int, list[Point]] = {}
    rows = Measurement.objects.filter(indicator_id__in=list(indicator_ids))
    if as_of is not None:
        rows = rows.filter(date__lte=as_of)
    for indicator_id, day, value in rows.order_by("indicator_id", "date").values_list("indicator_id", "date",
                                                                                      "value"):
        points.setdefault(indicator_id, []).append(Point(day, value))
    return points
