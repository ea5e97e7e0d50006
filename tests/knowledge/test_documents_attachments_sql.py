"""The « Documents » box of an object reads its choices through a statement written out around the
rule's own conditions (knowledge.selectors_documents.attachment_choices); it must give what the ORM
form beside it gives (attachment_choices_orm): the same joined documents, the same offered ones, the
same count of the others, for every kind of person, search and library, on generated libraries."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from concertation.knowledge import selectors_documents
from concertation.knowledge.models import Document
from tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db

WORDS = ["Budget", "budget", "Annexe 1", "annexe 12", "Procès-verbal", "Portrait", "Plan d'action", "Étude"]
SEARCHES = ["", "budget", "annexe 1", "Procès", "plan action", "nulle part"]


def _seen(choices) -> tuple:
    return ([(d.pk, d.title, d.kind, d.url, d.author_id, d.space_id) for d in choices.joined], choices.offered,
            choices.found, choices.more, choices.search)


def _library(world, rng) -> None:
    """Documents in each space of the territory, of every visibility, some added at the same instant."""
    when = timezone.now() - timedelta(days=10)
    for number in range(rng.randint(4, 14)):
        space = rng.choice([world.assembly, world.assembly, world.committee, world.group])
        document = Document.objects.create(
            space=space, title=f"{rng.choice(WORDS)} {number}", kind=rng.choice(Document.Kind.values),
            visibility=rng.choice(Document.Visibility.values), url=f"https://exemple.org/{number}",
            author=rng.choice([world.coordinator, world.delegate, None]))
        Document.objects.filter(pk=document.pk).update(created_at=when + timedelta(hours=rng.choice([0, number])))


@pytest.mark.parametrize("seed", range(4))
def test_the_written_statement_gives_the_choices_of_the_orm_form(world, monkeypatch, seed):
    rng = random.Random(seed)
    monkeypatch.setattr(selectors_documents, "PICKER_SIZE", rng.choice([2, 3, 50]))
    _library(world, rng)
    people = [world.admin, world.coordinator, world.delegate, world.observer, world.citizen, world.facilitator,
              world.outsider, world.foreigner]
    for space in (world.assembly, world.committee, world.group):
        proposal = ProposalFactory(space=space)
        own = list(Document.objects.filter(space=space))
        proposal.documents.add(*rng.sample(own, k=min(len(own), rng.randint(0, 3))))
        for person in people:
            for search in SEARCHES:
                for offer in (True, False):
                    arguments = {"offer": offer, "search": search}
                    written = selectors_documents.attachment_choices(person, space, proposal.documents, **arguments)
                    orm = selectors_documents.attachment_choices_orm(person, space, proposal.documents, **arguments)
                    assert _seen(written) == _seen(orm), (space.slug, person.email, search, offer)


def test_a_plan_actions_documents_are_read_through_its_own_table(world):
    """The box serves every object with documents (here a plan's action: planning's own table)."""
    from tests.knowledge.conftest import make_target

    activity = make_target("activity", world.assembly)
    documents = [Document.objects.create(space=world.assembly, title=f"Annexe {n}", visibility="space",
                                         url=f"https://exemple.org/{n}") for n in range(3)]
    activity.documents.add(documents[1])
    written = selectors_documents.attachment_choices(world.coordinator, world.assembly, activity.documents)
    assert _seen(written) == _seen(selectors_documents.attachment_choices_orm(world.coordinator, world.assembly,
                                                                             activity.documents))
    assert [d.pk for d in written.joined] == [documents[1].pk] and written.found == 2
