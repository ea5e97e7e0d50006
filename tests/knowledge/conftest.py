"""Discussable objects for the discussions' tests: a proposal, a meeting and an activity in each of
the world's spaces (the public assembly, the members-only committee, the working group)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse

from concertation.knowledge.discussions_registry import target
from concertation.knowledge.services.discussions import comment_post
from tests.factories import (
    ActivityFactory,
    MeetingFactory,
    PlanFactory,
    PriorityFactory,
    ProposalFactory,
)

KINDS = ("proposal", "meeting", "activity")


def make_target(kind: str, space):
    if kind == "proposal":
        return ProposalFactory(space=space, opened=True, title=f"Proposition de {space.slug}")
    if kind == "meeting":
        return MeetingFactory(space=space, status="convened", title=f"Rencontre de {space.slug}")
    plan = PlanFactory(space=space, adopted=True)
    from tests.factories import ObjectiveFactory, StrategyFactory

    strategy = StrategyFactory(objective=ObjectiveFactory(priority=PriorityFactory(plan=plan)))
    return ActivityFactory(strategy=strategy, title=f"Action de {space.slug}")


def thread_url(obj, kind: str | None = None) -> str:
    entry = target(kind) if kind else None
    entry = entry or target(next(k for k in KINDS if isinstance(obj, target(k).model)))
    return reverse("discussions:thread", kwargs={"territory": entry.space_of(obj).territory.slug,
                                                 "kind": entry.kind, "object_id": obj.pk})


def comment_url(name: str, comment) -> str:
    return reverse(f"discussions:{name}", kwargs={"territory": comment.territory.slug, "pk": comment.pk})


def post(obj, author, body: str, parent=None, kind: str | None = None):
    entry = target(kind) if kind else target(next(k for k in KINDS if isinstance(obj, target(k).model)))
    return comment_post(entry=entry, obj=obj, author=author, body=body, parent=parent)


@pytest.fixture
def targets(world):
    """targets.<kind>[<space>]: one object of each kind in the committee, the assembly and the group."""
    found = SimpleNamespace()
    for kind in KINDS:
        setattr(found, kind, {name: make_target(kind, getattr(world, name))
                              for name in ("committee", "assembly", "group")})
    return found
