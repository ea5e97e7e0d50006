"""The acceptance crawl of issue 13: every page each demo role reaches, in French and in English, at
375 px and 1280 px, in Chromium.

For each role (anonymous visitor, coordinator, facilitator, delegate, citizen, observer) the test
signs in through the sign-in form and follows the same-origin GET links from the home page, breadth
first. A page is visited once per *route* (the resolved Django URL name plus which query keys it
has): « the proposal » once, not every proposal. Sign-out, downloads (PDF, CSV, JSON, ICS, XLSX,
attachments), the language switch and the Django admin are left out; at most ``MAX_PAGES`` pages.

On every page it finds, in French and in English:
- the server answers below 500;
- the page does not scroll sideways, at 375 px and at 1280 px;
- the visible text holds no ISO date (2025-10-07): dates are written for people;
- the title reads « Page — … — Concertation »;
- axe-core finds no violation (in French at 375 px, in English at 1280 px: the two widths give
  different layouts, the two languages different text). axe is most of the crawl's time, so a route
  is checked by axe once per language, by the first role that reaches it (the coordinator first:
  she sees the most, the forms to manage included);
- in English, the page's own words (navigation, headings, buttons, labels, table headers) hold no
  common French word of the interface: an untranslated string. Content written by people (the demo
  is French) is not checked.

Every finding of a role is gathered, then reported together. Run with ``-s`` to see the pages
visited, the routes left over by the cap, and where the time went.
"""

from __future__ import annotations

import re
import time
from collections import Counter, deque
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve

from concertation.demo.loader import ACCOUNT_EMAILS, DEMO_PASSWORD, load_demo

from .conftest import DESKTOP, LOGIN_URL, PHONE, format_violations

pytestmark = pytest.mark.django_db(transaction=True)

# The coordinator first: she sees the most (forms to manage), so the others' pages are mostly
# already checked by axe (see AXE_DONE).
ROLES = ["coordinator", "anonymous", "facilitator", "delegate", "citizen", "observer"]
MAX_PAGES = 140  # the coordinator reaches about 110 routes; a route left over fails the test
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
TITLE = re.compile(r"^\S.* — Concertation$")
# Words of the interface that an untranslated msgid would show in English (whole words, so that
# « Voir » does not match « Voirie »). Only a short text (at most SHORT words) that starts with one
# counts: a heading, a button, a label, a column; the agenda item « Suivis de la rencontre
# précédente » or a meeting's title is content.
FRENCH_WORDS = re.compile(
    r"^(Rencontres?|Propositions?|Aucune?|Voir|Retour|Enregistrer|Membres|Suivis|Mes|Modifier|"
    r"Ajouter|Annuler|Rechercher|Télécharger|Décisions?|Espaces?|Procès-verbal|Fermer|Ouvrir)\b"
)
SHORT = 4
# The text nodes of the interface's own words; content written by people (Markdown, minutes) is
# left out.
INTERFACE_TEXT = """() => {
  const selector = 'nav, h1, h2, h3, h4, button, label, legend, th, summary, caption, .badge, .tabs';
  const texts = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.closest('.prose, .minutes-text, [data-user-content]')) continue;
    for (const node of el.childNodes) {
      if (node.nodeType !== Node.TEXT_NODE) continue;
      const text = node.textContent.trim().replace(/\\s+/g, ' ');
      if (text) texts.push([el.tagName.toLowerCase(), text]);
    }
  }
  for (const input of document.querySelectorAll('input[type=submit]')) texts.push(['input', input.value]);
  return texts;
}"""
# A date written as a format example (« écrit AAAA-MM-JJ (par exemple 2025-09-18) ») is right.
FORMAT_EXAMPLE = re.compile(r"AAAA-MM-JJ|YYYY-MM-DD")
LINKS = """() => [...document.querySelectorAll('a[href]')]
  .filter(a => !a.hasAttribute('download'))
  .map(a => a.href)"""
SKIPPED_PATH = re.compile(
    r"/(admin|static|media)/|logout|deconnexion|/langue/|\.(pdf|csv|ics|xlsx|zip|png|jpe?g|svg|json)$",
    re.IGNORECASE,
)
SKIPPED_ROUTE = re.compile(r"pdf|csv|ics|xlsx|export|download|telecharger|attachment|file|logout|"
                           r"set_language|admin|feed|document", re.IGNORECASE)


def route_key(url: str, origin: str):
    """``(route name, query keys)`` of a same-origin page worth visiting, else None."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin or SKIPPED_PATH.search(parts.path):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    name = match.view_name or match.route
    if SKIPPED_ROUTE.search(name) or SKIPPED_ROUTE.search(match.route or ""):
        return None
    keys = tuple(sorted({key for key, _value in parse_qsl(parts.query, keep_blank_values=True)}))
    return name, keys


def page_url(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class Findings(list):
    def add(self, language, width, url, what):
        finding = f"[{language} {width}px] {url}: {what}"
        if finding not in self:
            self.append(finding)


def check_layout(page, findings, language, url):
    start = time.monotonic()
    width = page.viewport_size["width"]
    scroll = page.evaluate("document.documentElement.scrollWidth")
    if scroll > width:
        wide = page.evaluate("""(width) => [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > width + 1)
            .filter(el => !el.parentElement || el.parentElement.getBoundingClientRect().right <= width + 1)
            .slice(0, 3).map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''))""",
                             width)
        findings.add(language, width, url, f"scrolls sideways ({scroll}px wide: {', '.join(wide)})")
    text = page.evaluate("document.body.innerText")
    for line in text.splitlines():
        if ISO_DATE.search(line) and not FORMAT_EXAMPLE.search(line):
            findings.add(language, width, url, f"ISO date « {line.strip()[:160]} »")
    title = page.title()
    if not TITLE.match(title):
        findings.add(language, width, url, f"title « {title} » is not « Page — … — Concertation »")
    TIMES["layout"] += time.monotonic() - start


TIMES = Counter()
# axe-core is most of the crawl's time (about 0.8 s a page): a route is checked once per language
# by the first role that reaches it, then only its layout, dates, title and words for the others.
AXE_DONE: set = set()
AXE_OPTIONS = {"resultTypes": ["violations"]}


def check_axe(axe, page, findings, language, url, key):
    if (language, key) in AXE_DONE:
        return
    AXE_DONE.add((language, key))
    start = time.monotonic()
    violations = axe.run(page, options=AXE_OPTIONS).response.get("violations", [])
    if violations:
        findings.add(language, page.viewport_size["width"], url, format_violations(violations, url))
    TIMES["axe"] += time.monotonic() - start


def check_english(page, findings, url):
    for tag, text in page.evaluate(INTERFACE_TEXT):
        if FRENCH_WORDS.match(text) and len(text.split()) <= SHORT:
            findings.add("en", page.viewport_size["width"], url, f"untranslated: <{tag}> « {text} »")


def visit(page, url, findings, language):
    start = time.monotonic()
    response = page.goto(url)
    TIMES["goto"] += time.monotonic() - start
    status = response.status if response is not None else 0
    if status >= 500 or status == 0:
        findings.add(language, page.viewport_size["width"], url, f"HTTP {status}")
        return False
    return True


def sign_in(page, email):
    page.goto(LOGIN_URL)
    form = page.locator("form:has(input[name='login'])")
    form.locator("input[name='login']").fill(email)
    form.locator("input[name='password']").fill(DEMO_PASSWORD)
    form.locator("[type='submit']").first.click()
    page.wait_for_url(lambda url: LOGIN_URL not in url, timeout=10_000)


def crawl(page, origin, findings, axe):
    """French, 375 px then 1280 px: every route once; returns the pages visited."""
    queue = deque(["/"])
    seen = {route_key(origin + "/", origin)}
    visited = []
    while queue and len(visited) < MAX_PAGES:
        url = queue.popleft()
        page.set_viewport_size(PHONE)
        if not visit(page, url, findings, "fr"):
            continue
        visited.append(url)
        check_layout(page, findings, "fr", url)
        check_axe(axe, page, findings, "fr", url, route_key(origin + url, origin))
        for link in page.evaluate(LINKS):
            key = route_key(link, origin)
            if key is not None and key not in seen:
                seen.add(key)
                queue.append(page_url(link))
        page.set_viewport_size(DESKTOP)
        check_layout(page, findings, "fr", url)
    assert not queue, f"left over by the cap of {MAX_PAGES} pages (raise it): {', '.join(queue)}"
    return visited


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo()


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_a_demo_role_fits_both_screens_reads_well_and_is_accessible(
    role, demo, new_context, base_url, _axe, django_user_model
):
    origin = base_url.rstrip("/")
    findings = Findings()
    context = new_context(viewport=PHONE, locale="fr-CA")
    page = context.new_page()
    email = ACCOUNT_EMAILS.get(role)
    if email:
        sign_in(page, email)
    visited = crawl(page, origin, findings, _axe)
    assert len(visited) >= (10 if email else 2), visited

    # English: the same pages, 1280 px then 375 px.
    if email:
        django_user_model.objects.filter(email=email).update(preferred_language="en")
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": origin}])
    for url in visited:
        page.set_viewport_size(DESKTOP)
        if not visit(page, url, findings, "en"):
            continue
        check_layout(page, findings, "en", url)
        check_english(page, findings, url)
        check_axe(_axe, page, findings, "en", url, route_key(origin + url, origin))
        page.set_viewport_size(PHONE)
        check_layout(page, findings, "en", url)
    context.close()
    print(dict(TIMES))
    print(f"{role}: {len(visited)} pages\n  " + "\n  ".join(visited))
    assert not findings, f"{len(findings)} finding(s) for the {role}:\n" + "\n".join(findings)
