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
from datetime import datetime, time
from typing import Any

from django.core.cache import cache
from django.utils import timezone

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
    """An existing object refused to a signed-in person (answered 404 like a missing one).

    Written at most once per person, object and day, never an error. A refusal to an anonymous
    visitor is not written: nothing says who it was, and anyone could fill the append-only journal.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return
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
        if _noted_today(user, obj):
            return
        record(action=Action.ACCESS_DENIED, actor=user, target=obj, **details)
    except Exception:  # noqa: BLE001 — the refusal stands even when it cannot be written down
        logger.exception("could not record a refused access")


def _noted_today(user, obj) -> bool:
    """True when this refusal is already in today's journal. The cache's `add` (one shared store,
    settings.CACHES) lets only one of two simultaneous requests through; the journal itself is
    checked in case the cache was emptied."""
    day = timezone.localdate()
    target_type = obj._meta.label_lower
    key = f"audit:denied:{user.pk}:{target_type}:{obj.pk}:{day.isoformat()}"
    if not cache.add(key, True, timeout=2 * 24 * 3600):
        return True
    start = timezone.make_aware(datetime.combine(day, time.min))
    return AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, actor=user, target_type=target_type, target_id=obj.pk, created_at__gte=start,
    ).exists()
