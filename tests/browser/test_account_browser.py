"""The account pages on a phone (375 px), in Chromium: axe-core finds nothing, nothing scrolls sideways."""

import pytest
from playwright.sync_api import expect

PAGES = {
    "sign-in": "/compte/login/",
    "sign-up closed": "/compte/signup/",
    "password reset": "/compte/password/reset/",
}


@pytest.fixture
def contact(settings):
    settings.INSTANCE_CONTACT_EMAIL = "une-adresse-assez-longue.pour-un-telephone@table-de-quartier.example.org"
    settings.INSTANCE_CONTACT_NAME = "la Table de concertation du quartier"


@pytest.mark.parametrize("language", ["fr-ca", "en"])
@pytest.mark.parametrize("name", sorted(PAGES))
def test_account_page_on_a_phone_is_accessible_and_fits(phone_page, axe_check, contact, live_server, name,
                                                        language):
    phone_page.context.add_cookies([{"name": "concertation_language", "value": language, "url": live_server.url}])
    response = phone_page.goto(PAGES[name])
    assert response is not None and response.status == 200
    assert phone_page.get_attribute("html", "lang") == language
    expect(phone_page.locator("h1")).to_have_count(1)
    expect(phone_page.locator("a[href^='mailto:']")).to_be_visible()  # whom to ask, by invitation
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{name} scrolls sideways on a phone ({width}px wide)"
    axe_check(phone_page)
