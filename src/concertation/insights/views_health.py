"""The governance-health pages of a space and of a territory, and their CSV (issue 18).

Signed-in people only (an anonymous visitor is sent to sign in). Views stay thin: load what the person may see (the same 404 as a missing object otherwise), call
the page function, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from concertation.core.files import download_response
from concertation.spaces.views.common import load_space, load_territory

from .assessments.selectors import summary_for as assessment_summary
from .pages_health import health_csv, health_page, space_links, space_scope, territory_scope


@login_required
def space_health(request, territory, space):
    space = load_space(request, territory, space, perm="insights.view_space_health")
    page = health_page(space_scope(space, request.user), request.GET)
    # The self-assessment beside the measured metrics (empty for who may not see it).
    assessment = assessment_summary(space, request.user)
    return render(request, "insights/health/space.html", {"space": space, "territory": space.territory,
                                                          "page": page, "assessment_summary": assessment})


@login_required
def space_health_csv(request, territory, space):
    space = load_space(request, territory, space, perm="insights.view_space_health")
    content, period = health_csv(space_scope(space, request.user), request.GET)
    name = _("sante-gouvernance-%(space)s-%(period)s.csv") % {"space": space.slug, "period": period}
    return download_response(content, name, "text/csv; charset=utf-8")


@login_required
def territory_health(request, territory):
    territory = load_territory(request, territory, perm="insights.view_territory_health")
    scope, spaces = territory_scope(request.user, territory)
    page = health_page(scope, request.GET)
    links = space_links(territory, [space for space in spaces
                                    if request.user.has_perm("insights.view_space_health", space)])
    return render(request, "insights/health/territory.html", {"territory": territory, "page": page,
                                                              "space_links": links})


@login_required
def territory_health_csv(request, territory):
    territory = load_territory(request, territory, perm="insights.view_territory_health")
    scope, _spaces = territory_scope(request.user, territory)
    content, period = health_csv(scope, request.GET)
    name = _("sante-gouvernance-%(territory)s-%(period)s.csv") % {"territory": territory.slug, "period": period}
    return download_response(content, name, "text/csv; charset=utf-8")
