"""Follow-ups done on time: of the follow-ups of the scope due in the period (and already due: the
due date is past), not dropped, the share done by their due date (``done_on`` ≤ ``due_on``). Also the
number done late and the number still open past their date. One query."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from concertation.meetings.models import FollowUp

from .base import FamilyResult, Measure, ratio
from .context import MetricsContext

KEY = "followups"


def compute(ctx: MetricsContext) -> dict[str, FamilyResult]:
    today = timezone.localdate()
    rows = list(
        FollowUp.objects.filter(space_id__in=ctx.scope.space_ids, due_on__gte=ctx.window.start,
                                due_on__lte=min(ctx.window.end, today))
        .exclude(status=FollowUp.Status.DROPPED)
        .values_list("due_on", "status", "done_on").order_by()
    )
    results = {}
    for name in ("current", "previous"):
        shown = [(due, status, done) for due, status, done in rows if ctx.which(due) == name]
        done = [(due, done) for due, status, done in shown if status == FollowUp.Status.DONE]
        on_time = sum(1 for due, done_on in done if done_on is None or done_on <= due)
        late = len(done) - on_time
        still_open = sum(1 for _due, status, _done in shown if status == FollowUp.Status.OPEN)
        results[name] = FamilyResult(KEY, measures=[
            Measure("on_time", _("Suivis faits à temps"), ratio(on_time, len(shown)), numerator=on_time,
                    denominator=len(shown)),
            Measure("done_late", _("Suivis faits en retard"), late, unit="count"),
            Measure("overdue", _("Suivis encore à faire après leur échéance"), still_open, unit="count"),
        ])
    return results
