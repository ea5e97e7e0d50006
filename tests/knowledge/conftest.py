"""Fixtures of the knowledge tests: practice sheets in each state, written through the services, and
discussable objects (a proposal, a meeting and an activity in each of the world's spaces)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse

from concertation.knowledge.discussions_registry import target
from concertation.knowledge.models import PracticeSheet
from concertation.knowledge.services import practices as services
from concertation.knowledge.services.discussions import comment_post
from tests.factories import (
    ActivityFactory,
    MeetingFactory,
    PlanFactory,
    PriorityFactory,
    ProposalFactory,
)


def make_sheet(territory, author, *, title="Clinique locataires", status="draft", audience="territory", space=None,
               tags="logement, droits des locataires", **fields):
    data = {"title": title, "context": "Un **contexte**.", "steps": "1. Accueillir\n2. Accompagner",
            "audience": audience, "space": space, **fields}
    sheet = services.sheet_create(territory=territory, by=author, data=data, tags=tags)
    if status == PracticeSheet.Status.PUBLISHED:
        services.sheet_publish(sheet=sheet, by=author)
    return sheet


@pytest.fixture
def sheets(world):
    """One sheet in each state, all written by the delegate (who sits in the assembly and the committee)."""
    return {
        "draft": make_sheet(world.territory, world.delegate, title="Brouillon secret", space=world.committee),
        "territory": make_sheet(world.territory, world.delegate, title="Fiche du territoire", status="published",
                                space=world.assembly),
        "public": make_sheet(world.territory, world.delegate, title="Fiche publique", status="published",
                             audience="public", tags="logement, porte-à-porte"),
    }


@pytest.fixture
def html_pdf(monkeypatch):
    """PDFs rendered as their HTML (WeasyPrint is slow): who gets the file and what it holds."""
    from django.template.loader import render_to_string

    from concertation.core import pdf

    def html(template, context, request=None):
        return render_to_string(template, context, request=request).encode()

    monkeypatch.setattr(pdf, "render_pdf", html)


@pytest.fixture
def activity(world):
    """An activity of the assembly's plan (public space) to link sheets to."""
    from datetime import date

    from concertation.planning import services as planning

    plan = planning.plan_create(space=world.assembly, title="Plan de quartier", starts_on=date(2025, 1, 1),
                                ends_on=date(2030, 12, 31))
    priority = planning.priority_add(plan=plan, title="Habiter dignement")
    objective = planning.objective_add(priority=priority, title="Prévenir les évictions")
    strategy = planning.strategy_add(plan=plan, objective=objective, title="Informer les locataires")
    return planning.activity_add(strategy=strategy, title="Clinique locataires hebdomadaire", lead=world.org)



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
