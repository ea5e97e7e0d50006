"""The governance-health pages in Chromium, on the demo: reached from the space's tabs and from the
territory's page, read at 1280 and 375 px with axe-core (no violation), charts each followed by a
table, nothing wider than a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from concertation.demo.loader import DEMO_PASSWORD, load_demo

pytestmark = pytest.mark.django_db(transaction=True)

COORDINATOR = "coordination@demo.concertation.quebec"
DELEGATE = "delegue@demo.concertation.quebec"
ASSEMBLY = "/t/pointe-aux-herons/e/assemblee-des-partenaires/"


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo()


def test_the_health_pages_read_well_on_a_desktop_and_on_a_phone(demo, signed_in_page, phone_page, axe_check):
    page = signed_in_page(COORDINATOR, DEMO_PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(ASSEMBLY)
    page.get_by_role("link", name="Santé de la gouvernance").first.click()
    expect(page.locator("h1")).to_have_text("Santé de la gouvernance — Assemblée des partenaires")
    assert page.locator("figure.chart-figure svg[role='img']").count() >= 8
    # Every chart is followed by its table.
    assert page.evaluate("""() => [...document.querySelectorAll('figure.chart-figure')].every(figure => {
        let next = figure.nextElementSibling; return next && next.querySelector('table') !== null; })""")
    expect(page.get_by_role("link", name="Télécharger toutes les mesures (CSV)")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="6 derniers mois").click()
    expect(page.locator(".lead").first).to_contain_text("Période")
    axe_check(page)

    page.goto("/t/pointe-aux-herons/")
    page.get_by_role("link", name="Santé de la gouvernance").click()
    expect(page.locator("h1")).to_have_text("Santé de la gouvernance — Table de quartier Pointe-aux-Hérons")
    axe_check(page)

    # A delegate on a phone: the assembly's page, nothing wider than the screen.
    signed_in_page(DELEGATE, DEMO_PASSWORD, page=phone_page)
    phone_page.goto(ASSEMBLY + "sante/")
    expect(phone_page.locator("h1")).to_contain_text("Santé de la gouvernance")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375 + 1, f"the health page overflows a phone: {width} px"
    axe_check(phone_page)
