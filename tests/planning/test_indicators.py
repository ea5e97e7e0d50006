"""Indicators: the status rule (on track, at risk, off track, no data; increase and decrease),
measurements (one per date, never in the future), changes of an adopted plan recorded as revisions
(a target change reserved to a decision), and the indicator pages."""

from __future__ import annotations

import html
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from concertation.core.errors import DomainError
from concertation.planning import services
from concertation.planning.indicators import (
    AT_RISK,
    NO_DATA,
    OFF_TRACK,
    ON_TRACK,
    Point,
    indicator_status,
    measurement_due,
    next_measurement_due,
    parse_number,
)
from concertation.planning.models import Indicator, Measurement, Plan, Revision
from concertation.planning.revisions import describe_diff, plan_as_of
from tests.factories import (
    DelegationFactory,
    MembershipFactory,
    OrganizationFactory,
    ProposalFactory,
)

NBSP = "\u00a0"


def plain(text: str) -> str:
    return text.replace(NBSP, " ")


def text(response) -> str:
    """The page as a person reads it: entities decoded, non-breaking spaces as spaces."""
    return plain(html.unescape(response.content.decode()))


def moment(year, month, day, hour=12):
    return timezone.make_aware(datetime(year, month, day, hour, 0))


def decided(space, title="Adoption du plan de quartier", when=None, adopted=True):
    return ProposalFactory(space=space, title=title, method="consensus", decided=True,
                           decided_at=when or moment(2025, 9, 18, 21), adopted=adopted)


class P:
    """A small plan: one priority, one objective, one strategy, two activities; two indicators."""


def build(world, *, adopt=False, priorities=1, tag="") -> P:
    p = P()
    p.housing = OrganizationFactory(territory=world.territory, name=f"Comité logement Pointe{tag}")
    p.family = OrganizationFactory(territory=world.territory, name=f"Carrefour familial{tag}")
    p.plan = services.plan_create(space=world.assembly, title=f"Plan de quartier 2025-2030{tag}",
                                  starts_on=date(2025, 1, 1), ends_on=date(2030, 12, 31))
    p.priorities, p.objectives, p.activities = [], [], []
    for n in range(priorities):
        priority = services.priority_add(plan=p.plan, title=f"Habiter dignement {n}")
        objective = services.objective_add(priority=priority, title=f"Prévenir les évictions {n}")
        strategy = services.strategy_add(plan=p.plan, objective=objective, title=f"Informer {n}")
        first = services.activity_add(strategy=strategy, title=f"Clinique locataires {n}", lead=p.housing,
                                      ends_on=date(2025, 6, 30))
        second = services.activity_add(strategy=strategy, title=f"Porte-à-porte {n}", lead=p.family)
        p.priorities.append(priority)
        p.objectives.append(objective)
        p.activities += [first, second]
    p.objective, p.activity = p.objectives[0], p.activities[0]
    p.households = services.indicator_add(
        plan=p.plan, objective=p.objective, name="Ménages accompagnés", unit="ménages par année",
        baseline_value=Decimal(240), baseline_date=date(2024, 1, 1), target_value=Decimal(300),
        target_date=date(2030, 1, 1), frequency="yearly", responsible=p.housing, source="Registre de la clinique")
    p.dropout = services.indicator_add(
        plan=p.plan, name="Taux de décrochage scolaire", unit="%", baseline_value="19", baseline_date=date(2024, 1, 1),
        target_value="15", target_date=date(2030, 1, 1), direction="decrease", frequency="yearly")
    p.decision = decided(world.assembly)
    if adopt:
        p.plan = services.plan_adopt(plan=p.plan, decision=p.decision, by=world.coordinator)
    return p


@pytest.fixture
def draft(world):
    return build(world)


@pytest.fixture
def adopted(world):
    return build(world, adopt=True)


def refresh(obj):
    obj.refresh_from_db()
    return obj


# The status rule --------------------------------------------------------------------------------

START = date(2024, 1, 1)
HALFWAY = START + timedelta(days=730)  # half of the way from the baseline to the target: 50 % expected
END = START + timedelta(days=1460)


def ind(baseline=Decimal(100), baseline_date=START, target=Decimal(200), target_date=END,
        direction="increase", frequency="yearly"):
    return Indicator(name="I", baseline_value=baseline, baseline_date=baseline_date, target_value=target,
                     target_date=target_date, direction=direction, frequency=frequency)




def test_no_measurement_means_no_data():
    status = indicator_status(ind(), [])
    assert status.key == NO_DATA and status.latest is None


def test_one_measurement_without_a_baseline_means_no_data():
    status = indicator_status(ind(baseline=None, baseline_date=None), [Point(HALFWAY, Decimal(150))])
    assert status.key == NO_DATA and status.latest.value == 150


@pytest.mark.parametrize("latest, key", [
    (Decimal(150), ON_TRACK),   # exactly as expected: ratio 1
    (Decimal(145), ON_TRACK),   # ratio 0.9
    (Decimal(144), AT_RISK),    # ratio 0.88
    (Decimal(130), AT_RISK),    # ratio 0.6
    (Decimal(129), OFF_TRACK),  # ratio 0.58
    (Decimal(90), OFF_TRACK),   # worse than the baseline
])
def test_increase_expected_value_by_linear_interpolation(latest, key):
    status = indicator_status(ind(), [Point(date(2025, 1, 1), Decimal(120)), Point(HALFWAY, latest)])
    assert status.expected == Decimal(150)
    assert status.key == key


@pytest.mark.parametrize("latest, key", [
    (Decimal("17.2"), ON_TRACK),   # expected 17: ratio 0.9
    (Decimal("17.6"), AT_RISK),    # ratio 0.7
    (Decimal("18"), OFF_TRACK),    # ratio 0.5
    (Decimal("19.5"), OFF_TRACK),  # the wrong way
    (Decimal("14.8"), ON_TRACK),   # target already reached
])
def test_decrease_direction(latest, key):
    dropout = ind(baseline=Decimal(19), target=Decimal(15), direction="decrease")
    status = indicator_status(dropout, [Point(HALFWAY, latest)])
    assert status.key == key
    if latest > 15:
        assert status.expected == Decimal(17)


def test_a_reached_target_is_on_track_whatever_the_date():
    status = indicator_status(ind(), [Point(date(2024, 6, 1), Decimal(210))])
    assert status.key == ON_TRACK and status.reached


def test_without_a_baseline_the_first_measurement_is_the_starting_point():
    status = indicator_status(ind(baseline=None, baseline_date=None),
                              [Point(date(2024, 1, 1), Decimal(100)), Point(HALFWAY, Decimal(110))])
    assert status.baseline == Point(date(2024, 1, 1), Decimal(100))
    assert status.key == OFF_TRACK  # 10 of the 50 expected


def test_a_baseline_without_date_starts_with_the_plan():
    status = indicator_status(ind(baseline_date=None), [Point(HALFWAY, Decimal(150))], plan_start=date(2024, 1, 1))
    assert status.expected == Decimal(150) and status.key == ON_TRACK


def test_a_measurement_at_the_baseline_date_compares_to_the_baseline():
    assert indicator_status(ind(), [Point(date(2024, 1, 1), Decimal(100))]).key == ON_TRACK
    assert indicator_status(ind(), [Point(date(2023, 6, 1), Decimal(95))]).key == AT_RISK


def test_the_status_as_of_a_date_ignores_later_measurements():
    points = [Point(date(2025, 1, 1), Decimal(126)), Point(HALFWAY, Decimal(120))]
    assert indicator_status(ind(), points, as_of=date(2025, 6, 1)).key == ON_TRACK
    assert indicator_status(ind(), points).key == OFF_TRACK
    assert indicator_status(ind(), points, as_of=date(2024, 6, 1)).key == NO_DATA


def test_a_measurement_is_due_once_the_latest_is_older_than_the_frequency():
    yearly, quarterly = ind(frequency="yearly"), ind(frequency="quarterly")
    today = date(2026, 3, 1)
    assert next_measurement_due(yearly, date(2025, 1, 31)) == date(2026, 1, 31)
    assert measurement_due(yearly, date(2025, 1, 31), today=today)
    assert not measurement_due(yearly, date(2025, 6, 30), today=today)
    assert measurement_due(quarterly, date(2025, 11, 1), today=today)
    assert not measurement_due(quarterly, date(2025, 12, 31), today=today)
    # Never measured: from the baseline date.
    assert measurement_due(yearly, None, today=today)


@pytest.mark.parametrize("text, value", [
    ("1200", Decimal(1200)), ("1 200", Decimal(1200)), (f"1{NBSP}200,5", Decimal("1200.5")), ("18,5", Decimal("18.5")),
    ("18.5", Decimal("18.5")), ("18,5 %", Decimal("18.5")), ("1,234.5", Decimal("1234.5")),
    ("1.234,5", Decimal("1234.5")), ("-3", Decimal(-3)), (" 0,25 ", Decimal("0.25")),
])
def test_numbers_are_read_as_people_type_them(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "12..5", "1e5", "99999999999"])
def test_what_is_not_a_number_is_refused(text):
    with pytest.raises(ValueError):
        parse_number(text)


# Measurements -----------------------------------------------------------------------------------

def test_one_measurement_per_date_with_a_clear_error(draft, world):
    services.measurement_add(indicator=draft.households, date=date(2025, 6, 30), value="255",
                               by=world.coordinator)
    with pytest.raises(DomainError) as error:
        services.measurement_add(indicator=draft.households, date=date(2025, 6, 30), value="260",
                                   by=world.coordinator)
    assert error.value.field == "date"
    assert plain(str(error.value)) == ("Une mesure existe déjà pour « Ménages accompagnés » le lundi 30 juin 2025 "
                                       "(valeur : 255) : il ne peut y avoir qu'une mesure par date.")
    assert Measurement.objects.count() == 1
    # Another indicator, the same date: fine.
    services.measurement_add(indicator=draft.dropout, date=date(2025, 6, 30), value="18,4")
    assert Measurement.objects.get(indicator=draft.dropout).value == Decimal("18.4")


def test_a_measurement_is_dated_today_or_before_and_is_a_number(draft):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(DomainError) as error:
        services.measurement_add(indicator=draft.households, date=tomorrow, value="1")
    assert error.value.field == "date"
    with pytest.raises(DomainError) as error:
        services.measurement_add(indicator=draft.households, date=date(2025, 1, 1), value="beaucoup")
    assert error.value.field == "value"
    assert not Measurement.objects.exists()


def test_measurements_are_not_revisions_but_an_archived_plan_takes_none(adopted, world):
    m = services.measurement_add(indicator=adopted.households, date=date(2025, 6, 30), value=255,
                                   note="Registre", by=world.delegate)
    assert m.recorded_by == world.delegate and m.note == "Registre"
    assert not Revision.objects.exists()
    services.plan_archive(plan=adopted.plan)
    with pytest.raises(DomainError):
        services.measurement_add(indicator=adopted.households, date=date(2025, 7, 30), value=256)


# Changes of an adopted plan ---------------------------------------------------------------------

def test_a_draft_plan_records_nothing(draft):
    services.indicator_edit(indicator=draft.households, name="Ménages soutenus", target_value="320")
    assert refresh(draft.households).target_value == 320
    assert not Revision.objects.exists()


def test_a_target_change_is_recorded_as_a_revision_and_refused_without_a_decision(adopted, world):
    households = adopted.households
    with pytest.raises(DomainError) as error:
        services.indicator_edit(indicator=households, target_value="320", reason="Plus de moyens",
                                  by=world.coordinator)
    assert error.value.field == "decision"
    assert refresh(households).target_value == 300 and not Revision.objects.exists()
    services.indicator_edit(indicator=households, target_value="320", reason="Plus de moyens",
                              decision=adopted.decision, by=world.coordinator, now=moment(2026, 3, 1))
    revision = Revision.objects.get()
    assert (revision.item_type, revision.item_id, revision.action) == ("indicator", households.pk, "edit")
    assert revision.diff == {"target_value": ["300.0000", "320.0000"]}
    assert revision.decision == adopted.decision and revision.reason == "Plus de moyens"
    assert describe_diff(revision)[0]["after"] == "320"
    earlier = plan_as_of(adopted.plan, moment(2026, 2, 1), with_indicators=True)
    assert [i.target for i in earlier.find("objective", adopted.objective.pk).indicators] == ["300"]


def test_the_reason_is_required_on_an_adopted_plan(adopted, world):
    with pytest.raises(DomainError) as error:
        services.indicator_edit(indicator=adopted.households, unit="ménages", by=world.coordinator)
    assert error.value.field == "reason"


def test_fields_and_target_changed_together_make_two_revisions(adopted, world):
    services.indicator_edit(indicator=adopted.households, unit="ménages", source="Clinique", target_value="310",
                              reason="Précisions", decision=adopted.decision, by=world.coordinator)
    diffs = sorted(tuple(sorted(r.diff)) for r in Revision.objects.all())
    assert diffs == [("source", "unit"), ("target_value",)]


def test_an_indicator_added_or_removed_is_reserved_like_its_level(adopted, world):
    # An objective's indicator: objectives are reserved by the default charter.
    with pytest.raises(DomainError) as error:
        services.indicator_add(plan=adopted.plan, objective=adopted.objective, name="Logements", target_value=48,
                                 target_date=date(2028, 12, 31), reason="Nouvel indicateur", by=world.coordinator)
    assert error.value.field == "decision"
    added = services.indicator_add(plan=adopted.plan, objective=adopted.objective, name="Logements",
                                     target_value=48, target_date=date(2028, 12, 31), reason="Nouvel indicateur",
                                     decision=adopted.decision, by=world.coordinator)
    # An activity's indicator: activities are not reserved; a reason is enough.
    portions = services.indicator_add(plan=adopted.plan, activity=adopted.activity, name="Portions",
                                        target_value=2600, target_date=date(2028, 12, 31), reason="Suivi",
                                        by=world.coordinator)
    assert [r.action for r in Revision.objects.order_by("id")] == ["add", "add"]
    services.measurement_add(indicator=portions, date=date(2025, 6, 30), value=1800)
    services.indicator_remove(indicator=portions, reason="Doublon", by=world.coordinator)
    removal = Revision.objects.order_by("-id").first()
    assert (removal.action, removal.item_id, removal.before["name"]) == ("remove", portions.pk, "Portions")
    assert not Indicator.objects.filter(pk=portions.pk).exists() and not Measurement.objects.exists()
    assert added.position > adopted.dropout.position


def test_moving_an_indicator_to_another_level_shows_in_its_revision(adopted, world):
    services.indicator_edit(indicator=adopted.households, objective=None, activity=adopted.activity,
                              reason="Suivi par la clinique", decision=adopted.decision, by=world.coordinator)
    revision = Revision.objects.get()
    changes = {row["label"]: (row["before"], row["after"]) for row in describe_diff(revision)}
    assert changes == {"Objectif": ("Prévenir les évictions 0", "—"), "Action": ("—", "Clinique locataires 0")}
    assert refresh(adopted.households).activity == adopted.activity


def test_indicator_fields_are_checked(draft):
    base = {"plan": draft.plan, "name": "X", "target_value": 10, "target_date": date(2028, 1, 1)}
    for extra, field in [
        ({"name": " "}, "name"), ({"target_value": ""}, "target_value"), ({"target_date": None}, "target_date"),
        ({"baseline_value": 5, "baseline_date": date(2029, 1, 1)}, "target_date"),
        ({"baseline_date": date(2024, 1, 1)}, "baseline_value"),
        ({"objective": draft.objective, "activity": draft.activity}, "level"),
        ({"responsible": OrganizationFactory()}, "responsible"),
    ]:
        with pytest.raises(DomainError) as error:
            services.indicator_add(**{**base, **extra})
        assert error.value.field == field, extra


# Pages ------------------------------------------------------------------------------------------

def url(world, name, plan, **kwargs):
    return reverse(f"planning:{name}", kwargs={"territory": world.territory.slug, "space": world.assembly.slug,
                                               "plan": plan.pk, **kwargs})


def test_the_indicator_page_shows_charts_with_text_alternatives_and_the_measurements(adopted, world, client_for):
    for day, value in [(date(2024, 6, 30), 250), (date(2025, 6, 30), 262)]:
        services.measurement_add(indicator=adopted.households, date=day, value=value, by=world.coordinator)
    response = client_for(world.delegate).get(url(world, "indicator", adopted.plan, indicator=adopted.households.pk))
    assert response.status_code == 200
    content = plain(response.content.decode())
    assert content.count('role="img"') == 2
    bar = f"indicateur-bar-{adopted.households.pk}"
    assert f'aria-labelledby="{bar}-title {bar}-desc"' in content and f'<title id="{bar}-title">' in content
    assert "Dernière mesure : 262 ménages par année" in content
    assert "30 juin 2025" in content and "262" in content
    assert "En bonne voie" in content  # in words, next to the charts
    # A delegate of another organization may read, not record nor change.
    assert url(world, "measurement_add", adopted.plan, indicator=adopted.households.pk) not in content
    assert url(world, "indicator_edit", adopted.plan, indicator=adopted.households.pk) not in content


def test_the_responsible_organization_records_a_measurement_others_cannot(adopted, world, client_for):
    add = url(world, "measurement_add", adopted.plan, indicator=adopted.households.pk)
    assert client_for(world.delegate).get(add).status_code == 404
    membership = MembershipFactory(space=world.assembly, organization=adopted.housing)
    DelegationFactory(membership=membership, person=world.citizen)
    client = client_for(world.citizen)
    assert client.get(add).status_code == 200
    response = client.post(add, {"date": "2025-06-30", "value": "1 262,5", "note": "Registre"})
    assert response.status_code == 302
    measurement = Measurement.objects.get()
    assert (measurement.value, measurement.recorded_by) == (Decimal("1262.5"), world.citizen)
    # The same date again: the message sits next to the date.
    response = client.post(add, {"date": "2025-06-30", "value": "3"})
    assert response.status_code == 200
    assert "Une mesure existe déjà pour « Ménages accompagnés »" in text(response)
    # Not the dropout rate, which has no responsible organization.
    assert client.get(url(world, "measurement_add", adopted.plan, indicator=adopted.dropout.pk)).status_code == 404


def test_the_coordinator_adds_and_edits_an_indicator_through_the_pages(adopted, world, client_for):
    client = client_for(world.coordinator)
    add = url(world, "indicator_add", adopted.plan)
    page = client.get(add).content.decode()
    assert "Rattaché à" in page and "1.1.1.1 · Clinique locataires 0" in page
    response = client.post(add, {"name": "Portions préparées", "level": f"activity:{adopted.activity.pk}",
                                 "unit": "portions", "baseline_value": "1 800", "baseline_date": "2024-06-30",
                                 "target_value": "2 600", "target_date": "2028-06-30", "direction": "increase",
                                 "frequency": "quarterly", "source": "", "responsible": adopted.housing.pk,
                                 "reason": "Suivre les cuisines"})
    assert response.status_code == 302, response.content.decode()
    portions = Indicator.objects.get(name="Portions préparées")
    assert (portions.activity, portions.baseline_value, portions.target_value) == (adopted.activity, 1800, 2600)
    edit = url(world, "indicator_edit", adopted.plan, indicator=portions.pk)
    form = {"name": "Portions préparées", "level": f"activity:{adopted.activity.pk}", "unit": "portions",
            "baseline_value": "1800", "baseline_date": "2024-06-30", "target_value": "3000",
            "target_date": "2028-06-30", "direction": "increase", "frequency": "quarterly", "source": "",
            "responsible": adopted.housing.pk, "reason": "Plus de groupes"}
    response = client.post(edit, form)
    assert response.status_code == 200
    assert "réservé à une décision" in response.content.decode()
    assert refresh(portions).target_value == 2600
    response = client.post(edit, {**form, "decision": adopted.decision.pk})
    assert response.status_code == 302
    assert refresh(portions).target_value == 3000
    history = client.get(reverse("planning:item_history", kwargs={
        "territory": world.territory.slug, "space": world.assembly.slug, "plan": adopted.plan.pk,
        "kind": "indicator", "item": portions.pk})).content.decode()
    assert "Indicateur modifié" in history and "Plus de groupes" in history
    # Removal, through its page.
    remove = url(world, "indicator_remove", adopted.plan, indicator=portions.pk)
    assert client.get(remove).status_code == 200
    assert client.post(remove, {"reason": "Fusion"}).status_code == 302
    assert not Indicator.objects.filter(pk=portions.pk).exists()


def test_indicator_pages_are_out_of_reach_for_others(adopted, world, client_for):
    client = client_for(world.delegate)
    for name in ("indicator_add",):
        assert client.get(url(world, name, adopted.plan)).status_code == 404
    for name in ("indicator_edit", "indicator_remove"):
        assert client.get(url(world, name, adopted.plan, indicator=adopted.households.pk)).status_code == 404
    other = services.plan_create(space=world.assembly, title="Autre", starts_on=date(2025, 1, 1),
                                 ends_on=date(2026, 1, 1))
    # An indicator of another plan under this plan's URL is not found.
    assert client.get(url(world, "indicator", other, indicator=adopted.households.pk)).status_code == 404
    assert client_for(world.foreigner).get(
        url(world, "indicator", adopted.plan, indicator=adopted.households.pk)).status_code == 200  # public assembly
    assert Plan.objects.count() == 2


def test_a_computed_value_drops_a_zero_decimal_but_keeps_a_real_one():
    from django.utils import translation

    from concertation.planning.indicators import approx

    with translation.override("fr-ca"):
        assert approx(Decimal("12.0")) == "12"
        assert approx(Decimal("18.44")) == "18,4"
        assert approx(Decimal("2.346")) == "2,35"
        assert approx(Decimal("1234.4")) == "1\u00a0234"
