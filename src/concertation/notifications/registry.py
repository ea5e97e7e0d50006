"""What the apps register: categories (the product's), event types (each app's, from its apps.py) and
daily sweeps. The notifications app names none of the apps; they fill these registries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

IMMEDIATE, DAILY, WEEKLY, NEVER = "immediate", "daily", "weekly", "never"
DELIVERIES = (IMMEDIATE, DAILY, WEEKLY, NEVER)
DIGEST_PERIODS = (DAILY, WEEKLY)


@dataclass(frozen=True)
class Category:
    key: str
    label: object
    description: object = ""
    default: str = WEEKLY
    optional: bool = True  # « invitations » and « account »: no preference, no unsubscribe, never digested


@dataclass(frozen=True)
class Event:
    key: str
    category: str
    label: object
    template: str
    attachments: Callable | None = None
    # Asked just before an e-mail leaves (notification → bool): False drops it, e.g. the notice of a
    # meeting cancelled, or updated, before the worker came to it.
    still_due: Callable | None = None
    # Asked each time the notification is shown or sent — the centre, a digest, an e-mail — with
    # (person, restored context): False when the person may no longer see what it names (removed
    # from the space, the space or the object made private since). Its text then stays hidden.
    visible: Callable | None = None


_categories: dict[str, Category] = {}
_events: dict[str, Event] = {}
_dailies: dict[str, Callable[[datetime], int]] = {}


def register_category(key: str, *, label, description="", default: str, optional: bool = True) -> Category:
    if default not in DELIVERIES:
        raise ValueError(f"unknown delivery {default!r} for category {key!r}")
    category = Category(key=key, label=label, description=description, default=default if optional else IMMEDIATE,
                        optional=optional)
    _categories[key] = category
    return category


def register_event(key: str, *, category: str, label, template: str, attachments: Callable | None = None,
                   still_due: Callable | None = None, visible: Callable | None = None) -> Event:
    if category not in _categories:
        raise ValueError(f"event {key!r}: unknown category {category!r}")
    event = Event(key=key, category=category, label=label, template=template, attachments=attachments,
                  still_due=still_due, visible=visible)
    _events[key] = event
    return event


def register_daily(key: str, func: Callable[[datetime], int]) -> None:
    """A sweep run once a day by the scheduler (and `concertation notifications_run`); it must be
    idempotent (use notify's once_key)."""
    _dailies[key] = func


def category(key: str) -> Category:
    try:
        return _categories[key]
    except KeyError:
        raise LookupError(f"unknown notification category {key!r}") from None


def find_category(key: str | None) -> Category | None:
    return _categories.get(key) if key else None


def event(key: str) -> Event:
    try:
        return _events[key]
    except KeyError:
        raise LookupError(f"unknown notification event {key!r}; register it with register_event()") from None


def categories() -> list[Category]:
    return list(_categories.values())


def optional_categories() -> list[Category]:
    return [c for c in _categories.values() if c.optional]


def events() -> list[Event]:
    return list(_events.values())


def dailies() -> dict[str, Callable[[datetime], int]]:
    return dict(_dailies)


DIGEST_PREFIX = "digest:"


@dataclass(frozen=True)
class Digest:
    """What a digest's unsubscribe link names: every category received in that digest."""

    key: str
    period: str
    label: object
    optional: bool = True


def digest(key: str) -> Digest | None:
    """The daily or weekly digest named by ``digest:daily`` / ``digest:weekly``; None otherwise."""
    from django.utils.translation import gettext_lazy as _

    if not key or not key.startswith(DIGEST_PREFIX) or key[len(DIGEST_PREFIX):] not in DIGEST_PERIODS:
        return None
    period = key[len(DIGEST_PREFIX):]
    labels = {DAILY: _("Résumé quotidien"), WEEKLY: _("Résumé hebdomadaire")}
    return Digest(key=key, period=period, label=labels[period])


def unsubscribable(key: str | None):
    """The optional category, or the digest, a link may unsubscribe from; None otherwise."""
    if digest(key):
        return digest(key)
    if key in _categories and _categories[key].optional:
        return _categories[key]
    return None


def is_optional(key: str | None) -> bool:
    return bool(key) and key in _categories and _categories[key].optional
