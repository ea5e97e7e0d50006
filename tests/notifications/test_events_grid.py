"""Issue 16, acceptance: each event reaches the right people and nobody else.

THE GRID: one cast of people around the public assembly of Pointe-Test — its members (a citizen who
reads English, an organization's delegate and alternate, an observer organization's delegate), the
holder of its coordination role, the territory's coordinator, a member of another space of the same
territory, a person of another territory, an account with no tie, an inactive member — and, for
each event, who is told (a Notification row) and who is not. The actor of an event is never told of
their own act (except the notice: it is their calendar's too). Every notification made is also
rendered as its e-mail, in the recipient's language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from concertation.decisions import services as decisions
from concertation.decisions import tasks as decision_tasks
from concertation.decisions.ballots import ballot_cast
from concertation.meetings import events as meeting_events
from concertation.meetings.models import FollowUp
from concertation.meetings.services import agenda, followups
from concertation.meetings.services import minutes as minutes_services
from concertation.notifications.delivery import deliver, notification_email
from concertation.notifications.models import Notification
from concertation.planning.services.plans import plan_update
from concertation.spaces import events as space_events
from concertation.spaces.announcements import announcement_send
from concertation.spaces.models import Role
from tests.factories import (
    DelegationFactory,
    MembershipFactory,
    PlanFactory,
    RoleAssignmentFactory,
    RoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CAST = ("citizen", "delegate", "alternate", "observer", "space_coordinator", "territory_coordinator",
        "other_space", "foreigner", "outsider", "inactive")


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "QUEUES": ["default", "email"]}}


class Cast(dict):
    def kinds(self, people) -> set[str]:
        ids = {person.pk for person in people}
        return {kind for kind, person in self.items() if person.pk in ids}


@pytest.fixture
def cast(world) -> Cast:
    world.citizen.preferred_language = "en"
    world.citizen.display_name = "Citizen Kane"
    world.citizen.save()
    alternate = UserFactory(email="substitut@example.org", display_name="Sam Substitut")
    DelegationFactory(membership=world.org_in_assembly, person=alternate, kind="alternate")
    space_coordinator = UserFactory(email="coordination@example.org", display_name="Coordination")
    RoleAssignmentFactory(role=RoleFactory(space=world.assembly, name="Coordination", kind=Role.Kind.COORDINATION),
                          person=space_coordinator)
    inactive = UserFactory(email="parti@example.org", is_active=False)
    MembershipFactory(space=world.assembly, organization=None, person=inactive)
    return Cast(citizen=world.citizen, delegate=world.delegate, alternate=alternate, observer=world.observer,
                space_coordinator=space_coordinator, territory_coordinator=world.coordinator,
                other_space=world.facilitator, foreigner=world.foreigner, outsider=world.outsider, inactive=inactive)


def told(cast: Cast, event: str) -> set[str]:
    """Who was told of ``event`` (among the cast); and each notification renders as its e-mail."""
    rows = list(Notification.objects.filter(event=event).select_related("recipient"))
    for row in rows:
        message = notification_email(row)
        assert message is not None and message.subject and "\n" not in message.subject
        assert message.extra_headers["Content-Language"] == (row.recipient.preferred_language or "fr-ca")
    return cast.kinds(row.recipient for row in rows)


MEMBERS = {"citizen", "delegate", "alternate", "observer"}
AUDIENCE = MEMBERS | {"space_coordinator"}  # who sits in the space, and the holders of its roles
VOTERS = {"citizen", "delegate", "alternate"}  # the observer organization does not vote


def a_meeting(world, cast):
    start = timezone.now() + timedelta(days=10)
    return agenda.meeting_create(space=world.assembly, by=cast["space_coordinator"], title="Rencontre de la table",
                                 starts_at=start, ends_at=start + timedelta(hours=2))


# Meetings ---------------------------------------------------------------------------------------

def test_the_notice_its_update_and_its_cancellation_go_to_the_members(world, cast):
    meeting = a_meeting(world, cast)
    agenda.meeting_convene(meeting=meeting, by=cast["space_coordinator"])
    assert told(cast, "meetings.convened") == MEMBERS
    agenda.meeting_update(meeting=meeting, by=cast["space_coordinator"], room="Salle B",
                          starts_at=meeting.starts_at + timedelta(hours=1), ends_at=meeting.ends_at + timedelta(hours=1))
    assert told(cast, "meetings.changed") == MEMBERS
    agenda.meeting_cancel(meeting=meeting, by=cast["space_coordinator"], reason="Tempête")
    assert told(cast, "meetings.cancelled") == MEMBERS


def test_the_cancellation_goes_to_those_who_got_the_notice_not_to_who_joined_since(world, cast):
    meeting = a_meeting(world, cast)
    agenda.meeting_convene(meeting=meeting, by=cast["space_coordinator"])
    newcomer = UserFactory(email="nouvelle@example.org")
    MembershipFactory(space=world.assembly, organization=None, person=newcomer)
    agenda.meeting_cancel(meeting=meeting, by=cast["space_coordinator"])
    recipients = set(Notification.objects.filter(event="meetings.cancelled").values_list("recipient_id", flat=True))
    assert newcomer.pk not in recipients and cast["citizen"].pk in recipients


def test_the_notice_carries_its_ics_and_the_english_reader_gets_english(world, cast, settings, immediate_tasks,
                                                                       django_capture_on_commit_callbacks):
    meeting = a_meeting(world, cast)
    with django_capture_on_commit_callbacks(execute=True):
        agenda.meeting_convene(meeting=meeting, by=cast["space_coordinator"])
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {cast[kind].email for kind in MEMBERS}
    english, french = by_address[cast["citizen"].email], by_address[cast["delegate"].email]
    assert english.subject.startswith("Notice of meeting — Rencontre de la table")
    assert french.subject.startswith("Convocation — Rencontre de la table")
    for message in (english, french):
        (ics,) = [part for part in message.attachments if part.get_content_type() == "text/calendar"]
        assert ics.get_param("method") == "REQUEST"
        assert f"UID:{meeting.uid}" in ics.get_payload(decode=True).decode()


def test_minutes_circulated_and_adopted_go_to_the_space_not_to_the_actor(world, cast):
    from concertation.meetings.models import Meeting

    meeting = a_meeting(world, cast)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.HELD)
    meeting.refresh_from_db()
    draft = minutes_services.minutes_save_draft(meeting=meeting, body="Le compte rendu.", by=cast["space_coordinator"])
    minutes_services.minutes_circulate(minutes=draft, by=cast["space_coordinator"])
    minutes_services.minutes_circulate(minutes=draft, by=cast["space_coordinator"])  # again: told once
    assert told(cast, "meetings.minutes_circulated") == MEMBERS
    assert Notification.objects.filter(event="meetings.minutes_circulated").count() == len(MEMBERS)
    later = a_meeting(world, cast)
    agenda.meeting_convene(meeting=later, by=cast["space_coordinator"])
    minutes_services.minutes_adopt(minutes=draft, at_meeting=later, by=cast["territory_coordinator"])
    assert told(cast, "meetings.minutes_adopted") == AUDIENCE


def test_a_follow_up_tells_the_person_responsible_or_the_organizations_people(world, cast):
    followups.follow_up_create(space=world.assembly, what="Réserver la salle", person=cast["citizen"],
                               by=cast["space_coordinator"])
    assert told(cast, "meetings.followup_assigned") == {"citizen"}
    Notification.objects.all().delete()
    followups.follow_up_create(space=world.assembly, what="Écrire la lettre", organization=world.org,
                               by=cast["delegate"])
    assert told(cast, "meetings.followup_assigned") == {"alternate"}  # the delegate wrote it down
    Notification.objects.all().delete()
    # The committee is members-only: the citizen does not sit there, so is not told of it.
    followups.follow_up_create(space=world.committee, what="Confidentiel", person=cast["citizen"])
    assert told(cast, "meetings.followup_assigned") == set()


def test_an_overdue_follow_up_is_told_once_per_due_date(world, cast):
    today = timezone.localdate()
    follow_up = followups.follow_up_create(space=world.assembly, what="Envoyer le bilan", person=cast["delegate"],
                                           due_on=today - timedelta(days=1))
    followups.follow_up_create(space=world.assembly, what="Pas encore", person=cast["citizen"],
                               due_on=today + timedelta(days=3))
    done = followups.follow_up_create(space=world.assembly, what="Déjà fait", person=cast["observer"],
                                      due_on=today - timedelta(days=2))
    FollowUp.objects.filter(pk=done.pk).update(status=FollowUp.Status.DONE)
    now = timezone.now()
    assert meeting_events.followups_overdue_sweep(now) == 1
    assert meeting_events.followups_overdue_sweep(now + timedelta(days=1)) == 0  # the next day: not again
    assert told(cast, "meetings.followup_overdue") == {"delegate"}
    FollowUp.objects.filter(pk=follow_up.pk).update(due_on=today)  # a new due date, passed in its turn
    assert meeting_events.followups_overdue_sweep(now + timedelta(days=1)) == 1


# Decisions --------------------------------------------------------------------------------------

def open_proposal(world, cast, *, closes_in=timedelta(hours=20), by=None):
    proposal = decisions.proposal_create(space=world.assembly, author=cast["citizen"], title="Appui au mémoire")
    now = timezone.now()
    return decisions.proposal_open(proposal=proposal, by=by or cast["delegate"], now=now - timedelta(hours=1),
                                   closes_at=now + closes_in)


def test_an_opened_vote_tells_the_voters_but_the_one_who_opened_it(world, cast):
    open_proposal(world, cast, by=cast["delegate"])
    assert told(cast, "decisions.opened") == VOTERS - {"delegate"}


def test_the_closing_reminder_goes_only_to_who_may_still_vote_and_has_not(world, cast):
    proposal = open_proposal(world, cast)
    ballot_cast(proposal=proposal, person=cast["alternate"], value="agree", organization=world.org)
    assert decision_tasks.send_reminders_now(proposal.pk) == 1
    assert decision_tasks.send_reminders_now(proposal.pk) == 0  # reminder_sent_at guards it
    # The organization voted (through its alternate): neither its delegate nor its alternate is reminded.
    assert told(cast, "decisions.closing_soon") == {"citizen"}


def test_the_reminder_names_the_organization_and_speaks_english_to_who_reads_it(world, cast):
    proposal = open_proposal(world, cast)
    decision_tasks.send_reminders_now(proposal.pk)
    assert told(cast, "decisions.closing_soon") == VOTERS
    deliver(Notification.objects.filter(event="decisions.closing_soon").values_list("pk", flat=True))
    by_address = {message.to[0]: message for message in mail.outbox}
    assert by_address[cast["citizen"].email].subject == "Reminder: voting on “Appui au mémoire” closes soon"
    assert "Comité logement" in by_address[cast["alternate"].email].body
    assert by_address[cast["delegate"].email].subject.startswith("Rappel")


def test_a_decision_tells_the_voters(world, cast):
    proposal = open_proposal(world, cast)
    Notification.objects.all().delete()
    decisions.proposal_close(proposal=proposal)
    decisions.proposal_decide(proposal=proposal, by=cast["space_coordinator"], outcome="Adoptée.")
    decisions.proposal_decide(proposal=proposal, by=cast["space_coordinator"], outcome="Adoptée, corrigée.")
    assert told(cast, "decisions.decided") == VOTERS
    assert Notification.objects.filter(event="decisions.decided").count() == len(VOTERS)  # an edit tells nobody


# Spaces -----------------------------------------------------------------------------------------

def test_a_term_ending_tells_its_holder_and_the_coordinators_once(world, cast):
    today = timezone.localdate()
    role = RoleFactory(space=world.assembly, name="Trésorerie", kind=Role.Kind.OTHER)
    RoleAssignmentFactory(role=role, person=cast["delegate"], start=today - timedelta(days=300),
                          end=today + timedelta(days=12))
    RoleAssignmentFactory(role=role, person=cast["citizen"], start=today - timedelta(days=10),
                          end=today + timedelta(days=200))  # far from its end
    now = timezone.now()
    assert space_events.terms_ending_sweep(now) == 3
    assert space_events.terms_ending_sweep(now + timedelta(days=1)) == 0
    assert told(cast, "spaces.term_ending") == {"delegate", "space_coordinator", "territory_coordinator"}


def test_an_announcement_to_the_space_reaches_its_members(world, cast):
    announcement_send(space=world.assembly, by=cast["space_coordinator"], title="Assemblée générale",
                      body="Le **12 juin**, à la salle communautaire.")
    assert told(cast, "spaces.announcement") == MEMBERS


def test_an_announcement_to_the_territory_reaches_every_member_of_the_territory(world, cast):
    announcement_send(space=world.assembly, by=cast["territory_coordinator"], title="Fermeture des bureaux",
                      body="Les bureaux ferment pour les Fêtes.", whole_territory=True)
    assert told(cast, "spaces.announcement") == AUDIENCE | {"other_space"}


# Planning ---------------------------------------------------------------------------------------

def test_a_revised_plan_tells_the_space_once_a_day(world, cast):
    plan = PlanFactory(space=world.assembly, adopted=True)
    plan_update(plan=plan, by=cast["space_coordinator"], reason="Bilan de mi-parcours.", vision="Une vision revue.")
    plan_update(plan=plan, by=cast["space_coordinator"], reason="Une coquille.", vision="Une vision revue, encore.")
    assert told(cast, "planning.plan_revised") == MEMBERS
    assert Notification.objects.filter(event="planning.plan_revised").count() == len(MEMBERS)


def test_every_event_of_the_contract_is_registered_with_its_category():
    from concertation.notifications import registry

    expected = {
        "meetings.convened": "notices", "meetings.changed": "notices", "meetings.cancelled": "notices",
        "meetings.minutes_circulated": "minutes", "meetings.minutes_adopted": "minutes",
        "decisions.opened": "proposals", "decisions.closing_soon": "proposals", "decisions.decided": "proposals",
        "meetings.followup_assigned": "followups", "meetings.followup_overdue": "followups",
        "spaces.term_ending": "roles", "spaces.invitation": "invitations", "spaces.announcement": "announcements",
        "planning.plan_revised": "plan",
        "knowledge.mention": "mentions", "knowledge.document_added": "documents",
    }
    assert {key: registry.event(key).category for key in expected} == expected
    assert {"meetings.followups_overdue", "spaces.terms_ending"} <= set(registry.dailies())


def test_the_scheduler_runs_the_sweeps_of_the_apps_once_a_day(world, cast):
    from concertation.notifications.schedule import run_sweeps

    today = timezone.localdate()
    followups.follow_up_create(space=world.assembly, what="Envoyer le bilan", person=cast["delegate"],
                               due_on=today - timedelta(days=1))
    RoleAssignmentFactory(role=RoleFactory(space=world.assembly, name="Trésorerie"), person=cast["citizen"],
                          start=today - timedelta(days=300), end=today + timedelta(days=5))
    run_sweeps(force=True)
    run_sweeps(force=True)  # forced again: the sweeps' once_key still tells each person once
    assert told(cast, "meetings.followup_overdue") == {"delegate"}
    assert told(cast, "spaces.term_ending") == {"citizen", "space_coordinator", "territory_coordinator"}
    assert Notification.objects.filter(event="spaces.term_ending").count() == 3


def test_a_term_endings_notice_names_the_holder_at_render_not_from_a_copy(world, cast):
    """The coordinators read the holder's name in the e-mail; erased since, the holder is no longer
    named there, nor kept as text in the coordinators' notifications."""
    from concertation.accounts.services import user_erase

    today = timezone.localdate()
    cast["delegate"].display_name = "Dominique Délégation"
    cast["delegate"].save()
    role = RoleFactory(space=world.assembly, name="Trésorerie", kind=Role.Kind.OTHER)
    RoleAssignmentFactory(role=role, person=cast["delegate"], start=today - timedelta(days=300),
                          end=today + timedelta(days=12))
    space_events.terms_ending_sweep(timezone.now())
    row = Notification.objects.get(event="spaces.term_ending", recipient=cast["space_coordinator"])
    assert "Dominique Délégation" in notification_email(row).body
    user_erase(user=cast["delegate"], by=cast["delegate"])
    row.refresh_from_db()
    assert "Dominique" not in str(row.context) and "Dominique" not in notification_email(row).body
