"""In Chromium: the practice sheets of the demo territory.

- The list and the sheet « Clinique locataires » (published to the public) read well signed out, on
  a phone (375 px) and on a desktop (1280 px): axe-core reports no violation, nothing overflows.
- A sheet whose every field holds the hostile corpus (tests/security/payloads.py), with the page's
  CSP ignored so that escaping alone must hold: on the list, the sheet and its form, nothing runs
  (``window.__xss`` stays 0, no dialog, no element or attribute that could run later).
"""

from __future__ import annotations

import pytest

from concertation.demo.loader import DEMO_PASSWORD, TERRITORY_SLUG, load_demo
from concertation.knowledge.models import PracticeSheet
from concertation.knowledge.models.practices import SECTIONS
from concertation.knowledge.services import practices as services
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_xss import AUDIT_SCRIPT, INIT_SCRIPT
from tests.security.payloads import Tags

pytestmark = pytest.mark.django_db(transaction=True)

AUTHOR = "animation@demo.concertation.quebec"
LIST = f"/t/{TERRITORY_SLUG}/fiches/"


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo()
    return PracticeSheet.objects.get(territory__slug=TERRITORY_SLUG, title="Clinique locataires")


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_the_list_and_a_sheet_read_well_signed_out(demo, new_context, axe_check, viewport):
    context = new_context(viewport=viewport, locale="fr-CA", is_mobile=viewport == PHONE)
    page = context.new_page()
    response = page.goto(LIST)
    assert response.status == 200
    assert page.get_by_role("heading", level=1).inner_text() == "Fiches d'expérience"
    assert page.get_by_role("link", name="Clinique locataires").is_visible()
    assert fits(page)
    axe_check(page)

    page.get_by_role("link", name="Clinique locataires").click()
    page.wait_for_url(f"**/fiches/{demo.pk}/")
    assert page.get_by_role("heading", name="Ce qui a bien fonctionné").is_visible()
    assert page.get_by_role("link", name="Télécharger en PDF").is_visible()
    assert "Clinique locataires hebdomadaire" in page.locator("main").inner_text()
    assert fits(page)
    axe_check(page)


def hostile_sheet(tags: Tags):
    from django.contrib.auth import get_user_model

    from concertation.directory.models import Territory

    author = get_user_model().objects.get(email=AUTHOR)
    territory = Territory.objects.get(slug=TERRITORY_SLUG)
    data = {name: tags.value(f"PracticeSheet.{name}") for name, _label in SECTIONS}
    data.update({"title": tags.value("PracticeSheet.title", 200), "audience": "public",
                 "contact_name": tags.value("PracticeSheet.contact_name", 200),
                 "contact_phone": tags.value("PracticeSheet.contact_phone", 40)})
    sheet = services.sheet_create(territory=territory, by=author, data=data,
                                  tags=tags.value("PracticeSheet.tags", 500))
    services.sheet_publish(sheet=sheet, by=author)
    return sheet


def test_hostile_text_runs_nowhere(demo, new_context, signed_in_page, axe_check):
    tags = Tags()
    sheet = hostile_sheet(tags)
    context = new_context(viewport=DESKTOP, locale="fr-CA", bypass_csp=True)
    context.add_init_script(INIT_SCRIPT)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    problems, seen = [], set()
    pages = {"list": LIST, "sheet": f"{LIST}{sheet.pk}/", "list by tag": f"{LIST}?mot=xsstag{len(tags.fields):03d}"}
    signed_in = {"form": f"{LIST}{sheet.pk}/modifier/", "duplicate": f"{LIST}nouvelle/?depuis={sheet.pk}",
                 "sheet (author)": f"{LIST}{sheet.pk}/"}

    def visit(name, path):
        response = page.goto(path)
        if response.status != 200:
            problems.append(f"{name}: HTTP {response.status}")
            return
        page.wait_for_load_state("load")
        page.wait_for_timeout(150)
        if page.evaluate("window.__xss"):
            problems.append(f"{name}: a payload ran")
        problems.extend(f"{name}: {found}" for found in page.evaluate(AUDIT_SCRIPT))
        html = page.content()
        seen.update(tag for tag in tags.fields if tag in html)

    for name, path in pages.items():
        visit(name, path)
    signed_in_page(AUTHOR, DEMO_PASSWORD, page=page)
    for name, path in signed_in.items():
        visit(name, path)
    assert not problems, "\n".join(problems)
    assert not dialogs, dialogs
    assert {tags.fields[tag] for tag in tags.fields if tag not in seen} == set()
