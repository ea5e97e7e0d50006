"""Reads of the plan, with a number of queries that does not grow with the plan's size.

The plan tree is read in one query per level (priorities, objectives, strategies, activities with
their lead and working group, co-leads, partners — and indicators when asked), then assembled in
Python. Both the current plan and the plan "as it was on" a date (revisions.plan_as_of) are built
from snapshots (revisions.snapshot), so one template shows either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import CharField, Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from concertation.decisions.models import Proposal
from concertation.spaces.access import access_for
from concertation.spaces.models import Charter, Space

from .models import (
    Activity,
    Indicator,
    Measurement,
    Objective,
    Plan,
    Priority,
    ProgressUpdate,
    Revision,
    Strategy,
)
from .numbering import number_tree, order_key
from .revisions import money, number, snapshot

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
    """({(kind, id): snapshot}, {(kind, id): follow-up}) of the plan's items, one query per level."""
    items: dict = {}
    extras: dict = {}
    for priority in Priority.objects.filter(plan=plan):
        items[("priority", priority.pk)] = snapshot(priority)
    for objective in Objective.objects.filter(priority__plan=plan):
        items[("objective", objective.pk)] = snapshot(objective)
    for strategy in Strategy.objects.filter(plan=plan):
        items[("strategy", strategy.pk)] = snapshot(strategy)
    last_percent = (
        ProgressUpdate.objects.filter(activity=OuterRef("pk"), percent__isnull=False)
        .order_by("-date", "-id").values("percent")[:1]
    )
    activities = (
        Activity.objects.filter(strategy__plan=plan)
        .select_related("lead", "working_group")
        .annotate(last_percent=Subquery(last_percent, output_field=IntegerField()))
    )
    related = _related_organizations(plan)
    for activity in activities:
        key = ("activity", activity.pk)
        names = {name: [org_name for _org_id, org_name in related[name].get(activity.pk, [])]
                 for name in ("co_leads", "partners")}
        items[key] = snapshot(activity, names=names)
        co_lead_ids = {org_id for org_id, _name in related["co_leads"].get(activity.pk, [])}
        extras[key] = {"status": activity.status, "status_label": activity.get_status_display(),
                       "percent": activity.last_percent,
                       "organization_ids": ({activity.lead_id} | co_lead_ids) - {None}}
    if with_indicators:
        for indicator in Indicator.objects.filter(plan=plan).select_related("responsible"):
            items[("indicator", indicator.pk)] = snapshot(indicator)
    return items, extras


def _related_organizations(plan: Plan) -> dict:
    """{"co_leads": {activity id: [(org id, name)]}, "partners": {…}} of the plan, in one query."""
    def rows(relation: str):
        through = getattr(Activity, relation).through
        return (
            through.objects.filter(activity__strategy__plan=plan)
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


# Plans and items --------------------------------------------------------------------------------

def plans_of(space: Space):
    """The space's plans, most recent period first, with their number of priorities and actions."""
    priorities = Priority.objects.filter(plan=OuterRef("pk")).order_by().values("plan").annotate(n=Count("id"))
    activities = (
        Activity.objects.filter(strategy__plan=OuterRef("pk")).order_by().values("strategy__plan")
        .annotate(n=Count("id"))
    )
    return (
        Plan.objects.filter(space=space)
        .select_related("adopted_by")
        .annotate(
            priority_count=Coalesce(Subquery(priorities.values("n")), 0),
            activity_count=Coalesce(Subquery(activities.values("n")), 0),
        )
        .order_by("-starts_on", "-pk")
    )


def plan_in_space(space: Space, pk: int, *, with_adoption: bool = True) -> Plan:
    """The space's plan (404 otherwise); with the decision that adopted it unless told not to (the
    follow-up pages do not show it)."""
    plans = Plan.objects.select_related("adopted_by__space__territory") if with_adoption else Plan.objects.all()
    plan = plans.filter(space=space, pk=pk).first()
    if plan is None:
        raise Http404
    plan.space = space
    return plan


def item_in_plan(plan: Plan, kind: str, pk: int):
    """The item of that kind in that plan (404 otherwise), its relations loaded for a snapshot."""
    if kind == "priority":
        queryset = Priority.objects.filter(plan=plan)
    elif kind == "objective":
        queryset = Objective.objects.filter(priority__plan=plan).select_related("priority")
    elif kind == "strategy":
        queryset = Strategy.objects.filter(plan=plan).select_related("objective")
    elif kind == "activity":
        queryset = (
            Activity.objects.filter(strategy__plan=plan)
            .select_related("strategy", "lead", "working_group")
            .prefetch_related("co_leads", "partners")
        )
    else:
        raise Http404
    item = queryset.filter(pk=pk).first()
    if item is None:
        raise Http404
    _attach_plan(item, plan)
    return item


def _attach_plan(item, plan: Plan) -> None:
    """Share the loaded plan (and its space) with the item, so permissions read no more rows."""
    kind = item._meta.model_name
    if kind in {"priority", "strategy", "indicator"}:
        item.plan = plan
    if kind == "objective":
        item.priority.plan = plan
    if kind == "activity":
        item.strategy.plan = plan


def revision_exists(plan: Plan, kind: str, pk: int) -> bool:
    return Revision.objects.filter(plan=plan, item_type=kind, item_id=pk).exists()


# Spaces, charters and decisions -----------------------------------------------------------------

def space_lineage(space: Space) -> list[Space]:
    """The space, then its parent, grandparent… up to the root (one query)."""
    spaces = {s.pk: s for s in Space.objects.filter(territory_id=space.territory_id).select_related("territory")}
    lineage, current, seen = [], spaces.get(space.pk, space), set()
    while current is not None and current.pk not in seen:
        lineage.append(current)
        seen.add(current.pk)
        current = spaces.get(current.parent_id) if current.parent_id else None
    return lineage


def governing_charter(space: Space, *, lineage: list[Space] | None = None) -> Charter | None:
    """The charter in force of the space, or else of the nearest space above it that has one."""
    lineage = lineage or space_lineage(space)
    charters = {c.space_id: c for c in Charter.objects.filter(space_id__in=[s.pk for s in lineage], in_force=True)}
    for ancestor in lineage:
        if ancestor.pk in charters:
            return charters[ancestor.pk]
    return None


def reserved_kinds(space: Space, *, lineage: list[Space] | None = None) -> set[str]:
    charter = governing_charter(space, lineage=lineage)
    return set(charter.reserved_plan_changes or []) if charter else set()


# Which decisions may authorise a change of a plan: one rule, read here (in SQL by valid_decisions
# and decision_choices, in Python by decision_carried and plans_a_decision_may_adjust) and enforced
# by services.check_decision: a carried decision (decided, not rejected, not without quorum) of the
# plan's space or of a space above it.

def decision_carried(decision) -> bool:
    """The decision is in the register and carried (the Python twin of valid_decisions)."""
    result = decision.result or {}
    return (decision.status == Proposal.Status.DECIDED and result.get("adopted") is not False
            and not result.get("no_decision"))


def valid_decisions():
    """Decided proposals whose decision carried (not rejected, not without quorum)."""
    return (
        Proposal.objects.filter(status=Proposal.Status.DECIDED)
        .filter(Q(result__adopted__isnull=True) | Q(result__adopted=True))
        .filter(Q(result__no_decision__isnull=True) | Q(result__no_decision=False))
    )


def decision_choices(space: Space, user=None, *, lineage: list[Space] | None = None):
    """Decisions that may authorise a change of the space's plan: those of the space and of the
    spaces above it (that the person may see), most recent first."""
    lineage = lineage or space_lineage(space)
    if user is not None:
        access = access_for(user)
        lineage = [s for s in lineage if access.can_view(s)]
    return (
        valid_decisions().filter(space_id__in=[s.pk for s in lineage])
        .select_related("space__territory")
        .order_by("-decided_at", "-pk")
    )


def recent_revisions(plan: Plan, *, limit: int | None = None):
    revisions = (
        Revision.objects.filter(plan=plan).select_related("decision__space__territory", "author")
        .order_by("-made_at", "-id")
    )
    return revisions[:limit] if limit else revisions



def plans_a_decision_may_adjust(decision, user) -> list[Plan]:
    """The adopted plans that this decision may authorise changing and that the person may change:
    plans of the decision's space or of a space below it (the decision's space is then in the
    plan's lineage). Nothing is read for a decision that did not carry or for a visitor; otherwise
    two queries (the territory's spaces, the plans)."""
    if user is None or not user.is_authenticated or not decision_carried(decision):
        return []
    spaces = {s.pk: s for s in Space.objects.filter(territory_id=decision.space.territory_id)
              .select_related("territory")}
    below = {decision.space_id}
    changed = True
    while changed:  # the spaces under the decision's, at any depth (a tree of a few dozen spaces)
        changed = False
        for space in spaces.values():
            if space.parent_id in below and space.pk not in below:
                below.add(space.pk)
                changed = True
    access = access_for(user)
    may_change = [pk for pk in below if pk in spaces and access.facilitates(spaces[pk])]
    if not may_change:
        return []
    plans = list(Plan.objects.filter(space_id__in=may_change, status=Plan.Status.ADOPTED)
                 .order_by("-starts_on", "-pk"))
    for plan in plans:
        plan.space = spaces[plan.space_id]
    return [plan for plan in plans if user.has_perm("planning.change_plan", plan)]


def plan_objective(plan: Plan, pk):
    return Objective.objects.filter(priority__plan=plan, pk=int(pk)).first() if str(pk).isdigit() else None


def plan_activity(plan: Plan, pk):
    return Activity.objects.filter(strategy__plan=plan, pk=int(pk)).first() if str(pk).isdigit() else None


def indicator_in_plan(plan: Plan, pk: int) -> Indicator:
    """An indicator of the plan (its level loaded), 404 when it belongs elsewhere."""
    indicator = (Indicator.objects.filter(plan=plan, pk=pk)
                 .select_related("responsible", "objective", "activity").first())
    if indicator is None:
        raise Http404
    indicator.plan = plan
    return indicator


def measurement_of(indicator: Indicator, pk: int) -> Measurement:
    """A measurement of the indicator, 404 when it belongs elsewhere."""
    found = Measurement.objects.filter(indicator=indicator, pk=pk).first()
    if found is None:
        raise Http404
    found.indicator = indicator
    return found
