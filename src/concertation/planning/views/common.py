"""What the plan's views share: load the plan the person may see (404 otherwise, also for what they
may not change), the context every plan page starts from, the URLs a view sends back to."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse

from concertation.spaces.views.common import load_space, require

from ..models import Plan
from ..selectors import plan_in_space


def load_plan(request, territory, space, plan, perm="planning.view_plan", *, with_adoption=True):
    space_obj = load_space(request, territory, space)
    plan_obj = plan_in_space(space_obj, plan, with_adoption=with_adoption)
    require(request.user, perm, plan_obj)
    return space_obj, plan_obj


def writable(plan: Plan) -> None:
    """An archived plan changes no more: its change pages answer 404."""
    if plan.status == Plan.Status.ARCHIVED:
        raise Http404


def plan_kwargs(plan: Plan, **extra) -> dict:
    return {"territory": plan.space.territory.slug, "space": plan.space.slug, "plan": plan.pk, **extra}


def indicator_url(plan: Plan, indicator_id: int) -> str:
    return reverse("planning:indicator", kwargs=plan_kwargs(plan, indicator=indicator_id))


def page_context(space, plan=None, **extra) -> dict:
    return {"territory": space.territory, "space": space, "plan": plan, **extra}
