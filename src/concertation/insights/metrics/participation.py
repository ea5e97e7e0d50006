"""Participation in decisions: for the proposals of the scope closed (or decided) in the period,
the ballots ÷ the eligible voters, summed over the proposals. Both numbers are the ones decisions
stored in the result when it counted (``decisions.counting.count`` / ``count_hands``:
``participants`` and ``eligible``, copied into ``Proposal.result_participants`` and ``result_eligible``):
nothing is counted again here. Summed in the database by period
(a part of ``MetricsContext.summaries``); a proposal counts when its ``eligible`` is set and not 0."""

from __future__ import annotations

from django.db.models import Count, DateTimeField, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from concertation.decisions.models import Proposal

from .base import FamilyResult, Measure, ratio
from .context import MetricsContext, summary_row

KEY = "participation"


def summary(ctx: MetricsContext):
    """By period (of the closing): the proposals counted, their ballots, their eligible voters."""
    window = ctx.window
    proposals = (
        Proposal.objects.filter(space_id__in=ctx.scope.space_ids,
                                status__in=[Proposal.Status.CLOSED, Proposal.Status.DECIDED])
        .annotate(ended=Coalesce(F("closed_at"), F("decided_at"), output_field=DateTimeField()))
        .filter(ended__gte=window.start_moment, ended__lt=window.end_moment)
    )
    # The two numbers of the result, in columns of their own (``Proposal.keep_turnout``): a result
    # holds much more, and reading thousands of them was most of the page's time.
    counted = Q(result_eligible__isnull=False) & ~Q(result_eligible=0)
    return summary_row(proposals, KEY, ctx.period_case("ended"), decisions=Count("id", filter=counted),
                       ballots=Sum(Coalesce("result_participants", 0), filter=counted),
                       eligible_voters=Sum("result_eligible", filter=counted))


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
