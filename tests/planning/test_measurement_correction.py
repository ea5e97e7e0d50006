"""Correcting and deleting a measurement (issue 6): whoever may record the indicator's measurements
corrects a mistyped value (« 24 » for « 254,5 ») or deletes a measurement, always with a reason;
one measurement per date still holds; on an adopted plan the change is a revision (who, when, the
value before and after, the reason); the indicator's status follows the corrected value."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from concertation.core.errors import DomainError
from concertation.core.models import AuditEvent
from concertation.planning import services
from concertation.planning.models import Measurement, Plan, Revision
from concertation.planning.revisions import action_sentence, describe_diff
from tests.factories import DelegationFactory, MembershipFactory
from tests.planning.test_indicators import build, text

DAY = date(2025, 6, 30)
OTHER_DAY = date(2024, 12, 31)


@pytest.fixture
def adopted(world):
    return build(world, adopt=True)


@pytest.fixture
def draft(world):
    return build(world)


def url(world, name, plan, **kwargs):
    return reverse(f"planning:{name}", kwargs={"territory": world.territory.slug, "space": world.assembly.slug,
                                               "plan": plan.pk, **kwargs})


def measurement_url(world, name, p, measurement):
    return url(world, name, p.plan, indicator=measurement.indicator_id, measurement=measurement.pk)


def mistyped(p, world, value="24", day=DAY):
    """The measurement of households typed « 24 » instead of « 254,5 »."""
    return services.measurement_add(indicator=p.households, date=day, value=value, by=world.coordinator)


def state():
    return sorted(Measurement.objects.values_list("pk", "indicator_id", "date", "value", "note")), \
        Revision.objects.count()


def test_a_value_is_corrected_with_a_french_comma_and_the_status_follows(adopted, world, client_for):
    measurement = mistyped(adopted, world)
    client = client_for(world.coordinator)
    page = client.get(url(world, "indicator", adopted.plan, indicator=adopted.households.pk))
    content = text(page)
    assert "En retard" in content  # 24 households: far below the path to the target
    correct = measurement_url(world, "measurement_correct", adopted, measurement)
    delete = measurement_url(world, "measurement_delete", adopted, measurement)
    assert correct in content and delete in content
    # The links name the measurement for screen readers.
    assert 'Corriger<span class="visually-hidden"> la mesure du lundi 30 juin 2025</span>' in content
    form = client.get(correct)
    assert form.status_code == 200
    for label in ("Date de la mesure", "Valeur", "Note", "Raison de la correction"):
        assert f">{label}" in text(form)
    response = client.post(correct, {"date": "2025-06-30", "value": "254,5", "note": "Registre",
                                     "reason": "Erreur de saisie : 254,5 et non 24."})
    assert response.status_code == 302
    measurement.refresh_from_db()
    assert (measurement.value, measurement.date, measurement.note) == (Decimal("254.5"), DAY, "Registre")
    content = text(client.get(url(world, "indicator", adopted.plan, indicator=adopted.households.pk)))
    assert "En bonne voie" in content and "254,5" in content
    assert "La mesure du lundi 30 juin 2025 est corrigée" in content


def test_a_correction_of_an_adopted_plan_is_a_revision_with_the_old_and_new_values(adopted, world, client_for):
    measurement = mistyped(adopted, world)
    audits = AuditEvent.objects.count()
    services.measurement_correct(measurement=measurement, by=world.coordinator, value="254,5",
                                   reason="Erreur de saisie")
    revision = Revision.objects.get(item_type="measurement")
    assert (revision.plan, revision.item_id, revision.action, revision.author, revision.reason) == (
        adopted.plan, measurement.pk, Revision.Action.EDIT, world.coordinator, "Erreur de saisie")
    assert revision.diff == {"value": ["24.0000", "254.5000"]}
    assert revision.decision is None and "Ménages accompagnés" in revision.item_label
    assert action_sentence(revision) == "Mesure corrigée"
    assert [(row["label"], row["before"], row["after"]) for row in describe_diff(revision)] == [
        ("Valeur", "24", "254,5")]
    assert AuditEvent.objects.count() == audits + 1
    # The plan's history shows it.
    history = text(client_for(world.delegate).get(url(world, "revisions", adopted.plan)))
    assert "Mesure corrigée" in history and "Erreur de saisie" in history
    # A correction that changes nothing records nothing.
    services.measurement_correct(measurement=measurement, by=world.coordinator, value="254.5", reason="Rien")
    assert Revision.objects.filter(item_type="measurement").count() == 1


def test_a_correction_to_a_date_that_has_a_measurement_is_refused_and_changes_nothing(adopted, world, client_for):
    measurement = mistyped(adopted, world)
    mistyped(adopted, world, value="250", day=OTHER_DAY)
    before = state()
    with pytest.raises(DomainError) as error:
        services.measurement_correct(measurement=measurement, by=world.coordinator, value="24", date=OTHER_DAY,
                                       reason="Mauvaise date")
    assert error.value.field == "date"
    assert state() == before
    response = client_for(world.coordinator).post(
        measurement_url(world, "measurement_correct", adopted, measurement),
        {"date": "2024-12-31", "value": "254,5", "note": "", "reason": "Mauvaise date"})
    assert response.status_code == 200
    assert "Une mesure existe déjà pour « Ménages accompagnés » le mardi 31 décembre 2024" in text(response)
    assert 'value="254,5"' in response.content.decode()  # nothing typed is lost
    assert state() == before


@pytest.mark.parametrize("form,message", [
    ({"date": "2025-06-30", "value": "254,5", "reason": ""}, "Dites pourquoi la mesure change"),
    ({"date": "2025-06-30", "value": "25,4,5", "reason": "Erreur"}, "n'est pas un nombre"),
    ({"date": "2099-01-01", "value": "254,5", "reason": "Erreur"}, "dans le futur"),
])
def test_bad_input_is_refused_with_a_message_and_changes_nothing(adopted, world, client_for, form, message):
    measurement = mistyped(adopted, world)
    before = state()
    response = client_for(world.coordinator).post(
        measurement_url(world, "measurement_correct", adopted, measurement), form)
    assert response.status_code == 200
    assert message in text(response)
    assert state() == before


def test_a_measurement_is_deleted_with_a_reason_and_the_revision_keeps_it(adopted, world, client_for):
    measurement = mistyped(adopted, world)
    client = client_for(world.coordinator)
    delete = measurement_url(world, "measurement_delete", adopted, measurement)
    page = client.get(delete)
    assert page.status_code == 200 and "Raison de la suppression" in text(page)
    assert Measurement.objects.filter(pk=measurement.pk).exists()  # the page alone deletes nothing
    before = state()
    response = client.post(delete, {"reason": ""})
    assert response.status_code == 200 and "Dites pourquoi la mesure change" in text(response)
    assert state() == before
    response = client.post(delete, {"reason": "Saisie pour le mauvais indicateur"})
    assert response.status_code == 302
    assert not Measurement.objects.filter(pk=measurement.pk).exists()
    revision = Revision.objects.get(item_type="measurement")
    assert (revision.action, revision.reason, revision.author) == (
        Revision.Action.REMOVE, "Saisie pour le mauvais indicateur", world.coordinator)
    assert revision.before["value"] == "24.0000" and revision.before["date"] == "2025-06-30"
    assert action_sentence(revision) == "Mesure supprimée"
    content = text(client.get(url(world, "indicator", adopted.plan, indicator=adopted.households.pk)))
    assert "Pas de données" in content or "Aucune mesure pour l'instant." in content


def test_a_draft_plan_records_no_revision(draft, world):
    measurement = mistyped(draft, world)
    services.measurement_correct(measurement=measurement, by=world.coordinator, value="254,5", reason="Erreur")
    assert refresh_value(measurement) == Decimal("254.5")
    services.measurement_delete(measurement=measurement, by=world.coordinator, reason="Erreur")
    assert not Measurement.objects.exists() and not Revision.objects.exists()


def refresh_value(measurement):
    measurement.refresh_from_db()
    return measurement.value


def test_a_delegate_without_the_right_gets_404_and_nothing_changes(adopted, world, client_for):
    measurement = mistyped(adopted, world)
    before = state()
    client = client_for(world.delegate)  # a delegate, but not of the indicator's responsible organization
    indicator_page = text(client.get(url(world, "indicator", adopted.plan, indicator=adopted.households.pk)))
    correct = measurement_url(world, "measurement_correct", adopted, measurement)
    delete = measurement_url(world, "measurement_delete", adopted, measurement)
    assert correct not in indicator_page and delete not in indicator_page
    for address in (correct, delete):
        assert client.get(address).status_code == 404
        assert client.post(address, {"date": "2025-06-30", "value": "1", "reason": "Forgé"}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.measurement_correct(measurement=measurement, by=world.delegate, value="1", reason="Forgé")
    with pytest.raises(PermissionDenied):
        services.measurement_delete(measurement=measurement, by=world.delegate, reason="Forgé")
    assert state() == before
    # A delegate of the responsible organization may.
    membership = MembershipFactory(space=world.assembly, organization=adopted.housing)
    DelegationFactory(membership=membership, person=world.citizen)
    response = client_for(world.citizen).post(correct, {"date": "2025-06-30", "value": "254,5",
                                                        "reason": "Erreur de saisie"})
    assert response.status_code == 302
    assert refresh_value(measurement) == Decimal("254.5")


def test_a_measurement_of_another_indicator_or_an_archived_plan_is_out_of_reach(adopted, world, client_for):
    measurement = mistyped(adopted, world)
    client = client_for(world.coordinator)
    crossed = url(world, "measurement_correct", adopted.plan, indicator=adopted.dropout.pk, measurement=measurement.pk)
    assert client.get(crossed).status_code == 404
    Plan.objects.filter(pk=adopted.plan.pk).update(status=Plan.Status.ARCHIVED)
    assert client.get(measurement_url(world, "measurement_correct", adopted, measurement)).status_code == 404
    with pytest.raises(DomainError):
        services.measurement_delete(measurement=measurement, by=world.coordinator, reason="Erreur")
    assert Measurement.objects.filter(pk=measurement.pk).exists()
