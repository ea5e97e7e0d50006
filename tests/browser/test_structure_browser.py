"""In Chromium, as the demo coordinator: the shell, and setting up a working group."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from concertation.demo.loader import DEMO_PASSWORD, load_demo
from concertation.spaces.models import Invitation, Membership, RoleAssignment

pytestmark = pytest.mark.django_db(transaction=True)

COORDINATOR = "coordination@demo.concertation.quebec"
TERRITORY = "/t/pointe-aux-herons"


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo()


def test_demo_coordinator_signs_in_switches_language_and_signs_out(demo, signed_in_page, axe_check):
    page = signed_in_page(COORDINATOR, DEMO_PASSWORD)
    expect(page.locator("h1")).to_contain_text("Bonjour")
    axe_check(page)
    page.get_by_role("link", name="Mes espaces", exact=True).click()
    expect(page.get_by_role("link", name="Table de quartier Pointe-aux-Hérons")).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()


def test_coordinator_adds_a_member_and_a_facilitator_then_sees_both_on_the_overview(
    demo, signed_in_page, axe_check
):
    page = signed_in_page(COORDINATOR, DEMO_PASSWORD)
    space = f"{TERRITORY}/e/reussir-et-s-inserer"

    page.goto(f"{space}/membres/ajouter/")
    axe_check(page)
    page.get_by_label("Organisme").select_option(label="Maison des aînés du Héron")
    # Lise is not yet a person of the territory: she is invited and becomes delegate by accepting.
    page.get_by_label("Ou l'adresse courriel de la personne déléguée").fill("lise.morin@aines.example")
    page.get_by_role("button", name="Ajouter le membre").click()
    expect(page.locator(".message-success")).to_contain_text("Maison des aînés du Héron")
    expect(page.locator(".message-success")).to_contain_text("lise.morin@aines.example")
    axe_check(page)
    membership = Membership.objects.get(
        space__slug="reussir-et-s-inserer", organization__name="Maison des aînés du Héron"
    )
    assert not membership.delegations.exists()
    assert Invitation.objects.filter(space=membership.space, email="lise.morin@aines.example",
                                     invited_as="delegate").exists()

    page.goto(f"{space}/roles/")
    axe_check(page)
    # Facilitation rotates: end the current term, then name the new facilitator.
    page.get_by_role("link", name="Terminer le mandat").first.click()
    page.get_by_label("Raison").select_option("term_completed")
    page.get_by_role("button", name="Terminer le mandat").click()
    expect(page.locator(".message-success")).to_be_visible()
    page.get_by_role("link", name="Attribuer le rôle Animation").first.click()
    axe_check(page)
    end = timezone.localdate() + timezone.timedelta(days=180)
    page.get_by_label("Personne", exact=True).select_option(
        label="Rosa Martínez <rosa.martinez@courriel.example>"
    )
    page.get_by_label("Fin du mandat").fill(end.isoformat())
    page.get_by_role("button", name="Attribuer le rôle").click()
    expect(page.locator(".message-success")).to_be_visible()
    assert RoleAssignment.objects.filter(person__email="rosa.martinez@courriel.example", end=end).exists()

    page.goto(f"{TERRITORY}/")
    group = page.locator("li", has=page.get_by_role("link", name="Réussir et s'insérer")).first
    expect(group).to_contain_text("Rosa Martínez")
    axe_check(page)
    page.goto(f"{space}/")
    expect(page.locator("#members").locator("..")).to_contain_text("Maison des aînés du Héron")
    axe_check(page)
