"""A plan's objective or indicator cites the portrait's figures it answers; the plan and the indicator
pages show them with a link to the portrait."""

from __future__ import annotations

import pytest
from django.urls import reverse

from concertation.core.models import AuditEvent
from concertation.planning.models import Plan
from tests.factories import (
    IndicatorFactory,
    ObjectiveFactory,
    PlanFactory,
    PriorityFactory,
    TerritoryFactory,
)

from .portrait_helpers import figure, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    w = make_world()
    w.plan = PlanFactory(space=w.assembly, adopted=True)
    w.objective = ObjectiveFactory(priority=PriorityFactory(plan=w.plan), title="Réduire le décrochage")
    w.indicator = IndicatorFactory(plan=w.plan, objective=w.objective, name="Taux de décrochage")
    w.renters = figure(w.territory, label="Ménages locataires", value="72", unit="%", year=2021,
                       source="Statistique Canada")
    w.dropout = figure(w.territory, theme="Scolarité", label="Sorties sans diplôme", value="19", unit="%",
                       year=2021)
    return w


def kwargs(w, kind, item):
    return {"territory": w.territory.slug, "space": w.assembly.slug, "plan": w.plan.pk, "kind": kind, "item": item.pk}


def test_the_coordination_cites_figures_of_an_objective_without_a_decision(w, client):
    client.force_login(w.coordinator)
    url = reverse("planning:item_figures", kwargs=kwargs(w, "objective", w.objective))
    page = client.get(url).content.decode()
    assert "Sorties sans diplôme" in page and "Scolarité" in page  # grouped by theme
    response = client.post(url, {"figures": [w.dropout.pk, w.renters.pk]})
    assert response.status_code == 302
    assert set(w.objective.figures.all()) == {w.dropout, w.renters}
    assert AuditEvent.objects.filter(action="plan.figures_cited").count() == 1
    plan_page = client.get(reverse("planning:plan", kwargs={"territory": w.territory.slug, "space": w.assembly.slug,
                                                            "plan": w.plan.pk})).content.decode()
    assert "Sorties sans diplôme" in plan_page
    assert reverse("portrait:index", kwargs={"territory": w.territory.slug}) in plan_page


def test_an_indicator_cites_a_figure_and_its_page_shows_it(w, client):
    client.force_login(w.coordinator)
    url = reverse("planning:item_figures", kwargs=kwargs(w, "indicator", w.indicator))
    assert client.post(url, {"figures": [w.dropout.pk]}).status_code == 302
    client.force_login(w.member)
    page = client.get(reverse("planning:indicator", kwargs={
        "territory": w.territory.slug, "space": w.assembly.slug, "plan": w.plan.pk,
        "indicator": w.indicator.pk})).content.decode()
    assert "Sorties sans diplôme" in page and "19\u00a0%" in page
    assert reverse("portrait:index", kwargs={"territory": w.territory.slug}) in page


def test_a_figure_of_another_territory_cannot_be_cited(w, client):
    elsewhere = figure(TerritoryFactory(slug="ailleurs"), label="Chiffre d'ailleurs")
    client.force_login(w.coordinator)
    url = reverse("planning:item_figures", kwargs=kwargs(w, "objective", w.objective))
    response = client.post(url, {"figures": [elsewhere.pk]})
    assert response.status_code == 200
    assert not w.objective.figures.exists()


def test_a_member_cannot_cite_and_an_archived_plan_refuses(w, client):
    url = reverse("planning:item_figures", kwargs=kwargs(w, "objective", w.objective))
    client.force_login(w.member)
    assert client.post(url, {"figures": [w.dropout.pk]}).status_code == 404
    assert not w.objective.figures.exists()
    Plan.objects.filter(pk=w.plan.pk).update(status=Plan.Status.ARCHIVED)
    client.force_login(w.coordinator)
    assert client.post(url, {"figures": [w.dropout.pk]}).status_code == 404
    assert not w.objective.figures.exists()


def test_deleting_a_figure_removes_its_citation(w):
    w.objective.figures.add(w.renters)
    w.renters.delete()
    assert not w.objective.figures.exists()


def test_the_portrait_says_how_many_items_of_the_plan_a_reader_may_see_cite_a_figure(w, client):
    from concertation.spaces.models import Space
    from tests.factories import SpaceFactory

    w.objective.figures.add(w.dropout)
    w.indicator.figures.add(w.dropout)
    committee = SpaceFactory(territory=w.territory, slug="comite", visibility=Space.Visibility.MEMBERS)
    hidden_plan = PlanFactory(space=committee)
    ObjectiveFactory(priority=PriorityFactory(plan=hidden_plan), title="Objectif du comité").figures.add(w.dropout)
    portrait = reverse("portrait:index", kwargs={"territory": w.territory.slug})
    # A visitor sees the public assembly's plan only: two items; the coordinator sees all three.
    assert "Cité par 2 éléments du plan" in client.get(portrait).content.decode()
    client.force_login(w.coordinator)
    assert "Cité par 3 éléments du plan" in client.get(portrait).content.decode()
