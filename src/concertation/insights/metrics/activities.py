"""The plan's actions: those carried by two sectors or more (the sectors of the lead, the co-leads
and the partners), the leads by sector and by college. The actions counted in a period: those of an
adopted (or archived) plan of the scope's spaces, or carried by one of its working groups, not
cancelled, whose dates (by default the plan's) overlap the period. One query: the actions with their
lead and the lowest and highest sector of their co-leads and of their partners (two sectors or more
among the lead's and those: not all the same)."""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext_lazy as _

from concertation.directory.models import College, Organization, Sector
from concertation.planning.models import Activity, Plan, Strategy

from .base import Breakdown, FamilyResult, Measure, counted, overlap_sql, ratio
from .context import MetricsContext

KEY = "activities"
NO_LEAD = _("Sans organisme responsable")
NO_SECTOR = _("Sans secteur")
NO_COLLEGE = _("Sans collège")


# The lowest and highest sector of the co-leads and of the partners: with the lead's, two sectors or
# more exactly when these values are not all the same.
PARTNER_SECTORS = {
    f"{who}_{end}_sector": (through, end == "highest")
    for who, through in (("co_lead", Activity.co_leads.through), ("partner", Activity.partners.through))
    for end in ("lowest", "highest")
}
COLUMNS = ("id", "in_current", "in_previous", "lead_id", "lead__sector_id", "lead__sector__name",
           "lead__college__name", *PARTNER_SECTORS)


def _activities(ctx: MetricsContext) -> list[dict]:
    """The actions counted, with their lead and the partners' sectors, in one query (written by hand:
    composing its four subqueries through the ORM took longer than the database reading it). One row
    an action: every join is to one row (strategy, plan, lead)."""
    window, scope = ctx.window, ctx.scope
    readable = scope.space_ids if scope.readable_ids is None else scope.readable_ids
    if not scope.space_ids:
        return []
    q = connection.ops.quote_name
    table = {model: q(model._meta.db_table) for model in (Activity, Strategy, Plan, Organization, Sector, College)}
    sectors = []
    for through, descending in PARTNER_SECTORS.values():
        sectors.append(f"""(SELECT {"MAX" if descending else "MIN"}(partner.sector_id) FROM {q(through._meta.db_table)} link
                 JOIN {table[Organization]} partner ON partner.id = link.organization_id
                WHERE link.activity_id = activity.id)""")
    # The action's dates, by default its plan's.
    first_day, last_day = "COALESCE(activity.starts_on, activity_plan.starts_on)", "COALESCE(activity.ends_on, activity_plan.ends_on)"
    flags, flag_params = overlap_sql(window, first_day, last_day)
    select = f"""
SELECT activity.id, {flags}, activity.lead_id, lead_organization.sector_id, sector.name, college.name, {", ".join(sectors)}
  FROM {table[Activity]} activity
  JOIN {table[Strategy]} strategy ON strategy.id = activity.strategy_id
  JOIN {table[Plan]} activity_plan ON activity_plan.id = strategy.plan_id
  LEFT JOIN {table[Organization]} lead_organization ON lead_organization.id = activity.lead_id
  LEFT JOIN {table[Sector]} sector ON sector.id = lead_organization.sector_id
  LEFT JOIN {table[College]} college ON college.id = lead_organization.college_id
 WHERE activity_plan.status IN (%s, %s) AND NOT (activity.status = %s)
   AND {first_day} <= %s AND {last_day} >= %s"""
    select_params = [*flag_params, Plan.Status.ADOPTED.value, Plan.Status.ARCHIVED.value,
                     Activity.Status.CANCELLED.value, connection.ops.adapt_datefield_value(window.end),
                     connection.ops.adapt_datefield_value(window.start)]

    def listed(ids) -> str:
        return ", ".join(["%s"] * len(ids))

    # The scope's plans' actions, and those another plan the reader may see gives a working group of
    # the scope: two parts that cannot overlap (the other plans only), so that each part reads its
    # own index (the plans' spaces, the actions' working groups), not every action of the territory.
    sql = f"{select} AND activity_plan.space_id IN ({listed(scope.space_ids)})"
    params = [*select_params, *scope.space_ids]
    others = [pk for pk in readable if pk not in set(scope.space_ids)]
    if others:
        sql += (f" UNION ALL {select} AND activity.working_group_id IN ({listed(scope.space_ids)})"
                f" AND activity_plan.space_id IN ({listed(others)})")
        params += [*select_params, *scope.space_ids, *others]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [dict(zip(COLUMNS, row, strict=True)) for row in cursor.fetchall()]


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
