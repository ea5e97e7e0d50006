"""Reads of the self-assessment: rounds with their averages (one query for all rounds), what one
round shows, and the small summary another page may include (``summary_for``).

Results are shown only for a round that is over and holds at least ``ASSESSMENT_MIN_ANSWERS``
answers (default 5): while a round is open, a total moving from one answer to the next would tell
what that answer was; below the minimum, a few answers could be told apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Avg, Count
from django.utils import timezone

from concertation.meetings.evaluation import format_score

from ..models import AssessmentAnswer, AssessmentReceipt, AssessmentRound
from ..rules_assessments import may_answer
from .themes import SCORE_FIELDS, THEMES, Theme

TREND_ROUNDS = 6   # rounds compared in the table
WEAK_BELOW = 3.5   # a theme's average under this is a weak point


def min_answers() -> int:
    return int(getattr(settings, "ASSESSMENT_MIN_ANSWERS", 5))


@dataclass
class RoundResult:
    """A round with its count of answers and, when it may be shown, its averages per statement."""

    round: AssessmentRound
    count: int
    averages: dict[str, float | None] = field(default_factory=dict)
    shown: bool = False

    def theme_score(self, theme: Theme) -> float | None:
        if not self.shown:
            return None
        values = [self.averages.get(name) for name in theme.fields]
        if any(value is None for value in values):
            return None
        return round(sum(values) / len(values), 1)

    def statement_rows(self) -> list[dict]:
        rows = []
        for theme in THEMES:
            for name, label in theme.statements:
                value = self.averages.get(name) if self.shown else None
                rows.append({"theme": theme, "label": label, "value": None if value is None else round(value, 1),
                             "display": format_score(value)})
        return rows


def _result(assessment_round, count, averages, today) -> RoundResult:
    shown = assessment_round.is_closed(today) and count >= min_answers()
    return RoundResult(assessment_round, count, averages if shown else {}, shown)


def round_results(space, *, limit: int = 50) -> list[RoundResult]:
    """The space's rounds, oldest first, each with its count and averages (one query)."""
    annotations = {f"avg_{name}": Avg(f"answers__{name}") for name in SCORE_FIELDS}
    rounds = (AssessmentRound.objects.filter(space=space).annotate(answer_count=Count("answers"), **annotations)
              .order_by("-opens_on", "-pk")[:limit])
    today = timezone.localdate()
    results = [_result(r, r.answer_count, {name: _float(getattr(r, f"avg_{name}")) for name in SCORE_FIELDS}, today)
               for r in rounds]
    results.reverse()
    return results


def one_round_result(assessment_round) -> RoundResult:
    annotations = {name: Avg(name) for name in SCORE_FIELDS}
    row = AssessmentAnswer.objects.filter(round=assessment_round).aggregate(count=Count("id"), **annotations)
    return _result(assessment_round, row.pop("count") or 0, {k: _float(v) for k, v in row.items()},
                   timezone.localdate())


def _float(value) -> float | None:
    return None if value is None else float(value)


def comments(result: RoundResult) -> dict:
    """The pluses and deltas of a round whose results are shown, in alphabetical order (not the
    order of arrival)."""
    if not result.shown:
        return {"plus": [], "delta": []}
    rows = list(AssessmentAnswer.objects.filter(round=result.round).values_list("plus", "delta"))
    return {"plus": sorted(p for p, _d in rows if p), "delta": sorted(d for _p, d in rows if d)}


def theme_table(results: list[RoundResult]) -> dict:
    """Themes × the last rounds whose results are shown: the table of the trend, with the weak points
    (a latest average under 3.5, or the lowest theme) flagged for « Donner suite »."""
    shown = [result for result in results if result.shown][-TREND_ROUNDS:]
    rows = []
    for theme in THEMES:
        scores = [result.theme_score(theme) for result in shown]
        latest = scores[-1] if scores else None
        previous = scores[-2] if len(scores) > 1 else None
        rows.append({"theme": theme, "cells": [{"value": s, "display": format_score(s)} for s in scores],
                     "latest": latest, "change": None if latest is None or previous is None
                     else round(latest - previous, 1)})
    latests = [row["latest"] for row in rows if row["latest"] is not None]
    lowest = min(latests) if latests else None
    for row in rows:
        row["weak"] = row["latest"] is not None and (row["latest"] < WEAK_BELOW or row["latest"] == lowest)
    return {"rounds": [result.round for result in shown], "rows": rows}


def open_round(space, on=None) -> AssessmentRound | None:
    on = on or timezone.localdate()
    return AssessmentRound.objects.filter(space=space, opens_on__lte=on, closes_on__gte=on).first()


def has_answered(assessment_round, person) -> bool:
    """Whether the person has answered (their receipt, never their answers)."""
    return (person is not None and person.is_authenticated
            and AssessmentReceipt.objects.filter(round=assessment_round, person=person).exists())


def summary_for(space, user) -> dict:
    """What the space's health page shows of the self-assessment (``_summary.html``): the open round
    and whether the person has answered it, and the latest results by theme. Empty for a person
    who may not see the self-assessment. Three queries at most."""
    if not user.has_perm("insights.view_assessment", space):
        return {}
    current = open_round(space)
    results = round_results(space, limit=TREND_ROUNDS + 1)
    table = theme_table(results)
    latest = next((result for result in reversed(results) if result.shown), None)
    return {
        "space": space,
        "open_round": current,
        "answered": has_answered(current, user) if current else False,
        "may_answer": bool(current) and may_answer(user, space),
        "latest": latest,
        "rows": table["rows"] if latest else [],
        "min_answers": min_answers(),
    }
