"""What one person may reach, computed once per request in a handful of queries.

Permission predicates (rules.py) read this summary instead of querying per object, so that a page
listing many spaces checks them all without a query each.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import BigIntegerField, CharField, F, Q, Value
from django.utils import timezone

FACILITATION_KINDS = {"coordination", "co_chair", "facilitation", "secretary"}


@dataclass
class Access:
    user_id: int | None = None
    is_admin: bool = False
    coordinated_territories: set[int] = field(default_factory=set)
    coordinated_spaces: set[int] = field(default_factory=set)
    member_territories: set[int] = field(default_factory=set)
    # space id → membership categories through which the person sits there (as a citizen or as
    # delegate/alternate of a member organization)
    space_categories: dict[int, set[str]] = field(default_factory=dict)
    # space id → organizations the person represents there
    space_organizations: dict[int, set[int]] = field(default_factory=dict)
    role_kinds: dict[int, set[str]] = field(default_factory=dict)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    def is_member(self, space) -> bool:
        return space.pk in self.space_categories

    def categories(self, space) -> set[str]:
        return self.space_categories.get(space.pk, set())

    def coordinates_territory(self, territory_id: int) -> bool:
        return self.is_admin or territory_id in self.coordinated_territories

    def coordinates(self, space) -> bool:
        return self.coordinates_territory(space.territory_id) or space.pk in self.coordinated_spaces

    def facilitates(self, space) -> bool:
        return self.coordinates(space) or bool(self.role_kinds.get(space.pk, set()) & FACILITATION_KINDS)

    def in_territory(self, territory_id: int) -> bool:
        return self.coordinates_territory(territory_id) or territory_id in self.member_territories

    def can_view(self, space) -> bool:
        if space.visibility == "public" or self.coordinates(space):
            return True
        if space.visibility == "territory":
            return space.territory_id in self.member_territories
        return self.is_member(space)


ANONYMOUS = Access()


def access_for(user) -> Access:
    """The person's access summary, cached on the user object for the rest of the request."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_concertation_access", None)
    if cached is not None:
        return cached
    access = _compute(user)
    user._concertation_access = access
    return access


def forget_access(user) -> None:
    """Drop the cached summary after a change of membership or role within the same request."""
    if user is not None and hasattr(user, "_concertation_access"):
        del user._concertation_access


def _current(prefix: str = "") -> Q:
    today = timezone.localdate()
    return Q(**{f"{prefix}start__lte": today}) & (
        Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": today})
    )


def _compute(user) -> Access:
    from concertation.directory.models import Territory
    from concertation.spaces.models import Delegation, Membership, RoleAssignment, Space

    access = Access(user_id=user.pk, is_admin=bool(user.is_superuser or user.is_staff))
    today = timezone.localdate()
    no_id = Value(None, output_field=BigIntegerField())

    def columns(source, space, territory, label, organization):
        # The same five columns in every part of the union: (source, space, territory,
        # category or role kind, organization).
        return {"u_source": Value(source, output_field=CharField()), "u_space": space, "u_territory": territory,
                "u_label": label, "u_organization": organization}

    names = ["u_source", "u_space", "u_territory", "u_label", "u_organization"]
    memberships = Membership.objects.filter(_current(), person=user).annotate(
        **columns("membership", F("space_id"), F("space__territory_id"), F("category"), no_id)
    ).values_list(*names).order_by()
    delegations = Delegation.objects.filter(_current(), _current("membership__"), person=user).annotate(
        **columns("delegation", F("membership__space_id"), F("membership__space__territory_id"),
                  F("membership__category"), F("membership__organization_id"))
    ).values_list(*names).order_by()
    roles = (
        RoleAssignment.objects.filter(_current(), person=user)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .annotate(**columns("role", F("role__space_id"), F("role__space__territory_id"), F("role__kind"), no_id))
        .values_list(*names).order_by()
    )
    territories = Territory.objects.filter(coordinators=user).annotate(
        **columns("territory", no_id, F("id"), Value("", output_field=CharField()), no_id)
    ).values_list(*names).order_by()
    # One query for what used to take four: this runs on every page.
    rows = list(memberships.union(delegations, roles, territories, all=True))

    assignments = []
    for source, space_id, territory_id, label, organization_id in rows:
        if source == "territory":
            access.coordinated_territories.add(territory_id)
        elif source == "role":
            assignments.append((space_id, territory_id, label))
        else:
            access.space_categories.setdefault(space_id, set()).add(label)
            access.member_territories.add(territory_id)
            if source == "delegation":
                access.space_organizations.setdefault(space_id, set()).add(organization_id)

    coordination_territories = set()
    for space_id, territory_id, kind in assignments:
        access.role_kinds.setdefault(space_id, set()).add(kind)
        access.member_territories.add(territory_id)
        if kind == "coordination":
            access.coordinated_spaces.add(space_id)
            coordination_territories.add(territory_id)

    if coordination_territories:
        # Coordinating a space covers the spaces beneath it.
        children: dict[int, list[int]] = {}
        for space_id, parent_id in Space.objects.filter(territory_id__in=coordination_territories).values_list(
            "id", "parent_id"
        ):
            children.setdefault(parent_id, []).append(space_id)
        stack = list(access.coordinated_spaces)
        while stack:
            for child in children.get(stack.pop(), []):
                if child not in access.coordinated_spaces:
                    access.coordinated_spaces.add(child)
                    stack.append(child)
    access.member_territories |= access.coordinated_territories
    return access
