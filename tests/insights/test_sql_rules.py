"""The hand-written SQL of the metrics says what the Python rules say: ``overlap_sql`` and
``term_sql`` (metrics/base.py) against ``overlaps``, for terms around both periods' bounds."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import product

import pytest
from django.db import connection

from concertation.insights.metrics.base import Window, overlap_sql, overlaps, term_sql
from concertation.planning.bilan import Period

pytestmark = pytest.mark.django_db

WINDOW = Window.of(Period(date(2026, 1, 1), date(2026, 6, 30)))  # previous: 2025-07-05 to 2025-12-31


def _days():
    bounds = (WINDOW.previous.start, WINDOW.previous.end, WINDOW.current.start, WINDOW.current.end)
    days = {None} | {day + timedelta(days=shift) for day in bounds for shift in (-1, 0, 1)}
    return sorted(days, key=lambda day: (day is not None, day))


def _evaluate(expression: str, params: list, term: tuple) -> tuple:
    """``expression`` (over columns start, finish, ended_on) for one term given as parameters."""
    date_param = "CAST(%s AS DATE)" if connection.vendor == "postgresql" else "%s"
    values = [connection.ops.adapt_datefield_value(day) for day in term]
    sql = (f"SELECT {expression} FROM (SELECT {date_param} AS start, {date_param} AS finish, "
           f"{date_param} AS ended_on) term")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *values])  # the expression comes first
        return tuple(bool(value) for value in cursor.fetchone())


def test_overlap_sql_and_term_sql_agree_with_overlaps():
    days = _days()
    flags, flag_params = overlap_sql(WINDOW, "term.start", "term.finish", "term.ended_on")
    within, within_params = term_sql(WINDOW, "term.start", "term.finish", "term.ended_on")
    whole = Period(WINDOW.start, WINDOW.end)
    seen = set()
    for start, end, ended_on in product([day for day in days if day is not None], days, days):
        if end is not None and end < start:
            continue
        expected = (overlaps(WINDOW.current, start, end, ended_on), overlaps(WINDOW.previous, start, end, ended_on),
                    overlaps(whole, start, end, ended_on))
        got = _evaluate(f"{flags}, ({within})", [*flag_params, *within_params], (start, end, ended_on))
        assert got == expected, (start, end, ended_on)
        seen.add(expected)
    assert len(seen) >= 4  # both periods, either one, neither


def test_overlap_sql_without_ended_on():
    flags, params = overlap_sql(WINDOW, "term.start", "term.finish")
    # A term ended early is not read without ``ended_on``: the membership's dates only.
    assert _evaluate(flags, params, (date(2025, 1, 1), None, date(2025, 2, 1))) == (True, True)
    assert _evaluate(flags, params, (date(2025, 1, 1), date(2025, 12, 31), None)) == (False, True)
    assert _evaluate(flags, params, (date(2026, 7, 1), None, None)) == (False, False)


def test_several_sectors_sql_agrees_with_the_rule():
    """``activities.SEVERAL_SECTORS`` (whether the database finds two distinct sectors among an action's
    lead, co-leads and partners) against ``several_sectors`` (the rule in Python), on every combination of a
    lead (with a sector, without, none), up to two co-leads and two partners among organizations of
    three kinds (two sectors, none), an organization sometimes both lead and partner."""
    from itertools import combinations

    from concertation.directory.models import Organization, Sector, Territory
    from concertation.insights.metrics.activities import several_sectors, several_sectors_sql
    from concertation.planning.models import Activity, Plan, Strategy
    from concertation.spaces.models import Space

    territory = Territory.objects.create(name="Règle", slug="regle")
    first, second = (Sector.objects.create(territory=territory, name=name) for name in ("Un", "Deux"))
    organizations = [Organization.objects.create(territory=territory, name=f"O{n}", sector=sector)
                     for n, sector in enumerate((first, first, second, None, None))]
    space = Space.objects.create(territory=territory, name="Table", slug="table")
    plan = Plan.objects.create(space=space, title="Plan", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31))
    strategy = Strategy.objects.create(plan=plan, title="Stratégie")
    groups = [()] + [(o,) for o in organizations] + list(combinations(organizations, 2))
    expected = {}
    for lead in (None, organizations[0], organizations[2], organizations[3]):
        for co_leads in groups[:8]:
            for partners in groups:
                activity = Activity.objects.create(strategy=strategy, title="a", lead=lead)
                activity.co_leads.add(*co_leads)
                activity.partners.add(*partners)
                expected[activity.pk] = several_sectors(
                    lead.sector_id if lead else None, [o.sector_id for o in (*co_leads, *partners)])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT activity.id, {several_sectors_sql()} "
                       f"FROM {connection.ops.quote_name(Activity._meta.db_table)} activity "
                       f"LEFT JOIN {connection.ops.quote_name(Organization._meta.db_table)} lead_organization "
                       f"ON lead_organization.id = activity.lead_id "
                       f"WHERE activity.strategy_id = %s", [strategy.pk])
        got = {pk: bool(flag) for pk, flag in cursor.fetchall()}
    assert got == expected
    assert set(expected.values()) == {True, False}
