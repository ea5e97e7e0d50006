"""factory_boy factories shared by every test module."""

import factory
from django.utils import timezone

from concertation.accounts.models import User
from concertation.directory.models import College, Organization, Sector, Territory
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
