"""The first rows of three lists of the bilan's page, with their totals, in hand-written SQL.

Two forms of each reading, as in overdue.py: the querysets of bilan.py (``done_queryset``,
``decisions_queryset``, ``meetings_queryset``: the ORM, for the whole lists a page at a time) and
these (``done_first``, ``decisions_first``, ``meetings_first``: the page's first rows and their
total, in one query each). Building the ORM's queries, each with correlated subqueries, cost more
than running them (about 6 ms of the page at scale L). tests/planning/test_dashboard.py checks that
both forms give the same rows.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import DateField, DateTimeField, Value

from .models import Activity, ProgressUpdate, Strategy


def _converter(output_field):
    """f(value) → the value as the ORM gives an annotation of this type (SQLite gives dates and
    moments as text)."""
    expression = Value(None, output_field=output_field)
    converters = [*connection.ops.get_db_converters(expression), *expression.get_db_converters(connection)]

    def convert(value):
        for converter in converters:
            value = converter(value, expression, connection)
        return value

    return convert


def _rows(sql: str, params, columns: tuple, converted: dict) -> tuple[list[dict], int]:
    """The rows of ``sql`` as dicts of ``columns`` (the last one is the total), those of
    ``converted`` through their converter; and the total."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    for name, convert in converted.items():
        for row in rows:
            row[name] = convert(row[name])
    return rows, (rows[0]["full_count"] if rows else 0)


def _tables(**models) -> dict:
    return {name: connection.ops.quote_name(model._meta.db_table) for name, model in models.items()}


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


# Activities done in the period --------------------------------------------------------------------

DONE_SQL = """
SELECT first.id, first.title, first.strategy_id, lead_org.name, first.done_on,
       (SELECT news.text FROM {update} news WHERE news.activity_id = first.id
         ORDER BY news.date DESC, news.id DESC LIMIT 1),
       (SELECT COUNT(*) FROM {activity} sibling
         WHERE sibling.strategy_id = first.strategy_id
           AND (sibling.position < first.position
                OR (sibling.position = first.position AND sibling.id < first.id))) + 1,
       first.full_count
  FROM (SELECT done.*, COUNT(*) OVER () AS full_count
          FROM (SELECT activity.id, activity.title, activity.strategy_id, activity.position, activity.lead_id,
                       COALESCE((SELECT news.date FROM {update} news WHERE news.activity_id = activity.id
                                  ORDER BY news.date DESC, news.id DESC LIMIT 1),
                                activity.ends_on, {changed_on}) AS done_on
                  FROM {activity} activity JOIN {strategy} strategy ON strategy.id = activity.strategy_id
                 WHERE strategy.plan_id = %s AND activity.status = %s) done
         WHERE done.done_on >= %s AND done.done_on <= %s
         ORDER BY done.done_on, done.id
         LIMIT %s) first
  LEFT JOIN {organization} lead_org ON lead_org.id = first.lead_id
 ORDER BY first.done_on, first.id
"""
DONE_COLUMNS = ("id", "title", "strategy_id", "lead_name", "done_on", "news", "rank", "full_count")


def done_first(plan, period, limit: int) -> tuple[list[dict], int]:
    """``first_rows(bilan.done_queryset(plan, period), limit)`` written by hand: the same rows (done
    on the date of their last news, else their end date, else the day of their last change), rank
    (as followup.sibling_rank counts it) and total."""
    from django.utils import timezone

    from concertation.directory.models import Organization

    # The day of its last change in the current time zone, as TruncDate("updated_at") reads it.
    changed_on, changed_params = connection.ops.datetime_cast_date_sql(
        "activity.updated_at", (), timezone.get_current_timezone_name())
    sql = DONE_SQL.format(changed_on=changed_on, **_tables(
        update=ProgressUpdate, activity=Activity, strategy=Strategy, organization=Organization))
    day = connection.ops.adapt_datefield_value
    params = [*changed_params, plan.pk, Activity.Status.DONE.value, day(period.start), day(period.end), int(limit)]
    return _rows(sql, params, DONE_COLUMNS, {"done_on": _converter(DateField())})


# Decisions taken in the period -------------------------------------------------------------------

DECISIONS_SQL = """
SELECT proposal.id, proposal.title, proposal.outcome, proposal.decided_at, proposal.origin,
       space.name, space.slug, item.title, meeting.title, meeting.starts_at, first.full_count
  FROM (SELECT chosen.id, COUNT(*) OVER () AS full_count
          FROM {proposal} chosen
         WHERE chosen.status = %s AND chosen.space_id IN ({spaces})
           AND chosen.decided_at >= %s AND chosen.decided_at < %s
         ORDER BY chosen.decided_at, chosen.id
         LIMIT %s) first
  JOIN {proposal} proposal ON proposal.id = first.id
  JOIN {space} space ON space.id = proposal.space_id
  LEFT JOIN {item} item ON item.id = (
       SELECT carried.id FROM {item} carried JOIN {meeting} held ON held.id = carried.meeting_id
        WHERE carried.proposal_id = proposal.id
        ORDER BY held.starts_at DESC, carried.position, carried.id LIMIT 1)
  LEFT JOIN {meeting} meeting ON meeting.id = item.meeting_id
 ORDER BY proposal.decided_at, proposal.id
"""
DECISION_COLUMNS = ("id", "title", "outcome", "decided_at", "origin", "space_name", "space_slug", "item_title",
                    "meeting_title", "meeting_starts", "full_count")


def decisions_first(space_ids, period, limit: int) -> tuple[list[dict], int]:
    """``bilan.decisions_queryset(space_ids, period)``'s first ``limit`` rows and total, written by
    hand: the agenda item that carried a decision (the first, in the order of the agenda items of
    the latest meeting) is joined once rather than read by three subqueries."""
    from concertation.decisions.models import Proposal
    from concertation.meetings.models import AgendaItem, Meeting
    from concertation.spaces.models import Space

    space_ids = [int(pk) for pk in space_ids]
    if not space_ids:
        return [], 0
    sql = DECISIONS_SQL.format(spaces=_placeholders(space_ids), **_tables(
        proposal=Proposal, space=Space, item=AgendaItem, meeting=Meeting))
    moment = connection.ops.adapt_datetimefield_value
    params = [Proposal.Status.DECIDED.value, *space_ids, moment(period.start_moment), moment(period.end_moment),
              int(limit)]
    as_moment = _converter(DateTimeField())
    return _rows(sql, params, DECISION_COLUMNS, {"decided_at": as_moment, "meeting_starts": as_moment})


# Meetings held in the period ---------------------------------------------------------------------

MEETINGS_SQL = """
SELECT first.id, first.title, space.name, first.starts_at, first.status,
       (SELECT COUNT(*) FROM {attendance} attendance
         WHERE attendance.meeting_id = first.id AND attendance.status IN (%s, %s)),
       first.full_count
  FROM (SELECT meeting.id, meeting.title, meeting.space_id, meeting.starts_at, meeting.status,
               COUNT(*) OVER () AS full_count
          FROM {meeting} meeting
         WHERE meeting.space_id IN ({spaces}) AND meeting.status IN (%s, %s)
           AND meeting.starts_at >= %s AND meeting.starts_at < %s
         ORDER BY meeting.starts_at, meeting.id
         LIMIT %s) first
  JOIN {space} space ON space.id = first.space_id
 ORDER BY first.starts_at, first.id
"""
MEETING_COLUMNS = ("id", "title", "space_name", "starts_at", "status", "present", "full_count")


def meetings_first(space_ids, period, limit: int) -> tuple[list[dict], int]:
    """``first_rows(bilan.meetings_queryset(space_ids, period), limit)`` written by hand: the same
    meetings held, with their presences (present or late), and total."""
    from concertation.meetings.models import Attendance, Meeting
    from concertation.spaces.models import Space

    space_ids = [int(pk) for pk in space_ids]
    if not space_ids:
        return [], 0
    sql = MEETINGS_SQL.format(spaces=_placeholders(space_ids), **_tables(
        attendance=Attendance, meeting=Meeting, space=Space))
    moment = connection.ops.adapt_datetimefield_value
    params = [Attendance.Status.PRESENT.value, Attendance.Status.LATE.value, *space_ids,
              Meeting.Status.HELD.value, Meeting.Status.MINUTES_ADOPTED.value,
              moment(period.start_moment), moment(period.end_moment), int(limit)]
    return _rows(sql, params, MEETING_COLUMNS, {"starts_at": _converter(DateTimeField())})
