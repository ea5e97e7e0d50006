"""The audit log: one row per sensitive action (who, when, what), written by the services.

``record()`` writes one ``AuditEvent`` inside the caller's transaction: if the action rolls back,
so does its record. The core app knows no higher app, so a target is described by its model
label, its id and the label it had at the time, and its territory by id.

Each app registers what it writes from its own ``AppConfig.ready()``: its actions (a key such as
"membership.added" and the label the log shows, ``register_actions``), and how its objects reach a
territory (``register_territory_relations``: the foreign keys to follow, such as "space";
``register_territory_model``: the model whose rows are the territories). ``record()`` refuses a
key nobody registered.

When the caller does not name the actor, the person of the current request is used (the request
is exposed by django-simple-history's middleware); background tasks have no request: the actor
is then empty, which reads « the system ».
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ACTION_LENGTH, AuditEvent

logger = logging.getLogger("concertation")
LABEL_LENGTH = 300

# The one action core writes itself (record_access_denied); the apps register theirs.
ACCESS_DENIED = "access.denied"
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")

_actions: dict[str, Any] = {}  # key → label (lazy), in registration order
_relations: list[str] = []  # foreign keys that lead an object toward its territory, tried in order
_territory_models: set[str] = set()  # model labels ("app.model") whose rows are territories
_detail_labels: dict[str, Any] = {}  # detail key → label (lazy)
_detail_refs: dict[str, str] = {}  # detail key → model label of the object whose id it holds
_detail_values: dict[str, Any] = {}  # detail key → function: stored code → words
_hidden_details: set[str] = set()
_yes, _no = _("oui"), _("non")


def register_actions(actions: Mapping[str, Any]) -> None:
    """Add actions (key → label shown in the log). Registering a key again replaces its label, so a
    reload never doubles it."""
    for key, label in actions.items():
        if not isinstance(key, str) or not key or len(key) > ACTION_LENGTH:
            raise ValueError(f"invalid audit action key {key!r}")
        _actions[key] = label


def action_choices() -> list[tuple[str, Any]]:
    """Every registered action as (key, label), in registration order: the field's choices and the
    log's filter."""
    return list(_actions.items())


def is_action(key: str) -> bool:
    return key in _actions


def register_detail_labels(labels: Mapping[str, Any]) -> None:
    """Name the details an app records (key → label shown in the log: « début », not ``start``)."""
    _detail_labels.update(labels)


def register_detail_refs(refs: Mapping[str, str]) -> None:
    """Details that hold an object's id (key → model label, "app.model"): the log shows
    the object's name, read for a whole page at once."""
    _detail_refs.update(refs)


def register_detail_values(values: Mapping[str, Any]) -> None:
    """Details whose stored value is a code (key → function giving the words: a method's key → its
    name, a kind of item → « indicateur »)."""
    _detail_values.update(values)


def hide_details(*keys: str) -> None:
    """Details kept for the record but not shown: they repeat what the log's line already says
    (the space, the plan) or mean nothing to a reader (an internal number)."""
    _hidden_details.update(keys)


def choice_words(*choices) -> Any:
    """A detail's code in words, from the model choices it comes from (the first that knows it)."""
    def words(value) -> str:
        for enum in choices:
            if value in enum.values:
                return str(enum(value).label)
        return str(value)
    return words


def field_words(*models) -> Any:
    """A list of field names (what changed) as the fields' names people read."""
    def words(value) -> str:
        names = []
        for name in value if isinstance(value, list | tuple) else [value]:
            label = next((model._meta.get_field(name).verbose_name for model in models
                          if name in {field.name for field in model._meta.get_fields()}), name)
            names.append(str(label))
        return ", ".join(names)
    return words


def describe_events(events) -> None:
    """Give each event of a page its ``detail_items``: (label, value, named), names of referenced
    objects read with one query per kind of object, codes in words, dates written out."""
    from . import formatting

    wanted: dict[str, set] = {}
    for event in events:
        for key, value in (event.details or {}).items():
            if key in _detail_refs and isinstance(value, int) and not isinstance(value, bool):
                wanted.setdefault(_detail_refs[key], set()).add(value)
    names = {label: _names_of(label, ids) for label, ids in wanted.items()}
    for event in events:
        event.detail_items = describe_details(event.details, names=names, formatting=formatting)


def _names_of(model_label: str, ids: set) -> dict:
    from django.apps import apps

    model = apps.get_model(model_label)
    return {pk: str(obj) for pk, obj in model._default_manager.in_bulk(list(ids)).items()}


def describe_details(details: Mapping[str, Any] | None, *, names: Mapping[str, dict] | None = None,
                     formatting=None) -> list[tuple[str, str, bool]]:
    """The details as (label, value, named) for people: dates in words, lists joined, yes or no,
    codes in words, objects by name; ``named`` is False for a key no app named (shown as code)."""
    if formatting is None:
        from . import formatting
    items = []
    for key, value in (details or {}).items():
        if value in (None, "", [], {}) or key in _hidden_details:
            continue
        label = _detail_labels.get(key)
        if key in _detail_refs and isinstance(value, int) and not isinstance(value, bool):
            shown = (names or {}).get(_detail_refs[key], {}).get(value) or f"n° {value}"
        elif key in _detail_values:
            shown = _detail_values[key](value)
        else:
            shown = _detail_value(value, formatting)
        items.append((str(label) if label is not None else key, str(shown), label is not None))
    return items


def _detail_value(value: Any, formatting) -> str:
    if isinstance(value, bool):
        return str(_yes) if value else str(_no)
    if isinstance(value, list | tuple):
        return ", ".join(_detail_value(item, formatting) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key} {_detail_value(item, formatting)}" for key, item in value.items())
    if isinstance(value, str) and ISO_DAY.fullmatch(value):
        try:
            return formatting.day(date.fromisoformat(value), weekday=False)
        except ValueError:
            return value
    if isinstance(value, str) and ISO_MOMENT.match(value):
        try:
            return formatting.moment(datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def register_territory_relations(*names: str) -> None:
    """Foreign keys (by name: "space" is read as ``space_id`` then ``space``) that lead an object of
    the registering app toward its territory."""
    for name in names:
        if name not in _relations:
            _relations.append(name)


def register_territory_model(label: str) -> None:
    """The model ("app.model") whose rows are the territories: such an object is its own territory."""
    _territory_models.add(label.lower())


register_actions({ACCESS_DENIED: _("Accès refusé")})


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
    """The territory id of an object: its own (``territory_id``), or the one reached through the
    first registered relation it has (a space's, a meeting's space's…)."""
    if target is None:
        return None
    if getattr(target, "territory_id", None) is not None:
        return target.territory_id
    if target._meta.label_lower in _territory_models:
        return target.pk
    for relation in _relations:
        field_id = getattr(target, f"{relation}_id", None)
        if field_id is None:
            continue
        related = getattr(target, relation)  # cached when the caller loaded it; one query otherwise
        return territory_of(related)
    return None


def record(*, action: str, actor: Any = None, target=None, territory_id: int | None = None,
           target_label: str = "", **details) -> AuditEvent:
    """Write one audit event. ``details`` must be JSON-serializable (dates and decimals are)."""
    if action not in _actions:
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
        record(action=ACCESS_DENIED, actor=user, target=obj, **details)
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
        action=ACCESS_DENIED, actor=user, target_type=target_type, target_id=obj.pk, created_at__gte=start,
    ).exists()
