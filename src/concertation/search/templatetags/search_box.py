"""``{% search_box %}``: the search box of the header, on every page of a territory (scoped to the
territory, and to the space on a space's pages)."""

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.inclusion_tag("search/_box.html", takes_context=True)
def search_box(context):
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    # Only on a page that loaded its territory (and space) for this person: never from the address
    # alone, so a page out of reach (404) looks the same whatever the address names.
    loaded = context.get("territory")
    territory = getattr(loaded, "slug", None)
    if not territory or not isinstance(territory, str):
        return {"action": None}
    space = getattr(context.get("space"), "slug", None)
    try:
        action = reverse("search:search", kwargs={"territory": territory})
    except NoReverseMatch:
        return {"action": None}
    on_page = getattr(match, "view_name", "") == "search:search"
    return {"action": action, "space": space or (request.GET.get("espace") if on_page else ""),
            "q": request.GET.get("q", "") if on_page else "", "on_page": on_page}
