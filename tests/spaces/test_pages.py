"""The structure's pages render what they promise, with a query count that does not grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from concertation.spaces.models import Charter, Membership, Role, RoleAssignment
from tests.factories import (
    DelegationFactory,
    MembershipFactory,
    OrganizationFactory,
    SectorFactory,
    UserFactory,
)

T = "/t/pointe-test"


def grow(world, count):
    """Give the assembly `count` more member organizations with delegates, and roles with holders."""
    sector = SectorFactory(territory=world.territory)
    for n in range(count):
        organization = OrganizationFactory(territory=world.territory, sector=sector, college=world.community)
        membership = MembershipFactory(space=world.assembly, organization=organization)
        DelegationFactory(membership=membership)
        DelegationFactory(membership=membership, kind="alternate")
        role = Role.objects.create(space=world.assembly, name=f"Rôle {count}-{n}", kind="other", seats=2)
        RoleAssignment.objects.create(role=role, person=UserFactory(), organization=organization,
                                      start=timezone.localdate())


PAGES = [
    ("space page", f"{T}/e/assemblee/", 15),
    ("governance overview", f"{T}/", 15),
    ("members", f"{T}/e/assemblee/membres/", 15),
    ("roles", f"{T}/e/assemblee/roles/", 15),
    ("charter", f"{T}/e/assemblee/charte/", 15),
    ("organizations", f"{T}/organismes/", 15),
    ("home", "/", 15),
    ("territories", "/territoires/", 15),
    ("charter version", f"{T}/e/assemblee/charte/v1/", 15),
    ("charter form", f"{T}/e/assemblee/charte/modifier/", 15),
    ("space form", f"{T}/e/assemblee/modifier/", 15),
    ("new space", f"{T}/espaces/nouveau/", 15),
    ("add a member", f"{T}/e/assemblee/membres/ajouter/", 15),
    ("new role", f"{T}/e/assemblee/roles/nouveau/", 15),
    ("new organization", f"{T}/organismes/nouveau/", 15),
]


@pytest.mark.parametrize("label,url,budget", PAGES, ids=[page[0] for page in PAGES])
def test_query_count_is_bounded_and_independent_of_size(world, client, django_assert_max_num_queries, label, url,
                                                        budget):
    client.force_login(world.coordinator)
    client.get(url)  # warm caches that are per-process (content types, templates)
    counts = []
    for size in (5, 45):  # 5 then 50 members in all
        grow(world, size)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    with django_assert_max_num_queries(budget):
        client.get(url)
    assert counts[0] == counts[1], f"{label}: {counts[0]} queries with 5 members, {counts[1]} with 50"


def test_space_page_shows_members_by_college_roles_and_the_rule(world, client):
    client.force_login(world.delegate)
    html = client.get(f"{T}/e/assemblee/").content.decode()
    assert "Comité logement" in html and "Collège Communautaire" in html
    assert "Centraide" in html and "Observateur" in html
    assert "Décisions" in html and "au moins une citoyenne ou un citoyen" in html


def test_overview_shows_the_tree_with_roles_and_rules(world, client):
    html = client.get(f"{T}/").content.decode()  # the assembly is public
    assert "Assemblée" in html
    # Private children are not listed for anonymous visitors, the territory-wide one neither.
    assert "Comité</a>" not in html and "Chantier" not in html
    client.force_login(world.coordinator)
    html = client.get(f"{T}/").content.decode()
    assert "Chantier" in html and "Animation" in html


def test_coordinator_adds_an_organization_with_delegate_and_alternate(world, client):
    client.force_login(world.coordinator)
    organization = OrganizationFactory(territory=world.territory, name="Maison de jeunes L'Escale")
    delegate, alternate = UserFactory(), UserFactory()
    response = client.post(f"{T}/e/chantier/membres/ajouter/", {
        "organization": organization.pk, "category": "voting", "delegate": delegate.pk, "alternate": alternate.pk,
    })
    assert response.status_code == 302
    membership = Membership.objects.get(space=world.group, organization=organization)
    assert set(membership.delegations.values_list("person_id", flat=True)) == {delegate.pk, alternate.pk}


def test_member_form_errors_keep_what_was_typed(world, client):
    client.force_login(world.coordinator)
    response = client.post(f"{T}/e/chantier/membres/ajouter/", {
        "category": "voting", "delegate_email": "nouvelle@example.org",
    })
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choisissez un organisme ou une personne" in html
    assert 'value="nouvelle@example.org"' in html


def test_coordinator_assigns_a_role_with_a_term_and_sees_it_flagged(world, client):
    client.force_login(world.coordinator)
    role = Role.objects.create(space=world.group, name="Secrétariat", kind="secretary", seats=1)
    today = timezone.localdate()
    response = client.post(f"{T}/e/chantier/roles/{role.pk}/attribuer/", {
        "person": world.citizen.pk, "start": today.isoformat(), "end": (today + timezone.timedelta(days=10)).isoformat(),
    })
    assert response.status_code == 302
    html = client.get(f"{T}/e/chantier/roles/").content.decode()
    assert "Se termine dans moins de 30 jours" in html


def test_charter_edit_creates_a_version_and_shows_the_diff(world, client):
    client.force_login(world.coordinator)
    data = {
        "method": "consent", "fallback_method": "majority", "voting_unit": "person", "threshold": "simple",
        "base": "cast", "consensus_tolerance": 0, "voting_categories": ["voting"], "quorum_kind": "majority",
        "college_minimums_text": "citoyen: 1", "conflict_rule": "recuse_all", "agenda_proposers": "voting",
        "rules_text": "Nous décidons par consentement.",
    }
    response = client.post(f"{T}/e/assemblee/charte/modifier/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    charter = Charter.objects.get(space=world.assembly, in_force=True)
    assert charter.version == 2 and charter.method == "consent"
    html = client.get(f"{T}/e/assemblee/charte/v2/").content.decode()
    assert "Consentement" in html and "<ins>Nous décidons par consentement.</ins>" in html


def test_bad_charter_input_is_refused_with_a_message_and_nothing_changes(world, client):
    client.force_login(world.coordinator)
    response = client.post(f"{T}/e/assemblee/charte/modifier/", {
        "method": "majority", "voting_unit": "person", "threshold": "custom", "threshold_numerator": 5,
        "threshold_denominator": 3, "base": "cast", "consensus_tolerance": 0, "voting_categories": ["voting"],
        "quorum_kind": "majority", "conflict_rule": "recuse_all", "agenda_proposers": "voting",
        "college_minimums_text": "citoyen = un",
    })
    assert response.status_code == 200
    assert "citoyen: 1" in response.content.decode()
    assert Charter.objects.filter(space=world.assembly).count() == 1


@pytest.mark.parametrize("page", ["member_edit", "role_edit", "role_assign", "assignment_end", "organization_edit"])
def test_object_forms_have_a_bounded_query_count(world, client, django_assert_max_num_queries, page):
    grow(world, 45)
    assignment = RoleAssignment.objects.filter(role__space=world.assembly).first()
    urls = {
        "member_edit": f"{T}/e/assemblee/membres/{world.org_in_assembly.pk}/",
        "role_edit": f"{T}/e/assemblee/roles/{assignment.role_id}/modifier/",
        "role_assign": f"{T}/e/assemblee/roles/{assignment.role_id}/attribuer/",
        "assignment_end": f"{T}/e/assemblee/attributions/{assignment.pk}/terminer/",
        "organization_edit": f"{T}/organismes/{world.org.pk}/",
    }
    client.force_login(world.coordinator)
    with django_assert_max_num_queries(15):
        assert client.get(urls[page]).status_code == 200
