"""The search page of a territory (``t/<territory>/recherche/``); an htmx request gets its results only."""

from django.shortcuts import render

from concertation.spaces.views.common import load_territory

from .pages import search_context


def search(request, territory):
    territory_obj = load_territory(request, territory)
    context = search_context(request.user, territory_obj, request.GET)
    template = "search/page.html"
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        template += "#results"
    return render(request, template, context)
