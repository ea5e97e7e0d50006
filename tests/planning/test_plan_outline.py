"""A large plan's page is an outline (planning/plan_outline.py): past OUTLINE_THRESHOLD activities it
shows the priorities, objectives and strategies, each strategy with its activities counted by status,
and the activities of the one strategy the reader opens (?strategie=<id>), in the reading view, the
edit mode and the plan as it was on a date. The threshold is lowered here on small plans."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from concertation.planning import plan_outline, services
from tests.planning.test_structure import big_plan, build, url

EDIT = "?mode=edition"
NOTICE = 'id="plan-outline-notice"'


@pytest.fixture
def adopted(world):
    return build(world, adopt=True)  # 3 activities: 2 in strategy 1.1.1, 1 in the cross-cutting T1


@pytest.fixture
def outline_past_two(monkeypatch):
    monkeypatch.setattr(plan_outline, "OUTLINE_THRESHOLD", 2)


def page(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def activities_shown(content: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'<(?:li|tr) id="activity-(\d+)"', content)}


def yesterday() -> str:
    return (timezone.localdate() - timedelta(days=1)).isoformat()


def test_under_the_threshold_the_page_shows_the_whole_plan(adopted, world, client_for, monkeypatch):
    monkeypatch.setattr(plan_outline, "OUTLINE_THRESHOLD", 3)
    client = client_for(world.coordinator)
    for query in ("", EDIT, f"?au={yesterday()}"):
        content = page(client, url(world, "plan", adopted.plan) + query)
        assert NOTICE not in content and "?strategie=" not in content, query
        assert activities_shown(content) == {adopted.a1.pk, adopted.a2.pk, adopted.ta.pk}, query


def test_past_the_threshold_the_page_is_an_outline_of_the_strategies(adopted, world, client_for, outline_past_two):
    services.progress_add(activity=adopted.a2, date=timezone.localdate(), text="Démarrée", percent=None,
                          status="in_progress", by=world.coordinator)
    plan_path = url(world, "plan", adopted.plan)
    content = page(client_for(world.delegate), plan_path)
    assert NOTICE in content and "Ce plan compte 3 actions." in content
    assert activities_shown(content) == set()
    # Each strategy: its title as a heading, its activities counted by status, the link that opens it.
    line = re.search(rf'<li id="strategy-{adopted.s111.pk}" class="plan-outline-line">.*?</li>', content, re.S)
    assert line, content
    line = line.group(0)
    assert f'<h4 id="strategy-{adopted.s111.pk}-title">Stratégie 1.1.1 · Informer les locataires</h4>' in line
    assert "2 actions · Prévue\u00a0: 1 · En cours\u00a0: 1" in line
    assert f'href="{plan_path}?strategie={adopted.s111.pk}#strategy-{adopted.s111.pk}">Voir les 2 actions' in line
    cross = re.search(rf'<li id="strategy-{adopted.t1.pk}" class="plan-outline-line">.*?</li>', content, re.S)
    assert "<h3" in cross.group(0) and escape("Voir l'action") in cross.group(0)
    # Headings stay in order: priorities h2, objectives h3, strategies h4.
    levels = [int(n) for n in re.findall(r"<h(\d)", content[content.index("<h1"):])]
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels


def test_opening_a_strategy_shows_exactly_its_activities(adopted, world, client_for, outline_past_two):
    plan_path = url(world, "plan", adopted.plan)
    client = client_for(world.delegate)
    content = page(client, f"{plan_path}?strategie={adopted.s111.pk}")
    assert NOTICE in content
    assert activities_shown(content) == {adopted.a1.pk, adopted.a2.pk}
    assert "Clinique locataires" in content and "Comité logement Pointe" in content  # the same reading rows
    assert f'href="{plan_path}#strategy-{adopted.s111.pk}">Refermer la stratégie' in content
    # The other strategy stays closed, and opens alone.
    assert f"?strategie={adopted.t1.pk}#strategy-{adopted.t1.pk}" in content
    assert activities_shown(page(client, f"{plan_path}?strategie={adopted.t1.pk}")) == {adopted.ta.pk}


def test_a_strategy_that_is_not_in_the_plan_is_not_found(adopted, world, client_for, outline_past_two):
    other = big_plan(world, 1)
    foreign = other.strategies.first()
    client = client_for(world.coordinator)
    plan_path = url(world, "plan", adopted.plan)
    for raw in (foreign.pk, 999999, "abc", "-1"):
        for query in ("", "&mode=edition", f"&au={yesterday()}"):
            assert client.get(f"{plan_path}?strategie={raw}{query}").status_code == 404, (raw, query)
    # Under the threshold too: the parameter never names another plan's strategy.
    assert client.get(f"{url(world, 'plan', other)}?strategie={adopted.s111.pk}").status_code == 404
    assert client.get(f"{url(world, 'plan', other)}?strategie={foreign.pk}").status_code == 200


def test_the_outline_keeps_the_page_parameters_in_its_links(adopted, world, client_for, outline_past_two):
    client = client_for(world.coordinator)
    plan_path = url(world, "plan", adopted.plan)
    s = adopted.s111.pk
    day = yesterday()
    content = page(client, f"{plan_path}?au={day}")
    assert escape(f"{plan_path}?au={day}&strategie={s}#strategy-{s}") in content
    content = page(client, f"{plan_path}?au={day}&strategie={s}")
    assert activities_shown(content) == {adopted.a1.pk, adopted.a2.pk}
    assert escape(f"{plan_path}?au={day}#strategy-{s}") in content  # closing keeps the date
    decision = adopted.decision.pk
    content = page(client, f"{plan_path}?mode=edition&decision={decision}")
    assert escape(f"{plan_path}?mode=edition&decision={decision}&strategie={s}#strategy-{s}") in content


def test_the_edit_mode_is_an_outline_too(adopted, world, client_for, outline_past_two):
    client = client_for(world.coordinator)
    plan_path = url(world, "plan", adopted.plan)
    content = page(client, plan_path + EDIT)
    assert NOTICE in content and activities_shown(content) == set()
    # A closed strategy keeps its tools, its summary, the link that opens it and the way to add an action.
    assert url(world, "item_edit", adopted.plan, kind="strategy", item=adopted.s111.pk) in content
    assert "2 actions · Prévue\u00a0: 2" in content
    assert escape(f"{plan_path}?mode=edition&strategie={adopted.s111.pk}#strategy-{adopted.s111.pk}") in content
    assert "Ajouter une action à la stratégie 1.1.1" in content
    content = page(client, f"{plan_path}?mode=edition&strategie={adopted.s111.pk}")
    assert activities_shown(content) == {adopted.a1.pk, adopted.a2.pk}
    assert url(world, "item_edit", adopted.plan, kind="activity", item=adopted.a1.pk) in content
    assert url(world, "item_edit", adopted.plan, kind="activity", item=adopted.ta.pk) not in content
    assert escape(f"{plan_path}?mode=edition#strategy-{adopted.s111.pk}") in content  # « Refermer la stratégie »


def test_a_change_to_an_activity_returns_to_its_strategy_opened(adopted, world, client_for, outline_past_two):
    client = client_for(world.coordinator)
    response = client.post(url(world, "item_edit", adopted.plan, kind="activity", item=adopted.a1.pk),
                           {"title": "Clinique des locataires", "lead": adopted.housing.pk, "status": "planned",
                            "reason": "Précision", "decision": adopted.decision.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response.url == (url(world, "plan", adopted.plan)
                            + f"?mode=edition&strategie={adopted.s111.pk}#activity-{adopted.a1.pk}")
    assert "Clinique des locataires" in page(client, response.url)


def test_the_outline_reads_as_many_queries_small_or_large(world, client_for, monkeypatch,
                                                         django_assert_max_num_queries):
    monkeypatch.setattr(plan_outline, "OUTLINE_THRESHOLD", 4)
    small, large = big_plan(world, 3), big_plan(world, 30)  # 6 and 60 activities: both outlines
    client = client_for(world.coordinator)

    def queries(plan, query):
        strategy = plan.strategies.filter(objective__isnull=False).order_by("pk").first()
        with django_assert_max_num_queries(15), CaptureQueriesContext(connection) as captured:
            response = client.get(url(world, "plan", plan) + query.format(strategy=strategy.pk))
        assert response.status_code == 200
        return len(captured)

    for query in ("", "?strategie={strategy}", "?mode=edition", "?mode=edition&strategie={strategy}",
                  f"?au={yesterday()}", f"?au={yesterday()}&strategie={{strategy}}"):
        assert queries(small, query) == queries(large, query), query
    # An outline reads no more than the whole plan does.
    monkeypatch.setattr(plan_outline, "OUTLINE_THRESHOLD", 100)
    whole = queries(large, "")
    monkeypatch.setattr(plan_outline, "OUTLINE_THRESHOLD", 4)
    assert queries(large, "?strategie={strategy}") <= whole
    assert queries(large, "") < whole


@pytest.mark.parametrize("can_change", [True, False])
def test_the_item_tools_written_in_python_are_the_template_s(can_change):
    from django.template import Context, Template
    from django.template.loader import get_template

    from concertation.planning.edit_rows import item_tools
    from concertation.planning.tree import Node

    node = Node(kind="activity", id=7, data={"title": 'L\'« accueil » <b>&</b> "tous"'}, number="1.2.3.4")
    base = "/t/x/e/y/plan/1/activity/7/"
    node.urls = {"history": base + "historique/", "edit": base + "modifier/?decision=3",
                 "move_up": base + "deplacer/?direction=up&decision=3",
                 "move_down": base + "deplacer/?direction=down&decision=3", "remove": base + "retirer/?decision=3"}
    context = {"node": node, "can_change": can_change, "draft": False}
    expected = get_template("planning/_item_tools.html").render(context)
    assert item_tools(Context(context), node) == expected
    # Through the tag, as the edit mode's templates call it.
    tag = Template("{% load planning_edit %}{% item_tools node %}").render(Context(context))
    assert tag == expected
