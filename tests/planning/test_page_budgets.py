"""The plan's dashboard and bilan at two sizes: the same number of queries (at most 15) for a plan
below the pages' limits and for one far above them, for every kind of reader; past the limits the
pages show their first rows with a link to the whole list, and the whole lists (50 a page) hold
everything."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from concertation.meetings.models import Attendance, Meeting
from concertation.planning import bilan, dashboard, services
from concertation.planning.bilan import Period, bilan_section, build_bilan
from concertation.planning.dashboard import build_dashboard, dashboard_list
from concertation.planning.models import Activity
from tests.planning.test_indicators import build, decided, moment, text

PERIOD = "?du=2025-01-01&au=2025-12-31"
YEAR = Period(date(2025, 1, 1), date(2025, 12, 31))
MAX_QUERIES = 15


def url(world, name, plan, query=""):
    return reverse(f"planning:{name}", kwargs={"territory": world.territory.slug, "space": world.assembly.slug,
                                               "plan": plan.pk}) + query


def grow(world, p, count, *, first=0, indicators_per_objective=1):
    """``count`` more priorities' worth of follow-up on the adopted plan ``p``, each with: an
    objective and its indicators measured in 2025 (yearly, so now due), an overdue activity, an
    activity done in 2025 with its news, a decision of the assembly, a meeting held with its
    attendance, and a revision (an activity's end date moved, citing the decision)."""
    change = {"reason": "Ajout", "decision": p.decision}
    for n in range(first, first + count):
        priority = services.priority_add(plan=p.plan, title=f"Priorité {n}", **change)
        objective = services.objective_add(priority=priority, title=f"Objectif {n}", **change)
        strategy = services.strategy_add(plan=p.plan, objective=objective, title=f"Stratégie {n}", **change)
        late = services.activity_add(strategy=strategy, title=f"En retard {n}", ends_on=date(2025, 3, 31), **change)
        done = services.activity_add(strategy=strategy, title=f"Réalisée {n}", **change)
        services.progress_add(activity=done, date=date(2025, 11, 1) + timedelta(days=n % 28),
                              text=f"Terminée {n}.", percent=100, status=Activity.Status.DONE)
        for k in range(indicators_per_objective):
            indicator = services.indicator_add(
                plan=p.plan, objective=objective, name=f"Indicateur {n}.{k}", baseline_value=10,
                baseline_date=date(2024, 1, 1), target_value=20, target_date=date(2030, 1, 1), **change)
            services.measurement_add(indicator=indicator, date=date(2025, 3, 31), value=10 + k)
        when = moment(2025, 10, 1 + n % 28)
        decision = decided(world.assembly, f"Décision {n}", when=when)
        services.activity_edit(activity=late, ends_on=date(2025, 4, 30), reason=f"Report {n}", decision=decision,
                               now=when + timedelta(hours=1))
        starts = timezone.make_aware(datetime(2025, 9, 1 + n % 28, 18))
        meeting = Meeting.objects.create(space=world.assembly, title=f"Rencontre {n}", starts_at=starts,
                                         ends_at=starts + timedelta(hours=2), status=Meeting.Status.HELD)
        Attendance.objects.create(meeting=meeting, person=world.delegate, organization=world.org)


@pytest.fixture
def plan(world):
    p = build(world, adopt=True)
    grow(world, p, 1)
    return p


def counts(client, paths):
    result = []
    for path in paths:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, path
        result.append(len(queries))
    return result


READERS = ("coordinator", "delegate", None)


def test_the_dashboard_and_the_bilan_read_as_many_queries_small_or_large(plan, world, client_for,
                                                                          django_assert_max_num_queries):
    paths = [url(world, "dashboard", plan.plan), url(world, "bilan", plan.plan, PERIOD)]
    small = {who: counts(client_for(getattr(world, who) if who else None), paths) for who in READERS}
    # Far past every limit of the pages: 12 priorities of 3 indicators, 13 overdue activities,
    # 13 done, 13 decisions, 13 meetings, 13 revisions in the period.
    grow(world, plan, 12, first=1, indicators_per_objective=3)
    board = build_dashboard(plan.plan, cards=dashboard.CARDS, rows=dashboard.ROWS)
    assert board.overdue_total > dashboard.ROWS and board.due_total > dashboard.ROWS
    assert any(block.more for block in board.blocks)
    summary = build_bilan(plan.plan, YEAR, user=world.coordinator, cards=bilan.CARDS, rows=bilan.ROWS)
    assert summary.activities_done_total > bilan.ROWS and summary.decision_total > bilan.ROWS
    assert summary.meeting_total > bilan.ROWS and summary.revision_total > bilan.REVISIONS
    assert summary.indicator_total > bilan.CARDS
    for who in READERS:
        client = client_for(getattr(world, who) if who else None)
        large = counts(client, paths)
        assert large == small[who], (who, small[who], large)
        for path in paths:
            with django_assert_max_num_queries(MAX_QUERIES):
                client.get(path)


def test_the_whole_lists_read_as_many_queries_small_or_large(plan, world, client_for,
                                                              django_assert_max_num_queries):
    priority = plan.plan.priorities.order_by("position", "id").first()
    paths = [url(world, "dashboard", plan.plan, query) for query in
             (f"?indicateurs={priority.pk}", "?indicateurs=transversal", "?indicateurs=attendues",
              "?actions=en-retard")]
    paths += [url(world, "bilan", plan.plan, f"{PERIOD}&voir={part}") for part in bilan.SECTIONS]
    client = client_for(world.coordinator)
    small = counts(client, paths)
    grow(world, plan, 60, first=1)  # past one page (50) of each list
    assert counts(client, paths) == small
    assert counts(client, [path + "&page=2" for path in paths]) == small
    for path in paths:
        with django_assert_max_num_queries(MAX_QUERIES):
            client.get(path)


def test_past_its_limits_the_dashboard_shows_the_first_rows_and_links_to_the_whole_lists(plan, world,
                                                                                         client_for):
    grow(world, plan, 12, first=1, indicators_per_objective=3)
    client = client_for(world.coordinator)
    page = text(client.get(url(world, "dashboard", plan.plan)))
    board = build_dashboard(plan.plan, cards=dashboard.CARDS, rows=dashboard.ROWS)
    crowded = next(block for block in board.blocks if block.more)
    assert len(crowded.cards) == dashboard.CARDS
    # The cards of a crowded priority are its indicators most behind; its summary counts them all.
    assert sum(item.count for item in crowded.indicator_summary) == len(crowded.indicators) == 3
    assert "Les 2 indicateurs les plus en retard, sur 3" in page
    assert f"?indicateurs={crowded.id}" in page
    assert page.count('role="img"') == sum(len(block.cards) for block in board.all_blocks)
    assert f"Voir les {board.overdue_total} actions en retard" in page
    assert f"Voir les {board.due_total} mesures attendues" in page
    assert len(board.overdue) == len(board.due) == dashboard.ROWS
    # The PDF's dashboard holds everything.
    complete = build_dashboard(plan.plan)
    assert len(complete.overdue) == complete.overdue_total and len(complete.due) == complete.due_total
    assert all(not block.more for block in complete.all_blocks)


def test_the_whole_lists_of_the_dashboard(plan, world, client_for):
    grow(world, plan, 55, first=1)
    client = client_for(world.coordinator)
    first, second = (dashboard_list(plan.plan, activities="en-retard", number=n).page for n in (1, 2))
    assert first.paginator.count == 57 and len(second.object_list) == 7
    rows = list(first.object_list) + list(second.object_list)
    assert len({row.id for row in rows}) == 57 and rows == sorted(rows, key=lambda row: (row.ends_on, row.id))
    assert rows[-1].title == "Clinique locataires 0"  # the last to end (30 June 2025)
    page = text(client.get(url(world, "dashboard", plan.plan, "?actions=en-retard&page=2")))
    assert "Clinique locataires 0" in page and "Page 2 sur 2" in page and "?actions=en-retard&page=1" in page
    due = dashboard_list(plan.plan, indicators="attendues")
    assert due.page.paginator.count == build_dashboard(plan.plan).due_total
    priority = plan.plan.priorities.order_by("position", "id").last()
    page = text(client.get(url(world, "dashboard", plan.plan, f"?indicateurs={priority.pk}")))
    assert "Indicateur 55.0" in page and "Les chiffres des indicateurs" in page
    for wrong in ("?indicateurs=0", "?indicateurs=abc", "?actions=toutes"):
        assert client.get(url(world, "dashboard", plan.plan, wrong)).status_code == 404, wrong


def test_past_its_limits_the_bilan_shows_the_first_rows_and_links_to_the_whole_lists(plan, world, client_for):
    grow(world, plan, 12, first=1)
    client = client_for(world.coordinator)
    page = text(client.get(url(world, "bilan", plan.plan, PERIOD)))
    summary = build_bilan(plan.plan, YEAR, user=world.coordinator, cards=bilan.CARDS, rows=bilan.ROWS)
    assert len(summary.activities_done) == len(summary.decisions) == len(summary.meetings) == bilan.ROWS
    assert len(summary.revisions) == bilan.REVISIONS and len(summary.indicators) == bilan.CARDS
    assert f"{summary.activities_done_total} actions réalisées" in page
    assert f"{summary.decision_total} décisions prises" in page
    for part, total in (("actions", summary.activities_done_total), ("indicateurs", summary.indicator_total),
                        ("decisions", summary.decision_total), ("revisions", summary.revision_total),
                        ("rencontres", summary.meeting_total)):
        assert f"voir={part}" in page, part
        listing = bilan_section(plan.plan, YEAR, part, user=world.coordinator)
        assert listing.page.paginator.count == total, part
    # The cards on the page: the status at the end of the period (bar charts), their count of
    # measurements in the period; the whole list draws each indicator's measurements over time.
    assert page.count('role="img"') == bilan.CARDS
    indicators_page = text(client.get(url(world, "bilan", plan.plan, f"{PERIOD}&voir=indicateurs")))
    assert "Mesures de la période — Indicateur 1.0" in indicators_page
    assert "Période : du 1er janvier au 31 décembre 2025" in indicators_page
    assert client.get(url(world, "bilan", plan.plan, f"{PERIOD}&voir=tout")).status_code == 404
    # The PDF's bilan holds everything.
    complete = build_bilan(plan.plan, YEAR, user=world.coordinator)
    assert len(complete.decisions) == complete.decision_total and len(complete.meetings) == complete.meeting_total
    assert all(item.detailed for item in complete.indicators)


def test_numbers_and_statuses_come_from_sql_as_from_the_whole_plan(plan, world):
    """The activity numbers (an SQL rank) and the statuses (first and latest measurements from SQL)
    are those the plan page and the indicator page compute from every row."""
    from concertation.planning.indicators import Point, indicator_status
    from concertation.planning.models import Indicator, Measurement
    from concertation.planning.selectors import plan_tree

    grow(world, plan, 3, first=1)
    services.activity_move(activity=Activity.objects.get(title="En retard 2"), direction="down", reason="Ordre",
                           decision=plan.decision)
    tree = plan_tree(plan.plan)
    numbers = {node.title: node.number for node in tree.nodes() if node.kind == "activity"}
    board = build_dashboard(plan.plan)
    assert {row.title: row.number for row in board.overdue} == {
        title: numbers[title] for title in (row.title for row in board.overdue)}
    assert numbers["En retard 2"].endswith(".2")
    indicator = Indicator.objects.create(plan=plan.plan, name="Sans départ", target_value=50,
                                         target_date=date(2030, 1, 1))
    for day, value in ((date(2024, 1, 1), 20), (date(2025, 1, 1), 30), (date(2025, 6, 1), 26)):
        Measurement.objects.create(indicator=indicator, date=day, value=value)
    views = {view.name: view for block in build_dashboard(plan.plan).all_blocks for view in block.indicators}
    for obj in Indicator.objects.filter(plan=plan.plan):
        points = [Point(m.date, m.value) for m in obj.measurements.all()]
        expected = indicator_status(obj, points, plan_start=plan.plan.starts_on)
        assert views[obj.name].status.key == expected.key, obj.name
        assert views[obj.name].status.expected == expected.expected, obj.name
