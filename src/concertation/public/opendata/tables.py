"""The plan and its indicators as CSV rows, for the open data (what the plan's pages show anyone).

The decisions' table is the register's own CSV (``decisions:territory_csv``): one home per export.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

from concertation.planning.models import (
    Activity,
    Indicator,
    Measurement,
    Objective,
    Plan,
    Priority,
    Strategy,
)

from .. import selectors as window
from .scope import VISITOR, public_spaces


def public_plans(territory) -> list[Plan]:
    """The window's plans (drafts left out), each checked with the plan's own rule as well."""
    plans = list(window.plans(public_spaces(territory)))
    return [plan for plan in plans if VISITOR.has_perm("planning.view_plan", plan)]


def plan_header() -> list[str]:
    return [_("Plan"), _("Espace"), _("Niveau"), _("Titre"), _("Relève de"), _("Statut"),
            _("Organisme responsable"), _("Début"), _("Fin")]


def plan_rows(territory) -> list[list]:
    """One row a priority, objective, strategy and activity, in the plan's order."""
    plans = public_plans(territory)
    ids = [plan.pk for plan in plans]
    priorities = list(Priority.objects.filter(plan_id__in=ids).order_by("plan_id", "position", "pk")
                      .values("pk", "plan_id", "title"))
    objectives = list(Objective.objects.filter(priority__plan_id__in=ids).order_by("position", "pk")
                      .values("pk", "priority_id", "title"))
    strategies = list(Strategy.objects.filter(plan_id__in=ids).order_by("position", "pk")
                      .values("pk", "plan_id", "objective_id", "title"))
    activities = list(Activity.objects.filter(strategy__plan_id__in=ids).order_by("position", "pk")
                      .values("pk", "strategy_id", "title", "status", "lead__name", "starts_on", "ends_on"))
    status = dict(Activity.Status.choices)
    by_plan, by_priority, by_parent, by_strategy = (defaultdict(list) for _i in range(4))
    for priority in priorities:
        by_plan[priority["plan_id"]].append(priority)
    for objective in objectives:
        by_priority[objective["priority_id"]].append(objective)
    for strategy in strategies:  # under an objective, or directly under the plan
        by_parent[("objective", strategy["objective_id"]) if strategy["objective_id"] else
                  ("plan", strategy["plan_id"])].append(strategy)
    for activity in activities:
        by_strategy[activity["strategy_id"]].append(activity)
    rows = []
    for plan in plans:
        head = [plan.title, plan.space.name]
        rows.append([*head, _("Plan"), plan.title, "", plan.get_status_display(), "", plan.starts_on, plan.ends_on])
        for priority in by_plan[plan.pk]:
            rows.append([*head, _("Priorité"), priority["title"], plan.title, "", "", "", ""])
            for objective in by_priority[priority["pk"]]:
                rows.append([*head, _("Objectif"), objective["title"], priority["title"], "", "", "", ""])
                for strategy in by_parent[("objective", objective["pk"])]:
                    rows += _strategy_rows(head, strategy, objective["title"], by_strategy, status)
        for strategy in by_parent[("plan", plan.pk)]:
            rows += _strategy_rows(head, strategy, plan.title, by_strategy, status)
    return rows


def _strategy_rows(head, strategy, parent: str, by_strategy, status) -> list[list]:
    rows = [[*head, _("Stratégie"), strategy["title"], parent, "", "", "", ""]]
    for activity in by_strategy[strategy["pk"]]:
        rows.append([*head, _("Activité"), activity["title"], strategy["title"],
                     status.get(activity["status"], activity["status"]), activity["lead__name"] or "",
                     activity["starts_on"] or "", activity["ends_on"] or ""])
    return rows


def indicator_header() -> list[str]:
    return [_("Plan"), _("Indicateur"), _("Unité"), _("Valeur de départ"), _("Date de la valeur de départ"),
            _("Cible"), _("Date de la cible"), _("Date de la mesure"), _("Valeur mesurée")]


def indicator_rows(territory) -> list[list]:
    """One row a measurement (an indicator without measurement: one row with its target)."""
    plans = {plan.pk: plan for plan in public_plans(territory)}
    indicators = list(Indicator.objects.filter(plan_id__in=plans).order_by("plan_id", "position", "pk")
                      .values("pk", "plan_id", "name", "unit", "baseline_value", "baseline_date", "target_value",
                              "target_date"))
    measurements = list(Measurement.objects.filter(indicator_id__in=[i["pk"] for i in indicators])
                        .order_by("indicator_id", "date", "pk").values("indicator_id", "date", "value"))
    by_indicator = defaultdict(list)
    for measurement in measurements:
        by_indicator[measurement["indicator_id"]].append(measurement)
    rows = []
    for indicator in indicators:
        head = [plans[indicator["plan_id"]].title, indicator["name"], indicator["unit"],
                _number(indicator["baseline_value"]), indicator["baseline_date"] or "",
                _number(indicator["target_value"]), indicator["target_date"]]
        rows += [[*head, m["date"], _number(m["value"])] for m in by_indicator[indicator["pk"]]] or [[*head, "", ""]]
    return rows


def _number(value) -> str:
    """A decimal without its trailing zeros (« 36 », « 12.5 »): the CSV is read by programs."""
    if value is None:
        return ""
    return format(value.normalize(), "f")
