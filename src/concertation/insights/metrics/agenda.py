"""Agenda items proposed by members: of the items of the meetings held, the share proposed by a member
(``proposed_by`` set, not staff) rather than put there by the coordination (no ``proposed_by``: added
by whoever prepares the agenda, or proposed by staff). The standard agenda is left out: the items
the software acts on (``standard_role``) and those of kind « autre » nobody proposed (welcome, round
table, other business, next date, closing: ``meetings.services.agenda.STANDARD_AGENDA``); declined
proposals too. One query, counted in the database by period and proposer."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from concertation.meetings.models import AgendaItem

from .base import FamilyResult, Measure, ratio
from .context import MetricsContext

KEY = "agenda"


def compute(ctx: MetricsContext) -> dict[str, FamilyResult]:
    items = list(
        AgendaItem.objects.filter(ctx.held_meetings_q("meeting__"), standard_role="")
        .exclude(status=AgendaItem.Status.DECLINED)
        .exclude(kind=AgendaItem.Kind.OTHER, proposed_by__isnull=True)
        .annotate(period=ctx.period_case("meeting__starts_at"))
        .values("period", "proposed_by_id").annotate(n=Count("id"))
        .values_list("period", "proposed_by_id", "n").order_by()
    )
    results = {}
    for name in ("current", "previous"):
        shown = [(proposer, n) for period, proposer, n in items if period == name]
        by_members = sum(n for proposer, n in shown if proposer and proposer not in ctx.staff)
        total = sum(n for _proposer, n in shown)
        results[name] = FamilyResult(KEY, measures=[
            Measure("proposed_by_members", _("Points à l'ordre du jour proposés par des membres"),
                    ratio(by_members, total), numerator=by_members, denominator=total),
        ])
    return results
