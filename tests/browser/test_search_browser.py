"""The search in Chromium, on the demo: typing in the header's box shows results as one types
(htmx), the page passes axe-core at 375 and 1280 px, and nothing scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from concertation.demo.loader import DEMO_PASSWORD, TERRITORY_SLUG, load_demo

pytestmark = pytest.mark.django_db(transaction=True)

COORDINATOR = "coordination@demo.concertation.quebec"


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_typing_in_the_header_box_shows_results(demo, signed_in_page, phone_page, desktop_page, axe_check,
                                                viewport):
    page = signed_in_page(COORDINATOR, DEMO_PASSWORD, page=phone_page if viewport == "phone" else desktop_page)
    page.goto(f"/t/{TERRITORY_SLUG}/")
    limit = 375 if viewport == "phone" else 1280
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= limit, f"the header's search box makes the page scroll sideways ({width} px)"
    box = page.get_by_role("search").get_by_label("Chercher dans le territoire")
    box.press_sequentially("logements", delay=20)
    preview = page.locator("#search-box-results")
    expect(preview.get_by_role("status")).to_contain_text("résultat")
    expect(preview.locator("a mark").first).to_be_visible()
    axe_check(page)
    box.press("Enter")
    page.wait_for_url(lambda url: "/recherche/" in url)
    expect(page.locator("h1")).to_have_text("Recherche")
    expect(page.get_by_role("status")).to_contain_text("résultats")
    expect(page.locator("#search-results h2").first).to_be_visible()
    axe_check(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= limit, f"the search page scrolls sideways ({width} px)"
