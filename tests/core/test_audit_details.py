"""The audit log reads in words: each app names the details it records, dates are written out."""

import pytest
from django.utils import translation

from concertation.core import audit


def test_details_are_named_by_their_app_and_dates_written_out():
    with translation.override("fr-ca"):
        items = audit.describe_details({"start": "2026-09-01", "end": None, "ended_on": "2026-06-30",
                                        "by_self": True, "unknown_key": "x"})
    assert items[0] == ("début", "1er septembre 2026", True)
    assert items[1] == ("terminé le", "30 juin 2026", True)
    assert items[2] == ("par la personne elle-même", "oui", True)
    assert items[3] == ("unknown_key", "x", False)  # a key no app named is shown as code
    assert all(value for _label, value, _named in items)  # empty details are left out


def test_details_in_english_and_moments_in_words():
    with translation.override("en"):
        items = dict((label, value) for label, value, _named in audit.describe_details(
            {"start": "2026-09-01", "fields": ["title", "lead"]}))
    assert "2026-09-01" not in " ".join(items.values())
    assert "title, lead" in items.values()


@pytest.mark.django_db
def test_the_journal_names_objects_and_codes_in_words_with_one_query_per_kind(django_assert_max_num_queries):
    from concertation.core.models import AuditEvent
    from tests.factories import OrganizationFactory, UserFactory

    person = UserFactory(display_name="Marie Roy")
    other = UserFactory(display_name="Luc Paré")
    organization = OrganizationFactory(name="Comité logement")
    events = [
        AuditEvent(action="role.assigned", details={"space": 3, "person": person.pk, "organization": organization.pk,
                                                    "kind": "facilitation", "start": "2026-09-01"}),
        AuditEvent(action="delegation.changed", details={"kind": "alternate", "previous": other.pk}),
        AuditEvent(action="plan.revised", details={"plan": 1, "item_type": "indicator", "item_id": 7,
                                                   "change": "edit", "fields": ["target_value", "lead"]}),
    ]
    with translation.override("fr-ca"), django_assert_max_num_queries(2):  # people, organizations
        audit.describe_events(events)
    first, second, third = (dict((label, value) for label, value, _named in event.detail_items) for event in events)
    assert first == {"personne": "Marie Roy", "organisme": "Comité logement", "type": "Animation",
                     "début": "1er septembre 2026"}  # the space is left to the line itself
    assert second == {"type": "Substitut", "avant": "Luc Paré"}
    assert third["élément"] == "indicateur" and third["changement"] == "Modification"
    assert third["champs"] == "cible, porteur" and "numéro de l'élément" not in third
