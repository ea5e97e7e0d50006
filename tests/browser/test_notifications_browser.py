"""The notification centre and the preferences page in Chromium, at 375 and 1280 px, in both
languages: axe-core finds nothing, nothing scrolls sideways; marking as read works with htmx (the
list is replaced in place, the header's count goes down) and the preferences are saved."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from concertation.notifications.api import Group, notify
from concertation.notifications.models import Notification, Preference
from tests.factories import UserFactory
from tests.notifications.conftest import test_events  # noqa: F401 — a pretend app's events

pytestmark = pytest.mark.django_db(transaction=True)
SIZES = {"phone": {"width": 375, "height": 740}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture
def person(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = UserFactory(email="ada@example.org", display_name="Ada Lovelace")
    group = Group("space:1", "Comité de coordination du quartier Saint-Michel", "/")
    for title in ("Budget participatif 2027 : priorités", "Horaire de la halte-garderie", "Plan d'action révisé"):
        notify("tests.happened", recipients=[user], context={"title": title}, group=group, link="/")
    notify("tests.weekly", recipients=[user], context={"title": "Procès-verbal du 3 décembre"}, link="/")
    return user


def sign_in(page, user, base_url):
    """A session made by the test client, given to the browser (signing in has tests of its own)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": base_url}])


def fits(page, width):
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} scrolls sideways ({scroll}px wide)"


@pytest.mark.parametrize("language", ["fr-ca", "en"])
@pytest.mark.parametrize("size", sorted(SIZES))
def test_centre_and_preferences_are_accessible_and_fit(new_context, axe_check, live_server, person, size, language):
    context = new_context(viewport=SIZES[size], locale="fr-CA", is_mobile=size == "phone", has_touch=size == "phone")
    context.add_cookies([{"name": "concertation_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    sign_in(page, person, live_server.url)
    for path in ("/moi/notifications/", "/moi/notifications/preferences/"):
        response = page.goto(path)
        assert response is not None and response.status == 200
        expect(page.locator("h1")).to_have_count(1)
        fits(page, SIZES[size]["width"])
        axe_check(page)


def test_mark_read_with_htmx_and_the_header_count(page, axe_check, live_server, person):
    sign_in(page, person, live_server.url)
    page.goto("/moi/notifications/")
    badge = page.locator(".site-nav .badge-count")
    expect(badge).to_contain_text("4")
    items = page.locator(".notification-unread")
    expect(items).to_have_count(4)
    with page.expect_response(lambda r: "/lu/" in r.url):
        page.locator(".notification-unread button").first.click()
    expect(items).to_have_count(3)
    expect(badge).to_contain_text("3")  # the header's count follows (an out-of-band swap)
    assert page.url.endswith("/moi/notifications/")  # replaced in place, no reload
    axe_check(page)
    page.get_by_role("button", name="Tout marquer comme lu").click()
    expect(items).to_have_count(0)
    expect(badge).to_have_count(0)
    assert Notification.objects.filter(read_at__isnull=True).count() == 0
    page.reload()
    expect(page.locator(".site-nav .badge-count")).to_have_count(0)


def test_mark_read_without_javascript(browser, live_server, person):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url, locale="fr-CA")
    page = context.new_page()
    sign_in(page, person, live_server.url)
    page.goto("/moi/notifications/")
    page.locator(".notification-unread button").first.click()
    page.wait_for_load_state()
    expect(page.locator(".notification-unread")).to_have_count(3)
    context.close()


def test_preferences_are_saved(page, live_server, person):
    sign_in(page, person, live_server.url)
    page.goto("/moi/notifications/preferences/")
    page.locator("input[name='minutes'][value='never']").check()
    page.locator("input[name='proposals'][value='daily']").check()
    page.get_by_role("button", name="Enregistrer mes préférences").click()
    expect(page.locator(".message")).to_be_visible()
    saved = dict(Preference.objects.filter(person=person).values_list("category", "delivery"))
    assert saved["minutes"] == "never" and saved["proposals"] == "daily" and saved["notices"] == "immediate"
    expect(page.locator("input[name='minutes'][value='never']")).to_be_checked()
