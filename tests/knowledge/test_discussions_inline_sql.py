"""The object's page reads its discussion through one statement written out
(knowledge.selectors.discussions.inline_rows); it must give the rows of the ORM form beside it
(inline_rows_orm): the same comments in the same order, the same first replies, the same authors'
names and the same count of the whole discussion, on generated discussions."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from concertation.accounts.privacy import display_name_for
from concertation.knowledge.discussions_registry import target
from concertation.knowledge.models import Comment
from concertation.knowledge.selectors.discussions import (
    INLINE_REPLIES,
    INLINE_THREADS,
    inline_rows,
    inline_rows_orm,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _seen(rows, total, viewer):
    def one(comment):
        return (comment.pk, comment.parent_id, comment.body, comment.created_at, comment.hidden_at,
                comment.author_id, display_name_for(comment.author, viewer), display_name_for(comment.author, None))

    return total, [(one(comment), [one(reply) for reply in comment.shown_replies]) for comment in rows]


def _discussion(proposal, people, rng, *, threads: int) -> None:
    """``threads`` top-level comments, some at the same instant, each with 0 to 6 replies (some at the
    same instant too), some hidden, some whose author erased her account."""
    start = timezone.now() - timedelta(days=30)
    common = {"territory": proposal.space.territory, "space": proposal.space, "target_kind": "proposal",
              "target_id": proposal.pk}
    for number in range(threads):
        top = Comment.objects.create(**common, author=rng.choice(people), body=f"Fil {number}")
        when = start + timedelta(hours=rng.choice([number, number, 0]))  # ties of created_at
        hidden = {"hidden_at": when, "hidden_reason": "hors sujet"} if rng.random() < 0.2 else {}
        Comment.objects.filter(pk=top.pk).update(created_at=when, **hidden)
        for answer in range(rng.randint(0, 6)):
            reply = Comment.objects.create(**common, parent=top, author=rng.choice(people), body=f"Réponse {answer}")
            Comment.objects.filter(pk=reply.pk).update(created_at=when + timedelta(minutes=rng.choice([answer, 1])))


@pytest.mark.parametrize("seed", range(6))
def test_the_written_statement_gives_the_rows_of_the_orm_form(world, seed):
    from tests.knowledge.conftest import make_target

    rng = random.Random(seed)
    people = [UserFactory(display_name=rng.choice(["", f"Personne {n}"]), shown_publicly=rng.random() < 0.5)
              for n in range(5)]
    proposal, other = make_target("proposal", world.assembly), make_target("proposal", world.assembly)
    entry = target("proposal")
    assert _seen(*inline_rows(entry, proposal), world.delegate) == _seen(*inline_rows_orm(entry, proposal),
                                                                         world.delegate)
    _discussion(proposal, people, rng, threads=rng.choice([1, INLINE_THREADS, INLINE_THREADS + 4]))
    _discussion(other, people, rng, threads=3)  # another object's discussion stays out
    people[0].delete()  # an erased account: its comments stay, without an author
    for viewer in (world.delegate, None):
        written, orm = _seen(*inline_rows(entry, proposal), viewer), _seen(*inline_rows_orm(entry, proposal), viewer)
        assert written == orm
    total, rows = written
    assert total == Comment.objects.filter(target_kind="proposal", target_id=proposal.pk).count()
    assert len(rows) == min(INLINE_THREADS, Comment.objects.filter(target_kind="proposal", target_id=proposal.pk,
                                                                   parent=None).count())
    assert all(len(replies) <= INLINE_REPLIES for _comment, replies in rows)
