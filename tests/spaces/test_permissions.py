"""The role × permission grid of the structure (docs/roles-and-permissions.md), tested as a grid.

Anonymous visitors are sent to sign in (302) on pages that need an account; everyone else gets the
page (200) or 404 — the same answer as for an object that does not exist.
"""

import pytest

from concertation.spaces.models import Membership

KINDS = ["anonymous", "outsider", "foreigner", "observer", "delegate", "citizen", "facilitator", "coordinator",
         "admin"]

EVERYONE = {kind: 200 for kind in KINDS}
# Anonymous visitors of a space they may not see (or of a missing one) are sent to sign in (issue 13).
TERRITORY_MEMBERS = {"anonymous": 302, "outsider": 404, "foreigner": 404, "observer": 200, "delegate": 200,
                     "citizen": 200, "facilitator": 200, "coordinator": 200, "admin": 200}
COMMITTEE_MEMBERS = {"anonymous": 302, "outsider": 404, "foreigner": 404, "observer": 404, "delegate": 200,
                     "citizen": 404, "facilitator": 404, "coordinator": 200, "admin": 200}
COORDINATORS = {"anonymous": 302, "outsider": 404, "foreigner": 404, "observer": 404, "delegate": 404,
                "citizen": 404, "facilitator": 404, "coordinator": 200, "admin": 200}
SIGNED_IN_TERRITORY = {**TERRITORY_MEMBERS, "anonymous": 302}
OTHER_TERRITORY = {"anonymous": 302, "outsider": 404, "foreigner": 200, "observer": 404, "delegate": 404,
                   "citizen": 404, "facilitator": 404, "coordinator": 404, "admin": 200}

T = "/t/pointe-test"
GRID = [
    ("governance overview", f"{T}/", EVERYONE),
    ("public space page", f"{T}/e/assemblee/", EVERYONE),
    ("public charter", f"{T}/e/assemblee/charte/", EVERYONE),
    ("public charter version", f"{T}/e/assemblee/charte/v1/", EVERYONE),
    ("territory-wide space page", f"{T}/e/chantier/", TERRITORY_MEMBERS),
    ("members-only space page", f"{T}/e/comite/", COMMITTEE_MEMBERS),
    ("members-only charter", f"{T}/e/comite/charte/", COMMITTEE_MEMBERS),
    ("organization directory", f"{T}/organismes/", SIGNED_IN_TERRITORY),
    ("manage members", f"{T}/e/assemblee/membres/", COORDINATORS),
    ("add a member", f"{T}/e/assemblee/membres/ajouter/", COORDINATORS),
    ("manage roles", f"{T}/e/assemblee/roles/", COORDINATORS),
    ("create a role", f"{T}/e/assemblee/roles/nouveau/", COORDINATORS),
    ("edit the charter", f"{T}/e/assemblee/charte/modifier/", COORDINATORS),
    ("edit the space", f"{T}/e/assemblee/modifier/", COORDINATORS),
    ("create a space", f"{T}/espaces/nouveau/", COORDINATORS),
    ("add an organization", f"{T}/organismes/nouveau/", COORDINATORS),
    ("space of another territory", "/t/ailleurs/e/table/", OTHER_TERRITORY),
    ("missing space", f"{T}/e/nexiste-pas/", {**{kind: 404 for kind in KINDS}, "anonymous": 302}),
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("label,url,expected", GRID, ids=[row[0] for row in GRID])
def test_permission_grid(world, client_for, kind, label, url, expected):
    response = client_for(world.users[kind]).get(url)
    assert response.status_code == expected[kind], f"{kind} on {label}"


def test_facilitator_sees_but_cannot_manage_the_group(world, client_for):
    client = client_for(world.facilitator)
    assert client.get(f"{T}/e/chantier/").status_code == 200
    assert client.get(f"{T}/e/chantier/membres/").status_code == 404


@pytest.mark.parametrize("kind", ["observer", "delegate", "citizen", "facilitator", "outsider"])
def test_a_forged_member_addition_is_refused_and_changes_nothing(world, client_for, kind):
    before = Membership.objects.count()
    response = client_for(world.users[kind]).post(
        f"{T}/e/assemblee/membres/ajouter/", {"person": world.outsider.pk, "category": "voting"}
    )
    assert response.status_code == 404
    assert Membership.objects.count() == before


def test_coordinator_of_one_territory_cannot_touch_another(world, client_for):
    response = client_for(world.coordinator).post("/t/ailleurs/e/table/membres/ajouter/",
                                                  {"person": world.outsider.pk, "category": "voting"})
    assert response.status_code == 404
    assert not Membership.objects.filter(space=world.other_space, person=world.outsider).exists()


def test_coordination_role_grants_management_of_the_space_and_its_children(world, client_for):
    from concertation.spaces.models import Role
    from tests.factories import RoleAssignmentFactory, RoleFactory

    role = RoleFactory(space=world.assembly, name="Coordination", kind=Role.Kind.COORDINATION)
    RoleAssignmentFactory(role=role, person=world.citizen)
    client = client_for(world.citizen)
    assert client.get(f"{T}/e/assemblee/membres/").status_code == 200
    assert client.get(f"{T}/e/comite/membres/").status_code == 200  # a child space
    assert client.get("/t/ailleurs/e/table/").status_code == 404
