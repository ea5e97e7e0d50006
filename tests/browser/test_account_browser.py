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
    expect(phone_page.locator("main a[href^='mailto:']")).to_be_visible()  # whom to ask, by invitation
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{name} scrolls sideways on a phone ({width}px wide)"
    axe_check(phone_page)


# Law 25 (issue 19): the profile, the person's data and the privacy page, at 375 and 1280 px.
OWN_PAGES = ("/compte/profil/", "/compte/mes-donnees/", "/confidentialite/")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["fr-ca", "en"])
def test_profile_own_data_and_privacy_pages_are_accessible(phone_page, desktop_page, signed_in_page, axe_check,
                                                           live_server, settings, language):
    from concertation.accounts.services import person_for_email

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PRIVACY_CONTACT = "responsable.protection-des-renseignements@table-de-quartier.example.org"
    person_for_email("alice@example.org", display_name="Alice", password="un-mot-de-passe-assez-long")
    for page, width in ((phone_page, 375), (desktop_page, 1280)):
        page.context.add_cookies([{"name": "concertation_language", "value": language, "url": live_server.url}])
        signed_in_page("alice@example.org", "un-mot-de-passe-assez-long", page=page)
        for path in OWN_PAGES:
            response = page.goto(path)
            assert response is not None and response.status == 200
            expect(page.locator("h1")).to_have_count(1)
            expect(page.locator("footer a[href='/confidentialite/']")).to_be_visible()
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"{path} scrolls sideways at {width} px ({scroll}px wide)"
            axe_check(page)
    page.goto("/compte/mes-donnees/")
    with page.expect_download() as download:
        page.locator("main form button[type='submit']").click()
    assert download.value.suggested_filename.endswith(".zip")
