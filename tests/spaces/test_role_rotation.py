"""Role terms and rotation (issue 18, item 4): who held each role over the years, terms ending within
60 days listed for coordinators and announced once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from concertation.notifications.models import Notification
from concertation.spaces import events, rotation
from concertation.spaces.models import Role, RoleAssignment
from tests.factories import (
    OrganizationFactory,
    RoleAssignmentFactory,
    RoleFactory,
    SectorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def url(world, name, space=None):
    space = space or world.assembly
    return reverse(f"spaces:{name}", kwargs={"territory": world.territory.slug, "space": space.slug})


@pytest.fixture
def secretariat(world):
    sector = SectorFactory(territory=world.territory, name="Habitation")
    housing = OrganizationFactory(territory=world.territory, name="Comité logement Pointe", sector=sector)
    role = RoleFactory(space=world.assembly, name="Secrétariat", kind=Role.Kind.SECRETARY)
    ana = UserFactory(display_name="Ana Secrétaire", shown_publicly=True)
    bo = UserFactory(display_name="Bo Discret")
    RoleAssignmentFactory(role=role, person=ana, organization=housing, start=date(2021, 9, 1), end=date(2022, 8, 31))
    RoleAssignmentFactory(role=role, person=bo, organization=None, start=date(2022, 9, 1), end=date(2024, 8, 31),
                          ended_on=date(2023, 6, 1), end_reason=RoleAssignment.EndReason.RESIGNED)
    RoleAssignmentFactory(role=role, person=ana, organization=housing, start=date(2023, 6, 2), end=None)
    RoleFactory(space=world.assembly, name="Porte-parole", kind=Role.Kind.SPOKESPERSON)
    return role


def test_each_role_with_its_terms_and_distinct_holders(world, secretariat):
    rotations = {r.role.name: r for r in rotation.rotation_of(world.assembly, world.coordinator)}
    terms = rotations["Secrétariat"].terms
    assert [(t["person_label"], t["organization_name"], t["sector_name"]) for t in terms] == [
        ("Ana Secrétaire", "Comité logement Pointe", "Habitation"), ("Bo Discret", None, None),
        ("Ana Secrétaire", "Comité logement Pointe", "Habitation")]
    assert terms[1]["until"] == date(2023, 6, 1)  # ended early: the day it ended
    assert [t["current"] for t in terms] == [False, False, True]
    assert (rotations["Secrétariat"].people, rotations["Secrétariat"].organizations) == (2, 1)
    assert rotations["Porte-parole"].terms == []


def test_the_rotation_page_names_people_as_privacy_says(world, secretariat, client_for):
    public = client_for(None).get(url(world, "role_rotation")).content.decode()
    assert "Ana Secrétaire" in public and "Bo Discret" not in public and "Une personne membre" in public
    assert "2 personnes différentes" in public
    member = client_for(world.citizen).get(url(world, "role_rotation")).content.decode()
    assert "Bo Discret" in member
    assert client_for(world.outsider).get(url(world, "role_rotation", world.committee)).status_code == 404


@pytest.mark.parametrize("size", [2, 12])
def test_the_rotation_page_reads_a_bounded_number_of_queries(world, client_for, django_assert_max_num_queries,
                                                            size):
    for n in range(size):
        role = RoleFactory(space=world.assembly, name=f"Rôle {n}")
        for year in range(3):
            RoleAssignmentFactory(role=role, organization=OrganizationFactory(territory=world.territory),
                                  start=date(2020 + year, 1, 1), end=date(2020 + year, 12, 31))
    client = client_for(world.citizen)
    with django_assert_max_num_queries(8):  # 7 at both sizes
        assert client.get(url(world, "role_rotation")).status_code == 200


def test_terms_ending_within_60_days_listed_for_coordinators(world, client_for):
    today = timezone.localdate()
    role = RoleFactory(space=world.assembly, name="Porte-parole", kind=Role.Kind.SPOKESPERSON)
    RoleAssignmentFactory(role=role, person=UserFactory(display_name="Dans 45 jours"),
                          start=today - timedelta(days=300), end=today + timedelta(days=45))
    RoleAssignmentFactory(role=role, person=UserFactory(display_name="Dans 90 jours"),
                          start=today - timedelta(days=300), end=today + timedelta(days=90))
    client = client_for(world.coordinator)
    for page in (url(world, "roles"), reverse("spaces:territory", kwargs={"territory": world.territory.slug})):
        html = client.get(page).content.decode()
        assert "60 prochains jours" in html and "Dans 45 jours" in html
        assert "Dans 90 jours" not in html.split("60 prochains jours")[1].split("</section>")[0]


def test_a_term_is_announced_60_days_ahead_and_once_per_end_date(world):
    today = timezone.localdate()
    role = RoleFactory(space=world.assembly, name="Animation", kind=Role.Kind.FACILITATION)
    holder = UserFactory()
    assignment = RoleAssignmentFactory(role=role, person=holder, start=today - timedelta(days=300),
                                       end=today + timedelta(days=50))
    assert events.terms_ending_sweep(timezone.now() - timedelta(days=20)) == 0  # 70 days ahead: not yet
    assert events.terms_ending_sweep(timezone.now()) == 2  # the holder and the territory's coordinator
    # Still within the notice every day after, and within the former 30 days: never told twice.
    assert events.terms_ending_sweep(timezone.now() + timedelta(days=25)) == 0
    assert Notification.objects.filter(event="spaces.term_ending", recipient=holder).count() == 1
    # Extended, and ending again: announced again.
    RoleAssignment.objects.filter(pk=assignment.pk).update(end=today + timedelta(days=55))
    assert events.terms_ending_sweep(timezone.now()) == 2
