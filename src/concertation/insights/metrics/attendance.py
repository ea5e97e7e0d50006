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
    # One pass over the rows for both periods: by organization, by college, by sector, [total, citizens].
    tallies = {name: ({}, {}, {}, [0, 0]) for name in ("current", "previous")}
    for row in ctx.presences:
        organizations, colleges, sectors, totals = tallies["current" if row["in_current"] else "previous"]
        n = row["n"]
        totals[0] += n
        if row["organization_id"]:
            who, sector = row["organization_name"], row["sector_name"] or no_sector
        elif row["citizen"]:
            who = sector = citizens
            totals[1] += n
        else:
            who = sector = others
        college = row["college_name"] or no_college
        organizations[who] = organizations.get(who, 0) + n
        colleges[college] = colleges.get(college, 0) + n
        sectors[sector] = sectors.get(sector, 0) + n
    results = {}
    for name, (organizations, colleges, sectors, (total, citizen_count)) in tallies.items():
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
