"""The references (« repères ») in Chromium: axe-core finds nothing at 375 px and 1280 px, a
coordinator adds one through the form, and hostile text in every field of a reference runs nothing."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from playwright.sync_api import expect

from concertation.demo.loader import DEMO_PASSWORD, TERRITORY_SLUG, load_demo
from concertation.knowledge.models import Reference, ReferenceGroup
from concertation.spaces.models import Space
from tests.browser.test_xss import AUDIT_SCRIPT, INIT_SCRIPT
from tests.factories import SpaceFactory, TerritoryFactory, UserFactory
from tests.security.payloads import Tags

pytestmark = pytest.mark.django_db(transaction=True)

COORDINATOR = "coordination@demo.concertation.quebec"
LIST = f"/t/{TERRITORY_SLUG}/reperes/"


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo()


def test_the_demo_references_pass_axe_on_a_phone_anonymously(demo, phone_page, axe_check):
    phone_page.goto(LIST)
    expect(phone_page.locator("h1")).to_have_text("Repères")
    expect(phone_page.locator("cite").first).to_be_visible()
    axe_check(phone_page)
    phone_page.get_by_text("Copier la référence").first.click()  # the plain text opens
    axe_check(phone_page)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the list overflows a phone: {width} px"


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_the_coordinator_pages_pass_axe(demo, signed_in_page, phone_page, desktop_page, axe_check, viewport):
    page = signed_in_page(COORDINATOR, DEMO_PASSWORD, page=phone_page if viewport == "phone" else desktop_page)
    page.goto(f"/t/{TERRITORY_SLUG}/")
    page.get_by_role("link", name="Repères", exact=True).click()
    expect(page.get_by_role("heading", name="Outils pratiques")).to_be_visible()
    axe_check(page)
    page.goto(f"{LIST}?type=article&q=Bourque")
    expect(page.get_by_role("status")).to_contain_text("trouvé")
    axe_check(page)
    own = Reference.objects.filter(territory__slug=TERRITORY_SLUG).first()
    for name in ("edit", "delete"):
        page.goto(reverse(f"references:{name}", kwargs={"territory": TERRITORY_SLUG, "pk": own.pk}))
        axe_check(page)
    page.goto(reverse("references:add", kwargs={"territory": TERRITORY_SLUG}))
    page.get_by_label("Titre").fill("Guide maison")
    page.get_by_label("Lien").fill("javascript:alert(1)")
    page.get_by_role("button", name="Enregistrer le repère").click()
    expect(page.locator(".field-error")).to_be_visible()  # refused next to the field, nothing lost
    expect(page.get_by_label("Titre")).to_have_value("Guide maison")
    axe_check(page)
    page.get_by_label("Lien").fill("https://example.org/guide")
    page.get_by_label("Groupe").select_option("further")
    page.get_by_role("button", name="Enregistrer le repère").click()
    expect(page.locator(".message-success")).to_contain_text("Guide maison")
    axe_check(page)
    added = Reference.objects.get(title="Guide maison")
    assert added.territory.slug == TERRITORY_SLUG and added.group == ReferenceGroup.FURTHER


@pytest.fixture
def no_csp_context(new_context):
    """fr-CA, desktop, the page's CSP ignored: escaping alone must keep the payloads inert."""
    return new_context(viewport={"width": 1280, "height": 800}, locale="fr-CA", bypass_csp=True)


def hostile(territory, tags: Tags) -> Reference:
    return Reference.objects.create(
        territory=territory, group=ReferenceGroup.ILLUSTRATIONS, kind="article",
        title=tags.value("Reference.title", 300), authors=tags.value("Reference.authors", 300),
        publisher=tags.value("Reference.publisher", 200), pages=tags.value("Reference.pages", 100),
        note=tags.value("Reference.note", 1000),
        url="https://example.org/?q=\"><script>window.__xss++</script>&r='><img src=x onerror=window.__xss++>",
    )


def test_hostile_text_in_every_field_runs_nothing(no_csp_context, signed_in_page, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    tags = Tags()
    territory = TerritoryFactory(slug="xss", name="Territoire")
    SpaceFactory(territory=territory, slug="table", visibility=Space.Visibility.PUBLIC)
    admin = UserFactory(email="admin@xss.example", is_staff=True, is_superuser=True)
    EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)
    own = hostile(territory, tags)
    hostile(None, tags)  # the instance's, shown beside it
    other = Reference.objects.create(territory=territory, group=ReferenceGroup.ILLUSTRATIONS, kind="guide",
                                     title=tags.value("Reference.title (guide)", 300))

    no_csp_context.add_init_script(INIT_SCRIPT)
    page = no_csp_context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    signed_in_page(admin.email, "motdepasse-solide-123", page=page)
    problems, seen = [], set()
    paths = [f"/t/{territory.slug}/reperes/", f"/t/{territory.slug}/reperes/?q=xsstag",
             *(reverse(f"references:{name}", kwargs={"territory": territory.slug, "pk": reference.pk})
               for name in ("edit", "delete") for reference in (own, other))]
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        for summary in page.locator("summary").all():
            summary.click()  # open « Copier la référence »: its text shows
        page.wait_for_timeout(150)  # onerror, onbegin, autofocus fire right after the load
        if page.evaluate("window.__xss"):
            problems.append(f"{path}: a payload ran")
        problems += [f"{path}: {found}" for found in page.evaluate(AUDIT_SCRIPT)]
        seen |= {tag for tag in tags.fields if tag in page.content()}
    assert not dialogs, dialogs
    assert not problems, "\n".join(problems)
    assert seen == set(tags.fields), sorted(set(tags.fields) - seen)
