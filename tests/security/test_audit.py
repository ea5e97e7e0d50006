"""The audit log (issue 8, item 4): sensitive actions recorded with who, when and what; visible to
the territory's coordinators and the instance admins; append-only."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import Client
from django.utils import timezone

from concertation.accounts.models import User
from concertation.accounts.services import ERASED_NAME, user_erase
from concertation.core import audit
from concertation.core.models import AuditEvent, AuditLogIsAppendOnly
from concertation.decisions import services as decisions
from concertation.meetings.models import Meeting
from concertation.meetings.services import minutes as minutes_svc
from concertation.meetings.services.agenda import meeting_create
from concertation.planning import services as planning
from concertation.spaces import services as spaces
from concertation.spaces.models import Delegation, Membership, RoleAssignment
from concertation.spaces.selectors import assignment_current_q
from tests.factories import OrganizationFactory, RoleFactory

pytestmark = pytest.mark.django_db

PASSWORD = "motdepasse-solide-123"


def events(action=None):
    queryset = AuditEvent.objects.order_by("id")
    return list(queryset.filter(action=action) if action else queryset)


def only(action) -> AuditEvent:
    found = events(action)
    assert len(found) == 1, [(event.action, event.target_label) for event in events()]
    return found[0]


# What is recorded --------------------------------------------------------------------------------

def test_structure_changes_are_recorded_with_who_what_and_where(world):
    coordinator = world.coordinator
    spaces.charter_adopt(space=world.assembly, by=coordinator, method="consent", rules_text="Par consentement.")
    event = only("charter.adopted")
    assert event.actor == coordinator and event.territory_id == world.territory.pk
    assert event.target_type == "spaces.charter" and event.details["version"] == 2
    assert "method" in event.details["changed"]

    organization = OrganizationFactory(territory=world.territory, name="Maison des jeunes")
    membership = spaces.membership_add(space=world.assembly, organization=organization, delegate=world.facilitator,
                                       by=coordinator)
    event = only("membership.added")
    assert (event.target_id, event.actor, event.details["delegate"]) == (membership.pk, coordinator,
                                                                         world.facilitator.pk)
    assert event.target_label.startswith("Maison des jeunes")

    spaces.membership_update(membership=membership, category="observer", by=coordinator)
    assert only("membership.changed").details["after"]["category"] == "observer"
    spaces.delegation_set(membership=membership, kind=Delegation.Kind.DELEGATE, person=world.outsider, by=coordinator)
    event = only("delegation.changed")
    assert (event.details["previous"], event.details["person"]) == (world.facilitator.pk, world.outsider.pk)
    spaces.membership_end(membership=membership, end=timezone.localdate(), by=coordinator)
    assert only("membership.ended").territory_id == world.territory.pk

    role = RoleFactory(space=world.assembly, name="Trésorerie", seats=1)
    assignment = spaces.role_assign(role=role, person=world.citizen, by=coordinator)
    assert only("role.assigned").details["person"] == world.citizen.pk
    spaces.role_assignment_end(assignment=assignment, reason=RoleAssignment.EndReason.RESIGNED, by=coordinator)
    event = only("role.ended")
    assert event.details["reason"] == "resigned" and event.territory_id == world.territory.pk


def test_nothing_is_recorded_when_the_action_rolls_back(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        spaces.charter_adopt(space=world.assembly, by=world.coordinator, method="consent")
        raise RuntimeError("the caller fails after the service")
    assert events() == []


def test_an_unchanged_membership_or_delegation_records_nothing(world):
    membership = world.org_in_assembly
    spaces.membership_update(membership=membership, category=membership.category, college=membership.college,
                             by=world.coordinator)
    spaces.delegation_set(membership=membership, kind=Delegation.Kind.DELEGATE, person=world.delegate)
    assert events() == []


def test_closing_a_vote_and_writing_then_editing_the_decision_are_recorded(world):
    proposal = decisions.proposal_create(space=world.assembly, author=world.coordinator, title="Budget 2026")
    proposal = decisions.proposal_open(proposal=proposal, by=world.coordinator)
    decisions.proposal_close(proposal=proposal, by=world.coordinator)
    event = only("proposal.closed")
    assert event.target_label == "Budget 2026" and event.territory_id == world.territory.pk
    decisions.proposal_decide(proposal=proposal, by=world.coordinator, outcome="Le budget est adopté.")
    assert only("proposal.decided").actor == world.coordinator
    decisions.proposal_decide(proposal=proposal, by=world.admin, outcome="Le budget est adopté tel quel.")
    event = only("proposal.outcome_edited")
    assert event.actor == world.admin
    assert event.details["before"]["outcome"] == "Le budget est adopté."
    assert event.details["after"]["outcome"] == "Le budget est adopté tel quel."


def test_adopting_minutes_and_revising_the_plan_are_recorded(world):
    when = timezone.make_aware(datetime(2025, 9, 18, 18, 30))
    held = meeting_create(space=world.assembly, by=world.coordinator, title="Assemblée d'automne", starts_at=when,
                          ends_at=when + timedelta(hours=2))
    later = meeting_create(space=world.assembly, by=world.coordinator, title="Plénière",
                           starts_at=when + timedelta(days=60), ends_at=when + timedelta(days=60, hours=2))
    Meeting.objects.filter(pk__in=[held.pk, later.pk]).update(status=Meeting.Status.HELD)
    held.refresh_from_db()
    later.refresh_from_db()
    minutes = minutes_svc.minutes_save_draft(meeting=held, body="Procès-verbal.")
    minutes_svc.minutes_adopt(minutes=minutes, at_meeting=later, by=world.coordinator)
    event = only("minutes.adopted")
    assert event.target_label == "Assemblée d'automne" and event.details["at_meeting"] == later.pk

    from concertation.planning.revisions import record_revision

    plan = planning.plan_create(space=world.assembly, title="Plan de quartier", starts_on=date(2025, 1, 1),
                                ends_on=date(2030, 12, 31))
    record_revision(plan=plan, item_type="plan", item_id=plan.pk, item_label="Plan de quartier", action="edit",
                    before={"title": "Plan"}, after={"title": "Plan de quartier"}, reason="Titre complet",
                    by=world.coordinator)
    event = only("plan.revised")
    assert event.details["fields"] == ["title"] and event.territory_id == world.territory.pk


def test_a_csv_export_is_recorded_for_a_signed_in_person(world, client):
    client.force_login(world.delegate)
    response = client.get(f"/t/{world.territory.slug}/decisions/registre.csv?method=majority")
    assert response.status_code == 200
    event = only("export.downloaded")
    assert event.actor == world.delegate and event.details["export"] == "decision_register_csv"
    assert event.territory_id == world.territory.pk and event.details["filters"] == "method=majority"


def test_an_anonymous_download_of_public_decisions_is_not_recorded(world):
    assert Client().get(f"/t/{world.territory.slug}/decisions/registre.csv").status_code == 200
    assert events("export.downloaded") == []


# Access denied -----------------------------------------------------------------------------------

def test_a_refused_existing_space_is_recorded_a_missing_one_is_not(world, client):
    client.force_login(world.outsider)
    assert client.get(f"/t/{world.territory.slug}/e/{world.committee.slug}/").status_code == 404
    event = only("access.denied")
    assert event.actor == world.outsider and event.target_type == "spaces.space"
    assert event.target_id == world.committee.pk and event.territory_id == world.territory.pk
    assert event.details["path"] == f"/t/{world.territory.slug}/e/{world.committee.slug}/"
    assert client.get(f"/t/{world.territory.slug}/e/nexiste-pas/").status_code == 404
    assert client.get("/t/nulle-part/").status_code == 404
    assert len(events("access.denied")) == 1


def test_a_refused_action_on_a_visible_space_is_recorded_with_the_permission(world, client):
    client.force_login(world.delegate)
    assert client.get(f"/t/{world.territory.slug}/e/{world.assembly.slug}/modifier/").status_code == 404
    event = only("access.denied")
    assert event.details["perm"] == "spaces.change_space" and event.details["view"] == "spaces:space_edit"
    assert event.actor == world.delegate


def test_an_anonymous_refusal_is_not_recorded(world):
    """Nothing says who it was, and anyone could fill the append-only journal (issue 12)."""
    client = Client()
    # Sent to sign in (issue 13: members-only links), and nothing written.
    assert client.get(f"/t/{world.other_territory.slug}/").status_code == 302
    assert client.get(f"/t/{world.territory.slug}/e/{world.committee.slug}/").status_code == 302
    assert events("access.denied") == []


def test_the_actor_comes_from_the_request_when_the_view_does_not_name_it(world, client):
    client.force_login(world.coordinator)
    membership = world.citizen_membership
    response = client.post(
        f"/t/{world.territory.slug}/e/{world.assembly.slug}/membres/{membership.pk}/terminer/",
        {"end": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    assert only("membership.ended").actor == world.coordinator


def test_a_background_task_records_no_actor(world):
    proposal = decisions.proposal_create(space=world.assembly, author=world.coordinator, title="Nuit")
    proposal = decisions.proposal_open(proposal=proposal, by=world.coordinator)
    decisions.proposal_close(proposal=proposal)  # as close_due_proposals does, outside any request
    assert only("proposal.closed").actor is None


# Append-only -------------------------------------------------------------------------------------

def test_an_event_cannot_be_changed_nor_deleted_through_the_model(world):
    event = audit.record(action="charter.adopted", actor=world.coordinator, target=world.assembly)
    event.target_label = "autre chose"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(target_label="x")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).target_label == str(world.assembly)


def test_the_database_refuses_to_change_an_event(world):
    event = audit.record(action="charter.adopted", actor=world.coordinator, target=world.assembly)
    table = AuditEvent._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET target_label = 'falsifié' WHERE id = %s", [event.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).target_label == str(world.assembly)


def test_unknown_actions_are_refused(world):
    with pytest.raises(ValueError):
        audit.record(action="charter.burned", actor=world.coordinator)


def test_the_django_admin_shows_the_log_read_only(world, client):
    event = audit.record(action="charter.adopted", actor=world.coordinator, target=world.assembly)
    client.force_login(world.admin)
    assert client.get("/admin/core/auditevent/").status_code == 200
    page = client.get(f"/admin/core/auditevent/{event.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.get("/admin/core/auditevent/add/").status_code == 403
    assert client.get(f"/admin/core/auditevent/{event.pk}/delete/").status_code == 403
    assert client.post(f"/admin/core/auditevent/{event.pk}/change/", {"target_label": "x"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).target_label == str(world.assembly)


# The journal page --------------------------------------------------------------------------------

def journal(world, territory=None):
    return f"/t/{(territory or world.territory).slug}/journal/"


def test_coordinators_and_admins_read_their_territory_s_journal(world, client):
    audit.record(action="charter.adopted", actor=world.coordinator, target=world.assembly,
                 target_label="Charte de l'assemblée")
    audit.record(action="charter.adopted", actor=world.foreigner, target=world.other_space,
                 target_label="Charte d'ailleurs")
    for user in (world.coordinator, world.admin):
        client.force_login(user)
        html = client.get(journal(world)).content.decode()
        assert "Charte de l&#x27;assemblée" in html and "Charte d&#x27;ailleurs" not in html
    # Another territory's coordinator does not see this one (404, like a missing page).
    client.force_login(world.coordinator)
    assert client.get(journal(world, world.other_territory)).status_code == 404


@pytest.mark.parametrize("kind", ["outsider", "foreigner", "observer", "delegate", "citizen", "facilitator"])
def test_the_journal_is_hidden_from_everyone_else(world, client, kind):
    client.force_login(world.users[kind])
    assert client.get(journal(world)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(world):
    response = Client().get(journal(world))
    assert response.status_code == 302 and response["Location"].startswith("/compte/login/")


def test_the_journal_filters_by_action_and_period_and_pages_by_fifty(world, client, django_assert_max_num_queries):
    for n in range(60):
        audit.record(action="role.assigned", actor=world.coordinator, target=world.assembly,
                     target_label=f"Mandat {n}")
    audit.record(action="minutes.adopted", actor=world.admin, target=world.assembly,
                       target_label="Vieux procès-verbal")
    client.force_login(world.coordinator)
    with django_assert_max_num_queries(15):
        response = client.get(journal(world))
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == 61 and len(page.object_list) == 50
    assert page.object_list[0].target_label == "Vieux procès-verbal"  # newest first
    with django_assert_max_num_queries(15):
        response = client.get(journal(world) + "?page=2")
    assert len(response.context["page"].object_list) == 11

    response = client.get(journal(world) + "?action=minutes.adopted")
    assert [event.target_label for event in response.context["page"].object_list] == ["Vieux procès-verbal"]
    today = timezone.localdate()
    response = client.get(journal(world) + f"?from={today + timedelta(days=1)}")
    assert response.context["page"].paginator.count == 0
    assert "Aucune action ne correspond" in response.content.decode()
    response = client.get(journal(world) + f"?from={today}&to={today}&action=role.assigned")
    assert response.context["page"].paginator.count == 60
    # Nonsense filters are ignored, not an error.
    assert client.get(journal(world) + "?action=nope&from=hier&page=abc").status_code == 200


# Erasing one's account ---------------------------------------------------------------------------

def test_a_person_erases_their_account_with_their_password(world):
    from allauth.account.models import EmailAddress

    person = world.delegate
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    world.territory.coordinators.add(person)
    client = Client()
    client.force_login(person)
    assert client.get("/compte/effacer/").status_code == 200
    response = client.post("/compte/effacer/", {"password": "pas le bon", "confirm": "on"})
    assert response.status_code == 200 and "ne correspond pas" in response.content.decode()
    assert User.objects.get(pk=person.pk).is_active

    response = client.post("/compte/effacer/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    person = User.objects.get(pk=person.pk)
    assert person.email == f"erased-{person.pk}@invalid" and person.display_name == ERASED_NAME
    assert not person.is_active and not person.has_usable_password() and person.phone == ""
    assert not EmailAddress.objects.filter(user=person).exists()
    assert not world.territory.coordinators.filter(pk=person.pk).exists()
    # The memberships stay for history, ended: the person no longer counts from today.
    today = timezone.localdate()
    delegations = Delegation.objects.filter(person=person)
    assert delegations.count() == 2 and all(d.end is not None and d.end < today for d in delegations)
    assert Membership.objects.filter(pk=world.org_in_assembly.pk, end__isnull=True).exists()  # the org stays
    event = only("account.erased")
    assert event.actor == person and event.details["by_self"] is True
    assert "delegue@example.org" not in event.target_label
    # Signed out, and the old address no longer signs in.
    assert not client.get("/compte/profil/").wsgi_request.user.is_authenticated
    response = Client().post("/compte/login/", {"login": "delegue@example.org", "password": PASSWORD})
    assert not response.wsgi_request.user.is_authenticated


def test_erasing_ends_a_citizen_membership_and_roles(world):
    person = world.facilitator
    user_erase(user=person, by=None)
    today = timezone.localdate()
    membership = Membership.objects.get(pk=world.facilitator_membership.pk)
    assert membership.end is not None and membership.end < today
    assignment = RoleAssignment.objects.get(person=person)
    assert assignment.ended_on is not None and assignment.end_reason == "other"
    assert not RoleAssignment.objects.filter(assignment_current_q(), pk=assignment.pk).exists()


def test_erasure_asks_for_the_confirmation(world):
    client = Client()
    client.force_login(world.citizen)
    response = client.post("/compte/effacer/", {"password": PASSWORD})
    assert response.status_code == 200
    assert User.objects.get(pk=world.citizen.pk).is_active
    assert events("account.erased") == []


def test_erasure_needs_a_signed_in_person(world):
    response = Client().get("/compte/effacer/")
    assert response.status_code == 302 and "/compte/login/" in response["Location"]


def test_an_erased_person_s_past_actions_show_the_erased_name(world, client):
    audit.record(action="charter.adopted", actor=world.coordinator, target=world.assembly,
                 target_label="Charte de l'assemblée")
    user_erase(user=world.coordinator, by=world.coordinator)
    client.force_login(world.admin)
    html = client.get(journal(world)).content.decode()
    assert ERASED_NAME in html and "coord@example.org" not in html


def test_guessing_the_password_on_the_erasure_page_is_rate_limited(world):
    from django.core.cache import cache

    cache.clear()
    client = Client()
    client.force_login(world.citizen)
    statuses = [client.post("/compte/effacer/", {"password": f"essai-{n}", "confirm": "on"}).status_code
                for n in range(12)]
    assert statuses[0] == 200 and statuses[-1] == 429
    # Even the right password waits now.
    assert client.post("/compte/effacer/", {"password": PASSWORD, "confirm": "on"}).status_code == 429
    assert User.objects.get(pk=world.citizen.pk).is_active
