"""Rotation of facilitation and minute-taking over the meetings held: distinct people, distinct
organizations, and the share of meetings facilitated (or minuted) by someone who is not staff
(context.py says who is). A person's organization is the one she represented at that meeting (her
attendance row, read with the shared meetings: ``MetricsContext.meetings``). No query of its own."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .base import FamilyResult, Measure, ratio
from .context import MetricsContext

KEY = "rotation"
# (field of the meeting, key, labels: distinct people, distinct organizations, share not staff)
JOBS = (
    ("facilitator_id", "facilitation", (
        _("Personnes différentes à l'animation"), _("Organismes différents à l'animation"),
        _("Rencontres animées par une personne autre que la coordination"))),
    ("secretary_id", "minutes", (
        _("Personnes différentes à la prise de notes"), _("Organismes différents à la prise de notes"),
        _("Rencontres dont les notes sont prises par une personne autre que la coordination"))),
)


def compute(ctx: MetricsContext) -> dict[str, FamilyResult]:
    results = {}
    for name in ("current", "previous"):
        meetings = [meeting for meeting in ctx.meetings if meeting["period"] == name]
        measures = []
        for field, key, labels in JOBS:
            represented, staff = field.replace("_id", "_organization"), field.replace("_id", "_staff")
            held = [meeting for meeting in meetings if meeting[field]]
            people = {meeting[field] for meeting in held}
            orgs = {meeting[represented] for meeting in held if meeting[represented] is not None}
            not_staff = sum(1 for meeting in held if not meeting[staff])
            measures += [
                Measure(f"{key}_people", labels[0], len(people), unit="count"),
                Measure(f"{key}_organizations", labels[1], len(orgs), unit="count"),
                Measure(f"{key}_not_staff", labels[2], ratio(not_staff, len(held)), numerator=not_staff,
                        denominator=len(held)),
            ]
        results[name] = FamilyResult(KEY, measures=measures)
    return results
