"""The public window of a territory (``/public/<territory>/…``) and its settings page.

Every page of the window is read as an anonymous visitor, whoever asks (a signed-in coordinator
sees what the public sees). A territory that did not opt in — or does not exist — answers the same
404, as a page: not the sign-in page that members-only links lead to (spaces/middleware.py), since
signing in would not open it either.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from concertation.core.errors import DomainError, add_domain_error
from concertation.core.views import error_404
from concertation.spaces.views.common import base_url, load_territory

from . import og, pages, selectors, services
from .forms import PublicPagesForm

OG_MAX_AGE = 24 * 3600


def window(view):
    """Load the opted-in territory (404 otherwise) and answer only GET and HEAD."""
    @require_safe
    @wraps(view)
    def wrapped(request, territory, **kwargs):
        try:
            return view(request, selectors.window_territory(territory), **kwargs)
        except Http404:
            return error_404(request)
    return wrapped


def show(request, template: str, context: dict):
    """Render a page of the window with ``site``, the site's address for canonical and Open Graph
    links (SITE_URL behind a proxy, else the request's own)."""
    return render(request, template, {**context, "site": base_url(request)})


@window
def home(request, territory):
    return show(request, "public/home.html", pages.home(territory))


@window
def spaces(request, territory):
    return show(request, "public/spaces.html", pages.spaces_page(territory))


@window
def meetings(request, territory):
    return show(request, "public/meetings.html", pages.meetings_page(territory, request.GET.get("page")))


@window
def decisions(request, territory):
    return show(request, "public/decisions.html", pages.decisions_page(territory, request.GET.get("page")))


@window
def plans(request, territory):
    return show(request, "public/plans.html", pages.plans_page(territory))


@window
def plan(request, territory, plan):
    return show(request, "public/plan.html", pages.plan_page(territory, plan))


@window
def documents(request, territory):
    return show(request, "public/documents.html", pages.documents_page(territory, request.GET.get("page")))


@window
def practices(request, territory):
    return show(request, "public/practices.html", pages.practices_page(territory, request.GET.get("page")))


@window
def references(request, territory):
    return show(request, "public/references.html", pages.references_page(territory, request.GET.get("page")))


@window
def og_image(request, territory):
    """The Open Graph image (1200 × 630 PNG), cached by its ETag."""
    name, subtitle, footer = territory.name, _("Concertation du territoire"), _("Pages publiques · Concertation")
    tag = og.etag(name, subtitle, footer)
    if tag in [value.strip() for value in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(og.draw(name, subtitle, footer), content_type="image/png")
    response["ETag"] = tag
    response["Cache-Control"] = f"public, max-age={OG_MAX_AGE}"
    response["Vary"] = "Accept-Language, Cookie"
    return response


@login_required
def settings(request, territory):
    """The coordinators' switch: publish the territory's window, or take it down."""
    territory = load_territory(request, territory, perm="public.change_public_pages")
    form = PublicPagesForm(request.POST if request.method == "POST" else None, initial={"public_pages": territory.public_pages})
    if request.method == "POST" and form.is_valid():
        try:
            territory = services.public_pages_set(territory=territory, enabled=form.cleaned_data["public_pages"],
                                                  by=request.user)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Les pages publiques sont publiées.") if territory.public_pages
                             else _("Les pages publiques ne sont plus publiées."))
            return redirect("public_settings:settings", territory=territory.slug)
    return render(request, "public/settings.html", {"territory": territory, "form": form})
