"""Reads of the structure, scoped to what the person may see, with a bounded number of queries."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone

from concertation.directory.models import Organization, Territory

from .access import access_for
from .models import Charter, Delegation, Membership, Role, RoleAssignment, Space


def current_q(prefix: str = "", on=None) -> Q:
    on = on or timezone.localdate()
    return Q(**{f"{prefix}start__lte": on}) & (Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": on}))


def assignment_current_q(prefix: str = "", on=None) -> Q:
    on = on or timezone.localdate()
    return current_q(prefix, on) & (Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": on}))


def visible_territories(user):
    """Territories the person may open: theirs, and any that has a public space."""
    access = access_for(user)
    territories = Territory.objects.all()
    if access.is_admin:
        return territories
    return territories.filter(
        Q(id__in=access.member_territories | access.coordinated_territories) | Q(spaces__visibility="public")
    ).distinct()


def territory_for(user, slug: str) -> Territory:
    territory = visible_territories(user).filter(slug=slug).first()
    if territory is None:
        raise Http404
    return territory


def visible_spaces(user, territory: Territory):
    access = access_for(user)
    spaces = list(Space.objects.filter(territory=territory).order_by("position", "name"))
    return [space for space in spaces if access.can_view(space)]


def space_for(user, territory_slug: str, space_slug: str) -> Space:
    """The space if the person may see it; 404 exactly like a missing one otherwise."""
    space = (
        Space.objects.select_related("territory", "parent")
        .filter(territory__slug=territory_slug, slug=space_slug)
        .first()
    )
    if space is None or not access_for(user).can_view(space):
        raise Http404
    return space


def build_tree(spaces: list[Space]) -> list[dict]:
    """Nest spaces under their parents; a parent the person cannot see lifts its children up."""
    ids = {space.pk for space in spaces}
    children = defaultdict(list)
    roots = []
    for space in spaces:
        if space.parent_id in ids:
            children[space.parent_id].append(space)
        else:
            roots.append(space)

    def node(space):
        return {"space": space, "children": [node(child) for child in children[space.pk]]}

    return [node(root) for root in roots]


def current_memberships(space_ids, on=None):
    """Current memberships of the given spaces with organization, college, sector and delegates."""
    on = on or timezone.localdate()
    return (
        Membership.objects.filter(current_q(on=on), space_id__in=space_ids)
        .select_related("organization__sector", "organization__college", "person", "college")
        .prefetch_related(
            Prefetch(
                "delegations",
                queryset=Delegation.objects.filter(current_q(on=on)).select_related("person").order_by("kind"),
                to_attr="current_delegations",
            )
        )
        .order_by("organization__name", "person__display_name")
    )


def membership_college(membership):
    if membership.college_id:
        return membership.college
    if membership.organization_id:
        return membership.organization.college
    return None


def members_by_college(memberships) -> list[tuple]:
    """[(college or None, [(sector or None, [membership…])…])…] for the space page."""
    grouped: dict = defaultdict(lambda: defaultdict(list))
    for membership in memberships:
        college = membership_college(membership)
        sector = membership.organization.sector if membership.organization_id else None
        grouped[college][sector].append(membership)

    def college_key(college):
        return (college is None, college.name if college else "")

    def sector_key(sector):
        return (sector is None, sector.name if sector else "")

    return [
        (college, [(sector, grouped[college][sector]) for sector in sorted(grouped[college], key=sector_key)])
        for college in sorted(grouped, key=college_key)
    ]


def roles_with_holders(space_ids, on=None):
    on = on or timezone.localdate()
    return (
        Role.objects.filter(space_id__in=space_ids)
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=RoleAssignment.objects.filter(assignment_current_q(on=on))
                .select_related("person", "organization")
                .order_by("start"),
                to_attr="current_assignments",
            )
        )
        .order_by("space_id", "position", "name")
    )


def assignments_ending_soon(space_ids, days: int = 30, on=None):
    on = on or timezone.localdate()
    return (
        RoleAssignment.objects.filter(assignment_current_q(on=on), role__space_id__in=space_ids)
        .filter(end__isnull=False, end__lte=on + timedelta(days=days))
        .select_related("role__space", "person", "organization")
        .order_by("end")
    )


def charter_in_force(space) -> Charter | None:
    return Charter.objects.filter(space=space, in_force=True).first()


def charters_in_force(space_ids) -> dict[int, Charter]:
    return {charter.space_id: charter for charter in Charter.objects.filter(space_id__in=space_ids, in_force=True)}


def organizations_of(territory, *, active_only=False):
    organizations = Organization.objects.filter(territory=territory).select_related("sector", "college")
    if active_only:
        organizations = organizations.filter(active=True)
    return organizations.order_by("name")


def spaces_of_user(user):
    """The person's spaces across territories, for the home page."""
    access = access_for(user)
    ids = set(access.space_categories) | access.coordinated_spaces | set(access.role_kinds)
    spaces = Space.objects.filter(Q(id__in=ids) | Q(territory_id__in=access.coordinated_territories))
    return list(spaces.select_related("territory").order_by("territory__name", "position", "name"))
