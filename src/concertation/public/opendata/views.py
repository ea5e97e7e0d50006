"""The open-data files of a territory's public window: Popolo JSON, the plan and its indicators in
CSV. Public, the same for everyone (the anonymous visitor's view), so shared caches may keep them a
few minutes. A territory whose coordinators did not open its window answers 404, like a missing one."""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from concertation.core.tabular import write_csv

from ..views import window
from . import tables
from .popolo import popolo_export

MAX_AGE = 300  # seconds: a decision or a meeting shows up in open data within five minutes


def _public(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _stamp(territory, name: str, extension: str) -> str:
    return f"{territory.slug}-{name}-{timezone.localdate().isoformat()}.{extension}"


@window
def popolo(request, territory):

    def url_of_space(space):
        return request.build_absolute_uri(reverse("spaces:space", kwargs={"territory": territory.slug, "space": space.slug}))

    document = popolo_export(territory, url_of_space=url_of_space)
    body = json.dumps(document, ensure_ascii=False, indent=1, default=str)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    return _public(response, _stamp(territory, "popolo", "json"))


@window
def plan_csv(request, territory):
    body = write_csv(tables.plan_header(), tables.plan_rows(territory))
    return _public(HttpResponse(body, content_type="text/csv; charset=utf-8"),
                   _stamp(territory, _("plan"), "csv"))


@window
def indicators_csv(request, territory):
    body = write_csv(tables.indicator_header(), tables.indicator_rows(territory))
    return _public(HttpResponse(body, content_type="text/csv; charset=utf-8"),
                   _stamp(territory, _("indicateurs"), "csv"))
