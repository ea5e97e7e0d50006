"""Permissions of the plan (package `rules`). See docs/roles-and-permissions.md.

Every predicate accepts a space, a plan, or an item of a plan (priority, objective, strategy,
activity, indicator) and judges it by the space the plan belongs to:

- ``planning.view_plan``: whoever may view the space;
- ``planning.change_plan``: those who run the space (coordination, co-chairs, facilitation,
  secretary, or a coordinator of the territory) — they draft, adopt and revise the plan;
- ``planning.record_measurement``: ``change_plan``, or a delegate or alternate of the indicator's
  responsible organization (given an indicator);
- ``planning.report_progress``: ``change_plan``, or a delegate or alternate of the activity's lead
  organization or of one of its co-leads (given an activity).
"""

from __future__ import annotations

import rules

from concertation.spaces.access import access_for


def space_of(obj):
    """The space whose plan ``obj`` belongs to (a space is its own), without extra queries when
    the relations are already loaded."""
    if obj is None:
        return None
    model = obj._meta.model_name
    if model == "space":
        return obj
    if model == "plan":
        return obj.space
    if model in {"priority", "indicator"}:
        return obj.plan.space
    if model == "objective":
        return obj.priority.plan.space
    if model == "strategy":
        return obj.plan.space
    if model == "activity":
        return obj.strategy.plan.space
    return None


def _represented(user) -> set[int]:
    """Organizations the person currently represents (as delegate or alternate) in any space."""
    organizations: set[int] = set()
    for ids in access_for(user).space_organizations.values():
        organizations |= ids
    return organizations


@rules.predicate
def can_view_plan(user, obj):
    space = space_of(obj)
    return space is not None and access_for(user).can_view(space)


@rules.predicate
def can_change_plan(user, obj):
    space = space_of(obj)
    return space is not None and access_for(user).facilitates(space)


@rules.predicate
def represents_responsible_organization(user, obj):
    """The indicator's responsible organization is one the person represents."""
    if obj is None or obj._meta.model_name != "indicator" or not obj.responsible_id:
        return False
    return obj.responsible_id in _represented(user)


@rules.predicate
def represents_lead_organization(user, obj):
    """The activity's lead or one of its co-leads is an organization the person represents."""
    if obj is None or obj._meta.model_name != "activity":
        return False
    represented = _represented(user)
    if not represented:
        return False
    if obj.lead_id in represented:
        return True
    return obj.co_leads.filter(pk__in=represented).exists()


rules.add_perm("planning.view_plan", can_view_plan)
rules.add_perm("planning.change_plan", can_change_plan)
rules.add_perm("planning.record_measurement",
               can_change_plan | (can_view_plan & represents_responsible_organization))
rules.add_perm("planning.report_progress",
               can_change_plan | (can_view_plan & represents_lead_organization))
