"""A plan's overdue activities: open activities whose end date is past, the oldest first, with
their number in the plan (the dashboard's list and its whole list, dashboard.py).

Two forms of one reading, side by side: ``overdue_queryset`` (the ORM, for the whole list a page at
a time) and ``overdue_first`` (hand-written SQL for the dashboard's first rows and their total:
building the ORM query cost four times running it). tests/planning/test_dashboard.py checks that
they give the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import F
from django.utils.translation import ngettext

from .followup import Skeleton, sibling_rank
from .models import Activity, Plan

OPEN_STATUSES = (Activity.Status.PLANNED, Activity.Status.IN_PROGRESS, Activity.Status.ON_HOLD)
STATUS_LABEL = dict(Activity.Status.choices)


@dataclass
class OverdueActivity:
    id: int
    strategy_id: int  # the plan page's link opens it (an outline shows its activities only then)
    number: str
    title: str
    lead: str
    ends_on: date
    status_label: str
    days_late: int

    @property
    def days_late_label(self) -> str:
        return ngettext("%(counter)s jour de retard", "%(counter)s jours de retard", self.days_late) % {
            "counter": self.days_late}


def overdue_queryset(plan: Plan, today: date):
    """Open activities whose end date is past, the oldest first, as light rows with their rank."""
    return (
        Activity.objects.filter(strategy__plan=plan, ends_on__lt=today, status__in=OPEN_STATUSES)
        .annotate(rank=sibling_rank(), lead_name=F("lead__name"))
        .values("id", "title", "strategy_id", "ends_on", "status", "lead_name", "rank")
        .order_by("ends_on", "id")
    )


OVERDUE_SQL = """
SELECT activity.id, activity.title, activity.strategy_id, activity.ends_on, activity.status,
       lead_org.name,
       (SELECT COUNT(*) FROM {activity} sibling
         WHERE sibling.strategy_id = activity.strategy_id
           AND (sibling.position < activity.position
                OR (sibling.position = activity.position AND sibling.id < activity.id))) + 1,
       COUNT(*) OVER ()
  FROM {activity} activity
  JOIN {strategy} strategy ON strategy.id = activity.strategy_id
  LEFT JOIN {organization} lead_org ON lead_org.id = activity.lead_id
 WHERE strategy.plan_id = %(plan)s AND activity.ends_on < %(today)s AND activity.status IN ({statuses})
 ORDER BY activity.ends_on, activity.id
 LIMIT %(limit)s
"""
OVERDUE_COLUMNS = ("id", "title", "strategy_id", "ends_on", "status", "lead_name", "rank", "full_count")


def overdue_first(plan: Plan, today: date, limit: int) -> tuple[list[dict], int]:
    """``first_rows(overdue_queryset(plan, today), limit)`` written by hand (the same rows, rank
    as followup.sibling_rank counts it, and total): building the query with the ORM cost four
    times running it."""
    from django.db import connection

    from concertation.directory.models import Organization

    from .models import Strategy

    table = connection.ops.quote_name
    statuses = {f"status{n}": str(status) for n, status in enumerate(OPEN_STATUSES)}
    sql = OVERDUE_SQL.format(activity=table(Activity._meta.db_table), strategy=table(Strategy._meta.db_table),
                             organization=table(Organization._meta.db_table),
                             statuses=", ".join(f"%({key})s" for key in statuses))
    params = {"plan": plan.pk, "today": connection.ops.adapt_datefield_value(today), "limit": int(limit),
              **statuses}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [dict(zip(OVERDUE_COLUMNS, row, strict=True)) for row in cursor.fetchall()]
    return rows, (rows[0]["full_count"] if rows else 0)


def overdue_rows(rows, outline: Skeleton, today: date) -> list[OverdueActivity]:
    return [OverdueActivity(id=row["id"], strategy_id=row["strategy_id"], number=outline.activity_number(row["strategy_id"], row["rank"]),
                            title=row["title"], lead=row["lead_name"] or "", ends_on=row["ends_on"],
                            status_label=str(STATUS_LABEL.get(row["status"], row["status"])),
                            days_late=(today - row["ends_on"]).days)
            for row in rows]
