"""The blocks of « À faire pour vos espaces », for those who run spaces (meetings to prepare, overdue
follow-ups, measurements due, terms ending, pending invitations): for each, its rule in the ORM
(``…_queryset``), the same rows through a statement written out (``…_SQL``, ``…_rows``;
tests/home/test_home_sql.py checks that both agree) and the block's lines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

from django.db.models import (
    Case,
    DateField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from concertation.accounts.models import User
from concertation.directory.models import Organization, Territory
from concertation.meetings import followups
from concertation.meetings.models import FollowUp, Meeting, Minutes
from concertation.planning import indicators
from concertation.planning.models import Indicator, Measurement, Plan
from concertation.spaces import invitations
from concertation.spaces import selectors as space_selectors
from concertation.spaces.access import access_for
from concertation.spaces.models import Invitation, RoleAssignment, Space

from . import words
from .written import (
    LIMIT,
    MINUTES_BEHIND,
    _day,
    _kw,
    _moment,
    _organizations,
    _rows,
    _scope_sql,
    coordinated_q,
    facilitated_q,
)

# The work of those who run spaces ------------------------------------------------------------------

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

