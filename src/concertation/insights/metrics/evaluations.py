"""The meetings' evaluations: for each meeting held, the number of answers and the mean of each
question (1 to 5) and of the three together; for the period, the mean of all answers. Counted and
summed in the database with the shared meetings (``MetricsContext.meetings``): no query of its own."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .base import FamilyResult, Measure, average
from .context import EVALUATION_QUESTIONS as QUESTIONS
from .context import MetricsContext

KEY = "evaluations"


def compute(ctx: MetricsContext) -> dict[str, FamilyResult]:
    rows = [meeting for meeting in ctx.meetings if meeting["evaluation_answers"]]
    results = {}
    for name in ("current", "previous"):
        shown = [row for row in rows if row["period"] == name]
        answers = sum(row["evaluation_answers"] for row in shown)
        series = [(ctx.moment(row["starts_at"]), row["title"],
                   average(sum(row[f"evaluation_{q}"] for q in QUESTIONS), 3 * row["evaluation_answers"]),
                   row["evaluation_answers"])
                  for row in shown]
        measures = [Measure("evaluation_mean", _("Appréciation moyenne des rencontres (sur 5)"),
                            average(sum(row[f"evaluation_{q}"] for row in shown for q in QUESTIONS), 3 * answers),
                            unit="rating", numerator=None, denominator=answers)]
        labels = {"objectives_met": _("Les objectifs ont été atteints (sur 5)"),
                  "everyone_could_speak": _("Chaque personne a pu s'exprimer (sur 5)"),
                  "useful_to_my_organization": _("Utile pour mon organisme (sur 5)")}
        for q in QUESTIONS:
            measures.append(Measure(q, labels[q], average(sum(row[f"evaluation_{q}"] for row in shown), answers),
                                    unit="rating", denominator=answers))
        measures.append(Measure("evaluations", _("Évaluations remplies"), answers, unit="count"))
        results[name] = FamilyResult(KEY, measures=measures, series=series)
    return results
