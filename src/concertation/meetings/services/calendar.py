"""A person's secret calendar address (their personal feed): created, regenerated, turned off."""

from __future__ import annotations

from django.db import transaction

from ..models import CalendarToken


@transaction.atomic
def calendar_token_renew(*, person) -> tuple[CalendarToken, bool]:
    """The person's calendar address, created the first time, given a new secret after (the old one
    stops working). Returns (token, created)."""
    current = CalendarToken.objects.select_for_update().filter(person=person).first()
    if current is None:
        return CalendarToken.objects.create(person=person), True
    current.token = CalendarToken._meta.get_field("token").default()
    current.save(update_fields=["token", "updated_at"])
    return current, False


@transaction.atomic
def calendar_token_revoke(*, person) -> bool:
    """Turn the person's calendar address off; False when there was none."""
    deleted, _rows = CalendarToken.objects.filter(person=person).delete()
    return bool(deleted)
