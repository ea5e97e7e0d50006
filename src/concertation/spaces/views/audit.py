"""The territory's audit log: the sensitive actions, for its coordinators and the instance admins.

Read-only, newest first, 50 a page, filtered by action and period (spaces/pages.py reads it). The
whole instance's log (accounts erased included) is in the Django admin.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from concertation.core import audit

from ..pages import audit_page, parse_audit_filters
from .common import load_territory

PERM = "directory.view_territory_admin"


@login_required
def audit_log(request, territory):
    territory = load_territory(request, territory, perm=PERM)
    filters = parse_audit_filters(request.GET)
    page = audit_page(territory, filters, request.GET.get("page"))
    query = urlencode([(key, value) for key, value in request.GET.items() if key != "page" and value])
    return render(request, "spaces/audit_log.html", {
        "territory": territory,
        "page": page,
        "filters": filters,
        "actions": audit.action_choices(),
        "query": query,
    })
