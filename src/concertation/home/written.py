"""What the home's statements written out share: running one (``_rows``), the person's spaces and
those they run (as the ORM's filters and as SQL), the small stand-ins the permission rules read.
The statements themselves are in everyone.py and coordination.py (see selectors.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import (
    Q,
)

from concertation.core.written_sql import convert, converters_of, plan
from concertation.spaces.access import FACILITATION_KINDS, access_for
from concertation.spaces.models import Space

LIMIT = 5
FOLLOW_UP_LIMIT = 8
PROPOSAL_LIMIT = 8
# Windows that keep each block to what is worth a glance (and its rows bounded).
MEETINGS_AHEAD = timedelta(days=90)
RECENT = timedelta(days=91)  # « to read »: three months, a season of meetings (home.html says so)
MINUTES_BEHIND = timedelta(days=365)


# Whose spaces ------------------------------------------------------------------------------------

def _kw(space: Space, **extra) -> dict:
    return {"territory": space.territory.slug, "space": space.slug, **extra}


def _rows(key: str, sql: str, fields, params) -> list[tuple]:
    """Run a statement written out; its first columns are the model fields ``fields`` ((model,
    name)…), read back as the ORM reads them (dates on SQLite…), the others as they come."""
    conn = connections[DEFAULT_DB_ALIAS]
    converters = plan(conn, key, lambda c: converters_of(c, [model._meta.get_field(name) for model, name in fields]))
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not converters:
        return rows
    return [tuple(convert(row, converters, conn)) for row in rows]


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def _moment(value):
    return connections[DEFAULT_DB_ALIAS].ops.adapt_datetimefield_value(value)


def _day(value):
    return connections[DEFAULT_DB_ALIAS].ops.adapt_datefield_value(value)


def member_space_ids(person) -> set[int]:
    """Spaces where the person sits (as a citizen or for an organization) or holds a role."""
    access = access_for(person)
    return set(access.space_categories) | set(access.role_kinds) | set(access.coordinated_spaces)


def facilitated_q(person, prefix: str = "space__") -> Q | None:
    """The spaces whose meetings, minutes and follow-ups the person runs (as ``Access.facilitates``
    judges): a filter on ``<prefix>id``, or None when there is none."""
    access = access_for(person)
    ids = set(access.coordinated_spaces) | {
        space_id for space_id, kinds in access.role_kinds.items() if kinds & FACILITATION_KINDS}
    query = Q()
    if ids:
        query |= Q(**{f"{prefix}id__in": ids})
    if access.coordinated_territories:
        query |= Q(**{f"{prefix}territory_id__in": access.coordinated_territories})
    return query or None


def coordinated_q(person, prefix: str = "space__") -> Q | None:
    """The spaces the person coordinates (members, roles, invitations): a filter, or None."""
    access = access_for(person)
    query = Q()
    if access.coordinated_spaces:
        query |= Q(**{f"{prefix}id__in": access.coordinated_spaces})
    if access.coordinated_territories:
        query |= Q(**{f"{prefix}territory_id__in": access.coordinated_territories})
    return query or None


def _represented(access, space_ids) -> list[int]:
    """The organizations the person represents in any of these spaces (their recusals count)."""
    return [organization for space_id in space_ids for organization in access.space_organizations.get(space_id, ())]


@dataclass(frozen=True)
class _SpaceRef:
    """What the access summary reads of a space."""

    pk: int
    territory_id: int | None = None
    visibility: str = ""


@dataclass(frozen=True)
class _MeetingRef:
    """What ``meetings.take_part`` reads of a meeting."""

    space: _SpaceRef


@dataclass(frozen=True)
class _Ballot:
    """What ``eligibility.may_vote_here`` reads of a proposal."""

    eligible_categories: list
    space: _SpaceRef


@dataclass(frozen=True)
class _ProposalRef:
    pk: int
    title: str


def _organizations(access) -> set[int]:
    return set().union(*access.space_organizations.values()) if access.space_organizations else set()


def _scope_sql(person, space_alias: str, facilitated: bool = True) -> tuple[str, dict]:
    """``facilitated_q`` (or ``coordinated_q``) for a statement written out: an SQL condition on the
    space ``space_alias`` with its named parameters, or ("", {}) when the person runs no space."""
    access = access_for(person)
    if facilitated:
        ids = set(access.coordinated_spaces) | {
            space_id for space_id, kinds in access.role_kinds.items() if kinds & FACILITATION_KINDS}
    else:
        ids = set(access.coordinated_spaces)
    parts, params = [], {}
    for column, values in (("id", ids), ("territory_id", access.coordinated_territories)):
        if values:
            names = [f"scope_{column}_{n}" for n in range(len(values))]
            parts.append(f"{space_alias}.{column} IN ({', '.join(f'%({name})s' for name in names)})")
            params.update(zip(names, sorted(values), strict=True))
    return " OR ".join(parts), params


