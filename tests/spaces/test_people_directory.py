"""The people directory: a coordinator sees and picks only the people of their own territory.

Anyone else — with an account elsewhere on the instance or with none — joins by accepting an
invitation, and nothing a coordinator sees tells the two apart (issue 12, defect 7).
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from concertation.directory.models import Affiliation
from concertation.spaces import invitations
from concertation.spaces.models import Delegation, Invitation, Membership, Role, RoleAssignment
from concertation.spaces.selectors import people_of_territory
from tests.factories import (
    DelegationFactory,
    MembershipFactory,
    OrganizationFactory,
    RoleAssignmentFactory,
    RoleFactory,
    SpaceFactory,
    TerritoryFactory,
    UserFactory,
)

User = get_user_model()
FIRST = "/t/pointe-test"
SECOND = "/t/ailleurs"
UNKNOWN = "personne-inconnue@example.org"  # no account anywhere
ELSEWHERE = "delegue@example.org"  # the first territory's delegate: an account, but not of the second
OUTSIDE_REFUSAL = "Cette personne ne fait pas partie du territoire"


@pytest.fixture
def second(world):
    """The second territory with a coordinator of its own (and of nothing else), an organization with
    a delegate, a role, and an organization not yet a member."""
    w = world
    w.second_coordinator = UserFactory(email="coord-ailleurs@example.org", display_name="Coordination Ailleurs")
    w.other_territory.coordinators.add(w.second_coordinator)
    w.other_org = OrganizationFactory(territory=w.other_territory, name="Maison d'ailleurs")
    w.other_org_membership = MembershipFactory(space=w.other_space, organization=w.other_org)
    w.other_delegate = UserFactory(email="deleguee-ailleurs@example.org", display_name="Déléguée Ailleurs")
    DelegationFactory(membership=w.other_org_membership, person=w.other_delegate)
    w.other_role = RoleFactory(space=w.other_space, name="Secrétariat", kind=Role.Kind.SECRETARY)
    w.new_org = OrganizationFactory(territory=w.other_territory, name="Nouvel organisme")
    w.first_people = [w.coordinator, w.delegate, w.observer, w.citizen, w.facilitator]
    return w


def state():
    """Every row a person picker or an e-mail field may write."""
    return (
        sorted(Membership.objects.values_list("pk", "space_id", "organization_id", "person_id", "end", "note")),
        sorted(Delegation.objects.values_list("pk", "membership_id", "person_id", "kind", "end")),
        sorted(RoleAssignment.objects.values_list("pk", "role_id", "person_id", "organization_id")),
        sorted(Invitation.objects.values_list("pk", "email")),
        User.objects.count(),
    )


# The selector -----------------------------------------------------------------------------------

def test_people_of_territory_are_those_with_a_tie_to_it_now_or_before(world):
    territory = world.territory
    space = world.group
    past = timezone.localdate() - timedelta(days=400)
    former_citizen = UserFactory()
    MembershipFactory(space=space, organization=None, person=former_citizen, start=past, end=past + timedelta(days=30))
    former_delegate = UserFactory()
    ended = MembershipFactory(space=space, organization=OrganizationFactory(territory=territory), start=past)
    DelegationFactory(membership=ended, person=former_delegate, start=past, end=past + timedelta(days=10))
    role_holder = UserFactory()
    RoleAssignmentFactory(role=world.facilitation, person=role_holder)
    affiliated = UserFactory()
    Affiliation.objects.create(person=affiliated, organization=world.observer_org)
    accepted = UserFactory()
    invitation = invitations.invitation_create(space=space, email="a@example.org", by=world.coordinator)
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now(), accepted_by=accepted)
    inactive = UserFactory(is_active=False)
    Affiliation.objects.create(person=inactive, organization=world.org)
    UserFactory()  # no tie at all
    pending = invitations.invitation_create(space=space, email="pending@example.org", by=world.coordinator)
    assert pending.accepted_by is None

    expected = {world.coordinator, world.delegate, world.observer, world.citizen, world.facilitator,
                former_citizen, former_delegate, role_holder, affiliated, accepted}
    assert set(people_of_territory(territory)) == expected
    # The other territory: its citizen only (the instance's admin and the first territory's people are not).
    assert list(people_of_territory(world.other_territory)) == [world.foreigner]


def test_people_of_territory_is_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(people_of_territory(world.territory))


# The three pages --------------------------------------------------------------------------------

def _pages(w):
    return {
        "member_add": f"{SECOND}/e/table/membres/ajouter/",
        "member_edit": f"{SECOND}/e/table/membres/{w.other_org_membership.pk}/",
        "role_assign": f"{SECOND}/e/table/roles/{w.other_role.pk}/attribuer/",
    }


@pytest.mark.parametrize("page", ["member_add", "member_edit", "role_assign"])
def test_a_coordinator_of_a_second_territory_sees_none_of_the_first_territorys_people(second, client, page):
    w = second
    client.force_login(w.second_coordinator)
    response = client.get(_pages(w)[page])
    assert response.status_code == 200
    html = response.content.decode()
    offered = set()
    for name in ("person", "delegate", "alternate"):
        offered |= set(map(int, _options(html, name)))
    assert offered == {w.foreigner.pk, w.other_delegate.pk, w.second_coordinator.pk}
    for person in [*w.first_people, w.admin, w.outsider]:
        assert person.email not in html, (page, person.email)
        assert person.display_name not in html, (page, person.email)
    # Their own people are there, with their e-mail.
    assert "deleguee-ailleurs@example.org" in html
    assert "ailleurs@example.org" in html


@pytest.mark.parametrize("page,field", [
    ("member_add", "person"), ("member_add", "delegate"), ("member_add", "alternate"),
    ("member_edit", "delegate"), ("member_edit", "alternate"), ("role_assign", "person"),
])
def test_picking_a_person_of_another_territory_is_refused_with_a_message(second, client, page, field):
    w = second
    client.force_login(w.second_coordinator)
    data = {
        "member_add": {"organization": w.new_org.pk, "category": "voting"},
        "member_edit": {"category": "voting", "delegate": w.other_delegate.pk},
        "role_assign": {"start": timezone.localdate().isoformat()},
    }[page]
    if page == "member_add" and field == "person":
        data = {"category": "voting"}
    data[field] = w.delegate.pk  # the first territory's delegate
    before = state()
    response = client.post(_pages(w)[page], data)
    assert response.status_code == 200
    assert OUTSIDE_REFUSAL in response.content.decode()
    assert state() == before


# Adding by e-mail -------------------------------------------------------------------------------

def _options(html: str, name: str) -> list[str]:
    """The values offered by the page's <select name="…">, if it has one (the empty choice left out)."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    return [value for value in re.findall(r'<option value="([^"]*)"', select.group(1)) if value] if select else []


def _mask(html: str, *addresses: str) -> str:
    """The page without what changes from one request to the next (CSRF token, CSP nonce, the kept
    file's token) and with the address typed replaced."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', '"X-CSRFToken": ""', html)
    html = re.sub(r'nonce="[^"]+"', 'nonce=""', html)
    html = re.sub(r'name="token" value="[^"]+"', 'name="token" value=""', html)
    for address in addresses:
        html = html.replace(address, "ADDRESS")
    return html


def _rolled_back(action):
    """Run ``action`` and undo everything it wrote, to compare two attempts from the same state."""
    with transaction.atomic():
        result = action()
        transaction.set_rollback(True)
    return result


def _add_by_email(client, w, email):
    def action():
        response = client.post(f"{SECOND}/e/table/membres/ajouter/", {
            "organization": w.new_org.pk, "category": "voting", "delegate_email": email.upper(),
        }, follow=True)
        membership = Membership.objects.get(space=w.other_space, organization=w.new_org)
        invitation = Invitation.objects.get(space=w.other_space, email=email)
        return {
            "status": [response.status_code, *[status for _url, status in response.redirect_chain]],
            # The new membership's id differs only because PostgreSQL does not roll sequences back.
            "html": _mask(response.content.decode(), email).replace(f"/membres/{membership.pk}/", "/membres/N/"),
            "delegations": list(membership.delegations.values_list("person__email", flat=True)),
            "invitation": (invitation.invited_as, invitation.organization_id, invitation.accepted_at),
            "accounts": User.objects.count(),
        }
    return _rolled_back(action)


def test_adding_an_outside_address_invites_and_says_the_same_whether_it_has_an_account(second, client):
    w = second
    client.force_login(w.second_coordinator)
    accounts = User.objects.count()
    elsewhere = _add_by_email(client, w, ELSEWHERE)
    unknown = _add_by_email(client, w, UNKNOWN)
    assert elsewhere == unknown
    assert elsewhere["delegations"] == []  # nobody enrolled without consent
    assert elsewhere["invitation"] == (Invitation.As.DELEGATE, w.new_org.pk, None)
    assert elsewhere["accounts"] == accounts  # no account made for the unknown address
    assert "Une invitation" in elsewhere["html"] and "ADDRESS" in elsewhere["html"]


def test_a_person_of_the_territory_is_still_added_directly_by_address(second, client):
    w = second
    client.force_login(w.second_coordinator)
    response = client.post(f"{SECOND}/e/table/membres/ajouter/", {
        "organization": w.new_org.pk, "category": "voting", "delegate_email": "AILLEURS@example.org",
    })
    assert response.status_code == 302
    membership = Membership.objects.get(space=w.other_space, organization=w.new_org)
    assert list(membership.delegations.values_list("person", flat=True)) == [w.foreigner.pk]
    assert not Invitation.objects.filter(space=w.other_space).exists()


def test_an_address_needs_an_organization(second, client):
    w = second
    client.force_login(w.second_coordinator)
    before = state()
    response = client.post(f"{SECOND}/e/table/membres/ajouter/", {
        "person": w.foreigner.pk, "category": "voting", "delegate_email": UNKNOWN,
    })
    assert response.status_code == 200
    assert "Seul un organisme a une personne déléguée" in response.content.decode()
    assert state() == before


# The import -------------------------------------------------------------------------------------

HEADER = "Organisme;Espace;Courriel de la personne déléguée;Personne déléguée\n"


def _import(client, w, email, *, confirm):
    def action():
        data = (HEADER + f"Nouvel organisme;table;{email};Camille Roy\n").encode()
        response = client.post(f"{SECOND}/importer/", {"step": "upload",
                                                       "file": SimpleUploadedFile("membres.csv", data)})
        assert response.status_code == 200
        result = {"preview": _mask(response.content.decode(), email)}
        if confirm:
            response = client.post(f"{SECOND}/importer/", {"step": "confirm", "token": response.context["token"]},
                                   follow=True)
            membership = Membership.objects.get(space=w.other_space, organization=w.new_org)
            result.update(
                status=[response.status_code, *[status for _url, status in response.redirect_chain]],
                confirmed=_mask(response.content.decode(), email).replace(f"/{membership.pk}/", "/N/"),
                delegations=list(membership.delegations.values_list("person__email", flat=True)),
                invitation=list(Invitation.objects.filter(space=w.other_space, email=email)
                                .values_list("invited_as", "organization_id", "accepted_at")),
                accounts=User.objects.count(),
            )
        return result
    return _rolled_back(action)


def test_the_import_preview_does_not_tell_whether_an_address_has_an_account(second, client):
    w = second
    client.force_login(w.second_coordinator)
    elsewhere = _import(client, w, ELSEWHERE, confirm=False)["preview"]
    unknown = _import(client, w, UNKNOWN, confirm=False)["preview"]
    assert "compte existant" not in elsewhere
    assert elsewhere == unknown
    assert "invitation" in elsewhere


def test_confirming_the_import_invites_outside_addresses_and_enrols_nobody(second, client):
    w = second
    client.force_login(w.second_coordinator)
    accounts = User.objects.count()
    elsewhere = _import(client, w, ELSEWHERE, confirm=True)
    unknown = _import(client, w, UNKNOWN, confirm=True)
    assert elsewhere == unknown
    assert elsewhere["delegations"] == []
    assert elsewhere["invitation"] == [(Invitation.As.DELEGATE, w.new_org.pk, None)]
    assert elsewhere["accounts"] == accounts
    assert "1 invitation envoyée" in elsewhere["confirmed"]


def test_the_import_enrols_a_person_of_the_territory_directly(second, client):
    w = second
    client.force_login(w.second_coordinator)
    data = (HEADER + "Nouvel organisme;table;ailleurs@example.org;\n").encode()
    response = client.post(f"{SECOND}/importer/", {"step": "upload", "file": SimpleUploadedFile("m.csv", data)})
    assert "(personne du territoire)" in response.content.decode()
    client.post(f"{SECOND}/importer/", {"step": "confirm", "token": response.context["token"]})
    membership = Membership.objects.get(space=w.other_space, organization=w.new_org)
    assert list(membership.delegations.values_list("person", flat=True)) == [w.foreigner.pk]
    assert not Invitation.objects.filter(space=w.other_space).exists()


# The first territory is unchanged for its own coordinator ---------------------------------------

def test_the_first_territorys_coordinator_still_sees_and_picks_her_people(second, client):
    w = second
    client.force_login(w.coordinator)
    html = client.get(f"{FIRST}/e/chantier/membres/ajouter/").content.decode()
    for person in w.first_people:
        assert person.email in html
    assert "deleguee-ailleurs@example.org" not in html and "ailleurs@example.org" not in html
    organization = OrganizationFactory(territory=w.territory, name="Maison de jeunes")
    response = client.post(f"{FIRST}/e/chantier/membres/ajouter/", {
        "organization": organization.pk, "category": "voting", "delegate": w.delegate.pk,
        "alternate": w.citizen.pk,
    })
    assert response.status_code == 302
    membership = Membership.objects.get(space=w.group, organization=organization)
    assert set(membership.delegations.values_list("person", flat=True)) == {w.delegate.pk, w.citizen.pk}
    role = RoleFactory(space=w.group, name="Trésorerie", kind=Role.Kind.TREASURER)
    response = client.post(f"{FIRST}/e/chantier/roles/{role.pk}/attribuer/", {
        "person": w.observer.pk, "start": timezone.localdate().isoformat(),
    })
    assert response.status_code == 302
    assert role.assignments.get().person == w.observer


def test_a_third_territory_without_people_offers_an_empty_picker(second, client):
    territory = TerritoryFactory(slug="vide")
    SpaceFactory(territory=territory, slug="table")
    coordinator = UserFactory()
    territory.coordinators.add(coordinator)
    client.force_login(coordinator)
    html = client.get("/t/vide/e/table/membres/ajouter/").content.decode()
    assert "@example.org" not in html.replace(coordinator.email, "")


def test_one_invitation_per_address_and_space_in_an_import(second, client):
    """The same outside address twice for one space, or one already invited there: a row error
    naming the fix, and nothing imported."""
    w = second
    invitations.invitation_create(space=w.other_space, email="deja@example.org", by=w.second_coordinator)
    OrganizationFactory(territory=w.other_territory, name="Autre organisme")
    data = (HEADER + f"Nouvel organisme;table;{UNKNOWN};\n"
                     f"Autre organisme;table;{UNKNOWN};\n"
                     "Maison d'ailleurs 2;table;deja@example.org;\n").encode()
    client.force_login(w.second_coordinator)
    before = state()
    response = client.post(f"{SECOND}/importer/", {"step": "upload", "file": SimpleUploadedFile("m.csv", data)})
    preview = response.context["preview"]
    assert [result.row.number for result in preview.error_rows] == [3, 4]
    assert "à la ligne 2" in preview.error_rows[0].errors[0]
    assert "révoquez d'abord l'invitation" in preview.error_rows[1].errors[0]
    assert response.context["token"] is None
    assert state() == before
