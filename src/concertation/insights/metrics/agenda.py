"""Agenda items proposed by members: of the items of the meetings held, the share proposed by a member
(``proposed_by`` set, not staff) rather than put there by the coordination (no ``proposed_by``: added
by whoever prepares the agenda, or proposed by staff). The standard agenda is left out: the items
the software acts on (``standard_role``) and those of kind « autre » nobody proposed (welcome, round
table, other business, next date, closing: ``meetings.services.agenda.STANDARD_AGENDA``); declined
proposals too. Counted in the database by period (a part of ``MetricsContext.summaries``)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from concertation.meetings.models import AgendaItem

from .base import FamilyResult, Measure, ratio
from .context import MetricsContext, summary_row

KEY = "agenda"


def summary(ctx: MetricsContext):
    """By period: the items, those proposed by a member (not staff)."""
    items = (AgendaItem.objects.filter(ctx.held_meetings_q("meeting__"), standard_role="")
             .exclude(status=AgendaItem.Status.DECLINED)
             .exclude(kind=AgendaItem.Kind.OTHER, proposed_by__isnull=True))
    by_members = Q(proposed_by__isnull=False) & ~ctx.is_staff("proposed_by_id")
    return summary_row(items, KEY, ctx.period_case("meeting__starts_at"),
                       total=Count("id"), by_members=Count("id", filter=by_members))


def compute(ctx: MetricsContext) -> dict[str, FamilyResult]:
    results = {}
    for name in ("current", "previous"):
        total, by_members, *_unused = ctx.summary(KEY, name)
        results[name] = FamilyResult(KEY, measures=[
            Measure("proposed_by_members", _("Points à l'ordre du jour proposés par des membres"),
                    ratio(by_members, total), numerator=by_members, denominator=total),
        ])
    return results
