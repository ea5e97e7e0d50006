"""In Chromium, on the demo: from her home, on a phone, the citizen answers the next meeting, reaches
the open vote and her follow-ups in at most two taps each; the coordinator's home lists her own work,
and each line opens the right page. axe-core finds nothing on the home at 375 and 1280 px.

The demo may be dated in the past (or « live », issue 13): what the test needs — a meeting convened
for next week, an open proposal, follow-ups, a draft meeting and a pending invitation — is created
here, so that it does not depend on the demo's dates.

``HOME_SCREENSHOTS=docs`` also writes docs/home-375.png (the citizen) and docs/home-1280.png (the
coordinator).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from concertation.decisions import services
from concertation.demo.loader import DEMO_PASSWORD, load_demo
from concertation.meetings.models import FollowUp, Meeting, Rsvp
from concertation.spaces import invitations
from concertation.spaces.models import Space

pytestmark = pytest.mark.django_db(transaction=True)

CITIZEN = "citoyenne@demo.concertation.quebec"
COORDINATOR = "coordination@demo.concertation.quebec"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo()
    assembly = Space.objects.get(slug="assemblee-des-partenaires")
    coordinator = assembly.territory.coordinators.get(email=COORDINATOR)
    citizen = type(coordinator).objects.get(email=CITIZEN)
    start = (timezone.localtime() + timedelta(days=6)).replace(hour=18, minute=30, second=0, microsecond=0)
    meeting = Meeting.objects.create(
        space=assembly, title="Assemblée des partenaires de la semaine prochaine", starts_at=start,
        ends_at=start + timedelta(hours=2), status=Meeting.Status.CONVENED, address="Centre communautaire",
        convened_at=timezone.now())
    proposal = services.proposal_create(space=assembly, author=coordinator,
                                        title="Prolonger les heures de la halte-garderie")
    proposal = services.proposal_open(proposal=proposal, by=coordinator,
                                      closes_at=timezone.now() + timedelta(days=3, hours=2))
    follow_up = FollowUp.objects.create(space=assembly, what="Envoyer les résultats du sondage aux familles",
                                        person=citizen, due_on=timezone.localdate() - timedelta(days=2))
    draft = Meeting.objects.create(
        space=assembly, title="Assemblée de février à préparer", starts_at=start + timedelta(days=60),
        ends_at=start + timedelta(days=60, hours=2), status=Meeting.Status.DRAFT)
    invitation = invitations.invitation_create(space=assembly, email="nouvelle.membre@courriel.example",
                                               by=coordinator, rate_limited=False)
    return {"meeting": meeting, "proposal": proposal, "follow_up": follow_up, "draft": draft,
            "invitation": invitation, "citizen": citizen}


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def screenshot(page, name: str) -> None:
    folder = os.environ.get("HOME_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(ROOT / folder / name), full_page=True)


def test_the_citizen_reaches_her_answer_her_vote_and_her_follow_ups_from_her_home_on_a_phone(
    demo, signed_in_page, phone_page, axe_check
):
    page = signed_in_page(CITIZEN, DEMO_PASSWORD, page=phone_page)
    page.goto("/")
    expect(page.locator("h1")).to_contain_text("Bonjour")
    assert "Accueil — Concertation" == page.title()
    assert fits_the_screen(page)
    axe_check(page)
    screenshot(page, "home-375.png")

    # The meeting: one tap on « Oui » records the answer, through the meeting's own page.
    line = page.locator("li.home-meeting", has_text="Assemblée des partenaires de la semaine prochaine")
    line.get_by_role("button", name="Oui").click()
    expect(page.locator(".message-success")).to_contain_text("Votre réponse est enregistrée")
    assert Rsvp.objects.get(meeting=demo["meeting"], person=demo["citizen"]).answer == Rsvp.Answer.YES
    page.goto("/")
    expect(page.locator("li.home-meeting", has_text="semaine prochaine")).to_contain_text("Votre réponse : Oui")

    # The vote: one tap opens the proposal at its vote form, closing time said in words on the way.
    votes = page.locator("section[aria-labelledby='votes']")
    expect(votes).to_contain_text("Ferme dans 3 jours")
    expect(votes).to_contain_text("Vous n'avez pas encore voté")
    votes.get_by_role("link", name="Voter sur « Prolonger les heures de la halte-garderie »").click()
    expect(page.locator("h1")).to_have_text("Prolonger les heures de la halte-garderie")
    vote = page.locator("#vote")
    vote.get_by_label("Je suis d'accord").check()
    vote.get_by_role("button", name="Enregistrer mon vote").click()
    expect(page.locator("#vote")).to_contain_text("Votre vote est enregistré")
    page.goto("/")
    expect(page.locator("section[aria-labelledby='votes']")).to_contain_text("Votre vote est enregistré")

    # Her follow-ups: on the home itself, overdue first, and one tap from the menu to the whole list.
    expect(page.locator("section[aria-labelledby='suivis'] li").first).to_contain_text(
        "Envoyer les résultats du sondage aux familles")
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Mes suivis").click()
    expect(page.locator("h1")).to_have_text("Mes suivis")
    expect(page.locator("main")).to_contain_text("Envoyer les résultats du sondage aux familles")
    assert fits_the_screen(page)


def test_the_coordinator_home_lists_her_work_and_each_line_opens_its_page(demo, signed_in_page, desktop_page,
                                                                         axe_check):
    page = signed_in_page(COORDINATOR, DEMO_PASSWORD, page=desktop_page)
    page.goto("/")
    todo = page.locator("section.home-todo")
    expect(todo).to_contain_text("Assemblée de février à préparer")
    expect(todo).to_contain_text("nouvelle.membre@courriel.example")
    axe_check(page)
    screenshot(page, "home-1280.png")
    links = [(link.inner_text().strip(), link.get_attribute("href")) for link in todo.locator("li > a").all()]
    assert links, "the coordinator's to-do list is empty"
    for text, href in links:
        response = page.goto(href)
        assert response.status == 200, href
        expect(page.locator("main")).to_contain_text(text)
        assert page.title().endswith("— Concertation") and "—" in page.title()[:-len("— Concertation")], \
            page.title()


def test_the_home_has_no_accessibility_violation_and_fits_a_phone_for_the_coordinator(
    demo, signed_in_page, phone_page, axe_check
):
    page = signed_in_page(COORDINATOR, DEMO_PASSWORD, page=phone_page)
    page.goto("/")
    expect(page.locator("section.home-todo")).to_be_visible()
    assert fits_the_screen(page)
    axe_check(page)
    # A space's tabs on a phone: they wrap, the page stays as wide as the screen.
    page.goto("/t/pointe-aux-herons/e/assemblee-des-partenaires/rencontres/")
    expect(page.get_by_role("navigation", name="Sections de l’espace Assemblée des partenaires")
           .locator("[aria-current='page']")).to_have_text("Rencontres")
    assert fits_the_screen(page)
    axe_check(page)


def test_the_citizen_home_has_no_accessibility_violation_on_a_desktop(demo, signed_in_page, desktop_page,
                                                                      axe_check):
    page = signed_in_page(CITIZEN, DEMO_PASSWORD, page=desktop_page)
    page.goto("/")
    expect(page.locator("section[aria-labelledby='rencontres']")).to_contain_text("semaine prochaine")
    axe_check(page)
