"""Time in decisions: proposals close themselves at their closing time, and eligible voters who
have not voted get one reminder 24 h before (the event « decisions.closing_soon » of the
notifications layer, delivered as each person chose: see events.py).

``services.proposal_open`` calls ``schedule_proposal_tasks`` once the opening is committed; it
queues two django-tasks for the database worker (``concertation worker``):

- ``close_proposal_when_due`` at the closing time: closes the proposal if it is still open and
  due; if the closing time was moved later, it queues itself again for the new time. Running it
  twice, or on a proposal already closed or withdrawn, changes nothing.
- ``send_closing_reminders`` 24 h before closing (at once when less than 24 h but more than 1 h
  remain): one notification to each person who may still vote and has not (the person, or the
  delegate and the alternate of an organization), in their language. ``Proposal.reminder_sent_at``
  is set by a conditional UPDATE in the same transaction as the notifications (and the layer's
  once_key guards each person), so a retried or duplicated task never reminds twice.

A queued task can be lost (a queue emptied by hand, a backend without deferred tasks): the
``concertation close_due`` command is the safety net — run it every minute (cron or a systemd
timer) next to the worker; it closes every due proposal and sends every due reminder.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from concertation.core.errors import DomainError

logger = logging.getLogger(__name__)

REMINDER_BEFORE = timedelta(hours=24)
REMINDER_MIN_LEAD = timedelta(hours=1)  # no reminder when less than this remains
# A reminder task that wakes up earlier than this before its time (closing moved later) waits again.
RESCHEDULE_SLACK = timedelta(minutes=5)


# Scheduling -------------------------------------------------------------------------------------

def reminder_time(proposal, now: datetime | None = None) -> datetime | None:
    """When the reminder of this proposal is due, or None when there is no time left for one."""
    now = now or timezone.now()
    if proposal.closes_at is None:
        return None
    moment = max(proposal.closes_at - REMINDER_BEFORE, now, proposal.opens_at or now)
    if proposal.closes_at - moment <= REMINDER_MIN_LEAD:
        return None
    return moment


def _defers(task_obj) -> bool:
    """Whether the task backend can run a task later (the immediate backend cannot)."""
    return bool(getattr(task_obj.get_backend(), "supports_defer", False))


def _enqueue_at(task_obj, moment: datetime, *args) -> bool:
    if not _defers(task_obj):
        logger.info("Task backend cannot defer %s: `concertation close_due` will handle it.", task_obj.name)
        return False
    task_obj.using(run_after=moment).enqueue(*args)
    return True


def schedule_proposal_tasks(proposal, now: datetime | None = None) -> None:
    """Queue the closing and the reminder of a proposal that has just opened."""
    from .models import Proposal

    current = Proposal.objects.filter(pk=proposal.pk, status=Proposal.Status.OPEN).only(
        "status", "opens_at", "closes_at", "reminder_sent_at").first()
    if current is None or current.closes_at is None:
        return
    _enqueue_at(close_proposal_when_due, current.closes_at, current.pk)
    moment = reminder_time(current, now)
    if moment is not None and current.reminder_sent_at is None:
        _enqueue_at(send_closing_reminders, moment, current.pk)


# Closing ----------------------------------------------------------------------------------------

@task(queue_name="default")
def close_proposal_when_due(proposal_id: int) -> str:
    """Close the proposal if it is still open and its closing time has come."""
    from . import services
    from .models import Proposal

    proposal = Proposal.objects.filter(pk=proposal_id).only("status", "closes_at").first()
    if proposal is None:
        return "missing"
    if proposal.status != Proposal.Status.OPEN:
        return "not_open"
    now = timezone.now()
    if proposal.closes_at is None:
        return "no_closing_time"
    if proposal.closes_at > now:
        # The closing time was moved later: come back then.
        _enqueue_at(close_proposal_when_due, proposal.closes_at, proposal.pk)
        return "rescheduled"
    try:
        services.proposal_close(proposal=proposal, now=now)
    except DomainError:  # closed by someone else in the meantime
        return "not_open"
    return "closed"


# Reminders --------------------------------------------------------------------------------------

@dataclass
class Pending:
    """What one person may still vote for: their own ballot, and organizations they represent."""

    own: bool = False
    organizations: list[str] = field(default_factory=list)


def _recipients(proposal) -> dict[int, Pending]:
    """person id → what they may still vote for (eligible voters minus those who took part)."""
    from .eligibility import eligible_voters
    from .models import Participation

    voters = eligible_voters(proposal)
    voted = set(
        Participation.objects.filter(proposal=proposal, round=proposal.round).values_list("voter_key", flat=True)
    )
    recipients: dict[int, Pending] = {}
    for voter in sorted(voters.values(), key=lambda voter: voter.label):
        if voter.key in voted:
            continue
        for person_id in voter.casters:
            pending = recipients.setdefault(person_id, Pending())
            if voter.organization_id is None:
                pending.own = True
            else:
                pending.organizations.append(voter.label)
    return recipients


def send_reminders_now(proposal_id: int, now: datetime | None = None) -> int:
    """Claim the proposal's reminder (once, atomically), then notify everyone who has not voted
    (the event « decisions.closing_soon »: e-mailed at once or not, as each person chose)."""
    from .events import notify_closing_soon
    from .models import Proposal

    now = now or timezone.now()
    with transaction.atomic():
        claimed = Proposal.objects.filter(
            pk=proposal_id, status=Proposal.Status.OPEN, reminder_sent_at__isnull=True, closes_at__gt=now,
        ).update(reminder_sent_at=now)
        if not claimed:
            return 0
        proposal = Proposal.objects.select_related("space__territory").get(pk=proposal_id)
        recipients = _recipients(proposal)
        people = get_user_model().objects.filter(pk__in=recipients, is_active=True).exclude(email="")
        told = sum(notify_closing_soon(proposal, person, own=recipients[person.pk].own,
                                       organizations=recipients[person.pk].organizations) for person in people)
    logger.info("Proposal %s: %s closing reminders.", proposal_id, told)
    return told


@task(queue_name="email")
def send_closing_reminders(proposal_id: int) -> str:
    """Remind the voters who have not voted, once, about 24 h before closing."""
    from .models import Proposal

    proposal = Proposal.objects.filter(pk=proposal_id).only(
        "status", "opens_at", "closes_at", "reminder_sent_at").first()
    if proposal is None:
        return "missing"
    if proposal.status != Proposal.Status.OPEN:
        return "not_open"
    if proposal.reminder_sent_at is not None:
        return "already_sent"
    now = timezone.now()
    moment = reminder_time(proposal, now)
    if moment is None:
        return "too_late"
    if moment - now > RESCHEDULE_SLACK:
        # The closing time was moved later (or the task ran early): come back at the right time.
        _enqueue_at(send_closing_reminders, moment, proposal.pk)
        return "rescheduled"
    return f"sent:{send_reminders_now(proposal.pk, now)}"


def send_due_reminders(now: datetime | None = None) -> int:
    """Every reminder whose time has come and that was not sent (the periodic safety net)."""
    from .models import Proposal

    now = now or timezone.now()
    due = Proposal.objects.filter(
        Q(opens_at__isnull=True) | Q(opens_at__lte=now),
        status=Proposal.Status.OPEN, reminder_sent_at__isnull=True,
        closes_at__lte=now + REMINDER_BEFORE, closes_at__gt=now + REMINDER_MIN_LEAD,
    ).values_list("pk", flat=True)
    return sum(send_reminders_now(pk, now) for pk in list(due))
