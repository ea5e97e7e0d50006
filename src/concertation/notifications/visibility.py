"""Whether a notification may still be shown to its recipient: its event's ``visible`` hook, asked
with the restored context each time the notification is shown (the centre) or sent (an e-mail, a
digest). What was true when it was made may not be any more: a person removed from a space, a space
or an object made private since. A hook that fails hides the notification (fail closed)."""

from __future__ import annotations

import logging

from . import registry

logger = logging.getLogger("concertation")


def still_visible(notification, context: dict, person) -> bool:
    try:
        event = registry.event(notification.event)
    except LookupError:
        return False
    if event.visible is None:
        return True
    try:
        return bool(event.visible(person, context))
    except Exception:  # noqa: BLE001 — a broken check must not show what it should have hidden
        logger.exception("notification %s: visibility check failed", notification.pk)
        return False
