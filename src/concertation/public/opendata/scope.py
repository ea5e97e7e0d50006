"""What the open data may contain: the territory's spaces an anonymous visitor may see."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from concertation.spaces.access import ANONYMOUS
from concertation.spaces.models import Space

VISITOR = AnonymousUser()


def public_spaces(territory) -> list[Space]:
    """The spaces of the territory anyone may see (active or not: a closed space's record stays public)."""
    spaces = Space.objects.filter(territory=territory).select_related("territory", "parent").order_by("position", "pk")
    return [space for space in spaces if ANONYMOUS.can_view(space)]
