"""What one person may reach, computed once per request in a handful of queries.

Permission predicates (rules.py) read this summary instead of querying per object, so that a page
listing many spaces checks them all without a query each.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from .periods import assignment_current_sql, current_sql

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


# Every page reads this: one statement, written out rather than composed by the ORM (compiling a
# union of four querysets cost more than running it: ≈ 1 ms a request, a fifth of a vote), with the
# « current on that day » rule in its SQL form (periods.py).
ACCESS_SQL = f"""
SELECT 'membership', m.space_id, s.territory_id, m.category, NULL
  FROM spaces_membership m JOIN spaces_space s ON s.id = m.space_id
 WHERE m.person_id = %(user)s AND {current_sql("m", "%(today)s")}
UNION ALL
SELECT 'delegation', m.space_id, s.territory_id, m.category, m.organization_id
  FROM spaces_delegation d JOIN spaces_membership m ON m.id = d.membership_id JOIN spaces_space s ON s.id = m.space_id
 WHERE d.person_id = %(user)s AND {current_sql("d", "%(today)s")}
   AND {current_sql("m", "%(today)s")}
UNION ALL
SELECT 'role', r.space_id, s.territory_id, r.kind, NULL
  FROM spaces_roleassignment a JOIN spaces_role r ON r.id = a.role_id JOIN spaces_space s ON s.id = r.space_id
 WHERE a.person_id = %(user)s AND {assignment_current_sql("a", "%(today)s")}
UNION ALL
SELECT 'territory', NULL, c.territory_id, '', NULL
  FROM directory_territory_coordinators c WHERE c.user_id = %(user)s
"""


#: the spaces of some territories with their parent (the ORM form: ``spaces_and_parents_orm``)
SPACES_AND_PARENTS_SQL = "SELECT id, parent_id FROM spaces_space WHERE territory_id IN ({territories}) ORDER BY id"


def spaces_and_parents(territory_ids) -> list[tuple[int, int | None]]:
    """(id, parent id) of every space of these territories, by id: what a coordinator's access reads
    on every request, written out (the ORM spent ~0.3 ms compiling it)."""
    from django.db import connection

    ids = sorted(int(pk) for pk in territory_ids)
    if not ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(SPACES_AND_PARENTS_SQL.format(territories=", ".join(["%s"] * len(ids))), ids)
        return [tuple(row) for row in cursor.fetchall()]


def spaces_and_parents_orm(territory_ids) -> list[tuple[int, int | None]]:
    """The ORM form of SPACES_AND_PARENTS_SQL (tests/spaces/test_access_sql.py checks both agree)."""
    from concertation.spaces.models import Space

    return list(Space.objects.filter(territory_id__in=territory_ids).order_by("id").values_list("id", "parent_id"))


def _compute(user) -> Access:
    from django.db import connection

    access = Access(user_id=user.pk, is_admin=bool(user.is_superuser or user.is_staff))
    today = connection.ops.adapt_datefield_value(timezone.localdate())
    with connection.cursor() as cursor:
        cursor.execute(ACCESS_SQL, {"user": user.pk, "today": today})
        rows = cursor.fetchall()

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
        for space_id, parent_id in spaces_and_parents(coordination_territories):
            children.setdefault(parent_id, []).append(space_id)
        stack = list(access.coordinated_spaces)
        while stack:
            for child in children.get(stack.pop(), []):
                if child not in access.coordinated_spaces:
                    access.coordinated_spaces.add(child)
                    stack.append(child)
    access.member_territories |= access.coordinated_territories
    return access
