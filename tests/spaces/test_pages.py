"""The structure's pages render what they promise, with a query count that does not grow."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from concertation.directory.models import Affiliation, Organization
from concertation.spaces.models import Charter, Delegation, Membership, Role, RoleAssignment
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


def crowd(world, count, *, name="Table", college="community", category="voting"):
    """`count` more member organizations of the assembly, « {name} 000 »…, each with a delegate
    « Personne {name} 000 »… (bulk inserts: a big space quickly)."""
    college = world.community if college == "community" else college
    start = timezone.localdate() - timedelta(days=30)
    organizations = Organization.objects.bulk_create(
        Organization(territory=world.territory, name=f"{name} {n:03d}", college=college) for n in range(count)
    )
    memberships = Membership.objects.bulk_create(
        Membership(space=world.assembly, organization=organization, category=category, start=start)
        for organization in organizations
    )
    people = get_user_model().objects.bulk_create(
        get_user_model()(email=f"{name.lower()}-{n}@example.org", display_name=f"Personne {name} {n:03d}")
        for n in range(count)
    )
    Delegation.objects.bulk_create(
        Delegation(membership=membership, person=person, kind=Delegation.Kind.DELEGATE, start=start)
        for membership, person in zip(memberships, people, strict=True)
    )


def text(response) -> str:
    """The page's text with non-breaking spaces as plain ones, to compare with readable strings."""
    assert response.status_code == 200
    return response.content.decode().replace("\u00a0", " ")


PAGES = [
    ("space page", f"{T}/e/assemblee/", 15),
    ("space page, every member", f"{T}/e/assemblee/?tous=1", 15),
    ("members, searched and filtered", f"{T}/e/assemblee/membres/?q=o&categorie=voting", 15),
    ("organizations, searched", f"{T}/organismes/?q=o", 15),
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
    for person in (delegate, alternate):  # people of the territory: they work for the organization
        Affiliation.objects.create(person=person, organization=organization)
    response = client.post(f"{T}/e/chantier/membres/ajouter/", {
        "organization": organization.pk, "category": "voting", "delegate": delegate.pk, "alternate": alternate.pk,
    })
    assert response.status_code == 302
    membership = Membership.objects.get(space=world.group, organization=organization)
    assert set(membership.delegations.values_list("person_id", flat=True)) == {delegate.pk, alternate.pk}


def test_the_charter_history_stacks_on_phones_and_roles_take_the_colon_of_the_language(world, client):
    client.force_login(world.coordinator)
    html = client.get(f"{T}/e/assemblee/charte/").content.decode()
    assert "Historique des versions" in html
    assert '<table class="responsive">' in html and 'data-label="Adoptée le"' in html
    html = client.get(f"{T}/").content.decode()
    assert "</strong>\u00a0:" in html and "</strong> :" not in html  # « Animation : … », no line break
    world.coordinator.preferred_language = "en"
    world.coordinator.save(update_fields=["preferred_language"])
    html = client.get(f"{T}/").content.decode()
    assert "</strong>:" in html and "</strong>\u00a0:" not in html and "</strong> :" not in html


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


# Big spaces: lists a page at a time, the space page by college ------------------------------------

def test_members_page_shows_50_a_page_with_a_pager_a_search_and_a_category(world, client):
    crowd(world, 60)  # 63 members in all
    Membership.objects.create(space=world.assembly, organization=Organization.objects.create(
        territory=world.territory, name="Ancien membre"), start=timezone.localdate() - timedelta(days=90),
        end=timezone.localdate() - timedelta(days=1))
    client.force_login(world.coordinator)
    url = f"{T}/e/assemblee/membres/"
    html = text(client.get(url))
    assert "63 membres en règle, page 1 sur 2" in html
    assert "Anciens membres" in html and "Ancien membre —" in html
    assert html.count('Modifier<span class="visually-hidden">') == 50
    assert '<a href="?page=2" rel="next">Page suivante</a>' in html and "Page 1 sur 2" in html
    assert "Page précédente" not in html
    html = text(client.get(url, {"page": 2}))
    assert html.count('Modifier<span class="visually-hidden">') == 13 and "Page 2 sur 2" in html
    assert '<a href="?page=1" rel="prev">Page précédente</a>' in html and "Page suivante" not in html
    assert "Personne déléguée : Personne Table 059" in html
    # By the name of an organization or of its delegate, any case; the pager keeps the search.
    html = text(client.get(url, {"q": "TABLE 00"}))
    assert "10 membres trouvés" in html and "Table 009" in html and "Table 010" not in html
    html = text(client.get(url, {"q": "personne table 042"}))
    assert "1 membre trouvé" in html and "Table 042" in html
    html = text(client.get(url, {"q": "table", "categorie": "voting"}))
    assert "60 membres trouvés, page 1 sur 2" in html
    assert 'href="?q=table&amp;categorie=voting&amp;page=2"' in html
    assert '<option value="voting" selected>' in html and 'value="table"' in html
    html = text(client.get(url, {"categorie": "observer"}))
    assert "1 membre trouvé" in html and "Centraide" in html and "Table 000" not in html
    html = text(client.get(url, {"q": "introuvable"}))
    assert "Aucun membre ne correspond à cette recherche." in html
    assert "63 membres en règle" in text(client.get(url, {"categorie": "inconnue"}))  # ignored


def test_members_page_sorts_names_as_a_reader_does_accents_and_case_ignored(world, client):
    for name in ("Épicerie solidaire", "CLSC du quartier", "Caisse populaire", "Zone jeunesse"):
        MembershipFactory(space=world.assembly, organization=OrganizationFactory(territory=world.territory, name=name))
    client.force_login(world.coordinator)
    html = text(client.get(f"{T}/e/assemblee/membres/"))
    found = [html.index(name) for name in ("Caisse populaire", "CLSC du quartier", "Épicerie solidaire", "Zone jeunesse")]
    assert found == sorted(found)


def test_members_page_costs_the_same_queries_on_every_page(world, client):
    crowd(world, 120)
    client.force_login(world.coordinator)
    url = f"{T}/e/assemblee/membres/"
    client.get(url)
    counts = []
    for params in ({}, {"page": 2}, {"page": 3}, {"q": "table 1", "categorie": "voting", "page": 2}):
        with CaptureQueriesContext(connection) as queries:
            text(client.get(url, params))
        counts.append(len(queries))
    assert len(set(counts)) == 1 and counts[0] <= 15, counts


def test_organizations_page_shows_50_a_page_and_keeps_the_search(world, client):
    crowd(world, 60)  # 62 organizations in the territory
    client.force_login(world.coordinator)
    url = f"{T}/organismes/"
    html = text(client.get(url))
    assert "62 organismes inscrits, page 1 sur 2" in html and html.count("<tr>") == 51
    assert '<a href="?page=2" rel="next">Page suivante</a>' in html
    html = text(client.get(url, {"page": 2}))
    assert html.count("<tr>") == 13 and "Table 059" in html and "Page 2 sur 2" in html
    html = text(client.get(url, {"q": "table"}))
    assert "60 organismes trouvés, page 1 sur 2" in html and 'href="?q=table&amp;page=2"' in html
    assert "Comité logement" not in html


def test_space_page_shows_each_college_its_count_and_first_members_with_a_link_to_all(world, client):
    crowd(world, 60)  # Communautaire: 61 members
    crowd(world, 35, name="Zone", college=None)  # no college: 36 with Centraide
    client.force_login(world.delegate)
    html = text(client.get(f"{T}/e/assemblee/"))
    assert "Membres (98)" in html
    assert "Collège Communautaire" in html and "(61 membres)" in html and "(36 membres)" in html
    # The first 30 of each college, by sector then name; a link to the page where the college starts.
    assert "Table 028" in html and "Table 029" not in html and "Zone 028" in html and "Zone 029" not in html
    assert ('<a href="?tous=1&amp;page=1#college-communautaire">Voir les 61 membres du collège Communautaire</a>'
            in html)
    assert '<a href="?tous=1&amp;page=2#college-sans-college">Voir les 36 membres sans collège</a>' in html
    assert "membres du collège Citoyen" not in html  # all shown already
    assert "Personne déléguée : Personne Table 000" in html
    # Every member, 50 a page, still by college.
    html = text(client.get(f"{T}/e/assemblee/", {"tous": 1}))
    assert "Membres (98)" in html and "Table 047" in html and "Table 048" not in html
    assert '<a href="?tous=1&amp;page=2#members" rel="next">Page suivante</a>' in html
    html = text(client.get(f"{T}/e/assemblee/", {"tous": 1, "page": 2}))
    assert 'id="college-sans-college"' in html and "Zone 034" in html and "Table 048" in html
    assert "Table 047" not in html and "Page 2 sur 2" in html and "Revenir aux membres par collège" in html
    assert "Voir les" not in html
    # Out of range: the last page.
    assert "Page 2 sur 2" in text(client.get(f"{T}/e/assemblee/", {"tous": 1, "page": 9}))


def test_space_page_costs_the_same_queries_for_a_few_or_many_members_per_college(world, client):
    client.force_login(world.delegate)
    counts = {}
    for count in (1, 80):
        crowd(world, count, name=f"Lot{count}")
        for params in ({}, {"tous": 1}, {"tous": 1, "page": 2}):
            if count == 1 and params.get("page"):
                continue  # out of range: the last page costs a count more
            with CaptureQueriesContext(connection) as queries:
                text(client.get(f"{T}/e/assemblee/", params))
            counts.setdefault(str(params), []).append(len(queries))
    # The preview (one statement for its members and their delegates) and the full list (its page,
    # then its delegates) each cost the same whatever the number of members.
    assert all(len(set(each)) == 1 and each[0] <= 15 for each in counts.values()), counts
    assert counts["{}"][0] <= counts["{'tous': 1}"][0], counts


def test_overview_counts_member_organizations_and_citizens_with_one_query(world, client):
    crowd(world, 3)
    Membership.objects.create(space=world.assembly, organization=Organization.objects.create(
        territory=world.territory, name="Ancien"), start=timezone.localdate() - timedelta(days=90),
        end=timezone.localdate() - timedelta(days=1))  # a former member: not counted
    client.force_login(world.coordinator)
    html = text(client.get(f"{T}/"))
    assert "5 organismes membres, 1 citoyenne ou citoyen" in html  # the assembly
    assert "0 organisme membre, 1 citoyenne ou citoyen" in html  # the working group
    with CaptureQueriesContext(connection) as queries:
        client.get(f"{T}/")
    assert sum('"spaces_membership"' in query["sql"] and "COUNT(" in query["sql"]
               for query in queries.captured_queries) == 1
