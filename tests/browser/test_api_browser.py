"""The access tokens' page (/moi/jetons/) at 375 px in both languages: axe-core finds nothing,
nothing scrolls sideways, a token is created, shown once and revoked; the API's documentation page
draws the operations from the instance's own files, without a CSP violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from concertation.api.models import AccessToken
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, user, base_url):
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": base_url}])


@pytest.mark.browser
@pytest.mark.parametrize("language", ["fr-ca", "en"])
def test_the_token_page_on_a_phone(phone_page, axe_check, live_server, settings, language):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = UserFactory(email="ada@example.org", display_name="Ada Lovelace")
    sign_in(phone_page, user, live_server.url)
    phone_page.context.add_cookies([{"name": "concertation_language", "value": language, "url": live_server.url}])
    phone_page.goto(live_server.url + "/moi/jetons/")
    axe_check(phone_page)
    phone_page.locator("input[name='name']").fill("Tableau de bord du comité")
    phone_page.locator("input[name='scope'][value='read_write']").check()
    phone_page.locator("form:has(input[name='name']) [type='submit']").click()
    secret = phone_page.locator("#token-secret").input_value()
    assert secret.startswith("cct_")
    axe_check(phone_page)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the token page scrolls sideways ({width}px wide)"
    phone_page.once("dialog", lambda dialog: dialog.accept())
    phone_page.locator("form[action$='/revoquer/'] [type='submit']").click()
    expect(phone_page.locator("#token-secret")).to_have_count(0)
    assert AccessToken.objects.get(owner=user).revoked_at is not None


@pytest.mark.browser
def test_the_documentation_page_draws_from_the_instance(page, live_server):
    violations, outside = [], []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.on("request", lambda request: outside.append(request.url)
            if not request.url.startswith(live_server.url) and not request.url.startswith("data:") else None)
    page.goto(live_server.url + "/api/v1/docs")
    expect(page.locator(".opblock").first).to_be_visible(timeout=15_000)
    assert page.locator(".opblock").count() >= 25
    assert violations == [] and outside == []
