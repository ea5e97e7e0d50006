"""Writes of the plan: the plan itself, its items (priorities, objectives, strategies, activities),
their order, the follow-up of activities, and the revisions of an adopted plan.

Rules:
- a draft plan changes freely: nothing is recorded;
- an adopted plan changes through revisions: every addition, edit, removal and move records a
  Revision (field-level diff, reason, who, when, decision); the reason is required, and so is the
  decision when the charter in force reserves that kind of change (``reserved_plan_changes``:
  priority, objective, strategy, activity, indicator_target);
- a decision that adopts a plan or authorises a change is a carried decision (status decided, not
  rejected, not without quorum) of the plan's space or of a space above it;
- an archived plan no longer changes;
- an activity's status is part of the plan: on an adopted plan, changing it is a revision like any
  other (activity_status_set goes through item_edit); its progress updates (news, percentage) are
  the follow-up of the plan, not revisions.

The charter in force is the space's, or else that of the nearest space above it (a working group
follows its assembly's charter). Every function is atomic and locks the plan's row, so two people
reordering the same plan at once cannot interleave.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from concertation.core.errors import DomainError
from concertation.decisions.models import Proposal

from .models import (
    Activity,
    Indicator,
    Objective,
    Plan,
    Priority,
    ProgressUpdate,
    Revision,
    Strategy,
)
from .revisions import _display_name, diff, label_of, record_revision, snapshot
from .selectors import decision_carried, reserved_kinds, space_lineage

Status = Plan.Status
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
M2M_FIELDS = {"co_leads", "partners"}
UP, DOWN = "up", "down"


# Checks shared by every change ------------------------------------------------------------------

def _locked_plan(plan_id: int) -> Plan:
    return Plan.objects.select_for_update().select_related("space").get(pk=plan_id)


def _check_not_archived(plan: Plan) -> None:
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
    _check_not_archived(plan)
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


def _clean_title(value: str) -> str:
    title = (value or "").strip()
    if not title:
        raise DomainError(_("Donnez un titre."), field="title")
    if len(title) > 250:
        raise DomainError(_("Le titre est trop long : 250 caractères au plus."), field="title")
    return title


def _check_period(starts_on: date | None, ends_on: date | None, *, strict: bool) -> None:
    if starts_on and ends_on and (ends_on <= starts_on if strict else ends_on < starts_on):
        raise DomainError(_("La fin doit venir après le début."), field="ends_on")


# The plan ---------------------------------------------------------------------------------------

@transaction.atomic
def plan_create(*, space, title: str, starts_on: date, ends_on: date, vision: str = "", by=None) -> Plan:
    """A new plan, as a draft: committees draft it, an assembly adopts it."""
    title = _clean_title(title)
    if not starts_on:
        raise DomainError(_("Indiquez le début de la période du plan."), field="starts_on")
    if not ends_on:
        raise DomainError(_("Indiquez la fin de la période du plan."), field="ends_on")
    _check_period(starts_on, ends_on, strict=True)
    return Plan.objects.create(space=space, title=title, starts_on=starts_on, ends_on=ends_on,
                               vision=(vision or "").strip())


@transaction.atomic
def plan_update(*, plan: Plan, by=None, reason: str = "", decision: Proposal | None = None,
                now: datetime | None = None, **fields) -> Plan:
    """Change the title, period or vision; on an adopted plan, a revision of kind "plan"."""
    allowed = {"title", "starts_on", "ends_on", "vision"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"plan_update: unknown fields {sorted(unknown)}")
    locked = _locked_plan(plan.pk)
    _check_not_archived(locked)
    if "title" in fields:
        fields["title"] = _clean_title(fields["title"])
    if "vision" in fields:
        fields["vision"] = (fields["vision"] or "").strip()
    for name in ("starts_on", "ends_on"):
        if name in fields and not fields[name]:
            raise DomainError(_("Indiquez les dates de la période du plan."), field=name)
    before = snapshot(locked)
    for name, value in fields.items():
        setattr(locked, name, value)
    _check_period(locked.starts_on, locked.ends_on, strict=True)
    after = snapshot(locked)
    if not diff(before, after):
        return locked
    reason = check_change(plan=locked, kind="plan", reason=reason, decision=decision)
    locked.save()
    if locked.status == Status.ADOPTED:
        record_revision(plan=locked, item_type="plan", item_id=locked.pk, item_label=label_of(locked),
                        action=Revision.Action.EDIT, before=before, after=after, reason=reason, decision=decision,
                        by=by, at=now)
    return locked


@transaction.atomic
def plan_adopt(*, plan: Plan, decision: Proposal, on: date | None = None, by=None) -> Plan:
    """Draft → adopted, by a carried decision of the space (or of a space above it)."""
    locked = _locked_plan(plan.pk)
    if locked.status != Status.DRAFT:
        raise DomainError(_("Seul un plan en brouillon peut être adopté."))
    if decision is None:
        raise DomainError(_("Choisissez la décision qui adopte le plan."), field="decision")
    check_decision(locked, decision)
    if not Priority.objects.filter(plan=locked).exists():
        raise DomainError(_("Ajoutez au moins une priorité avant d'adopter le plan."))
    if on is None:
        on = timezone.localdate(decision.decided_at) if decision.decided_at else timezone.localdate()
    locked.status = Status.ADOPTED
    locked.adopted_on = on
    locked.adopted_by = decision
    locked.save(update_fields=["status", "adopted_on", "adopted_by", "updated_at"])
    return locked


@transaction.atomic
def plan_archive(*, plan: Plan, by=None) -> Plan:
    """The plan is over (or replaced): it stays readable, and no longer changes."""
    locked = _locked_plan(plan.pk)
    _check_not_archived(locked)
    locked.status = Status.ARCHIVED
    locked.save(update_fields=["status", "updated_at"])
    return locked


# Items: validation ------------------------------------------------------------------------------

def _clean_fields(kind: str, plan: Plan, fields: dict) -> dict:
    """Validate and normalise the editable fields of an item (raises DomainError)."""
    unknown = set(fields) - set(EDITABLE[kind])
    if unknown:
        raise TypeError(f"{kind}: unknown fields {sorted(unknown)}")
    cleaned = dict(fields)
    if "title" in cleaned:
        cleaned["title"] = _clean_title(cleaned["title"])
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


def _plan_id_of(item) -> int:
    kind = item._meta.model_name
    if kind == "objective":
        return Priority.objects.filter(pk=item.priority_id).values_list("plan_id", flat=True).get()
    if kind == "activity":
        return Strategy.objects.filter(pk=item.strategy_id).values_list("plan_id", flat=True).get()
    return item.plan_id


def _reload(item):
    """The item as stored (the caller's instance may carry unsaved changes), relations loaded."""
    kind = item._meta.model_name
    queryset = type(item).objects.all()
    if kind == "activity":
        queryset = queryset.select_related("lead", "working_group").prefetch_related("co_leads", "partners")
    elif kind == "indicator":
        queryset = queryset.select_related("responsible")
    return queryset.get(pk=item.pk)


def _copy_back(source, target, names) -> None:
    """After a change went through, let the caller's instance show it too."""
    for name in names:
        if name not in M2M_FIELDS:
            setattr(target, name, getattr(source, name))


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
    locked = _locked_plan(plan.pk)
    _check_parent(kind, locked, parent)
    fields.setdefault("title", "")
    cleaned = _clean_fields(kind, locked, fields)
    m2m = {name: cleaned.pop(name) for name in list(cleaned) if name in M2M_FIELDS}
    if kind == "activity":
        _check_period(cleaned.get("starts_on"), cleaned.get("ends_on"), strict=False)
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
    if _plan_id_of(parent) != plan.pk:
        raise DomainError(_("Cet élément parent appartient à un autre plan."))


@transaction.atomic
def item_edit(*, item, by=None, reason: str = "", decision: Proposal | None = None, now: datetime | None = None,
              **fields):
    """Change the item's fields; on an adopted plan, a revision with the fields that changed. An
    edit that changes nothing does nothing (and needs no reason)."""
    kind = item._meta.model_name
    locked = _locked_plan(_plan_id_of(item))
    _check_not_archived(locked)
    cleaned = _clean_fields(kind, locked, fields)
    current = _reload(item)
    before = snapshot(current)
    m2m = {name: cleaned.pop(name) for name in list(cleaned) if name in M2M_FIELDS}
    for name, value in cleaned.items():
        setattr(current, name, value)
    if kind == "activity":
        _check_period(current.starts_on, current.ends_on, strict=False)
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
    _copy_back(current, item, cleaned)
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
    locked = _locked_plan(_plan_id_of(item))
    reason = check_change(plan=locked, kind=kind, reason=reason, decision=decision)
    item = _reload(item)
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
    locked = _locked_plan(_plan_id_of(item))
    _check_not_archived(locked)
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


# Indicator targets ------------------------------------------------------------------------------

@transaction.atomic
def indicator_target_edit(*, indicator: Indicator, target_value, target_date: date, reason: str = "",
                          decision: Proposal | None = None, by=None, now: datetime | None = None) -> Indicator:
    """Change an indicator's target; on an adopted plan, a revision (kind "indicator_target" for the
    charter's reservation, recorded with item_type "indicator")."""
    locked = _locked_plan(indicator.plan_id)
    _check_not_archived(locked)
    if target_value in (None, ""):
        raise DomainError(_("Indiquez la cible."), field="target_value")
    if not target_date:
        raise DomainError(_("Indiquez la date de la cible."), field="target_date")
    current = _reload(indicator)
    before = snapshot(current)
    current.target_value = Decimal(target_value)
    current.target_date = target_date
    after = snapshot(current)
    if not diff(before, after):
        return current
    reason = check_change(plan=locked, kind="indicator_target", reason=reason, decision=decision)
    current.save(update_fields=["target_value", "target_date", "updated_at"])
    if locked.status == Status.ADOPTED:
        record_revision(plan=locked, item_type="indicator", item_id=current.pk, item_label=label_of(current),
                        action=Revision.Action.EDIT, before=before, after=after, reason=reason, decision=decision,
                        by=by, at=now)
    _copy_back(current, indicator, ["target_value", "target_date"])
    return current


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
    locked = _locked_plan(_plan_id_of(activity))
    _check_not_archived(locked)
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
