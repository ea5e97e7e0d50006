"""What the public window may show, read through the apps' own selectors as an anonymous visitor.

« Public » means exactly what each app already means for a person who is not signed in
(``spaces.access.ANONYMOUS``): the territory's public spaces; in them, the meetings that are no
longer in preparation, the decided proposals of the decision register, the plans that are no longer
drafts, the documents whose visibility is « public »; the practice sheets published to the public;
the references (repères) of the territory. Nothing of a members-only or territory-only space, and
nothing of another territory, is ever read here. Each list is one query (or a fixed few), whatever
the size of the territory.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from concertation.decisions import register
from concertation.directory.models import Territory
from concertation.knowledge.models.practices import PracticeSheet
from concertation.knowledge.selectors.practices import visible_sheets
from concertation.knowledge.selectors_documents import documents_visible_to
from concertation.meetings.models import Meeting
from concertation.planning.models import Plan
from concertation.spaces import selectors as space_selectors
from concertation.spaces.access import ANONYMOUS
from concertation.spaces.models import Membership, Space

VISITOR = AnonymousUser()  # every read of this module is an anonymous visitor's (access: ANONYMOUS)
UPCOMING = 50
HOME_ROWS = 3


def window_territory(slug: str) -> Territory:
    """The territory whose coordinators opted in to public pages; 404 for any other (missing or not
    opted in: the same answer)."""
    territory = Territory.objects.filter(slug=slug, public_pages=True).first()
    if territory is None:
        raise Http404
    return territory


def public_spaces(territory: Territory) -> list[Space]:
    """The territory's spaces an anonymous visitor may see (``Access.can_view``): the public ones."""
    spaces = space_selectors.visible_spaces(VISITOR, territory, only=space_selectors.SPACE_LIST_FIELDS)
    assert all(ANONYMOUS.can_view(space) for space in spaces)
    return spaces


def member_organizations(spaces: list[Space]) -> dict[int, list]:
    """{space id: [(organization, category label)…]}: the current member organizations of each
    public space, in one query (organizations, never people)."""
    by_space: dict[int, list] = {space.pk: [] for space in spaces}
    memberships = (
        Membership.objects.filter(space_selectors.current_q(), space_id__in=list(by_space), organization__isnull=False)
        .select_related("organization").only("id", "space_id", "category", "organization__id",
                                              "organization__name", "organization__acronym",
                                              "organization__website")
        .order_by("organization__name", "pk")
    )
    for membership in memberships:
        by_space[membership.space_id].append(membership)
    return by_space


def meetings(spaces: list[Space]):
    """The meetings of the public spaces an anonymous visitor may see: what
    ``meetings.selectors.meetings_visible`` gives her in each (no meeting in preparation), for all
    the spaces at once."""
    return (Meeting.objects.filter(space_id__in=[space.pk for space in spaces])
            .exclude(status=Meeting.Status.DRAFT).select_related("space", "space__territory"))


# What a meeting's line of the window shows (public/_meeting.html): its space comes from the list.
MEETING_LINE_FIELDS = ("id", "space_id", "title", "status", "starts_at", "ends_at", "address", "room")


def upcoming_meetings(spaces: list[Space], now=None, limit: int = UPCOMING) -> list[Meeting]:
    """The next meetings, their columns of a line only, each with its space taken from ``spaces``
    (already read) rather than joined again with its territory."""
    now = now or timezone.now()
    found = list(meetings(spaces).select_related(None).only(*MEETING_LINE_FIELDS)
                 .filter(ends_at__gte=now).order_by("starts_at", "pk")[:limit])
    by_id = {space.pk: space for space in spaces}
    for meeting in found:
        meeting.space = by_id[meeting.space_id]
    return found


def past_meetings(spaces: list[Space], now=None):
    now = now or timezone.now()
    return meetings(spaces).filter(ends_at__lt=now).order_by("-starts_at", "-pk")


def decisions(spaces: list[Space]):
    """The decision register of the public spaces (decided proposals, with their counts)."""
    return register.decisions([space.pk for space in spaces])


def plans(spaces: list[Space]):
    """The plans of the public spaces, drafts left out (a plan in preparation is not published)."""
    return (Plan.objects.filter(space_id__in=[space.pk for space in spaces]).exclude(status=Plan.Status.DRAFT)
            .select_related("space").order_by("-starts_on", "-pk"))


def plan_lines(spaces: list[Space], limit: int) -> list[Plan]:
    """The latest plans as the home lists them (title and period: no space joined)."""
    return list(plans(spaces).select_related(None).only("id", "space_id", "title", "starts_on", "ends_on")[:limit])


def plan_of(territory: Territory, spaces: list[Space], pk: int) -> Plan:
    plan = plans(spaces).filter(pk=pk).first()
    if plan is None:
        raise Http404
    plan.space.territory = territory
    return plan


def documents(territory: Territory):
    """The documents an anonymous visitor may see: visibility « public » in a public space."""
    return documents_visible_to(VISITOR, territory).filter(visibility="public")


def practice_sheets(territory: Territory):
    """The practice sheets published to the public."""
    return (visible_sheets(VISITOR, territory)
            .filter(Q(status=PracticeSheet.Status.PUBLISHED, audience=PracticeSheet.Audience.PUBLIC))
            .select_related("space").order_by("-published_at", "-pk"))
