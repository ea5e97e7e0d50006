"""Sending a notification's e-mail once: a Delivery row claims it (unique on notification and
channel); a failed send is recorded (attempts, last error) and tried again after a pause that doubles
(``next_attempt_at``), up to MAX_ATTEMPTS; a sweep (``retry_due``) takes the retries that are due.

A worker that dies in the middle of a send leaves its claim without ``sent_at`` and without a next
attempt: it is not sent again (the message may have left), so nobody ever receives it twice."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import registry
from .context import has_deleted, load_objects, restore
from .email import build_email
from .models import Delivery, Notification
from .preferences import delivery_for, preferences_of
from .visibility import still_visible

logger = logging.getLogger("concertation")
MAX_ATTEMPTS = 6
FIRST_RETRY_AFTER = timedelta(minutes=1)


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8, 16 minutes…"""
    return FIRST_RETRY_AFTER * (2 ** max(attempts - 1, 0))


def record_failure(row, error: BaseException, now=None, *, counted: bool = False) -> None:
    """A failed send: one more attempt (unless ``counted`` when it started), its error, and when to
    try again (none past MAX_ATTEMPTS)."""
    now = now or timezone.now()
    if not counted:
        row.attempts += 1
    row.last_error = f"{type(error).__name__}: {error}"[:2000]
    row.next_attempt_at = now + retry_delay(row.attempts) if row.attempts < MAX_ATTEMPTS else None
    row.save(update_fields=["attempts", "last_error", "next_attempt_at", "updated_at"])
    logger.warning("e-mail not sent (attempt %s): %s", row.attempts, row.last_error)


def _claim(notification) -> Delivery | None:
    try:
        with transaction.atomic():
            return Delivery.objects.create(notification=notification, channel="email", claimed_at=timezone.now())
    except IntegrityError:
        return None  # sent already, or being sent by another worker


def notification_email(notification: Notification, objects: dict | None = None):
    """The e-mail of one notification, or None when an object it names was deleted since, or when
    its recipient may no longer see it."""
    event = registry.event(notification.event)
    context = restore(notification.context, objects)
    person = notification.recipient
    if has_deleted(context) or not still_visible(notification, context, person):
        return None
    context.update({"notification": notification, "link": notification.link,
                    "group": {"key": notification.group_key, "label": notification.group_label,
                              "link": notification.group_link}})
    attachments = event.attachments(notification, person) if event.attachments else ()
    return build_email(to=person, template=event.template, context=context, category=event.category,
                       attachments=attachments)


def _dropped(delivery: Delivery, why: str) -> bool:
    delivery.last_error, delivery.next_attempt_at = why, None
    delivery.save(update_fields=["last_error", "next_attempt_at", "updated_at"])
    return False


def _send(delivery: Delivery, notification: Notification, objects, connection) -> bool:
    try:
        person = notification.recipient
        if not person.is_active or not person.email:  # deactivated or erased since (a retry)
            return _dropped(delivery, "no recipient")
        event = registry.event(notification.event)
        if event.still_due is not None and not event.still_due(notification):
            return _dropped(delivery, "no longer due")
        message = notification_email(notification, objects)
        if message is None:
            return _dropped(delivery, "deleted, or no longer visible to its recipient")
        message.connection = connection
        message.send()
    except Exception as error:  # noqa: BLE001 — recorded, and tried again later
        record_failure(delivery, error)
        return False
    now = timezone.now()
    delivery.sent_at = now
    delivery.save(update_fields=["sent_at", "updated_at"])
    Notification.objects.filter(pk=notification.pk).update(emailed_at=now)
    return True


def deliver(notification_ids) -> int:
    """E-mail now the notifications whose recipient wants their category at once; returns how many left."""
    notifications = list(Notification.objects.filter(pk__in=list(notification_ids), emailed_at__isnull=True)
                         .select_related("recipient").order_by("pk"))
    saved = preferences_of({n.recipient_id for n in notifications})
    wanted = []
    for notification in notifications:
        person = notification.recipient
        if not person.is_active or not person.email:
            continue
        try:
            event = registry.event(notification.event)
        except LookupError:
            logger.warning("notification %s: unknown event %s", notification.pk, notification.event)
            continue
        if delivery_for(person, event.category, saved.get(person.pk, {})) == registry.IMMEDIATE:
            wanted.append(notification)
    if not wanted:
        return 0
    objects = load_objects([n.context for n in wanted])
    sent = 0
    with get_connection() as connection:
        for notification in wanted:
            delivery = _claim(notification)
            if delivery is not None and _send(delivery, notification, objects, connection):
                sent += 1
    return sent


def retry_due(now=None) -> int:
    """Send again the failed e-mails whose pause is over (each taken by a conditional update)."""
    now = now or timezone.now()
    due = list(Delivery.objects.filter(sent_at__isnull=True, next_attempt_at__lte=now)
               .select_related("notification__recipient")[:500])
    sent = 0
    if not due:
        return 0
    objects = load_objects([d.notification.context for d in due])
    with get_connection() as connection:
        for delivery in due:
            taken = Delivery.objects.filter(pk=delivery.pk, sent_at__isnull=True,
                                            next_attempt_at=delivery.next_attempt_at).update(
                next_attempt_at=None, claimed_at=now)
            if not taken:
                continue
            delivery.next_attempt_at = None
            if _send(delivery, delivery.notification, objects, connection):
                sent += 1
    return sent
