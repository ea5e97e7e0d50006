"""Agenda items proposed by members: of the items of the meetings held, the share proposed by a member
(``proposed_by`` set, not staff) rather than put there by the coordination (no ``proposed_by``: added
by whoever prepares the agenda, or proposed by staff). The standard agenda is left out: the items
the software acts on (``standard_role``) and those of kind « autre » nobody proposed (welcome, round
table, other business, next date, closing: ``meetings.services.agenda.STANDARD_AGENDA``); declined
proposals too. One query."""

from __future__ import annotations

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
        .values_list("meeting__starts_at", "proposed_by_id").order_by()
    )
    results = {}
    for name in ("current", "previous"):
        shown = [proposer for moment, proposer in items if ctx.which(moment) == name]
        by_members = sum(1 for proposer in shown if proposer and proposer not in ctx.staff)
        results[name] = FamilyResult(KEY, measures=[
            Measure("proposed_by_members", _("Points à l'ordre du jour proposés par des membres"),
                    ratio(by_members, len(shown)), numerator=by_members, denominator=len(shown)),
        ])
    return results
