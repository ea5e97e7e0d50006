"""What the self-assessment's pages show (reads only, from selectors)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from ..models import AssessmentRound
from ..rules_assessments import may_answer
from . import selectors
from .themes import BY_KEY


def round_in_space(space, pk: int) -> AssessmentRound:
    """A round of this space, 404 when it belongs elsewhere or does not exist."""
    return get_object_or_404(AssessmentRound.objects.select_related("space__territory"), space=space, pk=pk)


def index_page(space, user) -> dict:
    """The rounds, the table of themes over time with « Donner suite », the latest round's detail."""
    results = selectors.round_results(space)
    current = selectors.open_round(space)
    latest = next((result for result in reversed(results) if result.shown), None)
    return {
        "territory": space.territory, "space": space, "results": list(reversed(results)),
        "table": selectors.theme_table(results), "open_round": current,
        "answered": selectors.has_answered(current, user) if current else False,
        "may_answer": bool(current) and may_answer(user, space),
        "may_run": user.has_perm("insights.run_assessment", space),
        "latest": latest, "min_answers": selectors.min_answers(),
    }


def round_page(space, assessment_round, user) -> dict:
    result = selectors.one_round_result(assessment_round)
    return {
        "territory": space.territory, "space": space, "round": assessment_round, "result": result,
        "comments": selectors.comments(result), "min_answers": selectors.min_answers(),
        "may_run": user.has_perm("insights.run_assessment", space),
    }


def follow_up_initial(theme_key: str) -> dict:
    theme = BY_KEY[theme_key]
    return {"what": f"{theme.label} : "}
