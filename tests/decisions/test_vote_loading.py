"""The vote's own reading of the proposal (decisions/vote_loading.py) and storing of the ballot
(ballots._store_ballot): statements written out for a vote that costs little (issue 20), which must
give exactly what the ORM gave, and keep every check of the vote in its place."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from concertation.decisions import ballots, services
from concertation.decisions.eligibility import recused_keys
from concertation.decisions.models import Ballot, Participation, Proposal, Recusal
from concertation.decisions.vote_loading import proposal_for_vote


def concrete(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def vote_url(proposal) -> str:
    return reverse("decisions:vote", kwargs={"territory": proposal.space.territory.slug,
                                             "space": proposal.space.slug, "pk": proposal.pk})


def open_proposal(world, space=None, **fields) -> Proposal:
    proposal = services.proposal_create(space=space or world.assembly, author=world.coordinator, title="Budget",
                                        body="Le budget **2027**.")
    proposal = services.proposal_open(proposal=proposal, by=world.coordinator)
    if fields:
        Proposal.objects.filter(pk=proposal.pk).update(**fields)
    return Proposal.objects.select_related("space__territory").get(pk=proposal.pk)


def test_the_vote_reads_the_proposal_its_space_and_territory_as_the_orm_does(world, django_assert_num_queries):
    now = timezone.now()
    proposal = open_proposal(
        world, opens_at=now - timedelta(hours=2), closes_at=now + timedelta(days=2), anonymous=True,
        method_settings={"seats": 2, "note": "é"}, eligible_categories=["voting", "observer"],
        college_minimums={"citoyen": 1}, reason_required=True, quorum_count=3)
    Recusal.objects.create(proposal=proposal, person=world.citizen, reason="Voisine")
    Recusal.objects.create(proposal=proposal, organization=world.observer_org)
    expected = Proposal.objects.select_related("space__territory").prefetch_related("recusals").get(pk=proposal.pk)

    with django_assert_num_queries(1):
        loaded = proposal_for_vote(world.territory.slug, world.assembly.slug, proposal.pk)
        # what the vote reads afterwards, without another query
        keys = recused_keys(loaded)
        slugs = (loaded.space.territory.slug, loaded.space.slug, loaded.space.visibility)
    assert concrete(loaded) == concrete(expected)
    assert concrete(loaded.space) == concrete(expected.space)
    assert concrete(loaded.space.territory) == concrete(expected.space.territory)
    assert keys == recused_keys(expected) == {f"u:{world.citizen.pk}", f"o:{world.observer_org.pk}"}
    assert slugs == (world.territory.slug, world.assembly.slug, world.assembly.visibility)
    assert isinstance(loaded.method_settings, dict) and loaded.anonymous is True  # converted, not raw text
    assert loaded.recusals.filter(person=world.citizen).count() == 1  # the relation still queries the database


def test_the_vote_finds_no_proposal_elsewhere(world):
    proposal = open_proposal(world)
    assert proposal_for_vote(world.territory.slug, world.assembly.slug, proposal.pk).pk == proposal.pk
    assert proposal_for_vote(world.territory.slug, world.committee.slug, proposal.pk) is None
    assert proposal_for_vote(world.other_territory.slug, world.assembly.slug, proposal.pk) is None
    assert proposal_for_vote(world.territory.slug, world.assembly.slug, proposal.pk + 1000) is None
    loaded = proposal_for_vote(world.territory.slug, world.assembly.slug, proposal.pk)
    assert recused_keys(loaded) == set()


def test_a_vote_after_the_closing_time_closes_the_proposal_and_is_refused(world, client_for):
    proposal = open_proposal(world, voting_unit="person", method="majority")
    Proposal.objects.filter(pk=proposal.pk).update(opens_at=timezone.now() - timedelta(hours=1),
                                                   closes_at=timezone.now() - timedelta(minutes=1))
    response = client_for(world.citizen).post(vote_url(proposal), {"voter": f"u:{world.citizen.pk}",
                                                                   f"v-u-{world.citizen.pk}-choice": "yes"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "closed" and proposal.result
    assert not Ballot.objects.filter(proposal=proposal).exists()
    assert "Le vote est fermé" in " ".join(str(message) for message in get_messages(response.wsgi_request))


def test_a_vote_out_of_reach_is_a_404_and_closes_nothing(world, client_for):
    """The outsider's vote on a due proposal of a space they cannot see: 404 before the lazy close."""
    proposal = open_proposal(world, space=world.committee)
    Proposal.objects.filter(pk=proposal.pk).update(opens_at=timezone.now() - timedelta(hours=1),
                                                   closes_at=timezone.now() - timedelta(minutes=1))
    assert client_for(world.outsider).post(vote_url(proposal), {"voter": ""}).status_code == 404
    assert Proposal.objects.get(pk=proposal.pk).status == "open"


def test_a_vote_on_a_draft_is_a_404_for_a_member(world, client_for):
    draft = services.proposal_create(space=world.assembly, author=world.coordinator, title="Brouillon")
    response = client_for(world.citizen).post(vote_url(draft), {"voter": f"u:{world.citizen.pk}"})
    assert response.status_code == 404
    assert not Ballot.objects.filter(proposal=draft).exists()


def test_the_ballot_returned_is_the_row_stored_and_keeps_its_first_receipt(world):
    proposal = open_proposal(world, voting_unit="person", method="majority")
    first = ballots.ballot_cast(proposal=proposal, person=world.citizen, value="yes")
    assert concrete(first) == concrete(Ballot.objects.get(pk=first.pk))
    later = timezone.now() + timedelta(seconds=5)
    second = ballots.ballot_cast(proposal=proposal, person=world.citizen, value="no", reason="Trop cher.", now=later)
    stored = Ballot.objects.get(pk=first.pk)
    assert concrete(second) == concrete(stored)
    assert (second.pk, second.receipt, second.created_at) == (first.pk, first.receipt, first.created_at)
    assert (second.value, second.reason, second.cast_at, second.weight) == ("no", "Trop cher.", later, 1)
    participation = Participation.objects.get(proposal=proposal)
    assert participation.first_cast_at == first.cast_at  # the first ballot's moment stays


def test_without_returning_the_ballot_is_upserted_then_read_back(world, monkeypatch):
    """SQLite before 3.35 cannot return the row of an INSERT: the upsert, then a read."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL always returns the row")
    monkeypatch.setattr(connection.features, "can_return_columns_from_insert", False)
    proposal = open_proposal(world, voting_unit="person", method="majority")
    first = ballots.ballot_cast(proposal=proposal, person=world.citizen, value="yes")
    second = ballots.ballot_cast(proposal=proposal, person=world.citizen, value="no")
    assert (second.pk, second.receipt, second.value) == (first.pk, first.receipt, "no")
    assert concrete(second) == concrete(Ballot.objects.get(proposal=proposal))


def test_a_vote_runs_eight_queries(world, client_for):
    """Session, user, the proposal, the person's access, their voter rows, then the transaction:
    the locked state, the ballot, the participation."""
    proposal = open_proposal(world, voting_unit="person", method="majority")
    client = client_for(world.citizen)
    for choice in ("yes", "no"):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(vote_url(proposal), {"voter": f"u:{world.citizen.pk}",
                                                        f"v-u-{world.citizen.pk}-choice": choice})
        assert response.status_code == 302
        sql = [query["sql"] for query in queries.captured_queries]
        assert len([s for s in sql if not s.startswith(("BEGIN", "SAVEPOINT", "RELEASE"))]) == 8, "\n".join(sql)
    assert Ballot.objects.get(proposal=proposal).value == "no"


def _orm_page_loading(proposal):
    """What the page's view read through the ORM before proposal_for_page (issue 20)."""
    from django.db.models import Count, OuterRef, Prefetch, Subquery

    return (Proposal.objects.select_related("space__territory", "space__parent", "author", "follows")
            .annotate(participation_count=Subquery(
                Participation.objects.filter(proposal=OuterRef("pk"), round=OuterRef("round"))
                .values("proposal").annotate(count=Count("pk")).values("count")[:1]))
            .prefetch_related("options", Prefetch(
                "recusals", queryset=Recusal.objects.select_related("person", "organization").order_by("created_at")))
            .get(pk=proposal.pk))


@pytest.mark.parametrize("shape", ["bare", "full"])
def test_the_page_reads_the_proposal_and_what_it_shows_as_the_orm_does(world, django_assert_num_queries, shape):
    from concertation.decisions.models import Option
    from concertation.decisions.vote_loading import proposal_for_page

    now = timezone.now()
    proposal = open_proposal(world, space=world.committee if shape == "full" else world.assembly,
                             closes_at=now + timedelta(days=2), method_settings={"seats": 2, "note": "é"},
                             eligible_categories=["voting", "observer"], college_minimums={"citoyen": 1})
    if shape == "full":
        earlier = open_proposal(world, space=world.committee, result={"outcome": "adopted", "participants": 3})
        Proposal.objects.filter(pk=proposal.pk).update(follows=earlier)
        for position, label in ((2, "Parc"), (1, "Piscine"), (1, "Bibliothèque")):
            Option.objects.create(proposal=proposal, label=label, position=position)
        Recusal.objects.create(proposal=proposal, person=world.citizen, reason="Voisine", declared_by=world.coordinator)
        Recusal.objects.create(proposal=proposal, organization=world.observer_org)
        for person in (world.citizen, world.delegate):
            Participation.objects.create(proposal=proposal, voter_key=f"u:{person.pk}", person=person)
        Participation.objects.create(proposal=proposal, round=2, voter_key=f"u:{world.delegate.pk}")
    else:
        Proposal.objects.filter(pk=proposal.pk).update(author=None)
    expected = _orm_page_loading(proposal)
    space = proposal.space
    with django_assert_num_queries(2):
        loaded = proposal_for_page(space.territory.slug, space.slug, proposal.pk)
        shown = (loaded.space.territory.slug, loaded.space.parent and loaded.space.parent.slug,
                 loaded.author and str(loaded.author), loaded.follows and loaded.follows.title,
                 [(str(r.person) if r.person else None, str(r.organization) if r.organization else None)
                  for r in loaded.recusals.all()],
                 [option.label for option in loaded.options.all()])
    for attribute in ("space", "author", "follows"):
        assert (getattr(loaded, attribute) is None) == (getattr(expected, attribute) is None)
        if getattr(expected, attribute) is not None:
            assert concrete(getattr(loaded, attribute)) == concrete(getattr(expected, attribute))
    assert concrete(loaded) == concrete(expected)
    assert concrete(loaded.space.territory) == concrete(expected.space.territory)
    assert (loaded.space.parent and concrete(loaded.space.parent)) == (expected.space.parent
                                                                        and concrete(expected.space.parent))
    assert (loaded.participation_count or 0) == (expected.participation_count or 0) == (2 if shape == "full" else 0)
    assert [concrete(o) for o in loaded.options.all()] == [concrete(o) for o in expected.options.all()]
    assert [(concrete(r), r.person and concrete(r.person), r.organization and concrete(r.organization))
            for r in loaded.recusals.all()] == [
        (concrete(r), r.person and concrete(r.person), r.organization and concrete(r.organization))
        for r in expected.recusals.all()]
    assert shown[0] == world.territory.slug and len(shown[4]) == (2 if shape == "full" else 0)
    assert proposal_for_page(space.territory.slug, "ailleurs", proposal.pk) is None


def test_the_first_agenda_item_and_its_meeting_are_read_as_the_orm_does(world):
    from concertation.decisions.register import AGENDA_RELATION, _reverse_relation
    from concertation.decisions.vote_loading import first_agenda_item
    from tests.factories import AgendaItemFactory, MeetingFactory

    model = _reverse_relation(AGENDA_RELATION)
    proposal = open_proposal(world)
    assert first_agenda_item(proposal, model) is None
    meeting = MeetingFactory(space=world.assembly, status="convened", title="Assemblée d'automne")
    first = AgendaItemFactory(meeting=meeting, proposal=proposal, title="Budget", position=3)
    AgendaItemFactory(meeting=MeetingFactory(space=world.assembly), proposal=proposal, title="Plus tard", position=1)
    expected = getattr(proposal, AGENDA_RELATION).select_related("meeting").order_by("pk").first()
    loaded = first_agenda_item(proposal, model)
    assert concrete(loaded) == concrete(expected) and concrete(loaded.meeting) == concrete(expected.meeting)
    assert loaded.pk == first.pk and loaded.meeting.title == "Assemblée d'automne"  # the first by id
