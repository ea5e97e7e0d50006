"""Helpers shared by the views of the structure: load an object the person may see, or 404.

A refusal of an object that exists, to a signed-in person, is written to the audit log
(« access.denied », at most once per person, object and day: core.audit); a missing object and a
refusal to an anonymous visitor are not. All answer the same 404.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404

from concertation.core import audit
from concertation.directory.models import Territory
from concertation.spaces.models import Space
from concertation.spaces.selectors import space_for, territory_for


def require(user, perm: str, obj) -> None:
    """Refuse with 404 (not 403): an object out of reach looks exactly like a missing one."""
    if not user.has_perm(perm, obj):
        if obj is not None and obj.pk is not None:
            audit.record_access_denied(user, obj, perm=perm)
        raise Http404


def load_space(request, territory: str, space: str, perm: str | None = None):
    try:
        space_obj = space_for(request.user, territory, space)
    except Http404:
        # Out of reach or missing? Only an existing space refused to a signed-in person is worth a
        # line in the audit log.
        hidden = None
        if request.user.is_authenticated:
            hidden = Space.objects.filter(territory__slug=territory, slug=space).first()
        if hidden is not None:
            audit.record_access_denied(request.user, hidden, perm="spaces.view_space")
        raise
    if perm:
        require(request.user, perm, space_obj)
    return space_obj


def load_territory(request, territory: str, perm: str | None = None):
    try:
        territory_obj = territory_for(request.user, territory)
    except Http404:
        hidden = Territory.objects.filter(slug=territory).first() if request.user.is_authenticated else None
        if hidden is not None:
            audit.record_access_denied(request.user, hidden, perm="directory.view_territory")
        raise
    if perm:
        require(request.user, perm, territory_obj)
    return territory_obj


def get_in_space(model, space, **lookup):
    """An object of the given space (its pk in the URL), 404 when it belongs elsewhere."""
    return get_object_or_404(model, space=space, **lookup)


def base_url(request) -> str:
    """The site's address for links sent by e-mail (SITE_URL, else the request's own)."""
    return settings.SITE_URL or request.build_absolute_uri("/").rstrip("/")
