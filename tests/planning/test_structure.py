"""The plan's structure: numbering, reordering, revisions of an adopted plan (diffs, reasons,
decisions reserved by the charter), the plan "as it was on" a date, permissions and query budgets."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from concertation.core.errors import DomainError
from concertation.decisions.models import Proposal
from concertation.planning import services
from concertation.planning.models import Activity, Objective, Plan, Priority, Revision, Strategy
from concertation.planning.revisions import describe_diff, diff, history_of, plan_as_of, snapshot
from concertation.planning.selectors import plan_tree
from tests.factories import OrganizationFactory, ProposalFactory, SpaceFactory

RESERVED = "Ce changement est réservé à une décision\u00a0: choisissez la décision qui l'autorise."


def moment(year, month, day, hour=12):
    return timezone.make_aware(datetime(year, month, day, hour, 0))


def decided(space, title="Adoption du plan de quartier", when=None, adopted=True):
    return ProposalFactory(space=space, title=title, method="consensus", decided=True,
                           decided_at=when or moment(2025, 9, 18, 21), adopted=adopted)


class P:
    """A small plan: two priorities; priority 1 has two objectives, objective 1.1 a strategy with two
    activities; one cross-cutting strategy with one activity."""


def build(world, *, adopt=False) -> P:
    p = P()
    p.housing = OrganizationFactory(territory=world.territory, name="Comité logement Pointe")
    p.clsc = OrganizationFactory(territory=world.territory, name="CLSC des Hérons")
    p.cfh = OrganizationFactory(territory=world.territory, name="Carrefour familial")
    p.plan = services.plan_create(space=world.assembly, title="Plan de quartier 2025-2030",
                                  starts_on=date(2025, 1, 1), ends_on=date(2030, 12, 31), vision="Un quartier vivant.")
    p.p1 = services.priority_add(plan=p.plan, title="Habiter dignement")
    p.p2 = services.priority_add(plan=p.plan, title="Se nourrir ensemble")
    p.o11 = services.objective_add(priority=p.p1, title="Prévenir les évictions")
    p.o12 = services.objective_add(priority=p.p1, title="Plus de logements sociaux")
    p.s111 = services.strategy_add(plan=p.plan, objective=p.o11, title="Informer les locataires")
    p.a1 = services.activity_add(strategy=p.s111, title="Clinique locataires", lead=p.housing, co_leads=[p.cfh],
                                 budget_amount="12000", funder="Centraide")
    p.a2 = services.activity_add(strategy=p.s111, title="Porte-à-porte", lead=p.cfh)
    p.t1 = services.strategy_add(plan=p.plan, title="Participation citoyenne")
    p.ta = services.activity_add(strategy=p.t1, title="Assemblées accessibles", lead=p.clsc)
    p.decision = decided(world.assembly)
    if adopt:
        p.plan = services.plan_adopt(plan=p.plan, decision=p.decision, by=world.coordinator)
    return p


@pytest.fixture
def draft(world):
    return build(world)


@pytest.fixture
def adopted(world):
    return build(world, adopt=True)


def numbers(plan):
    return {(node.kind, node.id): node.number for node in plan_tree(plan).nodes()}


def refresh(obj):
    obj.refresh_from_db()
    return obj


# Numbering and reordering -------------------------------------------------------------------------

def test_items_are_numbered_from_their_order(draft):
    n = numbers(draft.plan)
    assert n[("priority", draft.p1.pk)] == "1"
    assert n[("priority", draft.p2.pk)] == "2"
    assert n[("objective", draft.o11.pk)] == "1.1"
    assert n[("objective", draft.o12.pk)] == "1.2"
    assert n[("strategy", draft.s111.pk)] == "1.1.1"
    assert n[("activity", draft.a1.pk)] == "1.1.1.1"
    assert n[("activity", draft.a2.pk)] == "1.1.1.2"
    assert n[("strategy", draft.t1.pk)] == "T1"
    assert n[("activity", draft.ta.pk)] == "T1.1"


def test_numbers_ignore_gaps_and_ties_in_positions(draft):
    Priority.objects.filter(pk=draft.p1.pk).update(position=40)
    Priority.objects.filter(pk=draft.p2.pk).update(position=7)
    Objective.objects.filter(priority=draft.p1).update(position=3)  # a tie: the id decides
    n = numbers(draft.plan)
    assert n[("priority", draft.p2.pk)] == "1"
    assert n[("priority", draft.p1.pk)] == "2"
    assert n[("objective", draft.o11.pk)] == "2.1"
    assert n[("objective", draft.o12.pk)] == "2.2"
    assert n[("activity", draft.a2.pk)] == "2.1.1.2"


def test_moving_an_item_swaps_it_with_its_neighbour_and_renumbers(draft, world):
    services.activity_move(activity=draft.a2, direction="up", by=world.coordinator)
    n = numbers(draft.plan)
    assert n[("activity", draft.a2.pk)] == "1.1.1.1"
    assert n[("activity", draft.a1.pk)] == "1.1.1.2"
    services.priority_move(priority=draft.p1, direction="down", by=world.coordinator)
    n = numbers(draft.plan)
    assert n[("priority", draft.p1.pk)] == "2"
    assert n[("objective", draft.o12.pk)] == "2.2"
    assert n[("activity", draft.a2.pk)] == "2.1.1.1"
    # A draft changes freely: nothing is recorded.
    assert not Revision.objects.exists()


def test_moving_past_either_end_is_refused(draft, world):
    with pytest.raises(DomainError):
        services.priority_move(priority=draft.p1, direction="up", by=world.coordinator)
    with pytest.raises(DomainError):
        services.objective_move(objective=draft.o12, direction="down", by=world.coordinator)
    with pytest.raises(DomainError):
        services.strategy_move(strategy=draft.t1, direction="up", by=world.coordinator)


def test_items_are_added_at_the_end_of_their_parent(draft):
    p3 = services.priority_add(plan=draft.plan, title="Réussir et s'insérer")
    assert numbers(draft.plan)[("priority", p3.pk)] == "3"
    a3 = services.activity_add(strategy=draft.s111, title="Clinique d'impôts")
    assert numbers(draft.plan)[("activity", a3.pk)] == "1.1.1.3"


def test_a_strategy_of_another_plan_s_objective_is_refused(draft, world):
    other = services.plan_create(space=world.assembly, title="Autre plan", starts_on=date(2031, 1, 1),
                                 ends_on=date(2035, 1, 1))
    with pytest.raises(DomainError):
        services.strategy_add(plan=other, objective=draft.o11, title="Ailleurs")


def test_activity_fields_are_checked(draft, world):
    elsewhere = OrganizationFactory(territory=world.other_territory, name="Ailleurs")
    with pytest.raises(DomainError) as error:
        services.activity_add(strategy=draft.s111, title="X", lead=elsewhere)
    assert error.value.field == "lead"
    with pytest.raises(DomainError) as error:
        services.activity_add(strategy=draft.s111, title="X", lead=draft.housing, co_leads=[draft.housing])
    assert error.value.field == "co_leads"
    with pytest.raises(DomainError) as error:
        services.activity_add(strategy=draft.s111, title="X", starts_on=date(2026, 5, 1), ends_on=date(2026, 1, 1))
    assert error.value.field == "ends_on"
    with pytest.raises(DomainError) as error:
        services.activity_add(strategy=draft.s111, title="  ")
    assert error.value.field == "title"


# Adoption -----------------------------------------------------------------------------------------

def test_a_plan_is_adopted_by_a_carried_decision_of_its_space_or_above(world):
    p = build(world)
    with pytest.raises(DomainError):
        services.plan_adopt(plan=p.plan, decision=decided(world.group, "Décision du chantier"))
    with pytest.raises(DomainError):
        services.plan_adopt(plan=p.plan, decision=decided(world.assembly, "Rejetée", adopted=False))
    open_proposal = Proposal.objects.create(space=world.assembly, title="Pas encore décidée",
                                            status=Proposal.Status.OPEN)
    with pytest.raises(DomainError):
        services.plan_adopt(plan=p.plan, decision=open_proposal)
    plan = services.plan_adopt(plan=p.plan, decision=p.decision)
    assert plan.status == Plan.Status.ADOPTED
    assert plan.adopted_on == date(2025, 9, 18)
    assert plan.adopted_by == p.decision
    # A committee's plan may cite the assembly's decisions (the space above it).
    committee_plan = services.plan_create(space=world.committee, title="Plan du comité", starts_on=date(2025, 1, 1),
                                          ends_on=date(2026, 1, 1))
    services.priority_add(plan=committee_plan, title="Suivre")
    assert services.plan_adopt(plan=committee_plan, decision=p.decision).status == Plan.Status.ADOPTED


def test_an_archived_plan_no_longer_changes(adopted, world):
    services.plan_archive(plan=adopted.plan, by=world.coordinator)
    with pytest.raises(DomainError):
        services.activity_edit(activity=adopted.a1, title="Autre", reason="r", by=world.coordinator)


# Revisions ----------------------------------------------------------------------------------------

def test_adding_an_objective_records_a_revision(adopted, world):
    objective = services.objective_add(priority=adopted.p2, title="Cuisiner ensemble", by=world.coordinator,
                                       reason="Demande de l'assemblée", decision=adopted.decision)
    revision = Revision.objects.get()
    assert (revision.item_type, revision.item_id, revision.action) == ("objective", objective.pk, "add")
    assert revision.diff == {"title": [None, "Cuisiner ensemble"]}
    assert revision.before is None and revision.after["title"] == "Cuisiner ensemble"
    assert revision.reason == "Demande de l'assemblée"
    assert revision.decision == adopted.decision and revision.author == world.coordinator


def test_editing_a_strategy_records_only_the_fields_that_changed(adopted, world):
    services.strategy_edit(strategy=adopted.s111, title="Informer et accompagner les locataires",
                           description=adopted.s111.description, by=world.coordinator, reason="Précision",
                           decision=adopted.decision)
    revision = Revision.objects.get()
    assert revision.action == "edit"
    assert revision.diff == {"title": ["Informer les locataires", "Informer et accompagner les locataires"]}


def test_editing_an_activity_records_leads_as_names(adopted, world):
    services.activity_edit(activity=adopted.a1, lead=adopted.clsc, co_leads=[adopted.housing, adopted.cfh],
                           budget_amount="15000.00", by=world.coordinator, reason="Le CLSC reprend l'action")
    revision = Revision.objects.get()
    assert revision.diff == {
        "lead": ["Comité logement Pointe", "CLSC des Hérons"],
        "co_leads": [["Carrefour familial"], ["Carrefour familial", "Comité logement Pointe"]],
        "budget_amount": ["12000.00", "15000.00"],
    }
    assert revision.before["lead_id"] == adopted.housing.pk and revision.after["lead_id"] == adopted.clsc.pk
    assert revision.decision is None  # activities are not reserved by this charter
    rows = {row["field"]: row for row in describe_diff(revision)}
    assert rows["lead"]["before"] == "Comité logement Pointe"
    assert rows["budget_amount"]["after"] == "15\u00a0000\u00a0$"


def test_an_edit_that_changes_nothing_records_nothing_and_needs_no_reason(adopted, world):
    services.activity_edit(activity=adopted.a1, title=adopted.a1.title, by=world.coordinator)
    assert not Revision.objects.exists()


def test_removing_an_activity_records_what_it_was(adopted, world):
    pk = adopted.a2.pk
    services.activity_remove(activity=adopted.a2, by=world.coordinator, reason="Fusionnée avec la clinique")
    revision = Revision.objects.get()
    assert (revision.item_type, revision.item_id, revision.action) == ("activity", pk, "remove")
    assert revision.before["title"] == "Porte-à-porte" and revision.after is None
    assert revision.diff["title"] == ["Porte-à-porte", None]
    assert not Activity.objects.filter(pk=pk).exists()


def test_removing_an_objective_records_it_and_everything_under_it(adopted, world):
    objective_pk = adopted.o11.pk
    services.objective_remove(objective=adopted.o11, by=world.coordinator, reason="Regroupé",
                              decision=adopted.decision)
    removed = {(r.item_type, r.item_id) for r in Revision.objects.filter(action="remove")}
    assert removed == {("objective", objective_pk), ("strategy", adopted.s111.pk), ("activity", adopted.a1.pk),
                       ("activity", adopted.a2.pk)}


def test_moving_records_the_positions_that_changed(adopted, world):
    services.priority_move(priority=adopted.p2, direction="up", by=world.coordinator, reason="Urgence alimentaire",
                           decision=adopted.decision)
    revisions = {r.item_id: r for r in Revision.objects.all()}
    assert set(revisions) == {adopted.p1.pk, adopted.p2.pk}
    assert revisions[adopted.p2.pk].diff == {"position": [2, 1]}
    assert revisions[adopted.p1.pk].diff == {"position": [1, 2]}
    assert all(r.reason == "Urgence alimentaire" for r in revisions.values())


def test_a_change_reserved_to_a_decision_is_refused_without_one_and_nothing_changes(adopted, world):
    assert "objective" in world.assembly.charters.get(in_force=True).reserved_plan_changes
    with pytest.raises(DomainError) as error:
        services.objective_edit(objective=adopted.o11, title="Autre titre", by=world.coordinator,
                                reason="Nouvelle formulation")
    assert str(error.value) == RESERVED and error.value.field == "decision"
    with pytest.raises(DomainError):
        services.objective_add(priority=adopted.p1, title="Nouvel objectif", by=world.coordinator, reason="r")
    with pytest.raises(DomainError):
        services.objective_remove(objective=adopted.o12, by=world.coordinator, reason="r")
    with pytest.raises(DomainError):
        services.priority_move(priority=adopted.p2, direction="up", by=world.coordinator, reason="r")
    assert refresh(adopted.o11).title == "Prévenir les évictions"
    assert Objective.objects.filter(priority=adopted.p1).count() == 2
    assert [p.pk for p in Priority.objects.filter(plan=adopted.plan).order_by("position")] == \
        [adopted.p1.pk, adopted.p2.pk]
    assert not Revision.objects.exists()
    # With the decision, the same change goes through.
    services.objective_edit(objective=adopted.o11, title="Autre titre", by=world.coordinator,
                            reason="Nouvelle formulation", decision=adopted.decision)
    assert refresh(adopted.o11).title == "Autre titre"


def test_the_reason_is_required_on_an_adopted_plan(adopted, world):
    with pytest.raises(DomainError) as error:
        services.activity_edit(activity=adopted.a1, title="Autre", by=world.coordinator)
    assert error.value.field == "reason"
    assert refresh(adopted.a1).title == "Clinique locataires"


def test_a_decision_of_another_space_or_not_carried_is_refused(adopted, world):
    for decision in (decided(world.group, "Décision du chantier"), decided(world.other_space, "Ailleurs"),
                     decided(world.assembly, "Rejetée", adopted=False)):
        with pytest.raises(DomainError) as error:
            services.activity_edit(activity=adopted.a1, title="Autre", by=world.coordinator, reason="r",
                                   decision=decision)
        assert error.value.field == "decision"


def test_an_indicator_target_change_is_reserved_and_recorded(adopted, world):
    from concertation.planning.models import Indicator

    indicator = Indicator.objects.create(plan=adopted.plan, objective=adopted.o11, name="Ménages accompagnés",
                                         target_value=300, target_date=date(2030, 12, 31))
    with pytest.raises(DomainError):
        services.indicator_target_edit(indicator=indicator, target_value=250, target_date=date(2030, 12, 31),
                                       reason="Financement réduit", by=world.coordinator)
    services.indicator_target_edit(indicator=indicator, target_value=250, target_date=date(2030, 12, 31),
                                   reason="Financement réduit", decision=adopted.decision, by=world.coordinator,
                                   now=moment(2026, 3, 1))
    revision = Revision.objects.get()
    earlier = plan_as_of(adopted.plan, moment(2026, 2, 1), with_indicators=True)
    assert [i.target for i in earlier.find("objective", adopted.o11.pk).indicators] == ["300"]
    assert plan_as_of(adopted.plan, moment(2026, 2, 1)).find("objective", adopted.o11.pk).indicators == []
    assert (revision.item_type, revision.diff) == ("indicator", {"target_value": ["300.0000", "250.0000"]})
    assert describe_diff(revision)[0]["after"] == "250"


def test_the_charter_can_reserve_activities_too(adopted, world):
    charter = world.assembly.charters.get(in_force=True)
    charter.reserved_plan_changes = ["activity"]
    charter.save()
    with pytest.raises(DomainError):
        services.activity_edit(activity=adopted.a1, lead=adopted.clsc, by=world.coordinator, reason="r")
    # … while objectives are now free (a reason is still needed).
    services.objective_edit(objective=adopted.o11, title="Libre", by=world.coordinator, reason="r")


def test_a_committee_plan_follows_the_charter_above_it(world):
    plan = services.plan_create(space=world.committee, title="Plan du comité", starts_on=date(2025, 1, 1),
                                ends_on=date(2026, 1, 1))
    priority = services.priority_add(plan=plan, title="Suivre")
    services.plan_adopt(plan=plan, decision=decided(world.committee, "Adoption par le comité"))
    with pytest.raises(DomainError) as error:
        services.priority_edit(priority=priority, title="Autre", by=world.coordinator, reason="r")
    assert error.value.field == "decision"


def test_snapshot_and_diff_are_json_safe_and_skip_parent_ids(adopted):
    data = snapshot(adopted.a1)
    assert data["strategy_id"] == adopted.s111.pk
    assert data["co_leads"] == ["Carrefour familial"]
    assert data["budget_amount"] == "12000.00"
    changed = dict(data, title="Nouveau", strategy_id=999)
    assert diff(data, changed) == {"title": ["Clinique locataires", "Nouveau"]}


# As it was on -------------------------------------------------------------------------------------

def test_the_plan_as_it_was_on_a_date(adopted, world):
    coordinator, decision = world.coordinator, adopted.decision
    services.activity_edit(activity=adopted.a1, title="Clinique juridique locataires", lead=adopted.clsc,
                           by=coordinator, reason="Le CLSC reprend", now=moment(2025, 10, 1))
    services.activity_remove(activity=adopted.a2, by=coordinator, reason="Fusion", now=moment(2025, 11, 1))
    services.priority_move(priority=adopted.p2, direction="up", by=coordinator, reason="Urgence",
                           decision=decision, now=moment(2025, 12, 1))
    added = services.objective_add(priority=adopted.p2, title="Cuisiner ensemble", by=coordinator, reason="Ajout",
                                   decision=decision, now=moment(2026, 1, 15))

    before = plan_as_of(adopted.plan, moment(2025, 9, 30))
    a1 = before.find("activity", adopted.a1.pk)
    assert (a1.title, a1.lead) == ("Clinique locataires", "Comité logement Pointe")
    assert before.find("activity", adopted.a2.pk).number == "1.1.1.2"  # the removed activity is back
    assert [p.id for p in before.priorities] == [adopted.p1.pk, adopted.p2.pk]
    assert before.find("objective", added.pk) is None  # not yet added

    mid = plan_as_of(adopted.plan, moment(2025, 11, 15))
    assert mid.find("activity", adopted.a1.pk).title == "Clinique juridique locataires"
    assert mid.find("activity", adopted.a1.pk).lead == "CLSC des Hérons"
    assert mid.find("activity", adopted.a2.pk) is None
    assert [p.id for p in mid.priorities] == [adopted.p1.pk, adopted.p2.pk]

    late = plan_as_of(adopted.plan, moment(2025, 12, 15))
    assert [p.number for p in late.priorities] == ["1", "2"]
    assert [p.id for p in late.priorities] == [adopted.p2.pk, adopted.p1.pk]
    assert late.find("objective", added.pk) is None

    now = plan_as_of(adopted.plan, moment(2026, 2, 1))
    assert now.find("objective", added.pk).number == "1.1"


def test_as_it_was_brings_back_a_removed_branch_in_its_positions(adopted, world):
    services.activity_move(activity=adopted.a2, direction="up", by=world.coordinator, reason="Priorité terrain",
                           now=moment(2025, 10, 1))
    services.objective_remove(objective=adopted.o11, by=world.coordinator, reason="Regroupé",
                              decision=adopted.decision, now=moment(2025, 11, 1))
    tree = plan_as_of(adopted.plan, moment(2025, 10, 15))
    strategy = tree.find("strategy", adopted.s111.pk)
    assert strategy.number == "1.1.1"
    assert [a.id for a in strategy.children] == [adopted.a2.pk, adopted.a1.pk]
    first = plan_as_of(adopted.plan, moment(2025, 9, 30)).find("strategy", adopted.s111.pk)
    assert [a.id for a in first.children] == [adopted.a1.pk, adopted.a2.pk]


def test_history_of_an_item(adopted, world):
    services.activity_edit(activity=adopted.a1, title="Un", by=world.coordinator, reason="1", now=moment(2025, 10, 1))
    services.activity_edit(activity=adopted.a1, title="Deux", by=world.coordinator, reason="2",
                           now=moment(2025, 11, 1))
    services.activity_edit(activity=adopted.a2, title="Autre", by=world.coordinator, reason="3")
    assert [r.reason for r in history_of("activity", adopted.a1.pk)] == ["2", "1"]


# Progress -----------------------------------------------------------------------------------------

def test_progress_news_are_not_revisions_but_a_new_status_is(adopted, world):
    services.progress_add(activity=adopted.a1, date=date(2025, 11, 1), text="Deux cliniques tenues", percent=20,
                          by=world.coordinator)
    assert adopted.a1.updates.get().percent == 20
    assert not Revision.objects.exists()
    # A new status on an adopted plan is a change of the plan: a revision, the news as its reason.
    services.progress_add(activity=adopted.a1, date=date(2025, 11, 2), text="Trois cliniques tenues",
                          status=Activity.Status.IN_PROGRESS, by=world.coordinator)
    assert refresh(adopted.a1).status == Activity.Status.IN_PROGRESS
    revision = Revision.objects.get()
    assert revision.diff == {"status": ["planned", "in_progress"]}
    assert revision.reason == "Trois cliniques tenues"
    with pytest.raises(DomainError):
        services.progress_add(activity=adopted.a1, date=date(2025, 11, 1), text="x", percent=120,
                              by=world.coordinator)


# Pages and permissions ----------------------------------------------------------------------------

def url(world, name, plan=None, **kwargs):
    params = {"territory": world.territory.slug, "space": world.assembly.slug, **kwargs}
    if plan is not None:
        params["plan"] = plan.pk
    return reverse(f"planning:{name}", kwargs=params)


def test_a_delegate_cannot_change_the_plan(adopted, world, client_for):
    client = client_for(world.delegate)
    assert client.get(url(world, "plan", adopted.plan)).status_code == 200
    edit = url(world, "item_edit", adopted.plan, kind="activity", item=adopted.a1.pk)
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"title": "Piraté", "reason": "x"}).status_code == 404
    assert client.post(url(world, "item_move", adopted.plan, kind="priority", item=adopted.p1.pk),
                       {"direction": "down", "reason": "x"}).status_code == 404
    assert client.get(url(world, "plan_add")).status_code == 404
    assert refresh(adopted.a1).title == "Clinique locataires"
    page = client.get(url(world, "plan", adopted.plan)).content.decode()
    assert edit not in page


def test_a_plan_out_of_reach_answers_404(adopted, world, client_for):
    plan = services.plan_create(space=world.committee, title="Plan du comité", starts_on=date(2025, 1, 1),
                                ends_on=date(2026, 1, 1))
    params = {"territory": world.territory.slug, "space": world.committee.slug, "plan": plan.pk}
    assert client_for(world.outsider).get(reverse("planning:plan", kwargs=params)).status_code == 404
    # A plan of another space under this space's URL is not found either.
    assert client_for(world.coordinator).get(url(world, "plan", plan)).status_code == 404


def test_the_coordinator_changes_an_activity_lead_with_a_reason_and_a_decision(adopted, world, client_for):
    client = client_for(world.coordinator)
    edit = url(world, "item_edit", adopted.plan, kind="activity", item=adopted.a1.pk)
    page = client.get(edit)
    assert page.status_code == 200
    content = page.content.decode()
    assert "Raison du changement" in content and escape("Décision qui l'autorise") in content
    assert "18 septembre 2025 — Adoption du plan de quartier" in content
    form = {"title": "Clinique locataires", "description": "", "lead": adopted.clsc.pk,
            "co_leads": [adopted.cfh.pk], "budget_amount": "12000,00", "funder": "Centraide", "starts_on": "",
            "ends_on": "", "working_group": ""}
    # Without a reason: refused, nothing lost.
    response = client.post(edit, form)
    assert response.status_code == 200 and "Expliquez la raison du changement" in response.content.decode()
    response = client.post(edit, {**form, "reason": "Le CLSC reprend l'action", "decision": adopted.decision.pk})
    assert response.status_code == 302
    assert refresh(adopted.a1).lead == adopted.clsc
    revision = Revision.objects.get()
    assert revision.diff == {"lead": ["Comité logement Pointe", "CLSC des Hérons"]}
    history = client.get(url(world, "item_history", adopted.plan, kind="activity", item=adopted.a1.pk))
    content = history.content.decode()
    assert escape("Le CLSC reprend l'action") in content and "CLSC des Hérons" in content
    assert reverse("decisions:proposal", kwargs={"territory": world.territory.slug, "space": world.assembly.slug,
                                                 "pk": adopted.decision.pk}) in content


def test_a_reserved_change_without_decision_shows_the_message_next_to_the_field(adopted, world, client_for):
    client = client_for(world.coordinator)
    edit = url(world, "item_edit", adopted.plan, kind="objective", item=adopted.o11.pk)
    response = client.post(edit, {"title": "Autre", "description": "", "reason": "Reformulation"})
    assert response.status_code == 200
    assert escape(RESERVED) in response.content.decode()
    assert refresh(adopted.o11).title == "Prévenir les évictions"


def test_pages_of_the_plan_open_for_the_coordinator(adopted, world, client_for):
    client = client_for(world.coordinator)
    services.activity_remove(activity=adopted.a2, by=world.coordinator, reason="Fusion")
    for name, kwargs in [
        ("plans", {}), ("plan_add", {}), ("plan_edit", {"plan": adopted.plan}),
        ("revisions", {"plan": adopted.plan}), ("plan_archive", {"plan": adopted.plan}),
        ("item_add", {"plan": adopted.plan, "kind": "priority"}),
        ("item_add", {"plan": adopted.plan, "kind": "strategy"}),
        ("item_move", {"plan": adopted.plan, "kind": "activity", "item": adopted.a1.pk}),
        ("item_remove", {"plan": adopted.plan, "kind": "priority", "item": adopted.p1.pk}),
        ("item_history", {"plan": adopted.plan, "kind": "activity", "item": adopted.a2.pk}),
        ("item_history", {"plan": adopted.plan, "kind": "plan", "item": adopted.plan.pk}),
        ("progress_add", {"plan": adopted.plan, "item": adopted.a1.pk}),
    ]:
        response = client.get(url(world, name, **kwargs))
        assert response.status_code == 200, (name, kwargs)
    response = client.get(url(world, "item_add", adopted.plan, kind="activity") + f"?parent={adopted.s111.pk}")
    assert response.status_code == 200
    # An objective needs its priority.
    assert client.get(url(world, "item_add", adopted.plan, kind="objective")).status_code == 404


def test_the_coordinator_builds_and_adopts_a_plan_through_the_pages(world, client_for):
    client = client_for(world.coordinator)
    response = client.post(url(world, "plan_add"), {"title": "Plan 2025-2030", "starts_on": "2025-01-01",
                                                    "ends_on": "2030-12-31", "vision": "Ensemble"})
    plan = Plan.objects.get()
    assert response.status_code == 302 and plan.status == Plan.Status.DRAFT
    client.post(url(world, "item_add", plan, kind="priority"), {"title": "Habiter", "description": ""})
    client.post(url(world, "item_add", plan, kind="priority"), {"title": "Manger", "description": ""})
    first, second = Priority.objects.filter(plan=plan).order_by("position")
    client.post(url(world, "item_add", plan, kind="objective") + f"?parent={first.pk}",
                {"title": "Loger", "description": ""})
    objective = Objective.objects.get()
    client.post(url(world, "item_add", plan, kind="strategy") + f"?parent={objective.pk}",
                {"title": "Informer", "description": ""})
    client.post(url(world, "item_add", plan, kind="strategy"), {"title": "Participer", "description": ""})
    assert Strategy.objects.filter(plan=plan, objective__isnull=True).count() == 1
    # Moving works without JavaScript: a plain POST.
    response = client.post(url(world, "item_move", plan, kind="priority", item=second.pk), {"direction": "up"})
    assert response.status_code == 302
    assert numbers(plan)[("priority", second.pk)] == "1"
    decision = decided(world.assembly)
    response = client.post(url(world, "plan_adopt", plan), {"decision": decision.pk, "adopted_on": ""})
    assert response.status_code == 302
    assert refresh(plan).status == Plan.Status.ADOPTED
    page = client.get(url(world, "plan", plan)).content.decode()
    assert "Priorité 1 · Manger" in page and "Stratégie T1 · Participer" in page
    assert not Revision.objects.exists()
    # The item links of the plan page are the URLs of urls_structure.py.
    strategy = Strategy.objects.get(objective=objective)
    activity = services.activity_add(strategy=strategy, title="Clinique", by=world.coordinator, reason="Ajout")
    page = client.get(url(world, "plan", plan) + "?mode=edition").content.decode()
    for name in ("item_edit", "item_move", "item_remove", "item_history"):
        assert url(world, name, plan, kind="activity", item=activity.pk) in page, name
        assert url(world, name, plan, kind="objective", item=objective.pk) in page, name
    assert url(world, "progress_add", plan, item=activity.pk) in page
    assert escape(url(world, "item_add", plan, kind="activity") + f"?parent={strategy.pk}") in page
    assert escape(url(world, "item_add", plan, kind="strategy") + f"?parent={objective.pk}") in page


def test_the_plan_page_shows_the_plan_as_it_was(adopted, world, client_for):
    services.activity_edit(activity=adopted.a1, title="Nouveau titre", by=world.coordinator, reason="r",
                           now=timezone.now() - timedelta(days=1))
    client = client_for(world.coordinator)
    current = client.get(url(world, "plan", adopted.plan)).content.decode()
    assert "Nouveau titre" in current
    day = (timezone.localdate() - timedelta(days=3)).isoformat()
    earlier = client.get(url(world, "plan", adopted.plan) + f"?au={day}").content.decode()
    assert "Clinique locataires" in earlier and "Nouveau titre" not in earlier
    assert "Vous voyez le plan tel qu'il était" in earlier
    assert url(world, "item_edit", adopted.plan, kind="activity", item=adopted.a1.pk) not in earlier


def test_a_lead_delegate_gives_news_of_their_activity(adopted, world, client_for):
    from tests.factories import DelegationFactory, MembershipFactory

    membership = MembershipFactory(space=world.assembly, organization=adopted.housing)
    DelegationFactory(membership=membership, person=world.citizen)
    client = client_for(world.citizen)
    progress = url(world, "progress_add", adopted.plan, item=adopted.a1.pk)
    assert progress in client.get(url(world, "plan", adopted.plan)).content.decode()
    response = client.post(progress, {"date": "2025-11-01", "text": "Deux cliniques", "percent": "20",
                                      "status": "in_progress"})
    assert response.status_code == 302
    assert refresh(adopted.a1).status == "in_progress"
    # Not the activity of another organization.
    assert client.get(url(world, "progress_add", adopted.plan, item=adopted.ta.pk)).status_code == 404


def test_an_activity_progress_reads_20_percent_in_english_and_20_nbsp_percent_in_french(adopted, world, client_for):
    services.progress_add(activity=adopted.a1, date=date(2025, 11, 1), text="Deux cliniques tenues", percent=20,
                          status="in_progress", by=world.coordinator)
    html = client_for(world.coordinator).get(url(world, "plan", adopted.plan)).content.decode()
    assert "20\u00a0%" in html and "20%" not in html
    world.coordinator.preferred_language = "en"
    world.coordinator.save(update_fields=["preferred_language"])
    html = client_for(world.coordinator).get(url(world, "plan", adopted.plan)).content.decode()
    assert "20%" in html and "20\u00a0%" not in html and "20&nbsp;%" not in html


# Query budget -------------------------------------------------------------------------------------

def big_plan(world, priorities: int) -> Plan:
    org = OrganizationFactory(territory=world.territory, name=f"Porteur {priorities}")
    partners = [OrganizationFactory(territory=world.territory, name=f"Partenaire {priorities}.{n}") for n in range(2)]
    group = SpaceFactory(territory=world.territory, name=f"Comité qui suit {priorities}", parent=world.assembly)
    plan = services.plan_create(space=world.assembly, title=f"Plan {priorities}", starts_on=date(2025, 1, 1),
                                ends_on=date(2030, 1, 1))
    for n in range(priorities):
        priority = services.priority_add(plan=plan, title=f"Priorité {n}")
        objective = services.objective_add(priority=priority, title=f"Objectif {n}")
        strategy = services.strategy_add(plan=plan, objective=objective, title=f"Stratégie {n}")
        for m in range(2):
            activity = services.activity_add(strategy=strategy, title=f"Action {n}.{m}", lead=org,
                                             co_leads=partners[:1], partners=partners[1:], working_group=group,
                                             budget_amount="1000")
            services.progress_add(activity=activity, date=date(2025, 6, 1), text="En cours", percent=10)
    services.strategy_add(plan=plan, title="Transversale")
    services.plan_adopt(plan=plan, decision=decided(world.assembly))
    return plan


@pytest.mark.parametrize("who", ["coordinator", "delegate"])
def test_the_plan_page_reads_a_bounded_number_of_queries(world, client_for, django_assert_max_num_queries,
                                                         django_assert_num_queries, who):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small, large = big_plan(world, 3), big_plan(world, 30)
    client = client_for(getattr(world, who))
    counts = []
    for plan in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(world, "plan", plan))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(15):
        client.get(url(world, "plan", large))
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    with django_assert_max_num_queries(15):
        assert client.get(url(world, "plan", large) + f"?au={day}").status_code == 200


def test_the_other_pages_of_the_plan_read_a_bounded_number_of_queries(adopted, world, client_for,
                                                                      django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.coordinator)
    pages = [
        ("plans", {}, ""), ("plan_edit", {"plan": adopted.plan}, ""), ("revisions", {"plan": adopted.plan}, ""),
        ("item_history", {"plan": adopted.plan, "kind": "activity", "item": adopted.a1.pk}, ""),
        ("item_edit", {"plan": adopted.plan, "kind": "activity", "item": adopted.a1.pk}, ""),
        ("item_add", {"plan": adopted.plan, "kind": "activity"}, f"?parent={adopted.s111.pk}"),
        ("item_move", {"plan": adopted.plan, "kind": "activity", "item": adopted.a1.pk}, ""),
        ("item_remove", {"plan": adopted.plan, "kind": "priority", "item": adopted.p1.pk}, ""),
        ("progress_add", {"plan": adopted.plan, "item": adopted.a1.pk}, ""),
    ]

    def counts():
        result = {}
        for name, kwargs, query in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url(world, name, **kwargs) + query).status_code == 200, name
            result[name] = len(queries)
        return result

    services.activity_edit(activity=adopted.a1, title="Clinique", by=world.coordinator, reason="Premier changement")
    before = counts()
    # More revisions, progress updates, organizations and items: the same number of queries.
    for n in range(10):
        services.activity_edit(activity=adopted.a1, title=f"Clinique {n}", co_leads=[adopted.cfh, adopted.clsc],
                               by=world.coordinator, reason=f"Changement {n}")
        services.progress_add(activity=adopted.a1, date=date(2025, 11, n + 1), text="Suite", by=world.coordinator)
        OrganizationFactory(territory=world.territory, name=f"Organisme {n}")
        services.activity_add(strategy=adopted.s111, title=f"Action {n}", by=world.coordinator, reason="Ajout")
    assert counts() == before
    for name, kwargs, query in pages:
        with django_assert_max_num_queries(22):
            client.get(url(world, name, **kwargs) + query)
