"""Participation in decisions: for the proposals of the scope closed (or decided) in the period,
the ballots ÷ the eligible voters, summed over the proposals. Both numbers are the ones decisions
stored in the result when it counted (``decisions.counting.count`` / ``count_hands``:
``participants`` and ``eligible``): nothing is counted again here. One query."""

from __future__ import annotations

from django.db.models import DateTimeField, F
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from concertation.decisions.models import Proposal

from .base import FamilyResult, Measure, ratio
from .context import MetricsContext

KEY = "participation"


def compute(ctx: MetricsContext) -> dict[str, FamilyResult]:
    window = ctx.window
    rows = list(
        Proposal.objects.filter(space_id__in=ctx.scope.space_ids,
                                status__in=[Proposal.Status.CLOSED, Proposal.Status.DECIDED])
        .annotate(ended=Coalesce(F("closed_at"), F("decided_at"), output_field=DateTimeField()))
        .filter(ended__gte=window.start_moment, ended__lt=window.end_moment)
        # Only the two numbers, read inside the JSON by the database (a result holds much more).
        .annotate(participants=KT("result__participants"), eligible=KT("result__eligible"))
        .values_list("ended", "participants", "eligible").order_by()
    )
    results = {}
    for name in ("current", "previous"):
        counted = [(int(participants or 0), int(eligible)) for ended, participants, eligible in rows
                   if ctx.which(ended) == name and eligible and int(eligible)]
        ballots = sum(participants for participants, _eligible in counted)
        eligible = sum(eligible for _participants, eligible in counted)
        results[name] = FamilyResult(KEY, measures=[
            Measure("decisions", _("Décisions comptées"), len(counted), unit="count"),
            Measure("ballots_share", _("Participation aux décisions (voix exprimées ÷ personnes ou organismes "
                                       "appelés à voter)"), ratio(ballots, eligible), numerator=ballots,
                    denominator=eligible),
        ])
    return results
