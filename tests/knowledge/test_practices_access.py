"""Who sees what of the practice sheets: the grid of states × people on the list, the page and the PDF,
and who may write, change, publish, unpublish and delete."""

from __future__ import annotations

import pytest
from django.urls import reverse

from concertation.core.models import AuditEvent
from concertation.knowledge.models import PracticeSheet

pytestmark = pytest.mark.django_db

PEOPLE = ("anonymous", "outsider", "foreigner", "member", "author", "coordinator")
# state → who reads the sheet (member: the citizen of the public assembly; author: the delegate)
READERS = {
    "draft": {"author", "coordinator"},
    "territory": {"member", "author", "coordinator"},
    "public": set(PEOPLE),
}


def person(world, who):
    return {"anonymous": None, "outsider": world.outsider, "foreigner": world.foreigner, "member": world.citizen,
            "author": world.delegate, "coordinator": world.coordinator}[who]


def url(name, sheet, **extra):
    return reverse(f"practices:{name}", kwargs={"territory": sheet.territory.slug, "pk": sheet.pk, **extra})


@pytest.mark.parametrize("state", list(READERS))
@pytest.mark.parametrize("who", PEOPLE)
def test_page_and_pdf_answer_who_may_read(world, sheets, client_for, html_pdf, state, who):
    client = client_for(person(world, who))
    sheet = sheets[state]
    expected = 200 if who in READERS[state] else 404
    page = client.get(url("sheet", sheet))
    assert page.status_code == expected
    pdf = client.get(url("pdf", sheet))
    assert pdf.status_code == expected
    if expected == 200:
        assert sheet.title in page.content.decode()
        assert sheet.title in pdf.content.decode()
        assert pdf["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("who", PEOPLE)
def test_the_list_shows_only_what_the_person_may_read(world, sheets, client_for, who):
    response = client_for(person(world, who)).get(reverse("practices:list", kwargs={"territory": world.territory.slug}))
    assert response.status_code == 200
    body = response.content.decode()
    for state, sheet in sheets.items():
        assert (sheet.title in body) == (who in READERS[state]), state


def test_the_list_of_a_territory_without_anything_public_is_hidden(world, client_for):
    from tests.knowledge.conftest import make_sheet

    make_sheet(world.other_territory, world.foreigner, title="Lointaine", status="published")
    list_url = reverse("practices:list", kwargs={"territory": world.other_territory.slug})
    assert client_for(world.outsider).get(list_url).status_code == 404
    assert "Lointaine" in client_for(world.foreigner).get(list_url).content.decode()


def test_a_public_sheet_of_a_territory_without_public_space_is_readable_signed_out(world, client_for):
    from tests.knowledge.conftest import make_sheet

    sheet = make_sheet(world.other_territory, world.foreigner, title="Ouverte à toutes et à tous",
                       status="published", audience="public")
    client = client_for(None)
    assert client.get(url("sheet", sheet)).status_code == 200
    listing = client.get(reverse("practices:list", kwargs={"territory": world.other_territory.slug}))
    assert listing.status_code == 200 and sheet.title in listing.content.decode()


def test_a_sheet_named_under_another_territory_looks_missing(world, sheets, client_for):
    client = client_for(world.coordinator)
    wrong = reverse("practices:sheet", kwargs={"territory": world.other_territory.slug, "pk": sheets["public"].pk})
    assert client.get(wrong).status_code == 404


# Writing ------------------------------------------------------------------------------------------

WRITERS = {"observer", "delegate", "citizen", "facilitator", "coordinator", "admin"}


@pytest.mark.parametrize("who", ["outsider", "foreigner", "observer", "delegate", "citizen", "facilitator",
                                 "coordinator", "admin"])
def test_who_sits_in_the_territory_writes_a_sheet(world, client_for, who):
    client = client_for(world.users[who])
    add = reverse("practices:add", kwargs={"territory": world.territory.slug})
    assert client.get(add).status_code == (200 if who in WRITERS else 404)
    response = client.post(add, {"title": f"Fiche de {who}", "audience": "territory"})
    if who in WRITERS:
        assert response.status_code == 302
        sheet = PracticeSheet.objects.get(title=f"Fiche de {who}")
        assert sheet.status == "draft" and sheet.author == world.users[who]
    else:
        assert response.status_code == 404
        assert not PracticeSheet.objects.exists()


def test_anonymous_visitors_are_asked_to_sign_in_to_write(world, client_for):
    response = client_for(None).get(reverse("practices:add", kwargs={"territory": world.territory.slug}))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


@pytest.mark.parametrize("who,allowed", [("author", True), ("coordinator", True), ("member", False),
                                         ("outsider", False), ("foreigner", False)])
def test_the_author_and_coordinators_change_publish_unpublish_delete(world, sheets, client_for, who, allowed):
    client = client_for(person(world, who))
    draft, published = sheets["draft"], sheets["territory"]
    answers = [
        client.post(url("edit", draft), {"title": "Renommée", "audience": "public"}).status_code,
        client.post(url("publish", draft), {"audience": "public"}).status_code,
        client.post(url("unpublish", published)).status_code,
        client.post(url("delete", published)).status_code,
    ]
    if allowed:
        assert answers == [302, 302, 302, 302]
        draft.refresh_from_db()
        assert draft.title == "Renommée" and draft.status == "published" and draft.audience == "public"
        assert not PracticeSheet.objects.filter(pk=published.pk).exists()
        actions = list(AuditEvent.objects.filter(target_type="knowledge.practicesheet")
                       .order_by("id").values_list("action", flat=True))
        assert actions[-3:] == ["practice_sheet.published", "practice_sheet.unpublished", "practice_sheet.deleted"]
        assert AuditEvent.objects.filter(action="practice_sheet.deleted", actor=person(world, who),
                                         territory_id=world.territory.pk).exists()
    else:
        assert answers == [404, 404, 404, 404]
        draft.refresh_from_db()
        published.refresh_from_db()
        assert (draft.title, draft.status, published.status) == ("Brouillon secret", "draft", "published")


def test_an_author_who_left_the_territory_no_longer_changes_the_sheet(world, sheets, client_for):
    from tests.knowledge.conftest import make_sheet

    sheet = make_sheet(world.territory, world.outsider, title="Écrite avant de partir")
    response = client_for(world.outsider).post(url("edit", sheet), {"title": "Changée", "audience": "territory"})
    assert response.status_code == 404


def test_coordinators_see_every_draft_and_members_only_theirs(world, sheets, client_for):
    from tests.knowledge.conftest import make_sheet

    own = make_sheet(world.territory, world.citizen, title="Mon brouillon")
    body = client_for(world.citizen).get(reverse("practices:list", kwargs={"territory": world.territory.slug}))
    assert own.title in body.content.decode() and "Brouillon secret" not in body.content.decode()
    body = client_for(world.coordinator).get(reverse("practices:list", kwargs={"territory": world.territory.slug}))
    assert own.title in body.content.decode() and "Brouillon secret" in body.content.decode()


def test_a_signed_in_refusal_is_written_to_the_audit_log(world, sheets, client_for):
    client_for(world.citizen).get(url("sheet", sheets["draft"]))
    event = AuditEvent.objects.get(action="access.denied", actor=world.citizen)
    assert (event.target_type, event.target_id, event.territory_id) == (
        "knowledge.practicesheet", sheets["draft"].pk, world.territory.pk)
