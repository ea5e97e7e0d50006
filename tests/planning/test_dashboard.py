"""The dashboard (contents, a bounded number of queries, the PDF) and the annual review (bilan) for a
period (activities done, indicator values, decisions, revisions, meetings and attendance by college)."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from concertation.meetings.models import Attendance, Meeting
from concertation.planning import services
from concertation.planning.bilan import Period, build_bilan, default_period, parse_period
from concertation.planning.dashboard import build_dashboard
from concertation.planning.models import Activity
from concertation.spaces.models import MembershipCategory
from tests.factories import MeetingFactory, UserFactory
from tests.planning.test_indicators import build, decided, moment, plain, text


def url(world, name, plan, query=""):
    return reverse(f"planning:{name}", kwargs={"territory": world.territory.slug, "space": world.assembly.slug,
                                               "plan": plan.pk}) + query


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return plain(" ".join(page.extract_text() for page in reader.pages))


def follow(p, world):
    """Measurements, the follow-up of activities and two revisions of an adopted plan."""
    for day, value in [(date(2024, 6, 30), 250), (date(2025, 6, 30), 262)]:
        services.measurement_add(indicator=p.households, date=day, value=value, by=world.coordinator)
    services.measurement_add(indicator=p.dropout, date=date(2025, 6, 30), value="18,8", by=world.coordinator)
    services.progress_add(activity=p.activities[1], date=date(2025, 11, 29), text="600 logements visités.",
                          percent=100, status=Activity.Status.DONE, by=world.coordinator, now=moment(2025, 11, 29))
    services.activity_status_set(activity=p.activity, status=Activity.Status.IN_PROGRESS, reason="Démarrée",
                                 now=moment(2025, 10, 1))
    p.lead_change = decided(world.assembly, "Le Carrefour reprend la clinique", when=moment(2025, 10, 7, 11))
    services.activity_edit(activity=p.activity, lead=p.family, reason="Le Carrefour reprend la clinique.",
                           decision=p.lead_change, by=world.coordinator, now=moment(2025, 10, 8))
    services.indicator_edit(indicator=p.households, target_value="320", reason="Cible relevée",
                              decision=p.decision, by=world.coordinator, now=moment(2025, 11, 26))
    return p


@pytest.fixture
def plan(world):
    return follow(build(world, adopt=True), world)


# The dashboard ----------------------------------------------------------------------------------

def test_the_dashboard_shows_progress_indicators_delays_due_measurements_and_revisions(plan, world, client_for):
    response = client_for(world.delegate).get(url(world, "dashboard", plan.plan))
    assert response.status_code == 200
    page = text(response)
    assert "Tableau de bord — Plan de quartier 2025-2030" in page
    # Activities by status, per priority.
    board = response.context["board"]
    assert board.blocks[0].counts == {"in_progress": 1, "done": 1}
    assert "1 action réalisée sur 2." in page
    # Indicators against their target: a chart each (named and described), the same figures in a table,
    # the status in words.
    assert page.count('role="img"') == 2
    assert "Les chiffres des indicateurs de la priorité 1" in page
    assert "Ménages accompagnés" in page and "Taux de décrochage scolaire" in page
    statuses = {view.name: view.status.label for block in board.all_blocks for view in block.indicators}
    assert statuses == {"Ménages accompagnés": "En bonne voie", "Taux de décrochage scolaire": "En retard"}
    assert "Dernière mesure : 262 ménages par année" in page
    # The clinic's end date (30 June 2025) is past and it is not done: overdue.
    assert [row.title for row in board.overdue] == ["Clinique locataires 0"]
    assert "jours de retard" in page
    # Yearly measurements last taken on 30 June 2025 are due.
    assert {view.name for view in board.due} == {"Ménages accompagnés", "Taux de décrochage scolaire"}
    # Recent revisions with their decisions, linked to the register.
    assert "Action modifiée — Clinique locataires 0" in page and "Indicateur modifié — Ménages accompagnés" in page
    assert reverse("decisions:proposal", kwargs={"territory": world.territory.slug, "space": world.assembly.slug,
                                                 "pk": plan.lead_change.pk}) in page
    # Only those who may change the plan see its tools.
    assert url(world, "indicator_add", plan.plan) not in page
    page = text(client_for(world.coordinator).get(url(world, "dashboard", plan.plan)))
    assert url(world, "indicator_add", plan.plan) in page and url(world, "measurement_import", plan.plan) in page


def test_the_dashboard_of_a_plan_without_indicators_or_activities(world, client_for):
    plan = services.plan_create(space=world.assembly, title="Plan vide", starts_on=date(2025, 1, 1),
                                ends_on=date(2026, 1, 1))
    page = text(client_for(world.coordinator).get(url(world, "dashboard", plan)))
    assert "Ce plan n'a pas encore d'actions." in page
    assert "Le plan est encore un brouillon" in page


def test_the_dashboard_pdf_contains_the_figures(plan, world, client_for):
    response = client_for(world.delegate).get(url(world, "dashboard_pdf", plan.plan))
    assert response.status_code == 200
    content = pdf_text(response)
    for expected in ("Tableau de bord — Plan de quartier 2025-2030", "Ménages accompagnés", "En bonne voie",
                     "Taux de décrochage scolaire", "Actions en retard", "Clinique locataires 0",
                     "Le Carrefour reprend la clinique"):
        assert expected in content, expected


def test_the_dashboard_reads_a_bounded_number_of_queries(world, client_for, django_assert_max_num_queries):
    small = build(world, adopt=True, priorities=3, tag=" (3)")
    large = build(world, adopt=True, priorities=30, tag=" (30)")
    for p in (small, large):
        for n, objective in enumerate(p.objectives):
            extra = services.indicator_add(plan=p.plan, objective=objective, name=f"Indicateur {n}", target_value=10,
                                             target_date=date(2030, 1, 1), reason="Suivi", decision=p.decision)
            services.measurement_add(indicator=extra, date=date(2025, 1, 1), value=n)
        services.activity_edit(activity=p.activity, title="Renommée", reason="r", decision=p.decision)
    for who in (world.coordinator, world.delegate, None):
        client = client_for(who)
        counts = []
        for p in (small, large):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url(world, "dashboard", p.plan)).status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1], (who, counts)
        with django_assert_max_num_queries(15):
            client.get(url(world, "dashboard", large.plan))


def test_build_dashboard_without_a_user_reads_the_same(plan):
    board = build_dashboard(plan.plan, today=date(2025, 7, 1))
    assert board.overdue[0].days_late == 1
    assert not board.due  # on 1 July 2025 the yearly measurements are up to date


# The bilan --------------------------------------------------------------------------------------

def meeting(space, day, title, *, status=Meeting.Status.HELD):
    starts = timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(hours=18)
    return MeetingFactory(space=space, title=title, starts_at=starts, status=status)


@pytest.fixture
def year(plan, world):
    """Decisions, meetings and attendance around the period from 1 September 2025 to 31 August 2026."""
    decided(world.committee, "Répartition de l'enveloppe", when=moment(2025, 10, 7, 11))
    decided(world.assembly, "Décision d'avant", when=moment(2025, 5, 1))
    decided(world.other_space, "Ailleurs", when=moment(2025, 10, 1))
    september = meeting(world.assembly, date(2025, 9, 18), "Assemblée de septembre",
                        status=Meeting.Status.MINUTES_ADOPTED)
    october = meeting(world.committee, date(2025, 10, 7), "Comité d'octobre")
    meeting(world.assembly, date(2025, 12, 1), "Rencontre annulée", status=Meeting.Status.CANCELLED)
    meeting(world.assembly, date(2024, 12, 1), "Rencontre d'avant")
    visitor = UserFactory(email="visiteur@example.org")
    Attendance.objects.bulk_create([
        Attendance(meeting=september, person=world.delegate, organization=world.org),
        Attendance(meeting=september, person=world.citizen),
        Attendance(meeting=september, person=world.observer, organization=world.observer_org,
                   status=Attendance.Status.LATE),
        Attendance(meeting=september, person=visitor, status=Attendance.Status.ABSENT),
        Attendance(meeting=october, person=world.delegate, organization=world.org),
        Attendance(meeting=october, person=visitor),
    ])
    return Period(date(2025, 9, 1), date(2026, 8, 31))


def test_the_bilan_of_a_period(plan, world, year):
    bilan = build_bilan(plan.plan, year, user=world.coordinator)
    assert [a.title for a in bilan.activities_done] == ["Porte-à-porte 0"]
    assert bilan.activities_done[0].done_on == date(2025, 11, 29)
    assert bilan.activities_done[0].news == "600 logements visités."
    values = {item.view.name: [(p.date, p.value) for p in item.values] for item in bilan.indicators}
    assert values == {"Ménages accompagnés": [], "Taux de décrochage scolaire": []}  # June 2025 is before
    assert [row.title for row in bilan.decisions] == [
        "Adoption du plan de quartier", "Le Carrefour reprend la clinique", "Répartition de l'enveloppe"]
    # The status changes are revisions too (1 October, 29 November), in the order they were made.
    assert [(row["sentence"], sorted(row["revision"].diff)) for row in bilan.revisions] == [
        ("Action modifiée", ["status"]), ("Action modifiée", ["lead"]), ("Indicateur modifié", ["target_value"]),
        ("Action modifiée", ["status"])]
    assert [(m.title, m.present) for m in bilan.meetings] == [("Assemblée de septembre", 3), ("Comité d'octobre", 2)]
    colleges = {row.name: (row.presences, row.people) for row in bilan.colleges}
    # The delegate twice for the Comité logement (community), the citizen (citizen college), the observer
    # organization (no college) and the visitor (no membership) once each.
    assert colleges == {"Communautaire": (2, 1), "Citoyen": (1, 1), "Sans collège": (2, 2)}
    assert bilan.presences == 5
    assert sum(row.share for row in bilan.colleges) in (99, 100, 101)


def test_the_bilan_shows_the_values_of_its_period(plan, world):
    bilan = build_bilan(plan.plan, Period(date(2025, 1, 1), date(2025, 12, 31)), user=world.coordinator)
    values = {item.view.name: item.rows for item in bilan.indicators}
    assert values["Ménages accompagnés"] == [(date(2025, 6, 30), "262")]
    assert values["Taux de décrochage scolaire"] == [(date(2025, 6, 30), "18,8")]
    # The status at the end of the period.
    assert {item.view.name: item.view.status.key for item in bilan.indicators} == {
        "Ménages accompagnés": "on_track", "Taux de décrochage scolaire": "off_track"}
    assert bilan.activities_done and bilan.revisions and bilan.decisions


def test_a_member_does_not_see_the_decisions_of_a_committee_out_of_reach(plan, world, year):
    outsider_view = build_bilan(plan.plan, year, user=world.outsider)
    assert [row.title for row in outsider_view.decisions] == ["Adoption du plan de quartier",
                                                                       "Le Carrefour reprend la clinique"]
    assert [m.title for m in outsider_view.meetings] == ["Assemblée de septembre"]


def test_the_period_comes_from_the_query_or_defaults_to_the_last_twelve_months():
    today = date(2026, 11, 26)
    assert default_period(today) == Period(date(2025, 11, 27), today)
    assert parse_period({"du": "2025-09-01", "au": "2026-08-31"}, today) == (Period(date(2025, 9, 1),
                                                                                    date(2026, 8, 31)), [])
    period, errors = parse_period({"du": "2026-01-01", "au": "2025-01-01"}, today)
    assert period == default_period(today) and errors
    period, errors = parse_period({"du": "hier"}, today)
    assert period == default_period(today) and "AAAA-MM-JJ" in errors[0]


def test_the_bilan_page_and_pdf(plan, world, year, client_for, django_assert_max_num_queries):
    client = client_for(world.coordinator)
    query = "?du=2025-09-01&au=2026-08-31"
    with django_assert_max_num_queries(15):
        response = client.get(url(world, "bilan", plan.plan, query))
    assert response.status_code == 200
    page = text(response)
    assert "Période : du 1er septembre 2025 au 31 août 2026" in page
    for expected in ("Porte-à-porte 0", "600 logements visités.", "Répartition de l'enveloppe",
                     "Le Carrefour reprend la clinique.", "Assemblée de septembre", "Communautaire", "Citoyen",
                     "Cible relevée"):
        assert expected in page, expected
    assert "Décision d'avant" not in page and "Ailleurs" not in page and "Rencontre annulée" not in page
    assert page.count('role="img"') == 2
    response = client.get(url(world, "bilan_pdf", plan.plan, query))
    content = pdf_text(response)
    for expected in ("Bilan — Plan de quartier 2025-2030", "Porte-à-porte 0", "Répartition de l'enveloppe",
                     "Assemblée de septembre", "Communautaire", "Taux de décrochage scolaire"):
        assert expected in content, expected
    assert 'filename="bilan-plan-de-quartier-2025-2030-2025-09-01-2026-08-31.pdf"' in response["Content-Disposition"]
    # A wrong period says so and shows the default one.
    assert "vient avant son début" in text(client.get(url(world, "bilan", plan.plan, "?du=2026-01-01&au=2025-01-01")))


def test_the_plan_pages_are_out_of_reach_of_another_territory(plan, world, client_for):
    committee_plan = services.plan_create(space=world.committee, title="Plan du comité", starts_on=date(2025, 1, 1),
                                          ends_on=date(2026, 1, 1))
    params = {"territory": world.territory.slug, "space": world.committee.slug, "plan": committee_plan.pk}
    client = client_for(world.outsider)
    for name in ("dashboard", "bilan", "dashboard_pdf", "bilan_pdf"):
        assert client.get(reverse(f"planning:{name}", kwargs=params)).status_code == 404, name
    assert MembershipCategory.VOTING  # the committee is members-only


def test_the_two_queries_of_the_attendance_rule_agree(plan, world, year):
    """The college of a presence, by the bilan's query and by the one the governance health reads
    (planning/attendance.py): the same presences per college, split by period at a moment."""
    from concertation.planning.attendance import attendance_by_college, presences_by_organization

    spaces = [world.assembly.pk, world.committee.pk]
    by_college = {row.name: (row.presences, row.people) for row in attendance_by_college(spaces, year)}
    assert by_college == {"Communautaire": (2, 1), "Citoyen": (1, 1), "Sans collège": (2, 2)}
    rows = presences_by_organization(spaces, year.start_moment, year.start_moment, year.end_moment)
    by_organization: dict[str, int] = {}
    for row in rows:
        assert row["in_current"]
        name = row["college_name"] or "Sans collège"
        by_organization[name] = by_organization.get(name, 0) + row["n"]
    assert by_organization == {name: presences for name, (presences, _people) in by_college.items()}
    # Split at the end of the period, every presence falls before it.
    rows = presences_by_organization(spaces, year.start_moment, year.end_moment, year.end_moment)
    assert rows and not any(row["in_current"] for row in rows) and sum(row["n"] for row in rows) == 5


def test_the_two_forms_of_the_first_revisions_agree(plan, world, year):
    """The dashboard's and the bilan's first revisions (hand-written SQL, revision_first.py) are the
    ORM forms' first rows: the same revisions in the same order, the same columns loaded (the others
    deferred), the same decision, space, territory and author, and the same total."""
    from concertation.planning.bilan import revisions_queryset
    from concertation.planning.dashboard import REVISION_FIELDS
    from concertation.planning.followup import first_rows
    from concertation.planning.revision_first import revision_first
    from concertation.planning.selectors import recent_revisions

    def seen(revision):
        decision = revision.decision
        return (revision.pk, revision.get_deferred_fields(), revision.item_type, revision.item_id,
                revision.item_label, revision.action, revision.diff, revision.reason, revision.made_at,
                revision.plan_id, revision.author, revision.author.get_deferred_fields() if revision.author else None,
                decision and (decision.pk, decision.get_deferred_fields(), decision.title, decision.decided_at,
                              decision.space.get_deferred_fields(), decision.space.slug,
                              decision.space.territory.get_deferred_fields(), decision.space.territory.slug))

    # One revision without a decision nor an author, made at the same moment as another (a tie: the id decides).
    first = plan.plan.revisions.order_by("made_at", "id").first()
    plan.plan.revisions.create(item_type=first.item_type, item_id=first.item_id, item_label="Sans auteur",
                               action=first.action, diff={}, reason="—", made_at=first.made_at)
    for limit in (1, 2, 5):
        by_sql, total = revision_first(plan.plan, limit=limit, newest_first=True)
        by_orm = list(recent_revisions(plan.plan).only(*REVISION_FIELDS)[:limit])
        with CaptureQueriesContext(connection) as queries:
            assert [seen(revision) for revision in by_sql] == [seen(revision) for revision in by_orm]
        assert not queries.captured_queries  # every relation read is cached, as select_related leaves it
        assert total == plan.plan.revisions.count() and len(by_sql) == min(limit, total)
        by_sql, total = revision_first(plan.plan, period=year, limit=limit)
        by_orm, orm_total = first_rows(revisions_queryset(plan.plan, year), limit)
        assert by_sql and [seen(revision) for revision in by_sql] == [seen(revision) for revision in by_orm]
        assert total == orm_total
    assert any(revision.decision is None and revision.author is None for revision in by_sql + by_orm)
    assert any(revision.decision is not None and revision.author is not None for revision in by_sql)


def test_the_two_forms_of_the_overdue_list_agree(plan, world):
    """The dashboard's first overdue rows (hand-written SQL) are the whole list's first rows (ORM),
    with the same number in the plan and the same total."""
    from concertation.planning.followup import first_rows
    from concertation.planning.overdue import overdue_first, overdue_queryset

    today = date(2026, 1, 15)
    by_sql, total = overdue_first(plan.plan, today, 10)
    by_orm, orm_total = first_rows(overdue_queryset(plan.plan, today), 10)
    assert by_sql and total == orm_total == len(by_sql)
    keys = ("id", "title", "strategy_id", "ends_on", "status", "lead_name", "rank")
    assert [tuple(row[k] for k in keys) for row in by_sql] == [tuple(row[k] for k in keys) for row in by_orm]


def test_the_indicator_rows_read_in_sql_are_those_the_orm_reads(plan, world):
    """followup.indicator_rows (hand-written SQL) gives each indicator what the ORM reads of it: the
    latest measurement up to a date, the first one and the count for one without a baseline, the
    measurements of a period, the activity's rank, and with a limit the first ones and the total."""
    from decimal import Decimal

    from concertation.planning.followup import indicator_rows
    from concertation.planning.models import Indicator, Measurement

    third = services.activity_add(strategy=plan.activity.strategy, title="Troisième", lead=plan.family,
                                    reason="Une action de plus", by=world.coordinator)
    unmeasured = services.indicator_add(plan=plan.plan, activity=third, name="Sans départ", unit="",
                                        target_value="10", target_date=date(2030, 1, 1), responsible=plan.family,
                                        reason="Un indicateur de plus", by=world.coordinator)
    for day, value in [(date(2025, 3, 1), "2,5"), (date(2025, 9, 1), 4), (date(2026, 2, 1), "7,25")]:
        services.measurement_add(indicator=unmeasured, date=day, value=value, by=world.coordinator)
    period = Period(date(2025, 1, 1), date(2025, 12, 31))

    def by_orm(indicator, as_of):
        measured = Measurement.objects.filter(indicator=indicator, **({"date__lte": as_of} if as_of else {}))
        latest, first = measured.order_by("-date").first(), measured.order_by("date").first()
        no_baseline = indicator.baseline_value is None
        siblings = list(third.strategy.activities.order_by("position", "id")) if indicator.activity_id else []
        return {
            "latest_date": latest and latest.date, "latest_value": latest and latest.value,
            "first_date": first.date if first and no_baseline else None,
            "first_value": first.value if first and no_baseline else None,
            "measure_count": measured.count() if no_baseline else None,
            "period_count": measured.filter(date__gte=period.start, date__lte=period.end).count(),
            "responsible_name": indicator.responsible.name if indicator.responsible else None,
            "activity_title": indicator.activity.title if indicator.activity_id else None,
            "activity_rank": [a.pk for a in siblings].index(indicator.activity_id) + 1 if siblings else 1,
        }

    indicators = list(Indicator.objects.filter(plan=plan.plan).order_by("position", "id"))
    assert len(indicators) == 3
    for as_of in (None, date(2025, 12, 31), date(2025, 1, 1)):
        rows = indicator_rows(plan.plan, as_of=as_of, period=period)
        assert [row.pk for row in rows] == [indicator.pk for indicator in indicators]
        for row, indicator in zip(rows, indicators, strict=True):
            assert {key: getattr(row, key) for key in by_orm(indicator, as_of)} == by_orm(indicator, as_of)
            assert (row.name, row.target_value, row.target_date, row.baseline_value) == (
                indicator.name, indicator.target_value, indicator.target_date, indicator.baseline_value)
    last = indicator_rows(plan.plan)[-1]
    assert (last.latest_value, last.first_value, last.measure_count, last.activity_rank) == (
        Decimal("7.25"), Decimal("2.5"), 3, 3)
    first_two = indicator_rows(plan.plan, limit=2)
    assert [row.pk for row in first_two] == [indicator.pk for indicator in indicators[:2]]
    assert {row.full_count for row in first_two} == {3}


def test_the_indicator_rows_go_through_init_when_something_listens_to_it(plan):
    """followup._loader builds the indicators without Model.__init__, unless a receiver of its
    signals would miss them: then through from_db, with the same values."""
    from django.db.models.signals import post_init

    from concertation.planning.followup import indicator_rows
    from concertation.planning.models import Indicator

    def fields(rows):
        return [(row.pk, row.name, row.target_value, row.baseline_date, row.latest_value, row.activity_rank,
                 row.get_deferred_fields(), row._state.adding) for row in rows]

    direct = indicator_rows(plan.plan)
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance.pk)

    post_init.connect(receiver, sender=Indicator)
    try:
        through_init = indicator_rows(plan.plan)
    finally:
        post_init.disconnect(receiver, sender=Indicator)
    assert seen == [row.pk for row in through_init]
    assert fields(direct) == fields(through_init)
    assert "source" in direct[0].get_deferred_fields() and not direct[0]._state.adding


def test_the_two_forms_of_the_bilan_lists_agree(plan, world, year):
    """The bilan page's first rows of its lists (hand-written SQL, bilan_first.py) are the whole
    lists' first rows (ORM querysets of bilan.py), with the same totals: activities done (the date
    of their last news, else their end date, else their last change), decisions (with the agenda
    item that carried them, the latest meeting's) and meetings held (with their presences)."""
    from concertation.decisions.models import Proposal
    from concertation.planning.bilan import decisions_queryset, done_queryset, meetings_queryset
    from concertation.planning.bilan_first import decisions_first, done_first, meetings_first
    from concertation.planning.followup import first_rows
    from tests.factories import AgendaItemFactory

    carried = Proposal.objects.get(title="Répartition de l'enveloppe")
    october = Meeting.objects.get(title="Comité d'octobre")
    earlier = meeting(world.committee, date(2025, 9, 30), "Comité de septembre")
    AgendaItemFactory(meeting=earlier, proposal=carried, title="Première lecture", position=1)
    AgendaItemFactory(meeting=october, proposal=carried, title="Enveloppe", position=3)
    AgendaItemFactory(meeting=october, proposal=carried, title="Suite de l'enveloppe", position=4)
    services.activity_status_set(activity=plan.activities[0], status=Activity.Status.DONE, reason="Terminée",
                                 now=moment(2026, 3, 2))  # no news: done on its end date, out of the period
    period = Period(date(2025, 1, 1), date(2026, 12, 31))
    spaces = [world.assembly.pk, world.committee.pk]
    for first, queryset, keys in [
        (done_first(plan.plan, period, 1), done_queryset(plan.plan, period),
         ("id", "title", "strategy_id", "lead_name", "done_on", "news", "rank")),
        (decisions_first(spaces, period, 1), decisions_queryset(spaces, period),
         ("id", "title", "outcome", "decided_at", "origin", "space_name", "space_slug", "item_title",
          "meeting_title", "meeting_starts")),
        (meetings_first(spaces, period, 2), meetings_queryset(spaces, period),
         ("id", "title", "space_name", "starts_at", "status", "present")),
    ]:
        by_sql, total = first
        by_orm, orm_total = first_rows(queryset, len(by_sql))
        assert by_sql and total == orm_total >= len(by_sql)
        assert [tuple(row[k] for k in keys) for row in by_sql] == [tuple(row[k] for k in keys) for row in by_orm]
    done, _total = done_first(plan.plan, period, 10)
    assert [(row["title"], row["done_on"], row["news"]) for row in done] == [
        (plan.activities[0].title, date(2025, 6, 30), None), (plan.activities[1].title, date(2025, 11, 29),
                                                               "600 logements visités.")]
    decisions, decision_total = decisions_first(spaces, period, 10)
    assert len(decisions) == decision_total == 4
    assert {row["title"]: (row["item_title"], row["meeting_title"]) for row in decisions}[carried.title] == (
        "Enveloppe", "Comité d'octobre")
    meetings, _total = meetings_first(spaces, period, 10)
    assert [(row["title"], row["present"]) for row in meetings] == [
        ("Assemblée de septembre", 3), ("Comité de septembre", 0), ("Comité d'octobre", 2)]
    assert decisions_first([], period, 10) == meetings_first([], period, 10) == ([], 0)


def test_the_rows_written_in_python_escape_what_people_wrote(plan, world, year, client_for):
    """The dashboard's and the bilan's rows are written by planning/board_rows.py, not by the
    template engine: names, units, titles and reasons people wrote come out escaped there too."""
    mark = '<b onclick="x">&'
    escaped = "&lt;b onclick=&quot;x&quot;&gt;&amp;"
    services.indicator_edit(indicator=plan.households, name=f"Ménages {mark}", unit=f"ménages {mark}",
                            reason=f"Raison {mark}", decision=plan.decision, by=world.coordinator,
                            now=moment(2025, 12, 1))
    services.activity_edit(activity=plan.activity, title=f"Clinique {mark}", reason="Titre", decision=plan.decision,
                           by=world.coordinator, now=moment(2025, 12, 2))
    services.progress_add(activity=plan.activities[1], date=date(2025, 12, 3), text=f"Nouvelles {mark}", percent=100,
                          status=Activity.Status.DONE, by=world.coordinator, now=moment(2025, 12, 3))
    client = client_for(world.coordinator)
    dashboard = client.get(url(world, "dashboard", plan.plan)).content.decode()
    bilan = client.get(url(world, "bilan", plan.plan, "?du=2025-09-01&au=2026-08-31")).content.decode()
    for page in (dashboard, bilan):
        assert mark not in page
        assert f"Ménages {escaped}" in page
    # The card, the figures' table and the due list of the dashboard; its overdue row; the revision.
    assert dashboard.count(f"Ménages {escaped}") >= 3 and dashboard.count(f"ménages {escaped}") >= 2
    assert f"Clinique {escaped}" in dashboard and f"Raison {escaped}" in dashboard
    # The bilan's activity done with its news, and its revision's reason.
    assert f"Nouvelles {escaped}" in bilan and f"Raison {escaped}" in bilan
