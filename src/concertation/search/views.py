"""The search page of a territory (``t/<territory>/recherche/``); an htmx request gets its results only."""

from django.conf import settings
from django.shortcuts import render

from concertation.core.ratelimit import over_limit
from concertation.spaces.views.common import load_territory

from .pages import search_context


def _over_limit(request) -> bool:
    """Each search reads the index: a person (or, signed out, an address) gets
    settings.SEARCH_RATE_LIMITS of them, enough for typing in the header's box."""
    if not (request.GET.get("q") or "").strip():
        return False
    if request.user.is_authenticated:
        return over_limit(request, "search", settings.SEARCH_RATE_LIMITS["person"], str(request.user.pk)) is not None
    return over_limit(request, "search", settings.SEARCH_RATE_LIMITS["anonymous"], "") is not None


def search(request, territory):
    territory_obj = load_territory(request, territory)
    limited = _over_limit(request)
    context = search_context(request.user, territory_obj, request.GET, limited=limited)
    template = "search/page.html"
    htmx = getattr(request, "htmx", False) and not request.htmx.boosted
    if htmx:
        template += "#results"
    # htmx shows only 2xx answers: its partial says why there is nothing, with a 200.
    return render(request, template, context, status=429 if limited and not htmx else 200)
