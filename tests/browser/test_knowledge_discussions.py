"""In Chromium, on the demo: the discussion of the open proposal and of an activity.

A citizen posts a comment and a reply with htmx (the page is not reloaded), a hostile text shows as
text and nothing of it runs, the coordinator hides a comment with a reason; axe-core reports no
violation at 1280 px and at 375 px.
"""

import pytest
from playwright.sync_api import expect

from concertation.decisions.models import Proposal
from concertation.demo.loader import DEMO_PASSWORD, load_demo
from concertation.knowledge.models import Comment
from concertation.planning.models import Activity
from tests.security.payloads import XSS

pytestmark = pytest.mark.django_db(transaction=True)

CITIZEN = "citoyenne@demo.concertation.quebec"
COORDINATOR = "coordination@demo.concertation.quebec"
TERRITORY = "pointe-aux-herons"
HOSTILE = "\n\n".join(XSS.values())


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo()
    proposal = Proposal.objects.get(space__territory__slug=TERRITORY, status="open")
    activity = Activity.objects.get(strategy__plan__space__territory__slug=TERRITORY,
                                    title="Clinique locataires hebdomadaire")
    return {
        "proposal": f"/t/{TERRITORY}/e/{proposal.space.slug}/propositions/{proposal.pk}/",
        "activity": f"/t/{TERRITORY}/discussions/activity/{activity.pk}/",
    }


def watch(page) -> list:
    """Count payloads that run: window.__xss (set before any page script) and dialogs."""
    dialogs = []
    page.add_init_script("window.__xss = 0;")
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    return dialogs


def test_a_citizen_comments_and_replies_with_htmx_and_nothing_hostile_runs(demo, signed_in_page, axe_check):
    page = signed_in_page(CITIZEN, DEMO_PASSWORD)
    dialogs = watch(page)
    page.goto(demo["proposal"])
    discussion = page.locator("#discussion")
    expect(discussion).to_contain_text("@Amina Belkacem")
    axe_check(page)

    page.evaluate("window.__stayed = true")  # gone if the page reloads
    discussion.get_by_label("Votre commentaire").fill("Je serai à la plénière pour en parler.")
    discussion.get_by_role("button", name="Publier le commentaire").click()
    expect(page.locator("#discussion")).to_contain_text("Je serai à la plénière pour en parler.")
    assert page.evaluate("window.__stayed") is True
    axe_check(page)

    # The mention picker (shown by its script) offers the names of people who see the proposal.
    picker = page.locator("[data-mention-picker]")
    expect(picker).to_be_visible()
    picker.get_by_label("Mentionner une personne").fill("Nadia")
    expect(picker.locator("datalist option[value='Nadia Ouellet']")).to_have_count(1)
    picker.get_by_label("Mentionner une personne").fill("Nadia Ouellet")
    picker.get_by_role("button", name="Insérer la mention").click()
    expect(page.locator("#discussion").get_by_label("Votre commentaire")).to_have_value("@[Nadia Ouellet] ")
    page.locator("#discussion").get_by_label("Votre commentaire").press_sequentially("à vous la parole.")
    page.locator("#discussion").get_by_role("button", name="Publier le commentaire").click()
    expect(page.locator("#discussion")).to_contain_text("@Nadia Ouellet à vous la parole.")
    assert Comment.objects.get(body="@[Nadia Ouellet] à vous la parole.").mentions.get().person.email == COORDINATOR
    expect(page.locator("[data-mention-picker]")).to_be_visible()  # set up again after the swap
    axe_check(page)

    first = page.locator("#discussion article.comment").first
    first.locator("summary", has_text="Répondre").click()
    first.get_by_label("Votre réponse").fill("Merci pour la réponse rapide.")
    first.get_by_role("button", name="Publier la réponse").click()
    expect(page.locator("#discussion .comment-replies").first).to_contain_text("Merci pour la réponse rapide.")
    assert page.evaluate("window.__stayed") is True
    assert Comment.objects.get(body="Merci pour la réponse rapide.").parent is not None

    # Edit one's comment (the earlier text goes to its history), at 1280 px.
    mine = page.locator("#discussion article.comment", has_text="Je serai à la plénière pour en parler.")
    mine.get_by_role("link", name="Modifier").click()
    expect(page.locator("h1")).to_have_text("Modifier votre commentaire")
    axe_check(page)
    page.get_by_label("Texte du commentaire").fill("Je serai à la plénière du jeudi pour en parler.")
    page.get_by_role("button", name="Enregistrer la modification").click()
    edited = page.locator("#discussion article.comment", has_text="Je serai à la plénière du jeudi")
    edited.get_by_role("link", name="modifié").click()
    expect(page.locator("main")).to_contain_text("Je serai à la plénière pour en parler.")
    axe_check(page)
    page.goto(demo["proposal"])

    page.locator("#discussion").get_by_label("Votre commentaire").fill(HOSTILE)
    page.locator("#discussion").get_by_role("button", name="Publier le commentaire").click()
    expect(page.locator("#discussion")).to_contain_text("window.__xss++")
    page.reload()
    expect(page.locator("#discussion")).to_contain_text("window.__xss++")
    page.wait_for_timeout(300)  # let timers and load events fire
    assert page.evaluate("window.__xss") == 0 and dialogs == []
    assert page.locator("#discussion script, #discussion img, #discussion svg, #discussion iframe").count() == 0
    axe_check(page)


def test_the_coordinator_hides_a_hostile_comment_and_pages_pass_axe_on_a_phone(
        demo, signed_in_page, phone_page, axe_check):
    from concertation.accounts.models import User
    from concertation.knowledge.discussions_registry import target
    from concertation.knowledge.services.discussions import comment_post

    citizen = User.objects.get(email=CITIZEN)
    activity = Activity.objects.get(strategy__plan__space__territory__slug=TERRITORY,
                                    title="Clinique locataires hebdomadaire")
    hostile = comment_post(entry=target("activity"), obj=activity, author=citizen, body=HOSTILE)

    page = signed_in_page(COORDINATOR, DEMO_PASSWORD, page=phone_page)
    dialogs = watch(page)
    page.goto(demo["activity"])
    expect(page.locator("h1")).to_contain_text("Clinique locataires hebdomadaire")
    axe_check(page)
    page.locator(f"#commentaire-{hostile.pk}").get_by_role("link", name="Masquer").click()
    axe_check(page)
    page.get_by_label("Raison du masquage").fill(XSS["script"] + " Propos hors sujet.")
    page.get_by_role("button", name="Masquer le commentaire").click()
    expect(page.locator(f"#commentaire-{hostile.pk}")).to_contain_text("Commentaire masqué par l'animation")
    axe_check(page)
    page.goto(demo["proposal"])
    axe_check(page)
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") == 0 and dialogs == []

    # Another member reads the reason, never the text.
    reader = signed_in_page("delegue@demo.concertation.quebec", DEMO_PASSWORD)  # a desktop page of her own
    reader.goto(demo["activity"])
    expect(reader.locator(f"#commentaire-{hostile.pk}")).to_contain_text("Propos hors sujet.")
    expect(reader.locator(f"#commentaire-{hostile.pk}")).not_to_contain_text(XSS["img_onerror"])
    assert reader.locator(f"#commentaire-{hostile.pk} .comment-body").count() == 0
