"""Answers to a notice (RSVP): the person's answer and the needs the meeting can meet."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concertation.core.errors import DomainError

from ..models import Meeting, Rsvp
from ..rsvp import ANSWERABLE


@transaction.atomic
def rsvp_answer(*, rsvp: Rsvp, answer: str, childcare: int = 0, diet: str = "", interpretation: str = "",
                accessibility: str = "") -> Rsvp:
    if answer not in Rsvp.Answer.values:
        raise DomainError(_("Choisissez oui, non ou peut-être."), field="answer")
    meeting = Meeting.objects.only("status").get(pk=rsvp.meeting_id)
    if meeting.status not in ANSWERABLE:
        raise DomainError(_("Cette rencontre n'attend plus de réponse (elle est tenue ou annulée)."))
    if childcare is None or not 0 <= childcare <= 20:
        raise DomainError(_("Indiquez un nombre d'enfants entre 0 et 20."), field="childcare")
    rsvp.answer = answer
    rsvp.childcare = childcare if answer != Rsvp.Answer.NO else 0
    rsvp.diet = (diet or "").strip()[:200]
    rsvp.interpretation = (interpretation or "").strip()[:100]
    rsvp.accessibility = (accessibility or "").strip()[:200]
    rsvp.answered_at = timezone.now()
    rsvp.save(update_fields=["answer", "childcare", "diet", "interpretation", "accessibility", "answered_at",
                             "updated_at"])
    return rsvp


def rsvp_ensure(*, meeting: Meeting, person) -> Rsvp:
    """The person's answer record (created the first time they answer from the meeting page)."""
    rsvp, _created = Rsvp.objects.get_or_create(meeting=meeting, person=person)
    return rsvp
