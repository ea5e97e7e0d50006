"""Database constraints of the structure: they hold even when Python checks are bypassed."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from concertation.spaces.models import Charter, Delegation, Membership, RoleAssignment
from tests.factories import (
    CharterFactory,
    DelegationFactory,
    MembershipFactory,
    OrganizationFactory,
    RoleFactory,
    SpaceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_an_organization_is_a_member_of_a_space_once():
    membership = MembershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(space=membership.space, organization=membership.organization)


def test_a_membership_is_an_organization_or_a_person_not_both():
    space = SpaceFactory()
    organization = OrganizationFactory(territory=space.territory)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(space=space, organization=organization, person=UserFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(space=space)


def test_one_current_delegate_per_member_organization():
    delegation = DelegationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Delegation.objects.create(membership=delegation.membership, person=UserFactory(),
                                  kind=Delegation.Kind.DELEGATE)
    # An alternate beside the delegate is fine, and so is a former delegate.
    Delegation.objects.create(membership=delegation.membership, person=UserFactory(), kind=Delegation.Kind.ALTERNATE)
    delegation.end = delegation.start
    delegation.save()
    Delegation.objects.create(membership=delegation.membership, person=UserFactory(), kind=Delegation.Kind.DELEGATE)
    assert delegation.membership.delegations.filter(end__isnull=True).count() == 2


def test_assignment_dates_must_be_coherent():
    role = RoleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(role=role, person=UserFactory(), start=date(2025, 5, 1), end=date(2025, 4, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(role=role, start=date(2025, 5, 1))  # nobody holds it
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(role=role, person=UserFactory(), start=date(2025, 5, 1),
                                      ended_on=date(2025, 6, 1))  # ended without a reason


def test_membership_end_cannot_precede_start():
    membership = MembershipFactory()
    membership.end = date(membership.start.year - 1, 1, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        membership.save()


def test_one_charter_version_in_force_per_space():
    charter = CharterFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Charter.objects.create(space=charter.space, version=2, in_force=True)
    Charter.objects.create(space=charter.space, version=2, in_force=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Charter.objects.create(space=charter.space, version=2, in_force=False)


def test_custom_threshold_needs_a_fraction():
    space = SpaceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Charter.objects.create(space=space, version=1, threshold="custom", threshold_numerator=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Charter.objects.create(space=space, version=1, threshold="custom", threshold_numerator=5,
                               threshold_denominator=3)
