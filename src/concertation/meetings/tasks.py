"""Background work of meetings (django-tasks; the worker runs `concertation db_worker`): the notice,
its updates and the cancellation, one e-mail per person in their language.

Sending is idempotent per (meeting, sequence, person, kind): before an e-mail leaves, a
NoticeDelivery row claims it (a unique constraint); a retried or duplicated task finds the claim
and skips that person. A failed send gives the claim back so that a retry sends it.
"""

from __future__ import annotations

import logging

from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

# Which status each kind of e-mail needs: a notice is not sent for a meeting cancelled meanwhile.
SENDABLE = {"notice": {"convened"}, "update": {"convened"}, "cancel": {"cancelled"}}


def _claim(meeting, person, kind: str):
    from .models import NoticeDelivery

    try:
        with transaction.atomic():
            return NoticeDelivery.objects.create(meeting=meeting, person=person, sequence=meeting.sequence, kind=kind)
    except IntegrityError:
        return None  # sent already (or being sent by another worker)


def _recipients(meeting, kind: str) -> list:
    """The members now; a cancellation goes to those who received the notice or an update (it
    removes from their calendar what the notice put there)."""
    from django.contrib.auth import get_user_model

    from .models import NoticeDelivery
    from .selectors import notice_recipients

    if kind != "cancel":
        return notice_recipients(meeting)
    informed = NoticeDelivery.objects.filter(meeting=meeting, sent_at__isnull=False).exclude(kind="cancel")
    return list(get_user_model().objects.filter(pk__in=informed.values("person_id"), is_active=True)
                .exclude(email="").order_by("display_name", "email"))


def send_notices_now(meeting_id: int, kind: str, base_url: str = "") -> int:
    """Send what has not been sent yet for the meeting's current SEQUENCE; returns how many left."""
    from .models import Meeting, Rsvp
    from .notice import notice_email, rolled_follow_ups
    from .selectors import accepted_items

    meeting = Meeting.objects.select_related("space__territory").filter(pk=meeting_id).first()
    if meeting is None:
        return 0
    if meeting.status not in SENDABLE[kind]:
        logger.info("Meeting %s: %s not sent, the meeting is %s.", meeting_id, kind, meeting.status)
        return 0
    items = accepted_items(meeting)
    follow_ups = rolled_follow_ups(meeting, items) if kind != "cancel" else []
    people = _recipients(meeting, kind)
    rsvps = {}
    if kind != "cancel":
        Rsvp.objects.bulk_create([Rsvp(meeting=meeting, person=person) for person in people], ignore_conflicts=True)
        rsvps = {rsvp.person_id: rsvp for rsvp in Rsvp.objects.filter(meeting=meeting)}
    sent = 0
    with get_connection() as connection:
        for person in people:
            delivery = _claim(meeting, person, kind)
            if delivery is None:
                continue
            try:
                message = notice_email(meeting, person, items, kind=kind, rsvp=rsvps.get(person.pk),
                                       base_url=base_url, follow_ups=follow_ups)
                message.connection = connection
                message.send()
            except Exception:
                delivery.delete()  # give the claim back: a retry sends it
                raise
            delivery.sent_at = timezone.now()
            delivery.save(update_fields=["sent_at", "updated_at"])
            sent += 1
    logger.info("Meeting %s: %s sent to %s people (sequence %s).", meeting_id, kind, sent, meeting.sequence)
    return sent


@task(queue_name="email")
def send_meeting_notice(meeting_id: int, kind: str, base_url: str = "") -> str:
    """The notice (« notice »), its update (« update ») or the cancellation (« cancel ») of a meeting,
    to each person once."""
    if kind not in SENDABLE:
        raise ValueError(kind)
    return f"sent:{send_notices_now(meeting_id, kind, base_url)}"
