"""Writes of the plan's items (priorities, objectives, strategies, activities): add, edit, remove,
move, with a named entry point per kind; and the follow-up of activities (status, progress news).
On an adopted plan each change is a revision (see the package's docstring)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from concertation.core.errors import DomainError
from concertation.decisions.models import Proposal
from concertation.knowledge.services.discussions import comments_delete_for

from ..models import (
    Activity,
    Indicator,
    Objective,
    Plan,
    Priority,
    ProgressUpdate,
    Revision,
    Strategy,
)
from ..revisions import _display_name, diff, label_of, record_revision, snapshot
from .checks import (
    M2M_FIELDS,
    Status,
    check_change,
    check_not_archived,
    check_period,
    clean_title,
    copy_back,
    locked_plan,
    plan_id_of,
    reload,
)

MODELS = {"priority": Priority, "objective": Objective, "strategy": Strategy, "activity": Activity}
TEXT_FIELDS = ["title", "description"]
EDITABLE = {
    "priority": TEXT_FIELDS,
    "objective": TEXT_FIELDS,
    "strategy": TEXT_FIELDS,
    "activity": [
        *TEXT_FIELDS, "lead", "co_leads", "partners", "budget_amount", "funder", "starts_on", "ends_on",
        "working_group", "status",
    ],
}
UP, DOWN = "up", "down"


# Items: validation ------------------------------------------------------------------------------

def _clean_fields(kind: str, plan: Plan, fields: dict) -> dict:
    """Validate and normalise the editable fields of an item (raises DomainError)."""
    unknown = set(fields) - set(EDITABLE[kind])
    if unknown:
        raise TypeError(f"{kind}: unknown fields {sorted(unknown)}")
    cleaned = dict(fields)
    if "title" in cleaned:
        cleaned["title"] = clean_title(cleaned["title"])
    for name in ("description", "funder"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    if kind != "activity":
        return cleaned
    if "status" in cleaned and cleaned["status"] not in Activity.Status.values:
        raise DomainError(_("Choisissez un statut de la liste."), field="status")
    territory_id = plan.space.territory_id
    for name in ("lead", "working_group"):
        value = cleaned.get(name)
        if value is not None and value.territory_id != territory_id:
            raise DomainError(_("Choisissez un organisme ou un comité de ce territoire."), field=name)
    for name in M2M_FIELDS:
        if name in cleaned:
            organizations = list(dict.fromkeys(cleaned[name] or []))
            if any(org.territory_id != territory_id for org in organizations):
                raise DomainError(_("Choisissez des organismes de ce territoire."), field=name)
            cleaned[name] = organizations
    if "budget_amount" in cleaned and cleaned["budget_amount"] is not None:
        cleaned["budget_amount"] = Decimal(cleaned["budget_amount"])
        if cleaned["budget_amount"] < 0:
            raise DomainError(_("Le budget ne peut pas être négatif."), field="budget_amount")
    return cleaned


def _check_roles(lead, co_leads, partners) -> None:
    co_lead_ids = {org.pk for org in co_leads}
    if lead is not None and lead.pk in co_lead_ids:
        raise DomainError(_("Le porteur ne peut pas être aussi coporteur : retirez-le de la liste des coporteurs."),
                          field="co_leads")
    partner_ids = {org.pk for org in partners}
    if (lead is not None and lead.pk in partner_ids) or co_lead_ids & partner_ids:
        raise DomainError(_("Un organisme porteur ou coporteur ne peut pas être aussi partenaire."),
                          field="partners")


def _siblings(item):
    kind = item._meta.model_name
    if kind == "priority":
        queryset = Priority.objects.filter(plan_id=item.plan_id)
    elif kind == "objective":
        queryset = Objective.objects.filter(priority_id=item.priority_id)
    elif kind == "strategy":
        queryset = Strategy.objects.filter(plan_id=item.plan_id, objective_id=item.objective_id)
    else:
        queryset = (
            Activity.objects.filter(strategy_id=item.strategy_id)
            .select_related("lead", "working_group").prefetch_related("co_leads", "partners")
        )
    return queryset.order_by("position", "id")


def _next_position(queryset) -> int:
    return (queryset.aggregate(top=Max("position"))["top"] or 0) + 1


# Items: add, edit, remove, move -----------------------------------------------------------------

@transaction.atomic
def item_add(*, kind: str, plan: Plan, parent=None, by=None, reason: str = "", decision: Proposal | None = None,
             now: datetime | None = None, **fields):
    """Add an item at the end of its parent: a priority (parent None), an objective (parent: its
    priority), a strategy (parent: its objective, or None for a cross-cutting one), an activity
    (parent: its strategy)."""
    if kind not in MODELS:
        raise TypeError(f"unknown kind {kind!r}")
    locked = locked_plan(plan.pk)
    _check_parent(kind, locked, parent)
    fields.setdefault("title", "")
    cleaned = _clean_fields(kind, locked, fields)
    m2m = {name: cleaned.pop(name) for name in list(cleaned) if name in M2M_FIELDS}
    if kind == "activity":
        check_period(cleaned.get("starts_on"), cleaned.get("ends_on"), strict=False)
        _check_roles(cleaned.get("lead"), m2m.get("co_leads", []), m2m.get("partners", []))
    reason = check_change(plan=locked, kind=kind, reason=reason, decision=decision)

    model = MODELS[kind]
    if kind == "priority":
        item = model(plan=locked, **cleaned)
    elif kind == "objective":
        item = model(priority=parent, **cleaned)
    elif kind == "strategy":
        item = model(plan=locked, objective=parent, **cleaned)
    else:
        item = model(strategy=parent, **cleaned)
    item.position = _next_position(_siblings(item))
    item.save()
    for name, organizations in m2m.items():
        getattr(item, name).set(organizations)
    if locked.status == Status.ADOPTED:
        record_revision(plan=locked, item_type=kind, item_id=item.pk, item_label=label_of(item),
                        action=Revision.Action.ADD, after=snapshot(item), reason=reason, decision=decision, by=by,
                        at=now)
    return item


def _check_parent(kind: str, plan: Plan, parent) -> None:
    if kind == "priority":
        if parent is not None:
            raise TypeError("a priority has no parent")
        return
    if kind == "strategy" and parent is None:
        return  # cross-cutting
    expected = {"objective": Priority, "strategy": Objective, "activity": Strategy}[kind]
    if not isinstance(parent, expected):
        raise TypeError(f"a {kind} hangs under a {expected._meta.model_name}")
    if plan_id_of(parent) != plan.pk:
        raise DomainError(_("Cet élément parent appartient à un autre plan."))


@transaction.atomic
def item_edit(*, item, by=None, reason: str = "", decision: Proposal | None = None, now: datetime | None = None,
              **fields):
    """Change the item's fields; on an adopted plan, a revision with the fields that changed. An
    edit that changes nothing does nothing (and needs no reason)."""
    kind = item._meta.model_name
    locked = locked_plan(plan_id_of(item))
    check_not_archived(locked)
    cleaned = _clean_fields(kind, locked, fields)
    current = reload(item)
    before = snapshot(current)
    m2m = {name: cleaned.pop(name) for name in list(cleaned) if name in M2M_FIELDS}
    for name, value in cleaned.items():
        setattr(current, name, value)
    if kind == "activity":
        check_period(current.starts_on, current.ends_on, strict=False)
        co_leads = m2m["co_leads"] if "co_leads" in m2m else list(current.co_leads.all())
        partners = m2m["partners"] if "partners" in m2m else list(current.partners.all())
        _check_roles(current.lead, co_leads, partners)
    after = snapshot(current)
    for name, organizations in m2m.items():
        after[name] = sorted(_display_name(org) for org in organizations)
    if not diff(before, after):
        return current
    reason = check_change(plan=locked, kind=kind, reason=reason, decision=decision)
    current.save()
    for name, organizations in m2m.items():
        getattr(current, name).set(organizations)
    if locked.status == Status.ADOPTED:
        record_revision(plan=locked, item_type=kind, item_id=current.pk, item_label=label_of(current),
                        action=Revision.Action.EDIT, before=before, after=after, reason=reason, decision=decision,
                        by=by, at=now)
    copy_back(current, item, cleaned)
    return current


def _descendants(item) -> list:
    """The items under ``item``, children before grandchildren, loaded for snapshots."""
    kind = item._meta.model_name
    activities = Activity.objects.select_related("lead", "working_group").prefetch_related("co_leads", "partners")
    if kind == "priority":
        objectives = list(Objective.objects.filter(priority=item))
        strategies = list(Strategy.objects.filter(objective__priority=item))
        return [*objectives, *strategies, *activities.filter(strategy__objective__priority=item)]
    if kind == "objective":
        return [*Strategy.objects.filter(objective=item), *activities.filter(strategy__objective=item)]
    if kind == "strategy":
        return list(activities.filter(strategy=item))
    return []


def _attached_indicators(item, descendants) -> bool:
    objective_ids = [d.pk for d in [item, *descendants] if d._meta.model_name == "objective"]
    activity_ids = [d.pk for d in [item, *descendants] if d._meta.model_name == "activity"]
    return Indicator.objects.filter(objective_id__in=objective_ids).exists() or \
        Indicator.objects.filter(activity_id__in=activity_ids).exists()


@transaction.atomic
def item_remove(*, item, by=None, reason: str = "", decision: Proposal | None = None,
                now: datetime | None = None) -> None:
    """Remove the item and everything under it. On an adopted plan, one revision per removed item
    (so each keeps its history and "as it was on" can put them all back). An item that carries
    indicators is refused: their measurements would be lost."""
    kind = item._meta.model_name
    locked = locked_plan(plan_id_of(item))
    reason = check_change(plan=locked, kind=kind, reason=reason, decision=decision)
    item = reload(item)
    descendants = _descendants(item)
    if _attached_indicators(item, descendants):
        raise DomainError(_("Des indicateurs sont rattachés à cet élément ou à ce qu'il contient : retirez-les ou "
                            "rattachez-les ailleurs d'abord, pour ne pas perdre leurs mesures."))
    if locked.status == Status.ADOPTED:
        at = now or timezone.now()
        # Deepest first, the item last: undoing (most recent first) puts the item back before its children.
        for descendant in reversed(descendants):
            record_revision(plan=locked, item_type=descendant._meta.model_name, item_id=descendant.pk,
                            item_label=label_of(descendant), action=Revision.Action.REMOVE,
                            before=snapshot(descendant), reason=reason, decision=decision, by=by, at=at)
        record_revision(plan=locked, item_type=kind, item_id=item.pk, item_label=label_of(item),
                        action=Revision.Action.REMOVE, before=snapshot(item), reason=reason, decision=decision,
                        by=by, at=at)
    # The discussions of the activities removed go with them (knowledge keeps them by kind and id).
    comments_delete_for("activity", [node.pk for node in (item, *descendants) if node._meta.model_name == "activity"])
    item.delete()


@transaction.atomic
def item_move(*, item, direction: str, by=None, reason: str = "", decision: Proposal | None = None,
              now: datetime | None = None):
    """Move the item one place up or down among its siblings (its number changes accordingly).

    Siblings are renumbered 1, 2, 3… in their new order; on an adopted plan each sibling whose
    position changed gets a revision (field "position"), so "as it was on" restores the order.
    """
    if direction not in (UP, DOWN):
        raise DomainError(_("Choisissez de monter ou de descendre l'élément."), field="direction")
    kind = item._meta.model_name
    locked = locked_plan(plan_id_of(item))
    check_not_archived(locked)
    siblings = list(_siblings(item))
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == item.pk)
    target = index - 1 if direction == UP else index + 1
    if target < 0:
        raise DomainError(_("Cet élément est déjà le premier."), field="direction")
    if target >= len(siblings):
        raise DomainError(_("Cet élément est déjà le dernier."), field="direction")
    reason = check_change(plan=locked, kind=kind, reason=reason, decision=decision)
    siblings[index], siblings[target] = siblings[target], siblings[index]
    at = now or timezone.now()
    moved = None
    for rank, sibling in enumerate(siblings, start=1):
        if sibling.pk == item.pk:
            moved = sibling
        if sibling.position == rank:
            continue
        before = snapshot(sibling)
        sibling.position = rank
        sibling.save(update_fields=["position", "updated_at"])
        if locked.status == Status.ADOPTED:
            record_revision(plan=locked, item_type=kind, item_id=sibling.pk, item_label=label_of(sibling),
                            action=Revision.Action.EDIT, before=before, after=snapshot(sibling), reason=reason,
                            decision=decision, by=by, at=at)
    item.position = moved.position
    return item


# Named entry points (the same rules, one per kind) ----------------------------------------------

def priority_add(*, plan: Plan, title: str, description: str = "", **options) -> Priority:
    return item_add(kind="priority", plan=plan, title=title, description=description, **options)


def objective_add(*, priority: Priority, title: str, description: str = "", **options) -> Objective:
    plan = Plan.objects.get(pk=priority.plan_id)
    return item_add(kind="objective", plan=plan, parent=priority, title=title, description=description, **options)


def strategy_add(*, plan: Plan, title: str, objective: Objective | None = None, description: str = "",
                 **options) -> Strategy:
    return item_add(kind="strategy", plan=plan, parent=objective, title=title, description=description, **options)


def activity_add(*, strategy: Strategy, title: str, **options) -> Activity:
    plan = Plan.objects.get(pk=strategy.plan_id)
    return item_add(kind="activity", plan=plan, parent=strategy, title=title, **options)


def priority_edit(*, priority: Priority, **options) -> Priority:
    return item_edit(item=priority, **options)


def objective_edit(*, objective: Objective, **options) -> Objective:
    return item_edit(item=objective, **options)


def strategy_edit(*, strategy: Strategy, **options) -> Strategy:
    return item_edit(item=strategy, **options)


def activity_edit(*, activity: Activity, **options) -> Activity:
    return item_edit(item=activity, **options)


def priority_remove(*, priority: Priority, **options) -> None:
    item_remove(item=priority, **options)


def objective_remove(*, objective: Objective, **options) -> None:
    item_remove(item=objective, **options)


def strategy_remove(*, strategy: Strategy, **options) -> None:
    item_remove(item=strategy, **options)


def activity_remove(*, activity: Activity, **options) -> None:
    item_remove(item=activity, **options)


def priority_move(*, priority: Priority, direction: str, **options) -> Priority:
    return item_move(item=priority, direction=direction, **options)


def objective_move(*, objective: Objective, direction: str, **options) -> Objective:
    return item_move(item=objective, direction=direction, **options)


def strategy_move(*, strategy: Strategy, direction: str, **options) -> Strategy:
    return item_move(item=strategy, direction=direction, **options)


def activity_move(*, activity: Activity, direction: str, **options) -> Activity:
    return item_move(item=activity, direction=direction, **options)


# The status and the follow-up of activities ------------------------------------------------------

def activity_status_set(*, activity: Activity, status: str, by=None, reason: str = "",
                        decision: Proposal | None = None, now: datetime | None = None) -> Activity:
    """Change an activity's status. On an adopted plan it is a change of the plan like any other
    (item_edit): a revision with its reason, and its decision when the charter reserves changes of
    activities; refused otherwise, nothing changed."""
    if status not in Activity.Status.values:
        raise DomainError(_("Choisissez un statut de la liste."), field="status")
    return item_edit(item=activity, status=status, by=by, reason=reason, decision=decision, now=now)


@transaction.atomic
def progress_add(*, activity: Activity, date: date, text: str, percent: int | None = None,
                 status: str | None = None, by=None, reason: str = "", decision: Proposal | None = None,
                 now: datetime | None = None) -> ProgressUpdate:
    """News of an activity (date, text, optional %), and optionally its new status: on an adopted
    plan a new status is a revision (activity_status_set) whose reason is ``reason``, or else the
    news themselves; when it is refused, the news are not recorded either."""
    locked = locked_plan(plan_id_of(activity))
    check_not_archived(locked)
    text = (text or "").strip()
    if not date:
        raise DomainError(_("Indiquez la date de ces nouvelles."), field="date")
    if not text:
        raise DomainError(_("Décrivez où en est l'action."), field="text")
    if percent is not None and not 0 <= percent <= 100:
        raise DomainError(_("Le pourcentage va de 0 à 100."), field="percent")
    if status:
        activity_status_set(activity=activity, status=status, by=by, reason=(reason or "").strip() or text,
                            decision=decision, now=now)
    return ProgressUpdate.objects.create(activity=activity, date=date, text=text, percent=percent, author=by)
