"""The demo territory: complete, idempotent, rebuildable, and every demo account signs in."""

from datetime import timedelta
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.utils import timezone

from concertation.accounts.models import User
from concertation.demo.loader import (
    ASSEMBLY,
    COMMITTEE,
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    TERRITORY_SLUG,
    load_demo,
)
from concertation.directory.models import College, Organization, Territory
from concertation.spaces.charter_text import rule_sentence
from concertation.spaces.models import Charter, Delegation, Membership, RoleAssignment, Space
from concertation.spaces.selectors import assignment_current_q, current_q

pytestmark = pytest.mark.django_db

EXPECTED_RULE = (
    "Décisions : consensus; à défaut, vote aux deux tiers des membres votants présents; une voix par "
    "organisme; quorum : 50 % + 1 des membres votants, dont au moins une citoyenne ou un citoyen."
)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def counts():
    territory = Territory.objects.get(slug=TERRITORY_SLUG)
    return {
        "territories": Territory.objects.filter(slug=TERRITORY_SLUG).count(),
        "spaces": Space.objects.filter(territory=territory).count(),
        "organizations": Organization.objects.filter(territory=territory).count(),
        "citizens": Membership.objects.filter(space__territory=territory, person__isnull=False)
        .values("person").distinct().count(),
        "memberships": Membership.objects.filter(space__territory=territory).count(),
        "delegations": Delegation.objects.filter(membership__space__territory=territory).count(),
        "assignments": RoleAssignment.objects.filter(role__space__territory=territory).count(),
        "charters": Charter.objects.filter(space__territory=territory).count(),
        "users": User.objects.count(),
        "emails": EmailAddress.objects.count(),
    }


def test_loading_builds_the_whole_territory(client):
    summary = load_demo()
    assert not summary.already_loaded
    assert (summary.spaces, summary.organizations, summary.citizens, summary.accounts) == (5, 15, 3, 6)

    territory = Territory.objects.get(slug=TERRITORY_SLUG)
    assert Space.objects.filter(territory=territory).count() == 5
    assert Organization.objects.filter(territory=territory).count() == 15
    assert counts()["citizens"] == 3
    assembly = Space.objects.get(territory=territory, slug=ASSEMBLY)
    assert assembly.parent is None and assembly.visibility == Space.Visibility.PUBLIC
    assert set(assembly.children.values_list("slug", flat=True)) == {
        COMMITTEE, "habiter-dignement", "se-nourrir-ensemble", "reussir-et-s-inserer"
    }
    # Every organization sits in the assembly; the funder and the caisse observe.
    members = Membership.objects.filter(space=assembly)
    assert members.filter(organization__isnull=False).count() == 15
    assert set(members.filter(category="observer").values_list("organization__acronym", flat=True)) == {
        "Caisse des Hérons", "Centraide"
    }
    # Each member organization has a current delegate and a current alternate everywhere it sits.
    for membership in Membership.objects.filter(space__territory=territory, organization__isnull=False):
        kinds = sorted(membership.delegations.filter(current_q()).values_list("kind", flat=True))
        assert kinds == ["alternate", "delegate"], membership
    # The coordination committee: 7 seats, 4 community, 2 institutional, 1 citizen.
    committee = Membership.objects.filter(space__slug=COMMITTEE, space__territory=territory)
    assert committee.count() == 7
    assert sorted(committee.values_list("college__slug", flat=True)) == [
        "citoyen", "communautaire", "communautaire", "communautaire", "communautaire",
        "institutionnel", "institutionnel",
    ]
    assert territory.coordinators.filter(email="coordination@demo.concertation.quebec").exists()

    for account in DEMO_ACCOUNTS:
        assert client.login(email=account.email, password=DEMO_PASSWORD), account.email
        assert EmailAddress.objects.filter(email=account.email, verified=True, primary=True).exists()
        client.logout()
    admin = User.objects.get(email="admin@demo.concertation.quebec")
    assert admin.is_staff and admin.is_superuser
    # The other people of the demo cannot sign in.
    assert not User.objects.get(email="sophie.morin@comitelogement-pah.example").has_usable_password()


def test_loading_twice_changes_nothing():
    load_demo()
    before = counts()
    summary = load_demo()
    assert summary.already_loaded
    assert counts() == before


def test_reset_rebuilds_the_same_territory(client):
    load_demo()
    before = counts()
    old_pk = Territory.objects.get(slug=TERRITORY_SLUG).pk
    summary = load_demo(reset=True)
    assert not summary.already_loaded
    assert counts() == before
    assert Territory.objects.get(slug=TERRITORY_SLUG).pk != old_pk
    assert client.login(email=DEMO_ACCOUNTS[0].email, password=DEMO_PASSWORD)


def test_an_already_loaded_demo_restores_the_demo_passwords(client):
    load_demo()
    user = User.objects.get(email=DEMO_ACCOUNTS[1].email)
    user.set_password("autre-chose-123456")
    user.save()
    load_demo()
    assert client.login(email=user.email, password=DEMO_PASSWORD)


def test_exactly_one_current_term_ends_within_30_days():
    load_demo()
    today = timezone.localdate()
    soon = RoleAssignment.objects.filter(
        assignment_current_q(), role__space__territory__slug=TERRITORY_SLUG,
        end__isnull=False, end__lte=today + timedelta(days=30),
    )
    assert soon.count() == 1
    assert soon.get().ends_soon()
    current = RoleAssignment.objects.filter(assignment_current_q(), role__space__territory__slug=TERRITORY_SLUG)
    assert [a.pk for a in current if a.ends_soon()] == [soon.get().pk]
    # The roles of DOMAIN.md are all held.
    kinds = set(current.values_list("role__kind", flat=True))
    assert kinds == {
        "coordination", "co_chair", "facilitation", "secretary", "spokesperson", "fiscal_sponsor", "treasurer"
    }
    sponsor = current.get(role__kind="fiscal_sponsor")
    assert sponsor.person is None and sponsor.organization.name == "Carrefour familial des Hérons"
    assert set(current.filter(role__kind="co_chair").values_list("organization__acronym", flat=True)) == {
        "CLPAH", "CLSC des Hérons"
    }


def test_the_assembly_charter_reads_as_expected():
    load_demo()
    territory = Territory.objects.get(slug=TERRITORY_SLUG)
    colleges = {college.slug: college for college in College.objects.filter(territory=territory)}
    assert set(colleges) == {"communautaire", "institutionnel", "municipal", "citoyen", "prive", "bailleur"}
    charter = Charter.objects.get(space__territory=territory, space__slug=ASSEMBLY, in_force=True)
    assert charter.adoption_note == "Assemblée des partenaires du 18 septembre 2025"
    assert "Règles de fonctionnement" in charter.rules_text
    assert rule_sentence(charter, colleges).replace("\u00a0", " ") == EXPECTED_RULE
    assert Charter.objects.filter(space__territory=territory, in_force=True).count() == 5
    group = Charter.objects.get(space__territory=territory, space__slug="habiter-dignement", in_force=True)
    assert (group.method, group.voting_unit, group.quorum_kind) == ("consent", "person", "none")


def test_the_command_loads_and_prints_the_accounts():
    out = StringIO()
    call_command("demo", "--load-only", stdout=out)
    text = out.getvalue()
    assert Territory.objects.filter(slug=TERRITORY_SLUG).exists()
    assert DEMO_PASSWORD in text
    assert "http://127.0.0.1:8000/" in text
    for account in DEMO_ACCOUNTS:
        assert account.email in text

    out = StringIO()
    call_command("demo", "--load-only", "--addrport", "0.0.0.0:8123", stdout=out)
    assert "déjà chargée" in out.getvalue()
    assert "http://127.0.0.1:8123/" in out.getvalue()
