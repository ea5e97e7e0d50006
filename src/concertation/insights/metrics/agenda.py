"""Agenda items proposed by members: of the items of the meetings held, the share proposed by a member
(``proposed_by`` set, not staff) rather than put there by the coordination (no ``proposed_by``: added
by whoever prepares the agenda, or proposed by staff). The standard agenda is left out: the items
the software acts on (``standard_role``) and those of kind « autre » nobody proposed (welcome, round
table, other business, next date, closing: ``meetings.services.agenda.STANDARD_AGENDA``); declined
proposals too. Counted in the database by period (a part of ``MetricsContext.summaries``)."""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext_lazy as _

from concertation.meetings.models import AgendaItem, Meeting

from .base import FamilyResult, Measure, ratio
from .context import MetricsContext, summary_sql

KEY = "agenda"


def summary(ctx: MetricsContext) -> tuple[str, list]:
    """By period: the items, those proposed by a member (not staff)."""
    q = connection.ops.quote_name
    held, held_params = ctx.held_meetings_sql("meeting")
    staff, staff_params = ctx.staff_sql("item.proposed_by_id")
    source = f"""FROM {q(AgendaItem._meta.db_table)} item JOIN {q(Meeting._meta.db_table)} meeting ON meeting.id = item.meeting_id
 WHERE {held} AND item.standard_role = %s AND NOT (item.status = %s)
   AND NOT (item.kind = %s AND item.proposed_by_id IS NULL)"""
    return summary_sql(KEY, ctx.period_sql("meeting.starts_at"), [
        ("COUNT(*)", []),
        (f"COUNT(CASE WHEN item.proposed_by_id IS NOT NULL AND NOT {staff} THEN 1 END)", staff_params),
    ], source, [*held_params, "", AgendaItem.Status.DECLINED.value, AgendaItem.Kind.OTHER.value])


def compute(ctx: MetricsContext) -> dict[str, FamilyResult]:
    results = {}
    for name in ("current", "previous"):
        total, by_members, *_unused = ctx.summary(KEY, name)
        results[name] = FamilyResult(KEY, measures=[
            Measure("proposed_by_members", _("Points à l'ordre du jour proposés par des membres"),
                    ratio(by_members, total), numerator=by_members, denominator=total),
        ])
    return results
