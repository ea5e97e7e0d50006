"""Time: proposals close themselves at their closing time; voters who have not voted get one reminder
(the event « decisions.closing_soon » of the notifications layer: ``delivered()`` runs what the
worker runs after commit)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import formats, timezone, translation
from django_tasks_db.models import DBTaskResult

from concertation.core import formatting
from concertation.decisions import services, tasks
from concertation.decisions.ballots import ballot_cast
from concertation.decisions.models import Proposal
from concertation.notifications.delivery import deliver
from concertation.notifications.models import Notification
from tests.factories import DelegationFactory, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE_URL = "https://concertation.example.org"
IMMEDIATE_TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "email"]}
}


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


@pytest.fixture
def voters(world):
    """The assembly (one vote per organization, quorum 50 % + 1 with one citizen) with: the world's
    organization (a delegate; an alternate added here), the citizen (who reads English), and a
    second organization whose delegate will vote."""
    world.alternate = UserFactory(email="substitut@example.org", display_name="Sam Substitut")
    DelegationFactory(membership=world.org_in_assembly, person=world.alternate, kind="alternate")
    world.citizen.preferred_language = "en"
    world.citizen.save()
    world.voting_org = OrganizationFactory(territory=world.territory, name="Maison des jeunes", college=world.community)
    world.voting_delegate = UserFactory(email="mdj@example.org")
    DelegationFactory(membership=MembershipFactory(space=world.assembly, organization=world.voting_org),
                      person=world.voting_delegate)
    return world


def open_proposal(world, *, closes_in, opened_ago=timedelta(hours=1), title="Appui au mémoire", capture=None):
    now = timezone.now()
    proposal = services.proposal_create(space=world.assembly, author=world.coordinator, title=title)
    if capture is not None:
        with capture(execute=True):
            return services.proposal_open(proposal=proposal, by=world.coordinator, now=now - opened_ago,
                                          closes_at=now + closes_in)
    return services.proposal_open(proposal=proposal, by=world.coordinator, now=now - opened_ago,
                                  closes_at=now + closes_in)


def delivered(event="decisions.closing_soon") -> list:
    """E-mail the reminders made so far (what the worker does after commit); the e-mails sent."""
    deliver(Notification.objects.filter(event=event).values_list("pk", flat=True))
    return mail.outbox


def queued(task_name):
    return DBTaskResult.objects.filter(task_path__endswith=task_name, status="READY")


# Scheduling ---------------------------------------------------------------------------------

def test_opening_queues_the_closing_and_a_reminder_24_hours_before(voters, django_capture_on_commit_callbacks):
    proposal = open_proposal(voters, closes_in=timedelta(days=5), capture=django_capture_on_commit_callbacks)
    (close,) = queued("close_proposal_when_due")
    (remind,) = queued("send_closing_reminders")
    assert close.run_after == proposal.closes_at
    assert close.args_kwargs["args"] == [proposal.pk]
    assert remind.run_after == proposal.closes_at - timedelta(hours=24)
    assert remind.queue_name == "email"


def test_with_less_than_24_hours_left_the_reminder_goes_at_once(voters, django_capture_on_commit_callbacks):
    before = timezone.now()
    open_proposal(voters, closes_in=timedelta(hours=5), capture=django_capture_on_commit_callbacks)
    (remind,) = queued("send_closing_reminders")
    assert before <= remind.run_after <= timezone.now()


def test_with_less_than_an_hour_left_there_is_no_reminder(voters, django_capture_on_commit_callbacks):
    open_proposal(voters, closes_in=timedelta(minutes=40), capture=django_capture_on_commit_callbacks)
    assert queued("close_proposal_when_due").count() == 1
    assert not queued("send_closing_reminders").exists()


def test_a_backend_that_cannot_defer_queues_nothing(voters, settings, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE_TASKS
    proposal = open_proposal(voters, closes_in=timedelta(days=2), capture=django_capture_on_commit_callbacks)
    proposal.refresh_from_db()
    assert proposal.status == "open" and proposal.reminder_sent_at is None


# Reminders ----------------------------------------------------------------------------------

def test_reminders_go_once_to_the_voters_who_have_not_voted(voters):
    proposal = open_proposal(voters, closes_in=timedelta(hours=20))
    ballot_cast(proposal=proposal, person=voters.voting_delegate, value="agree", organization=voters.voting_org)
    assert tasks.send_closing_reminders.call(proposal.pk) == "sent:3"
    assert tasks.send_closing_reminders.call(proposal.pk) == "already_sent"
    call_command("close_due", verbosity=0)
    recipients = sorted(address for message in delivered() for address in message.to)
    # The organization that has not voted: its delegate and its alternate; the citizen. Not the
    # organization that voted, not the observer.
    assert recipients == ["citoyenne@example.org", "delegue@example.org", "substitut@example.org"]
    proposal.refresh_from_db()
    assert proposal.reminder_sent_at is not None


def test_a_retried_reminder_task_never_sends_twice(voters):
    proposal = open_proposal(voters, closes_in=timedelta(hours=20))
    assert tasks.send_reminders_now(proposal.pk) == 4
    assert tasks.send_reminders_now(proposal.pk) == 0  # the conditional UPDATE claims it once
    assert tasks.send_closing_reminders.call(proposal.pk) == "already_sent"
    assert len(delivered()) == 4


def test_the_reminder_speaks_each_persons_language_and_gives_the_time_and_link(voters):
    proposal = open_proposal(voters, closes_in=timedelta(hours=20), title="Appui au mémoire")
    tasks.send_closing_reminders.call(proposal.pk)
    by_address = {message.to[0]: message for message in delivered()}
    closes_at = timezone.localtime(proposal.closes_at)

    french = by_address["delegue@example.org"]
    with translation.override("fr-ca"):
        day = formats.date_format(closes_at, "DATE_FORMAT")
        hour = formatting.hour(closes_at)  # « 5 h » on the hour, « 5 h 07 » otherwise (the e-mail's |hour)
    assert french.extra_headers["Content-Language"] == "fr-ca"
    assert "Appui au mémoire" in french.subject and "\n" not in french.subject
    assert f"le {day} à {hour}" in french.body
    assert "au nom de l'organisme «\u00a0Comité logement\u00a0»" in french.body
    assert f"{SITE_URL}/t/pointe-test/" in french.body

    english = by_address["citoyenne@example.org"]
    with translation.override("en"):
        day_en = formats.date_format(closes_at, "DATE_FORMAT")
    assert english.extra_headers["Content-Language"] == "en"
    assert day_en in english.body and day_en != day  # « jeudi 3 décembre » / "Thursday, December 3"


def test_no_reminder_for_a_proposal_that_is_no_longer_open(voters):
    proposal = open_proposal(voters, closes_in=timedelta(hours=20))
    services.proposal_withdraw(proposal=proposal, by=voters.coordinator)
    assert tasks.send_closing_reminders.call(proposal.pk) == "not_open"
    assert tasks.send_closing_reminders.call(999999) == "missing"
    assert delivered() == []


def test_a_reminder_that_wakes_up_early_waits_for_the_moved_closing_time(voters):
    proposal = open_proposal(voters, closes_in=timedelta(hours=20))
    later = timezone.now() + timedelta(days=3)
    Proposal.objects.filter(pk=proposal.pk).update(closes_at=later)
    assert tasks.send_closing_reminders.call(proposal.pk) == "rescheduled"
    assert delivered() == []
    (remind,) = queued("send_closing_reminders")
    assert remind.run_after == later - timedelta(hours=24)


# Closing by itself --------------------------------------------------------------------------

def test_a_proposal_closes_itself_when_due(voters):
    proposal = open_proposal(voters, closes_in=timedelta(hours=2), opened_ago=timedelta(hours=3))
    ballot_cast(proposal=proposal, person=voters.delegate, value="agree", organization=voters.org)
    ballot_cast(proposal=proposal, person=voters.citizen, value="agree")
    ballot_cast(proposal=proposal, person=voters.voting_delegate, value="agree", organization=voters.voting_org)
    Proposal.objects.filter(pk=proposal.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    assert tasks.close_proposal_when_due.call(proposal.pk) == "closed"
    proposal.refresh_from_db()
    assert proposal.status == "closed" and proposal.closed_at is not None
    assert proposal.result["adopted"] is True and proposal.result["participants"] == 3
    # Idempotent: a second run (a retried task, or the safety net) changes nothing.
    assert tasks.close_proposal_when_due.call(proposal.pk) == "not_open"


def test_the_close_due_command_closes_every_due_proposal(voters):
    due = open_proposal(voters, closes_in=timedelta(hours=2), opened_ago=timedelta(hours=3), title="Échue")
    later = open_proposal(voters, closes_in=timedelta(days=2), title="Plus tard")
    Proposal.objects.filter(pk=due.pk).update(closes_at=timezone.now() - timedelta(seconds=5))
    call_command("close_due", verbosity=0)
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.status == "closed" and due.result["method"] == "consensus"
    assert later.status == "open"


def test_the_close_due_command_sends_the_reminders_that_are_due(voters):
    soon = open_proposal(voters, closes_in=timedelta(hours=10), title="Bientôt")
    open_proposal(voters, closes_in=timedelta(days=3), title="Dans trois jours")
    open_proposal(voters, closes_in=timedelta(minutes=30), title="Trop tard pour un rappel")
    call_command("close_due", verbosity=0)
    assert len(delivered()) == 4  # the two organizations' people and the citizen, for « Bientôt » only
    assert all("Bientôt" in message.subject for message in mail.outbox)
    soon.refresh_from_db()
    assert soon.reminder_sent_at is not None


def test_a_moved_closing_time_is_honoured(voters):
    proposal = open_proposal(voters, closes_in=timedelta(minutes=30))
    later = timezone.now() + timedelta(days=2)
    Proposal.objects.filter(pk=proposal.pk).update(closes_at=later)
    # The task queued for the first time runs: the proposal stays open and waits for the new time.
    assert tasks.close_proposal_when_due.call(proposal.pk) == "rescheduled"
    proposal.refresh_from_db()
    assert proposal.status == "open"
    (close,) = queued("close_proposal_when_due")
    assert close.run_after == later
    # Two days later (the closing time has come), the task queued for it closes the proposal.
    Proposal.objects.filter(pk=proposal.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    assert tasks.close_proposal_when_due.call(proposal.pk) == "closed"


@pytest.mark.django_db(transaction=True)
def test_the_worker_closes_a_due_proposal_from_the_queue(voters):
    # A real commit (the worker closes connections that sit in a transaction, as on PostgreSQL).
    proposal = services.proposal_create(space=voters.assembly, author=voters.coordinator, title="Par le worker")
    now = timezone.now()
    services.proposal_open(proposal=proposal, by=voters.coordinator, now=now - timedelta(hours=2),
                           closes_at=now - timedelta(minutes=1))
    assert queued("close_proposal_when_due").count() == 1
    call_command("db_worker", batch=True, queue_name="*", startup_delay=False, reload=False, verbosity=0)
    proposal.refresh_from_db()
    assert proposal.status == "closed"
    assert proposal.result["no_decision"] is True  # nobody voted: no quorum, no decision
    # Less than an hour was left when it opened: no reminder (the voters were told it opened).
    assert not Notification.objects.filter(event="decisions.closing_soon").exists()
    # No e-mail is a reminder (in French or in English: each voter reads theirs in their language).
    assert mail.outbox and not [message for message in mail.outbox if message.subject.startswith(("Rappel", "Reminder"))]
