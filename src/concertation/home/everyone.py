"""The blocks of the home everyone sees (next meetings, open votes, follow-ups, roles, « À lire »):
for each, its rule in the ORM (``…_queryset``), the same rows read through a statement written out
(``…_SQL``, ``…_rows``; tests/home/test_home_sql.py checks that both agree) and the block's lines."""

from __future__ import annotations

from types import SimpleNamespace

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import (
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    Subquery,
)
from django.urls import reverse
from django.utils import timezone

from concertation.core.written_sql import convert, converters_of, plan
from concertation.decisions import eligibility
from concertation.decisions.models import Participation, Proposal, Recusal
from concertation.meetings import followups
from concertation.meetings.models import FollowUp, Meeting, Minutes, Rsvp
from concertation.meetings.rsvp import ANSWERABLE
from concertation.spaces import selectors as space_selectors
from concertation.spaces.access import access_for
from concertation.spaces.models import RoleAssignment
from concertation.spaces.selectors import assignment_current_q

from . import words
from .written import (
    FOLLOW_UP_LIMIT,
    LIMIT,
    MEETINGS_AHEAD,
    PROPOSAL_LIMIT,
    RECENT,
    _Ballot,
    _day,
    _marks,
    _MeetingRef,
    _moment,
    _organizations,
    _ProposalRef,
    _represented,
    _rows,
    _SpaceRef,
    member_space_ids,
)

# The person's own blocks ---------------------------------------------------------------------------

def next_meetings_queryset(person, *, now, count: int):
    """The rule of « Mes prochaines rencontres » in the ORM: the convened (or running) meetings of the
    person's spaces, or that the person facilitates or takes the minutes of, not yet over and within
    ``MEETINGS_AHEAD``, with the person's answer and needs. The home reads the same rows through
    ``NEXT_MEETINGS_SQL``; tests/home/test_home_sql.py checks that both agree."""
    space_ids = member_space_ids(person)
    return (
        Meeting.objects.filter(Q(space_id__in=space_ids) | Q(facilitator=person) | Q(secretary=person))
        .filter(status__in=ANSWERABLE, ends_at__gte=now, starts_at__lte=now + MEETINGS_AHEAD)
        .annotate(mine=FilteredRelation("rsvps", condition=Q(rsvps__person=person)))
        .order_by("starts_at", "pk")
        .values_list("id", "title", "starts_at", "ends_at", "status", "space_id", "space__name", "space__slug",
                     "space__territory_id", "space__territory__slug", "mine__answer", "mine__childcare",
                     "mine__diet", "mine__interpretation", "mine__accessibility")[:count]
    )


NEXT_MEETINGS_SQL = """
SELECT m.id, m.title, m.starts_at, m.ends_at, m.status, m.space_id, s.name, s.slug, s.territory_id, t.slug,
       r.answer, r.childcare, r.diet, r.interpretation, r.accessibility
  FROM meetings_meeting m
  JOIN spaces_space s ON s.id = m.space_id
  JOIN directory_territory t ON t.id = s.territory_id
  LEFT JOIN meetings_rsvp r ON r.meeting_id = m.id AND r.person_id = %s
 WHERE ({spaces}m.facilitator_id = %s OR m.secretary_id = %s)
   AND m.status IN ({statuses}) AND m.ends_at >= %s AND m.starts_at <= %s
 ORDER BY m.starts_at, m.id
 LIMIT %s
"""
_NEXT_MEETINGS_FIELDS = ((Meeting, "id"), (Meeting, "title"), (Meeting, "starts_at"), (Meeting, "ends_at"))


def next_meeting_rows(person, *, now, count: int) -> list[tuple]:
    """``next_meetings_queryset`` as plain rows, in one statement written out."""
    space_ids = sorted(member_space_ids(person))
    statuses = sorted(ANSWERABLE)
    sql = NEXT_MEETINGS_SQL.format(spaces=f"m.space_id IN ({_marks(space_ids)}) OR " if space_ids else "",
                                   statuses=_marks(statuses))
    params = [person.pk, *space_ids, person.pk, person.pk, *statuses, _moment(now), _moment(now + MEETINGS_AHEAD),
              count]
    return _rows("home.next_meetings", sql, _NEXT_MEETINGS_FIELDS, params)


def next_meetings(person, *, now=None, limit: int = LIMIT) -> list[dict]:
    """The next convened meetings of the person's spaces, with the person's answer (one query)."""
    now = now or timezone.now()
    if not member_space_ids(person):
        return []
    labels = dict(Rsvp.Answer.choices)
    rows = []
    for (pk, title, starts_at, ends_at, status, space_id, space_name, space_slug, territory_id, territory_slug,
         answer, childcare, diet, interpretation, accessibility) in next_meeting_rows(person, now=now, count=limit):
        rows.append({
            "meeting": {"pk": pk, "title": title}, "space": {"name": space_name},
            "url": reverse("meetings:meeting", kwargs={"territory": territory_slug, "space": space_slug, "pk": pk}),
            "when": words.meeting_when(starts_at, ends_at),
            "answer": answer or "", "answer_label": labels.get(answer or "", ""),
            # ``meetings.take_part`` reads the meeting's space (the access summary).
            "can_answer": person.has_perm("meetings.take_part", _MeetingRef(_SpaceRef(space_id, territory_id))),
            # Sent back with a one-tap answer so that it keeps the needs already given.
            "needs": {"childcare": childcare or 0, "diet": diet or "", "interpretation": interpretation or "",
                      "accessibility": accessibility or ""},
            "in_progress": status == Meeting.Status.IN_PROGRESS,
        })
    return rows


def _voter_q(person, space_ids) -> Q:
    """The ballots (or recusals) that are the person's, or an organization's the person represents in
    that proposal's space (``voter_key`` « u:<person> » or « o:<organization> »)."""
    access = access_for(person)
    query = Q(voter_key=f"u:{person.pk}")
    for space_id in space_ids:
        for organization_id in access.space_organizations.get(space_id, ()):
            query |= Q(voter_key=f"o:{organization_id}", proposal__space_id=space_id)
    return query


def open_proposals_queryset(person, *, now, count: int):
    """The rule of the open votes block in the ORM: the open proposals of the person's spaces (open
    now, not yet closed), soonest closing first, each with ``voted_key`` and ``voted_for`` (the
    person's ballot or the organization's, the organization's first) and ``recused``.

    The home reads the same rows through ``OPEN_VOTES_SQL`` (composing this cost three times what
    running it does); tests/home/test_home_sql.py checks that both agree."""
    access = access_for(person)
    space_ids = set(access.space_categories)
    voted = (Participation.objects.filter(_voter_q(person, space_ids), proposal=OuterRef("pk"),
                                          round=OuterRef("round"))
             .order_by("voter_key"))
    recused = Recusal.objects.filter(Q(person=person) | Q(organization_id__in=_represented(access, space_ids)),
                                     proposal=OuterRef("pk"))
    return (
        Proposal.objects.filter(status=Proposal.Status.OPEN, space_id__in=space_ids)
        .filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now), Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .select_related("space__territory")
        .only("id", "title", "space", "round", "closes_at", "voting_unit", "eligible_categories",
              "space__name", "space__slug", "space__territory_id", "space__visibility",
              "space__territory__slug", "space__territory__name")
        .annotate(voted_key=Subquery(voted.values("voter_key")[:1]),
                  voted_for=Subquery(voted.values("organization__name")[:1]),
                  recused=Exists(recused))
        .order_by(F("closes_at").asc(nulls_last=True), "pk")[:count]
    )


# ``open_proposals_queryset`` written out. {voter}: the person's key, or an organization's key in a
# space where the person represents it; {recused}: the person's recusal or an organization's.
OPEN_VOTES_SQL = """
SELECT p.id, p.title, p.closes_at, p.eligible_categories, p.space_id, s.name, s.slug, t.slug,
       (SELECT v.voter_key FROM decisions_participation v
         WHERE v.proposal_id = p.id AND v.round = p.round AND ({voter}) ORDER BY v.voter_key LIMIT 1),
       (SELECT o.name FROM decisions_participation v LEFT JOIN directory_organization o ON o.id = v.organization_id
         WHERE v.proposal_id = p.id AND v.round = p.round AND ({voter}) ORDER BY v.voter_key LIMIT 1),
       EXISTS(SELECT 1 FROM decisions_recusal r WHERE r.proposal_id = p.id AND ({recused}))
  FROM decisions_proposal p
  JOIN spaces_space s ON s.id = p.space_id
  JOIN directory_territory t ON t.id = s.territory_id
 WHERE p.status = %s AND p.space_id IN ({spaces})
   AND (p.opens_at IS NULL OR p.opens_at <= %s) AND (p.closes_at IS NULL OR p.closes_at > %s)
 ORDER BY p.closes_at IS NULL, p.closes_at, p.id
 LIMIT %s
"""


def _open_votes_converters(conn):
    return converters_of(conn, [Proposal._meta.get_field("closes_at"), Proposal._meta.get_field("eligible_categories")])


def open_proposal_rows(person, *, now, count: int) -> list[tuple]:
    """``open_proposals_queryset`` as plain rows: (id, title, closes_at, eligible_categories,
    space_id, space name, space slug, territory slug, voted_key, voted_for, recused)."""
    access = access_for(person)
    space_ids = sorted(access.space_categories)
    if not space_ids:
        return []
    conn = connections[DEFAULT_DB_ALIAS]
    converters = plan(conn, "home.open_votes", _open_votes_converters)
    voter, voter_params = ["v.voter_key = %s"], [f"u:{person.pk}"]
    by_organization: dict[int, list[int]] = {}
    for space_id in space_ids:
        for organization_id in access.space_organizations.get(space_id, ()):
            by_organization.setdefault(organization_id, []).append(space_id)
    for organization_id, spaces in sorted(by_organization.items()):
        voter.append(f"(v.voter_key = %s AND p.space_id IN ({', '.join(['%s'] * len(spaces))}))")
        voter_params += [f"o:{organization_id}", *spaces]
    # Every key the person may have voted with, said first: the ballots are then found through
    # their (proposal, round, voter_key) index rather than by reading all those of the proposal.
    keys = [f"u:{person.pk}", *(f"o:{organization_id}" for organization_id in sorted(by_organization))]
    voter_params = [*keys, *voter_params]
    voter = f"v.voter_key IN ({_marks(keys)}) AND ({' OR '.join(voter)})"
    represented = _represented(access, space_ids)
    recused = "r.person_id = %s" + (f" OR r.organization_id IN ({', '.join(['%s'] * len(represented))})"
                                    if represented else "")
    sql = OPEN_VOTES_SQL.format(voter=voter, recused=recused, spaces=", ".join(["%s"] * len(space_ids)))
    moment = conn.ops.adapt_datetimefield_value(now)
    params = [*voter_params, *voter_params, person.pk, *represented, Proposal.Status.OPEN, *space_ids,
              moment, moment, count]
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    result = []
    for row in rows:
        closes_at, eligible = convert(row[2:4], converters, conn)
        result.append((row[0], row[1], closes_at, eligible, *row[4:10], bool(row[10])))
    return result


def open_votes(person, *, now=None, limit: int = PROPOSAL_LIMIT) -> list[dict]:
    """Open proposals the person may vote on (``eligibility.may_vote_here``), soonest closing first,
    with whether the person's ballot — or the organization's — is in (one query)."""
    now = now or timezone.now()
    access = access_for(person)
    rows = []
    for (pk, title, closes_at, eligible, space_id, space_name, space_slug, territory_slug, voted_key, voted_for,
         recused) in open_proposal_rows(person, now=now, count=limit * 3):
        if recused or not eligibility.may_vote_here(_Ballot(eligible, _SpaceRef(space_id)), access):
            continue
        rows.append({
            "proposal": _ProposalRef(pk, title), "space": {"name": space_name},
            "url": reverse("decisions:proposal", kwargs={"territory": territory_slug, "space": space_slug, "pk": pk}),
            "closing": words.closing_in_words(closes_at, now),
            "voted": bool(voted_key),
            "for_organization": voted_for if (voted_key or "").startswith("o:") else "",
        })
        if len(rows) == limit:
            break
    return rows


def my_follow_ups_queryset(person, *, count: int):
    """The rule of « Mes suivis » in the ORM: the person's open follow-ups and those of the
    organizations they represent, by due date (undated last). The home reads the same rows through
    ``MY_FOLLOW_UPS_SQL``; tests/home/test_home_sql.py checks that both agree."""
    organizations = _organizations(access_for(person))
    return (
        FollowUp.objects.filter(Q(person=person) | Q(organization_id__in=organizations), status=FollowUp.Status.OPEN)
        .order_by(F("due_on").asc(nulls_last=True), "pk")
        .values_list("id", "what", "status", "due_on", "person_id", "space_id", "space__name", "space__slug",
                     "space__territory_id", "space__visibility", "space__territory__slug", "organization__name")[:count]
    )


MY_FOLLOW_UPS_SQL = """
SELECT f.id, f.what, f.status, f.due_on, f.person_id, f.space_id, s.name, s.slug, s.territory_id, s.visibility,
       t.slug, o.name
  FROM meetings_followup f
  JOIN spaces_space s ON s.id = f.space_id
  JOIN directory_territory t ON t.id = s.territory_id
  LEFT JOIN directory_organization o ON o.id = f.organization_id
 WHERE (f.person_id = %s{organizations}) AND f.status = %s
 ORDER BY f.due_on IS NULL, f.due_on, f.id
 LIMIT %s
"""
_FOLLOW_UP_FIELDS = ((FollowUp, "id"), (FollowUp, "what"), (FollowUp, "status"), (FollowUp, "due_on"))


def my_follow_up_rows(person, *, count: int) -> list[tuple]:
    organizations = sorted(_organizations(access_for(person)))
    sql = MY_FOLLOW_UPS_SQL.format(
        organizations=f" OR f.organization_id IN ({_marks(organizations)})" if organizations else "")
    return _rows("home.my_follow_ups", sql, _FOLLOW_UP_FIELDS,
                 [person.pk, *organizations, FollowUp.Status.OPEN, count])


def my_follow_ups(person, *, today=None, limit: int = FOLLOW_UP_LIMIT) -> list[SimpleNamespace]:
    """The person's open follow-ups and those of the organizations they represent, overdue first
    then by due date (one query). Each has ``overdue`` and ``url`` (its space's follow-ups)."""
    today = today or timezone.localdate()
    access = access_for(person)
    rows = []
    for (pk, what, status, due_on, person_id, space_id, space_name, space_slug, territory_id, visibility,
         territory_slug, organization_name) in my_follow_up_rows(person, count=limit * 2):
        # An organization's follow-up in a space the person cannot see stays out (as on « Mes suivis »).
        if person_id != person.pk and not access.can_view(_SpaceRef(space_id, territory_id, visibility)):
            continue
        row = SimpleNamespace(pk=pk, what=what, status=status, due_on=due_on, person_id=person_id,
                              space={"name": space_name},
                              organization={"name": organization_name} if organization_name is not None else None)
        row.overdue = followups.is_overdue(row, today)
        row.url = reverse("meetings:follow_ups", kwargs={"territory": territory_slug, "space": space_slug})
        row.due_day = words.day_of_date(due_on) if due_on else ""
        rows.append(row)
        if len(rows) == limit:
            break
    return rows


def my_roles_queryset(person, *, today, count: int = 20):
    """The rule of « Mes rôles » in the ORM: the person's current roles, the soonest ending first. The
    home reads the same rows through ``MY_ROLES_SQL``; tests/home/test_home_sql.py checks that both
    agree."""
    return (
        RoleAssignment.objects.filter(assignment_current_q(on=today), person=person)
        .order_by(F("end").asc(nulls_last=True), "pk")
        .values_list("id", "start", "end", "ended_on", "role__name", "role__space__name", "role__space__slug",
                     "role__space__territory__slug", "organization__name")[:count]
    )


MY_ROLES_SQL = """
SELECT a.id, a.start, a."end", a.ended_on, r.name, s.name, s.slug, t.slug, o.name
  FROM spaces_roleassignment a
  JOIN spaces_role r ON r.id = a.role_id
  JOIN spaces_space s ON s.id = r.space_id
  JOIN directory_territory t ON t.id = s.territory_id
  LEFT JOIN directory_organization o ON o.id = a.organization_id
 WHERE a.person_id = %(person)s AND {current}
 ORDER BY a."end" IS NULL, a."end", a.id
 LIMIT %(count)s
"""
_ROLE_FIELDS = ((RoleAssignment, "id"), (RoleAssignment, "start"), (RoleAssignment, "end"),
                (RoleAssignment, "ended_on"))


def my_role_rows(person, *, today, count: int = 20) -> list[tuple]:
    sql = MY_ROLES_SQL.format(current=space_selectors.assignment_current_sql("a"))
    return _rows("home.my_roles", sql, _ROLE_FIELDS, {"person": person.pk, "on": _day(today), "count": count})


def my_roles(person, *, today=None) -> list[SimpleNamespace]:
    """The person's current roles, with ``ending_soon`` (within 30 days) and ``url`` (one query)."""
    today = today or timezone.localdate()
    rows = []
    for pk, start, end, ended_on, role_name, space_name, space_slug, territory_slug, organization_name in my_role_rows(
            person, today=today):
        # ``ends_soon`` of the assignment, read from its dates.
        term = RoleAssignment(start=start, end=end, ended_on=ended_on)
        rows.append(SimpleNamespace(
            pk=pk, role={"name": role_name, "space": {"name": space_name}},
            organization={"name": organization_name} if organization_name is not None else None,
            ending_soon=term.ends_soon(today), end_day=words.day_of_date(end) if end else "",
            url=reverse("spaces:space", kwargs={"territory": territory_slug, "space": space_slug})))
    return rows


def recent_decisions_queryset(person, *, now, count: int):
    """The rule of the decisions « À lire » in the ORM: decisions of the last ``RECENT`` days in the
    person's spaces, the newest first. The home reads the same rows through ``RECENT_DECISIONS_SQL``;
    tests/home/test_home_sql.py checks that both agree."""
    return (
        Proposal.objects.filter(status=Proposal.Status.DECIDED, space_id__in=member_space_ids(person),
                                decided_at__gte=now - RECENT)
        .order_by("-decided_at", "-pk")
        .values_list("id", "title", "decided_at", "space__name", "space__slug", "space__territory__slug")[:count]
    )


RECENT_DECISIONS_SQL = """
SELECT p.id, p.title, p.decided_at, s.name, s.slug, t.slug
  FROM decisions_proposal p
  JOIN spaces_space s ON s.id = p.space_id
  JOIN directory_territory t ON t.id = s.territory_id
 WHERE p.status = %s AND p.space_id IN ({spaces}) AND p.decided_at >= %s
 ORDER BY p.decided_at DESC, p.id DESC
 LIMIT %s
"""
_DECISION_FIELDS = ((Proposal, "id"), (Proposal, "title"), (Proposal, "decided_at"))


def recent_decision_rows(person, *, now, count: int) -> list[tuple]:
    space_ids = sorted(member_space_ids(person))
    if not space_ids:
        return []
    sql = RECENT_DECISIONS_SQL.format(spaces=_marks(space_ids))
    return _rows("home.recent_decisions", sql, _DECISION_FIELDS,
                 [Proposal.Status.DECIDED, *space_ids, _moment(now - RECENT), count])


def recent_decisions(person, *, now=None, limit: int = LIMIT) -> list[dict]:
    """Decisions of the last weeks in the person's spaces (one query)."""
    now = now or timezone.now()
    return [{"proposal": {"pk": pk, "title": title}, "space": {"name": space_name}, "day": words.day(decided_at),
             "url": reverse("decisions:proposal", kwargs={"territory": territory_slug, "space": space_slug, "pk": pk})}
            for pk, title, decided_at, space_name, space_slug, territory_slug
            in recent_decision_rows(person, now=now, count=limit)]


def minutes_to_read_queryset(person, *, now, count: int):
    """The rule of the minutes « À lire » in the ORM: minutes circulated for comment or adopted in the
    last ``RECENT`` days, in the person's spaces, the latest adopted first. The home reads the same
    rows through ``MINUTES_TO_READ_SQL``; tests/home/test_home_sql.py checks that both agree."""
    return (
        Minutes.objects.filter(meeting__space_id__in=member_space_ids(person))
        .filter(Q(status=Minutes.Status.CIRCULATED, circulated_at__gte=now - RECENT)
                | Q(status=Minutes.Status.ADOPTED, adopted_at__gte=now - RECENT))
        .order_by(F("adopted_at").desc(nulls_last=True), "-circulated_at", "-pk")
        .values_list("id", "status", "meeting_id", "meeting__title", "meeting__starts_at", "meeting__space__name",
                     "meeting__space__slug", "meeting__space__territory__slug")[:count]
    )


MINUTES_TO_READ_SQL = """
SELECT mi.id, mi.status, mi.meeting_id, m.title, m.starts_at, s.name, s.slug, t.slug
  FROM meetings_minutes mi
  JOIN meetings_meeting m ON m.id = mi.meeting_id
  JOIN spaces_space s ON s.id = m.space_id
  JOIN directory_territory t ON t.id = s.territory_id
 WHERE m.space_id IN ({spaces})
   AND ((mi.status = %s AND mi.circulated_at >= %s) OR (mi.status = %s AND mi.adopted_at >= %s))
 ORDER BY mi.adopted_at IS NULL, mi.adopted_at DESC, mi.circulated_at DESC, mi.id DESC
 LIMIT %s
"""
_MINUTES_FIELDS = ((Minutes, "id"), (Minutes, "status"), (Minutes, "meeting"), (Meeting, "title"),
                   (Meeting, "starts_at"))


def minutes_to_read_rows(person, *, now, count: int) -> list[tuple]:
    space_ids = sorted(member_space_ids(person))
    if not space_ids:
        return []
    since = _moment(now - RECENT)
    sql = MINUTES_TO_READ_SQL.format(spaces=_marks(space_ids))
    return _rows("home.minutes_to_read", sql, _MINUTES_FIELDS,
                 [*space_ids, Minutes.Status.CIRCULATED, since, Minutes.Status.ADOPTED, since, count])


def minutes_to_read(person, *, now=None, limit: int = LIMIT) -> list[dict]:
    """Minutes circulated for comment or adopted in the last weeks, in the person's spaces (one query)."""
    now = now or timezone.now()
    return [{"meeting": {"pk": meeting_id, "title": title}, "space": {"name": space_name},
             "adopted": status == Minutes.Status.ADOPTED, "day": words.day(starts_at),
             "url": reverse("meetings:minutes", kwargs={"territory": territory_slug, "space": space_slug,
                                                        "pk": meeting_id})}
            for _pk, status, meeting_id, title, starts_at, space_name, space_slug, territory_slug
            in minutes_to_read_rows(person, now=now, count=limit)]

