"""Each metric on the crafted metrics_world of conftest.py, its expected value computed by hand (the
arithmetic is in the comments). Period: [T-99, T]; previous period: [T-199, T-100]."""

from __future__ import annotations

from decimal import Decimal

import pytest

from concertation.insights.metrics import Scope, compute_all

from .conftest import period

pytestmark = pytest.mark.django_db


@pytest.fixture
def space_metrics(metrics_world):
    _window, families = compute_all(Scope(metrics_world.territory.pk, (metrics_world.X.pk,), metrics_world.X.pk), period())
    return {family.key: family for family in families}


def value(family, key, which="current"):
    return getattr(family, which).measure(key)


def test_window_is_the_previous_period_of_the_same_length(metrics_world):
    window, _families = compute_all(Scope(metrics_world.territory.pk, (metrics_world.X.pk,), metrics_world.X.pk), period())
    assert window.current.days == window.previous.days == 100
    assert window.previous.end == window.current.start.fromordinal(window.current.start.toordinal() - 1)


def test_leadership(space_metrics):
    family = space_metrics["leadership"]
    # Current: terms r1 (A), r2 (B), r4 (K, staff); member organizations A, B, C, D → 2 ÷ 4 = 50 %.
    measure = value(family, "organizations_with_role")
    assert (measure.numerator, measure.denominator, measure.value) == (2, 4, Decimal("50.0"))
    # No citizen term among the three current ones: 0 ÷ 3.
    assert value(family, "citizen_roles").value == Decimal("0.0")
    assert dict(family.current.breakdown("roles_by_sector").rows) == {
        "Famille": 1, "Logement": 1, "Coordination (permanence)": 1}
    assert dict(family.current.breakdown("roles_by_college").rows) == {
        "Communautaire": 2, "Coordination (permanence)": 1}
    # Previous: r1 (A), r3 (Z, ended T-120, a citizen), r4 (K): organizations {A} → 1 ÷ 4 = 25 %;
    # citizens 1 ÷ 3 = 33,3 %.
    assert value(family, "organizations_with_role", "previous").value == Decimal("25.0")
    assert value(family, "citizen_roles", "previous").value == Decimal("33.3")
    assert dict(family.previous.breakdown("roles_by_college").rows) == {
        "Communautaire": 1, "Citoyen": 1, "Coordination (permanence)": 1}


def test_rotation(space_metrics):
    family = space_metrics["rotation"]
    # Current meetings held: m1 (a, Z), m2 (K, b), m3 (c, b); m5 is cancelled, m4 is in the previous period.
    # Facilitation: people {a, K, c} = 3; organizations from their attendance: a → A (m1), c → C (m3) = 2;
    # not staff (K is a coordinator): a, c → 2 ÷ 3 = 66,7 %.
    assert value(family, "facilitation_people").value == 3
    assert value(family, "facilitation_organizations").value == 2
    assert value(family, "facilitation_not_staff").value == Decimal("66.7")
    # Minutes: people {Z, b} = 2; organizations: b → B = 1 (Z attends without organization);
    # not staff: 3 ÷ 3 = 100 %.
    assert value(family, "minutes_people").value == 2
    assert value(family, "minutes_organizations").value == 1
    assert value(family, "minutes_not_staff").value == Decimal("100.0")
    # Previous: m4 only, K both times: 1 person, 0 organization, 0 ÷ 1.
    assert value(family, "facilitation_people", "previous").value == 1
    assert value(family, "minutes_not_staff", "previous").value == Decimal("0.0")


def test_activities(space_metrics):
    family = space_metrics["activities"]
    # Current: act1 (A Famille + co-lead B Logement: 2 sectors), act2 (C Emploi + partner D Famille: 2),
    # act4 (no lead: 0); act3 ended T-120, act5 cancelled → 2 ÷ 3 = 66,7 %.
    measure = value(family, "two_sectors")
    assert (measure.numerator, measure.denominator, measure.value) == (2, 3, Decimal("66.7"))
    assert dict(family.current.breakdown("leads_by_sector").rows) == {
        "Famille": 1, "Emploi": 1, "Sans organisme responsable": 1}
    assert dict(family.current.breakdown("leads_by_college").rows) == {
        "Communautaire": 1, "Institutionnel": 1, "Sans organisme responsable": 1}
    # Previous: act1 (2 sectors), act3 (A Famille + D Famille: 1 sector), act4 (0) → 1 ÷ 3 = 33,3 %.
    assert value(family, "two_sectors", "previous").value == Decimal("33.3")
    assert dict(family.previous.breakdown("leads_by_sector").rows) == {"Famille": 2, "Sans organisme responsable": 1}


def test_agenda(space_metrics):
    family = space_metrics["agenda"]
    # Current items: i1 (a, member), i2 (nobody: the coordination), i5 (K, staff), i6 (Z, member),
    # i10 (of kind « autre », proposed by c, member); i3 standard, i9 « autre » proposed by nobody (the
    # standard agenda) and i4 declined left out, i8 in a cancelled meeting → 3 ÷ 5 = 60 %.
    measure = value(family, "proposed_by_members")
    assert (measure.numerator, measure.denominator, measure.value) == (3, 5, Decimal("60.0"))
    # Previous: i7 (nobody) → 0 ÷ 1.
    assert value(family, "proposed_by_members", "previous").value == Decimal("0.0")


def test_attendance(space_metrics):
    family = space_metrics["attendance"]
    # Current presences (present or late): m1 a, b, Z, K (c absent) = 4; m2 a (late), b, d, K = 4;
    # m3 c, b, Z = 3 → 11. Citizens: Z twice → 2 ÷ 11 = 18,2 %.
    assert value(family, "presences").value == 11
    assert value(family, "citizen_share").value == Decimal("18.2")
    assert dict(family.current.breakdown("by_organization").rows) == {
        "Org A": 2, "Org B": 3, "Org C": 1, "Org D": 1, "Citoyennes et citoyens": 2,
        "Autres personnes (sans organisme)": 2}
    # Colleges: A and B communautaire (2 + 3 = 5), C and D institutionnel (1 + 1 = 2), Z citoyen (2),
    # K without a seat (2).
    assert dict(family.current.breakdown("by_college").rows) == {
        "Communautaire": 5, "Institutionnel": 2, "Citoyen": 2, "Sans collège": 2}
    # Sectors: Famille = A 2 + D 1 = 3, Logement = B 3, Emploi = C 1.
    assert dict(family.current.breakdown("by_sector").rows) == {
        "Famille": 3, "Logement": 3, "Emploi": 1, "Citoyennes et citoyens": 2,
        "Autres personnes (sans organisme)": 2}
    # Previous: m4 a, K = 2, no citizen.
    assert value(family, "presences", "previous").value == 2
    assert value(family, "citizen_share", "previous").value == Decimal("0.0")


def test_participation(space_metrics):
    family = space_metrics["participation"]
    # Current: p1 (3 of 4) and p2 (2 of 5), p4 open → (3 + 2) ÷ (4 + 5) = 5 ÷ 9 = 55,6 %.
    measure = value(family, "ballots_share")
    assert (measure.numerator, measure.denominator, measure.value) == (5, 9, Decimal("55.6"))
    assert value(family, "decisions").value == 2
    # Previous: p3, 4 ÷ 4 = 100 %.
    assert value(family, "ballots_share", "previous").value == Decimal("100.0")


def test_followups(space_metrics):
    family = space_metrics["followups"]
    # Current, due and not dropped: f1 (done a day early: on time), f2 (done 10 days late), f3 (open);
    # f4 dropped, f5 not yet due → on time 1 ÷ 3 = 33,3 %; late 1; overdue 1.
    measure = value(family, "on_time")
    assert (measure.numerator, measure.denominator, measure.value) == (1, 3, Decimal("33.3"))
    assert value(family, "done_late").value == 1
    assert value(family, "overdue").value == 1
    # Previous: f6 done on its day → 1 ÷ 1 = 100 %.
    assert value(family, "on_time", "previous").value == Decimal("100.0")


def test_evaluations(space_metrics):
    family = space_metrics["evaluations"]
    # Current answers: m1 (4, 4, 4) and (5, 3, 4); m2 (2, 3, 4). Mean of all: (12 + 12 + 9) ÷ 9 = 3,666… → 3,67.
    assert value(family, "evaluation_mean").value == Decimal("3.67")
    # Objectives (4 + 5 + 2) ÷ 3 = 3,67; speak (4 + 3 + 3) ÷ 3 = 3,33; useful (4 + 4 + 4) ÷ 3 = 4.
    assert value(family, "objectives_met").value == Decimal("3.67")
    assert value(family, "everyone_could_speak").value == Decimal("3.33")
    assert value(family, "useful_to_my_organization").value == Decimal("4.00")
    assert value(family, "evaluations").value == 3
    # The trend, in time order: m2 (T-30) 9 ÷ 3 = 3; m1 (T-10) 24 ÷ 6 = 4.
    assert [(title, mean, answers) for _when, title, mean, answers in family.current.series] == [
        ("Rencontre J-30", Decimal("3.00"), 1), ("Rencontre J-10", Decimal("4.00"), 2)]
    # Previous: m4 (5, 5, 5) → 5.
    assert value(family, "evaluation_mean", "previous").value == Decimal("5.00")


def test_practices(space_metrics, metrics_world):
    family = space_metrics["practices"]
    # Of the space: s1 (T-3) now, s2 (T-170) before; s3 has no space, s4 is a draft.
    assert value(family, "published").value == 1
    assert value(family, "published", "previous").value == 1
    # Of the territory: s1 and s3 now (2), s2 before (1).
    _window, families = compute_all(Scope(metrics_world.territory.pk, (metrics_world.X.pk, metrics_world.Y.pk)), period())
    practices = {f.key: f for f in families}["practices"]
    assert value(practices, "published").value == 2


def test_nothing_to_count_gives_no_share(metrics_world):
    """A space without data: shares are None (shown « — »), counts 0."""
    _window, families = compute_all(Scope(metrics_world.territory.pk, (metrics_world.Y.pk,), metrics_world.Y.pk), period())
    by_key = {family.key: family for family in families}
    assert value(by_key["leadership"], "organizations_with_role").value is None
    assert value(by_key["attendance"], "presences").value == 0
    assert value(by_key["evaluations"], "evaluation_mean").value is None


def test_activities_given_to_a_working_group_by_another_plan(metrics_world):
    """An action of Y's plan given to X as its working group counts for X when the reader may see Y's
    plan, not otherwise; on the territory's page (X and Y), it counts once."""
    from concertation.planning.models import Activity, Plan, Strategy

    w = metrics_world
    plan = Plan.objects.create(space=w.Y, title="Plan de Y", starts_on=period().start, ends_on=period().end,
                               status=Plan.Status.ADOPTED, adopted_on=period().start)
    strategy = Strategy.objects.create(plan=plan, title="Stratégie de Y", objective=None)
    given = Activity.objects.create(strategy=strategy, title="act-y", lead=w.C, working_group=w.X)
    given.partners.add(w.D)

    def two_sectors(scope):
        _window, families = compute_all(scope, period(), families=[activities])
        measure = families[0].current.measure("two_sectors")
        return measure.numerator, measure.denominator

    from concertation.insights.metrics import activities

    territory, x, y = w.territory.pk, w.X.pk, w.Y.pk
    # X's own: act1, act2 (two sectors), act4; with act-y (C Emploi + partner D Famille: two sectors).
    assert two_sectors(Scope(territory, (x,), x, readable_ids=(x, y))) == (3, 4)
    assert two_sectors(Scope(territory, (x,), x, readable_ids=(x,))) == (2, 3)
    assert two_sectors(Scope(territory, (x, y))) == (3, 4)
