"""Participation in decisions: for the proposals of the scope closed (or decided) in the period,
the ballots ÷ the eligible voters, summed over the proposals. Both numbers are the ones decisions
stored in the result when it counted (``decisions.counting.count`` / ``count_hands``:
``participants`` and ``eligible``): nothing is counted again here. Summed in the database by period
(a part of ``MetricsContext.summaries``); a proposal counts when its ``eligible`` is set and not 0."""

from __future__ import annotations

from django.db.models import Count, DateTimeField, F, Func, IntegerField, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from concertation.decisions.models import Proposal

from .base import FamilyResult, Measure, ratio
from .context import MetricsContext, summary_row

KEY = "participation"


class JSONInteger(Func):
    """An integer stored under ``key`` in a JSON column, extracted by the database once per use (a
    plain ``JSON_EXTRACT`` on SQLite rather than the type checks of ``KT``: the results are large
    and every read of them counts)."""

    output_field = IntegerField()

    def __init__(self, field: str, key: str):
        super().__init__(F(field))
        self.key = key

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) ->> %s)::integer", (*params, self.key)

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"JSON_EXTRACT({sql}, %s)", (*params, f"$.{self.key}")


def summary(ctx: MetricsContext):
    """By period (of the closing): the proposals counted, their ballots, their eligible voters."""
    window = ctx.window
    proposals = (
        Proposal.objects.filter(space_id__in=ctx.scope.space_ids,
                                status__in=[Proposal.Status.CLOSED, Proposal.Status.DECIDED])
        .annotate(ended=Coalesce(F("closed_at"), F("decided_at"), output_field=DateTimeField()))
        .filter(ended__gte=window.start_moment, ended__lt=window.end_moment)
        # Only the two numbers, read inside the JSON by the database (a result holds much more).
        .annotate(participants=JSONInteger("result", "participants"), eligible=JSONInteger("result", "eligible"))
    )
    counted = Q(eligible__isnull=False) & ~Q(eligible=0)
    return summary_row(proposals, KEY, ctx.period_case("ended"), decisions=Count("id", filter=counted),
                       ballots=Sum(Coalesce("participants", 0), filter=counted),
                       eligible_voters=Sum("eligible", filter=counted))


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
