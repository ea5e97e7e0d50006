"""The plan reads like a plan (a numbered, collapsible outline by default; the editing controls in
an edit mode, only for those who may), and a decision leads to the plan (« Ajuster le plan »,
the decision chosen in advance); an activity's new status on an adopted plan is a revision."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from concertation.core.errors import DomainError
from concertation.decisions.models import Proposal
from concertation.planning import services
from concertation.planning.adjust import adjust_url
from concertation.planning.models import Activity, Indicator, Plan, Revision
from concertation.planning.selectors import plan_tree, plans_a_decision_may_adjust
from tests.planning.test_structure import RESERVED, big_plan, build, decided, refresh, url

EDIT = "?mode=edition"


@pytest.fixture
def adopted(world):
    p = build(world, adopt=True)
    p.indicator = Indicator.objects.create(plan=p.plan, activity=p.a1, name="Ménages accompagnés", unit="ménages",
                                           target_value=300, target_date=date(2028, 12, 31), position=1)
    return p


def page(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def edit_links(world, p) -> list[str]:
    """Addresses that only the editing controls hold."""
    links = [url(world, name, p.plan, kind=kind, item=item.pk)
             for name in ("item_edit", "item_move", "item_remove")
             for kind, item in (("priority", p.p1), ("objective", p.o11), ("strategy", p.s111), ("activity", p.a1))]
    links += [url(world, "item_add", p.plan, kind="priority"), url(world, "plan_edit", p.plan),
              url(world, "plan_archive", p.plan), url(world, "indicator_add", p.plan)]
    return links


def reserve_activities(world):
    charter = world.assembly.charters.get(in_force=True)
    charter.reserved_plan_changes = [*charter.reserved_plan_changes, "activity"]
    charter.save()


def proposal_url(proposal) -> str:
    return reverse("decisions:proposal", kwargs={"territory": proposal.space.territory.slug,
                                                 "space": proposal.space.slug, "pk": proposal.pk})


# The reading view ---------------------------------------------------------------------------------

def test_the_plan_reads_as_a_numbered_outline_without_editing_controls_even_for_a_coordinator(adopted, world,
                                                                                             client_for):
    content = page(client_for(world.coordinator), url(world, "plan", adopted.plan))
    assert content.count("<details") >= 7  # 2 priorities, 2 objectives, 2 strategies, 3 actions
    for link in edit_links(world, adopted):
        assert link not in content, link
    # The way into the edit mode, for whoever may edit.
    assert escape(url(world, "plan", adopted.plan) + EDIT) in content and "Modifier le plan" in content
    # Each action's line: its number, lead, status and indicators; its particulars behind it.
    line = re.search(rf'<li id="activity-{adopted.a1.pk}">.*?</summary>', content, re.S).group(0)
    assert '<span class="plan-number">1.1.1.1</span>' in line and "Clinique locataires" in line
    assert "Comité logement Pointe" in line and "Prévue" in line and "1 indicateur" in line
    assert "Ménages accompagnés" in content and "300" in content
    # The history stays at hand for everyone.
    assert url(world, "item_history", adopted.plan, kind="activity", item=adopted.a1.pk) in content


def test_the_numbers_of_the_reading_view_are_those_of_the_plan(adopted, world, client_for):
    services.activity_move(activity=adopted.a2, direction="up", reason="Priorité au porte-à-porte",
                           by=world.coordinator)
    content = page(client_for(world.delegate), url(world, "plan", adopted.plan))
    headings = {"priority": "Priorité", "objective": "Objectif", "strategy": "Stratégie"}
    tree = plan_tree(adopted.plan)
    for node in tree.nodes():
        if node.kind == "activity":
            expected = f'<li id="activity-{node.id}">'
            line = content[content.index(expected):].split("</summary>")[0]
            assert f'<span class="plan-number">{node.number}</span> <strong>{escape(node.title)}</strong>' in line
        else:
            assert escape(f"{headings[node.kind]} {node.number} · {node.title}") in content, node.number
    numbers = {node.title: node.number for node in tree.nodes()}
    assert numbers["Porte-à-porte"] == "1.1.1.1" and numbers["Clinique locataires"] == "1.1.1.2"
    assert numbers["Participation citoyenne"] == "T1" and numbers["Assemblées accessibles"] == "T1.1"


def test_the_edit_mode_shows_the_controls_only_to_those_who_may_edit(adopted, world, client_for):
    content = page(client_for(world.coordinator), url(world, "plan", adopted.plan) + EDIT)
    for link in edit_links(world, adopted):
        assert link in content, link
    assert "Terminer les modifications" in content
    for who in ("delegate", "citizen", "observer", "anonymous"):
        for query in ("", EDIT):
            content = page(client_for(world.users[who]), url(world, "plan", adopted.plan) + query)
            for link in edit_links(world, adopted):
                assert link not in content, (who, query, link)
            assert "Modifier le plan" not in content, who
            assert "Clinique locataires" in content


def test_a_change_returns_to_the_edit_mode(adopted, world, client_for):
    client = client_for(world.coordinator)
    response = client.post(url(world, "item_edit", adopted.plan, kind="objective", item=adopted.o12.pk),
                           {"title": "Plus de logements sociaux et abordables", "description": "",
                            "reason": "Précision", "decision": adopted.decision.pk})
    assert response.status_code == 302
    assert response["Location"] == url(world, "plan", adopted.plan) + EDIT + f"#objective-{adopted.o12.pk}"


# From a decision to the plan ----------------------------------------------------------------------

def test_ajuster_le_plan_opens_the_edit_mode_with_the_decision_chosen_in_advance(adopted, world, client_for):
    decision = decided(world.assembly, "Réorienter la clinique locataires")
    client = client_for(world.coordinator)
    content = page(client, proposal_url(decision))
    link = adjust_url(adopted.plan, decision)
    assert "Ajuster le plan" in content and escape(link) in content
    assert link == url(world, "plan", adopted.plan) + f"?mode=edition&decision={decision.pk}"
    plan_page = page(client, link)
    assert "Réorienter la clinique locataires" in plan_page  # the banner names it
    edit = url(world, "item_edit", adopted.plan, kind="activity", item=adopted.a1.pk) + f"?decision={decision.pk}"
    assert edit in plan_page
    form = page(client, edit)
    assert re.search(f'<option value="{decision.pk}" selected>', form), "the decision is preselected"
    assert not re.search(f'<option value="{adopted.decision.pk}" selected>', form)
    # The change goes through with it, and the page returns to the same adjustment.
    response = client.post(edit, {"title": "Clinique locataires", "description": "", "lead": adopted.clsc.pk,
                                  "co_leads": [adopted.cfh.pk], "budget_amount": "12000,00", "funder": "Centraide",
                                  "starts_on": "", "ends_on": "", "working_group": "", "status": "planned",
                                  "reason": "Le CLSC reprend", "decision": decision.pk})
    assert response.status_code == 302
    assert response["Location"].startswith(link)
    assert Revision.objects.get().decision == decision


def test_ajuster_le_plan_only_where_the_decision_may_authorise_and_the_person_may_edit(adopted, world, client_for):
    decision = decided(world.assembly, "Réorienter la clinique locataires")
    assert plans_a_decision_may_adjust(decision, world.coordinator) == [adopted.plan]
    # Not for those who may not change the plan.
    for who in ("delegate", "citizen", "anonymous"):
        assert "Ajuster le plan" not in page(client_for(world.users[who]), proposal_url(decision)), who
        assert plans_a_decision_may_adjust(decision, world.users[who]) == []
    # Not for a decision that did not carry, nor for a proposal still open.
    rejected = decided(world.assembly, "Rejetée", adopted=False)
    open_one = Proposal.objects.create(space=world.assembly, title="Ouverte", method="consensus",
                                       status=Proposal.Status.OPEN)
    client = client_for(world.coordinator)
    for proposal in (rejected, open_one):
        assert "Ajuster le plan" not in page(client, proposal_url(proposal)), proposal.title
    # A decision of a committee does not authorise changing the assembly's plan (the space above it)…
    below = decided(world.committee, "Décision du comité")
    assert plans_a_decision_may_adjust(below, world.coordinator) == []
    assert "Ajuster le plan" not in page(client, proposal_url(below))
    # … while the assembly's decision reaches a committee's plan too: each plan is then named.
    committee_plan = services.plan_create(space=world.committee, title="Plan du comité",
                                          starts_on=date(2025, 1, 1), ends_on=date(2026, 1, 1))
    services.priority_add(plan=committee_plan, title="Se coordonner")
    services.plan_adopt(plan=committee_plan, decision=decision)
    assert {p.pk for p in plans_a_decision_may_adjust(decision, world.coordinator)} == {
        adopted.plan.pk, committee_plan.pk}
    content = page(client, proposal_url(decision))
    assert "Ajuster le plan «\u00a0Plan du comité\u00a0»" in content
    # Neither a draft nor an archived plan asks for a decision.
    services.plan_archive(plan=committee_plan)
    assert plans_a_decision_may_adjust(decision, world.coordinator) == [adopted.plan]
    # The same rule as the services: whatever the link offers, the change accepts.
    services.activity_edit(activity=adopted.a1, title="Clinique", reason="r", decision=decision)
    with pytest.raises(DomainError):
        services.activity_edit(activity=adopted.a1, title="Clinique 2", reason="r", decision=below)


def test_a_decision_in_the_url_that_may_not_authorise_is_ignored(adopted, world, client_for):
    below = decided(world.committee, "Décision du comité")
    client = client_for(world.coordinator)
    for raw in (str(below.pk), "999999", "abc"):
        content = page(client, url(world, "plan", adopted.plan) + f"{EDIT}&decision={raw}")
        assert "Vous ajustez le plan" not in content, raw
        form = page(client, url(world, "item_edit", adopted.plan, kind="activity", item=adopted.a1.pk)
                    + f"?decision={raw}")
        choices = form.split('name="decision"')[1].split("</select>")[0]
        assert not re.search(r'<option value="\d+" selected>', choices), raw


def test_decisions_do_not_import_planning():
    """Decisions sits below planning: the link reaches its page through decisions.links."""
    root = Path(__file__).resolve().parents[2] / "src" / "concertation" / "decisions"
    for path in root.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "concertation.planning" not in source and "..planning" not in source, path


# A status change is a revision ----------------------------------------------------------------------

def test_a_status_change_on_an_adopted_plan_is_a_revision_citing_its_decision(adopted, world):
    reserve_activities(world)
    # Refused without a decision when the charter reserves changes of actions: nothing changes.
    with pytest.raises(DomainError) as refused:
        services.activity_status_set(activity=adopted.a1, status=Activity.Status.ON_HOLD, by=world.coordinator,
                                     reason="Le local est fermé")
    assert str(refused.value.message) == RESERVED and refused.value.field == "decision"
    # Refused without a reason, whatever the charter.
    with pytest.raises(DomainError) as refused:
        services.activity_status_set(activity=adopted.a1, status=Activity.Status.ON_HOLD, by=world.coordinator,
                                     decision=adopted.decision)
    assert "Expliquez la raison du changement" in str(refused.value.message)
    assert refresh(adopted.a1).status == Activity.Status.PLANNED and not Revision.objects.exists()
    pause = decided(world.assembly, "Mettre la clinique en pause")
    services.activity_status_set(activity=adopted.a1, status=Activity.Status.ON_HOLD, by=world.coordinator,
                                 reason="Le local est fermé", decision=pause)
    assert refresh(adopted.a1).status == Activity.Status.ON_HOLD
    revision = Revision.objects.get()
    assert (revision.item_type, revision.item_id, revision.action) == ("activity", adopted.a1.pk, "edit")
    assert revision.diff == {"status": ["planned", "on_hold"]}
    assert (revision.decision, revision.reason, revision.author) == (pause, "Le local est fermé", world.coordinator)
    # A draft plan changes its statuses freely.
    draft = services.plan_create(space=world.assembly, title="Brouillon", starts_on=date(2031, 1, 1),
                                 ends_on=date(2035, 1, 1))
    strategy = services.strategy_add(plan=draft, title="Transversale")
    activity = services.activity_add(strategy=strategy, title="Essai")
    services.activity_status_set(activity=activity, status=Activity.Status.IN_PROGRESS)
    assert refresh(activity).status == Activity.Status.IN_PROGRESS and Revision.objects.count() == 1


def test_a_status_change_shows_in_the_revisions_list(adopted, world, client_for):
    services.activity_status_set(activity=adopted.a1, status=Activity.Status.DONE, by=world.coordinator,
                                 reason="Cinq cliniques tenues", decision=adopted.decision)
    content = page(client_for(world.delegate), url(world, "revisions", adopted.plan))
    assert "Action modifiée" in content and "Statut" in content and "Réalisée" in content and "Prévue" in content
    assert "Cinq cliniques tenues" in content and proposal_url(adopted.decision) in content


def test_the_status_through_the_pages_needs_the_decision_the_charter_reserves(adopted, world, client_for):
    reserve_activities(world)
    client = client_for(world.coordinator)
    progress = url(world, "progress_add", adopted.plan, item=adopted.a1.pk)
    news = {"date": "2025-11-01", "text": "Le local ferme pour travaux", "percent": "", "status": "on_hold"}
    response = client.post(progress, news)
    assert response.status_code == 200 and escape(RESERVED) in response.content.decode()
    assert refresh(adopted.a1).status == Activity.Status.PLANNED
    assert not adopted.a1.updates.exists() and not Revision.objects.exists()  # the news wait with it
    response = client.post(progress, {**news, "decision": adopted.decision.pk})
    assert response.status_code == 302
    assert refresh(adopted.a1).status == Activity.Status.ON_HOLD and adopted.a1.updates.count() == 1
    revision = Revision.objects.get()
    assert revision.decision == adopted.decision and revision.reason == "Le local ferme pour travaux"
    # The edit form of an action changes the status the same way.
    edit = url(world, "item_edit", adopted.plan, kind="activity", item=adopted.a1.pk)
    form = {"title": "Clinique locataires", "description": "", "lead": adopted.housing.pk,
            "co_leads": [adopted.cfh.pk], "budget_amount": "12000,00", "funder": "Centraide", "starts_on": "",
            "ends_on": "", "working_group": "", "status": "in_progress", "reason": "Le local rouvre"}
    response = client.post(edit, form)
    assert response.status_code == 200 and escape(RESERVED) in response.content.decode()
    assert refresh(adopted.a1).status == Activity.Status.ON_HOLD
    assert client.post(edit, {**form, "decision": adopted.decision.pk}).status_code == 302
    assert refresh(adopted.a1).status == Activity.Status.IN_PROGRESS and Revision.objects.count() == 2


# Query budgets --------------------------------------------------------------------------------------

def with_indicators(plan: Plan) -> Plan:
    for n, activity in enumerate(Activity.objects.filter(strategy__plan=plan)):
        Indicator.objects.create(plan=plan, activity=activity, name=f"Indicateur {n}", target_value=10,
                                 target_date=date(2029, 1, 1))
    return plan


def test_the_reading_view_and_the_edit_mode_read_as_many_queries_small_or_large(world, client_for,
                                                                               django_assert_max_num_queries):
    small, large = with_indicators(big_plan(world, 3)), with_indicators(big_plan(world, 30))
    decision = decided(world.assembly, "Ajustement")
    for who, query in (("coordinator", ""), ("coordinator", EDIT), ("coordinator", f"{EDIT}&decision={decision.pk}"),
                       ("delegate", ""), ("delegate", EDIT)):
        client = client_for(getattr(world, who))
        counts = []
        for plan in (small, large):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url(world, "plan", plan) + query).status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1], (who, query, counts)
        with django_assert_max_num_queries(15):
            client.get(url(world, "plan", large) + query)


def test_the_decision_page_asks_for_its_plans_in_a_bounded_number_of_queries(adopted, world, client_for,
                                                                            django_assert_max_num_queries):
    decision = decided(world.assembly, "Ajustement")
    client = client_for(world.coordinator)
    with CaptureQueriesContext(connection) as queries:
        page(client, proposal_url(decision))
    few = len(queries)
    for n in range(5):
        plan = services.plan_create(space=world.group, title=f"Plan {n}", starts_on=date(2025, 1, 1),
                                    ends_on=date(2026, 1, 1))
        services.priority_add(plan=plan, title="Une priorité")
        services.plan_adopt(plan=plan, decision=decision)
    with CaptureQueriesContext(connection) as queries:
        content = page(client, proposal_url(decision))
    assert content.count("Ajuster le plan") == 6
    assert len(queries) == few
    with django_assert_max_num_queries(15):
        client.get(proposal_url(decision))


def _reading_strategy():
    """A strategy of the reading view with what each of its lines may show: escaped text, line
    breaks of three kinds, co-leads, a period open at one end, cents, indicators with and without a
    target, a draft practice sheet, news to give; and an activity with nothing but its title."""
    from concertation.planning.tree import Node

    households = Node(kind="indicator", id=7, data={"name": "Ménages <suivis>", "unit": "ménages & co",
                                                    "target_value": "300", "target_date": "2028-12-31"})
    untargeted = Node(kind="indicator", id=8, data={"name": "Sans cible"})
    full = Node(kind="activity", id=41, number="1.1.1.1", data={
        "title": "Clinique « A & B »", "description": "Ligne 1\r\nLigne <2>\rFin", "lead": "Comité <logement>",
        "co_leads": ["Carrefour & fils", "CLSC"], "partners": ["Ville"], "starts_on": "2025-03-01", "ends_on": None,
        "budget_amount": "12000.50", "funder": "Centraide & cie", "working_group": "Habiter"},
        status="in_progress", status_label="En cours", percent=30, indicators=[households, untargeted],
        can_report=True, urls={"history": "/h/41/?x=1&y=2", "progress": "/p/41/"})
    full.sheets = [{"title": "Fiche <1>", "url": "/f/1/", "draft": True},
                   {"title": "Fiche 2", "url": "/f/2/", "draft": False}]
    full.write_sheet_url = "/f/nouvelle/?action=41"
    bare = Node(kind="activity", id=42, number="1.1.1.2", data={"title": "Seule"}, urls={"history": "/h/42/"})
    return Node(kind="strategy", id=5, number="1.1.1", data={"title": "Informer <tous>", "description": "Deux\nlignes"},
                children=[full, bare])


def test_the_reading_view_rows_written_in_python_keep_the_templates_markup():
    """planning/reading_rows.py writes each strategy of the reading view and its activities as the
    templates _strategy_reading.html, _indicator_list.html, _indicator_count.html and
    _activity_sheets.html did (before the whole outline was written there) (reading_strategy.fr.html: their output for this strategy, byte for
    byte), every text people wrote escaped."""
    from django.utils import translation

    from concertation.planning import reading_rows

    expected = (Path(__file__).parent / "reading_strategy.fr.html").read_text(encoding="utf-8")
    with translation.override("fr-ca"):
        labels = reading_rows.Labels("pointe")
        assert labels.discussion_url(41) == reverse(
            "discussions:thread", kwargs={"territory": "pointe", "kind": "activity", "object_id": 41})
        assert reading_rows.strategy_reading(_reading_strategy(), "h4", labels, as_of=False) == expected
        # As it was on a date: no discussion; a strategy without activities says so.
        past = reading_rows.strategy_reading(_reading_strategy(), "h3", labels, as_of=True)
        assert "/discussions/" not in past and '<h3 id="strategy-5-title">' in past
        empty = reading_rows.strategy_reading(
            type(_reading_strategy())(kind="strategy", id=6, number="T1", data={"title": "Vide"}), "h3", labels,
            as_of=False)
        assert '<p class="muted">Aucune action pour cette stratégie.</p>' in empty
    with translation.override("en"):
        english = reading_rows.strategy_reading(_reading_strategy(), "h4", reading_rows.Labels("pointe"), as_of=False)
        assert "Draft" in english and "$12,000.50" in english and "2 indicators" in english


def test_snapshots_read_as_values_agree_with_snapshots_of_instances(world):
    """revisions.snapshot_rows (the plan page's tree, read as values) gives each item the dict
    revisions.snapshot gives its instance: every kind, with and without a lead, a working group,
    co-leads, partners, cents, dates and a responsible organization."""
    from concertation.planning.models import Objective, Priority, Strategy
    from concertation.planning.revisions import snapshot, snapshot_rows
    from concertation.planning.tree import _related_organizations
    from tests.factories import OrganizationFactory

    p = build(world)
    partner = OrganizationFactory(territory=world.territory, name="Ville « Hérons » & co")
    other = OrganizationFactory(territory=world.territory, name="Caisse")
    services.activity_add(strategy=p.s111, title="Tout", description="Deux\nlignes", lead=p.clsc,
                          co_leads=[p.cfh, p.housing], partners=[partner, other], budget_amount="1234.5",
                          funder="Centraide", starts_on=date(2025, 3, 1), ends_on=date(2026, 6, 30),
                          working_group=world.committee)
    services.activity_add(strategy=p.t1, title="Rien")
    Indicator.objects.create(plan=p.plan, activity=p.a1, name="Ménages", unit="ménages", target_value="300.5",
                             target_date=date(2028, 12, 31), baseline_value=12, responsible=p.housing, position=1)
    Indicator.objects.create(plan=p.plan, objective=p.o11, name="Sans rien", target_value=5,
                             target_date=date(2027, 1, 1), position=2)
    related = _related_organizations(p.plan)
    names = {relation: {pk: [name for _id, name in pairs] for pk, pairs in by.items()}
             for relation, by in related.items()}
    querysets = [Priority.objects.filter(plan=p.plan), Objective.objects.filter(priority__plan=p.plan),
                 Strategy.objects.filter(plan=p.plan), Activity.objects.filter(strategy__plan=p.plan),
                 Indicator.objects.filter(plan=p.plan)]
    for queryset in querysets:
        by_values = {pk: data for pk, data, _extra in snapshot_rows(queryset, names=names)}
        by_instances = {item.pk: snapshot(item) for item in queryset}
        assert len(by_values) >= 2
        assert by_values == by_instances
        assert [list(data) for data in by_values.values()] == [list(by_instances[pk]) for pk in by_values]


def test_the_whole_reading_view_written_in_python_keeps_the_templates_markup():
    """planning/reading_rows.plan_reading writes the outline as _plan_reading.html did
    (reading_plan.fr.html: its output for this tree, byte for byte): a priority without objectives,
    an objective without strategies, one with indicators and cited figures, a cross-cutting
    strategy; and an empty plan says so."""
    from types import SimpleNamespace

    from django.utils import translation

    from concertation.planning import reading_rows
    from concertation.planning.tree import Node, PlanTree

    def activity(pk):
        return Node(kind="activity", id=pk, number=f"1.1.1.{pk}", data={"title": f"A{pk}"},
                    urls={"history": f"/h/{pk}/"})

    indicator = Node(kind="indicator", id=7, data={"name": "I <x>", "unit": "u", "target_value": "3",
                                                   "target_date": "2028-01-01"})
    cited = Node(kind="objective", id=11, number="1.1", data={"title": "O <1>", "description": "a\nb"},
                 indicators=[indicator], children=[Node(kind="strategy", id=5, number="1.1.1", data={"title": "S"},
                                                        children=[activity(1), activity(2)])])
    cited.cited_figures = [{"text": "Ménages & co : 72 %", "source": "StatCan"}, {"text": "Sans source", "source": ""}]
    bare = Node(kind="objective", id=12, number="1.2", data={"title": "O2"})
    bare.cited_figures = []
    priorities = [Node(kind="priority", id=1, number="1", data={"title": "P <1>", "description": "d\r\ne"},
                       children=[cited, bare]),
                  Node(kind="priority", id=2, number="2", data={"title": "P2"})]
    cross_cutting = [Node(kind="strategy", id=9, number="T1", data={"title": "T"}, children=[activity(3)])]
    territory = SimpleNamespace(slug="pointe")
    expected = (Path(__file__).parent / "reading_plan.fr.html").read_text(encoding="utf-8")
    with translation.override("fr-ca"):
        tree = PlanTree(plan=None, data={}, priorities=priorities, cross_cutting=cross_cutting)
        assert reading_rows.plan_reading(tree, reading_rows.Labels("pointe"), territory=territory) == expected
        empty = reading_rows.plan_reading(PlanTree(plan=None, data={}, priorities=[], cross_cutting=[]),
                                          reading_rows.Labels("pointe"), territory=territory)
        assert "Ce plan n'a pas encore de priorités." in empty and "cross-cutting" not in empty
