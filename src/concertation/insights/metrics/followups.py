"""Follow-ups done on time: of the follow-ups of the scope due in the period (and already due: the
due date is past), not dropped, the share done by their due date (``done_on`` ≤ ``due_on``). Also the
number done late and the number still open past their date. Counted in the database by period (a
part of ``MetricsContext.summaries``)."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from concertation.meetings.models import FollowUp

from .base import FamilyResult, Measure, ratio
from .context import MetricsContext, summary_sql

KEY = "followups"


def summary(ctx: MetricsContext) -> tuple[str, list]:
    """By period (of the due date): the follow-ups, those done on time, those done, those open."""
    today = timezone.localdate()
    spaces = ctx.scope.space_ids
    # Not dropped: the other statuses, listed, so that the index (space, status, due_on) finds the
    # follow-ups due in the window instead of reading every follow-up of the spaces.
    kept = [status.value for status in FollowUp.Status if status != FollowUp.Status.DROPPED]
    source = f"""FROM {connection.ops.quote_name(FollowUp._meta.db_table)} followup
 WHERE followup.space_id IN ({", ".join(["%s"] * len(spaces))}) AND followup.status IN ({", ".join(["%s"] * len(kept))})
   AND followup.due_on >= %s AND followup.due_on <= %s"""
    done = "followup.status = %s"
    return summary_sql(KEY, ctx.period_sql("followup.due_on", day=True), [
        ("COUNT(*)", []),
        (f"COUNT(CASE WHEN {done} AND (followup.done_on IS NULL OR followup.done_on <= followup.due_on) THEN 1 END)",
         [FollowUp.Status.DONE.value]),
        (f"COUNT(CASE WHEN {done} THEN 1 END)", [FollowUp.Status.DONE.value]),
        ("COUNT(CASE WHEN followup.status = %s THEN 1 END)", [FollowUp.Status.OPEN.value]),
    ], source, [*spaces, *kept, connection.ops.adapt_datefield_value(ctx.window.start),
                connection.ops.adapt_datefield_value(min(ctx.window.end, today))])


def compute(ctx: MetricsContext) -> dict[str, FamilyResult]:
    results = {}
    for name in ("current", "previous"):
        total, on_time, done, still_open = ctx.summary(KEY, name)
        results[name] = FamilyResult(KEY, measures=[
            Measure("on_time", _("Suivis faits à temps"), ratio(on_time, total), numerator=on_time,
                    denominator=total),
            Measure("done_late", _("Suivis faits en retard"), done - on_time, unit="count"),
            Measure("overdue", _("Suivis encore à faire après leur échéance"), still_open, unit="count"),
        ])
    return results
