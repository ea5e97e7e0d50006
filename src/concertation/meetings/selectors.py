"""Reads of meetings, scoped to what the person may see, in a number of queries that does not grow
with the data (one query per list, prefetches for what hangs below)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from concertation.spaces.access import access_for
from concertation.spaces.models import Delegation, Membership, RoleAssignment
from concertation.spaces.selectors import assignment_current_q, current_q

from .agenda_loading import agenda_items_read, meeting_of_space_read, rsvps_read
from .models import AgendaItem, Meeting, Rsvp

UPCOMING_LIMIT = 50
FEED_PAST_DAYS = 366
FEED_LIMIT = 500


# Meetings of a space ----------------------------------------------------------------------------

def meetings_visible(user, space):
    """The meetings of a space the person may see: drafts only for those who run the space's meetings."""
    meetings = Meeting.objects.filter(space=space)
    if not access_for(user).facilitates(space):
        meetings = meetings.exclude(status=Meeting.Status.DRAFT)
    return meetings


def upcoming_meetings(user, space, now=None):
    now = now or timezone.now()
    return list(meetings_visible(user, space).filter(ends_at__gte=now).order_by("starts_at", "pk")[:UPCOMING_LIMIT])


def past_meetings(user, space, now=None):
    """A queryset to paginate: the most recent first."""
    now = now or timezone.now()
    return meetings_visible(user, space).filter(ends_at__lt=now).order_by("-starts_at", "-pk")


# The list's reads written out: the meetings to come and a page of past ones, as dicts of ``fields``
# (``values()`` of ``upcoming_meetings`` and ``past_meetings``). The list asks for them on every
# request, and composing the ORM's three queries cost ~2 ms at scale L, many times running them.
# tests/meetings/test_list_rows.py compares both forms.
LIST_SQL = """
SELECT {columns}
  FROM {meeting} meeting
 WHERE meeting.space_id = %(space)s AND meeting.ends_at {compare} %(now)s{drafts}
 ORDER BY {order}
 LIMIT %(limit)s OFFSET %(offset)s
"""

LIST_COUNT_SQL = """
SELECT COUNT(*) FROM {meeting} meeting
 WHERE meeting.space_id = %(space)s AND meeting.ends_at < %(now)s{drafts}
"""


def _list_statements(conn, fields: tuple[str, ...], drafts: bool):
    from concertation.core.written_sql import converters_of

    quote = conn.ops.quote_name
    model_fields = [Meeting._meta.pk if name == "pk" else Meeting._meta.get_field(name) for name in fields]
    names = {"columns": ", ".join(f"meeting.{quote(field.column)}" for field in model_fields),
             "meeting": quote(Meeting._meta.db_table), "drafts": "" if drafts else " AND meeting.status <> %(draft)s"}
    upcoming = LIST_SQL.format(compare=">=", order="meeting.starts_at, meeting.id", **names)
    past = LIST_SQL.format(compare="<", order="meeting.starts_at DESC, meeting.id DESC", **names)
    count = LIST_COUNT_SQL.format(meeting=names["meeting"], drafts=names["drafts"])
    return upcoming, past, count, converters_of(conn, model_fields)


class MeetingValues:
    """The meetings of ``space`` that ``user`` may see (``meetings_visible``) to come
    (``upcoming_meetings``) or past (``past_meetings``, for a ``Paginator``: ``count()`` and slices),
    as dicts of ``fields``, by written statements."""

    def __init__(self, user, space, now, fields: tuple[str, ...], *, upcoming: bool):
        from django.db import DEFAULT_DB_ALIAS, connections

        from concertation.core.written_sql import plan

        self.conn = connections[DEFAULT_DB_ALIAS]
        self.fields, self.upcoming = fields, upcoming
        drafts = access_for(user).facilitates(space)
        self.statements = plan(self.conn, f"meetings.list.{','.join(fields)}.{drafts}",
                               lambda conn: _list_statements(conn, fields, drafts))
        self.params = {"space": space.pk, "now": self.conn.ops.adapt_datetimefield_value(now),
                       "draft": Meeting.Status.DRAFT}

    def count(self) -> int:
        with self.conn.cursor() as cursor:
            cursor.execute(self.statements[2], self.params)
            return cursor.fetchone()[0]

    def __getitem__(self, window: slice) -> list[dict]:
        from concertation.core.written_sql import convert

        upcoming_sql, past_sql, _count, converters = self.statements
        start = window.start or 0
        with self.conn.cursor() as cursor:
            cursor.execute(upcoming_sql if self.upcoming else past_sql,
                           {**self.params, "limit": window.stop - start, "offset": start})
            rows = cursor.fetchall()
        return [dict(zip(self.fields, convert(row, converters, self.conn), strict=True)) for row in rows]


def meeting_for(user, space, pk: int) -> Meeting:
    """The meeting of this space if the person may see it; 404 exactly like a missing one otherwise."""
    meeting = meeting_of_space_read(space.pk, pk)  # written out: agenda_loading.py
    if meeting is None:
        raise Http404
    meeting.space = space  # already loaded, with its territory
    if not user.has_perm("meetings.view_meeting", meeting):
        raise Http404
    return meeting


# The agenda -------------------------------------------------------------------------------------

def agenda_items(meeting) -> list[AgendaItem]:
    """Every item of the meeting (accepted, proposed and declined) in order, with what hangs below
    (its presenter and organization, proposal, proposer, documents with their space): two written
    statements (agenda_loading.py), what the ORM read with four select_related and a prefetch."""
    return agenda_items_read(meeting.pk)


def accepted_items(meeting) -> list[AgendaItem]:
    return [item for item in agenda_items(meeting) if item.status == AgendaItem.Status.ACCEPTED]


def schedule(items, starts_at) -> list[tuple[AgendaItem, object, object]]:
    """[(item, start, end)] from the meeting's start and each item's minutes, in local time."""
    moment = timezone.localtime(starts_at)
    rows = []
    for item in items:
        end = moment + timedelta(minutes=item.minutes_allotted or 0)
        rows.append((item, moment, end))
        moment = end
    return rows


# People -----------------------------------------------------------------------------------------

def notice_recipients(meeting) -> list:
    """Whom the notice goes to: the citizens who sit in the space, the delegate and the alternate of
    each member organization, and the meeting's facilitation and secretary — each person once,
    active accounts with an address only. Two queries."""
    User = get_user_model()
    on = timezone.localdate()
    citizens = Membership.objects.filter(current_q(on=on), space_id=meeting.space_id, person__isnull=False)
    delegations = Delegation.objects.filter(
        current_q(on=on), current_q("membership__", on=on), membership__space_id=meeting.space_id,
    )
    ids = set(citizens.values_list("person_id", flat=True)) | set(delegations.values_list("person_id", flat=True))
    ids |= {pk for pk in (meeting.facilitator_id, meeting.secretary_id) if pk}
    return list(User.objects.filter(pk__in=ids, is_active=True).exclude(email="").order_by("display_name", "email"))


def people_of_space(space, *, include=()):
    """Who may facilitate, take the minutes or present: the citizens, delegates and alternates who sit
    in the space and the holders of its roles (plus ``include``, e.g. the current facilitator)."""
    User = get_user_model()
    on = timezone.localdate()
    ids = set(
        Membership.objects.filter(current_q(on=on), space=space, person__isnull=False).values_list("person_id", flat=True)
    )
    ids |= set(
        Delegation.objects.filter(current_q(on=on), current_q("membership__", on=on), membership__space=space)
        .values_list("person_id", flat=True)
    )
    ids |= set(
        RoleAssignment.objects.filter(assignment_current_q(on=on), role__space=space, person__isnull=False)
        .values_list("person_id", flat=True)
    )
    ids |= {pk for pk in include if pk}
    return User.objects.filter(pk__in=ids).order_by("display_name", "email")


def member_organizations(space, *, include=()):
    from concertation.directory.models import Organization

    on = timezone.localdate()
    ids = set(
        Membership.objects.filter(current_q(on=on), space=space, organization__isnull=False)
        .values_list("organization_id", flat=True)
    )
    ids |= {pk for pk in include if pk}
    return Organization.objects.filter(pk__in=ids).order_by("name")


# Answers ----------------------------------------------------------------------------------------

def rsvps_of(meeting) -> list[Rsvp]:
    """The answers to the meeting's notice with their person, by name (written out: agenda_loading.py)."""
    return rsvps_read(meeting.pk)


def rsvp_of(meeting, user) -> Rsvp | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Rsvp.objects.filter(meeting=meeting, person=user).first()


# Calendar feeds ---------------------------------------------------------------------------------

def _feed_window(queryset, now=None):
    now = now or timezone.now()
    return (
        queryset.exclude(status=Meeting.Status.DRAFT)
        .filter(ends_at__gte=now - timedelta(days=FEED_PAST_DAYS))
        .select_related("space__territory")
        .order_by("starts_at", "pk")[:FEED_LIMIT]
    )


def space_feed_meetings(space, now=None) -> list[Meeting]:
    """A space's meetings for its calendar feed: no drafts; cancelled ones stay (as CANCELLED) so
    that calendars remove them; the last year and everything ahead."""
    return list(_feed_window(Meeting.objects.filter(space=space), now))


def person_feed_meetings(person, now=None) -> list[Meeting]:
    """The meetings of every space where the person sits or that they facilitate."""
    access = access_for(person)
    space_ids = set(access.space_categories) | set(access.role_kinds) | access.coordinated_spaces
    query = Q(space_id__in=space_ids) | Q(facilitator=person) | Q(secretary=person)
    return list(_feed_window(Meeting.objects.filter(query), now))
