"""Follow-ups done on time: of the follow-ups of the scope due in the period (and already due: the
due date is past), not dropped, the share done by their due date (``done_on`` ≤ ``due_on``). Also the
number done late and the number still open past their date. Counted in the database by period (a
part of ``MetricsContext.summaries``)."""

from __future__ import annotations

from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from concertation.meetings.models import FollowUp

from .base import FamilyResult, Measure, ratio
from .context import MetricsContext, summary_row

KEY = "followups"


def summary(ctx: MetricsContext):
    """By period (of the due date): the follow-ups, those done on time, those done, those open."""
    today = timezone.localdate()
    rows = (FollowUp.objects.filter(space_id__in=ctx.scope.space_ids, due_on__gte=ctx.window.start,
                                    due_on__lte=min(ctx.window.end, today))
            .exclude(status=FollowUp.Status.DROPPED))
    done = Q(status=FollowUp.Status.DONE)
    period = Case(When(due_on__gte=ctx.window.current.start, then=Value("current")), default=Value("previous"),
                  output_field=CharField())
    return summary_row(rows, KEY, period, total=Count("id"),
                       on_time=Count("id", filter=done & (Q(done_on__isnull=True) | Q(done_on__lte=F("due_on")))),
                       done=Count("id", filter=done), still_open=Count("id", filter=Q(status=FollowUp.Status.OPEN)))


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
