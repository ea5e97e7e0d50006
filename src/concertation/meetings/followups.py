"""Follow-ups: what a meeting asked someone to do, until it is done or dropped.

A follow-up belongs to a space, usually to the meeting and the item where it was decided, and to a
person or an organization. It stays open until someone marks it done or dropped; an open one whose
due date has passed is overdue. The open follow-ups of a space appear under the "follow-ups" item
of the space's next meeting (``follow_ups_for_meeting``, ``rolled_follow_ups``), so nothing is
forgotten between meetings.

At that meeting the facilitator marks each one done, dropped or carried over (``follow_up_review``):
the review is kept per meeting (who, when, what); done and dropped close the follow-up, carried over
leaves it open, so it comes back under the follow-ups item of the meeting after.

This module reads; the writes are in ``meetings.services.followups``.
"""

from __future__ import annotations

from datetime import date

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from concertation.core.written_sql import converters_of, plan
from concertation.spaces.access import access_for
from concertation.spaces.models import Delegation, Space
from concertation.spaces.selectors import current_q

from .models import AgendaItem, FollowUp, FollowUpReview, Meeting

Status = FollowUp.Status
Outcome = FollowUpReview.Outcome
# The follow-ups are reviewed while the meeting runs, and corrected until its minutes are adopted.
REVIEWABLE = frozenset({Meeting.Status.IN_PROGRESS, Meeting.Status.HELD})
REVIEW_STATUS = {Outcome.DONE: Status.DONE, Outcome.DROPPED: Status.DROPPED, Outcome.CARRIED: Status.OPEN}
RELATED = ("space__territory", "meeting", "item", "person", "organization")


# Reads ---------------------------------------------------------------------------------------

def is_overdue(follow_up: FollowUp, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return follow_up.status == Status.OPEN and follow_up.due_on is not None and follow_up.due_on < today


def mark_overdue(follow_ups, today: date | None = None) -> list[FollowUp]:
    """Evaluate the follow-ups and set ``overdue`` on each (for templates)."""
    today = today or timezone.localdate()
    rows = list(follow_ups)
    for follow_up in rows:
        follow_up.overdue = is_overdue(follow_up, today)
    return rows


def overdue_q(today: date | None = None) -> Q:
    today = today or timezone.localdate()
    return Q(status=Status.OPEN, due_on__isnull=False, due_on__lt=today)


def overdue_sql(alias: str, today: str = "%(today)s") -> str:
    """``overdue_q`` for a statement written out by hand: the follow-up ``alias`` is open and its due
    date, before the day ``today`` (a placeholder), has passed."""
    return f"{alias}.status = '{Status.OPEN.value}' AND {alias}.due_on IS NOT NULL AND {alias}.due_on < {today}"


def space_follow_ups(space: Space, *, status: str | None = None, overdue: bool = False,
                     today: date | None = None) -> QuerySet[FollowUp]:
    """The follow-ups of a space, open first, then by due date; optionally one status or only overdue."""
    queryset = FollowUp.objects.filter(space=space).select_related(*RELATED)
    if status in Status.values:
        queryset = queryset.filter(status=status)
    if overdue:
        queryset = queryset.filter(overdue_q(today))
    return queryset.order_by("status", "due_on", "id")


def _earlier_q(meeting: Meeting) -> Q:
    return Q(meeting__starts_at__lt=meeting.starts_at) | Q(meeting__isnull=True, created_at__lt=meeting.starts_at)


def follow_ups_for_meeting(meeting: Meeting) -> QuerySet[FollowUp]:
    """What the "follow-ups" item of ``meeting`` reviews: the open follow-ups of its space that were
    decided at an earlier meeting (or recorded before it outside a meeting), and those this meeting
    already marked done or dropped (so that its pages and minutes still show them). Without their
    reviews: ``rolled_follow_ups`` reads them."""
    reviewed_here = Q(reviews__meeting_id=meeting.pk) if meeting.pk else Q(pk__in=[])
    return (
        FollowUp.objects.filter(_earlier_q(meeting), space_id=meeting.space_id)
        .filter(Q(status=Status.OPEN) | reviewed_here)
        .exclude(meeting_id=meeting.pk)
        .select_related("meeting", "person", "organization")
        .distinct()
        .order_by("due_on", "id")
    )


def rolled_follow_ups(meeting: Meeting) -> list[FollowUp]:
    """``follow_ups_for_meeting`` read, each with ``reviews_here`` (this meeting's review, [] or [one])
    and ``carried`` (the reviews of earlier meetings that carried it over, the oldest first).

    Always two queries, with or without rows (a prefetch would skip its query when there is no row,
    and one prefetch per attribute doubled it): the page's query count does not depend on the data."""
    rows = list(follow_ups_for_meeting(meeting))
    # The ids read just above, not the query again as a subquery (its DISTINCT and OR made SQLite
    # take 4 ms at scale L); [0] when there is none, so that the query still runs.
    ids = [row.pk for row in rows] or [0]
    reviews = (
        FollowUpReview.objects.filter(follow_up_id__in=ids)
        .filter(Q(meeting_id=meeting.pk) | Q(outcome=Outcome.CARRIED, meeting__starts_at__lt=meeting.starts_at))
        .select_related("meeting", "by")
        .order_by("meeting__starts_at", "id")
    )
    by_follow_up: dict[int, list[FollowUpReview]] = {}
    for review in reviews:
        by_follow_up.setdefault(review.follow_up_id, []).append(review)
    for row in rows:
        mine = by_follow_up.get(row.pk, [])
        row.reviews_here = [review for review in mine if review.meeting_id == meeting.pk]
        row.carried = [review for review in mine if review.meeting_id != meeting.pk]
    return rows


def review_rows(meeting: Meeting) -> list[FollowUp]:
    """``rolled_follow_ups``, each with ``review`` (this meeting's, or None) and ``overdue``."""
    rows = mark_overdue(rolled_follow_ups(meeting), today=timezone.localdate(meeting.starts_at))
    for row in rows:
        row.review = row.reviews_here[0] if row.reviews_here else None
    return rows


# ``follow_ups_for_meeting`` written out, with what the meeting's page shows of each row (its
# responsible person's and organization's names, this meeting's review): composing the ORM form
# (its OR across a join, DISTINCT, the names' CASE and the review's subquery) cost ~4 ms at L, ten
# times running it. tests/meetings/test_followups_sql.py checks both forms select the same rows.
REVIEW_ROWS_SQL = """
SELECT follow_up.id, follow_up.what, follow_up.due_on, follow_up.status,
       follow_up.person_id, person.display_name, person.email, person.shown_publicly,
       follow_up.organization_id, organization.name, organization.acronym,
       (SELECT review.outcome FROM {review} review
         WHERE review.follow_up_id = follow_up.id AND review.meeting_id = %(meeting)s
         ORDER BY review.id LIMIT 1){who}
  FROM {follow_up} follow_up
  LEFT JOIN {meeting} decided_at ON decided_at.id = follow_up.meeting_id
  LEFT JOIN {user} person ON person.id = follow_up.person_id
  LEFT JOIN {organization} organization ON organization.id = follow_up.organization_id
 WHERE follow_up.space_id = %(space)s
   AND (decided_at.starts_at < %(starts_at)s
        OR (follow_up.meeting_id IS NULL AND follow_up.created_at < %(starts_at)s))
   AND (follow_up.status = %(open)s
        OR EXISTS (SELECT 1 FROM {review} here WHERE here.follow_up_id = follow_up.id
                    AND here.meeting_id = %(meeting)s))
   AND (follow_up.meeting_id IS NULL OR follow_up.meeting_id <> %(meeting)s)
 ORDER BY follow_up.due_on, follow_up.id
"""


def _review_rows_statement(conn, who: str = "") -> tuple[str, dict]:
    from django.contrib.auth import get_user_model

    from concertation.directory.models import Organization

    quote = conn.ops.quote_name
    sql = REVIEW_ROWS_SQL.format(
        review=quote(FollowUpReview._meta.db_table), follow_up=quote(FollowUp._meta.db_table),
        meeting=quote(Meeting._meta.db_table), user=quote(get_user_model()._meta.db_table),
        organization=quote(Organization._meta.db_table), who=who)
    date_field = FollowUp._meta.get_field("due_on")
    return sql, converters_of(conn, [date_field])


def follow_ups_for_meeting_rows(meeting: Meeting, *, named_for=None) -> list[tuple]:
    """``follow_ups_for_meeting``'s rows in one statement: (id, what, due_on, status, person id,
    display name, e-mail, shown publicly, organization id, name, acronym, this meeting's outcome);
    with ``named_for`` (a viewer), one more column: who is responsible as that viewer may see them
    (``accounts.privacy.label_sql_text``, the rule of ``display_name_for``; None when nobody is named)."""
    from concertation.accounts import privacy

    conn = connections[DEFAULT_DB_ALIAS]
    params = {"meeting": meeting.pk, "space": meeting.space_id, "open": Status.OPEN,
              "starts_at": conn.ops.adapt_datetimefield_value(meeting.starts_at)}
    if named_for is None:
        sql, converters = plan(conn, "meetings.review_rows", _review_rows_statement)
    else:
        shown = privacy.names_shown_to(named_for)
        sql, converters = plan(conn, f"meetings.review_rows.named.{shown}", lambda conn: _review_rows_statement(
            conn, ", " + privacy.label_sql_text("person", named_for, organization="organization")))
        params["neutral_name"] = privacy.neutral_name()
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    due_on = converters.get(0)
    if due_on is None:  # PostgreSQL gives dates as they are
        return rows
    functions, expression = due_on
    converted = []
    for row in rows:
        value = row[2]
        for function in functions:
            value = function(value, expression, conn)
        converted.append((*row[:2], value, *row[3:]))
    return converted


def agenda_review_rows(meeting: Meeting, viewer) -> list[tuple]:
    """What the meeting's page shows under its follow-ups item, in one query: ``(what, who, due_on,
    overdue, outcome)`` for each of ``follow_ups_for_meeting``, where ``who`` is the person or
    organization responsible as ``viewer`` may see them (``accounts.privacy.display_name_for``, as
    ``{% public_name person organization %}``, here in its SQL form; None when nobody is named) and
    ``outcome`` this meeting's review of it ("" when none). The live page (``review_rows``) shows more
    of each."""
    today = timezone.localdate(meeting.starts_at)
    return [(what, who, due_on, status == Status.OPEN and due_on is not None and due_on < today, outcome or "")
            for (_pk, what, due_on, status, _person_id, _display_name, _email, _shown_publicly, _organization_id,
                 _name, _acronym, outcome, who) in follow_ups_for_meeting_rows(meeting, named_for=viewer)]


def follow_ups_item(items) -> AgendaItem | None:
    """The item under which the follow-ups of earlier meetings are reviewed: the standard « Suivis »
    item, else the first item of kind « suivi »."""
    items = list(items)
    return (next((item for item in items if item.standard_role == AgendaItem.Role.FOLLOW_UPS), None)
            or next((item for item in items if item.kind == AgendaItem.Kind.FOLLOW_UP), None))


def follow_ups_of_meeting(meeting: Meeting) -> QuerySet[FollowUp]:
    """The follow-ups decided at this meeting."""
    return (
        FollowUp.objects.filter(meeting=meeting)
        .select_related("item", "person", "organization")
        .order_by(F("item__position").asc(nulls_last=True), "due_on", "id")
    )


def represented_organization_ids(person, on: date | None = None) -> set[int]:
    """The organizations a person currently represents, as delegate or alternate, in any space."""
    if person is None or not person.is_authenticated:
        return set()
    return set(
        Delegation.objects.filter(current_q(on=on), current_q("membership__", on=on), person=person)
        .values_list("membership__organization_id", flat=True)
    ) - {None}


def my_follow_ups(person, *, status: str | None = Status.OPEN) -> dict:
    """A person's follow-ups: ``{"mine": […], "organizations": […], "organization_ids": {…}}``.

    ``mine`` are those assigned to the person; ``organizations`` those assigned to an organization
    they represent (in the spaces they may see), without repeating the ones already in ``mine``.
    """
    organization_ids = represented_organization_ids(person)
    base = FollowUp.objects.select_related(*RELATED)
    if status in Status.values:
        base = base.filter(status=status)
    mine = base.filter(person=person).order_by("status", "due_on", "id")
    by_organization = base.filter(organization_id__in=organization_ids).exclude(person=person)
    access = access_for(person)
    space_ids = set(by_organization.values_list("space_id", flat=True).distinct())
    visible = [space.pk for space in Space.objects.filter(pk__in=space_ids) if access.can_view(space)]
    by_organization = by_organization.filter(space_id__in=visible).order_by("organization__name", "status",
                                                                              "due_on", "id")
    return {"mine": mine, "organizations": by_organization, "organization_ids": organization_ids}


def can_edit_follow_up(user, follow_up: FollowUp) -> bool:
    """Those who run the space's meetings, the person responsible, or someone who represents the
    organization responsible."""
    if user is None or not user.is_authenticated:
        return False
    if access_for(user).facilitates(follow_up.space):
        return True
    if follow_up.person_id and follow_up.person_id == user.pk:
        return True
    if follow_up.organization_id:
        return follow_up.organization_id in represented_organization_ids(user)
    return False
