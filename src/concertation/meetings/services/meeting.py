"""The course of a meeting: opening it (convened → in progress) and closing it (→ held), the
secretary's notes on each item, and the conflicts of interest declared on an item.

The decisions taken on items are written by ``services.votes``.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concertation.core import formatting
from concertation.core.errors import DomainError
from concertation.decisions import services as decisions
from concertation.decisions.models import Proposal
from concertation.directory.models import Organization

from ..models import AgendaItem, ConflictDeclaration, Meeting

Status = Meeting.Status
Open = Proposal.Status


def refuse_unless(meeting: Meeting, *allowed: str) -> None:
    if meeting.status not in allowed:
        messages = {
            Status.DRAFT: _("La rencontre n'est pas encore convoquée."),
            Status.CONVENED: _("La rencontre n'est pas encore ouverte."),
            Status.IN_PROGRESS: _("La rencontre est déjà en cours."),
            Status.HELD: _("La rencontre est levée."),
            Status.MINUTES_ADOPTED: _("Le procès-verbal de cette rencontre est adopté : elle ne change plus."),
            Status.CANCELLED: _("Cette rencontre est annulée."),
        }
        raise DomainError(messages.get(meeting.status, _("Impossible dans l'état actuel de la rencontre.")))


def locked(meeting: Meeting) -> Meeting:
    """Re-read the meeting in the transaction (locked on PostgreSQL) so that states never race."""
    fresh = Meeting.objects.select_for_update().get(pk=meeting.pk)
    meeting.status = fresh.status
    return meeting


def opens_before_its_day(meeting: Meeting, now: datetime | None = None) -> bool:
    """Whether opening the meeting now would open it before the day it is convened for."""
    return timezone.localdate(now or timezone.now()) < timezone.localdate(meeting.starts_at)


@transaction.atomic
def meeting_open(*, meeting: Meeting, by, now: datetime | None = None, confirm_early: bool = False) -> Meeting:
    """Convened → in progress. The quorum is shown from then on; without it, no decision.

    Before the meeting's day, only with ``confirm_early``: a meeting opened by mistake a week early
    would take attendance and decisions on the wrong day."""
    locked(meeting)
    refuse_unless(meeting, Status.CONVENED)
    if opens_before_its_day(meeting, now) and not confirm_early:
        day = formatting.day(meeting.starts_at)
        raise DomainError(_("Cette rencontre est prévue le %(date)s. Pour l'ouvrir dès maintenant, cochez "
                            "« Je confirme ouvrir la rencontre avant la date prévue ».") % {"date": day},
                          field="confirm_early", code="early")
    meeting.status = Status.IN_PROGRESS
    meeting.opened_at = now or timezone.now()
    meeting.save(update_fields=["status", "opened_at", "updated_at"])
    return meeting


@transaction.atomic
def meeting_close(*, meeting: Meeting, by, now: datetime | None = None) -> Meeting:
    """In progress → held (« levée »). An electronic vote still open must be closed first."""
    locked(meeting)
    refuse_unless(meeting, Status.IN_PROGRESS)
    still_open = (AgendaItem.objects.filter(meeting=meeting, proposal__status=Open.OPEN)
                  .values_list("title", flat=True).first())
    if still_open is not None:
        raise DomainError(_("Le vote du point « %(item)s » est encore ouvert : fermez-le avant de lever la "
                            "rencontre.") % {"item": still_open})
    meeting.status = Status.HELD
    meeting.closed_at = now or timezone.now()
    meeting.save(update_fields=["status", "closed_at", "updated_at"])
    return meeting


def item_in(item: AgendaItem, meeting: Meeting | None = None) -> Meeting:
    meeting = meeting or item.meeting
    if item.meeting_id != meeting.pk:
        raise DomainError(_("Ce point n'est pas à l'ordre du jour de cette rencontre."))
    return meeting


@transaction.atomic
def item_notes_save(*, item: AgendaItem, by, notes: str, dissent: str | None = None) -> AgendaItem:
    """The secretary's notes on an item (and its dissent), saved as they are typed."""
    meeting = item_in(item)
    refuse_unless(meeting, Status.IN_PROGRESS, Status.HELD)
    item.notes = (notes or "").strip()
    fields = ["notes", "updated_at"]
    if dissent is not None:
        item.dissent = dissent.strip()
        fields.append("dissent")
        proposal = item.proposal
        if proposal is not None and proposal.status == Open.DECIDED and proposal.dissent != item.dissent:
            decisions.proposal_decide(proposal=proposal, by=by, outcome=proposal.outcome, dissent=item.dissent)
    item.save(update_fields=fields)
    return item


@transaction.atomic
def conflict_declare(*, item: AgendaItem, by, person=None, organization: Organization | None = None,
                     reason: str = "") -> ConflictDeclaration:
    """A conflict of interest on an item: the person or organization steps out of its vote."""
    meeting = item_in(item)
    refuse_unless(meeting, Status.CONVENED, Status.IN_PROGRESS)
    if (person is None) == (organization is None):
        raise DomainError(_("Indiquez la personne ou l'organisme qui se retire."), field="who")
    declaration, _created = ConflictDeclaration.objects.get_or_create(
        item=item, person=person, organization=organization, defaults={"reason": (reason or "").strip()[:300]},
    )
    proposal = item.proposal
    if proposal is not None and proposal.status in {Open.DRAFT, Open.OPEN}:
        decisions.recusal_declare(proposal=proposal, by=by, person=person, organization=organization,
                                  reason=reason or "")
    return declaration
