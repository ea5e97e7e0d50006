"""Plans, their items, indicators and measurements; write: a measurement (planning's service)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ninja import Query, Router, Schema
from pydantic import Field

from concertation.planning.models import (
    Activity,
    Indicator,
    Measurement,
    Objective,
    Priority,
    Strategy,
)
from concertation.planning.selectors import plans_of
from concertation.planning.services import measurements

from .. import lookup
from ..errors import forbidden
from ..pagination import paginate
from .common import READ, WRITE, ListParams, answers, list_answers

router = Router(tags=["planning"], auth=READ)


class PlanOut(Schema):
    id: int
    space_id: int
    title: str
    status: str
    starts_on: date
    ends_on: date
    adopted_on: date | None


class PlanItemOut(Schema):
    id: int
    title: str
    position: int
    parent_id: int | None


class ActivityOut(PlanItemOut):
    status: str
    lead_id: int | None
    starts_on: date | None
    ends_on: date | None


class PlanItemsOut(Schema):
    plan_id: int
    priorities: list[PlanItemOut]
    objectives: list[PlanItemOut]
    strategies: list[PlanItemOut]
    activities: list[ActivityOut]


class IndicatorOut(Schema):
    id: int
    plan_id: int
    objective_id: int | None
    activity_id: int | None
    name: str
    unit: str
    baseline_value: Decimal | None
    baseline_date: date | None
    target_value: Decimal
    target_date: date
    frequency: str
    responsible_id: int | None


class MeasurementOut(Schema):
    id: int
    indicator_id: int
    date: date
    value: Decimal
    note: str


class MeasurementIn(Schema):
    date: date
    value: Decimal = Field(..., max_digits=14, decimal_places=4, ge=Decimal("-1e10"), le=Decimal("1e10"))
    note: str = Field("", max_length=300)


@router.get("/spaces/{space_id}/plans", response=list_answers(PlanOut))
def plans(request, space_id: int, params: Query[ListParams]):
    space = lookup.space(request.user, space_id)
    return paginate(plans_of(space), params.cursor, params.limit)


@router.get("/plans/{plan_id}", response=answers(PlanOut))
def plan(request, plan_id: int):
    return lookup.plan(request.user, plan_id)


def _items(queryset, parent: str | None):
    rows = list(queryset.order_by("position", "pk"))
    for row in rows:
        row.parent_id = getattr(row, f"{parent}_id") if parent else None
    return rows


@router.get("/plans/{plan_id}/items", response=answers(PlanItemsOut),
            summary="The plan's tree: priorities, objectives, strategies, activities")
def plan_items(request, plan_id: int):
    found = lookup.plan(request.user, plan_id)
    return {
        "plan_id": found.pk,
        "priorities": _items(Priority.objects.filter(plan=found), None),
        "objectives": _items(Objective.objects.filter(priority__plan=found), "priority"),
        "strategies": _items(Strategy.objects.filter(plan=found), "objective"),
        "activities": _items(Activity.objects.filter(strategy__plan=found), "strategy"),
    }


@router.get("/plans/{plan_id}/indicators", response=list_answers(IndicatorOut))
def indicators(request, plan_id: int, params: Query[ListParams]):
    found = lookup.plan(request.user, plan_id)
    return paginate(Indicator.objects.filter(plan=found), params.cursor, params.limit)


@router.get("/indicators/{indicator_id}", response=answers(IndicatorOut))
def indicator(request, indicator_id: int):
    return lookup.indicator(request.user, indicator_id)


@router.get("/indicators/{indicator_id}/measurements", response=list_answers(MeasurementOut))
def measurement_list(request, indicator_id: int, params: Query[ListParams]):
    found = lookup.indicator(request.user, indicator_id)
    return paginate(Measurement.objects.filter(indicator=found), params.cursor, params.limit)


@router.post("/indicators/{indicator_id}/measurements", auth=WRITE, response=answers(MeasurementOut, 201),
             summary="Record a measurement (who runs the space, or a delegate of the responsible organization)")
def measurement_add(request, indicator_id: int, payload: MeasurementIn):
    found = lookup.indicator(request.user, indicator_id)
    if not request.user.has_perm("planning.record_measurement", found):
        raise forbidden()
    created = measurements.measurement_add(indicator=found, date=payload.date, value=payload.value,
                                           note=payload.note, by=request.user)
    return 201, created

