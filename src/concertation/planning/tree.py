"""The plan as a tree, read with a number of queries that does not grow with the plan's size: one
query per level (priorities, objectives, strategies, activities with their lead and working group,
co-leads, partners — and indicators when asked), then assembled in Python. Both the current plan
and the plan "as it was on" a date (revisions.plan_as_of) are built from snapshots
(revisions.snapshot), so one template shows either. selectors.py re-exports these names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import CharField, Count, F, IntegerField, OuterRef, Q, Subquery, Value

from .models import (
    Activity,
    Indicator,
    Objective,
    Plan,
    Priority,
    ProgressUpdate,
    Strategy,
)
from .numbering import number_tree, order_key
from .revisions import money, number, snapshot, snapshot_rows

ITEM_KINDS = ("priority", "objective", "strategy", "activity")
# Where each kind hangs: the snapshot key of its parent's id (strategies: None = cross-cutting).
PARENT_KEY = {"objective": "priority_id", "strategy": "objective_id", "activity": "strategy_id"}


# The tree ---------------------------------------------------------------------------------------

@dataclass
class Node:
    """One item of the plan as shown: its snapshot, its children in order, its number."""

    kind: str
    id: int
    data: dict
    children: list[Node] = field(default_factory=list)
    indicators: list[Node] = field(default_factory=list)
    number: str = ""
    # The follow-up of an activity (current plan only: not part of revisions).
    status: str | None = None
    status_label: str = ""
    percent: int | None = None
    organization_ids: set[int] = field(default_factory=set)  # lead and co-leads
    can_report: bool = False
    urls: dict = field(default_factory=dict)  # set by the plan page

    @property
    def position(self) -> int:
        return self.data.get("position") or 0

    @property
    def title(self) -> str:
        return self.data.get("title") or self.data.get("name") or ""

    @property
    def description(self) -> str:
        return self.data.get("description") or ""

    @property
    def cross_cutting(self) -> bool:
        return self.kind == "strategy" and self.data.get("objective_id") is None

    @property
    def lead(self) -> str:
        return self.data.get("lead") or ""

    @property
    def co_leads(self) -> list[str]:
        return self.data.get("co_leads") or []

    @property
    def partners(self) -> list[str]:
        return self.data.get("partners") or []

    @property
    def funder(self) -> str:
        return self.data.get("funder") or ""

    @property
    def working_group(self) -> str:
        return self.data.get("working_group") or ""

    @property
    def budget(self) -> str:
        value = self.data.get("budget_amount")
        return money(value) if value not in (None, "") else ""

    @property
    def starts_on(self) -> date | None:
        return _date(self.data.get("starts_on"))

    @property
    def ends_on(self) -> date | None:
        return _date(self.data.get("ends_on"))

    # Indicators
    @property
    def unit(self) -> str:
        return self.data.get("unit") or ""

    @property
    def target(self) -> str:
        value = self.data.get("target_value")
        return number(value) if value not in (None, "") else ""

    @property
    def target_date(self) -> date | None:
        return _date(self.data.get("target_date"))

    @property
    def status_badge(self) -> str:
        return STATUS_BADGES.get(self.status or "", "")


STATUS_BADGES = {
    "planned": "", "in_progress": "badge-ok", "done": "badge-ok", "on_hold": "badge-warn", "cancelled": "badge-danger",
}


def _date(value) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


@dataclass
class PlanTree:
    plan: Plan
    data: dict
    priorities: list[Node]
    cross_cutting: list[Node]
    as_of: datetime | None = None
    _index: dict = field(default_factory=dict, repr=False)
    # A large plan's page shows an outline (plan_outline.py): its strategies without their
    # activities, except the ``opened`` one; ``activity_total``: the plan's activities.
    outline: bool = False
    opened: int | None = None
    activity_total: int = 0

    @property
    def title(self) -> str:
        return self.data.get("title") or self.plan.title

    @property
    def vision(self) -> str:
        return self.data.get("vision") or ""

    @property
    def starts_on(self) -> date | None:
        return _date(self.data.get("starts_on"))

    @property
    def ends_on(self) -> date | None:
        return _date(self.data.get("ends_on"))

    def nodes(self):
        """Every node, depth first, in order."""
        stack = list(reversed(self.priorities + self.cross_cutting))
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def find(self, kind: str, pk: int) -> Node | None:
        if not self._index:
            self._index = {(node.kind, node.id): node for node in self.nodes()}
        return self._index.get((kind, pk))

    @property
    def is_empty(self) -> bool:
        return not self.priorities and not self.cross_cutting

    def count(self, kind: str) -> int:
        return sum(1 for node in self.nodes() if node.kind == kind)


def plan_items(plan: Plan, *, with_indicators: bool = False) -> tuple[dict, dict]:
    """({(kind, id): snapshot}, {(kind, id): follow-up}) of the plan's items, one query per level,
    read as values (revisions.snapshot_rows)."""
    items: dict = {}
    extras: dict = {}
    upper_items(plan, items)
    activity_items(plan, items, extras)
    if with_indicators:
        indicator_items(plan, items)
    return items, extras


# The activity statuses a strategy counts (upper_items(counted=True)), in their order of choice.
STATUSES = tuple(Activity.Status.values)


def upper_items(plan: Plan, items: dict, *, counted: bool = False) -> dict:
    """Put the snapshots of the priorities, objectives and strategies in ``items`` (one query per
    level); with ``counted``, the strategies' query also counts their activities by status, and this
    returns {strategy id: {status: n}} (statuses with none left out)."""
    counts: dict = {}
    for kind, queryset in (("priority", Priority.objects.filter(plan=plan)),
                           ("objective", Objective.objects.filter(priority__plan=plan)),
                           ("strategy", Strategy.objects.filter(plan=plan))):
        extra: tuple = ()
        if counted and kind == "strategy":
            queryset = queryset.annotate(**{f"count_{status}": Count("activities", filter=Q(activities__status=status))
                                            for status in STATUSES})
            extra = tuple(f"count_{status}" for status in STATUSES)
        for pk, data, numbers in snapshot_rows(queryset, extra=extra):
            items[(kind, pk)] = data
            if extra:
                counts[pk] = {status: n for status, n in zip(STATUSES, numbers, strict=True) if n}
    return counts


def activity_items(plan: Plan, items: dict, extras: dict, *, strategies=None) -> None:
    """Put the snapshots of the plan's activities in ``items`` and their follow-up in ``extras``
    (two queries); ``strategies``: only the activities of these strategies (ids)."""
    last_percent = (
        ProgressUpdate.objects.filter(activity=OuterRef("pk"), percent__isnull=False)
        .order_by("-date", "-id").values("percent")[:1]
    )
    activities = (
        Activity.objects.filter(strategy__plan=plan)
        .annotate(last_percent=Subquery(last_percent, output_field=IntegerField()))
    )
    if strategies is not None:
        activities = activities.filter(strategy_id__in=strategies)
    related = _related_organizations(plan, strategies)
    names = {relation: {activity_id: [org_name for _org_id, org_name in pairs] for activity_id, pairs in by.items()}
             for relation, by in related.items()}
    status_labels = {value: str(label) for value, label in Activity._meta.get_field("status").flatchoices}
    for pk, data, (percent,) in snapshot_rows(activities, names=names, extra=("last_percent",)):
        key = ("activity", pk)
        items[key] = data
        co_lead_ids = {org_id for org_id, _name in related["co_leads"].get(pk, [])}
        status = data["status"]
        extras[key] = {"status": status, "status_label": status_labels.get(status, status),
                       "percent": percent, "organization_ids": ({data["lead_id"]} | co_lead_ids) - {None}}


def indicator_items(plan: Plan, items: dict, *, strategies=None) -> None:
    """Put the snapshots of the plan's indicators in ``items`` (one query); ``strategies``: of the
    activities, only the indicators of these strategies' (ids)."""
    indicators = Indicator.objects.filter(plan=plan)
    if strategies is not None:
        indicators = indicators.filter(Q(activity__isnull=True) | Q(activity__strategy_id__in=strategies))
    for pk, data, _extra in snapshot_rows(indicators):
        items[("indicator", pk)] = data


def _related_organizations(plan: Plan, strategies=None) -> dict:
    """{"co_leads": {activity id: [(org id, name)]}, "partners": {…}} of the plan (``strategies``:
    of these strategies' activities only), in one query."""
    def rows(relation: str):
        through = getattr(Activity, relation).through
        found = through.objects.filter(activity__strategy__plan=plan)
        if strategies is not None:
            found = found.filter(activity__strategy_id__in=strategies)
        return (
            found
            .annotate(relation=Value(relation, output_field=CharField()))
            .values_list("relation", "activity_id", "organization_id", "organization__name")
            .order_by()
        )

    related: dict = {"co_leads": {}, "partners": {}}
    for relation, activity_id, organization_id, name in rows("co_leads").union(rows("partners"), all=True):
        related[relation].setdefault(activity_id, []).append((organization_id, name))
    return related


def build_plan_tree(plan: Plan, items: dict, *, extras: dict | None = None, plan_data: dict | None = None,
                    as_of: datetime | None = None) -> PlanTree:
    """Nest snapshots ({(kind, id): data}) into a numbered PlanTree. An item whose parent is missing
    is left out (it cannot be shown where it belongs)."""
    extras = extras or {}
    nodes: dict = {}
    for (kind, pk), data in items.items():
        node = Node(kind=kind, id=pk, data=data)
        extra = extras.get((kind, pk))
        if extra:
            node.status, node.status_label, node.percent = extra["status"], extra["status_label"], extra["percent"]
            node.organization_ids = extra.get("organization_ids", set())
        nodes[(kind, pk)] = node
    priorities, cross_cutting = [], []
    parent_kind = {"objective": "priority", "strategy": "objective", "activity": "strategy"}
    for (kind, _pk), node in nodes.items():
        if kind == "priority":
            priorities.append(node)
        elif kind == "indicator":
            for owner in ("activity", "objective"):
                owner_id = node.data.get(f"{owner}_id")
                if owner_id and (owner, owner_id) in nodes:
                    nodes[(owner, owner_id)].indicators.append(node)
                    break
        elif kind == "strategy" and node.data.get("objective_id") is None:
            cross_cutting.append(node)
        else:
            parent = nodes.get((parent_kind[kind], node.data.get(PARENT_KEY[kind])))
            if parent is not None:
                parent.children.append(node)
    number_tree(priorities, cross_cutting)
    for node in nodes.values():
        node.indicators.sort(key=order_key)
    return PlanTree(plan=plan, data=plan_data or snapshot(plan), priorities=priorities, cross_cutting=cross_cutting,
                    as_of=as_of)


def plan_tree(plan: Plan, *, with_indicators: bool = False) -> PlanTree:
    """The current plan, numbered, with the follow-up of each activity."""
    items, extras = plan_items(plan, with_indicators=with_indicators)
    return build_plan_tree(plan, items, extras=extras)


def outline(plan: Plan, *, down_to: str = "activity") -> PlanTree:
    """The plan's numbered skeleton (ids, positions, parents; no titles) down to a level: one light
    query per level."""
    levels = {
        "priority": (Priority.objects.filter(plan=plan), None),
        "objective": (Objective.objects.filter(priority__plan=plan), "priority_id"),
        "strategy": (Strategy.objects.filter(plan=plan), "objective_id"),
        "activity": (Activity.objects.filter(strategy__plan=plan), "strategy_id"),
    }
    items: dict = {}
    for level in ITEM_KINDS[: ITEM_KINDS.index(down_to) + 1]:
        queryset, parent_key = levels[level]
        fields = ["id", "position"] + ([parent_key] if parent_key else [])
        for row in queryset.order_by().values(*fields):
            items[(level, row["id"])] = row
    return build_plan_tree(plan, items, plan_data={})


def item_number(plan: Plan, kind: str, pk: int) -> str:
    """The number of one item, reading only ids and positions of the levels down to its own."""
    if kind not in ITEM_KINDS:
        return ""
    node = outline(plan, down_to=kind).find(kind, pk)
    return node.number if node else ""


# The plan's skeleton, light (the indicator form's levels) ----------------------------------------

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
