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
    Count,
    DateField,
    DecimalField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce

from concertation.core.written_sql import loader

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


INDICATOR_SQL = """
SELECT {fields},
       (SELECT m.date FROM {measurement} m WHERE m.indicator_id = indicator.id{as_of} ORDER BY m.date DESC LIMIT 1),
       (SELECT m.value FROM {measurement} m WHERE m.indicator_id = indicator.id{as_of} ORDER BY m.date DESC LIMIT 1),
       CASE WHEN indicator.baseline_value IS NULL THEN
         (SELECT m.date FROM {measurement} m WHERE m.indicator_id = indicator.id{as_of} ORDER BY m.date LIMIT 1) END,
       CASE WHEN indicator.baseline_value IS NULL THEN
         (SELECT m.value FROM {measurement} m WHERE m.indicator_id = indicator.id{as_of} ORDER BY m.date LIMIT 1) END,
       CASE WHEN indicator.baseline_value IS NULL THEN
         (SELECT COUNT(*) FROM {measurement} m WHERE m.indicator_id = indicator.id{as_of}) END,
       responsible.name, activity.title, activity.strategy_id,
       (SELECT COUNT(*) FROM {activity} sibling
         WHERE sibling.strategy_id = activity.strategy_id
           AND (sibling.position < activity.position
                OR (sibling.position = activity.position AND sibling.id < activity.id))) + 1{extra}
  FROM {indicator} indicator
  LEFT JOIN {organization} responsible ON responsible.id = indicator.responsible_id
  LEFT JOIN {activity} activity ON activity.id = indicator.activity_id
 WHERE indicator.plan_id = %(plan)s{chosen}
 ORDER BY indicator.position, indicator.id
"""
INDICATOR_PERIOD_COUNT = """,
       (SELECT COUNT(*) FROM {measurement} m WHERE m.indicator_id = indicator.id{as_of}
           AND m.date >= %(start)s AND m.date <= %(end)s)"""
INDICATOR_TOTAL = """,
       (SELECT COUNT(*) FROM {indicator} counted WHERE counted.plan_id = %(plan)s)"""
INDICATOR_CHOSEN = """
   AND indicator.id IN (SELECT first.id FROM {indicator} first WHERE first.plan_id = %(plan)s
                         ORDER BY first.position, first.id LIMIT %(limit)s)"""


def _indicator_columns(period, limit):
    """The model fields (in the model's order, as ``from_db`` takes them) and the annotations of
    ``INDICATOR_SQL``, each with the converters the ORM applies to it (dates and decimals come from
    SQLite as text and floats): a model field's, an annotation's as an expression of its type."""
    from django.db import connection

    fields = [field for field in Indicator._meta.concrete_fields if field.attname in INDICATOR_FIELDS]
    annotations = [("latest_date", DateField()), ("latest_value", VALUE), ("first_date", DateField()),
                   ("first_value", VALUE), ("measure_count", IntegerField()), ("responsible_name", None),
                   ("activity_title", None), ("activity_strategy", None), ("activity_rank", IntegerField())]
    if period is not None:
        annotations.append(("period_count", IntegerField()))
    if limit is not None:
        annotations.append((TOTAL, IntegerField()))
    expressions = [field.get_col(Indicator._meta.db_table) for field in fields]
    expressions += [Value(None, output_field=output) if output is not None else None for _name, output in annotations]
    converters = [(n, expression, [*connection.ops.get_db_converters(expression),
                                   *expression.get_db_converters(connection)])
                  for n, expression in enumerate(expressions) if expression is not None]
    return fields, [name for name, _output in annotations], [column for column in converters if column[2]]


def indicator_rows(plan: Plan, *, as_of: date | None = None, period=None, limit: int | None = None) -> list[Indicator]:
    """The plan's indicators (only the fields pages show), in order, each annotated with what its
    status needs (up to ``as_of`` when given): ``latest_date``/``latest_value`` and, for one
    without a baseline value, ``first_date``/``first_value`` and ``measure_count``; with
    ``period``, ``period_count`` (its measurements in the period); the name of its responsible
    organization and, for an indicator of an activity, the activity's title, strategy and rank
    (counted as ``sibling_rank`` counts it). With ``limit``, the first ones only, each annotated
    with the total (``full_count``). One query, written by hand: building it with the ORM (five
    correlated subqueries) cost four times running it."""
    from django.db import connection

    from concertation.directory.models import Organization

    table = connection.ops.quote_name
    fields, annotations, columns = _indicator_columns(period, limit)
    tables = {"indicator": table(Indicator._meta.db_table), "measurement": table(Measurement._meta.db_table),
              "activity": table(Activity._meta.db_table), "organization": table(Organization._meta.db_table)}
    as_of_sql = " AND m.date <= %(as_of)s" if as_of is not None else ""
    extra = (INDICATOR_PERIOD_COUNT if period is not None else "") + (INDICATOR_TOTAL if limit is not None else "")
    sql = INDICATOR_SQL.format(
        fields=", ".join(f"indicator.{table(field.column)}" for field in fields),
        extra=extra.format(as_of=as_of_sql, **tables), as_of=as_of_sql,
        chosen=INDICATOR_CHOSEN.format(**tables) if limit is not None else "", **tables)
    params = {"plan": plan.pk}
    if as_of is not None:
        params["as_of"] = connection.ops.adapt_datefield_value(as_of)
    if period is not None:
        params["start"] = connection.ops.adapt_datefield_value(period.start)
        params["end"] = connection.ops.adapt_datefield_value(period.end)
    if limit is not None:
        params["limit"] = int(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        raw_rows = cursor.fetchall()
    names = [field.attname for field in fields] + annotations
    loaded = loader(Indicator, connection.alias)
    rows = []
    for raw in raw_rows:
        values = list(raw)
        for n, expression, converters in columns:
            for converter in converters:
                values[n] = converter(values[n], expression, connection)
        row = loaded(names, values)
        row.plan = plan  # shared: permissions and labels read no more rows
        rows.append(row)
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
