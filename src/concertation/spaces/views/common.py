"""Helpers shared by the views of the structure: load an object the person may see, or 404."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from concertation.spaces.selectors import space_for, territory_for


def require(user, perm: str, obj) -> None:
    """Refuse with 404 (not 403): an object out of reach looks exactly like a missing one."""
    if not user.has_perm(perm, obj):
        raise Http404


def load_space(request, territory: str, space: str, perm: str | None = None):
    space_obj = space_for(request.user, territory, space)
    if perm:
        require(request.user, perm, space_obj)
    return space_obj


def load_territory(request, territory: str, perm: str | None = None):
    territory_obj = territory_for(request.user, territory)
    if perm:
        require(request.user, perm, territory_obj)
    return territory_obj


def get_in_space(model, space, **lookup):
    """An object of the given space (its pk in the URL), 404 when it belongs elsewhere."""
    return get_object_or_404(model, space=space, **lookup)
