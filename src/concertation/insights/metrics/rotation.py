"""Rotation of facilitation and minute-taking over the meetings held: distinct people, distinct
organizations, and the share of meetings facilitated (or minuted) by someone who is not staff
(context.py says who is). A person's organization is the one she represented at that meeting (her
attendance row). One query (the attendance of the facilitators and secretaries), with the shared
meetings and staff."""

from __future__ import annotations

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from concertation.meetings.models import Attendance

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


def _organizations(ctx: MetricsContext) -> dict[tuple[int, int], int]:
    """(meeting, person) → the organization she represented, for the facilitators and secretaries."""
    rows = (Attendance.objects.filter(ctx.held_meetings_q("meeting__"), organization__isnull=False)
            .filter(Q(person_id=F("meeting__facilitator_id")) | Q(person_id=F("meeting__secretary_id")))
            .values_list("meeting_id", "person_id", "organization_id").order_by())
    return {(meeting, person): organization for meeting, person, organization in rows}


def compute(ctx: MetricsContext) -> dict[str, FamilyResult]:
    organizations = _organizations(ctx) if ctx.meetings else {}
    results = {}
    for name in ("current", "previous"):
        meetings = [meeting for meeting in ctx.meetings if ctx.which(meeting["starts_at"]) == name]
        measures = []
        for field, key, labels in JOBS:
            held = [(meeting["id"], meeting[field]) for meeting in meetings if meeting[field]]
            people = {person for _meeting, person in held}
            orgs = {organizations[pair] for pair in held if pair in organizations}
            not_staff = sum(1 for _meeting, person in held if person not in ctx.staff)
            measures += [
                Measure(f"{key}_people", labels[0], len(people), unit="count"),
                Measure(f"{key}_organizations", labels[1], len(orgs), unit="count"),
                Measure(f"{key}_not_staff", labels[2], ratio(not_staff, len(held)), numerator=not_staff,
                        denominator=len(held)),
            ]
        results[name] = FamilyResult(KEY, measures=measures)
    return results
