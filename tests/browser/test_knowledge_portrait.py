"""The territory's portrait in Chromium: the demo's figures by theme (SVG bars and tables), read at
1280 and 375 px with axe-core; hostile text in every field of a figure is shown, never run."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from concertation.demo.loader import DEMO_PASSWORD, load_demo
from concertation.directory.models import Territory
from concertation.knowledge.models import Figure
from tests.security.payloads import XSS, Tags, tagged

pytestmark = pytest.mark.django_db(transaction=True)

COORDINATOR = "coordination@demo.concertation.quebec"
PORTRAIT = "/t/pointe-aux-herons/portrait/"


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo()


def test_the_demo_portrait_reads_well_on_a_desktop_and_on_a_phone(demo, signed_in_page, phone_page, axe_check):
    assert Figure.objects.filter(territory__slug="pointe-aux-herons").count() >= 20
    page = signed_in_page(COORDINATOR, DEMO_PASSWORD)
    page.goto("/t/pointe-aux-herons/")
    page.get_by_role("link", name="Portrait du territoire").click()
    expect(page.locator("h1")).to_have_text("Portrait du territoire")
    expect(page.locator("svg.portrait-chart")).to_have_count(5)
    expect(page.get_by_role("img", name="Graphique du thème « Logement »")).to_be_visible()
    expect(page.locator("table").first).to_contain_text("2016")
    # The shared diagnosis documents beside the figures (the demo's document of kind « portrait »).
    expect(page.get_by_role("heading", name="Documents du diagnostic")).to_be_visible()
    axe_check(page)
    page.get_by_label("Thème", exact=True).select_option("Logement")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("svg.portrait-chart")).to_have_count(1)
    axe_check(page)

    # A visitor on a phone: the territory has public spaces, so its portrait is public statistics.
    phone_page.goto(PORTRAIT)
    expect(phone_page.locator("svg.portrait-chart")).to_have_count(5)
    axe_check(phone_page)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375 + 1, f"the portrait overflows a phone: {width} px"
    # The coordinator's tables have one more column (the links to edit), which scrolls inside its box.
    signed_in_page(COORDINATOR, DEMO_PASSWORD, page=phone_page)
    phone_page.goto(PORTRAIT)
    expect(phone_page.get_by_role("link", name="Ajouter un chiffre")).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375 + 1, f"the coordinator's portrait overflows a phone: {width} px"
    axe_check(phone_page)


def test_hostile_text_in_a_figure_is_shown_and_never_runs(demo, signed_in_page, axe_check):
    territory = Territory.objects.get(slug="pointe-aux-herons")
    tags = Tags()
    # The corpus, a few payloads per field and a different slice for each figure, so that every
    # payload goes through the theme (a heading and the chart's title), the label and the territory
    # covered (the chart's text and the table), the unit (every value) and the source.
    for n in range(len(XSS) // 3 + 1):
        for year in (2016, 2021):
            Figure.objects.create(
                territory=territory, theme=tagged(tags(f"theme {n}"), 120, start=3 * n), year=year,
                label=tagged(tags(f"label {n} {year}"), 250, start=3 * n + 1),
                unit=tagged(tags(f"unit {n} {year}"), 40, start=3 * n + 2),
                geography=tagged(tags(f"geography {n} {year}"), 160, start=3 * n + 1),
                source=tagged(tags(f"source {n} {year}"), 250, start=3 * n + 2),
                source_url="https://exemple.org/?a=%22%3E%3Csvg%20onload%3D1%3E", value=Decimal(10 + n),
                position=n)
    page = signed_in_page(COORDINATOR, DEMO_PASSWORD)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script("window.__xss = 0;")
    page.goto(PORTRAIT)
    text = page.locator("main").inner_text()
    missing = [field for tag, field in tags.fields.items() if tag not in text]
    assert missing == [], f"fields not shown on the portrait: {missing}"
    assert page.evaluate("window.__xss") == 0 and dialogs == []
    handlers = page.evaluate("""() => [...document.querySelectorAll('*')].flatMap(el =>
        [...el.attributes].filter(a => a.name.startsWith('on')).map(a => el.tagName + ' ' + a.name))""")
    assert handlers == []
    assert page.locator("main script, main iframe, main img, svg.portrait-chart svg").count() == 0
    # The chart's text holds the payloads as text.
    assert "<" in page.locator("svg.portrait-chart").first.text_content()
    axe_check(page)
