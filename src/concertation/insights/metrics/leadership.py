"""Roles: organizations holding a role ÷ member organizations, the terms by sector and by college,
the citizens' share of roles (the role terms of the scope overlapping the window and its memberships:
``MetricsContext.role_terms`` and ``memberships``, one query)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .base import Breakdown, FamilyResult, Measure, counted, ratio
from .context import COLLEGE, IN_PERIOD, ORGANIZATION, PERSON, SECTOR, STAFF, MetricsContext

KEY = "leadership"
NO_SECTOR = _("Sans secteur")
NO_COLLEGE = _("Sans collège")
STAFF_LABEL = _("Coordination (permanence)")
NO_ORGANIZATION = _("Personne sans organisme")


def member_organizations(ctx: MetricsContext, name: str) -> set[int]:
    """Member organizations of the scope in the period (« current » or « previous »)."""
    flag = IN_PERIOD[name]
    return {row[ORGANIZATION] for row in ctx.memberships if row[ORGANIZATION] and row[flag]}


def citizens(ctx: MetricsContext, name: str) -> dict[int, str]:
    """Citizens (person memberships) of the scope in the period → their college's name. A person
    seated as a citizen in several spaces of the scope under different colleges counts under the
    first of them by name (the rows come in no set order: the same answer on every engine)."""
    flag, no_college = IN_PERIOD[name], str(NO_COLLEGE)
    found: dict[int, str | None] = {}
    for row in ctx.memberships:
        person, college = row[PERSON], row[COLLEGE]
        if not person or not row[flag]:
            continue
        if college and (found.get(person) is None or college < found[person]):
            found[person] = college
        else:
            found.setdefault(person, None)
    return {person: college or no_college for person, college in found.items()}


def compute(ctx: MetricsContext) -> dict[str, FamilyResult]:
    terms = ctx.role_terms
    no_sector, no_college = str(NO_SECTOR), str(NO_COLLEGE)
    results = {}
    for name in ("current", "previous"):
        members, citizen_colleges = member_organizations(ctx, name), citizens(ctx, name)
        sectors, colleges, holders = [], [], set()
        citizen_terms = 0
        flag = IN_PERIOD[name]
        shown = [term for term in terms if term[flag]]
        for term in shown:
            if term[ORGANIZATION]:
                holders.add(term[ORGANIZATION])
                sectors.append(term[SECTOR] or no_sector)
                colleges.append(term[COLLEGE] or no_college)
            elif term[PERSON] in citizen_colleges:
                citizen_terms += 1
                sectors.append(no_sector)
                colleges.append(citizen_colleges[term[PERSON]])
            else:
                label = str(STAFF_LABEL) if term[STAFF] else str(NO_ORGANIZATION)
                sectors.append(label)
                colleges.append(label)
        with_role = len(holders & members)
        results[name] = FamilyResult(KEY, measures=[
            Measure("organizations_with_role", _("Organismes membres qui tiennent un rôle"),
                    ratio(with_role, len(members)), numerator=with_role, denominator=len(members)),
            Measure("citizen_roles", _("Part des mandats tenus par des citoyennes et citoyens"),
                    ratio(citizen_terms, len(shown)), numerator=citizen_terms, denominator=len(shown)),
        ], breakdowns=[
            Breakdown("roles_by_sector", _("Mandats par secteur"), counted(sectors)),
            Breakdown("roles_by_college", _("Mandats par collège"), counted(colleges)),
        ])
    return results
