"""In Chromium, on the demo: the document library of the assembly and a document's page have no
axe-core violation at 375 and 1280 px and fit a phone; a hostile title is shown as text, nothing runs;
the members-only list of a working group stays out of the library of someone outside the group."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from concertation.demo.loader import DEMO_PASSWORD, load_demo
from concertation.knowledge.models import Document
from concertation.knowledge.services import documents as library
from concertation.spaces.models import Space
from tests.security.payloads import XSS

pytestmark = pytest.mark.django_db(transaction=True)

COORDINATOR = "coordination@demo.concertation.quebec"
OBSERVER = "observateur@demo.concertation.quebec"
LIBRARY = "/t/pointe-aux-herons/e/assemblee-des-partenaires/documents/"
HOSTILE = "Rapport " + XSS["script"] + XSS["img_onerror"] + XSS["attr_double"]


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo()
    assembly = Space.objects.get(slug="assemblee-des-partenaires")
    coordinator = assembly.territory.coordinators.get(email=COORDINATOR)
    hostile = library.document_add(space=assembly, by=coordinator, title=HOSTILE, kind="report",
                                   visibility="public", description=XSS["details"] + "\n" + XSS["js_link"],
                                   file=SimpleUploadedFile("rapport.pdf", b"%PDF-1.4 rapport"))
    portrait = Document.objects.get(space=assembly, kind="portrait")
    return {"hostile": hostile, "portrait": portrait}


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_the_library_and_a_document_are_accessible_at_375_and_1280(demo, signed_in_page, phone_page, desktop_page,
                                                                    axe_check, width):
    page = signed_in_page(COORDINATOR, DEMO_PASSWORD, page=phone_page if width == "phone" else desktop_page)
    page.goto(LIBRARY)
    expect(page.locator("h1")).to_contain_text("Documents")
    expect(page.get_by_role("link", name=demo["portrait"].title)).to_be_visible()
    assert fits_the_screen(page)
    axe_check(page)
    page.get_by_role("link", name=demo["portrait"].title).click()
    expect(page.locator("h1")).to_have_text(demo["portrait"].title)
    expect(page.get_by_role("link", name="Version 2")).to_be_visible()
    assert fits_the_screen(page)
    axe_check(page)
    page.goto(LIBRARY + "ajouter/")
    axe_check(page)


def test_a_hostile_title_is_text_and_nothing_runs(demo, signed_in_page, new_context):
    context = new_context(viewport={"width": 1280, "height": 800}, locale="fr-CA", bypass_csp=True)
    context.add_init_script("window.__xss = 0;")
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    signed_in_page(COORDINATOR, DEMO_PASSWORD, page=page)
    hostile = demo["hostile"]
    for path in (LIBRARY, f"{LIBRARY}{hostile.pk}/", f"{LIBRARY}{hostile.pk}/modifier/",
                 "/t/pointe-aux-herons/documents/"):
        page.goto(path)
        page.wait_for_load_state("load")
        page.wait_for_timeout(150)
        assert page.evaluate("window.__xss") == 0, path
        assert not dialogs, path
        assert page.locator("img[src='x']").count() == 0, path
    page.goto(f"{LIBRARY}{hostile.pk}/")
    expect(page.locator("h1")).to_have_text(HOSTILE)


def test_the_members_only_document_stays_out_of_an_outsiders_library(demo, signed_in_page, desktop_page):
    page = signed_in_page(OBSERVER, DEMO_PASSWORD, page=desktop_page)
    members_only = Document.objects.get(visibility="space", space__slug="habiter-dignement")
    page.goto("/t/pointe-aux-herons/documents/")
    expect(page.get_by_role("link", name=demo["portrait"].title)).to_be_visible()
    expect(page.get_by_text(members_only.title)).to_have_count(0)
