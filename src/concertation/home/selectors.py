"""What the home shows a person: one function per block, each taking the person and returning plain
rows (dicts) in one query — whatever the size of the territory (a page of ≤ 15 queries at S and L).

The rules stay in their apps: who sits where comes from the person's access summary
(``spaces.access``, computed once per request), who may vote from ``decisions.eligibility``, what
is overdue from ``meetings.followups``, what measurement is due from ``planning.indicators``,
which invitations still work from ``spaces.invitations``, which terms end soon from
``spaces.selectors``. Each block keeps only a few lines (``LIMIT``) and links to the full list.

Each block reads its rows through one statement written out (``…_SQL``, run by ``…_rows``): the
home is the most visited page, and composing its eleven ORM queries cost several times what SQLite
needed to run them. Beside each statement stays its ORM form (``…_queryset``), the rule as the ORM
says it; tests/home/test_home_sql.py checks over generated data that both read the same rows. The
fragments of rules kept by other apps come from there (``current_sql``, ``assignment_current_sql``,
``ending_soon_sql``, ``overdue_sql``, ``pending_sql``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import (
    Case,
    DateField,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from concertation.accounts.models import User
from concertation.core.written_sql import convert, converters_of, plan
from concertation.decisions import eligibility
from concertation.decisions.models import Participation, Proposal, Recusal
from concertation.directory.models import Organization, Territory
from concertation.meetings import followups
from concertation.meetings.models import FollowUp, Meeting, Minutes, Rsvp
from concertation.meetings.rsvp import ANSWERABLE
from concertation.planning import indicators
from concertation.planning.models import Indicator, Measurement, Plan
from concertation.spaces import invitations
from concertation.spaces import selectors as space_selectors
from concertation.spaces.access import FACILITATION_KINDS, access_for
from concertation.spaces.models import Invitation, RoleAssignment, Space
from concertation.spaces.selectors import assignment_current_q

from . import words

LIMIT = 5
FOLLOW_UP_LIMIT = 8
PROPOSAL_LIMIT = 8
# Windows that keep each block to what is worth a glance (and its rows bounded).
MEETINGS_AHEAD = timedelta(days=90)
RECENT = timedelta(days=91)  # « to read »: three months, a season of meetings (home.html says so)
MINUTES_BEHIND = timedelta(days=365)


# Whose spaces ------------------------------------------------------------------------------------

def _kw(space: Space, **extra) -> dict:
    return {"territory": space.territory.slug, "space": space.slug, **extra}


def _rows(key: str, sql: str, fields, params) -> list[tuple]:
    """Run a statement written out; its first columns are the model fields ``fields`` ((model,
    name)…), read back as the ORM reads them (dates on SQLite…), the others as they come."""
    conn = connections[DEFAULT_DB_ALIAS]
    converters = plan(conn, key, lambda c: converters_of(c, [model._meta.get_field(name) for model, name in fields]))
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not converters:
        return rows
    return [tuple(convert(row, converters, conn)) for row in rows]


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def _moment(value):
    return connections[DEFAULT_DB_ALIAS].ops.adapt_datetimefield_value(value)


def _day(value):
    return connections[DEFAULT_DB_ALIAS].ops.adapt_datefield_value(value)


def member_space_ids(person) -> set[int]:
    """Spaces where the person sits (as a citizen or for an organization) or holds a role."""
    access = access_for(person)
    return set(access.space_categories) | set(access.role_kinds) | set(access.coordinated_spaces)


def facilitated_q(person, prefix: str = "space__") -> Q | None:
    """The spaces whose meetings, minutes and follow-ups the person runs (as ``Access.facilitates``
    judges): a filter on ``<prefix>id``, or None when there is none."""
    access = access_for(person)
    ids = set(access.coordinated_spaces) | {
        space_id for space_id, kinds in access.role_kinds.items() if kinds & FACILITATION_KINDS}
    query = Q()
    if ids:
        query |= Q(**{f"{prefix}id__in": ids})
    if access.coordinated_territories:
        query |= Q(**{f"{prefix}territory_id__in": access.coordinated_territories})
    return query or None


def coordinated_q(person, prefix: str = "space__") -> Q | None:
    """The spaces the person coordinates (members, roles, invitations): a filter, or None."""
    access = access_for(person)
    query = Q()
    if access.coordinated_spaces:
        query |= Q(**{f"{prefix}id__in": access.coordinated_spaces})
    if access.coordinated_territories:
        query |= Q(**{f"{prefix}territory_id__in": access.coordinated_territories})
    return query or None


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


def _represented(access, space_ids) -> list[int]:
    """The organizations the person represents in any of these spaces (their recusals count)."""
    return [organization for space_id in space_ids for organization in access.space_organizations.get(space_id, ())]


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


@dataclass(frozen=True)
class _SpaceRef:
    """What the access summary reads of a space."""

    pk: int
    territory_id: int | None = None
    visibility: str = ""


@dataclass(frozen=True)
class _MeetingRef:
    """What ``meetings.take_part`` reads of a meeting."""

    space: _SpaceRef


@dataclass(frozen=True)
class _Ballot:
    """What ``eligibility.may_vote_here`` reads of a proposal."""

    eligible_categories: list
    space: _SpaceRef


@dataclass(frozen=True)
class _ProposalRef:
    pk: int
    title: str


def _organizations(access) -> set[int]:
    return set().union(*access.space_organizations.values()) if access.space_organizations else set()


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


# The work of those who run spaces ------------------------------------------------------------------

def _scope_sql(person, space_alias: str, facilitated: bool = True) -> tuple[str, dict]:
    """``facilitated_q`` (or ``coordinated_q``) for a statement written out: an SQL condition on the
    space ``space_alias`` with its named parameters, or ("", {}) when the person runs no space."""
    access = access_for(person)
    if facilitated:
        ids = set(access.coordinated_spaces) | {
            space_id for space_id, kinds in access.role_kinds.items() if kinds & FACILITATION_KINDS}
    else:
        ids = set(access.coordinated_spaces)
    parts, params = [], {}
    for column, values in (("id", ids), ("territory_id", access.coordinated_territories)):
        if values:
            names = [f"scope_{column}_{n}" for n in range(len(values))]
            parts.append(f"{space_alias}.{column} IN ({', '.join(f'%({name})s' for name in names)})")
            params.update(zip(names, sorted(values), strict=True))
    return " OR ".join(parts), params


def meetings_to_prepare_queryset(person, *, now, count: int):
    """The rule of « Rencontres à convoquer » and « Procès-verbaux à rédiger » in the ORM: drafts
    still ahead, and meetings held within ``MINUTES_BEHIND`` without minutes or with draft minutes,
    in the spaces the person runs or that they facilitate or take the minutes of. The home reads the
    same rows through ``MEETINGS_TO_PREPARE_SQL``; tests/home/test_home_sql.py checks that both agree."""
    spaces = facilitated_q(person)
    own = Q(facilitator=person) | Q(secretary=person)
    scope = (spaces | own) if spaces is not None else own
    to_convene = Q(status=Meeting.Status.DRAFT, starts_at__gte=now)
    minutes_due = Q(status=Meeting.Status.HELD, starts_at__gte=now - MINUTES_BEHIND) & (
        Q(minutes__isnull=True) | Q(minutes__status=Minutes.Status.DRAFT))
    return (
        Meeting.objects.filter(scope).filter(to_convene | minutes_due)
        .order_by("starts_at", "pk")
        .values_list("id", "title", "status", "starts_at", "space__name", "space__slug", "space__territory__slug",
                     "minutes__id")[:count]
    )


# ``meetings_to_prepare_queryset`` written out; the status and the earliest date, implied by the two
# cases, are said once more so that SQLite reads the meetings through their index.
MEETINGS_TO_PREPARE_SQL = """
SELECT m.id, m.title, m.status, m.starts_at, s.name, s.slug, t.slug, mi.id
  FROM meetings_meeting m
  JOIN spaces_space s ON s.id = m.space_id
  JOIN directory_territory t ON t.id = s.territory_id
  LEFT JOIN meetings_minutes mi ON mi.meeting_id = m.id
 WHERE ({scope}m.facilitator_id = %(person)s OR m.secretary_id = %(person)s)
   AND m.status IN (%(draft)s, %(held)s) AND m.starts_at >= %(held_since)s
   AND ((m.status = %(draft)s AND m.starts_at >= %(now)s)
        OR (m.status = %(held)s AND m.starts_at >= %(held_since)s
            AND (mi.id IS NULL OR mi.status = %(minutes_draft)s)))
 ORDER BY m.starts_at, m.id
 LIMIT %(count)s
"""
_PREPARE_FIELDS = ((Meeting, "id"), (Meeting, "title"), (Meeting, "status"), (Meeting, "starts_at"))


def meetings_to_prepare_rows(person, *, now, count: int) -> list[tuple]:
    scope, params = _scope_sql(person, "run")
    # The spaces as a list of ids: the meetings are then found through their (space, status, date)
    # index rather than by reading them all.
    scope = f"m.space_id IN (SELECT run.id FROM spaces_space run WHERE {scope})" if scope else ""
    sql = MEETINGS_TO_PREPARE_SQL.format(scope=f"{scope} OR " if scope else "")
    return _rows("home.meetings_to_prepare", sql, _PREPARE_FIELDS, {
        **params, "person": person.pk, "draft": Meeting.Status.DRAFT, "now": _moment(now),
        "held": Meeting.Status.HELD, "held_since": _moment(now - MINUTES_BEHIND),
        "minutes_draft": Minutes.Status.DRAFT, "count": count})


def meetings_to_prepare(person, *, now=None, limit: int = LIMIT) -> dict:
    """Drafts to convene and held meetings whose minutes are to write or circulate, in the spaces the
    person runs — or meetings they facilitate or take the minutes of (one query)."""
    now = now or timezone.now()
    blocks = {"convene": [], "minutes": []}
    for pk, title, status, starts_at, space_name, space_slug, territory_slug, minutes_id in meetings_to_prepare_rows(
            person, now=now, count=limit * 4):
        key = "convene" if status == Meeting.Status.DRAFT else "minutes"
        if len(blocks[key]) == limit:
            continue
        blocks[key].append({
            "meeting": {"pk": pk, "title": title}, "space": {"name": space_name}, "day": words.day(starts_at),
            "minutes_started": minutes_id is not None,
            "url": reverse("meetings:meeting" if key == "convene" else "meetings:minutes",
                           kwargs={"territory": territory_slug, "space": space_slug, "pk": pk}),
        })
    blocks["minutes"].reverse()  # the most recent meeting first
    return blocks


def overdue_queryset(person, *, today, count: int):
    """The rule of « Suivis en retard » in the ORM: overdue follow-ups (``followups.overdue_q``) of
    the spaces the person runs, the oldest first. The home reads the same rows through
    ``OVERDUE_SQL``; tests/home/test_home_sql.py checks that both agree."""
    spaces = facilitated_q(person)
    if spaces is None:
        return FollowUp.objects.none().values_list("id")
    return (
        FollowUp.objects.filter(spaces, followups.overdue_q(today))
        .order_by("due_on", "pk")
        .values_list("id", "what", "due_on", "space__name", "space__slug", "space__territory__slug",
                     "person_id", "person__display_name", "person__email", "organization__name")[:count]
    )


OVERDUE_SQL = """
SELECT f.id, f.what, f.due_on, s.name, s.slug, t.slug, f.person_id, u.display_name, u.email, o.name
  FROM meetings_followup f
  JOIN spaces_space s ON s.id = f.space_id
  JOIN directory_territory t ON t.id = s.territory_id
  LEFT JOIN accounts_user u ON u.id = f.person_id
  LEFT JOIN directory_organization o ON o.id = f.organization_id
 WHERE ({scope}) AND {overdue}
 ORDER BY f.due_on, f.id
 LIMIT %(count)s
"""
_OVERDUE_FIELDS = ((FollowUp, "id"), (FollowUp, "what"), (FollowUp, "due_on"))


def overdue_rows(person, *, today, count: int) -> list[tuple]:
    scope, params = _scope_sql(person, "s")
    if not scope:
        return []
    sql = OVERDUE_SQL.format(scope=scope, overdue=followups.overdue_sql("f"))
    return _rows("home.overdue", sql, _OVERDUE_FIELDS, {**params, "today": _day(today), "count": count})


def overdue_in_my_spaces(person, *, today=None, limit: int = LIMIT) -> list[SimpleNamespace]:
    """Overdue follow-ups of the spaces the person runs, the oldest first (one query)."""
    today = today or timezone.localdate()
    rows = []
    for (pk, what, due_on, space_name, space_slug, territory_slug, person_id, display_name, email,
         organization_name) in overdue_rows(person, today=today, count=limit):
        rows.append(SimpleNamespace(
            pk=pk, what=what, space={"name": space_name}, overdue=True,
            # The person as the model names them (``User.__str__``).
            person=str(User(id=person_id, display_name=display_name, email=email)) if person_id else None,
            organization={"name": organization_name} if organization_name is not None else None,
            url=reverse("meetings:follow_ups", kwargs={"territory": territory_slug, "space": space_slug})
            + "?statut=overdue",
            due_day=words.day_of_date(due_on)))
    return rows


def measurements_queryset(person, *, today):
    """The rule of « Mesures attendues » in the ORM: the indicators of adopted plans of the spaces the
    person runs, or whose responsible organization the person represents, that may be due
    (``possibly_due_q``), by plan and position. The home reads the same rows through
    ``MEASUREMENTS_SQL``; tests/home/test_home_sql.py checks that both agree."""
    spaces = facilitated_q(person, prefix="plan__space__")
    organizations = _organizations(access_for(person))
    scope = Q(responsible_id__in=organizations) if organizations else Q(pk__in=[])
    if spaces is not None:
        scope |= spaces
    latest = Measurement.objects.filter(indicator=OuterRef("pk")).order_by("-date").values("date")[:1]
    return (
        Indicator.objects.filter(scope, plan__status=Plan.Status.ADOPTED)
        .annotate(latest_date=Subquery(latest))
        .annotate(schedule_start=Coalesce("latest_date", "baseline_date", "plan__starts_on"))
        .filter(possibly_due_q(today))
        .order_by("plan_id", "position", "pk")
        .values_list("id", "name", "frequency", "baseline_date", "responsible_id", "latest_date",
                     "plan_id", "plan__title", "plan__starts_on", "plan__status", "plan__space_id",
                     "plan__space__name", "plan__space__slug", "plan__space__territory_id",
                     "plan__space__visibility", "plan__space__territory__slug")
    )


# ``measurements_queryset`` written out; {cutoffs}: ``possibly_due_q``'s latest start still due, by
# frequency (the same dates, from ``_last_start_still_due``).
MEASUREMENTS_SQL = """
SELECT i.id, i.name, i.frequency, i.baseline_date, i.responsible_id,
       (SELECT m.date FROM planning_measurement m WHERE m.indicator_id = i.id ORDER BY m.date DESC LIMIT 1),
       i.plan_id, p.title, p.starts_on, p.status, p.space_id, s.name, s.slug, s.territory_id, s.visibility, t.slug
  FROM planning_indicator i
  JOIN planning_plan p ON p.id = i.plan_id
  JOIN spaces_space s ON s.id = p.space_id
  JOIN directory_territory t ON t.id = s.territory_id
 WHERE ({scope}) AND p.status = %(adopted)s
   AND COALESCE((SELECT m.date FROM planning_measurement m WHERE m.indicator_id = i.id ORDER BY m.date DESC LIMIT 1),
                i.baseline_date, p.starts_on) <= CASE {cutoffs} ELSE %(cutoff_default)s END
 ORDER BY i.plan_id, i.position, i.id
"""
_MEASUREMENT_FIELDS = ((Indicator, "id"), (Indicator, "name"), (Indicator, "frequency"), (Indicator, "baseline_date"),
                       (Indicator, "responsible"), (Measurement, "date"), (Indicator, "plan"), (Plan, "title"),
                       (Plan, "starts_on"))


def measurement_rows(person, *, today) -> list[tuple]:
    """``measurements_queryset`` as plain rows, in one statement written out."""
    scope, params = _scope_sql(person, "s")
    organizations = sorted(_organizations(access_for(person)))
    if organizations:
        names = [f"responsible_{n}" for n in range(len(organizations))]
        scope = " OR ".join(filter(None, [
            f"i.responsible_id IN ({', '.join(f'%({name})s' for name in names)})", scope]))
        params.update(zip(names, organizations, strict=True))
    if not scope:
        return []
    cutoffs = []
    for n, (value, _label) in enumerate(Indicator.Frequency.choices):
        cutoffs.append(f"WHEN i.frequency = %(frequency_{n})s THEN %(cutoff_{n})s")
        params[f"frequency_{n}"] = value
        params[f"cutoff_{n}"] = _day(_last_start_still_due(value, today))
    params["cutoff_default"] = _day(_last_start_still_due("", today))
    sql = MEASUREMENTS_SQL.format(scope=scope, cutoffs=" ".join(cutoffs))
    return _rows("home.measurements", sql, _MEASUREMENT_FIELDS, {**params, "adopted": Plan.Status.ADOPTED})


def measurements_due(person, *, today=None, limit: int = LIMIT) -> list[dict]:
    """Indicators of adopted plans whose next measurement is past (``indicators.measurement_due``)
    and that the person may record (one query; the permission reads the access summary).

    An adopted plan may hold hundreds of indicators: they are read as plain columns and judged
    without a model instance each; only those shown (sorted, then allowed, up to ``limit``) become
    instances, for the permission and the template."""
    today = today or timezone.localdate()
    rows = measurement_rows(person, today=today)
    due = []
    for row in rows:
        shape = _Schedule(frequency=row[2], baseline_date=row[3])
        if indicators.measurement_due(shape, row[5], plan_start=row[8], today=today):
            due.append((indicators.next_measurement_due(shape, row[5], plan_start=row[8]), row[1], row))
    due.sort(key=lambda item: (item[0], item[1]))
    shown = []
    for next_due, _name, row in due:
        territory = Territory(id=row[13], slug=row[15])
        space = Space(id=row[10], name=row[11], slug=row[12], territory_id=row[13], visibility=row[14])
        space.territory = territory
        plan = Plan(id=row[6], title=row[7], starts_on=row[8], status=row[9], space_id=row[10])
        plan.space = space
        indicator = Indicator(id=row[0], name=row[1], frequency=row[2], baseline_date=row[3],
                              responsible_id=row[4], plan_id=row[6])
        indicator.plan = plan
        indicator.latest_date = row[5]
        if not person.has_perm("planning.record_measurement", indicator):
            continue
        shown.append({
            "indicator": indicator, "space": space, "plan": plan, "next_due": next_due,
            "day": words.day_of_date(next_due),
            "url": reverse("planning:indicator", kwargs=_kw(space, plan=plan.pk, indicator=indicator.pk)),
        })
        if len(shown) == limit:
            break
    return shown


def possibly_due_q(today, field: str = "schedule_start") -> Q:
    """The indicators whose measurement may be due, on ``field`` (the date the schedule counts from:
    the latest measurement, else the baseline, else the plan's start): so that an adopted plan's
    hundreds of indicators are not all read to find the few due. ``indicators.measurement_due``
    still judges each row read; this only leaves out, in SQL, those it would refuse.

    The next measurement comes a frequency's months after that date (``next_measurement_due``,
    which never goes back when the date moves later): for each frequency, the latest date still
    due is found by asking that function itself, so the rule keeps its one home."""
    cutoffs = [When(frequency=value, then=Value(_last_start_still_due(value, today)))
               for value, _label in Indicator.Frequency.choices]
    # A frequency outside the choices counts as the function's default.
    latest_start = Case(*cutoffs, default=Value(_last_start_still_due("", today)), output_field=DateField())
    return Q(**{f"{field}__lte": latest_start})


def _last_start_still_due(frequency: str, today):
    """The latest start date from which a measurement of this frequency is due on ``today``."""
    def due(start) -> bool:
        return indicators.measurement_due(_Schedule(frequency=frequency, baseline_date=start), None, today=today)

    step = 31
    low = today - timedelta(days=step)
    while not due(low):  # far enough back to be due
        step *= 2
        low = today - timedelta(days=step)
    high = today  # never due: the next measurement is at least a day later
    while (high - low).days > 1:
        middle = low + timedelta(days=(high - low).days // 2)
        low, high = (middle, high) if due(middle) else (low, middle)
    return low


@dataclass(frozen=True)
class _Schedule:
    """What ``indicators.next_measurement_due`` reads of an indicator."""

    frequency: str
    baseline_date: object


def terms_ending_queryset(person, *, today, count: int):
    """The rule of « Mandats qui se terminent » in the ORM (``spaces.selectors.assignments_ending_soon``
    in the spaces the person coordinates). The home reads the same rows through ``TERMS_ENDING_SQL``;
    tests/home/test_home_sql.py checks that both agree."""
    spaces = coordinated_q(person, prefix="")
    if spaces is None:
        return RoleAssignment.objects.none().values_list("id")
    return (
        space_selectors.assignments_ending_soon(Space.objects.filter(spaces).values("id"), on=today)
        .order_by("end", "pk")
        .values_list("id", "end", "role__name", "role__space__name", "role__space__slug",
                     "role__space__territory__slug", "person_id", "person__display_name", "person__email",
                     "organization_id", "organization__name", "organization__acronym")[:count]
    )


TERMS_ENDING_SQL = """
SELECT a.id, a."end", r.name, s.name, s.slug, t.slug, a.person_id, u.display_name, u.email,
       a.organization_id, o.name, o.acronym
  FROM spaces_roleassignment a
  JOIN spaces_role r ON r.id = a.role_id
  JOIN spaces_space s ON s.id = r.space_id
  JOIN directory_territory t ON t.id = s.territory_id
  LEFT JOIN accounts_user u ON u.id = a.person_id
  LEFT JOIN directory_organization o ON o.id = a.organization_id
 WHERE ({scope}) AND {current} AND {ending}
 ORDER BY a."end", a.id
 LIMIT %(count)s
"""
_TERM_FIELDS = ((RoleAssignment, "id"), (RoleAssignment, "end"))


def terms_ending_rows(person, *, today, count: int) -> list[tuple]:
    scope, params = _scope_sql(person, "s", facilitated=False)
    if not scope:
        return []
    sql = TERMS_ENDING_SQL.format(scope=scope, current=space_selectors.assignment_current_sql("a"),
                                  ending=space_selectors.ending_soon_sql("a"))
    until = today + timedelta(days=space_selectors.TERM_NOTICE_DAYS)
    return _rows("home.terms_ending", sql, _TERM_FIELDS,
                 {**params, "on": _day(today), "until": _day(until), "count": count})


def terms_ending(person, *, today=None, limit: int = LIMIT) -> list[SimpleNamespace]:
    """Terms ending within 60 days in the spaces the person coordinates (one query)."""
    today = today or timezone.localdate()
    rows = []
    for (pk, end, role_name, space_name, space_slug, territory_slug, person_id, display_name, email,
         organization_id, organization_name, acronym) in terms_ending_rows(person, today=today, count=limit):
        # The holder as the model names them (``RoleAssignment.holder_name``).
        holder = RoleAssignment(
            person=User(id=person_id, display_name=display_name, email=email) if person_id else None,
            organization=Organization(id=organization_id, name=organization_name, acronym=acronym)
            if organization_id else None)
        rows.append(SimpleNamespace(
            pk=pk, role={"name": role_name, "space": {"name": space_name}}, holder_name=holder.holder_name,
            url=reverse("spaces:roles", kwargs={"territory": territory_slug, "space": space_slug}),
            end_day=words.day_of_date(end)))
    return rows


def pending_invitations_queryset(person, *, now, count: int):
    """The rule of « Invitations sans réponse » in the ORM: invitations still pending
    (``invitations.pending_q``) in the spaces the person coordinates, the soonest expiring first. The
    home reads the same rows through ``PENDING_INVITATIONS_SQL``; tests/home/test_home_sql.py checks
    that both agree."""
    spaces = coordinated_q(person)
    if spaces is None:
        return Invitation.objects.none().values_list("id")
    return (
        Invitation.objects.filter(spaces, invitations.pending_q(now))
        .order_by("expires_at", "pk")
        .values_list("id", "email", "expires_at", "space__name", "space__slug", "space__territory__slug",
                     "organization__name")[:count]
    )


PENDING_INVITATIONS_SQL = """
SELECT i.id, i.email, i.expires_at, s.name, s.slug, t.slug, o.name
  FROM spaces_invitation i
  JOIN spaces_space s ON s.id = i.space_id
  JOIN directory_territory t ON t.id = s.territory_id
  LEFT JOIN directory_organization o ON o.id = i.organization_id
 WHERE ({scope}) AND {pending}
 ORDER BY i.expires_at, i.id
 LIMIT %(count)s
"""
_INVITATION_FIELDS = ((Invitation, "id"), (Invitation, "email"), (Invitation, "expires_at"))


def pending_invitation_rows(person, *, now, count: int) -> list[tuple]:
    scope, params = _scope_sql(person, "s", facilitated=False)
    if not scope:
        return []
    sql = PENDING_INVITATIONS_SQL.format(scope=scope, pending=invitations.pending_sql("i"))
    return _rows("home.pending_invitations", sql, _INVITATION_FIELDS,
                 {**params, "now": _moment(now), "count": count})


def pending_invitations(person, *, now=None, limit: int = LIMIT) -> list[SimpleNamespace]:
    """Invitations not yet accepted (still valid) in the spaces the person coordinates (one query)."""
    now = now or timezone.now()
    return [SimpleNamespace(
        pk=pk, email=email, space={"name": space_name},
        organization={"name": organization_name} if organization_name is not None else None,
        url=reverse("spaces:invitations", kwargs={"territory": territory_slug, "space": space_slug}),
        expires_day=words.day(expires_at))
        for pk, email, expires_at, space_name, space_slug, territory_slug, organization_name
        in pending_invitation_rows(person, now=now, count=limit)]


def runs_something(person) -> bool:
    """Whether the person coordinates or facilitates anything (the « À faire » part of the home)."""
    return facilitated_q(person) is not None or coordinated_q(person) is not None


def home_for(person) -> dict:
    """Every block of the person's home."""
    now = timezone.now()
    today = timezone.localdate()
    data = {
        "meetings": next_meetings(person, now=now),
        "votes": open_votes(person, now=now),
        "follow_ups": my_follow_ups(person, today=today),
        "roles": my_roles(person, today=today),
        "decisions": recent_decisions(person, now=now),
        "minutes": minutes_to_read(person, now=now),
        "runs": runs_something(person),
    }
    if data["runs"]:
        prepare = meetings_to_prepare(person, now=now)
        data["todo"] = {
            "convene": prepare["convene"], "minutes": prepare["minutes"],
            "overdue": overdue_in_my_spaces(person, today=today),
            "measurements": measurements_due(person, today=today),
            "terms": terms_ending(person, today=today),
            "invitations": pending_invitations(person, now=now),
        }
        data["todo"]["empty"] = not any(data["todo"].values())
    return data


def my_territories(user) -> list[tuple]:
    """« Mes espaces »: (territory, its spaces) for each territory of the person's spaces, then each
    territory they coordinate without any space yet (it offers to create the first one). The spaces
    come as the list's lines written once in Python, every value escaped (empty: none yet)."""
    kinds = dict(Space._meta.get_field("kind").flatchoices)
    territories: dict = {}
    rows = space_selectors.spaces_of_user_rows(user)
    for territory_id, territory_name, territory_slug, _pk, name, slug, kind in rows:
        spaces = territories.get(territory_id)
        if spaces is None:
            spaces = territories[territory_id] = ({"pk": territory_id, "name": territory_name, "slug": territory_slug},
                                                  [])
        # The line as home/my_spaces.html wrote it in its loop, with the loop's whitespace.
        spaces[1].append(format_html(
            '\n            <li><a href="{}">{}</a> <span class="muted">— {}</span></li>\n          ',
            reverse("spaces:space", kwargs={"territory": territory_slug, "space": slug}), name, kinds.get(kind, kind)))
    # A territory the person coordinates has no line above only when it has no space yet.
    missing = access_for(user).coordinated_territories - set(territories)
    if missing:
        for territory in Territory.objects.filter(pk__in=missing).order_by("pk"):
            territories[territory.pk] = (territory, [])
    return [(territory, mark_safe("".join(lines))) for territory, lines in territories.values()]
