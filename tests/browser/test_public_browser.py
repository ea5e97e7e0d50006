"""The public window of the demo territory in Chromium: every page of it (iterated from the app's URL
patterns) passes axe-core at 375 px and at 1280 px and fits a phone; the coordinator's switch too."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from concertation.demo.loader import DEMO_PASSWORD, TERRITORY_SLUG, load_demo
from concertation.planning.models import Plan
from concertation.public import urls as public_urls

pytestmark = pytest.mark.django_db(transaction=True)

COORDINATOR = "coordination@demo.concertation.quebec"


def window_pages() -> list[str]:
    plan = Plan.objects.filter(space__territory__slug=TERRITORY_SLUG, space__visibility="public") \
        .exclude(status="draft").first()
    pages = []
    for pattern in public_urls.urlpatterns:
        if pattern.name == "og_image":
            continue
        kwargs = {"territory": TERRITORY_SLUG}
        if "plan" in pattern.pattern.converters:
            if plan is None:
                continue
            kwargs["plan"] = plan.pk
        pages.append(reverse(f"public_window:{pattern.name}", kwargs=kwargs))
    return pages


def test_the_public_window_passes_axe_on_a_phone_and_a_desktop(settings, phone_page, desktop_page, axe_check,
                                                              signed_in_page):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo()
    pages = window_pages()
    assert len(pages) >= 8
    # Reached from the territory's page, as a visitor.
    phone_page.goto(f"/t/{TERRITORY_SLUG}/")
    phone_page.get_by_role("link", name="Pages publiques", exact=True).click()
    expect(phone_page.locator("h1")).to_have_text("Table de quartier Pointe-aux-Hérons")
    for page in (phone_page, desktop_page):
        for url in pages:
            page.goto(url)
            expect(page.locator("h1")).to_be_visible()
            assert page.locator('meta[name="description"]').get_attribute("content")
            axe_check(page)
            if page is phone_page:
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= 375, f"{url} overflows a phone: {width} px"
    # The coordinator's switch.
    page = signed_in_page(COORDINATOR, DEMO_PASSWORD, page=desktop_page)
    page.goto(reverse("public_settings:settings", kwargs={"territory": TERRITORY_SLUG}))
    expect(page.get_by_label("Publier les pages publiques du territoire")).to_be_checked()
    axe_check(page)
