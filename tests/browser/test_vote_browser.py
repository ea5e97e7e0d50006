"""In Chromium on a phone-sized screen: a member votes on an open proposal of the demo, changes the
vote, and sees the results once the vote is closed; axe-core finds no violation along the way."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from concertation.decisions import services
from concertation.decisions.models import Ballot, Proposal
from concertation.demo.loader import DEMO_PASSWORD, load_demo
from concertation.spaces.models import Space

pytestmark = pytest.mark.django_db(transaction=True)

CITIZEN = "citoyenne@demo.concertation.quebec"
COORDINATOR = "coordination@demo.concertation.quebec"
SAVED = "Votre vote est enregistré. Vous pouvez le changer jusqu'à la fermeture."


@pytest.fixture
def open_proposal(settings):
    """The demo, and an open proposal of the assembly (created here, so that this test does not
    depend on which proposals the demo itself holds)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo()
    assembly = Space.objects.get(slug="assemblee-des-partenaires")
    coordinator = assembly.territory.coordinators.get(email=COORDINATOR)
    proposal = services.proposal_create(
        space=assembly, author=coordinator, title="Prolonger les heures de la halte-garderie",
        body="Ouvrir la halte-garderie **le samedi matin** à compter de janvier.",
        results_visibility=Proposal.ResultsVisibility.AFTER_VOTING,
    )
    return services.proposal_open(proposal=proposal, by=coordinator)


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_member_votes_on_a_phone_changes_the_vote_and_sees_the_results_after_closing(
    open_proposal, signed_in_page, phone_page, axe_check
):
    proposal = open_proposal
    path = reverse("decisions:proposal", kwargs={
        "territory": proposal.space.territory.slug, "space": proposal.space.slug, "pk": proposal.pk,
    })
    page = signed_in_page(CITIZEN, DEMO_PASSWORD, page=phone_page)
    page.goto(path)
    expect(page.locator("h1")).to_have_text("Prolonger les heures de la halte-garderie")
    expect(page.locator("#resultats")).to_contain_text("une fois votre vote enregistré")
    assert _fits_the_screen(page)
    # On the phone's first screen: the rule in one line (its full text behind it), then the form.
    rule = page.locator("details.rule-summary")
    expect(rule.locator("summary")).to_be_visible()
    expect(rule.locator(".rule-sentence")).to_be_hidden()
    assert rule.locator("summary").bounding_box()["height"] <= 48, "the rule takes more than one line"
    first_choice = page.locator("#vote").get_by_label("Je suis d'accord")
    box = first_choice.bounding_box()
    assert box["y"] + box["height"] <= page.viewport_size["height"], f"the vote form starts below the first screen ({box})"
    rule.locator("summary").click()
    expect(rule.locator(".rule-sentence")).to_contain_text("quorum")
    expect(rule.locator(".rule-sentence")).to_contain_text("personne ne la bloque")
    axe_check(page)

    vote = page.locator("#vote")
    vote.get_by_label("Je suis d'accord").check()
    vote.get_by_role("button", name="Enregistrer mon vote").click()
    expect(page.locator("#vote")).to_contain_text(SAVED)
    expect(page.locator("#vote p", has_text="Votre choix actuel")).to_contain_text("Je suis d'accord")
    # The live results appear once this person has voted (the rule of this proposal).
    expect(page.locator("#resultats")).to_contain_text("Décompte partiel")
    # One vote of many: the quorum is not reached yet, and the vote goes on (no « Aucune décision »).
    expect(page.locator("#resultats")).not_to_contain_text("Aucune décision")
    expect(page.locator("#resultats .result-explanation")).to_contain_text("pas encore atteint")
    receipt = page.locator("#vote code.receipt").inner_text()
    assert Ballot.objects.get(proposal=proposal).value == "agree"
    assert _fits_the_screen(page)
    axe_check(page)

    vote = page.locator("#vote")
    vote.get_by_label("Je suis en désaccord").check()
    vote.get_by_label("Votre raison (facultatif)").fill("Il faut d'abord trouver le personnel.")
    vote.get_by_role("button", name="Changer mon vote").click()
    expect(page.locator("#vote p", has_text="Votre choix actuel")).to_contain_text("Je suis en désaccord")
    ballot = Ballot.objects.get(proposal=proposal)
    assert (ballot.value, ballot.reason, ballot.receipt) == ("disagree", "Il faut d'abord trouver le personnel.",
                                                             receipt)

    # A reload shows the same state, from the server.
    page.reload()
    expect(page.locator("#vote p", has_text="Votre choix actuel")).to_contain_text("Je suis en désaccord")
    expect(page.locator("#vote")).to_contain_text(receipt)

    services.proposal_close(proposal=Proposal.objects.get(pk=proposal.pk))
    page.reload()
    expect(page.locator("#vote")).to_contain_text("Le vote est fermé.")
    results = page.locator("#resultats")
    expect(results.get_by_role("heading", name="Résultats", exact=True)).to_be_visible()
    expect(results.locator("table")).to_contain_text("Désaccords")
    expect(results.locator(".result-explanation")).to_contain_text("quorum")
    assert _fits_the_screen(page)
    axe_check(page)


def test_the_coordinator_writes_and_opens_a_proposal_on_a_phone(open_proposal, signed_in_page, phone_page,
                                                                axe_check):
    space = open_proposal.space
    kwargs = {"territory": space.territory.slug, "space": space.slug}
    page = signed_in_page(COORDINATOR, DEMO_PASSWORD, page=phone_page)
    page.goto(reverse("decisions:proposals", kwargs=kwargs))
    expect(page.get_by_role("link", name="Prolonger les heures de la halte-garderie")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Écrire une proposition").click()
    axe_check(page)
    page.get_by_label("Titre").fill("Tenir l'assemblée de juin au parc")
    page.get_by_label("Texte de la proposition").fill("Une assemblée **en plein air**.")
    page.get_by_label("Tout le monde, en tout temps").check()
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.locator(".message-success")).to_contain_text("brouillon")
    assert _fits_the_screen(page)
    axe_check(page)
    page.get_by_role("button", name="Ouvrir le vote").click()
    expect(page.locator(".message-success")).to_contain_text("Le vote est ouvert")
    proposal = Proposal.objects.get(title="Tenir l'assemblée de juin au parc")
    assert proposal.status == "open" and proposal.method == "consensus"
    # Not a voting member: told why there is no form; the live results are shown to everyone.
    expect(page.locator("#vote")).to_contain_text("sans y avoir le droit de vote")
    expect(page.locator("#resultats")).to_contain_text("Décompte partiel")
    axe_check(page)
