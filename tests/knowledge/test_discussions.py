"""Discussions (issue 15, item 5): who reads, posts, edits, hides each kind of object's discussion;
the thread as each person sees it; hidden comments; edit history; replies one level deep."""

from __future__ import annotations

import pytest

from concertation.core.models import AuditEvent
from concertation.knowledge.discussions_registry import target
from concertation.knowledge.models import Comment, CommentRevision
from concertation.knowledge.services.discussions import comment_hide
from tests.knowledge.conftest import KINDS, comment_url, post, thread_url

pytestmark = pytest.mark.django_db

# Who is who for an object of the members-only committee: the delegate is its member; the citizen
# is a member of another space (the assembly); the facilitator runs another space (the group); the
# coordinator coordinates the territory.
READERS = {"anonymous": False, "outsider": False, "citizen": False, "facilitator": False, "foreigner": False,
           "delegate": True, "coordinator": True, "admin": True}


def html(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("who", list(READERS))
def test_who_reads_and_posts_a_committee_discussion(world, targets, client_for, kind, who):
    obj = getattr(targets, kind)["committee"]
    post(obj, world.delegate, "Premier avis du comité.")
    client = client_for(world.users[who])
    response = client.get(thread_url(obj))
    if READERS[who]:
        assert response.status_code == 200 and "Premier avis du comité." in html(response)
    else:
        # Anonymous visitors are asked to sign in; everyone else gets the 404 of a missing object.
        assert response.status_code == (302 if who == "anonymous" else 404)
        assert "Premier avis du comité." not in html(response)
    before = Comment.objects.count()
    answer = client.post(thread_url(obj), {"body": f"Avis de {who}."})
    if READERS[who]:
        assert answer.status_code == 302 and Comment.objects.count() == before + 1
        assert Comment.objects.latest("pk").author == world.users[who]
    else:
        assert answer.status_code == 404 and Comment.objects.count() == before


@pytest.mark.parametrize("kind", KINDS)
def test_the_public_reads_a_public_discussion_but_only_members_write(world, targets, client_for, kind):
    obj = getattr(targets, kind)["assembly"]
    post(obj, world.citizen, "Ouvert à tous.")
    for who in ("anonymous", "outsider", "foreigner"):
        client = client_for(world.users[who])
        page = client.get(thread_url(obj))
        assert page.status_code == 200 and "Ouvert à tous." in html(page)
        assert 'name="body"' not in html(page)
        assert client.post(thread_url(obj), {"body": "Intrus."}).status_code == 404
    assert not Comment.objects.filter(body="Intrus.").exists()
    for who in ("citizen", "delegate", "observer"):
        assert client_for(world.users[who]).post(thread_url(obj), {"body": f"De {who}."}).status_code == 302
    assert Comment.objects.filter(target_kind=kind, target_id=obj.pk).count() == 4


@pytest.mark.parametrize("kind", KINDS)
def test_only_the_author_edits_and_the_earlier_text_is_kept(world, targets, client_for, kind):
    obj = getattr(targets, kind)["committee"]
    comment = post(obj, world.delegate, "Texte d'origine.")
    for who in ("anonymous", "outsider", "citizen", "coordinator", "admin"):
        client = client_for(world.users[who])
        expected = 302 if who == "anonymous" else 404  # sign in first, then: not yours
        assert client.get(comment_url("edit", comment)).status_code == expected
        assert client.post(comment_url("edit", comment), {"body": "Réécrit."}).status_code == expected
    comment.refresh_from_db()
    assert comment.body == "Texte d'origine." and comment.edited_at is None
    client = client_for(world.delegate)
    assert client.post(comment_url("edit", comment), {"body": "Texte corrigé."}).status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Texte corrigé." and comment.edited_at is not None
    assert list(CommentRevision.objects.filter(comment=comment).values_list("body", flat=True)) == ["Texte d'origine."]
    # « modifié » links to the history, readable by whoever reads the discussion.
    page = html(client_for(world.coordinator).get(thread_url(obj)))
    assert "modifié" in page and comment_url("history", comment) in page
    history = client_for(world.coordinator).get(comment_url("history", comment))
    assert history.status_code == 200
    assert "Texte d'origine." in html(history) and "Texte corrigé." in html(history)
    assert client_for(world.citizen).get(comment_url("history", comment)).status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_facilitation_hides_with_a_reason_and_the_text_reaches_no_one_else(world, targets, client_for, kind):
    obj = getattr(targets, kind)["group"]  # the facilitator runs the working group
    comment = post(obj, world.coordinator, "Propos déplacés.")
    reader = world.delegate  # the group is open to the territory: the delegate reads it
    for who in ("anonymous", "outsider", "delegate", "citizen"):
        client = client_for(world.users[who])
        assert client.get(comment_url("hide", comment)).status_code in (302, 404)
        assert client.post(comment_url("hide", comment), {"reason": "Non."}).status_code in (302, 404)
    assert Comment.objects.get(pk=comment.pk).hidden_at is None

    client = client_for(world.facilitator)
    assert client.post(comment_url("hide", comment), {"reason": ""}).status_code == 400  # a reason is required
    assert client.post(comment_url("hide", comment), {"reason": "Hors sujet."}).status_code == 302
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_by == world.facilitator and comment.hidden_reason == "Hors sujet."
    assert AuditEvent.objects.filter(action="comment.hidden", target_id=comment.pk).exists()

    others = client_for(reader)
    for response in (others.get(thread_url(obj)), others.get(thread_url(obj), HTTP_HX_REQUEST="true")):
        assert "Commentaire masqué par l'animation" in html(response) and "Hors sujet." in html(response)
        assert "Propos déplacés." not in html(response)
    assert others.get(comment_url("history", comment)).status_code == 404
    # The author and the moderators still read it.
    assert "Propos déplacés." in html(client_for(world.coordinator).get(thread_url(obj)))
    assert "Propos déplacés." in html(client_for(world.facilitator).get(thread_url(obj)))
    # A hidden comment is no longer edited.
    assert client_for(world.coordinator).get(comment_url("edit", comment)).status_code == 404

    # Unhiding: the moderators only.
    assert client_for(reader).post(comment_url("unhide", comment)).status_code == 404
    assert client_for(world.facilitator).post(comment_url("unhide", comment)).status_code == 302
    comment.refresh_from_db()
    assert not comment.is_hidden and comment.hidden_reason == ""
    assert "Propos déplacés." in html(others.get(thread_url(obj)))
    assert AuditEvent.objects.filter(action="comment.unhidden", target_id=comment.pk).exists()


def test_a_reply_to_a_reply_joins_the_first_comment(world, targets, client_for):
    proposal = targets.proposal["assembly"]
    first = post(proposal, world.citizen, "Question.")
    client = client_for(world.delegate)
    assert client.post(thread_url(proposal), {"body": "Réponse.", "parent": first.pk}).status_code == 302
    reply = Comment.objects.get(body="Réponse.")
    assert reply.parent == first
    assert client.post(thread_url(proposal), {"body": "Et encore.", "parent": reply.pk}).status_code == 302
    assert Comment.objects.get(body="Et encore.").parent == first
    # A parent from another discussion is refused like a missing one.
    elsewhere = post(targets.meeting["assembly"], world.citizen, "Ailleurs.")
    assert client.post(thread_url(proposal), {"body": "Égaré.", "parent": elsewhere.pk}).status_code == 404
    assert not Comment.objects.filter(body="Égaré.").exists()


def test_posting_with_htmx_renders_the_thread(world, targets, client_for):
    meeting = targets.meeting["assembly"]
    client = client_for(world.citizen)
    response = client.post(thread_url(meeting), {"body": "Avec htmx."}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="discussion"' in html(response) and "Avec htmx." in html(response)
    assert "<html" not in html(response)
    # A refused text comes back with its error and what was typed.
    refused = client.post(thread_url(meeting), {"body": "x" * 5001}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 200 and "x" * 5001 in html(refused) and "error-text" in html(refused)


def test_an_empty_comment_is_refused_next_to_the_field(world, targets, client_for):
    proposal = targets.proposal["assembly"]
    response = client_for(world.citizen).post(thread_url(proposal), {"body": "   "})
    assert response.status_code == 400 and "error-text" in html(response)
    assert not Comment.objects.exists()


def test_the_discussion_shows_on_the_proposal_and_meeting_pages_and_is_linked_from_the_plan(world, targets,
                                                                                             client_for):
    from django.urls import reverse

    client = client_for(world.citizen)
    proposal, meeting = targets.proposal["assembly"], targets.meeting["assembly"]
    post(proposal, world.delegate, "Sur la proposition.")
    post(meeting, world.delegate, "Sur la rencontre.")
    page = client.get(target("proposal").url_of(proposal))
    assert "Sur la proposition." in html(page) and 'hx-post="' + thread_url(proposal) in html(page)
    assert "Sur la rencontre." in html(client.get(target("meeting").url_of(meeting)))
    activity = targets.activity["assembly"]
    plan = activity.strategy.plan
    plan_page = client.get(reverse("planning:plan", kwargs={"territory": world.territory.slug,
                                                            "space": world.assembly.slug, "plan": plan.pk}))
    assert thread_url(activity) in html(plan_page)


def test_a_discussion_under_another_territory_looks_missing(world, targets, client_for):
    proposal = targets.proposal["assembly"]
    comment = post(proposal, world.citizen, "Chez nous.")
    client = client_for(world.admin)
    url = thread_url(proposal).replace(f"/t/{world.territory.slug}/", f"/t/{world.other_territory.slug}/")
    assert client.get(url).status_code == 404
    url = comment_url("history", comment).replace(f"/t/{world.territory.slug}/", f"/t/{world.other_territory.slug}/")
    assert client.get(url).status_code == 404
    assert client.get(thread_url(proposal).replace("/proposal/", "/inconnu/")).status_code == 404


def test_comments_of_a_removed_activity_go_with_it(world, targets):
    from concertation.planning.services.items import item_remove

    activity = targets.activity["assembly"]
    post(activity, world.citizen, "Sur l'action.")
    plan = activity.strategy.plan
    plan.status = "draft"
    plan.save(update_fields=["status"])
    item_remove(item=activity, by=world.coordinator)
    assert not Comment.objects.filter(target_kind="activity", target_id=activity.pk).exists()


def test_hiding_needs_a_reason_in_the_service(world, targets):
    from concertation.core.errors import DomainError

    proposal = targets.proposal["assembly"]
    comment = post(proposal, world.citizen, "Texte.")
    with pytest.raises(DomainError):
        comment_hide(comment=comment, entry=target("proposal"), obj=proposal, by=world.coordinator, reason="  ")


def test_a_territory_wide_object_is_discussed_without_a_space(world, client_for):
    """What practice sheets (territory-wide) will do: register with ``territory_of`` and no space."""
    from django.urls import reverse

    from concertation.directory.models import Organization
    from concertation.knowledge import discussions_registry as registry
    from concertation.spaces.access import access_for

    registry.register_discussion_target(
        "organization", Organization, space_of=lambda organization: None,
        territory_of=lambda organization: organization.territory,
        can_view=lambda user, organization: access_for(user).in_territory(organization.territory_id),
        can_comment=lambda user, organization: access_for(user).in_territory(organization.territory_id),
        can_moderate=lambda user, organization: access_for(user).coordinates_territory(organization.territory_id),
        url_of=lambda organization: reverse("spaces:organizations", kwargs={"territory": world.territory.slug}),
        label_of=lambda organization: organization.name, related=("territory",), shown_on_page=False,
    )
    try:
        url = reverse("discussions:thread", kwargs={"territory": world.territory.slug, "kind": "organization",
                                                    "object_id": world.org.pk})
        assert client_for(world.citizen).post(url, {"body": "Bravo au comité."}).status_code == 302
        comment = Comment.objects.get()
        assert (comment.space, comment.territory) == (None, world.territory)
        assert "Bravo au comité." in html(client_for(world.delegate).get(url))
        assert client_for(world.outsider).get(url).status_code == 404
        assert client_for(world.coordinator).post(comment_url("hide", comment), {"reason": "Test."}).status_code == 302
    finally:
        registry.unregister_discussion_target("organization")


def test_the_objects_page_shows_the_first_replies_of_a_thread_and_leads_to_the_rest(world, targets, client_for):
    """Review: every reply of the 20 latest threads was read and drawn on the object's page, which
    everyone who sees the object opens: a member posting thousands of replies weighed on it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from concertation.knowledge.selectors.discussions import INLINE_REPLIES, thread

    proposal = targets.proposal["assembly"]
    first = post(proposal, world.citizen, "Question.")
    entry = target("proposal")
    for number in range(INLINE_REPLIES + 5):
        Comment.objects.create(territory=first.territory, space=first.space, target_kind="proposal",
                               target_id=proposal.pk, parent=first, author=world.delegate, body=f"Réponse {number}.")
    with CaptureQueriesContext(connection) as queries:
        inline = thread(world.delegate, entry, proposal, inline=True)
    assert len(inline["comments"][0].replies) == INLINE_REPLIES
    assert inline["more"]
    assert len(queries) < 15
    full = thread(world.delegate, entry, proposal)
    assert len(full["comments"][0].replies) == INLINE_REPLIES + 5
    from django.urls import reverse

    page = html(client_for(world.delegate).get(reverse("decisions:proposal", kwargs={
        "territory": proposal.space.territory.slug, "space": proposal.space.slug, "pk": proposal.pk})))
    assert f"Réponse {INLINE_REPLIES - 1}." in page and f"Réponse {INLINE_REPLIES}." not in page


def test_a_thread_is_read_in_two_queries_with_the_count_of_the_whole_discussion(world, targets):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from concertation.knowledge.selectors.discussions import thread

    proposal = targets.proposal["assembly"]
    entry = target("proposal")
    assert thread(world.delegate, entry, proposal, inline=True)["total"] == 0
    first = post(proposal, world.citizen, "Question.")
    post(proposal, world.delegate, "Autre question.")
    for number in range(3):
        Comment.objects.create(territory=first.territory, space=first.space, target_kind="proposal",
                               target_id=proposal.pk, parent=first, author=world.delegate, body=f"Réponse {number}.")
    for inline in (True, False):
        with CaptureQueriesContext(connection) as queries:
            shown = thread(world.delegate, entry, proposal, inline=inline)
        assert shown["total"] == 5 and len(shown["comments"]) == 2
        assert sum(len(item.replies) for item in shown["comments"]) == 3
        # the viewer's rights are asked of the target's rules; the comments themselves take one
        # statement on the object's page (inline_rows), three on the discussion's own paginated page
        assert len([q for q in queries if "knowledge_comment" in q["sql"]]) == (1 if inline else 3)
