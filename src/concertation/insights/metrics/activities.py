"""The plan's actions: those carried by two sectors or more (the sectors of the lead, the co-leads
and the partners), the leads by sector and by college. The actions counted in a period: those of an
adopted (or archived) plan of the scope's spaces, or carried by one of its working groups, not
cancelled, whose dates (by default the plan's) overlap the period. Two queries: the actions with
their lead, then the co-leads and partners of those actions (one union)."""

from __future__ import annotations

from django.db.models import DateField, F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from concertation.planning.models import Activity, Plan

from .base import Breakdown, FamilyResult, Measure, counted, overlaps, ratio
from .context import MetricsContext

KEY = "activities"
NO_LEAD = _("Sans organisme responsable")
NO_SECTOR = _("Sans secteur")
NO_COLLEGE = _("Sans collège")


def _activities(ctx: MetricsContext) -> list[dict]:
    window = ctx.window
    scope = ctx.scope
    readable = scope.space_ids if scope.readable_ids is None else scope.readable_ids
    return list(
        Activity.objects.filter(
            Q(strategy__plan__space_id__in=scope.space_ids)
            | Q(working_group_id__in=scope.space_ids, strategy__plan__space_id__in=readable),
            strategy__plan__status__in=[Plan.Status.ADOPTED, Plan.Status.ARCHIVED],
        ).exclude(status=Activity.Status.CANCELLED)
        .annotate(first_day=Coalesce(F("starts_on"), F("strategy__plan__starts_on"), output_field=DateField()),
                  last_day=Coalesce(F("ends_on"), F("strategy__plan__ends_on"), output_field=DateField()))
        .filter(first_day__lte=window.end, last_day__gte=window.start)
        .values("id", "first_day", "last_day", "lead_id", "lead__sector_id", "lead__sector__name",
                "lead__college__name")
        .order_by().distinct()
    )


def _partner_sectors(ids: list[int]) -> dict[int, set[int]]:
    """Activity → the sectors of its co-leads and partners (one query, a union)."""
    co_leads = Activity.co_leads.through.objects.filter(activity_id__in=ids, organization__sector__isnull=False)
    partners = Activity.partners.through.objects.filter(activity_id__in=ids, organization__sector__isnull=False)
    rows = co_leads.values_list("activity_id", "organization__sector_id").union(
        partners.values_list("activity_id", "organization__sector_id"))
    sectors: dict[int, set[int]] = {}
    for activity_id, sector_id in rows:
        sectors.setdefault(activity_id, set()).add(sector_id)
    return sectors


def compute(ctx: MetricsContext) -> dict[str, FamilyResult]:
    activities = _activities(ctx)
    partners = _partner_sectors([row["id"] for row in activities]) if activities else {}
    results = {}
    for name, period in (("current", ctx.window.current), ("previous", ctx.window.previous)):
        shown = [row for row in activities if overlaps(period, row["first_day"], row["last_day"])]
        several = 0
        for row in shown:
            sectors = set(partners.get(row["id"], set()))
            if row["lead__sector_id"]:
                sectors.add(row["lead__sector_id"])
            several += len(sectors) >= 2
        led = [row for row in shown if row["lead_id"]]
        results[name] = FamilyResult(KEY, measures=[
            Measure("two_sectors", _("Actions portées par deux secteurs ou plus"), ratio(several, len(shown)),
                    numerator=several, denominator=len(shown)),
        ], breakdowns=[
            Breakdown("leads_by_sector", _("Actions menées, par secteur de l'organisme responsable"),
                      counted([row["lead__sector__name"] or str(NO_SECTOR) for row in led]
                              + [str(NO_LEAD)] * (len(shown) - len(led)))),
            Breakdown("leads_by_college", _("Actions menées, par collège de l'organisme responsable"),
                      counted([row["lead__college__name"] or str(NO_COLLEGE) for row in led]
                              + [str(NO_LEAD)] * (len(shown) - len(led)))),
        ])
    return results
