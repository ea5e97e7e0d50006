"""The territory's audit log: the sensitive actions, for its coordinators and the instance admins.

Read-only, newest first, 50 a page, filtered by action and period. The whole instance's log
(accounts erased included) is in the Django admin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from concertation.core import audit
from concertation.core.models import AuditEvent

from .common import load_territory

PAGE_SIZE = 50
PERM = "directory.view_territory_admin"


@dataclass
class AuditFilters:
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @property
    def active(self) -> bool:
        return bool(self.action or self.date_from or self.date_to)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def parse_filters(params) -> AuditFilters:
    action = params.get("action", "")
    return AuditFilters(
        action=action if audit.is_action(action) else "",
        date_from=_date(params.get("from")),
        date_to=_date(params.get("to")),
    )


def events_of_territory(territory_id: int, filters: AuditFilters):
    events = AuditEvent.objects.filter(territory_id=territory_id).select_related("actor")
    if filters.action:
        events = events.filter(action=filters.action)
    zone = timezone.get_current_timezone()
    if filters.date_from:
        events = events.filter(created_at__gte=datetime.combine(filters.date_from, time.min, tzinfo=zone))
    if filters.date_to:
        events = events.filter(created_at__lt=datetime.combine(filters.date_to + timedelta(days=1), time.min,
                                                               tzinfo=zone))
    return events.order_by("-created_at", "-id")


def target_type_label(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name) if label else ""
    except (LookupError, ValueError):
        return label


def detail_items(details: dict) -> list[tuple[str, str]]:
    """The details as short « key: value » pairs (nested values are shown as they are)."""
    items = []
    for key, value in (details or {}).items():
        if value in (None, "", [], {}):
            continue
        if isinstance(value, list):
            value = ", ".join(str(item) for item in value)
        items.append((key, str(value)))
    return items


@login_required
def audit_log(request, territory):
    territory = load_territory(request, territory, perm=PERM)
    filters = parse_filters(request.GET)
    page = Paginator(events_of_territory(territory.pk, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page.object_list:
        event.type_label = target_type_label(event.target_type)
        event.detail_items = detail_items(event.details)
    query = urlencode([(key, value) for key, value in request.GET.items() if key != "page" and value])
    return render(request, "spaces/audit_log.html", {
        "territory": territory,
        "page": page,
        "filters": filters,
        "actions": audit.action_choices(),
        "query": query,
    })
