"""Who held each role of a space over the years (issue 18, item 4): the rotation of roles, and the
terms ending soon that coordinators plan the succession of.

Reads only. Names follow accounts.privacy (built in the query, as on the space's page); the counts
of distinct people and organizations per role say whether a role rotates or stays with the same
hands, without naming anyone.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import F
from django.utils import timezone

from concertation.accounts import privacy

from .models import Role, RoleAssignment
from .selectors import assignments_ending_soon


@dataclass
class RoleRotation:
    role: Role
    terms: list[dict] = field(default_factory=list)

    @property
    def people(self) -> int:
        return len({term["person_id"] for term in self.terms if term["person_id"]})

    @property
    def organizations(self) -> int:
        return len({term["organization_id"] for term in self.terms if term["organization_id"]})

    @property
    def years(self) -> tuple[int, int] | None:
        if not self.terms:
            return None
        return min(t["start"].year for t in self.terms), max((t["until"] or date.max).year for t in self.terms)


def rotation_of(space, viewer, *, on: date | None = None) -> list[RoleRotation]:
    """The space's roles, each with every term (oldest first): person, organization, sector, start and
    end (the day it ended early when it did), current or not. Two queries."""
    on = on or timezone.localdate()
    roles = {role.pk: RoleRotation(role) for role in
             Role.objects.filter(space=space).only("id", "name", "kind", "position").order_by("position", "name")}
    terms = defaultdict(list)
    rows = (RoleAssignment.objects.filter(role__space=space)
            .annotate(person_label=privacy.name_sql("person__", viewer), organization_name=F("organization__name"),
                      sector_name=F("organization__sector__name"))
            .values("role_id", "person_id", "organization_id", "person_label", "organization_name", "sector_name",
                    "start", "end", "ended_on")
            .order_by("start", "pk"))
    for row in rows:
        until = row["ended_on"] if row["ended_on"] and (row["end"] is None or row["ended_on"] < row["end"]) \
            else row["end"]
        row["until"] = until
        row["current"] = row["start"] <= on and (until is None or until >= on) and not (
            row["ended_on"] and row["ended_on"] <= on)
        if not row["person_id"]:
            row["person_label"] = ""
        terms[row["role_id"]].append(row)
    for role_id, rotation in roles.items():
        rotation.terms = terms.get(role_id, [])
    return list(roles.values())


def ending_within_notice(space, *, on: date | None = None):
    """The space's current terms that end within the notice (60 days), soonest first."""
    return assignments_ending_soon([space.pk], on=on)
