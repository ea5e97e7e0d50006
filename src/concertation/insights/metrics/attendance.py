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
    results = {}
    for name in ("current", "previous"):
        shown = [row for row in rows if ctx.which(row["meeting__starts_at"]) == name]
        citizens = [row for row in shown if not row["organization_id"] and row["citizen"]]

        def who(row):
            if row["organization_id"]:
                return row["organization__name"]
            return str(CITIZENS) if row["citizen"] else str(OTHERS)

        def sector(row):
            if row["organization_id"]:
                return row["organization__sector__name"] or str(NO_SECTOR)
            return who(row)

        results[name] = FamilyResult(KEY, measures=[
            Measure("presences", _("Présences aux rencontres tenues"), len(shown), unit="count"),
            Measure("citizen_share", _("Part des présences citoyennes"), ratio(len(citizens), len(shown)),
                    numerator=len(citizens), denominator=len(shown)),
        ], breakdowns=[
            Breakdown("by_organization", _("Présences par organisme"), counted([who(row) for row in shown])),
            Breakdown("by_college", _("Présences par collège"),
                      counted([row["college_name"] or str(NO_COLLEGE) for row in shown])),
            Breakdown("by_sector", _("Présences par secteur"), counted([sector(row) for row in shown])),
        ])
    return results
