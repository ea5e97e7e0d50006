"""Discussions under knowledge's own objects (knowledge-glue): a document of a space's library and a
published practice sheet. Who reads, posts and hides; the discussion on their pages; a draft sheet has
none; the comments go with a deleted document or sheet."""

from __future__ import annotations

import pytest
from django.urls import reverse

from concertation.knowledge.discussions_registry import target
from concertation.knowledge.models import Comment
from concertation.knowledge.services import documents as document_services
from concertation.knowledge.services import practices as practice_services
from tests.knowledge.conftest import comment_url, post

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def thread(obj, kind: str) -> str:
    return reverse("discussions:thread", kwargs={"territory": target(kind).territory_of(obj).slug, "kind": kind,
                                                 "object_id": obj.pk})


def a_document(world, space=None, visibility="territory", by=None):
    return document_services.document_add(space=space or world.group, by=by or world.facilitator,
                                          title="Bilan du chantier", url="https://example.org/bilan",
                                          visibility=visibility)


# For a document of the working group (open to the territory) seen by the territory: the facilitator
# is a member of the group and runs it; the citizen and the delegate sit elsewhere in the territory
# (they read, they do not write); the coordinator coordinates the territory.
DOCUMENT = {  # who: (view, post, hide)
    "anonymous": (False, False, False), "outsider": (False, False, False), "foreigner": (False, False, False),
    "citizen": (True, False, False), "delegate": (True, False, False),
    "facilitator": (True, True, True), "coordinator": (True, True, True),
}
# For a sheet published to the territory: whoever sits in the territory reads and writes; its
# coordinators moderate.
SHEET = {
    "anonymous": (False, False, False), "outsider": (False, False, False), "foreigner": (False, False, False),
    "citizen": (True, True, False), "delegate": (True, True, False), "facilitator": (True, True, False),
    "coordinator": (True, True, True),
}


def _check(world, client_for, obj, kind, grid, who):
    view, write, hide = grid[who]
    first = post(obj, world.coordinator, "Premier avis.", kind=kind)
    client = client_for(world.users[who])
    response = client.get(thread(obj, kind))
    if view:
        assert response.status_code == 200 and "Premier avis." in html(response)
    else:
        assert response.status_code == (302 if who == "anonymous" else 404)
        assert "Premier avis." not in html(response)
    before = Comment.objects.count()
    answer = client.post(thread(obj, kind), {"body": f"Avis de {who}."})
    if write:
        assert answer.status_code == 302 and Comment.objects.count() == before + 1
    else:
        assert answer.status_code in (302, 404) and Comment.objects.count() == before
    answer = client.post(comment_url("hide", first), {"reason": "Hors sujet."})
    first.refresh_from_db()
    if hide:
        assert answer.status_code == 302 and first.is_hidden
    else:
        assert answer.status_code in (302, 404) and not first.is_hidden
    assert target(kind).can_comment(world.users[who] or _anonymous(), obj) is write
    assert target(kind).can_moderate(world.users[who] or _anonymous(), obj) is hide


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.mark.parametrize("who", list(DOCUMENT))
def test_who_reads_posts_and_hides_on_a_document(world, client_for, who):
    _check(world, client_for, a_document(world), "document", DOCUMENT, who)


@pytest.mark.parametrize("who", list(SHEET))
def test_who_reads_posts_and_hides_on_a_published_sheet(world, sheets, client_for, who):
    _check(world, client_for, sheets["territory"], "practice_sheet", SHEET, who)


def test_a_members_only_document_is_discussed_by_the_space_only(world, client_for):
    document = a_document(world, space=world.assembly, visibility="space", by=world.citizen)
    assert client_for(world.citizen).post(thread(document, "document"), {"body": "Entre membres."}).status_code == 302
    for who in ("outsider", "facilitator", "foreigner"):
        assert client_for(world.users[who]).get(thread(document, "document")).status_code == 404
    assert client_for(None).get(thread(document, "document")).status_code == 302
    assert Comment.objects.filter(target_kind="document").count() == 1


def test_the_public_reads_a_public_sheet_discussion_but_does_not_write(world, sheets, client_for):
    sheet = sheets["public"]
    post(sheet, world.delegate, "Ouvert à tous.", kind="practice_sheet")
    for who in ("anonymous", "outsider", "foreigner"):
        client = client_for(world.users[who])
        assert "Ouvert à tous." in html(client.get(thread(sheet, "practice_sheet")))
        assert client.post(thread(sheet, "practice_sheet"), {"body": "Intrus."}).status_code in (302, 404)
    assert not Comment.objects.filter(body="Intrus.").exists()


def test_a_draft_sheet_has_no_discussion(world, sheets, client_for):
    draft = sheets["draft"]
    for who in ("delegate", "coordinator"):  # its author and a coordinator read the draft itself
        client = client_for(world.users[who])
        page = client.get(reverse("practices:sheet", kwargs={"territory": world.territory.slug, "pk": draft.pk}))
        assert page.status_code == 200 and 'id="commentaires"' not in html(page)
        assert client.get(thread(draft, "practice_sheet")).status_code == 404
        assert client.post(thread(draft, "practice_sheet"), {"body": "Sur le brouillon."}).status_code == 404
    assert not Comment.objects.exists()


def test_the_discussion_shows_on_the_document_and_sheet_pages(world, sheets, client_for):
    document = a_document(world)
    post(document, world.facilitator, "Sur le bilan.", kind="document")
    post(sheets["territory"], world.citizen, "Sur la fiche.", kind="practice_sheet")
    client = client_for(world.delegate)
    page = client.get(reverse("documents:document", kwargs={"territory": world.territory.slug,
                                                            "space": world.group.slug, "pk": document.pk}))
    assert 'id="commentaires"' in html(page) and "Sur le bilan." in html(page)
    page = client.get(reverse("practices:sheet", kwargs={"territory": world.territory.slug,
                                                         "pk": sheets["territory"].pk}))
    assert 'id="commentaires"' in html(page) and "Sur la fiche." in html(page)


def test_comments_go_with_a_deleted_document_or_sheet(world, sheets):
    document = a_document(world)
    post(document, world.facilitator, "Sur le bilan.", kind="document")
    sheet = sheets["territory"]
    post(sheet, world.citizen, "Sur la fiche.", kind="practice_sheet")
    kept = post(sheets["public"], world.citizen, "Sur l'autre fiche.", kind="practice_sheet")
    document_services.document_delete(document=document, by=world.facilitator)
    practice_services.sheet_delete(sheet=sheet, by=world.delegate)
    assert list(Comment.objects.all()) == [kept]
