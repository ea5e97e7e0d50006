"""Attendance by college: the college of a presence at a meeting is the college of the
organization's membership in the meeting's space, else the organization's own, else the college of
the person's citizen seat there.

One rule in two forms kept side by side: ``attendance_seats`` (ORM joins and the college's
expression, to annotate attendance rows with: the governance health's metrics) and
``attendance_by_college`` (hand-written SQL for the bilan's counts: the ORM reached the seats
through two joins more a presence). tests/planning/test_dashboard.py checks that they agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import CharField, F, FilteredRelation, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _


@dataclass
class CollegeRow:
    name: str
    presences: int
    people: int
    share: int  # % of all presences


def attendance_seats() -> tuple[dict, Coalesce]:
    """The one rule for the college of a presence, to annotate attendance rows with: the joins
    (``seat``: the organization's membership in the meeting's space; ``citizen_seat``: the person's
    own seat there) and the college's name (the seat's college, else the organization's, else the
    citizen seat's)."""
    seats = {
        "seat": FilteredRelation("organization__memberships",
                                 condition=Q(organization__memberships__space=F("meeting__space"))),
        "citizen_seat": FilteredRelation("person__memberships",
                                         condition=Q(person__memberships__space=F("meeting__space"),
                                                     person__memberships__organization__isnull=True)),
    }
    college = Coalesce(F("seat__college__name"), F("organization__college__name"), F("citizen_seat__college__name"),
                       output_field=CharField())
    return seats, college


ATTENDANCE_SQL = """
SELECT COALESCE(seat_college.name, organization_college.name, citizen_college.name), COUNT(*),
       COUNT(DISTINCT attendance.person_id)
  FROM {attendance} attendance
  JOIN {meeting} meeting ON meeting.id = attendance.meeting_id
  LEFT JOIN {membership} seat ON seat.organization_id = attendance.organization_id
                             AND seat.space_id = meeting.space_id
  LEFT JOIN {college} seat_college ON seat_college.id = seat.college_id
  LEFT JOIN {organization} organization ON organization.id = attendance.organization_id
  LEFT JOIN {college} organization_college ON organization_college.id = organization.college_id
  LEFT JOIN {membership} citizen_seat ON citizen_seat.person_id = attendance.person_id
                                     AND citizen_seat.space_id = meeting.space_id
                                     AND citizen_seat.organization_id IS NULL
  LEFT JOIN {college} citizen_college ON citizen_college.id = citizen_seat.college_id
 WHERE meeting.space_id IN ({spaces}) AND meeting.status IN (%s, %s)
   AND meeting.starts_at >= %s AND meeting.starts_at < %s AND attendance.status IN (%s, %s)
 GROUP BY 1
"""


def attendance_by_college(space_ids, period) -> list[CollegeRow]:
    """Presences (present or late) at the meetings held in the period, by college (one query).

    The rule of ``attendance_seats``, in SQL: the organization's seat in the meeting's space and the
    person's citizen seat there are joined (a space has one membership per organization and per
    person), not looked up row by row. Written by hand because the ORM reaches the seats through the
    organization's and the person's rows, two joins more for each of thousands of presences at scale
    L (17 ms instead of 10)."""
    from django.db import connection

    from concertation.directory.models import College, Organization
    from concertation.meetings.models import Attendance, Meeting
    from concertation.spaces.models import Membership

    space_ids = [int(pk) for pk in space_ids]
    if not space_ids:
        return []
    table = connection.ops.quote_name
    sql = ATTENDANCE_SQL.format(
        attendance=table(Attendance._meta.db_table), meeting=table(Meeting._meta.db_table),
        membership=table(Membership._meta.db_table), college=table(College._meta.db_table),
        organization=table(Organization._meta.db_table), spaces=", ".join(["%s"] * len(space_ids)))
    params = [*space_ids, Meeting.Status.HELD.value, Meeting.Status.MINUTES_ADOPTED.value,
              connection.ops.adapt_datetimefield_value(period.start_moment),
              connection.ops.adapt_datetimefield_value(period.end_moment),
              Attendance.Status.PRESENT.value, Attendance.Status.LATE.value]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    total = sum(presences for _name, presences, _people in rows) or 1
    result = [CollegeRow(name=name or _("Sans collège"), presences=presences, people=people,
                         share=round(presences * 100 / total))
              for name, presences, people in rows]
    return sorted(result, key=lambda row: (-row.presences, row.name))
