"""Attendance at a meeting and the quorum it gives, under the charter in force.

The roster of a meeting (every current member of the space with its delegate and alternate, or the
citizen sitting in person, and what attendance says of each person) is read in two queries. The
quorum is then computed without further queries by ``decisions.quorum.compute_quorum``:

- eligible: the voting members, per the charter's voting unit — one per member organization and
  per citizen (``organization``), or one per person (``person``: citizens, delegates and
  alternates, as ``decisions.eligibility`` counts them);
- present: those marked present or late; an organization counts once, whether its delegate, its
  alternate or both are there (both present: one vote, the delegate's);
- the charter's minimum per college;
- for the vote on an item, the people and organizations who declared a conflict of interest on the
  item (or stepped out of its proposal's vote) leave both the eligible and the present counts.

``quorum_for_meeting`` is the one place that builds a meeting's quorum: every page, fragment,
document and service asks it (with the roster and charter it has already read, if any). Attendance
is written by ``meetings.services.attendance``.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from concertation.core.errors import DomainError
from concertation.decisions.explain import quorum_phrase
from concertation.decisions.quorum import QuorumResult, compute_quorum
from concertation.decisions.services import rules_from_charter
from concertation.directory.models import College
from concertation.spaces.models import Delegation, Membership
from concertation.spaces.selectors import charter_in_force, current_sql

from .models import Attendance, Meeting, Rsvp

PRESENT_STATUSES = frozenset({Attendance.Status.PRESENT, Attendance.Status.LATE})
# Attendance is taken once the meeting is convened, and may be corrected until its minutes are adopted.
ATTENDANCE_STATES = frozenset({Meeting.Status.CONVENED, Meeting.Status.IN_PROGRESS, Meeting.Status.HELD})
CITIZEN = "citizen"
NOT_GIVEN = object()


@dataclass(slots=True)
class RosterPerson:
    """A person who may sit for a member: its delegate or alternate, or the citizen in person."""

    person_id: int
    name: str
    kind: str                         # "delegate", "alternate" or "citizen"
    status: str = ""                  # attendance status ("" when not recorded)
    attending_for: int | None = None  # the organization the attendance names, if any

    @property
    def present(self) -> bool:
        return self.status in PRESENT_STATUSES


@dataclass(slots=True)
class Seat:
    """A current member of the space: an organization (through its people) or a citizen."""

    key: str                          # "o:<organization id>" or "u:<person id>"
    membership_id: int
    organization_id: int | None
    citizen_id: int | None
    name: str
    category: str
    college_slug: str = ""
    college_name: str = ""
    college_kind: str = ""
    people: list[RosterPerson] = field(default_factory=list)
    votes: bool = False               # its category votes under the charter
    counted: bool = False             # counted present for the quorum
    voice: RosterPerson | None = None  # who holds its vote in the room

    @property
    def dom_id(self) -> str:
        return self.key.replace(":", "-")

    def sits_for_it(self, person: RosterPerson) -> bool:
        """Present for this member (an attendance that names another organization does not count here)."""
        return person.present and (self.organization_id is None or person.attending_for in (None, self.organization_id))


@dataclass
class MeetingQuorum(QuorumResult):
    """The quorum of a meeting (or of the vote on one of its items), with what is needed to say it."""

    voting_unit: str = "organization"
    college_names: dict = field(default_factory=dict)
    present_by_college: dict = field(default_factory=dict)
    present_keys: frozenset = frozenset()
    eligible_keys: frozenset = frozenset()
    excluded: int = 0

    @property
    def unit(self) -> str:
        """What the counts count: organizations, persons, or both (« membres votants »)."""
        kinds = {key[:2] for key in self.eligible_keys}
        if kinds == {"o:"}:
            return "organization"
        return "person" if kinds <= {"u:"} else "mixed"

    def as_dict(self) -> dict:
        return {**super().as_dict(), "unit": self.unit}

    @property
    def phrase(self) -> str:
        """« quorum atteint : 4 organismes sur 6 », or what is missing, in the reader's language."""
        return quorum_phrase(self.as_dict(), self.voting_unit, self.college_names, live=True)

    @property
    def reason(self) -> str:
        return "" if self.met else self.phrase


# Reading the roster --------------------------------------------------------------------------

def meeting_day(meeting: Meeting):
    return timezone.localdate(meeting.starts_at)


# The members of a space on a day with their people on that day, written out: the ORM composed this
# query anew on every page (≈ 1 ms at scale L, a fifth of the roster). « On that day » is
# ``spaces.selectors.current_q`` in its SQL form ``current_sql`` (started, not ended, on the day):
# tests/meetings/test_quorum.py checks these rows against the same read through the ORM with it.
ROSTER_SQL = """
SELECT membership.id, membership.category, membership.organization_id, organization.name,
       membership.person_id, citizen.display_name, citizen.email,
       college.slug, college.name, college.kind,
       organization_college.slug, organization_college.name, organization_college.kind,
       seated.person_id, seated.kind, person.display_name, person.email
  FROM {membership} membership
  LEFT JOIN {organization} organization ON organization.id = membership.organization_id
  LEFT JOIN {user} citizen ON citizen.id = membership.person_id
  LEFT JOIN {college} college ON college.id = membership.college_id
  LEFT JOIN {college} organization_college ON organization_college.id = organization.college_id
  LEFT JOIN {delegation} seated ON seated.membership_id = membership.id
        AND {current_seated}
  LEFT JOIN {user} person ON person.id = seated.person_id
 WHERE {current_membership}
   AND membership.space_id = %(space)s
"""


def roster_rows(space_id: int, on) -> list[tuple]:
    """``ROSTER_SQL``'s rows: a 500-member space gives 1 000 (one per current delegate or alternate,
    one per citizen, one per organization without anyone named)."""
    from django.contrib.auth import get_user_model

    from concertation.directory.models import Organization

    table = connection.ops.quote_name
    sql = ROSTER_SQL.format(
        membership=table(Membership._meta.db_table), organization=table(Organization._meta.db_table),
        user=table(get_user_model()._meta.db_table), college=table(College._meta.db_table),
        delegation=table(Delegation._meta.db_table), current_seated=current_sql("seated"),
        current_membership=current_sql("membership"))
    with connection.cursor() as cursor:
        cursor.execute(sql, {"on": connection.ops.adapt_datefield_value(on), "space": space_id})
        return cursor.fetchall()


def roster(meeting: Meeting, *, on=None) -> list[Seat]:
    """The current members of the meeting's space and their current people, with attendance: two
    queries (the members with their people, then the meeting's attendance)."""
    on = on or meeting_day(meeting)
    rows = roster_rows(meeting.space_id, on)
    # Read apart: a few rows matched here cost less than three lookups in SQL for each roster row.
    noted = {person_id: (status, organization_id) for person_id, status, organization_id in
             Attendance.objects.filter(meeting_id=meeting.pk).values_list("person_id", "status", "organization_id")}
    not_noted = ("", None)
    seats: dict[int, Seat] = {}
    find, noted_of, delegate = seats.get, noted.get, Delegation.Kind.DELEGATE.value
    # Per row, as little as possible: 1 000 rows at scale L (a member's columns repeat on each of its people).
    for (membership_id, category, organization_id, organization_name, citizen_id, citizen_name, citizen_email,
         college_slug, college_name, college_kind, organization_college_slug, organization_college_name,
         organization_college_kind, person_id, kind, person_name, person_email) in rows:
        seat = find(membership_id)
        if seat is None:
            if not college_slug:  # the membership's college, else its organization's
                college_slug, college_name, college_kind = (
                    organization_college_slug, organization_college_name, organization_college_kind)
            if organization_id:
                key, name = f"o:{organization_id}", organization_name
            else:
                key, name = f"u:{citizen_id}", citizen_name or citizen_email
            seat = seats[membership_id] = Seat(
                key, membership_id, organization_id, citizen_id, name, category, college_slug or "",
                college_name or "", college_kind or "", [],
            )
            if citizen_id:
                seat.people.append(RosterPerson(citizen_id, name, CITIZEN, noted_of(citizen_id, not_noted)[0]))
        if organization_id and person_id:
            status, attending_for = noted_of(person_id, not_noted)
            person = RosterPerson(person_id, person_name or person_email, kind, status, attending_for)
            people = seat.people
            if not people:
                people.append(person)
            elif len(people) == 1:  # the delegate first, then by name (as the sort below)
                other = people[0]
                if (person.kind != delegate, person.name.lower()) < (other.kind != delegate, other.name.lower()):
                    people.insert(0, person)
                else:
                    people.append(person)
            else:
                people.append(person)
                people.sort(key=lambda person: (person.kind != delegate, person.name.lower()))
    # Organizations by name, then citizens by name.
    return sorted(seats.values(), key=lambda seat: (seat.organization_id is None, seat.name.lower()))


def college_names_for(meeting: Meeting, seats: list[Seat], slugs=()) -> dict:
    """{slug: (name, kind)} from the roster; a query only for a college no member belongs to."""
    names = {seat.college_slug: (seat.college_name, seat.college_kind) for seat in seats if seat.college_slug}
    missing = set(slugs) - set(names)
    if missing:
        names.update({slug: (name, kind) for slug, name, kind in College.objects.filter(
            territory_id=meeting.space.territory_id, slug__in=missing).values_list("slug", "name", "kind")})
    return names


# The quorum ------------------------------------------------------------------------------------

def item_excluded_keys(item) -> set[str]:
    """Voter keys out of an item's vote: conflicts declared on the item and recusals of its proposal."""
    if item is None:
        return set()
    keys = {f"o:{c.organization_id}" if c.organization_id else f"u:{c.person_id}" for c in item.conflicts.all()}
    if item.proposal_id:
        keys |= {recusal.voter_key for recusal in item.proposal.recusals.all()}
    return keys


def compute_meeting_quorum(seats: list[Seat], rules: dict, *, excluded=frozenset(), college_names=None,
                           mark: bool = True) -> MeetingQuorum:
    """Pure: the quorum from the roster and the charter's rules (``decisions.services.rules_from_charter``).

    ``mark`` also writes on each seat whether it votes, whether it is counted present and who holds
    its vote (for the attendance table).
    """
    unit = rules.get("voting_unit") or "person"
    categories = set(rules.get("eligible_categories") or ["voting"])
    excluded = set(excluded)
    # voter key → (college slug, present?)
    voters: dict[str, tuple[str, bool]] = {}
    for seat in seats:
        votes = seat.category in categories
        people = [person for person in seat.people if f"u:{person.person_id}" not in excluded]
        present = [person for person in people if seat.sits_for_it(person)]
        if mark:
            seat.votes = votes
            seat.voice = present[0] if present else None  # the delegate first: one vote, the delegate's
            seat.counted = votes and bool(present) and seat.key not in excluded
        if not votes or seat.key in excluded:
            continue
        if seat.organization_id is None or unit == "organization":
            if seat.organization_id is None and not people:
                continue  # the citizen stepped out of the vote
            voters[seat.key] = (seat.college_slug, bool(present))
        else:
            for person in people:
                key = f"u:{person.person_id}"
                was_present = voters.get(key, ("", False))[1]
                voters[key] = (seat.college_slug, was_present or seat.sits_for_it(person))
    present_keys = frozenset(key for key, (_slug, here) in voters.items() if here)
    present_by_college = Counter(voters[key][0] for key in present_keys)
    result = compute_quorum(
        kind=rules.get("quorum_kind") or "none", count=rules.get("quorum_count"),
        share_percent=rules.get("quorum_share_percent"), college_minimums=rules.get("college_minimums") or {},
        eligible=len(voters), present_by_college=present_by_college,
    )
    return MeetingQuorum(
        met=result.met, present=result.present, eligible=result.eligible, required=result.required,
        kind=result.kind, missing_colleges=result.missing_colleges, voting_unit=unit,
        college_names=dict(college_names or {}), present_by_college=dict(present_by_college),
        present_keys=present_keys, eligible_keys=frozenset(voters), excluded=len(excluded),
    )


def quorum_for_meeting(meeting: Meeting, *, item=None, seats: list[Seat] | None = None,
                       charter=NOT_GIVEN, college_names: dict | None = None) -> MeetingQuorum:
    """The meeting's quorum now, from the charter in force and attendance; for ``item``, without those
    who stepped out of its vote. Pass ``seats``, ``charter`` and ``college_names`` (those of a quorum
    already built: ``quorum.college_names``) when already read: no new query.

    For the meeting itself (no ``item``), each seat is also marked: whether it votes, whether it is
    counted present, who holds its vote (the attendance table and sheet show them)."""
    if charter is NOT_GIVEN:
        charter = charter_in_force(meeting.space)
    rules = rules_from_charter(charter)
    seats = roster(meeting) if seats is None else seats
    names = college_names
    if names is None:
        names = college_names_for(meeting, seats, (rules.get("college_minimums") or {}).keys())
    return compute_meeting_quorum(seats, rules, excluded=item_excluded_keys(item), college_names=names,
                                  mark=item is None)


def ensure_quorum(meeting: Meeting, *, item=None, **known) -> MeetingQuorum:
    """The quorum for a decision on ``item``, or a DomainError that says why there is none."""
    quorum = quorum_for_meeting(meeting, item=item, **known)
    if not quorum.met:
        raise DomainError(_("Aucune décision ne peut être consignée sans quorum (%(reason)s).")
                          % {"reason": quorum.reason}, code="no_quorum")
    return quorum


# Reading attendance ----------------------------------------------------------------------------


def answered_yes_not_noted(meeting: Meeting, seats: list[Seat]) -> set[int]:
    """The people of the roster who answered yes to the notice and whose attendance is not noted
    yet: whom « mark present everyone who answered yes » would mark. One query."""
    said_yes = set(Rsvp.objects.filter(meeting_id=meeting.pk, answer=Rsvp.Answer.YES)
                   .values_list("person_id", flat=True))
    return {person.person_id for seat in seats for person in seat.people
            if person.person_id in said_yes and not person.status}



def attendance_counts(seats: list[Seat]) -> dict:
    """How many people of the roster are present, late, excused, absent or not noted yet (each
    person once, even one who sits for two members)."""
    statuses = {person.person_id: person.status for seat in seats for person in seat.people}
    counts = Counter(statuses.values())
    return {"present": counts[Attendance.Status.PRESENT], "late": counts[Attendance.Status.LATE],
            "excused": counts[Attendance.Status.EXCUSED], "absent": counts[Attendance.Status.ABSENT],
            "none": counts[""], "total": len(statuses)}


NOT_NOTED = "aucune"  # the filter's value for « not noted yet »


def filter_seats(seats: list[Seat], *, name: str = "", status: str = "") -> list[Seat]:
    """The members whose name, college or one of whose people matches ``name`` (case and accents
    ignored), and who have a person with attendance ``status`` (``NOT_NOTED``: not noted yet)."""
    wanted = fold(name)
    if status == NOT_NOTED:
        status = ""
    elif status not in Attendance.Status.values:
        status = None
    shown = []
    for seat in seats:
        if wanted and not any(wanted in fold(text) for text in
                              (seat.name, seat.college_name, *(person.name for person in seat.people))):
            continue
        if status is not None and not any(person.status == status for person in seat.people):
            continue
        shown.append(seat)
    return shown


def fold(text: str) -> str:
    """Lower case without accents: « Hélène » matches « helene »."""
    return "".join(char for char in unicodedata.normalize("NFKD", (text or "").casefold())
                   if not unicodedata.combining(char))


def who_choices(meeting: Meeting, seats=None) -> tuple[list, list]:
    """People and organizations of the roster, for the « who » of conflicts and follow-ups."""
    seats = roster(meeting) if seats is None else seats
    people = {}
    organizations = {}
    for seat in seats:
        if seat.organization_id:
            organizations[seat.organization_id] = seat.name
        for person in seat.people:
            people.setdefault(person.person_id, person.name)
    return (sorted(people.items(), key=lambda pair: pair[1].lower()),
            sorted(organizations.items(), key=lambda pair: pair[1].lower()))
