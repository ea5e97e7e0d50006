"""Reads of the notification centre: a person's own notifications, each with its line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.template import TemplateDoesNotExist
from django.utils import timezone

from . import registry
from .context import has_deleted, load_objects, restore
from .email import render_text
from .models import Notification
from .visibility import still_visible

PAGE_SIZE = 50


UNREAD_SHOWN = 99  # the header says « 99+ » beyond: it counts no further, on every page


def unread_count(person, *, up_to: int | None = None) -> int:
    """How many unread; with ``up_to``, counting stops past it (a bounded query for the header of
    every page, whatever a person who rarely signs in has piled up)."""
    # Written out: the header of every page asks it, and composing it through the ORM took ten
    # times what the database does to answer it (0.4 of a page's 2.5 ms floor).
    limit = f" LIMIT {int(up_to) + 1}" if up_to is not None else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM {Notification._meta.db_table} "
                       f"WHERE recipient_id = %s AND read_at IS NULL{limit}) AS unread", [person.pk])
        return cursor.fetchone()[0]


@dataclass
class Item:
    notification: Notification
    line: str
    deleted: bool
    hidden: bool = False  # the person may no longer see what it names: no line, no link, no group

    @property
    def unread(self) -> bool:
        return self.notification.read_at is None


def line_of(notification: Notification, context: dict, person) -> str:
    """The notification's one line (f"{template}_line.txt"), in the active language."""
    try:
        event = registry.event(notification.event)
    except LookupError:
        return notification.event
    full = dict(context, person=person, user=person, link=notification.link, notification=notification,
                group={"key": notification.group_key, "label": notification.group_label,
                       "link": notification.group_link})
    try:
        line = render_text(f"{event.template}_line.txt", full)
    except TemplateDoesNotExist:  # an app without its line: its event's label
        return str(event.label)
    return " ".join(line.split("\n")).strip()


def items_of(notifications, person) -> list[Item]:
    objects = load_objects([n.context for n in notifications])
    items = []
    for notification in notifications:
        context = restore(notification.context, objects)
        if not has_deleted(context) and not still_visible(notification, context, person):
            items.append(Item(notification, "", False, hidden=True))
            continue
        items.append(Item(notification, line_of(notification, context, person), has_deleted(context)))
    return items


def centre(person, *, page: int = 1) -> dict:
    """The newest notifications first, grouped by day (local date), a page of them."""
    page = max(page, 1)
    rows = list(Notification.objects.filter(recipient=person).order_by("-created_at", "-pk")
                [(page - 1) * PAGE_SIZE: page * PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    days: list[tuple[date, list[Item]]] = []
    for item in items_of(rows, person):
        day = timezone.localdate(item.notification.created_at)
        if not days or days[-1][0] != day:
            days.append((day, []))
        days[-1][1].append(item)
    return {"days": days, "page": page, "next_page": page + 1 if more else None,
            "previous_page": page - 1 if page > 1 else None, "unread": unread_count(person)}
