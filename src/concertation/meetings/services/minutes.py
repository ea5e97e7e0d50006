"""The life of the minutes: the draft (written or generated), its circulation to the members, their
comments, and its adoption by a later meeting, after which it is locked.

The text itself (generated from the meeting, shown as HTML) is read by ``meetings.minutes``.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concertation.core import audit
from concertation.core.errors import DomainError
from concertation.core.formatting import nbsp

from ..events import notify_minutes
from ..minutes import ADOPTING_MEETING_STATUSES, Status, locked_message, minutes_generate
from ..models import AgendaItem, Meeting, Minutes, MinutesComment


def _locked(minutes: Minutes) -> Minutes:
    """Re-read inside the transaction (row lock on PostgreSQL) and refuse adopted minutes."""
    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    if minutes.status == Status.ADOPTED:
        raise DomainError(locked_message(), field="body", code="adopted")
    return minutes


def _check_meeting(meeting: Meeting) -> None:
    if meeting.status == Meeting.Status.CANCELLED:
        raise DomainError(nbsp(_("Cette rencontre est annulée{nbsp}: elle n'a pas de procès-verbal.")))
    if meeting.status == Meeting.Status.DRAFT:
        raise DomainError(nbsp(_("Cette rencontre est encore en préparation{nbsp}: le procès-verbal viendra "
                                  "après la rencontre.")))


@transaction.atomic
def minutes_save_draft(*, meeting: Meeting, body: str, by=None) -> Minutes:
    """Save the text of the draft (created on first save). Refused once adopted."""
    _check_meeting(meeting)
    minutes, _created = Minutes.objects.get_or_create(meeting=meeting)
    minutes = _locked(minutes)
    minutes.body = (body or "").replace("\r\n", "\n")
    minutes.save(update_fields=["body", "updated_at"])
    return minutes


@transaction.atomic
def minutes_regenerate(*, meeting: Meeting, by=None) -> Minutes:
    """Replace the draft with a fresh generation from the meeting. Refused once adopted."""
    return minutes_save_draft(meeting=meeting, body=minutes_generate(meeting), by=by)


@transaction.atomic
def minutes_circulate(*, minutes: Minutes, by=None) -> Minutes:
    """Send the draft round the members: they may read it and comment until it is adopted."""
    minutes = _locked(minutes)
    if minutes.meeting.status not in (Meeting.Status.HELD,):
        raise DomainError(_("Le procès-verbal circule une fois la rencontre terminée."))
    if not minutes.body.strip():
        raise DomainError(nbsp(_("Le procès-verbal est vide{nbsp}: rédigez-le ou générez-le d'abord.")), field="body")
    minutes.status = Status.CIRCULATED
    minutes.circulated_at = minutes.circulated_at or timezone.now()
    minutes.save(update_fields=["status", "circulated_at", "updated_at"])
    notify_minutes(minutes, minutes.meeting, adopted=False, by=by)  # once per minutes (once_key)
    return minutes


@transaction.atomic
def minutes_comment(*, minutes: Minutes, author, body: str) -> MinutesComment:
    minutes = _locked(minutes)
    if minutes.status != Status.CIRCULATED:
        raise DomainError(_("On commente un procès-verbal pendant qu'il circule."))
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Le commentaire est vide."), field="body")
    if len(body) > 5000:
        raise DomainError(nbsp(_("Le commentaire dépasse 5{nbsp}000 caractères.")), field="body")
    return MinutesComment.objects.create(minutes=minutes, author=author, body=body)


@transaction.atomic
def minutes_adopt(*, minutes: Minutes, at_meeting: Meeting, by=None, now=None) -> Minutes:
    """Adopt the minutes under a later meeting's « adoption du procès-verbal » item, then lock them."""
    minutes = _locked(minutes)
    meeting = Meeting.objects.select_for_update().get(pk=minutes.meeting_id)
    if meeting.status != Meeting.Status.HELD:
        raise DomainError(_("Seul le procès-verbal d'une rencontre tenue peut être adopté."))
    if at_meeting.space_id != meeting.space_id or at_meeting.starts_at <= meeting.starts_at:
        raise DomainError(_("Un procès-verbal est adopté par une rencontre suivante du même espace."),
                          field="at_meeting")
    if at_meeting.status not in ADOPTING_MEETING_STATUSES:
        raise DomainError(_("La rencontre qui adopte le procès-verbal doit être convoquée ou tenue."),
                          field="at_meeting")
    if not AgendaItem.objects.filter(meeting=at_meeting, standard_role=AgendaItem.Role.ADOPT_MINUTES).exclude(
        status=AgendaItem.Status.DECLINED
    ).exists():
        raise DomainError(nbsp(_("L'ordre du jour de cette rencontre n'a pas de point «{nbsp}Adoption du "
                                  "procès-verbal précédent{nbsp}».")), field="at_meeting")
    if not minutes.body.strip():
        raise DomainError(nbsp(_("Le procès-verbal est vide{nbsp}: rédigez-le ou générez-le d'abord.")), field="body")
    minutes.status = Status.ADOPTED
    minutes.adopted_body = minutes.body
    minutes.adopted_at = now or timezone.now()
    minutes.adopted_at_meeting = at_meeting
    minutes.save(update_fields=["status", "adopted_body", "adopted_at", "adopted_at_meeting", "updated_at"])
    meeting.status = Meeting.Status.MINUTES_ADOPTED
    meeting.save(update_fields=["status", "updated_at"])
    audit.record(action="minutes.adopted", actor=by, target=minutes,
                 territory_id=at_meeting.space.territory_id, target_label=str(meeting), space=meeting.space_id,
                 meeting=meeting.pk, at_meeting=at_meeting.pk)
    notify_minutes(minutes, meeting, adopted=True, by=by)
    return minutes
