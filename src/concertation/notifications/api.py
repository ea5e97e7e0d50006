"""What the other apps use (the contract: /work/notes/notifications.md, docs/architecture.md).

    from concertation.notifications.api import (
        register_category, register_event, register_daily, notify, send_email, Group, Attachment)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from . import registry
from .context import dump
from .email import Attachment, build_email, send_email
from .models import Notification
from .registry import register_category, register_daily, register_event

__all__ = ["Attachment", "Group", "build_email", "notify", "register_category", "register_daily",
           "register_event", "send_email"]


@dataclass(frozen=True)
class Group:
    """What digests and the centre group by (a space, usually): Group("space:12", "Comité", "/t/x/e/y/")."""

    key: str
    label: str
    link: str = ""


def notify(key: str, *, recipients: Iterable, context: dict, link: str = "", group: Group | None = None,
           actor=None, once_key: str = "") -> int:
    """Tell these people that ``key`` happened. Call it inside the service's transaction: the rows
    commit or roll back with the write; after commit, the worker e-mails those who want it at once.
    Inactive accounts and the actor are skipped; with ``once_key``, a person is told once per
    (event, once_key). Returns how many notifications were created."""
    event = registry.event(key)
    actor_id = getattr(actor, "pk", None)
    people = {}
    for person in recipients:
        if person is None or not person.is_active or person.pk == actor_id or person.pk in people:
            continue
        people[person.pk] = person
    if not people:
        return 0
    if once_key:
        told = set(Notification.objects.filter(event=key, once_key=once_key, recipient_id__in=list(people))
                   .values_list("recipient_id", flat=True))
        for person_id in told:
            people.pop(person_id)
        if not people:
            return 0
    data = dump(context)
    group = group or Group("", "")
    rows = [Notification(recipient_id=pk, event=key, category=event.category, context=data, link=link or "",
                         group_key=group.key, group_label=str(group.label)[:255], group_link=group.link or "",
                         actor_id=actor_id, once_key=once_key) for pk in people]
    if once_key:
        # Another transaction may have told some of them meanwhile: its rows stay, ours are skipped
        # (the unique constraint); a claim per e-mail (Delivery) keeps anyone from getting two.
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        created = list(Notification.objects.filter(event=key, once_key=once_key, recipient_id__in=list(people))
                       .values_list("pk", flat=True))
    else:
        created = [row.pk for row in Notification.objects.bulk_create(rows)]
    if created:
        from .tasks import deliver_notifications

        transaction.on_commit(lambda: deliver_notifications.enqueue(created))
    return len(created)
