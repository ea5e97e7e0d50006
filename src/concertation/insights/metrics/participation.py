"""Participation in decisions: for the proposals of the scope closed (or decided) in the period,
the ballots ÷ the eligible voters, summed over the proposals. Both numbers are the ones decisions
stored in the result when it counted (``decisions.counting.count`` / ``count_hands``:
``participants`` and ``eligible``, copied into ``Proposal.result_participants`` and ``result_eligible``):
nothing is counted again here. Summed in the database by period
(a part of ``MetricsContext.summaries``); a proposal counts when its ``eligible`` is set and not 0."""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext_lazy as _

from concertation.decisions.models import Proposal

from .base import FamilyResult, Measure, ratio
from .context import MetricsContext, summary_sql

KEY = "participation"


def summary(ctx: MetricsContext) -> tuple[str, list]:
    """By period (of the closing): the proposals counted, their ballots, their eligible voters."""
    window, spaces = ctx.window, ctx.scope.space_ids
    ended = "COALESCE(proposal.closed_at, proposal.decided_at)"
    source = f"""FROM {connection.ops.quote_name(Proposal._meta.db_table)} proposal
 WHERE proposal.space_id IN ({", ".join(["%s"] * len(spaces))}) AND proposal.status IN (%s, %s)
   AND {ended} >= %s AND {ended} < %s"""
    # The two numbers of the result, in columns of their own (``Proposal.keep_turnout``): a result
    # holds much more, and reading thousands of them was most of the page's time.
    counted = "proposal.result_eligible IS NOT NULL AND proposal.result_eligible <> 0"
    return summary_sql(KEY, ctx.period_sql(ended), [
        (f"COUNT(CASE WHEN {counted} THEN 1 END)", []),
        (f"SUM(CASE WHEN {counted} THEN COALESCE(proposal.result_participants, 0) END)", []),
        (f"SUM(CASE WHEN {counted} THEN proposal.result_eligible END)", []),
    ], source, [*spaces, Proposal.Status.CLOSED.value, Proposal.Status.DECIDED.value,
                connection.ops.adapt_datetimefield_value(window.start_moment),
                connection.ops.adapt_datetimefield_value(window.end_moment)])


def compute(ctx: MetricsContext) -> dict[str, FamilyResult]:
    results = {}
    for name in ("current", "previous"):
        decisions, ballots, eligible, *_unused = ctx.summary(KEY, name)
        results[name] = FamilyResult(KEY, measures=[
            Measure("decisions", _("Décisions comptées"), decisions, unit="count"),
            Measure("ballots_share", _("Participation aux décisions (voix exprimées ÷ personnes ou organismes "
                                       "appelés à voter)"), ratio(ballots, eligible), numerator=ballots,
                    denominator=eligible),
        ])
    return results
