"""The self-assessment and the rotation of roles in Chromium: the demo citizen answers an open round
on a 375 px phone; axe-core finds nothing on the pages at 375 and 1280 px."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from concertation.demo.loader import ASSEMBLY, DEMO_PASSWORD, TERRITORY_SLUG, load_demo
from concertation.insights.assessments import services
from concertation.insights.models import AssessmentAnswer, AssessmentReceipt, AssessmentRound
from concertation.spaces.models import Space
from tests.browser.conftest import LOGIN_URL

pytestmark = pytest.mark.django_db(transaction=True)

CITIZEN = "citoyenne@demo.concertation.quebec"
COORDINATOR = "coordination@demo.concertation.quebec"
SPACE = f"/t/{TERRITORY_SLUG}/e/{ASSEMBLY}/"
INDEX = f"{SPACE}autoevaluation/"


def fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} overflows: {width} px"


def test_a_member_answers_on_a_phone_and_the_pages_pass_axe(settings, signed_in_page, phone_page, desktop_page,
                                                           axe_check):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo()
    assembly = Space.objects.get(territory__slug=TERRITORY_SLUG, slug=ASSEMBLY)
    coordinator = assembly.territory.coordinators.get(email=COORDINATOR)
    current = services.round_open(space=assembly, title="Autoévaluation de l'hiver", by=coordinator,
                                  closes_on=timezone.localdate() + timedelta(days=14))
    before = AssessmentAnswer.objects.filter(round=current).count()

    page = signed_in_page(CITIZEN, DEMO_PASSWORD, page=phone_page)
    page.goto(INDEX)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Autoévaluation")
    expect(page.get_by_role("table")).to_contain_text("Leadership partagé")  # the demo's two rounds compared
    axe_check(page)
    fits(page)
    page.get_by_role("link", name="Répondre").click()
    axe_check(page)
    fits(page)
    questions = page.locator("fieldset.choices-group")
    assert questions.count() == 10
    for question in questions.all():
        question.locator("input[type=radio][value='4']").check()
    page.get_by_label("Un delta").fill("Un tour de table au début")
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.locator(".message-success").first).to_contain_text("sans votre nom")
    axe_check(page)
    assert AssessmentAnswer.objects.filter(round=current).count() == before + 1
    assert AssessmentReceipt.objects.filter(round=current, person__email=CITIZEN).exists()
    past = AssessmentRound.objects.filter(space=assembly).exclude(pk=current.pk).first()
    page.goto(f"{INDEX}{past.pk}/")
    expect(page.locator("main")).to_contain_text("Un plus, un delta")
    axe_check(page)
    fits(page)
    page.goto(f"{SPACE}roles/rotation/")
    expect(page.locator("main")).to_contain_text("personnes différentes")
    axe_check(page)
    fits(page)

    desktop = signed_in_page(COORDINATOR, DEMO_PASSWORD, page=desktop_page)
    for address in (INDEX, f"{INDEX}ouvrir/", f"{INDEX}suite/leadership/", f"{INDEX}{past.pk}/",
                    f"{INDEX}{current.pk}/", f"{SPACE}roles/rotation/", f"{SPACE}roles/"):
        desktop.goto(address)
        assert LOGIN_URL not in desktop.url
        axe_check(desktop)
    desktop.goto(INDEX)
    desktop.get_by_role("link", name="Donner suite — Leadership partagé").click()
    expect(desktop.get_by_label("Quoi faire")).to_have_value("Leadership partagé : ")
