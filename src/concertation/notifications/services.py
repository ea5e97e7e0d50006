"""Writes of the notification centre and the preferences."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from . import registry
from .models import Notification, Preference
from .preferences import categories_with, preferences_of


def notification_mark_read(*, person, notification_id: int) -> bool:
    """Mark one of this person's notifications as read; False when it is not theirs or was read."""
    return bool(Notification.objects.filter(pk=notification_id, recipient=person, read_at__isnull=True)
                .update(read_at=timezone.now()))


def notifications_mark_all_read(*, person) -> int:
    return Notification.objects.filter(recipient=person, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def preference_set(*, person, category: str, delivery: str) -> None:
    """Save how this person wants one optional category (a row even for the default: their choice)."""
    if not registry.is_optional(category):
        raise ValueError(f"{category!r} is not an optional category")
    if delivery not in registry.DELIVERIES:
        raise ValueError(delivery)
    Preference.objects.update_or_create(person=person, category=category, defaults={"delivery": delivery})


def preferences_save(*, person, choices: dict[str, str]) -> None:
    for category, delivery in choices.items():
        preference_set(person=person, category=category, delivery=delivery)


@transaction.atomic
def unsubscribe(*, person, category: str) -> list[str]:
    """The one-click link: this category becomes « never », the others stay as they are. A digest's
    link: the categories this person receives in that digest. Returns the categories changed."""
    digest = registry.digest(category)
    if digest is None:
        preference_set(person=person, category=category, delivery=registry.NEVER)
        return [category]
    saved = preferences_of([person.pk]).get(person.pk, {})
    changed = categories_with(digest.period, saved)
    for key in changed:
        preference_set(person=person, category=key, delivery=registry.NEVER)
    return changed
