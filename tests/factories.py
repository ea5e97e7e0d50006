"""factory_boy factories shared by every test module.

They write rows directly, as a test's starting point: what the services check and record (rules of
the charter, audit, revisions, notices) is tested through the services themselves.
"""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from concertation.accounts.models import User
from concertation.decisions.models import Ballot, Option, Proposal
from concertation.directory.models import College, Organization, Sector, Territory
from concertation.meetings.models import AgendaItem, Attendance, Meeting
from concertation.planning.models import (
    Activity,
    Indicator,
    Measurement,
    Objective,
    Plan,
    Priority,
    Strategy,
)
from concertation.spaces.models import Charter, Delegation, Membership, Role, RoleAssignment, Space


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Personne {n}")
    password = factory.PostGenerationMethodCall("set_password", "motdepasse-solide-123")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory

    name = factory.Sequence(lambda n: f"Territoire {n}")
    slug = factory.Sequence(lambda n: f"territoire-{n}")


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector

    territory = factory.SubFactory(TerritoryFactory)
    name = factory.Sequence(lambda n: f"Secteur {n}")


class CollegeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = College

    territory = factory.SubFactory(TerritoryFactory)
    name = factory.Sequence(lambda n: f"Collège {n}")
    slug = factory.Sequence(lambda n: f"college-{n}")
    kind = College.Kind.COMMUNITY


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    territory = factory.SubFactory(TerritoryFactory)
    name = factory.Sequence(lambda n: f"Organisme {n}")


class SpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Space

    territory = factory.SubFactory(TerritoryFactory)
    name = factory.Sequence(lambda n: f"Espace {n}")
    slug = factory.Sequence(lambda n: f"espace-{n}")
    kind = Space.Kind.TABLE
    visibility = Space.Visibility.TERRITORY


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    space = factory.SubFactory(SpaceFactory)
    organization = factory.SubFactory(OrganizationFactory, territory=factory.SelfAttribute("..space.territory"))
    start = factory.LazyFunction(lambda: timezone.localdate().replace(year=timezone.localdate().year - 1))


class DelegationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delegation

    membership = factory.SubFactory(MembershipFactory)
    person = factory.SubFactory(UserFactory)
    kind = Delegation.Kind.DELEGATE
    start = factory.SelfAttribute("membership.start")


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    space = factory.SubFactory(SpaceFactory)
    name = factory.Sequence(lambda n: f"Rôle {n}")
    kind = Role.Kind.FACILITATION


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    role = factory.SubFactory(RoleFactory)
    person = factory.SubFactory(UserFactory)
    start = factory.LazyFunction(lambda: timezone.localdate().replace(year=timezone.localdate().year - 1))


class CharterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Charter

    space = factory.SubFactory(SpaceFactory)
    version = 1
    in_force = True


# Decisions ----------------------------------------------------------------------------------------

class ProposalFactory(factory.django.DjangoModelFactory):
    """A draft proposal; ``opened=True`` an open vote (since an hour, for a week); ``decided=True`` a
    decision taken at ``decided_at`` (now by default) by a vote closed an hour before, ``adopted`` or
    not. ``options=["A", "B"]`` adds options in that order."""

    class Meta:
        model = Proposal
        skip_postgeneration_save = True

    class Params:
        adopted = True
        opened = factory.Trait(
            status=Proposal.Status.OPEN,
            opens_at=factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1)),
            closes_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=7)),
        )
        decided = factory.Trait(
            status=Proposal.Status.DECIDED,
            outcome="Adoptée.",
            decided_at=factory.LazyFunction(timezone.now),
            opens_at=factory.LazyAttribute(lambda p: p.decided_at - timedelta(hours=2)),
            closes_at=factory.LazyAttribute(lambda p: p.decided_at - timedelta(hours=1)),
            closed_at=factory.SelfAttribute("closes_at"),
            result=factory.LazyAttribute(lambda p: {"method": p.method, "adopted": p.adopted}),
        )

    space = factory.SubFactory(SpaceFactory)
    title = factory.Sequence(lambda n: f"Proposition {n}")
    method = "majority"

    @factory.post_generation
    def options(obj, create, extracted, **kwargs):
        if create and extracted:
            Option.objects.bulk_create([Option(proposal=obj, label=label, position=n)
                                        for n, label in enumerate(extracted)])


class OptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Option

    proposal = factory.SubFactory(ProposalFactory)
    label = factory.Sequence(lambda n: f"Option {n}")
    position = factory.Sequence(lambda n: n)


class BallotFactory(factory.django.DjangoModelFactory):
    """A person's ballot (``person``), or an organization's (``organization``, cast by ``cast_by``)."""

    class Meta:
        model = Ballot

    proposal = factory.SubFactory(ProposalFactory, opened=True)
    person = factory.LazyAttribute(lambda b: None if b.organization is not None else UserFactory())
    organization = None
    cast_by = factory.LazyAttribute(lambda b: b.person)
    voter_key = factory.LazyAttribute(lambda b: f"o:{b.organization.pk}" if b.organization is not None
                                      else f"u:{b.person.pk}")
    round = factory.SelfAttribute("proposal.round")
    value = "yes"


# Meetings -----------------------------------------------------------------------------------------

class MeetingFactory(factory.django.DjangoModelFactory):
    """A meeting of two hours starting a week from now (a draft); ``items=["Mot de bienvenue", …]``
    adds agenda items in that order and ``attendees=[person, …]`` their presence."""

    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    class Params:
        hours = 2

    space = factory.SubFactory(SpaceFactory)
    title = factory.Sequence(lambda n: f"Rencontre {n}")
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + timedelta(days=7)).replace(hour=18, minute=30, second=0, microsecond=0))
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + timedelta(hours=m.hours))

    @factory.post_generation
    def items(obj, create, extracted, **kwargs):
        if create and extracted:
            AgendaItem.objects.bulk_create([AgendaItem(meeting=obj, title=title, position=n)
                                            for n, title in enumerate(extracted, start=1)])

    @factory.post_generation
    def attendees(obj, create, extracted, **kwargs):
        if create and extracted:
            Attendance.objects.bulk_create([Attendance(meeting=obj, person=person) for person in extracted])


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    title = factory.Sequence(lambda n: f"Point {n}")
    position = factory.Sequence(lambda n: n + 1)


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(UserFactory)
    status = Attendance.Status.PRESENT


# Planning -----------------------------------------------------------------------------------------

def _year_start() -> date:
    return timezone.localdate().replace(month=1, day=1)


class PlanFactory(factory.django.DjangoModelFactory):
    """A draft plan over this year and the next two; ``adopted=True`` adopted today."""

    class Meta:
        model = Plan

    class Params:
        adopted = factory.Trait(status=Plan.Status.ADOPTED, adopted_on=factory.LazyFunction(timezone.localdate))

    space = factory.SubFactory(SpaceFactory)
    title = factory.Sequence(lambda n: f"Plan {n}")
    starts_on = factory.LazyFunction(_year_start)
    ends_on = factory.LazyAttribute(lambda p: p.starts_on.replace(year=p.starts_on.year + 2, month=12, day=31))


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Priorité {n}")
    position = factory.Sequence(lambda n: n + 1)


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    priority = factory.SubFactory(PriorityFactory)
    title = factory.Sequence(lambda n: f"Objectif {n}")
    position = factory.Sequence(lambda n: n + 1)


class StrategyFactory(factory.django.DjangoModelFactory):
    """A strategy under an objective (of the same plan)."""

    class Meta:
        model = Strategy

    objective = factory.SubFactory(ObjectiveFactory)
    plan = factory.SelfAttribute("objective.priority.plan")
    title = factory.Sequence(lambda n: f"Stratégie {n}")
    position = factory.Sequence(lambda n: n + 1)


class ActivityFactory(factory.django.DjangoModelFactory):
    """An activity, with the whole plan above it when no strategy is given."""

    class Meta:
        model = Activity

    strategy = factory.SubFactory(StrategyFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    position = factory.Sequence(lambda n: n + 1)


class IndicatorFactory(factory.django.DjangoModelFactory):
    """An indicator of a plan aiming at 100 by the plan's end; ``measurements=[(date, value), …]``
    adds its measurements."""

    class Meta:
        model = Indicator
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"Indicateur {n}")
    target_value = Decimal("100")
    target_date = factory.SelfAttribute("plan.ends_on")
    position = factory.Sequence(lambda n: n + 1)

    @factory.post_generation
    def measurements(obj, create, extracted, **kwargs):
        if create and extracted:
            Measurement.objects.bulk_create([Measurement(indicator=obj, date=day, value=Decimal(str(value)))
                                             for day, value in extracted])


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    indicator = factory.SubFactory(IndicatorFactory)
    date = factory.LazyFunction(timezone.localdate)
    value = Decimal("10")
