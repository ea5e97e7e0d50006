"""Mentions: @[Name] records a mention only for people who may see the object; nobody else is
mentioned, and nothing on the page tells them apart from a name that matches no one."""

from __future__ import annotations

import pytest

from concertation.knowledge.models import Mention
from concertation.knowledge.services import discussions as services
from concertation.knowledge.services.discussions import mentioned_names, mentions_created
from tests.factories import UserFactory
from tests.knowledge.conftest import comment_url, post, thread_url

pytestmark = pytest.mark.django_db


def named(world):
    for user, name in ((world.delegate, "Dalia Delegate"), (world.citizen, "Claude Citoyenne"),
                       (world.outsider, "Olivier Dehors"), (world.facilitator, "Fanny Animation"),
                       (world.coordinator, "Camille Coordination"), (world.foreigner, "Farid Ailleurs")):
        user.display_name = name
        user.save(update_fields=["display_name"])


def test_names_are_read_between_brackets():
    assert mentioned_names("Merci @[Dalia  Delegate] et @[dalia delegate], @Paul, @[Ana]!") == ["Dalia Delegate", "Ana"]
    assert mentioned_names("@[" + "x" * 151 + "]") == []
    assert len(mentioned_names(" ".join(f"@[P{n}]" for n in range(30)))) == services.MAX_MENTIONS


def test_only_people_who_see_a_committee_object_are_mentioned(world, targets):
    named(world)
    proposal = targets.proposal["committee"]
    comment = post(proposal, world.coordinator,
                   "Avis de @[Dalia Delegate], @[Claude Citoyenne], @[Olivier Dehors], @[Fanny Animation], "
                   "@[Farid Ailleurs] et @[Personne Inconnue].")
    assert {m.person for m in Mention.objects.filter(comment=comment)} == {world.delegate}
    # Delivered to the notifications layer in the comment's transaction: none is left pending.
    assert mentions_created(comment) == []
    assert Mention.objects.get(comment=comment).notified_at is not None


def test_a_public_object_mentions_the_people_of_its_territory_only(world, targets):
    named(world)
    meeting = targets.meeting["assembly"]
    stranger = UserFactory(display_name="Sans Lien")  # an account tied to no territory
    comment = post(meeting, world.delegate, "@[Claude Citoyenne] @[Fanny Animation] @[Farid Ailleurs] @[Sans Lien] "
                                            "@[Dalia Delegate]")
    # People of the territory; not the foreigner (another territory), not an account tied to none,
    # not the author herself.
    assert {m.person for m in Mention.objects.filter(comment=comment)} == {world.citizen, world.facilitator}
    assert stranger.pk


def test_a_draft_proposal_mentions_only_those_who_see_drafts(world, targets):
    from tests.factories import ProposalFactory

    named(world)
    draft = ProposalFactory(space=world.assembly, author=world.citizen, title="Ébauche")
    comment = post(draft, world.citizen, "@[Dalia Delegate] @[Camille Coordination]")
    assert {m.person for m in Mention.objects.filter(comment=comment)} == {world.coordinator}


def test_an_edit_adds_new_mentions_only(world, targets, client_for):
    named(world)
    activity = targets.activity["assembly"]
    comment = post(activity, world.coordinator, "Pour @[Claude Citoyenne].")
    client = client_for(world.coordinator)
    client.post(comment_url("edit", comment), {"body": "Pour @[Claude Citoyenne] et @[Dalia Delegate]."})
    assert sorted(Mention.objects.filter(comment=comment).values_list("person__display_name", flat=True)) == [
        "Claude Citoyenne", "Dalia Delegate"]


def test_the_listeners_hear_of_new_mentions_after_commit(world, targets, django_capture_on_commit_callbacks):
    named(world)
    heard = []
    services.MENTION_LISTENERS.append(lambda comment, mentions: heard.append([m.person for m in mentions]))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            post(targets.proposal["assembly"], world.coordinator, "Bonjour @[Claude Citoyenne] et @[Olivier Dehors].")
    finally:
        services.MENTION_LISTENERS.pop()
    assert heard == [[world.citizen]]


def test_a_mention_shows_the_same_whoever_it_names(world, targets, client_for):
    """The page shows « @Name » for a name that is mentioned and for one that is not: nothing tells
    a reader whether the person exists or may see the page."""
    named(world)
    proposal = targets.proposal["committee"]
    post(proposal, world.coordinator, "@[Dalia Delegate] @[Claude Citoyenne] @[Personne Inconnue]")
    page = client_for(world.delegate).get(thread_url(proposal)).content.decode()
    for name in ("Dalia Delegate", "Claude Citoyenne", "Personne Inconnue"):
        assert f'<strong class="mention">@{name}</strong>' in page


def test_the_picker_offers_only_people_who_see_the_object_to_those_who_write(world, targets, client_for):
    from django.urls import reverse

    named(world)
    proposal = targets.proposal["committee"]
    url = reverse("discussions:people", kwargs={"territory": world.territory.slug, "kind": "proposal",
                                                "object_id": proposal.pk})
    client = client_for(world.coordinator)
    assert client.get(url, {"q": "a"}).json() == {"names": []}  # two letters at least
    assert client.get(url, {"q": "ia"}).json() == {"names": ["Dalia Delegate"]}
    assert client.get(url, {"q": "dal"}).json() == {"names": ["Dalia Delegate"]}
    assert client.get(url, {"q": "Citoy"}).json() == {"names": []}  # the citizen does not see the committee
    for who in ("citizen", "outsider", "facilitator"):
        assert client_for(world.users[who]).get(url, {"q": "ia"}).status_code == 404
    assert client_for(None).get(url, {"q": "ia"}).status_code == 302
    public = reverse("discussions:people", kwargs={"territory": world.territory.slug, "kind": "proposal",
                                                   "object_id": targets.proposal["assembly"].pk})
    # The facilitator sits in the territory; the foreigner (Farid) in another one.
    assert client_for(world.citizen).get(public, {"q": "Fa"}).json()["names"] == ["Fanny Animation"]
    assert client_for(world.citizen).get(public, {"q": "Co"}).json()["names"] == ["Camille Coordination"]
