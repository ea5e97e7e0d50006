"""The quorum of a meeting: from the charter in force and attendance, one vote per organization."""


from datetime import timedelta

import pytest
from django.db.models import FilteredRelation
from django.utils import timezone

from concertation.core.errors import DomainError
from concertation.decisions.models import Recusal
from concertation.decisions.services import proposal_create
from concertation.directory.models import College
from concertation.meetings.attendance import meeting_day, quorum_for_meeting, roster, roster_rows
from concertation.meetings.models import AgendaItem, Attendance, ConflictDeclaration, Meeting
from concertation.meetings.services.attendance import attendance_set
from concertation.spaces.models import Charter, Delegation, Membership, MembershipCategory
from concertation.spaces.selectors import current_q
from tests.factories import (
    CharterFactory,
    CollegeFactory,
    DelegationFactory,
    MeetingFactory,
    MembershipFactory,
    OrganizationFactory,
    SpaceFactory,
    TerritoryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def make_meeting(space, *, status=Meeting.Status.IN_PROGRESS, **fields) -> Meeting:
    return MeetingFactory(space=space, title=fields.pop("title", "Rencontre régulière"),
                          starts_at=timezone.now().replace(microsecond=0), status=status, **fields)


class Table:
    """A space whose members are organizations (delegate and alternate each) and citizens."""

    def __init__(self, *, organizations=3, citizens=1, **charter):
        self.territory = TerritoryFactory()
        self.community = CollegeFactory(territory=self.territory, name="Communautaire", slug="communautaire")
        self.citizen_college = CollegeFactory(territory=self.territory, name="Citoyen", slug="citoyen",
                                              kind=College.Kind.CITIZEN)
        self.space = SpaceFactory(territory=self.territory)
        self.organizations, self.delegates, self.alternates, self.citizens = [], [], [], []
        for n in range(organizations):
            organization = OrganizationFactory(territory=self.territory, name=f"Organisme {n:02d}",
                                               college=self.community)
            membership = MembershipFactory(space=self.space, organization=organization)
            delegate = DelegationFactory(membership=membership, person=UserFactory(display_name=f"Déléguée {n}"))
            alternate = DelegationFactory(membership=membership, kind=Delegation.Kind.ALTERNATE,
                                          person=UserFactory(display_name=f"Substitut {n}"))
            self.organizations.append(organization)
            self.delegates.append(delegate.person)
            self.alternates.append(alternate.person)
        for n in range(citizens):
            person = UserFactory(display_name=f"Citoyenne {n}")
            MembershipFactory(space=self.space, organization=None, person=person, college=self.citizen_college)
            self.citizens.append(person)
        rules = {"voting_unit": Charter.VotingUnit.ORGANIZATION, "quorum_kind": Charter.QuorumKind.MAJORITY,
                 "threshold": Charter.Threshold.SIMPLE, "base": Charter.Base.CAST, "method": "majority"}
        rules.update(charter)
        self.charter = CharterFactory(space=self.space, **rules)
        self.meeting = make_meeting(self.space)

    def attend(self, person, status=Attendance.Status.PRESENT, organization=None):
        return attendance_set(meeting=self.meeting, person=person, organization=organization, status=status)

    def quorum(self, item=None):
        return quorum_for_meeting(self.meeting, item=item)


def test_an_organization_counts_once_through_its_delegate_or_its_alternate():
    table = Table(organizations=3, citizens=0, quorum_kind=Charter.QuorumKind.COUNT, quorum_count=2)
    table.attend(table.delegates[0])
    table.attend(table.alternates[0])  # both people of the same organization: still one
    quorum = table.quorum()
    assert (quorum.present, quorum.eligible, quorum.required, quorum.met) == (1, 3, 2, False)
    table.attend(table.alternates[1])  # an organization through its alternate alone
    quorum = table.quorum()
    assert (quorum.present, quorum.met) == (2, True)
    assert quorum.present_keys == {f"o:{table.organizations[0].pk}", f"o:{table.organizations[1].pk}"}
    assert quorum.as_dict()["unit"] == "organization" and "2 organismes sur 3" in quorum.phrase


def test_both_present_one_vote_the_delegates():
    table = Table(organizations=1, citizens=0)
    table.attend(table.alternates[0])
    table.attend(table.delegates[0])
    seats = roster(table.meeting)
    quorum_for_meeting(table.meeting, seats=seats)
    (seat,) = seats
    assert seat.counted and seat.voice.person_id == table.delegates[0].pk


def test_share_and_majority_quorums_count_members_present_against_voting_members():
    table = Table(organizations=5, citizens=0, quorum_kind=Charter.QuorumKind.SHARE, quorum_share_percent=60)
    for person in table.delegates[:2]:
        table.attend(person)
    quorum = table.quorum()
    assert (quorum.present, quorum.eligible, quorum.required, quorum.met) == (2, 5, 3, False)
    assert "il en faut 3" in quorum.reason  # present tense: the meeting is under way
    table.attend(table.alternates[2], status=Attendance.Status.LATE)  # late counts as present
    assert table.quorum().met

    Charter.objects.filter(pk=table.charter.pk).update(quorum_kind=Charter.QuorumKind.MAJORITY)
    quorum = table.quorum()
    assert (quorum.required, quorum.met) == (3, True)  # 50 % + 1 of 5


def test_excused_absent_and_observers_do_not_count():
    table = Table(organizations=2, citizens=0, quorum_kind=Charter.QuorumKind.COUNT, quorum_count=1)
    observer_org = OrganizationFactory(territory=table.territory)
    membership = MembershipFactory(space=table.space, organization=observer_org,
                                   category=MembershipCategory.OBSERVER)
    observer = DelegationFactory(membership=membership).person
    table.attend(observer)
    table.attend(table.delegates[0], status=Attendance.Status.EXCUSED)
    table.attend(table.delegates[1], status=Attendance.Status.ABSENT)
    quorum = table.quorum()
    assert (quorum.present, quorum.eligible, quorum.met) == (0, 2, False)


def test_a_college_minimum_is_required_and_its_absence_said_plainly():
    table = Table(organizations=3, citizens=2, college_minimums={"citoyen": 1})
    for person in table.delegates:
        table.attend(person)
    quorum = table.quorum()
    assert (quorum.present, quorum.eligible, quorum.required) == (3, 5, 3)
    assert not quorum.met
    assert quorum.missing_colleges == [("citoyen", 0, 1)]
    assert "aucune citoyenne ni aucun citoyen présent" in quorum.reason
    table.attend(table.citizens[0])
    quorum = table.quorum()
    assert quorum.met and quorum.reason == ""
    assert quorum.present_by_college == {"communautaire": 3, "citoyen": 1}
    assert "4 membres votants sur 5" in quorum.phrase  # organizations and citizens together


def test_a_minimum_for_a_college_without_members_names_it():
    table = Table(organizations=2, citizens=0, quorum_kind=Charter.QuorumKind.COUNT, quorum_count=1,
                  college_minimums={"institutionnel": 1})
    CollegeFactory(territory=table.territory, name="Institutionnel", slug="institutionnel")
    table.attend(table.delegates[0])
    quorum = table.quorum()
    assert not quorum.met
    assert "collège Institutionnel" in quorum.reason


def test_conflicts_declared_on_an_item_leave_its_vote_quorum():
    table = Table(organizations=4, citizens=0, quorum_kind=Charter.QuorumKind.MAJORITY)
    for person in table.delegates[:3]:
        table.attend(person)
    item = AgendaItem.objects.create(meeting=table.meeting, title="Répartition de l'enveloppe",
                                     kind=AgendaItem.Kind.DECISION)
    ConflictDeclaration.objects.create(item=item, organization=table.organizations[0])
    ConflictDeclaration.objects.create(item=item, organization=table.organizations[1])
    assert table.quorum().met  # the meeting: 3 of 4
    quorum = table.quorum(item)
    assert (quorum.present, quorum.eligible, quorum.required, quorum.met) == (1, 2, 2, False)
    assert quorum.excluded == 2


def test_a_recusal_on_the_items_proposal_is_excluded_too():
    table = Table(organizations=3, citizens=0, quorum_kind=Charter.QuorumKind.COUNT, quorum_count=2)
    for person in table.delegates[:2]:
        table.attend(person)
    proposal = proposal_create(space=table.space, author=table.delegates[0], title="Appui au projet")
    item = AgendaItem.objects.create(meeting=table.meeting, title="Appui", kind=AgendaItem.Kind.DECISION,
                                     proposal=proposal)
    Recusal.objects.create(proposal=proposal, organization=table.organizations[1])
    quorum = table.quorum(item)
    assert (quorum.present, quorum.eligible, quorum.met) == (1, 2, False)


def test_a_person_who_steps_out_leaves_the_alternate_to_carry_the_organization():
    table = Table(organizations=1, citizens=0, quorum_kind=Charter.QuorumKind.COUNT, quorum_count=1)
    table.attend(table.delegates[0])
    table.attend(table.alternates[0])
    item = AgendaItem.objects.create(meeting=table.meeting, title="Point", kind=AgendaItem.Kind.DECISION)
    ConflictDeclaration.objects.create(item=item, person=table.delegates[0])
    assert table.quorum(item).met
    ConflictDeclaration.objects.create(item=item, person=table.alternates[0])
    assert not table.quorum(item).met


def test_person_voting_unit_counts_people():
    table = Table(organizations=2, citizens=1, voting_unit=Charter.VotingUnit.PERSON,
                  quorum_kind=Charter.QuorumKind.COUNT, quorum_count=3)
    table.attend(table.delegates[0])
    table.attend(table.alternates[0])
    quorum = table.quorum()
    # Citizens, delegates and alternates each have a vote, as decisions.eligibility counts them.
    assert (quorum.present, quorum.eligible, quorum.met) == (2, 5, False)
    table.attend(table.citizens[0])
    assert table.quorum().met
    assert "personnes sur 5" in table.quorum().phrase


def test_attendance_for_another_organization_does_not_count_here():
    table = Table(organizations=2, citizens=0, quorum_kind=Charter.QuorumKind.COUNT, quorum_count=1)
    both = table.delegates[0]
    second = table.organizations[1].memberships.get()
    second.delegations.filter(kind=Delegation.Kind.ALTERNATE).delete()
    DelegationFactory(membership=second, person=both, kind=Delegation.Kind.ALTERNATE)
    table.attend(both, organization=table.organizations[1])
    assert table.quorum().present_keys == {f"o:{table.organizations[1].pk}"}


def test_without_charter_no_quorum_is_required():
    table = Table(organizations=1, citizens=0)
    table.charter.delete()
    quorum = table.quorum()
    assert quorum.met and quorum.kind == "none"
    assert quorum.phrase == "aucun quorum requis"


def test_attendance_is_only_for_the_spaces_people_and_their_organization():
    table = Table(organizations=2, citizens=1)
    with pytest.raises(DomainError, match="ne siège pas"):
        table.attend(UserFactory())
    with pytest.raises(DomainError, match="ni la personne déléguée ni la ou le substitut"):
        table.attend(table.delegates[0], organization=table.organizations[1])
    attendance = table.attend(table.alternates[1])
    assert attendance.organization_id == table.organizations[1].pk  # inferred
    assert attendance.arrived_at is not None
    attendance = table.attend(table.alternates[1], status=Attendance.Status.EXCUSED)
    assert attendance.arrived_at is None and Attendance.objects.count() == 1
    assert table.attend(table.citizens[0]).organization_id is None
    with pytest.raises(DomainError, match="présence"):
        table.attend(table.citizens[0], status="maybe")


def test_attendance_waits_for_the_notice():
    table = Table(organizations=1, citizens=0)
    table.meeting.status = Meeting.Status.DRAFT
    table.meeting.save()
    with pytest.raises(DomainError, match="convoquée"):
        table.attend(table.delegates[0])


def test_roster_is_two_queries_and_the_quorum_three_whatever_the_members(django_assert_num_queries,
                                                                        django_assert_max_num_queries):
    for size in (3, 30):
        table = Table(organizations=size, citizens=2, college_minimums={"citoyen": 1})
        for person in table.delegates[: size // 2]:
            table.attend(person)
        meeting = Meeting.objects.select_related("space").get(pk=table.meeting.pk)
        with django_assert_num_queries(2):  # the members with their people, then attendance
            seats = roster(meeting)
        assert len(seats) == size + 2
        with django_assert_max_num_queries(3):
            quorum = quorum_for_meeting(meeting)
        assert quorum.present == size // 2


def test_the_roster_query_reads_the_same_rows_as_the_orm_with_current_q():
    """``ROSTER_SQL`` is written by hand: the same rows as the ORM with ``current_q`` (the one rule
    of « current »), around every edge of a membership's and a delegation's dates."""
    table = Table(organizations=2, citizens=2)
    day = meeting_day(table.meeting)
    space, other = table.space, SpaceFactory(territory=table.territory)
    # An organization with its own college for this seat, one nobody sits for, a citizen without a name.
    seat = MembershipFactory(space=space, organization=OrganizationFactory(territory=table.territory, college=None),
                             college=table.community)
    MembershipFactory(space=space, organization=OrganizationFactory(territory=table.territory, college=None))
    MembershipFactory(space=space, organization=None, person=UserFactory(display_name=""), college=None)
    # Delegations: ends on the day (in), ended the day before (out), starts the day after (out).
    DelegationFactory(membership=seat, person=UserFactory(), end=day)
    DelegationFactory(membership=seat, kind=Delegation.Kind.ALTERNATE, person=UserFactory(),
                      end=day - timedelta(days=1))
    DelegationFactory(membership=seat, person=UserFactory(), start=day + timedelta(days=1))
    # Memberships: ended the day before, starting the day after, ending on the day, another space's.
    MembershipFactory(space=space, end=day - timedelta(days=1))
    MembershipFactory(space=space, start=day + timedelta(days=1))
    DelegationFactory(membership=MembershipFactory(space=space, end=day), person=UserFactory())
    DelegationFactory(membership=MembershipFactory(space=other), person=UserFactory())

    orm = (Membership.objects.filter(current_q(on=day), space_id=space.pk)
           .annotate(seated=FilteredRelation("delegations", condition=current_q("delegations__", on=day)))
           .values_list("id", "category", "organization_id", "organization__name", "person_id",
                        "person__display_name", "person__email", "college__slug", "college__name", "college__kind",
                        "organization__college__slug", "organization__college__name", "organization__college__kind",
                        "seated__person_id", "seated__kind", "seated__person__display_name",
                        "seated__person__email"))
    rows = roster_rows(space.pk, day)
    assert len(rows) == 2 * 2 + 2 + 1 + 1 + 1 + 1  # people of the table; the seat's one; nobody; the unnamed; the last
    assert sorted(rows, key=repr) == sorted(orm, key=repr)
