"""The home's statements written out agree with their ORM form (home/everyone.py and coordination.py keep both side by
side) over generated data: several spaces, people sitting in them as citizens or for organizations,
proposals in every state, ballots of people and of organizations in several rounds, recusals."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from concertation.decisions.models import Participation, Proposal, Recusal
from concertation.home import coordination, everyone, selectors, written
from concertation.meetings.models import FollowUp, Meeting, Minutes, Rsvp
from concertation.spaces.access import forget_access
from concertation.spaces.models import Delegation, Invitation, MembershipCategory, Role
from tests.factories import (
    DelegationFactory,
    MeetingFactory,
    MembershipFactory,
    OrganizationFactory,
    ProposalFactory,
    RoleAssignmentFactory,
    RoleFactory,
    SpaceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def generated_votes(world, seed: int) -> list:
    """Spaces, seats and proposals drawn at random; returns the people to look from."""
    rng = random.Random(seed)
    now = timezone.now()
    spaces = [world.assembly, world.committee, world.group] + [
        SpaceFactory(territory=world.territory, name=f"Table {seed}-{n}", slug=f"table-{seed}-{n}") for n in range(3)]
    organizations = [OrganizationFactory(territory=world.territory, name=f"Organisme {seed}-{n}") for n in range(4)]
    people = [UserFactory(email=f"personne{seed}-{n}@example.org") for n in range(6)]
    for space in spaces:
        for organization in rng.sample(organizations, rng.randint(1, 3)):
            category = rng.choice([MembershipCategory.VOTING, MembershipCategory.VOTING, MembershipCategory.OBSERVER])
            membership = MembershipFactory(space=space, organization=organization, category=category)
            for person, kind in zip(rng.sample(people, rng.randint(0, 2)), [Delegation.Kind.DELEGATE,
                                                                            Delegation.Kind.ALTERNATE], strict=False):
                DelegationFactory(membership=membership, person=person, kind=kind)
        for person in rng.sample(people, rng.randint(0, 2)):
            MembershipFactory(space=space, organization=None, person=person,
                              category=rng.choice([MembershipCategory.VOTING, MembershipCategory.OBSERVER]))
    keys = [f"u:{person.pk}" for person in people] + [f"o:{organization.pk}" for organization in organizations]
    for n in range(40):
        opens = rng.choice([None, now - timedelta(days=rng.randint(0, 5)), now + timedelta(hours=rng.randint(1, 9))])
        closes = rng.choice([None, now + timedelta(hours=rng.randint(-30, 300)), now + timedelta(days=3)])
        if opens and closes and closes <= opens:
            closes = opens + timedelta(hours=1)
        proposal = ProposalFactory(
            space=rng.choice(spaces), title=f"Proposition {seed}-{n}",
            status=rng.choice([Proposal.Status.OPEN, Proposal.Status.OPEN, Proposal.Status.DRAFT,
                               Proposal.Status.CLOSED]),
            opens_at=opens, closes_at=closes, round=rng.choice([1, 1, 2]),
            voting_unit=rng.choice(["person", "organization"]),
            eligible_categories=rng.choice([[], ["voting"], ["voting", "observer"]]))
        for key in rng.sample(keys, rng.randint(0, 7)):
            kind, _sep, number = key.partition(":")
            Participation.objects.create(
                proposal=proposal, round=rng.choice([proposal.round, proposal.round, 3 - proposal.round]),
                voter_key=key,
                person_id=int(number) if kind == "u" else None,
                organization_id=int(number) if kind == "o" else None)
        if rng.random() < 0.2:
            Recusal.objects.create(proposal=proposal, person=rng.choice(people))
        if rng.random() < 0.2:
            Recusal.objects.create(proposal=proposal, organization=rng.choice(organizations))
    world.generated = {"spaces": spaces, "organizations": organizations, "people": people, "rng": rng}
    return people + [world.delegate, world.citizen, world.observer, world.coordinator, world.outsider]


def generated_home(world, seed: int) -> list:
    """``generated_votes`` and, in the same spaces, meetings (with answers and minutes), decisions,
    follow-ups and terms of roles, drawn around today."""
    people = generated_votes(world, seed)
    g = world.generated
    rng, spaces, organizations = g["rng"], g["spaces"], g["organizations"]
    now = timezone.now()
    today = timezone.localdate()
    anyone = people[:-1]
    for n in range(40):
        starts = now + timedelta(days=rng.randint(-120, 120), hours=rng.randint(-12, 12))
        meeting = MeetingFactory(
            space=rng.choice(spaces), title=f"Rencontre {seed}-{n}", starts_at=starts,
            ends_at=starts + timedelta(hours=rng.choice([1, 2, 30])), status=rng.choice(Meeting.Status.values),
            facilitator=rng.choice([None, None, *anyone]), secretary=rng.choice([None, None, *anyone]))
        for person in rng.sample(anyone, rng.randint(0, 3)):
            Rsvp.objects.create(meeting=meeting, person=person, answer=rng.choice(["", *Rsvp.Answer.values]),
                                childcare=rng.randint(0, 2), diet=rng.choice(["", "Végétarien"]))
        if rng.random() < 0.6:
            circulated = rng.choice([None, now - timedelta(days=rng.randint(0, 120))])
            adopted = rng.choice([None, now - timedelta(days=rng.randint(0, 120))])
            Minutes.objects.create(meeting=meeting, status=rng.choice(Minutes.Status.values),
                                   circulated_at=circulated, adopted_at=adopted)
        ProposalFactory(space=rng.choice(spaces), title=f"Décision {seed}-{n}", decided=True,
                        decided_at=now - timedelta(days=rng.randint(0, 120), hours=rng.randint(0, 23)))
        FollowUp.objects.create(
            space=rng.choice(spaces), what=f"Suivi {seed}-{n}", status=rng.choice(FollowUp.Status.values),
            due_on=rng.choice([None, today + timedelta(days=rng.randint(-30, 30))]),
            **rng.choice([{"person": rng.choice(anyone)}, {"organization": rng.choice(organizations)}]))
    for n, space in enumerate(spaces):
        for m in range(3):
            start = today - timedelta(days=rng.randint(-5, 400))
            end = rng.choice([None, start + timedelta(days=rng.randint(0, 500)),
                              max(start, today + timedelta(days=rng.randint(0, 70)))])
            ended_on = rng.choice([None, None, start + timedelta(days=rng.randint(0, 300))])
            kind = rng.choice([Role.Kind.COORDINATION, Role.Kind.FACILITATION, Role.Kind.SECRETARY, "treasurer"])
            RoleAssignmentFactory(role=RoleFactory(space=space, name=f"Rôle {seed}-{n}-{m}", kind=kind),
                                  person=rng.choice(anyone), organization=rng.choice([None, *organizations]),
                                  start=start, end=end, ended_on=ended_on, end_reason="resigned" if ended_on else "")
    for n in range(15):
        Invitation.objects.create(
            space=rng.choice(spaces), email=f"invitee{seed}-{n}@example.org",
            organization=rng.choice([None, *organizations]),
            expires_at=now + timedelta(days=rng.randint(-5, 20), hours=rng.randint(0, 23)),
            accepted_at=rng.choice([None, None, now]), revoked_at=rng.choice([None, None, now]))
    return people


def orm_rows(person, now, count):
    return [(p.pk, p.title, p.closes_at, p.eligible_categories, p.space_id, p.space.name, p.space.slug,
             p.space.territory.slug, p.voted_key, p.voted_for, bool(p.recused))
            for p in everyone.open_proposals_queryset(person, now=now, count=count)]


@pytest.mark.parametrize("seed", range(4))
def test_the_open_votes_statement_agrees_with_its_orm_form(world, seed):
    people = generated_votes(world, seed)
    now = timezone.now()
    seen = []
    for person in people:
        forget_access(person)
        for count in (3, 24, 100):
            rows = everyone.open_proposal_rows(person, now=now, count=count)
            if not selectors.access_for(person).space_categories:
                assert rows == []
                continue
            assert rows == orm_rows(person, now, count), (person, count)
            seen += rows
    # Every case was met: a person's ballot, an organization's, a recusal, one never closing.
    assert any((row[8] or "").startswith("u:") for row in seen)
    assert any((row[8] or "").startswith("o:") and row[9] for row in seen)
    assert any(row[10] for row in seen) and any(row[2] is None for row in seen)


@pytest.mark.parametrize("seed", range(3))
def test_the_blocks_of_everyone_written_out_agree_with_their_orm_form(world, seed):
    """« Mes prochaines rencontres », « Mes suivis », « Mes rôles » and « À lire »: each statement
    written out reads the rows its ORM form reads, for every person, with a short and a long limit."""
    people = generated_home(world, seed)
    now = timezone.now()
    today = timezone.localdate()
    forms = {
        "next meetings": (everyone.next_meeting_rows, everyone.next_meetings_queryset, {"now": now}),
        "follow-ups": (everyone.my_follow_up_rows, everyone.my_follow_ups_queryset, {}),
        "roles": (everyone.my_role_rows, everyone.my_roles_queryset, {"today": today}),
        "decisions": (everyone.recent_decision_rows, everyone.recent_decisions_queryset, {"now": now}),
        "minutes": (everyone.minutes_to_read_rows, everyone.minutes_to_read_queryset, {"now": now}),
    }
    found = dict.fromkeys(forms, 0)
    for person in people:
        forget_access(person)
        for name, (statement, orm, kwargs) in forms.items():
            for count in (2, 50):
                rows = statement(person, count=count, **kwargs)
                if name in ("decisions", "minutes") and not written.member_space_ids(person):
                    assert rows == [], name
                    continue
                assert rows == list(orm(person, count=count, **kwargs)), (name, person, count)
                found[name] += len(rows)
    assert all(found.values()), found


@pytest.mark.parametrize("seed", range(3))
def test_the_work_of_those_who_run_spaces_written_out_agrees_with_its_orm_form(world, seed):
    """« À faire pour vos espaces »: the meetings to convene or to write the minutes of, the overdue
    follow-ups, the terms ending and the pending invitations, read by each statement written out as
    by its ORM form, for the coordinator, the facilitator and people holding generated roles."""
    people = generated_home(world, seed) + [world.facilitator]
    now = timezone.now()
    today = timezone.localdate()
    forms = {
        "to prepare": (coordination.meetings_to_prepare_rows, coordination.meetings_to_prepare_queryset, {"now": now}),
        "overdue": (coordination.overdue_rows, coordination.overdue_queryset, {"today": today}),
        "terms": (coordination.terms_ending_rows, coordination.terms_ending_queryset, {"today": today}),
        "invitations": (coordination.pending_invitation_rows, coordination.pending_invitations_queryset, {"now": now}),
    }
    found = dict.fromkeys(forms, 0)
    for person in people:
        forget_access(person)
        for name, (statement, orm, kwargs) in forms.items():
            for count in (2, 50):
                rows = statement(person, count=count, **kwargs)
                assert rows == list(orm(person, count=count, **kwargs)), (name, person, count)
                found[name] += len(rows)
    assert all(found.values()), found


@pytest.mark.parametrize("seed", range(3))
def test_the_measurements_due_written_out_agree_with_their_orm_form(world, seed):
    """« Mesures attendues »: the statement written out reads the indicators its ORM form reads, for
    those who run the space and for delegates of the responsible organizations, on several days."""
    from datetime import date
    from decimal import Decimal

    from concertation.planning import services as planning
    from concertation.planning.models import Indicator, Measurement
    from tests.planning.test_indicators import build

    people = generated_votes(world, seed) + [world.facilitator]
    rng, organizations = world.generated["rng"], world.generated["organizations"]
    for tag, adopt in ((" a", True), (" b", True), (" c", False)):
        built = build(world, tag=f"{tag}{seed}")
        plan = built.plan
        for n in range(12):
            indicator = planning.indicator_add(
                plan=plan, name=f"Indicateur {n}", unit="%", baseline_value=Decimal(rng.randint(1, 50)),
                baseline_date=rng.choice([None, date(2024, 1, 1) + timedelta(days=rng.randint(0, 900))]),
                target_value=Decimal(60), target_date=date(2030, 1, 1),
                frequency=rng.choice(Indicator.Frequency.values), responsible=rng.choice([None, *organizations]))
            for day in rng.sample(range(0, 700), rng.randint(0, 3)):
                Measurement.objects.create(indicator=indicator, date=timezone.localdate() - timedelta(days=day),
                                           value=Decimal(rng.randint(1, 50)))
        if adopt:
            planning.plan_adopt(plan=plan, decision=built.decision, by=world.coordinator)
    found = 0
    for person in people:
        forget_access(person)
        for today in (timezone.localdate(), date(2026, 2, 28), date(2027, 3, 31)):
            rows = coordination.measurement_rows(person, today=today)
            assert rows == list(coordination.measurements_queryset(person, today=today)), (person, today)
            found += len(rows)
    assert found


@pytest.mark.parametrize("seed", range(3))
def test_the_spaces_of_a_person_written_out_agree_with_their_orm_form(world, seed):
    """« Mes espaces »: ``spaces_of_user_rows`` reads the spaces ``spaces_of_user`` finds, in its
    order, for members, delegates, those holding roles and the territory's coordinator."""
    people = generated_home(world, seed) + [world.facilitator, world.foreigner]
    found = 0
    for person in people:
        forget_access(person)
        rows = selectors.spaces_of_user_rows(person)
        assert rows == [(space.territory.pk, space.territory.name, space.territory.slug, space.pk, space.name,
                         space.slug, space.kind) for space in selectors.spaces_of_user(person)], person
        found += len(rows)
    assert found
