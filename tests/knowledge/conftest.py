"""Fixtures of the practice sheets' tests: sheets in each state, written through the services."""

from __future__ import annotations

import pytest

from concertation.knowledge.models import PracticeSheet
from concertation.knowledge.services import practices as services


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
