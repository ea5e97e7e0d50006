"""Reads of the plan, with a number of queries that does not grow with the plan's size: its tree
(tree.py, re-exported here), its plans and items, the charter and decisions that govern its
changes, an indicator or a measurement of the plan.
"""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, Subquery
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
    Revision,
    Strategy,
)
from .tree import (
    ITEM_KINDS,
    PARENT_KEY,
    Node,
    PlanTree,
    build_plan_tree,
    item_number,
    outline,
    plan_items,
    plan_tree,
)

# The tree lives in tree.py; its names are read from here too.
__all__ = ["ITEM_KINDS", "PARENT_KEY", "Node", "PlanTree", "build_plan_tree", "item_number", "outline",
           "plan_items", "plan_tree"]


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
    """The space's plan (404 otherwise); with the decision that adopted it (its title and address)
    unless told not to (the follow-up pages do not show it)."""
    plans = Plan.objects.all()
    if with_adoption:  # what the plan page shows of that decision: its title and its address
        plans = plans.select_related("adopted_by__space__territory").only(
            *(field.name for field in Plan._meta.concrete_fields), "adopted_by__title", "adopted_by__space",
            "adopted_by__space__slug", "adopted_by__space__territory", "adopted_by__space__territory__slug")
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


# An objective, an activity, an indicator, a measurement of the plan --------------------------------

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
