"""The demo's plan de quartier (data: plan.toml), through the planning services: priorities, objectives,
a strategy per objective, activities (leads, co-leads, partners, budgets, working group, news),
indicators with measurements up to the last quarter, adopted by its own decision at the September
assembly; then the revisions authorised by the plenary's decision."""

from __future__ import annotations

from concertation.decisions.models import Proposal
from concertation.demo.build_decisions import demo_proposals
from concertation.demo.context import ACCOUNT_EMAILS, DemoContext, data, fr


def _activities(ctx: DemoContext, plan, by) -> tuple[dict, dict]:
    """The plan's tree; the activities by title and, for each indicator key, its objective."""
    from concertation.planning import services as planning
    from concertation.planning.models import Activity

    activities, objectives = {}, {}
    for priority_data in data("plan")["priorities"]:
        priority = planning.priority_add(plan=plan, title=priority_data["title"],
                                         description=fr(priority_data["description"]), by=by)
        for objective_data in priority_data["objectives"]:
            objective = planning.objective_add(priority=priority, title=fr(objective_data["title"]), by=by)
            strategy = planning.strategy_add(plan=plan, objective=objective, title=fr(objective_data["strategy"]),
                                             by=by)
            for key in objective_data.get("indicators", []):
                objectives[key] = objective
            for item in objective_data["activities"]:
                activity = planning.activity_add(
                    strategy=strategy, title=fr(item["title"]), description=fr(item.get("description", "")),
                    lead=ctx.organization(item["lead"]),
                    co_leads=[ctx.organization(k) for k in item.get("co_leads", [])],
                    partners=[ctx.organization(k) for k in item.get("partners", [])],
                    budget_amount=item.get("budget") or None, funder=ctx.t(item.get("funder", "")),
                    starts_on=ctx.on(item["starts"]), ends_on=ctx.on(item["ends"]),
                    working_group=ctx.space(priority_data["working_group"]), by=by,
                )
                activities[item["title"]] = activity
                for day, text, percent in item.get("news", []):
                    if ctx.on(day) <= ctx.today:
                        planning.progress_add(activity=activity, date=ctx.on(day), text=ctx.t(text), percent=percent,
                                              by=ctx.delegate_of(item["lead"]))
                status = item.get("status", Activity.Status.PLANNED)
                if status != Activity.Status.PLANNED:
                    planning.activity_status_set(activity=activity, status=status, by=by)
    return activities, objectives


def build_plan(ctx: DemoContext) -> None:
    from concertation.planning import services as planning
    from concertation.planning.models import Plan

    if Plan.objects.filter(space__territory=ctx.territory).exists():
        return
    proposals = demo_proposals(ctx)
    adoption = proposals["plan"]
    if adoption is None or adoption.status != Proposal.Status.DECIDED:
        return
    coordinator = ctx.person(ACCOUNT_EMAILS["coordinator"])
    timeline, plan_data = ctx.timeline, data("plan")
    plan = planning.plan_create(space=adoption.space, title=ctx.t(plan_data["title"]), starts_on=timeline.plan_starts,
                                ends_on=timeline.plan_ends, vision=ctx.t(plan_data["vision"]), by=coordinator)
    activities, objectives = _activities(ctx, plan, coordinator)
    created = {}
    for item in plan_data["indicators"]:
        key, level = item["key"], {}
        if item.get("activity"):
            level["activity"] = activities[item["activity"]]
        elif not item.get("cross_cutting"):
            level["objective"] = objectives[key]
        created[key] = planning.indicator_add(
            plan=plan, name=fr(item["name"]), unit=fr(item["unit"]), baseline_value=item["baseline"][0],
            baseline_date=ctx.on(item["baseline"][1]), target_value=item["target"][0],
            target_date=ctx.on(item["target"][1]), direction=item.get("direction", "increase"),
            frequency=item["frequency"], source=fr(item["source"]),
            responsible=ctx.organization(item["responsible"]) if item.get("responsible") else None, by=coordinator,
            **level,
        )
    plan = planning.plan_adopt(plan=plan, decision=adoption, on=ctx.on(plan_data["adopted_on"]), by=coordinator)
    for item in plan_data["indicators"]:
        recorder = ctx.delegate_of(item["responsible"]) if item.get("responsible") else coordinator
        for day, value in item["measurements"]:
            if ctx.on(day) <= ctx.today:
                planning.measurement_add(indicator=created[item["key"]], date=ctx.on(day), value=value, by=recorder,
                                           today=ctx.today)
    plenary = proposals["letter"]
    if plenary is None:
        return
    for revision in plan_data["revisions"]:
        if "activity" in revision:
            planning.activity_edit(
                activity=activities[revision["activity"]], lead=ctx.organization(revision["lead"]),
                co_leads=[ctx.organization(k) for k in revision["co_leads"]], reason=ctx.t(revision["reason"]),
                decision=plenary, by=coordinator, now=ctx.at(revision["at"]),
            )
        else:
            planning.indicator_edit(
                indicator=created[revision["indicator"]], target_value=revision["target"],
                reason=ctx.t(revision["reason"]), decision=plenary, by=coordinator, now=ctx.at(revision["at"]),
            )


def delete_plan(ctx: DemoContext) -> None:
    """Plans PROTECT their space, and their revisions the decisions they cite: delete them first."""
    from concertation.planning.models import Plan

    if ctx.territory is not None:
        Plan.objects.filter(space__territory=ctx.territory).delete()
