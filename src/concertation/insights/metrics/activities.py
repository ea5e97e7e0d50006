"""The plan's actions: those carried by two sectors or more (the sectors of the lead, the co-leads
and the partners), the leads by sector and by college. The actions counted in a period: those of an
adopted (or archived) plan of the scope's spaces, or carried by one of its working groups, not
cancelled, whose dates (by default the plan's) overlap the period. One query: the actions with their
lead and the lowest and highest sector of their co-leads and of their partners (two sectors or more
among the lead's and those: not all the same)."""

from __future__ import annotations

from django.db.models import DateField, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from concertation.planning.models import Activity, Plan

from .base import Breakdown, FamilyResult, Measure, counted, overlap_flags, ratio
from .context import MetricsContext

KEY = "activities"
NO_LEAD = _("Sans organisme responsable")
NO_SECTOR = _("Sans secteur")
NO_COLLEGE = _("Sans collège")


def _sector(through, descending: bool) -> Subquery:
    """The lowest (or highest) sector of an action's co-leads (or partners)."""
    field = "organization__sector_id"
    rows = through.objects.filter(activity_id=OuterRef("pk"), organization__sector__isnull=False)
    return Subquery(rows.order_by(f"-{field}" if descending else field).values(field)[:1])


# The lowest and highest sector of the co-leads and of the partners: with the lead's, two sectors or
# more exactly when these values are not all the same.
PARTNER_SECTORS = {
    f"{who}_{end}_sector": (through, end == "highest")
    for who, through in (("co_lead", Activity.co_leads.through), ("partner", Activity.partners.through))
    for end in ("lowest", "highest")
}


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
        .annotate(**{name: _sector(through, descending) for name, (through, descending) in PARTNER_SECTORS.items()})
        .annotate(**overlap_flags(window, "first_day", "last_day"))
        .values("id", "in_current", "in_previous", "lead_id", "lead__sector_id", "lead__sector__name",
                "lead__college__name", *PARTNER_SECTORS)
        .order_by().distinct()
    )


def compute(ctx: MetricsContext) -> dict[str, FamilyResult]:
    activities = _activities(ctx)
    results = {}
    for name in ("current", "previous"):
        shown = [row for row in activities if row[f"in_{name}"]]
        several = 0
        for row in shown:
            sectors = {row["lead__sector_id"], *(row[column] for column in PARTNER_SECTORS)}
            sectors.discard(None)
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
