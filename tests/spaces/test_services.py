from datetime import date, timedelta

import pytest
from django.utils import timezone

from concertation.core.errors import DomainError
from concertation.spaces import services
from concertation.spaces.charter_text import charter_diff
from concertation.spaces.models import Charter, Delegation, Membership, RoleAssignment, Space
from tests.factories import (
    CollegeFactory,
    MembershipFactory,
    OrganizationFactory,
    RoleAssignmentFactory,
    RoleFactory,
    SpaceFactory,
    TerritoryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_add_an_organization_with_its_delegate_and_alternate_in_one_step():
    space = SpaceFactory()
    organization = OrganizationFactory(territory=space.territory)
    delegate, alternate = UserFactory(), UserFactory()
    membership = services.membership_add(space=space, organization=organization, delegate=delegate,
                                         alternate=alternate)
    kinds = dict(membership.delegations.values_list("kind", "person_id"))
    assert kinds == {Delegation.Kind.DELEGATE: delegate.pk, Delegation.Kind.ALTERNATE: alternate.pk}


def test_adding_the_same_organization_twice_is_refused_and_nothing_changes():
    membership = MembershipFactory()
    with pytest.raises(DomainError, match="déjà membre"):
        services.membership_add(space=membership.space, organization=membership.organization)
    assert Membership.objects.count() == 1


def test_organization_of_another_territory_is_refused():
    space = SpaceFactory()
    with pytest.raises(DomainError):
        services.membership_add(space=space, organization=OrganizationFactory(territory=TerritoryFactory()))


def test_delegate_and_alternate_must_differ():
    space = SpaceFactory()
    person = UserFactory()
    with pytest.raises(DomainError):
        services.membership_add(space=space, organization=OrganizationFactory(territory=space.territory),
                                delegate=person, alternate=person)
    assert not Membership.objects.exists()


def test_naming_a_new_delegate_ends_the_previous_term():
    space = SpaceFactory()
    first, second = UserFactory(), UserFactory()
    membership = services.membership_add(space=space, organization=OrganizationFactory(territory=space.territory),
                                         delegate=first, start=date(2024, 1, 1))
    services.delegation_set(membership=membership, kind=Delegation.Kind.DELEGATE, person=second)
    current = membership.delegations.get(kind=Delegation.Kind.DELEGATE, end__isnull=True)
    assert current.person == second
    assert membership.delegations.get(person=first).end is not None


def test_role_term_defaults_to_its_length_and_seats_are_enforced():
    role = RoleFactory(term_months=24, seats=1)
    assignment = services.role_assign(role=role, person=UserFactory(), start=date(2025, 1, 15))
    assert assignment.end == date(2027, 1, 14)
    with pytest.raises(DomainError, match="sièges"):
        services.role_assign(role=role, person=UserFactory(), start=date(2025, 6, 1))
    assert RoleAssignment.objects.filter(role=role).count() == 1
    # After the first term, the seat is free again.
    services.role_assign(role=role, person=UserFactory(), start=date(2027, 1, 15))


def test_ending_an_assignment_needs_a_valid_reason_and_date():
    assignment = RoleAssignmentFactory(start=date(2025, 1, 1))
    with pytest.raises(DomainError):
        services.role_assignment_end(assignment=assignment, ended_on=date(2024, 1, 1), reason="resigned")
    with pytest.raises(DomainError):
        services.role_assignment_end(assignment=assignment, ended_on=date(2025, 3, 1), reason="bored")
    services.role_assignment_end(assignment=assignment, ended_on=date(2025, 3, 1), reason="resigned")
    assignment.refresh_from_db()
    assert (assignment.ended_on, assignment.end_reason, assignment.end) == (date(2025, 3, 1), "resigned",
                                                                            date(2025, 3, 1))
    assert not assignment.is_current(date(2025, 4, 1))


def test_ends_soon_flags_terms_within_30_days():
    today = timezone.localdate()
    soon = RoleAssignmentFactory(start=today - timedelta(days=300), end=today + timedelta(days=20))
    later = RoleAssignmentFactory(start=today - timedelta(days=300), end=today + timedelta(days=60))
    assert soon.ends_soon(today) and not later.ends_soon(today)


def test_charter_versions_replace_each_other():
    space = SpaceFactory()
    first = services.charter_adopt(space=space, method="consensus", fallback_method="majority",
                                   threshold="two_thirds", base="present")
    second = services.charter_adopt(space=space, method="consent", fallback_method="majority",
                                    threshold="simple", base="cast", rules_text="Règle A\nRègle B")
    first.refresh_from_db()
    assert (first.version, first.in_force, second.version, second.in_force) == (1, False, 2, True)
    assert Charter.objects.filter(space=space, in_force=True).get() == second
    diff = charter_diff(first, second)
    labels = {change["label"] for change in diff["fields"]}
    assert {"méthode de décision", "seuil", "base du calcul"} <= labels
    assert diff["text_changed"] and "<ins>Règle A</ins>" in diff["text_html"]


def test_charter_refuses_incoherent_rules():
    space = SpaceFactory()
    with pytest.raises(DomainError):
        services.charter_adopt(space=space, method="majority", threshold="custom", threshold_numerator=4,
                               threshold_denominator=3)
    with pytest.raises(DomainError):
        services.charter_adopt(space=space, method="majority", quorum_kind="count")
    with pytest.raises(DomainError):
        services.charter_adopt(space=space, method="consensus", college_minimums={"inconnu": 1})
    assert not Charter.objects.exists()


def test_charter_minimum_of_a_known_college_is_accepted():
    space = SpaceFactory()
    CollegeFactory(territory=space.territory, slug="citoyen")
    charter = services.charter_adopt(space=space, method="consensus", college_minimums={"citoyen": 1})
    assert charter.college_minimums == {"citoyen": 1}


def test_a_space_cannot_be_moved_under_its_own_child():
    parent = SpaceFactory()
    child = SpaceFactory(territory=parent.territory, parent=parent)
    with pytest.raises(DomainError):
        services.space_update(space=Space.objects.get(pk=parent.pk), parent=child)
