"""Attendance at the meetings held: presences (present or late) by organization, by college and by
sector, and the citizens' share. The college is the one of the decisions' and the bilan's rule
(``planning.attendance.attendance_by_college``): the organization's membership in the meeting's space,
else the organization's college, else the person's citizen membership there. A citizen's presence is
a presence without organization of a person with a citizen membership in the meeting's space. One
query, counted in the database (``MetricsContext.presences``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .base import Breakdown, FamilyResult, Measure, largest, ratio
from .context import MetricsContext

KEY = "attendance"
NO_COLLEGE = _("Sans collège")
NO_SECTOR = _("Sans secteur")
CITIZENS = _("Citoyennes et citoyens")
OTHERS = _("Autres personnes (sans organisme)")


def compute(ctx: MetricsContext) -> dict[str, FamilyResult]:
    citizens, others, no_college, no_sector = str(CITIZENS), str(OTHERS), str(NO_COLLEGE), str(NO_SECTOR)
    results = {}
    for name in ("current", "previous"):
        current = name == "current"
        shown = [row for row in ctx.presences if bool(row["in_current"]) == current]
        organizations, colleges, sectors = {}, {}, {}
        total = citizen_count = 0
        for row in shown:
            n = row["n"]
            total += n
            if row["organization_id"]:
                who, sector = row["organization_name"], row["sector_name"] or no_sector
            else:
                who = sector = citizens if row["citizen"] else others
                citizen_count += n if row["citizen"] else 0
            for totals, key in ((organizations, who), (colleges, row["college_name"] or no_college),
                                (sectors, sector)):
                totals[key] = totals.get(key, 0) + n
        results[name] = FamilyResult(KEY, measures=[
            Measure("presences", _("Présences aux rencontres tenues"), total, unit="count"),
            Measure("citizen_share", _("Part des présences citoyennes"), ratio(citizen_count, total),
                    numerator=citizen_count, denominator=total),
        ], breakdowns=[
            Breakdown("by_organization", _("Présences par organisme"), largest(organizations)),
            Breakdown("by_college", _("Présences par collège"), largest(colleges)),
            Breakdown("by_sector", _("Présences par secteur"), largest(sectors)),
        ])
    return results
