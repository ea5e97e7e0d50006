"""In Chromium, as the demo facilitator of « Habiter dignement »: a whole meeting, from the agenda to
the minutes draft — build the agenda, convene, take attendance with the quorum shown, record a
decision by show of hands and two follow-ups, close the meeting, read them in the minutes draft.
axe-core reports no violation on any meeting page on the way."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from concertation.decisions.models import Proposal
from concertation.demo.loader import DEMO_PASSWORD, load_demo
from concertation.meetings.attendance import roster
from concertation.meetings.models import Attendance, FollowUp, Meeting

pytestmark = pytest.mark.django_db(transaction=True)

FACILITATOR = "animation@demo.concertation.quebec"
TERRITORY = "pointe-aux-herons"
SPACE = "habiter-dignement"
TITLE = "Comité Habiter dignement — rencontre de travail"
ITEM = "Appui au projet de logement social du Quai"
OUTCOME = "Le comité appuie le projet de 24 logements sociaux des Habitations du Quai."
FOLLOW_UPS = ("Écrire la lettre d'appui au projet", "Présenter le projet au Comité de coordination")


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo()


def url(name, **kwargs):
    return reverse(f"meetings:{name}", kwargs={"territory": TERRITORY, "space": SPACE, **kwargs})


def confirm_dialogs(page):
    """Buttons with data-confirm ask first: say yes."""
    page.on("dialog", lambda dialog: dialog.accept())


def test_the_facilitator_runs_a_meeting_from_agenda_to_minutes(demo, signed_in_page, axe_check):
    page = signed_in_page(FACILITATOR, DEMO_PASSWORD)
    confirm_dialogs(page)
    today = timezone.localdate()

    # The agenda: a new meeting (tomorrow evening) starts from the standard agenda; add a decision item.
    page.goto(url("add"))
    axe_check(page)
    page.get_by_role("textbox", name="Titre", exact=True).fill(TITLE)
    page.locator("#id_date").fill((today + timezone.timedelta(days=1)).isoformat())
    page.locator("#id_start_time").fill("18:30")
    page.locator("#id_end_time").fill("20:30")
    page.get_by_role("button", name="Créer la rencontre").click()
    expect(page.locator("h1")).to_have_text(TITLE)
    meeting = Meeting.objects.get(title=TITLE)
    axe_check(page)
    page.get_by_role("link", name="Ajouter un point").click()
    axe_check(page)
    page.get_by_role("textbox", name="Titre", exact=True).fill(ITEM)
    page.get_by_role("combobox", name="Type", exact=True).select_option(label="Décision")
    page.get_by_role("spinbutton", name="Minutes prévues").fill("20")
    page.get_by_role("button", name="Ajouter ce point").click()
    expect(page.locator("#ordre-du-jour")).to_contain_text(ITEM)

    # The notice.
    page.get_by_role("button", name="Envoyer la convocation").click()
    expect(page.locator(".messages .message-success")).to_be_visible()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CONVENED
    axe_check(page)

    # The live page: open the meeting, take attendance, the quorum is always shown.
    page.get_by_role("link", name="Prendre les présences et ouvrir la rencontre").click()
    expect(page.locator("h1")).to_contain_text("en direct")
    axe_check(page)
    # The meeting is dated later than today: opening it now asks for a confirmation.
    page.get_by_label("Je confirme ouvrir la rencontre avant la date prévue").check()
    page.get_by_role("button", name="Ouvrir la rencontre").click()
    expect(page.locator(".messages .message-success")).to_contain_text("La rencontre est ouverte")
    banner = page.locator("#quorum")
    expect(banner).to_have_attribute("role", "status")
    expect(banner).to_contain_text(re.compile(r"\b0 membres? votants? présents?"))
    people = [person for seat in roster(meeting) for person in seat.people if person.kind in ("delegate", "citizen")]
    assert len(people) >= 4
    for count, person in enumerate(people[:4], start=1):
        group = page.get_by_role("group", name=f"Présence de {person.name}")
        group.get_by_role("button", name="Présence", exact=True).click()
        expect(group.get_by_role("button", name="Présence", exact=True)).to_have_attribute("aria-pressed", "true")
        expect(banner).to_contain_text(re.compile(rf"\b{count} membres? votants? présents?"))
    expect(banner).to_contain_text("Aucun quorum requis")  # the working group's charter asks for none
    assert Attendance.objects.filter(meeting=meeting, status="present").count() == 4
    axe_check(page)

    # The decision item: a show of hands, typed by the secretary.
    page.get_by_role("navigation", name="Ordre du jour").get_by_role("link", name=ITEM).click()
    expect(page.locator("#point-titre")).to_contain_text(ITEM)
    page.get_by_role("spinbutton", name="Pour", exact=True).fill("4")
    page.get_by_role("spinbutton", name="Contre", exact=True).fill("0")
    page.get_by_role("spinbutton", name="Abstentions", exact=True).fill("0")
    page.get_by_role("textbox", name="Décision, telle qu'elle entre au registre").fill(OUTCOME)
    page.get_by_role("button", name="Consigner la décision à main levée").click()
    expect(page.locator(".messages .message-success")).to_contain_text("Décision consignée")
    expect(page.locator("#point")).to_contain_text(OUTCOME)
    expect(page.locator("#point .rule-sentence")).to_contain_text("Adoptée")
    proposal = Proposal.objects.get(agenda_items__meeting=meeting)
    assert proposal.status == Proposal.Status.DECIDED and proposal.outcome == OUTCOME
    axe_check(page)

    # Two follow-ups on the item: what, who, by when.
    due = (today + timezone.timedelta(days=21)).isoformat()
    for what, person in zip(FOLLOW_UPS, people[:2], strict=True):
        page.get_by_role("textbox", name="Quoi", exact=True).fill(what)
        page.get_by_role("combobox", name="Qui (personne)").select_option(label=person.name)
        page.locator("#id_suivi-due_on").fill(due)
        page.get_by_role("button", name="Ajouter le suivi").click()
        expect(page.locator(".messages .message-success")).to_contain_text(what)
    expect(page.locator("#suivis + ul")).to_contain_text(FOLLOW_UPS[1])
    assert FollowUp.objects.filter(meeting=meeting).count() == 2
    axe_check(page)

    # Close the meeting; the minutes draft shows the decision and the follow-ups.
    page.get_by_role("button", name="Lever la rencontre").click()
    expect(page.locator(".messages .message-success")).to_contain_text("La rencontre est levée")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    axe_check(page)
    page.goto(url("meeting", pk=meeting.pk))
    expect(page.get_by_role("heading", name="Pendant la rencontre")).to_be_visible()
    axe_check(page)
    page.goto(url("minutes", pk=meeting.pk))
    main = page.locator("main")
    for expected in (OUTCOME, *FOLLOW_UPS):
        expect(main).to_contain_text(expected)
    axe_check(page)


def test_a_long_roster_pages_filters_and_keeps_its_page_with_htmx(demo, signed_in_page, axe_check, monkeypatch):
    """Past ROSTER_PAGE_SIZE people (4 here), the live page shows a page of the roster: the next page
    and the filter swap the list alone, its count is announced, and marking a person keeps the page."""
    from concertation.meetings.pages import live as live_page
    from concertation.spaces.models import Space

    monkeypatch.setattr(live_page, "ROSTER_PAGE_SIZE", 4)
    space = Space.objects.get(slug=SPACE, territory__slug=TERRITORY)
    start = timezone.now() + timezone.timedelta(hours=1)
    meeting = Meeting.objects.create(space=space, title="Rencontre du rôle", starts_at=start,
                                     ends_at=start + timezone.timedelta(hours=2), status=Meeting.Status.CONVENED)
    seats = roster(meeting)
    total = len({person.person_id for seat in seats for person in seat.people})
    assert total > 4
    page = signed_in_page(FACILITATOR, DEMO_PASSWORD)
    page.goto(url("live", pk=meeting.pk))
    count = page.locator("#presences-resultat")
    expect(count).to_have_attribute("role", "status")
    expect(count).to_contain_text(re.compile(rf"Personnes 1 à \d sur {total} en tout\."))
    axe_check(page)
    first_page = page.locator("#presences-liste tbody").count()
    address = page.url
    # The next page, by keyboard: the list alone changes, the address stays, the count follows.
    page.locator("#presences-suivants").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#presences-liste nav")).to_contain_text("Page 2 sur")
    expect(count).to_contain_text(re.compile(rf"Personnes \d à \d+ sur {total} en tout\."))
    assert page.url == address and page.locator("#presences-liste tbody").count() >= 1
    expect(page.locator("#presences-precedents")).to_be_visible()
    axe_check(page)
    # Marking someone of this page swaps their rows and keeps the page.
    group = page.locator("#presences-liste [role='group']").first
    group.get_by_role("button", name="Présence", exact=True).click()
    expect(group.get_by_role("button", name="Présence", exact=True)).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#presences-liste nav")).to_contain_text("Page 2 sur")
    assert Attendance.objects.filter(meeting=meeting, status="present").count() == 1
    # The filter by name narrows the list; the count says how many match.
    name = seats[0].people[0].name if seats[0].people else seats[0].name
    page.get_by_label("Nom ou organisme").fill(name)
    expect(count).to_contain_text("qui correspond")
    expect(page.locator("#presences-liste tbody").first).to_contain_text(name)
    assert page.locator("#presences-liste tbody").count() <= first_page
    axe_check(page)


def test_past_the_threshold_a_who_field_finds_the_names_as_they_are_typed(demo, signed_in_page, axe_check, monkeypatch):
    """Past WhoList.SEARCH_MIN names (3 here), the page holds no list of names: typing in a « who »
    field asks the server for those that match and fills the list; the name picked is recorded."""
    from concertation.meetings.live_forms import WhoList
    from concertation.meetings.models import AgendaItem, ConflictDeclaration
    from concertation.spaces.models import Space

    monkeypatch.setattr(WhoList, "SELECT_MAX", 2)
    monkeypatch.setattr(WhoList, "SEARCH_MIN", 3)
    space = Space.objects.get(slug=SPACE, territory__slug=TERRITORY)
    start = timezone.now() + timezone.timedelta(hours=1)
    meeting = Meeting.objects.create(space=space, title="Rencontre des noms", starts_at=start,
                                     ends_at=start + timezone.timedelta(hours=2), status=Meeting.Status.CONVENED)
    item = AgendaItem.objects.create(meeting=meeting, title="Appui au projet", position=1)
    seat = next(seat for seat in roster(meeting) if seat.organization_id)
    page = signed_in_page(FACILITATOR, DEMO_PASSWORD)
    page.goto(url("live", pk=meeting.pk) + f"?point={item.pk}")
    assert page.locator("#qui-liste option").count() == 0
    page.get_by_text("Noter un conflit d'intérêts").click()
    field = page.get_by_label("Qui se retire")
    field.focus()
    page.keyboard.type(seat.name[:5])
    expect(page.locator(f'#qui-liste option[value="{seat.name}"]')).to_have_count(1)
    assert page.locator("#qui-liste option").count() <= WhoList.SEARCH_LIMIT
    axe_check(page)
    field.fill(seat.name)
    page.get_by_role("button", name="Noter le conflit et retirer du vote").click()
    expect(page.locator("#conflits ~ ul").first).to_contain_text(seat.name)
    assert ConflictDeclaration.objects.filter(item=item, organization_id=seat.organization_id).exists()
