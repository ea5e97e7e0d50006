"""The plan's actions: those carried by two sectors or more (the sectors of the lead, the co-leads
and the partners), the leads by sector and by college. The actions counted in a period: those of an
adopted (or archived) plan of the scope's spaces, or carried by one of its working groups, not
cancelled, whose dates (by default the plan's) overlap the period. One query: the actions with
their periods, their lead's sector and college, and whether they are carried by two sectors or more
(``SEVERAL_SECTORS``), counted here (grouped in the database, the rule's subquery ran twice an
action)."""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext_lazy as _

from concertation.directory.models import College, Organization, Sector
from concertation.planning.models import Activity, Plan, Strategy

from .base import Breakdown, FamilyResult, Measure, largest, overlap_sql, ratio
from .context import MetricsContext

KEY = "activities"
NO_LEAD = _("Sans organisme responsable")
NO_SECTOR = _("Sans secteur")
NO_COLLEGE = _("Sans collège")

# The rule « carried by two sectors or more », for the action of the row (aliases ``activity`` and
# ``lead_organization``, its lead): two distinct sectors or more among the organizations of its lead,
# its co-leads and its partners (an organization without sector adds none). With a lead that has a
# sector: a co-lead or a partner of another sector; otherwise: two of them of different sectors (one
# differs from the lowest of theirs). Written as EXISTS, which stop at the first match: counting the
# distinct sectors took three times as long (1.6 ms for the 544 actions of a space at L).
# tests/insights/test_sql_rules.py checks it against the rule written in Python (``several_sectors``).
OTHERS = """EXISTS (SELECT 1 FROM {co_leads} link JOIN {organization} other ON other.id = link.organization_id
                WHERE link.activity_id = activity.id AND {condition})
   OR EXISTS (SELECT 1 FROM {partners} link JOIN {organization} other ON other.id = link.organization_id
               WHERE link.activity_id = activity.id AND {condition})"""
LOWEST = """COALESCE((SELECT MIN(other.sector_id) FROM {co_leads} link JOIN {organization} other ON other.id = link.organization_id
                    WHERE link.activity_id = activity.id),
                   (SELECT MIN(other.sector_id) FROM {partners} link JOIN {organization} other ON other.id = link.organization_id
                    WHERE link.activity_id = activity.id))"""
SEVERAL_SECTORS = """CASE WHEN lead_organization.sector_id IS NOT NULL
     THEN CASE WHEN {others_than_lead} THEN 1 ELSE 0 END
     ELSE CASE WHEN {others_than_lowest} THEN 1 ELSE 0 END END"""


def several_sectors(lead_sector, other_sectors) -> bool:
    """The rule of ``SEVERAL_SECTORS`` in plain Python: the sector of the lead (or None) and those of
    the co-leads and partners (None for one without sector)."""
    return len({lead_sector, *other_sectors} - {None}) >= 2


def several_sectors_sql() -> str:
    """``SEVERAL_SECTORS`` with its tables: 1 or 0."""
    q = connection.ops.quote_name
    tables = {"organization": q(Organization._meta.db_table), "co_leads": q(Activity.co_leads.through._meta.db_table),
              "partners": q(Activity.partners.through._meta.db_table)}
    lowest = LOWEST.format(**tables)
    return SEVERAL_SECTORS.format(
        others_than_lead=OTHERS.format(**tables, condition="other.sector_id <> lead_organization.sector_id"),
        others_than_lowest=OTHERS.format(**tables, condition=f"other.sector_id <> {lowest}"))


def _activities(ctx: MetricsContext) -> list[tuple]:
    """The actions counted, a row each: (in the current period, in the previous one, led, the lead's
    sector and college names, carried by two sectors or more), in one query (written by hand:
    composing its subqueries through the ORM took longer than the database reading it)."""
    window, scope = ctx.window, ctx.scope
    readable = scope.space_ids if scope.readable_ids is None else scope.readable_ids
    if not scope.space_ids:
        return []
    q = connection.ops.quote_name
    table = {model: q(model._meta.db_table) for model in (Activity, Strategy, Plan, Organization, Sector, College)}
    # The action's dates, by default its plan's.
    first_day, last_day = "COALESCE(activity.starts_on, activity_plan.starts_on)", "COALESCE(activity.ends_on, activity_plan.ends_on)"
    flags, flag_params = overlap_sql(window, first_day, last_day)
    select = f"""
SELECT {flags}, CASE WHEN activity.lead_id IS NULL THEN 0 ELSE 1 END, sector.name, college.name,
       {several_sectors_sql()}
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
        return cursor.fetchall()


def compute(ctx: MetricsContext) -> dict[str, FamilyResult]:
    rows = _activities(ctx)
    no_lead, no_sector, no_college = str(NO_LEAD), str(NO_SECTOR), str(NO_COLLEGE)
    results = {}
    for index, name in enumerate(("current", "previous")):
        total = several = 0
        sectors: dict[str, int] = {}
        colleges: dict[str, int] = {}
        for row in rows:
            if not row[index]:
                continue
            _in_current, _in_previous, led, sector, college, carried = row
            total += 1
            several += carried
            if led:
                sector, college = sector or no_sector, college or no_college
            else:
                sector = college = no_lead
            sectors[sector] = sectors.get(sector, 0) + 1
            colleges[college] = colleges.get(college, 0) + 1
        results[name] = FamilyResult(KEY, measures=[
            Measure("two_sectors", _("Actions portées par deux secteurs ou plus"), ratio(several, total),
                    numerator=several, denominator=total),
        ], breakdowns=[
            Breakdown("leads_by_sector", _("Actions menées, par secteur de l'organisme responsable"),
                      largest(sectors)),
            Breakdown("leads_by_college", _("Actions menées, par collège de l'organisme responsable"),
                      largest(colleges)),
        ])
    return results
