"""Roles: organizations holding a role ÷ member organizations, the terms by sector and by college,
the citizens' share of roles (the role terms of the scope overlapping the window and its memberships:
``MetricsContext.role_terms`` and ``memberships``, one query)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .base import Breakdown, FamilyResult, Measure, counted, ratio
from .context import MetricsContext

KEY = "leadership"
NO_SECTOR = _("Sans secteur")
NO_COLLEGE = _("Sans collège")
STAFF = _("Coordination (permanence)")
NO_ORGANIZATION = _("Personne sans organisme")


def member_organizations(ctx: MetricsContext, name: str) -> set[int]:
    """Member organizations of the scope in the period (« current » or « previous »)."""
    return {row["organization_id"] for row in ctx.memberships if row["organization_id"] and row[f"in_{name}"]}


def citizens(ctx: MetricsContext, name: str) -> dict[int, str]:
    """Citizens (person memberships) of the scope in the period → their college's name."""
    return {row["person_id"]: row["college_name"] or str(NO_COLLEGE) for row in ctx.memberships
            if row["person_id"] and row[f"in_{name}"]}


def compute(ctx: MetricsContext) -> dict[str, FamilyResult]:
    terms = ctx.role_terms
    results = {}
    for name in ("current", "previous"):
        members, citizen_colleges = member_organizations(ctx, name), citizens(ctx, name)
        sectors, colleges, holders = [], [], set()
        citizen_terms = 0
        shown = [term for term in terms if term[f"in_{name}"]]
        for term in shown:
            if term["organization_id"]:
                holders.add(term["organization_id"])
                sectors.append(term["sector_name"] or str(NO_SECTOR))
                colleges.append(term["college_name"] or str(NO_COLLEGE))
            elif term["person_id"] in citizen_colleges:
                citizen_terms += 1
                sectors.append(str(NO_SECTOR))
                colleges.append(citizen_colleges[term["person_id"]])
            else:
                label = str(STAFF) if term["staff"] else str(NO_ORGANIZATION)
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
