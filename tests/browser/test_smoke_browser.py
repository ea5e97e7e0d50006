"""Smoke tests in Chromium: the shell of the UI loads, in French, with no axe-core violation."""

from playwright.sync_api import expect

LOGIN_URL = "/compte/login/"


def test_home_page_is_french_with_a_skip_link_and_accessible(page, axe_check):
    response = page.goto("/")
    assert response is not None and response.ok, response and response.status
    assert (page.get_attribute("html", "lang") or "").lower().startswith("fr")
    skip_link = page.locator("a.skip-link, a[href='#contenu']").first
    expect(skip_link).to_have_count(1)
    target = skip_link.get_attribute("href")
    assert target and target.startswith("#")
    expect(page.locator(target)).to_have_count(1)
    axe_check(page)


def test_skip_link_is_the_first_thing_the_keyboard_reaches(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused and focused.startswith("#")


def test_sign_in_page_is_accessible(page, axe_check):
    response = page.goto(LOGIN_URL)
    assert response is not None and response.ok, response and response.status
    expect(page.locator("input[name='login']")).to_be_visible()
    expect(page.locator("input[name='password']")).to_be_visible()
    axe_check(page)


def test_missing_page_shows_an_accessible_404(page, axe_check):
    response = page.goto("/nexiste-pas/")
    assert response is not None and response.status == 404
    assert (page.get_attribute("html", "lang") or "").lower().startswith("fr")
    axe_check(page)


def test_home_page_on_a_phone_is_accessible(phone_page, axe_check):
    phone_page.goto("/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone ({width}px wide)"
    axe_check(phone_page)
