"""Checks shared by every change of a plan (see the package's docstring for the rules), and the
helpers that load what a change works on: the plan's row locked, an item as stored."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from concertation.core.errors import DomainError
from concertation.decisions.models import Proposal

from ..models import Plan, Priority, Strategy
from ..selectors import decision_carried, reserved_kinds, space_lineage

Status = Plan.Status
M2M_FIELDS = {"co_leads", "partners"}


def locked_plan(plan_id: int) -> Plan:
    return Plan.objects.select_for_update().select_related("space").get(pk=plan_id)


def check_not_archived(plan: Plan) -> None:
    if plan.status == Status.ARCHIVED:
        raise DomainError(_("Ce plan est archivé : il ne se modifie plus."))


def check_decision(plan: Plan, decision: Proposal | None, *, field: str = "decision") -> None:
    """A decision cited for this plan must be carried, by the plan's space or a space above it."""
    if decision is None:
        return
    if decision.status != Proposal.Status.DECIDED:
        raise DomainError(_("Cette proposition n'est pas encore décidée : choisissez une décision inscrite au "
                            "registre."), field=field)
    if not decision_carried(decision):
        raise DomainError(_("Cette proposition n'a pas été adoptée : elle ne peut pas autoriser ce changement."),
                          field=field)
    if decision.space_id not in {space.pk for space in space_lineage(plan.space)}:
        raise DomainError(_("Choisissez une décision prise par cet espace ou par un espace dont il relève."),
                          field=field)


def check_change(*, plan: Plan, kind: str, reason: str = "", decision: Proposal | None = None) -> str:
    """Check a change of ``kind`` to ``plan`` and return the cleaned reason.

    Kinds: priority, objective, strategy, activity, indicator_target, plan. On an adopted plan the
    reason is required, and the decision too when the charter in force reserves the kind.
    """
    check_not_archived(plan)
    reason = (reason or "").strip()
    check_decision(plan, decision)
    if plan.status != Status.ADOPTED:
        return reason
    if not reason:
        raise DomainError(_("Expliquez la raison du changement : elle reste dans l'historique du plan."),
                          field="reason")
    if decision is None and kind in reserved_kinds(plan.space):
        raise DomainError(_("Ce changement est réservé à une décision : choisissez la décision qui l'autorise."),
                          field="decision")
    return reason


def clean_title(value: str) -> str:
    title = (value or "").strip()
    if not title:
        raise DomainError(_("Donnez un titre."), field="title")
    if len(title) > 250:
        raise DomainError(_("Le titre est trop long : 250 caractères au plus."), field="title")
    return title


def check_period(starts_on: date | None, ends_on: date | None, *, strict: bool) -> None:
    if starts_on and ends_on and (ends_on <= starts_on if strict else ends_on < starts_on):
        raise DomainError(_("La fin doit venir après le début."), field="ends_on")


def plan_id_of(item) -> int:
    kind = item._meta.model_name
    if kind == "objective":
        return Priority.objects.filter(pk=item.priority_id).values_list("plan_id", flat=True).get()
    if kind == "activity":
        return Strategy.objects.filter(pk=item.strategy_id).values_list("plan_id", flat=True).get()
    return item.plan_id


def reload(item):
    """The item as stored (the caller's instance may carry unsaved changes), relations loaded."""
    kind = item._meta.model_name
    queryset = type(item).objects.all()
    if kind == "activity":
        queryset = queryset.select_related("lead", "working_group").prefetch_related("co_leads", "partners")
    elif kind == "indicator":
        queryset = queryset.select_related("responsible")
    return queryset.get(pk=item.pk)


def copy_back(source, target, names) -> None:
    """After a change went through, let the caller's instance show it too."""
    for name in names:
        if name not in M2M_FIELDS:
            setattr(target, name, getattr(source, name))
