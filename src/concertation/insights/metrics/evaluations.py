"""The meetings' evaluations: for each meeting held, the number of answers and the mean of each
question (1 to 5) and of the three together; for the period, the mean of all answers. One query
(aggregated in the database, one row a meeting)."""

from __future__ import annotations

from django.db.models import Avg, Count, Sum
from django.utils.translation import gettext_lazy as _

from concertation.meetings.models import Evaluation

from .base import FamilyResult, Measure, average
from .context import MetricsContext

KEY = "evaluations"
QUESTIONS = ("objectives_met", "everyone_could_speak", "useful_to_my_organization")


def compute(ctx: MetricsContext) -> dict[str, FamilyResult]:
    rows = list(
        Evaluation.objects.filter(ctx.held_meetings_q("meeting__"))
        .values("meeting_id", "meeting__starts_at", "meeting__title")
        .annotate(answers=Count("id"), **{f"avg_{q}": Avg(q) for q in QUESTIONS},
                  **{f"sum_{q}": Sum(q) for q in QUESTIONS})
        .order_by("meeting__starts_at", "meeting_id")
    )
    results = {}
    for name in ("current", "previous"):
        shown = [row for row in rows if ctx.which(row["meeting__starts_at"]) == name]
        answers = sum(row["answers"] for row in shown)
        series = [(row["meeting__starts_at"], row["meeting__title"],
                   average(sum(row[f"sum_{q}"] for q in QUESTIONS), 3 * row["answers"]), row["answers"])
                  for row in shown]
        measures = [Measure("evaluation_mean", _("Appréciation moyenne des rencontres (sur 5)"),
                            average(sum(row[f"sum_{q}"] for row in shown for q in QUESTIONS), 3 * answers),
                            unit="rating", numerator=None, denominator=answers)]
        labels = {"objectives_met": _("Les objectifs ont été atteints (sur 5)"),
                  "everyone_could_speak": _("Chaque personne a pu s'exprimer (sur 5)"),
                  "useful_to_my_organization": _("Utile pour mon organisme (sur 5)")}
        for q in QUESTIONS:
            measures.append(Measure(q, labels[q], average(sum(row[f"sum_{q}"] for row in shown), answers),
                                    unit="rating", denominator=answers))
        measures.append(Measure("evaluations", _("Évaluations remplies"), answers, unit="count"))
        results[name] = FamilyResult(KEY, measures=measures, series=series)
    return results
