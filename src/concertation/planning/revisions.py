"""Revisions of an adopted plan: snapshots of items, field-level diffs, the plan "as it was on" a
date, and the history of one item.

A snapshot is a JSON-safe dict of the fields that make up an item of the plan:

- text, numbers and dates as strings (dates in ISO format, amounts with the field's decimals);
- a foreign key as its display name under the field's name and its id under ``<field>_id``
  (``"lead": "Comité logement", "lead_id": 12``);
- many-to-many relations (co-leads, partners) as the sorted list of names;
- the parent's id (``priority_id``, ``objective_id``, ``strategy_id``) so that a removed item can be
  put back where it was.

An activity's status is part of it: on an adopted plan, changing it is a revision like any other
change (with its reason and, when the charter reserves changes of activities, its decision). The
progress updates (news, percentage) are the follow-up of the plan and stay out of revisions.

A diff is ``{field: [before, after]}`` over the fields that changed, with display names for foreign
keys (an id that changed under an unchanged name still shows). Parent ids never show.

"As it was on" starts from the plan as it is now and undoes, from the most recent back, every
revision made after the moment: an addition is dropped, a removal is put back from its ``before``
snapshot, an edit (a move included) gets its ``before`` snapshot back. Every change of position is
recorded (services renumber siblings through revisions), so the items come back in their
then-order. Changes made while the plan was a draft are not recorded: "as it was on" a date before
the adoption shows the plan as adopted.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import partial

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from concertation.core import audit, formatting

from .models import Activity, Indicator, Measurement, Objective, Plan, Priority, Revision, Strategy

MODELS = {
    "plan": Plan, "priority": Priority, "objective": Objective, "strategy": Strategy, "activity": Activity,
    "indicator": Indicator, "measurement": Measurement,
}

# The fields of each kind that a snapshot keeps, in display order.
FIELDS = {
    "plan": ["title", "starts_on", "ends_on", "vision"],
    "priority": ["title", "description", "position"],
    "objective": ["title", "description", "position", "priority"],
    "strategy": ["title", "description", "position", "objective"],
    "activity": [
        "title", "description", "position", "strategy", "lead", "co_leads", "partners", "budget_amount",
        "funder", "starts_on", "ends_on", "working_group", "status",
    ],
    "indicator": [
        "name", "unit", "baseline_value", "baseline_date", "target_value", "target_date", "direction",
        "frequency", "source", "responsible", "objective", "activity", "position",
    ],
    # A measurement is the follow-up of the plan: its corrections are traced, "as it was on" skips them.
    "measurement": ["date", "value", "note", "indicator"],
}
# Foreign keys to the parent item: kept as ids only (never shown in a diff).
PARENT_FIELDS = {"priority", "objective", "strategy", "activity", "indicator"}
# Kept out of the diff of an addition or a removal (noise: the whole item comes or goes).
QUIET_ON_ADD_REMOVE = {"position", "status"}

FIELD_LABELS = {
    "title": gettext_lazy("Titre"),
    "name": gettext_lazy("Nom"),
    "description": gettext_lazy("Description"),
    "vision": gettext_lazy("Vision"),
    "position": gettext_lazy("Ordre"),
    "starts_on": gettext_lazy("Début"),
    "ends_on": gettext_lazy("Fin"),
    "lead": gettext_lazy("Porteur"),
    "co_leads": gettext_lazy("Coporteurs"),
    "partners": gettext_lazy("Partenaires"),
    "budget_amount": gettext_lazy("Budget"),
    "funder": gettext_lazy("Bailleur de fonds"),
    "working_group": gettext_lazy("Comité qui suit"),
    "status": gettext_lazy("Statut"),
    "unit": gettext_lazy("Unité"),
    "baseline_value": gettext_lazy("Valeur de départ"),
    "baseline_date": gettext_lazy("Date de la valeur de départ"),
    "target_value": gettext_lazy("Cible"),
    "target_date": gettext_lazy("Date de la cible"),
    "direction": gettext_lazy("Sens souhaité"),
    "frequency": gettext_lazy("Fréquence de mesure"),
    "source": gettext_lazy("Source"),
    "responsible": gettext_lazy("Organisme responsable"),
    "date": gettext_lazy("Date"),
    "value": gettext_lazy("Valeur"),
    "note": gettext_lazy("Note"),
}

KIND_LABELS = {
    "plan": gettext_lazy("Plan"),
    "priority": gettext_lazy("Priorité"),
    "objective": gettext_lazy("Objectif"),
    "strategy": gettext_lazy("Stratégie"),
    "activity": gettext_lazy("Action"),
    "indicator": gettext_lazy("Indicateur"),
    "measurement": gettext_lazy("Mesure"),
}


# Snapshots --------------------------------------------------------------------------------------

def kind_of(item) -> str:
    return item._meta.model_name


def _json_value(field: models.Field, value):
    if value is None:
        return None
    if isinstance(field, models.DecimalField):
        return str(Decimal(value).quantize(Decimal(1).scaleb(-field.decimal_places)))
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def snapshot(item, *, names: dict | None = None) -> dict:
    """The item's fields as a JSON-safe dict (see the module's docstring). Reads relations through
    the instance, so select_related/prefetch_related keep it free of queries; ``names`` may give
    the names of many-to-many relations already read ({"co_leads": [...], ...})."""
    kind = kind_of(item)
    data: dict = {}
    for name in FIELDS[kind]:
        field = item._meta.get_field(name)
        if field.many_to_many:
            if names is not None and name in names:
                data[name] = sorted(names[name])
            else:
                data[name] = sorted(_display_name(obj) for obj in getattr(item, name).all())
        elif field.is_relation:
            pk = getattr(item, field.attname)
            if name in PARENT_FIELDS:
                data[f"{name}_id"] = pk
            else:
                related = getattr(item, name) if pk is not None else None
                data[name] = _display_name(related)
                data[f"{name}_id"] = pk
        else:
            data[name] = _json_value(field, getattr(item, name))
    return data


def snapshot_rows(queryset, *, names: dict | None = None, extra: tuple[str, ...] = ()):
    """``(id, snapshot, extras)`` of each item of ``queryset``: the dict snapshot() gives, read as
    values rather than as instances (a large plan's page reads 1 200 activities; tests/planning
    check both agree). A foreign key's display name is its ``name`` (what ``str()`` gives for the
    organizations and spaces a plan points to); ``names`` gives the many-to-many names by item
    ({"co_leads": {id: [name, …]}, …}); ``extras``: the values of the ``extra`` columns (annotations
    included), in their order. No order: the caller sorts."""
    model = queryset.model
    columns: list[str] = ["id"]
    keys: list[str] = []        # the snapshot's keys, in its order, each read from columns[1 + rank]
    converted: list[tuple] = []  # (key, converter) of amounts and dates
    many: list[str] = []        # many-to-many keys (their place kept in ``keys``, filled from ``names``)
    for name in FIELDS[model._meta.model_name]:
        field = model._meta.get_field(name)
        if field.many_to_many:
            keys.append(name)
            columns.append("id")
            many.append(name)
        elif field.is_relation and name in PARENT_FIELDS:
            keys.append(f"{name}_id")
            columns.append(field.attname)
        elif field.is_relation:  # the name (NULL without a related row), then the id
            keys.extend((name, f"{name}_id"))
            columns.extend((f"{name}__name", field.attname))
        else:
            keys.append(name)
            columns.append(name)
            if isinstance(field, (models.DecimalField, models.DateField)):
                converted.append((name, partial(_json_value, field)))
    first_extra = len(columns)
    columns.extend(extra)
    by_item = names or {}
    for row in queryset.order_by().values_list(*columns):
        pk = row[0]
        data = dict(zip(keys, row[1:first_extra], strict=True))
        for key, convert in converted:
            value = data[key]
            if value is not None:
                data[key] = convert(value)
        for key in many:
            data[key] = sorted(by_item.get(key, {}).get(pk, []))
        yield pk, data, row[first_extra:]


def _display_name(obj) -> str | None:
    if obj is None:
        return None
    return getattr(obj, "name", None) or str(obj)


def label_of(item) -> str:
    return (getattr(item, "title", None) or getattr(item, "name", "") or str(item))[:300]


# Diffs ------------------------------------------------------------------------------------------

def _empty(value) -> bool:
    return value is None or value == "" or value == []


def diff(before: dict | None, after: dict | None) -> dict:
    """``{field: [before, after]}`` for each field that changed (see the module's docstring)."""
    adding_or_removing = before is None or after is None
    before, after = before or {}, after or {}
    keys = list(dict.fromkeys([*before, *after]))
    changes: dict = {}
    for key in keys:
        if key.endswith("_id") and (key[:-3] in keys or key[:-3] in PARENT_FIELDS):
            continue  # an id is shown through its name; a parent never shows
        if adding_or_removing and key in QUIET_ON_ADD_REMOVE:
            continue
        old, new = before.get(key), after.get(key)
        id_key = f"{key}_id"
        changed = old != new or before.get(id_key) != after.get(id_key)
        if not changed or (adding_or_removing and _empty(old) and _empty(new)):
            continue
        changes[key] = [old, new]
    return changes


# Recording --------------------------------------------------------------------------------------

def record_revision(*, plan: Plan, item_type: str, item_id: int, item_label: str, action: str,
                    before: dict | None = None, after: dict | None = None, reason: str = "",
                    decision=None, by=None, at: datetime | None = None) -> Revision | None:
    """Record one change of an adopted plan. An edit that changes nothing records nothing (None).

    The caller checks the rules first (services.check_change: a reason on an adopted plan, a
    decision when the charter reserves the change); this only writes.
    """
    changes = diff(before, after)
    if action == Revision.Action.EDIT and not changes:
        return None
    revision = Revision.objects.create(
        plan=plan, item_type=item_type, item_id=item_id, item_label=(item_label or "")[:300], action=action,
        diff=changes, before=before, after=after, reason=(reason or "").strip(), decision=decision, author=by,
        made_at=at or timezone.now(),
    )
    audit.record(action="plan.revised", actor=by, target=revision, territory_id=plan.space.territory_id,
                 target_label=revision.item_label, space=plan.space_id, plan=plan.pk, item_type=item_type,
                 item_id=item_id, change=action, fields=sorted(changes), decision=decision.pk if decision else None)
    from .events import notify_revised

    notify_revised(plan, revision, by=by)
    return revision


def history_of(item_type: str, item_id: int, *, plan: Plan | None = None):
    """The revisions of one item, most recent first, with their decision and author."""
    revisions = Revision.objects.filter(item_type=item_type, item_id=item_id)
    if plan is not None:
        revisions = revisions.filter(plan=plan)
    return revisions.select_related("decision__space__territory", "author").order_by("-made_at", "-id")


# "As it was on" ---------------------------------------------------------------------------------

def undo(items: dict, revisions) -> dict:
    """Undo ``revisions`` (most recent first) on ``items`` ({(kind, id): snapshot}), in place."""
    for revision in revisions:
        key = (revision.item_type, revision.item_id)
        if revision.action == Revision.Action.ADD:
            items.pop(key, None)
        elif revision.before is not None:
            # A removal puts the item back; an edit gets its fields back.
            items[key] = dict(revision.before)
    return items


def plan_as_of(plan: Plan, moment: datetime, *, with_indicators: bool = False):
    """The plan as it was at ``moment`` (a PlanTree, see selectors): the current tree with every
    later revision undone."""
    from .selectors import build_plan_tree, plan_items

    items, _extras = plan_items(plan, with_indicators=with_indicators)
    items[("plan", plan.pk)] = snapshot(plan)
    kinds = ["plan", "priority", "objective", "strategy", "activity"] + (["indicator"] if with_indicators else [])
    later = (
        Revision.objects.filter(plan=plan, made_at__gt=moment, item_type__in=kinds)
        .only("item_type", "item_id", "action", "before", "made_at")
        .order_by("-made_at", "-id")
    )
    undo(items, later)
    plan_data = items.pop(("plan", plan.pk), None) or snapshot(plan)
    return build_plan_tree(plan, items, extras={}, plan_data=plan_data, as_of=moment)


# Display ----------------------------------------------------------------------------------------

def money(value) -> str:
    """« 12 500 $ » in French, « $12,500 » in English (cents only when there are some)."""
    return formatting.money(value)


def number(value) -> str:
    return formatting.number(value)


def _choice_label(kind: str, field_name: str, value) -> str:
    field = MODELS[kind]._meta.get_field(field_name)
    return str(dict(field.flatchoices).get(value, value))


def display_value(kind: str, field_name: str, value) -> str:
    """A snapshot value as a person reads it."""
    if _empty(value):
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    model = MODELS.get(kind)
    field = model._meta.get_field(field_name) if model and field_name in FIELDS.get(kind, []) else None
    if field is not None and field.choices:
        return _choice_label(kind, field_name, value)
    if field_name == "budget_amount":
        return money(value)
    if isinstance(field, models.DecimalField):
        return number(value)
    if isinstance(field, models.DateField):
        try:
            return formatting.day(date.fromisoformat(value))
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def describe_diff(revision: Revision) -> list[dict]:
    """[{field, label, before, after}] of a revision, readable, in the kind's field order."""
    order = FIELDS.get(revision.item_type, [])
    keys = sorted(revision.diff or {}, key=lambda key: order.index(key) if key in order else len(order))
    rows = []
    for key in keys:
        old, new = (revision.diff[key] + [None, None])[:2]
        rows.append({
            "field": key, "label": str(FIELD_LABELS.get(key, key)),
            "before": display_value(revision.item_type, key, old), "after": display_value(revision.item_type, key, new),
            "before_empty": _empty(old), "after_empty": _empty(new),
        })
    return rows


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


# Translated when read (a page lists several revisions; translating the whole table for each cost
# more than the rest of its row).
ACTION_SENTENCES = {
    ("priority", "add"): gettext_lazy("Priorité ajoutée"), ("priority", "edit"): gettext_lazy("Priorité modifiée"),
    ("priority", "remove"): gettext_lazy("Priorité retirée"),
    ("objective", "add"): gettext_lazy("Objectif ajouté"), ("objective", "edit"): gettext_lazy("Objectif modifié"),
    ("objective", "remove"): gettext_lazy("Objectif retiré"),
    ("strategy", "add"): gettext_lazy("Stratégie ajoutée"), ("strategy", "edit"): gettext_lazy("Stratégie modifiée"),
    ("strategy", "remove"): gettext_lazy("Stratégie retirée"),
    ("activity", "add"): gettext_lazy("Action ajoutée"), ("activity", "edit"): gettext_lazy("Action modifiée"),
    ("activity", "remove"): gettext_lazy("Action retirée"),
    ("indicator", "add"): gettext_lazy("Indicateur ajouté"), ("indicator", "edit"): gettext_lazy("Indicateur modifié"),
    ("indicator", "remove"): gettext_lazy("Indicateur retiré"),
    ("measurement", "edit"): gettext_lazy("Mesure corrigée"), ("measurement", "remove"): gettext_lazy("Mesure supprimée"),
    ("plan", "edit"): gettext_lazy("Plan modifié"),
}
MOVED_SENTENCES = {"priority": gettext_lazy("Priorité déplacée"), "objective": gettext_lazy("Objectif déplacé"),
                   "strategy": gettext_lazy("Stratégie déplacée"), "activity": gettext_lazy("Action déplacée"),
                   "indicator": gettext_lazy("Indicateur déplacé")}


def action_sentence(revision: Revision) -> str:
    """« Action modifiée », « Objectif ajouté »… (agreement with the kind's gender in French)."""
    if revision.action == Revision.Action.EDIT and set(revision.diff or {}) == {"position"}:
        if revision.item_type in MOVED_SENTENCES:
            return str(MOVED_SENTENCES[revision.item_type])
    sentence = ACTION_SENTENCES.get((revision.item_type, revision.action))
    return str(sentence) if sentence is not None else revision.get_action_display()
