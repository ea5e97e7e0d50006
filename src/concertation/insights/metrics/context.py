"""The reads several families share, made once per page (each one query): the memberships of the
scope, the meetings held in the window, the presences, and the figures the families count in the
database (``summaries``: one union of a query a family). Whether a person is staff is a condition in
SQL (``staff_sql``), evaluated in the query that needs it.

Who is « staff » (the coordination): the territory's coordinators (``Territory.coordinators``) and
the people who held a role of kind « coordination » in any space of the territory during the window
(``spaces.Role.Kind.COORDINATION``, the same kind that makes a person coordinate a space in
``spaces.access``). Everyone else is a member: delegates, citizens, other role holders.
"""

from __future__ import annotations

from functools import cached_property

from django.db import connection
from django.db.models import (
    Q,
)

from concertation.directory.models import College, Organization, Sector, Territory
from concertation.meetings.models import Attendance, Evaluation, Meeting
from concertation.planning.attendance import presences_by_organization
from concertation.spaces.models import Membership, Role, RoleAssignment, Space

from .base import Scope, Window, overlap_sql, term_sql

HELD = (Meeting.Status.HELD, Meeting.Status.MINUTES_ADOPTED)
# The columns of a row of ``MetricsContext.memberships`` and ``role_terms`` (tuples: making 2 600
# dicts a page cost more than the database reading the rows), by position.
KIND, ORGANIZATION, PERSON, COLLEGE, SECTOR, IN_CURRENT, IN_PREVIOUS, STAFF = range(8)
IN_PERIOD = {"current": IN_CURRENT, "previous": IN_PREVIOUS}  # the column of a period's flag
EVALUATION_QUESTIONS = ("objectives_met", "everyone_could_speak", "useful_to_my_organization")
MEETING_COLUMNS = ("id", "title", "starts_at", "period", "facilitator_id", "secretary_id", "facilitator_organization",
                   "secretary_organization", "facilitator_staff", "secretary_staff", "evaluation_answers",
                   *(f"evaluation_{field}" for field in EVALUATION_QUESTIONS))
# ``MetricsContext._staff_ids`` written: the territory's coordinators; the holders of a coordination
# role in one of its spaces whose term overlaps the window (parameters: the territory; the window's
# first day twice, the kind, the territory, its last day).
STAFF_SQL = (
    "SELECT coordinator.user_id FROM {coordinators} coordinator WHERE coordinator.territory_id = %s",
    'SELECT term.person_id FROM {assignment} term JOIN {role} role ON role.id = term.role_id'
    ' JOIN {space} space ON space.id = role.space_id'
    ' WHERE (term."end" IS NULL OR term."end" >= %s) AND (term.ended_on IS NULL OR term.ended_on > %s)'
    ' AND term.person_id IS NOT NULL AND role.kind = %s AND space.territory_id = %s AND term."start" <= %s',
)
SUMMARY_FIGURES = 4  # the figures of a row of ``MetricsContext.summaries``, padded with zeros


def summary_sql(family: str, period: tuple[str, list], figures: list[tuple[str, list]], source: str,
                params: list) -> tuple[str, list]:
    """A family's part of ``MetricsContext.summaries``: the rows of ``source`` (« FROM … WHERE … »,
    with ``params``) grouped by ``period`` (an SQL expression and its parameters), with its figures
    (SQL aggregates and their parameters, at most four) padded with zeros."""
    columns = [sql for sql, _params in figures] + ["0"] * (SUMMARY_FIGURES - len(figures))
    figure_params = [param for _sql, figure_params in figures for param in figure_params]
    return (f"SELECT %s, {period[0]}, {', '.join(columns)} {source} GROUP BY 2",
            [family, *period[1], *figure_params, *params])


class MetricsContext:
    def __init__(self, scope: Scope, window: Window):
        self.scope, self.window = scope, window

    @cached_property
    def _people(self) -> dict[str, list[tuple]]:
        """The scope's memberships and role terms overlapping the window, in one query (a union of
        rows of the same shape, read by position: ``KIND``…): « membership » or « term », organization,
        person, college, sector, the periods overlapped (``IN_CURRENT``, ``IN_PREVIOUS``) and, for a
        term, whether its holder is staff. Written by hand: composing it through the ORM took longer
        than the database reading it."""
        window, spaces = self.window, self.scope.space_ids
        people: dict[str, list[tuple]] = {"membership": [], "term": []}
        if not spaces:
            return people
        q = connection.ops.quote_name
        table = {model: q(model._meta.db_table) for model in (Membership, RoleAssignment, Role, College, Organization,
                                                                Sector)}
        in_spaces = ", ".join(["%s"] * len(spaces))
        term_flags, term_flag_params = overlap_sql(window, 'term."start"', 'term."end"', 'term."ended_on"')
        term_window, term_window_params = term_sql(window, 'term."start"', 'term."end"', 'term."ended_on"')
        staff, staff_params = self.staff_sql("term.person_id")
        seat_flags, seat_flag_params = overlap_sql(window, 'seat."start"', 'seat."end"')
        seat_window, seat_window_params = term_sql(window, 'seat."start"', 'seat."end"')
        sql = f"""
SELECT %s, term.organization_id, term.person_id, college.name, sector.name, {term_flags}, {staff}
  FROM {table[RoleAssignment]} term
  JOIN {table[Role]} role ON role.id = term.role_id
  LEFT JOIN {table[Organization]} organization ON organization.id = term.organization_id
  LEFT JOIN {table[College]} college ON college.id = organization.college_id
  LEFT JOIN {table[Sector]} sector ON sector.id = organization.sector_id
 WHERE {term_window} AND role.space_id IN ({in_spaces})
UNION ALL
SELECT %s, seat.organization_id, seat.person_id, seat_college.name, NULL, {seat_flags}, %s
  FROM {table[Membership]} seat
  LEFT JOIN {table[College]} seat_college ON seat_college.id = seat.college_id
 WHERE {seat_window} AND seat.space_id IN ({in_spaces})"""
        params = ["term", *term_flag_params, *staff_params, *term_window_params, *spaces,
                  "membership", *seat_flag_params, False, *seat_window_params, *spaces]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for row in cursor.fetchall():
                people[row[KIND]].append(row)
        return people

    @property
    def memberships(self) -> list[tuple]:
        """The scope's memberships whose dates overlap the window: organization or citizen, with the
        membership's college (``COLLEGE``: what a citizen's counts by; no sector) and the periods they
        overlap (``IN_CURRENT``, ``IN_PREVIOUS``)."""
        return self._people["membership"]

    @property
    def role_terms(self) -> list[tuple]:
        """The role terms of the scope's spaces overlapping the window (ended early: up to the day
        before ``ended_on``), with the college and sector of the organization (if any), the periods
        overlapped, and whether the holder is staff."""
        return self._people["term"]

    @cached_property
    def _staff_ids(self) -> tuple:
        """The staff's ids, as two querysets: the coordinators of the territory, the holders of a
        coordination role there during the window. The rule's ORM form; the statements use its
        written form (``STAFF_SQL``, ``_staff_subqueries``)."""
        window = self.window
        coordinators = Territory.coordinators.through.objects.filter(territory_id=self.scope.territory_id)
        roles = RoleAssignment.objects.filter(
            Q(end__isnull=True) | Q(end__gte=window.start), Q(ended_on__isnull=True) | Q(ended_on__gt=window.start),
            role__kind=Role.Kind.COORDINATION, role__space__territory_id=self.scope.territory_id,
            start__lte=window.end, person__isnull=False)
        return coordinators.values("user_id"), roles.values("person_id").order_by()

    @cached_property
    def _staff_subqueries(self) -> tuple[list[str], list]:
        """The two subqueries of ``_staff_ids``, written (``STAFF_SQL``: compiling the querysets cost
        0.5 ms a page, and four statements use them), and their parameters.
        tests/insights/test_sql_forms.py checks that both forms name the same people."""
        q = connection.ops.quote_name
        window = self.window
        tables = {"coordinators": q(Territory.coordinators.through._meta.db_table),
                  "assignment": q(RoleAssignment._meta.db_table), "role": q(Role._meta.db_table),
                  "space": q(Space._meta.db_table)}
        first, last = connection.ops.adapt_datefield_value(window.start), connection.ops.adapt_datefield_value(window.end)
        return ([part.format(**tables) for part in STAFF_SQL],
                [self.scope.territory_id, first, first, Role.Kind.COORDINATION.value, self.scope.territory_id, last])

    def held_meetings_sql(self, meeting: str) -> tuple[str, list]:
        """The meetings (table alias ``meeting``) of the scope held (or whose minutes are adopted) in
        the window: the condition and its parameters."""
        spaces = self.scope.space_ids
        sql = (f"{meeting}.space_id IN ({', '.join(['%s'] * len(spaces))}) AND {meeting}.status IN (%s, %s)"
               f" AND {meeting}.starts_at >= %s AND {meeting}.starts_at < %s")
        return sql, [*spaces, *(status.value for status in HELD),
                     connection.ops.adapt_datetimefield_value(self.window.start_moment),
                     connection.ops.adapt_datetimefield_value(self.window.end_moment)]

    def staff_sql(self, column: str) -> tuple[str, list]:
        """Whether the person of ``column`` (a user id of the row) is staff, in SQL: the two subqueries
        of ``_staff_ids`` (the one home of the rule), which the database reads once, not once a row,
        and their parameters."""
        parts, params = self._staff_subqueries
        return f"({' OR '.join(f'{column} IN ({sql})' for sql in parts)})", list(params)

    @cached_property
    def meetings(self) -> list[dict]:
        """The meetings held in the window, oldest first, each with its period (« period »: « current »
        or « previous », said by the database), the organization its facilitator and its secretary
        represented there (their attendance row; rotation.py) and whether they are staff, and its
        evaluations: their number and the sum of each question (evaluations.py), all read in the same
        query (written by hand: composing its eight subqueries through the ORM took twice what the
        database needs at scale L). « starts_at » is the database's value: ``moment`` makes it the
        ORM's (only the evaluated meetings' are shown, and converting 660 of them cost 1 ms)."""
        table = connection.ops.quote_name
        spaces = self.scope.space_ids
        if not spaces:
            return []
        period, params = self.period_sql("meeting.starts_at")
        selects = [period, "meeting.facilitator_id", "meeting.secretary_id"]
        for job in ("facilitator", "secretary"):
            selects.append(f"""(SELECT attendance.organization_id FROM {table(Attendance._meta.db_table)} attendance
                 WHERE attendance.meeting_id = meeting.id AND attendance.person_id = meeting.{job}_id
                   AND attendance.organization_id IS NOT NULL LIMIT 1)""")
        for job in ("facilitator", "secretary"):
            staff, staff_params = self.staff_sql(f"meeting.{job}_id")
            selects.append(staff)
            params += staff_params
        for aggregate in ("COUNT(*)", *(f"SUM(evaluation.{table(field)})" for field in EVALUATION_QUESTIONS)):
            # No evaluation: NULL, as the count of an empty group.
            selects.append(f"""(SELECT {aggregate} FROM {table(Evaluation._meta.db_table)} evaluation
                 WHERE evaluation.meeting_id = meeting.id GROUP BY evaluation.meeting_id)""")
        held, held_params = self.held_meetings_sql("meeting")
        sql = f"""SELECT meeting.id, meeting.title, meeting.starts_at, {", ".join(selects)}
          FROM {table(Meeting._meta.db_table)} meeting
         WHERE {held}
         ORDER BY meeting.starts_at, meeting.id"""
        params += held_params
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [dict(zip(MEETING_COLUMNS, row, strict=True)) for row in cursor.fetchall()]

    def moment(self, value):
        """A meeting's « starts_at » as the ORM gives it (aware, on every database)."""
        starts_at = Meeting._meta.get_field("starts_at").cached_col
        for converter in (*connection.ops.get_db_converters(starts_at), *starts_at.get_db_converters(connection)):
            value = converter(value, starts_at, connection)
        return value

    @cached_property
    def summaries(self) -> dict[str, dict[str, list[int]]]:
        """The figures the families count in the database (``summary(ctx)``: a query of rows (family,
        period, four figures), grouped by period), all read in one query (a union): family → period
        → figures."""
        from . import FAMILIES

        parts = [module.summary(self) for module in FAMILIES if hasattr(module, "summary")]
        summaries: dict[str, dict[str, list[int]]] = {}
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(sql for sql, _params in parts),
                           [param for _sql, params in parts for param in params])
            for family, period, *figures in cursor.fetchall():
                summaries.setdefault(family, {})[period] = [figure or 0 for figure in figures]
        return summaries

    def summary(self, family: str, period: str) -> list[int]:
        """A family's figures for a period (zeros when there was nothing to count)."""
        return self.summaries.get(family, {}).get(period) or [0] * SUMMARY_FIGURES

    def period_sql(self, column: str, day: bool = False) -> tuple[str, list]:
        """« current » or « previous » for a moment (or a day: ``day``) of a row already within the
        window, in SQL, and its parameters."""
        start = self.window.current.start
        bound = (connection.ops.adapt_datefield_value(start) if day
                 else connection.ops.adapt_datetimefield_value(self.window.current.start_moment))
        return f"CASE WHEN {column} >= %s THEN 'current' ELSE 'previous' END", [bound]

    @cached_property
    def presences(self) -> list[dict]:
        """Presences (attendance « présence » or « retard ») at the meetings held, counted in the
        database (``n``) by period (``in_current``), organization represented, its sector, the college
        (planning.bilan's rule: the organization's seat in the meeting's space, else the organization's
        college, else the person's citizen seat there) and whether the person has a citizen seat in the
        meeting's space (``planning.attendance.presences_by_organization``: hand-written SQL)."""
        if not self.meetings:
            return []
        return presences_by_organization(self.scope.space_ids, self.window.start_moment,
                                         self.window.current.start_moment, self.window.end_moment)
