"""Attendance by college: the college of a presence at a meeting is the college of the
organization's membership in the meeting's space, else the organization's own, else the college of
the person's citizen seat there.

One rule, written once in SQL (``SEAT_JOINS``, ``CITIZEN_SEAT_JOIN``, ``COLLEGE``), read by two
queries: ``attendance_by_college`` (the bilan's counts by college) and ``presences_by_organization``
(the governance health's presences by period and organization). Hand-written because the ORM
reached the seats through the organization's and the person's rows, two joins more for each of
thousands of presences at scale L. tests/planning/test_dashboard.py checks that the two queries
count the same presences per college.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass
class CollegeRow:
    name: str
    presences: int
    people: int
    share: int  # % of all presences


# The rule: the organization's seat in the meeting's space (``{organization_id}``, ``{space_id}``:
# columns of the query), the organization's own college, and the person's citizen seat there
# (``{person_id}``); the college is the first of the three that has one.
SEAT_JOINS = """
  LEFT JOIN {membership} seat ON seat.organization_id = {organization_id} AND seat.space_id = {space_id}
  LEFT JOIN {college} seat_college ON seat_college.id = seat.college_id
  LEFT JOIN {organization} organization ON organization.id = {organization_id}
  LEFT JOIN {college} organization_college ON organization_college.id = organization.college_id"""
CITIZEN_SEAT_JOIN = """
  LEFT JOIN {membership} citizen_seat ON citizen_seat.person_id = {person_id} AND citizen_seat.space_id = {space_id}
                                     AND citizen_seat.organization_id IS NULL"""
COLLEGE = "COALESCE(seat_college.name, organization_college.name, {citizen_college}.name)"

# The presences of a window: those of the meetings held in the spaces, from its start to its end.
_WINDOW = """ WHERE meeting.space_id IN ({spaces}) AND meeting.status IN (%s, %s)
   AND meeting.starts_at >= %s AND meeting.starts_at < %s AND attendance.status IN (%s, %s)
"""

ATTENDANCE_SQL = """
SELECT {college_name}, COUNT(*), COUNT(DISTINCT attendance.person_id)
  FROM {attendance} attendance
  JOIN {meeting} meeting ON meeting.id = attendance.meeting_id {seats} {citizen_seat}
  LEFT JOIN {college} citizen_college ON citizen_college.id = citizen_seat.college_id
""" + _WINDOW + """ GROUP BY 1
"""

# The presences by period, space, organization and the person's citizen seat (one lookup a presence).
_COUNTED = """
WITH counted AS (
SELECT CASE WHEN meeting.starts_at >= %s THEN 1 ELSE 0 END AS in_current, meeting.space_id AS space_id,
       attendance.organization_id AS organization_id, citizen_seat.college_id AS citizen_college_id,
       CASE WHEN citizen_seat.id IS NULL THEN 0 ELSE 1 END AS citizen, COUNT(*) AS presences
  FROM {attendance} attendance
  JOIN {meeting} meeting ON meeting.id = attendance.meeting_id {citizen_seat}
""" + _WINDOW
_NAMED = """  FROM counted {seats}
  LEFT JOIN {college} citizen_college ON citizen_college.id = counted.citizen_college_id
  LEFT JOIN {sector} sector ON sector.id = organization.sector_id
"""
# One period's presences without organization: a count, no grouping, no condition a row.
_WITHOUT_ORGANIZATION = """SELECT PERIOD, NULL, NULL, NULL, NULL, -1, COUNT(*) - COUNT(attendance.organization_id)
  FROM {attendance} attendance
  JOIN {meeting} meeting ON meeting.id = attendance.meeting_id
""" + _WINDOW

# The presences counted first by period, space, organization and the person's citizen seat, the
# organization's seat and names then looked up once a group, not once a presence. Only the presences
# that have a category of their own are grouped: those of an organization and those of a citizen (a
# citizen seat in the meeting's space). The others, without organization nor seat (most of them at
# scale L), are only counted: the presences without organization of each period (the last two
# parts; the caller takes the citizens' off), and the groups are not grouped again by name (the
# caller sums them): 8 ms instead of 10 at scale L. ``PRESENCES_GROUPED_SQL`` is the form it
# replaces (every presence grouped), kept for tests/insights/test_sql_forms.py, which checks
# that both count the same.
PRESENCES_SQL = (_COUNTED + """   AND (attendance.organization_id IS NOT NULL OR citizen_seat.id IS NOT NULL)
 GROUP BY 1, 2, 3, 4, 5
)
SELECT counted.in_current, counted.organization_id, organization.name, sector.name, {college_name},
       counted.citizen, counted.presences
""" + _NAMED + "UNION ALL\n" + _WITHOUT_ORGANIZATION.replace("PERIOD", "1") + "UNION ALL\n"
                 + _WITHOUT_ORGANIZATION.replace("PERIOD", "0"))
PERSONAL = -1  # the ``citizen`` of PRESENCES_SQL's rows that count every presence without organization

PRESENCES_GROUPED_SQL = _COUNTED + """ GROUP BY 1, 2, 3, 4, 5
)
SELECT counted.in_current, counted.organization_id, organization.name, sector.name, {college_name},
       counted.citizen, SUM(counted.presences)
""" + _NAMED + """ GROUP BY 1, 2, 3, 4, 5, 6
"""


def _tables() -> dict[str, str]:
    from django.db import connection

    from concertation.directory.models import College, Organization, Sector
    from concertation.meetings.models import Attendance, Meeting
    from concertation.spaces.models import Membership

    table = connection.ops.quote_name
    return {"attendance": table(Attendance._meta.db_table), "meeting": table(Meeting._meta.db_table),
            "membership": table(Membership._meta.db_table), "college": table(College._meta.db_table),
            "organization": table(Organization._meta.db_table), "sector": table(Sector._meta.db_table)}


def _statement(template: str, space_ids, *, seats_of: str, seat_space: str) -> str:
    """``template`` with the tables and the college rule's fragments: the organization's seat joined on
    ``seats_of`` in the space ``seat_space``, the person's citizen seat in the meeting's space."""
    tables = _tables()
    return template.format(
        **tables, spaces=", ".join(["%s"] * len(space_ids)),
        college_name=COLLEGE.format(citizen_college="citizen_college"),
        seats=SEAT_JOINS.format(**tables, organization_id=seats_of, space_id=seat_space),
        citizen_seat=CITIZEN_SEAT_JOIN.format(**tables, person_id="attendance.person_id",
                                              space_id="meeting.space_id"))


def _held_params(space_ids, start, end) -> list:
    """The parameters of the WHERE clause both queries share: the spaces, the meetings held between
    two moments, the presences (present or late)."""
    from django.db import connection

    from concertation.meetings.models import Attendance, Meeting

    return [*space_ids, Meeting.Status.HELD.value, Meeting.Status.MINUTES_ADOPTED.value,
            connection.ops.adapt_datetimefield_value(start), connection.ops.adapt_datetimefield_value(end),
            Attendance.Status.PRESENT.value, Attendance.Status.LATE.value]


def attendance_by_college(space_ids, period) -> list[CollegeRow]:
    """Presences (present or late) at the meetings held in the period, by college (one query).

    The organization's seat in the meeting's space and the person's citizen seat there are joined (a
    space has one membership per organization and per person), not looked up row by row."""
    from django.db import connection

    space_ids = [int(pk) for pk in space_ids]
    if not space_ids:
        return []
    sql = _statement(ATTENDANCE_SQL, space_ids, seats_of="attendance.organization_id", seat_space="meeting.space_id")
    params = _held_params(space_ids, period.start_moment, period.end_moment)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    total = sum(presences for _name, presences, _people in rows) or 1
    result = [CollegeRow(name=name or _("Sans collège"), presences=presences, people=people,
                         share=round(presences * 100 / total))
              for name, presences, people in rows]
    return sorted(result, key=lambda row: (-row.presences, row.name))


def presences_by_organization(space_ids, start, split, end, *, statement: str = PRESENCES_SQL) -> list[dict]:
    """Presences (present or late) at the meetings held between the moments ``start`` and ``end``,
    counted (``n``) by period (``in_current``: the meeting starts at ``split`` or later),
    organization (``organization_id``, ``organization_name``, ``sector_name``), college (the rule
    above: ``college_name``) and whether the person has a citizen seat in the meeting's space
    (``citizen``). One query; a category may come in more than one row (to be summed). The
    presences without organization nor citizen seat come in one row a period (when there are some).
    ``statement``: ``PRESENCES_GROUPED_SQL`` for the form the agreement test compares with."""
    from django.db import connection

    space_ids = [int(pk) for pk in space_ids]
    if not space_ids:
        return []
    sql = _statement(statement, space_ids, seats_of="counted.organization_id", seat_space="counted.space_id")
    held = _held_params(space_ids, start, end)
    split_param = connection.ops.adapt_datetimefield_value(split)
    params = [split_param, *held]
    if statement is PRESENCES_SQL:  # the presences without organization from the split, then before it
        within = connection.ops.adapt_datetimefield_value(min(max(split, start), end))  # a split outside: one part empty
        spaces, statuses, presences = held[:len(space_ids)], held[len(space_ids):len(space_ids) + 2], held[-2:]
        params += [*spaces, *statuses, within, held[-3], *presences, *spaces, *statuses, held[-4], within, *presences]
    columns = ("in_current", "organization_id", "organization_name", "sector_name", "college_name", "citizen", "n")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if statement is not PRESENCES_SQL:
        return [dict(zip(columns, row, strict=True)) for row in rows]
    result, others = [], {}
    for row in rows:
        if row[5] == PERSONAL:  # every presence without organization: the citizens' are taken off below
            others[bool(row[0])] = others.get(bool(row[0]), 0) + row[6]
            continue
        if row[1] is None:
            others[bool(row[0])] = others.get(bool(row[0]), 0) - row[6]
        result.append(dict(zip(columns, row, strict=True)))
    for in_current, count in others.items():
        if count:
            result.append(dict(zip(columns, (1 if in_current else 0, None, None, None, None, 0, count), strict=True)))
    return result
