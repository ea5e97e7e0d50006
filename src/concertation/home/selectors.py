"""What the home shows a person: one function per block, each taking the person and returning plain
rows (dicts) in one query — whatever the size of the territory (a page of ≤ 15 queries at S and L).

The rules stay in their apps: who sits where comes from the person's access summary
(``spaces.access``, computed once per request), who may vote from ``decisions.eligibility``, what
is overdue from ``meetings.followups``, what measurement is due from ``planning.indicators``,
which invitations still work from ``spaces.invitations``, which terms end soon from
``spaces.selectors``. Each block keeps only a few lines (``LIMIT``) and links to the full list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

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

from concertation.core.written_sql import convert, converters_of, plan
from concertation.decisions import eligibility
from concertation.decisions.models import Participation, Proposal, Recusal
from concertation.directory.models import Territory
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

def next_meetings(person, *, now=None, limit: int = LIMIT) -> list[dict]:
    """The next convened meetings of the person's spaces, with the person's answer (one query)."""
    now = now or timezone.now()
    space_ids = member_space_ids(person)
    if not space_ids:
        return []
    meetings = (
        Meeting.objects.filter(Q(space_id__in=space_ids) | Q(facilitator=person) | Q(secretary=person))
        .filter(status__in=ANSWERABLE, ends_at__gte=now, starts_at__lte=now + MEETINGS_AHEAD)
        .select_related("space__territory")
        # What the line, its link and ``meetings.take_part`` (the access summary) read.
        .only("id", "title", "starts_at", "ends_at", "status", "space__name", "space__slug",
              "space__territory_id", "space__visibility", "space__territory__slug")
        .annotate(mine=FilteredRelation("rsvps", condition=Q(rsvps__person=person)))
        .annotate(my_answer=F("mine__answer"), my_childcare=F("mine__childcare"), my_diet=F("mine__diet"),
                  my_interpretation=F("mine__interpretation"), my_accessibility=F("mine__accessibility"))
        .order_by("starts_at", "pk")[:limit]
    )
    labels = dict(Rsvp.Answer.choices)
    rows = []
    for meeting in meetings:
        rows.append({
            "meeting": meeting, "space": meeting.space,
            "url": reverse("meetings:meeting", kwargs=_kw(meeting.space, pk=meeting.pk)),
            "when": words.meeting_when(meeting.starts_at, meeting.ends_at),
            "answer": meeting.my_answer or "", "answer_label": labels.get(meeting.my_answer or "", ""),
            "can_answer": person.has_perm("meetings.take_part", meeting),
            # Sent back with a one-tap answer so that it keeps the needs already given.
            "needs": {"childcare": meeting.my_childcare or 0, "diet": meeting.my_diet or "",
                      "interpretation": meeting.my_interpretation or "",
                      "accessibility": meeting.my_accessibility or ""},
            "in_progress": meeting.status == Meeting.Status.IN_PROGRESS,
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
    represented = _represented(access, space_ids)
    recused = "r.person_id = %s" + (f" OR r.organization_id IN ({', '.join(['%s'] * len(represented))})"
                                    if represented else "")
    sql = OPEN_VOTES_SQL.format(voter=" OR ".join(voter), recused=recused, spaces=", ".join(["%s"] * len(space_ids)))
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
    pk: int


@dataclass(frozen=True)
class _Ballot:
    """What ``eligibility.may_vote_here`` reads of a proposal."""

    eligible_categories: list
    space: _SpaceRef


@dataclass(frozen=True)
class _ProposalRef:
    pk: int
    title: str


def my_follow_ups(person, *, today=None, limit: int = FOLLOW_UP_LIMIT) -> list[FollowUp]:
    """The person's open follow-ups and those of the organizations they represent, overdue first
    then by due date (one query). Each has ``overdue`` and ``url`` (its space's follow-ups)."""
    today = today or timezone.localdate()
    access = access_for(person)
    organizations = set().union(*access.space_organizations.values()) if access.space_organizations else set()
    rows = followups.mark_overdue(
        FollowUp.objects.filter(Q(person=person) | Q(organization_id__in=organizations), status=FollowUp.Status.OPEN)
        .select_related("space__territory", "meeting", "organization")
        .order_by(F("due_on").asc(nulls_last=True), "pk")[:limit * 2],
        today,
    )
    # An organization's follow-up in a space the person cannot see stays out (as on « Mes suivis »).
    rows = [row for row in rows if row.person_id == person.pk or access.can_view(row.space)][:limit]
    for row in rows:
        row.url = reverse("meetings:follow_ups", kwargs=_kw(row.space))
        row.due_day = words.day_of_date(row.due_on) if row.due_on else ""
    return rows


def my_roles(person, *, today=None) -> list[RoleAssignment]:
    """The person's current roles, with ``ending_soon`` (within 30 days) and ``url`` (one query)."""
    today = today or timezone.localdate()
    assignments = list(
        RoleAssignment.objects.filter(assignment_current_q(on=today), person=person)
        .select_related("role__space__territory", "organization")
        .order_by(F("end").asc(nulls_last=True), "pk")[:20]
    )
    for assignment in assignments:
        assignment.ending_soon = assignment.ends_soon(today)
        assignment.end_day = words.day_of_date(assignment.end) if assignment.end else ""
        assignment.url = reverse("spaces:space", kwargs=_kw(assignment.role.space))
    return assignments


def recent_decisions(person, *, now=None, limit: int = LIMIT) -> list[dict]:
    """Decisions of the last weeks in the person's spaces (one query)."""
    now = now or timezone.now()
    space_ids = member_space_ids(person)
    if not space_ids:
        return []
    proposals = (
        Proposal.objects.filter(status=Proposal.Status.DECIDED, space_id__in=space_ids, decided_at__gte=now - RECENT)
        .select_related("space__territory")
        .only("id", "title", "decided_at", "space__name", "space__slug", "space__territory__slug")
        .order_by("-decided_at", "-pk")[:limit]
    )
    return [{"proposal": proposal, "space": proposal.space, "day": words.day(proposal.decided_at),
             "url": reverse("decisions:proposal", kwargs=_kw(proposal.space, pk=proposal.pk))}
            for proposal in proposals]


def minutes_to_read(person, *, now=None, limit: int = LIMIT) -> list[dict]:
    """Minutes circulated for comment or adopted in the last weeks, in the person's spaces (one query)."""
    now = now or timezone.now()
    space_ids = member_space_ids(person)
    if not space_ids:
        return []
    minutes = (
        Minutes.objects.filter(meeting__space_id__in=space_ids)
        .filter(Q(status=Minutes.Status.CIRCULATED, circulated_at__gte=now - RECENT)
                | Q(status=Minutes.Status.ADOPTED, adopted_at__gte=now - RECENT))
        .select_related("meeting__space__territory")
        .only("id", "status", "circulated_at", "adopted_at", "meeting__title", "meeting__starts_at",
              "meeting__space__name", "meeting__space__slug", "meeting__space__territory__slug")
        .order_by(F("adopted_at").desc(nulls_last=True), "-circulated_at", "-pk")[:limit]
    )
    return [{"minutes": item, "meeting": item.meeting, "space": item.meeting.space,
             "adopted": item.status == Minutes.Status.ADOPTED, "day": words.day(item.meeting.starts_at),
             "url": reverse("meetings:minutes", kwargs=_kw(item.meeting.space, pk=item.meeting.pk))}
            for item in minutes]


# The work of those who run spaces ------------------------------------------------------------------

def meetings_to_prepare(person, *, now=None, limit: int = LIMIT) -> dict:
    """Drafts to convene and held meetings whose minutes are to write or circulate, in the spaces the
    person runs — or meetings they facilitate or take the minutes of (one query)."""
    now = now or timezone.now()
    spaces = facilitated_q(person)
    own = Q(facilitator=person) | Q(secretary=person)
    scope = (spaces | own) if spaces is not None else own
    to_convene = Q(status=Meeting.Status.DRAFT, starts_at__gte=now)
    minutes_due = Q(status=Meeting.Status.HELD, starts_at__gte=now - MINUTES_BEHIND) & (
        Q(minutes__isnull=True) | Q(minutes__status=Minutes.Status.DRAFT))
    meetings = (
        Meeting.objects.filter(scope).filter(to_convene | minutes_due)
        .select_related("space__territory", "minutes")
        .only("id", "title", "status", "starts_at", "space__name", "space__slug", "space__territory__slug",
              "minutes__id")
        .order_by("starts_at", "pk")[:limit * 4]
    )
    blocks = {"convene": [], "minutes": []}
    for meeting in meetings:
        key = "convene" if meeting.status == Meeting.Status.DRAFT else "minutes"
        if len(blocks[key]) == limit:
            continue
        minutes = getattr(meeting, "minutes", None)
        blocks[key].append({
            "meeting": meeting, "space": meeting.space, "day": words.day(meeting.starts_at),
            "minutes_started": minutes is not None,
            "url": reverse("meetings:meeting" if key == "convene" else "meetings:minutes",
                           kwargs=_kw(meeting.space, pk=meeting.pk)),
        })
    blocks["minutes"].reverse()  # the most recent meeting first
    return blocks


def overdue_in_my_spaces(person, *, today=None, limit: int = LIMIT) -> list[FollowUp]:
    """Overdue follow-ups of the spaces the person runs, the oldest first (one query)."""
    today = today or timezone.localdate()
    spaces = facilitated_q(person)
    if spaces is None:
        return []
    rows = followups.mark_overdue(
        FollowUp.objects.filter(spaces, followups.overdue_q(today))
        .select_related("space__territory", "person", "organization")
        .only("id", "what", "status", "due_on", "space__name", "space__slug", "space__territory__slug",
              "person__display_name", "person__email", "organization__name")
        .order_by("due_on", "pk")[:limit],
        today,
    )
    for row in rows:
        row.url = reverse("meetings:follow_ups", kwargs=_kw(row.space)) + "?statut=overdue"
        row.due_day = words.day_of_date(row.due_on)
    return rows


def measurements_due(person, *, today=None, limit: int = LIMIT) -> list[dict]:
    """Indicators of adopted plans whose next measurement is past (``indicators.measurement_due``)
    and that the person may record (one query; the permission reads the access summary).

    An adopted plan may hold hundreds of indicators: they are read as plain columns and judged
    without a model instance each; only those shown (sorted, then allowed, up to ``limit``) become
    instances, for the permission and the template."""
    today = today or timezone.localdate()
    spaces = facilitated_q(person, prefix="plan__space__")
    access = access_for(person)
    organizations = set().union(*access.space_organizations.values()) if access.space_organizations else set()
    scope = Q(responsible_id__in=organizations) if organizations else Q(pk__in=[])
    if spaces is not None:
        scope |= spaces
    latest = Measurement.objects.filter(indicator=OuterRef("pk")).order_by("-date").values("date")[:1]
    rows = (
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


def terms_ending(person, *, today=None, limit: int = LIMIT) -> list[RoleAssignment]:
    """Terms ending within 60 days in the spaces the person coordinates (one query)."""
    spaces = coordinated_q(person, prefix="")
    if spaces is None:
        return []
    assignments = list(
        space_selectors.assignments_ending_soon(Space.objects.filter(spaces).values("id"), on=today)
        .select_related("role__space__territory")
        .only("id", "role_id", "person_id", "organization_id", "start", "end", "ended_on", "role__name",
              "role__space__name", "role__space__slug", "role__space__territory__slug", "person__display_name",
              "person__email", "organization__name", "organization__acronym")[:limit]
    )
    for assignment in assignments:
        assignment.url = reverse("spaces:roles", kwargs=_kw(assignment.role.space))
        assignment.end_day = words.day_of_date(assignment.end)
    return assignments


def pending_invitations(person, *, now=None, limit: int = LIMIT) -> list[Invitation]:
    """Invitations not yet accepted (still valid) in the spaces the person coordinates (one query)."""
    spaces = coordinated_q(person)
    if spaces is None:
        return []
    rows = list(
        Invitation.objects.filter(spaces, invitations.pending_q(now))
        .select_related("space__territory", "organization")
        .order_by("expires_at", "pk")[:limit]
    )
    for row in rows:
        row.url = reverse("spaces:invitations", kwargs=_kw(row.space))
        row.expires_day = words.day(row.expires_at)
    return rows


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
    territory they coordinate without any space yet (it offers to create the first one)."""
    territories: dict = {}
    for space in space_selectors.spaces_of_user(user):
        territories.setdefault(space.territory, []).append(space)
    for territory in user.coordinated_territories.all():
        territories.setdefault(territory, [])
    return list(territories.items())
