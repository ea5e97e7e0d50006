"""Attendance at the meetings held: presences (present or late) by organization, by college and by
sector, and the citizens' share. The college is the one of the decisions' and the bilan's rule
(``planning.bilan.attendance_by_college``): the organization's membership in the meeting's space,
else the organization's college, else the person's citizen membership there. A citizen's presence is
a presence without organization of a person with a citizen membership in the meeting's space. One
query, shared with the rotation (``MetricsContext.presences``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .base import Breakdown, FamilyResult, Measure, counted, ratio
from .context import MetricsContext

KEY = "attendance"
NO_COLLEGE = _("Sans collège")
NO_SECTOR = _("Sans secteur")
CITIZENS = _("Citoyennes et citoyens")
OTHERS = _("Autres personnes (sans organisme)")


def compute(ctx: MetricsContext) -> dict[str, FamilyResult]:
    rows = ctx.presences
    citizens, others, no_college, no_sector = str(CITIZENS), str(OTHERS), str(NO_COLLEGE), str(NO_SECTOR)
    results = {}
    for name in ("current", "previous"):
        shown = [row for row in rows if ctx.which(row["meeting__starts_at"]) == name]
        organizations, colleges, sectors, citizen_count = [], [], [], 0
        for row in shown:
            colleges.append(row["college_name"] or no_college)
            if row["organization_id"]:
                organizations.append(row["organization__name"])
                sectors.append(row["organization__sector__name"] or no_sector)
            else:
                who = citizens if row["citizen"] else others
                citizen_count += bool(row["citizen"])
                organizations.append(who)
                sectors.append(who)
        results[name] = FamilyResult(KEY, measures=[
            Measure("presences", _("Présences aux rencontres tenues"), len(shown), unit="count"),
            Measure("citizen_share", _("Part des présences citoyennes"), ratio(citizen_count, len(shown)),
                    numerator=citizen_count, denominator=len(shown)),
        ], breakdowns=[
            Breakdown("by_organization", _("Présences par organisme"), counted(organizations)),
            Breakdown("by_college", _("Présences par collège"), counted(colleges)),
            Breakdown("by_sector", _("Présences par secteur"), counted(sectors)),
        ])
    return results
