"""Browser tests: Playwright driving the system Chromium against pytest-django's live server.

Every test in this directory gets the ``browser`` marker (``pytest -m browser`` runs them,
``-m "not browser"`` leaves them out). The ``page`` fixture of pytest-playwright opens pages on the
live server: ``page.goto("/")`` is relative to it, and any test using ``page`` gets a
transactional database that the live server shares.

Helpers:
- ``axe_check(page)``: axe-core must report no violation on the current page.
- ``page`` and ``context`` are fr-CA on a 1280x800 screen; ``phone_page`` / ``desktop_page`` (and
  their ``*_context``): 375x740 and 1280x800; ``french_context(new_context, **kwargs)`` for others.
- ``signed_in_page(email, password)``: a page signed in through the real sign-in form.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the main thread; the ORM must still work there.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

HERE = Path(__file__).resolve().parent
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
LOCALE = "fr-CA"
LOGIN_URL = "/compte/login/"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    # Runs before pytest's own -m selection, so that -m browser / -m "not browser" see the marker.
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch the system Chromium: Playwright cannot download its own build here."""
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not os.path.exists(executable):
        pytest.fail(
            f"Chromium not found at {executable}: install it (apt-get install chromium) "
            "or set CHROMIUM_PATH",
            pytrace=False,
        )
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_FLAGS],
    }


@pytest.fixture(scope="session")
def base_url(django_db_setup, live_server):
    """Pages open on the live server (its database is set up first, so that it uses the test one)."""
    return live_server.url


def french_context(new_context, **kwargs):
    """A browser context of a person in Québec (Accept-Language fr-CA); kwargs override."""
    return new_context(**{"viewport": DESKTOP, "locale": LOCALE, **kwargs})


@pytest.fixture
def context(new_context):
    """pytest-playwright's ``context`` (and so ``page``): fr-CA, on a desktop screen."""
    return french_context(new_context)


@pytest.fixture
def desktop_context(new_context):
    return french_context(new_context, viewport=DESKTOP)


@pytest.fixture
def desktop_page(desktop_context):
    return desktop_context.new_page()


@pytest.fixture
def phone_context(new_context):
    return french_context(new_context, viewport=PHONE, is_mobile=True, has_touch=True)


@pytest.fixture
def phone_page(phone_context):
    return phone_context.new_page()


def format_violations(violations: list[dict], url: str) -> str:
    lines = [f"axe-core found {len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        targets = []
        for node in violation.get("nodes", [])[:3]:
            target = node.get("target") or []
            targets.append(" ".join(str(part) for part in target))
        more = len(violation.get("nodes", [])) - len(targets)
        where = ", ".join(targets) + (f" (+{more} more)" if more > 0 else "")
        lines.append(
            f"- {violation.get('id')} [{violation.get('impact')}]: {violation.get('help')}"
            f" — {where}"
        )
    return "\n".join(lines)


@pytest.fixture(scope="session")
def _axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def axe_check(_axe):
    """``axe_check(page)`` asserts that axe-core reports no violation on the page as it is now.

    ``context``/``options`` are passed to ``axe.run`` (e.g. ``context="main"``).
    """

    def check(page, context=None, options=None):
        kwargs = {"context": context}
        if options is not None:
            kwargs["options"] = options
        results = _axe.run(page, **kwargs)
        violations = results.response.get("violations", [])
        if violations:
            raise AssertionError(format_violations(violations, page.url))
        return results

    return check


@pytest.fixture
def signed_in_page(page):
    """``signed_in_page(email, password)`` signs in through the sign-in form and returns the page.

    Pass ``page=`` to sign in another page (e.g. ``phone_page``).
    """

    def sign_in(email, password, *, page=page):
        page.goto(LOGIN_URL)
        form = page.locator("form:has(input[name='login'])")
        form.locator("input[name='login']").fill(email)
        form.locator("input[name='password']").fill(password)
        form.locator("[type='submit']").first.click()
        try:
            page.wait_for_url(lambda url: LOGIN_URL not in url, timeout=10_000)
        except Exception as exc:  # still on the sign-in page: show why
            errors = page.locator(".errorlist, [role='alert'], .form-errors").all_inner_texts()
            raise AssertionError(
                f"signing in as {email} failed; the form says: {errors or page.title()}"
            ) from exc
        return page

    return sign_in
