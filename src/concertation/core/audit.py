"""The audit log: one row per sensitive action (who, when, what), written by the services.

``record()`` writes one ``AuditEvent`` inside the caller's transaction: if the action rolls back,
so does its record. The core app knows no higher app, so a target is described by its model
label, its id and the label it had at the time, and its territory by id.

When the caller does not name the actor, the person of the current request is used (the request
is exposed by django-simple-history's middleware); background tasks have no request: the actor
is then empty, which reads « the system ».
"""

from __future__ import annotations

import logging
from typing import Any

from .models import AuditEvent

Action = AuditEvent.Action
logger = logging.getLogger("concertation")
LABEL_LENGTH = 300


def current_request():
    """The request being served by this thread, if any (set by HistoryRequestMiddleware)."""
    from simple_history.models import HistoricalRecords

    return getattr(HistoricalRecords.context, "request", None)


def _current_user():
    request = current_request()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    return None


def territory_of(target) -> int | None:
    """The territory id of an object: its own, its space's, or its meeting's or plan's space's."""
    if target is None:
        return None
    if getattr(target, "territory_id", None) is not None:
        return target.territory_id
    if target._meta.label_lower == "directory.territory":
        return target.pk
    for relation in ("space", "meeting", "plan", "proposal", "role", "membership"):
        field_id = getattr(target, f"{relation}_id", None)
        if field_id is None:
            continue
        related = getattr(target, relation)  # cached when the caller loaded it; one query otherwise
        return territory_of(related)
    return None


def record(*, action: str, actor: Any = None, target=None, territory_id: int | None = None,
           target_label: str = "", **details) -> AuditEvent:
    """Write one audit event. ``details`` must be JSON-serializable (dates and decimals are)."""
    if action not in Action.values:
        raise ValueError(f"unknown audit action {action!r}")
    if actor is None:
        actor = _current_user()
    elif not getattr(actor, "is_authenticated", False):
        actor = None
    if territory_id is None:
        territory_id = territory_of(target)
    event = AuditEvent(
        actor=actor,
        action=action,
        territory_id=territory_id,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=target.pk if target is not None else None,
        target_label=(target_label or (str(target) if target is not None else ""))[:LABEL_LENGTH],
        details=details,
    )
    event.save(force_insert=True)
    return event


def record_access_denied(user, obj, *, perm: str = "") -> None:
    """An existing object refused to this person (answered 404): one INSERT, never an error."""
    request = current_request()
    details = {}
    if perm:
        details["perm"] = perm
    if request is not None:
        details["path"] = request.path[:500]
        details["method"] = request.method
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name:
            details["view"] = match.view_name
    try:
        # An anonymous visitor has no actor (the request's user is that same visitor).
        record(action=Action.ACCESS_DENIED, actor=user, target=obj, **details)
    except Exception:  # noqa: BLE001 — the refusal stands even when it cannot be written down
        logger.exception("could not record a refused access")
