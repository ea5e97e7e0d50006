"""The shared factories build rows that hold together (the same plan down a chain, one voter key per
ballot), so tests can start from them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from concertation.decisions.models import Proposal
from concertation.meetings.models import Attendance
from concertation.planning.models import Plan
from tests.factories import (
    ActivityFactory,
    AgendaItemFactory,
    AttendanceFactory,
    BallotFactory,
    IndicatorFactory,
    MeasurementFactory,
    MeetingFactory,
    OrganizationFactory,
    PlanFactory,
    ProposalFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_a_decided_proposal_was_closed_before_its_decision_and_keeps_its_options_in_order():
    when = timezone.now() - timedelta(days=3)
    proposal = ProposalFactory(decided=True, decided_at=when, method="consensus", adopted=False,
                               options=["Samedi", "Mardi"])
    assert proposal.status == Proposal.Status.DECIDED and proposal.closed_at == when - timedelta(hours=1)
    assert proposal.opens_at < proposal.closes_at < proposal.decided_at
    assert proposal.result == {"method": "consensus", "adopted": False}
    assert list(proposal.options.order_by("position").values_list("label", flat=True)) == ["Samedi", "Mardi"]
    assert ProposalFactory(opened=True).accepting_ballots()


def test_ballots_are_keyed_by_person_or_by_organization():
    person_ballot = BallotFactory()
    organization = OrganizationFactory()
    delegate = UserFactory()
    organization_ballot = BallotFactory(proposal=person_ballot.proposal, organization=organization, cast_by=delegate)
    assert person_ballot.proposal.status == Proposal.Status.OPEN
    assert person_ballot.voter_key == f"u:{person_ballot.person.pk}" and person_ballot.cast_by == person_ballot.person
    assert organization_ballot.voter_key == f"o:{organization.pk}" and organization_ballot.person is None
    assert person_ballot.proposal.ballots.count() == 2


def test_a_meeting_comes_with_its_agenda_and_attendance():
    person = UserFactory()
    meeting = MeetingFactory(items=["Mot de bienvenue", "Bilan"], attendees=[person], hours=3)
    assert meeting.ends_at - meeting.starts_at == timedelta(hours=3)
    assert list(meeting.items.order_by("position").values_list("title", flat=True)) == ["Mot de bienvenue", "Bilan"]
    assert list(meeting.attendances.values_list("person", "status")) == [(person.pk, Attendance.Status.PRESENT)]
    item = AgendaItemFactory(meeting=meeting)
    assert item.position > 0 and AttendanceFactory(meeting=meeting).meeting == meeting


def test_an_activity_brings_one_plan_down_its_whole_chain():
    activity = ActivityFactory(strategy__objective__priority__plan__adopted=True)
    strategy = activity.strategy
    plan = strategy.objective.priority.plan
    assert strategy.plan == plan and plan.status == Plan.Status.ADOPTED and plan.adopted_on is not None
    assert plan.starts_on < plan.ends_on and PlanFactory().status == Plan.Status.DRAFT


def test_an_indicator_comes_with_its_measurements():
    today = timezone.localdate()
    indicator = IndicatorFactory(measurements=[(today - timedelta(days=30), 12), (today, "15.5")])
    assert indicator.target_date == indicator.plan.ends_on
    assert [str(value) for value in indicator.measurements.order_by("date").values_list("value", flat=True)] == [
        "12.0000", "15.5000"]
    assert MeasurementFactory(indicator=indicator, date=today - timedelta(days=1)).indicator == indicator
