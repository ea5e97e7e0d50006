"""Writes of a plan's indicators: ``indicator_add`` / ``indicator_edit`` / ``indicator_remove``, and
``indicator_target_edit`` for a change of target alone. On an adopted plan every change is a
revision (``revisions.record_revision``) with its reason and, when the charter in force reserves
it, the decision that authorises it (``checks.check_change``). Adding, removing or editing an
indicator (other than its target) is reserved like the item it hangs under
(``indicators.reservation_kind``); a change of target is kind "indicator_target"."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from concertation.core.errors import DomainError
from concertation.decisions.models import Proposal

from ..indicators import number_or_error, reservation_kind
from ..models import Activity, Indicator, Objective, Plan, Revision
from ..revisions import diff, label_of, record_revision, snapshot
from .checks import Status, check_change, check_not_archived, copy_back, locked_plan, reload

TARGET_FIELDS = ("target_value", "target_date")
FIELDS = ("name", "unit", "baseline_value", "baseline_date", "target_value", "target_date", "direction",
          "frequency", "source", "responsible", "objective", "activity")


def _text(value, field: str, limit: int, *, required: bool = False, missing: str = "") -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise DomainError(missing or _("Ce champ est obligatoire."), field=field)
    if len(text) > limit:
        raise DomainError(_("%(limit)s caractères au plus.") % {"limit": limit}, field=field)
    return text


def _clean(plan: Plan, fields: dict) -> dict:
    """Every field of an indicator, validated and normalised (raises DomainError)."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"indicator: unknown fields {sorted(unknown)}")
    cleaned = {
        "name": _text(fields.get("name"), "name", 250, required=True, missing=_("Donnez un nom à l'indicateur.")),
        "unit": _text(fields.get("unit"), "unit", 50),
        "source": _text(fields.get("source"), "source", 250),
        "baseline_value": number_or_error(fields.get("baseline_value"), "baseline_value", required=False),
        "baseline_date": fields.get("baseline_date") or None,
        "target_value": None,
        "target_date": fields.get("target_date") or None,
        "direction": fields.get("direction") or Indicator.Direction.INCREASE,
        "frequency": fields.get("frequency") or Indicator.Frequency.YEARLY,
        "responsible": fields.get("responsible"),
        "objective": fields.get("objective"),
        "activity": fields.get("activity"),
    }
    if fields.get("target_value") in (None, ""):
        raise DomainError(_("Indiquez la cible."), field="target_value")
    cleaned["target_value"] = number_or_error(fields.get("target_value"), "target_value", required=True)
    if not cleaned["target_date"]:
        raise DomainError(_("Indiquez la date de la cible."), field="target_date")
    if cleaned["baseline_date"] and cleaned["baseline_value"] is None:
        raise DomainError(_("Indiquez la valeur de départ, ou videz sa date."), field="baseline_value")
    if cleaned["baseline_date"] and cleaned["baseline_date"] >= cleaned["target_date"]:
        raise DomainError(_("La date de la cible doit venir après celle de la valeur de départ."),
                          field="target_date")
    if cleaned["direction"] not in Indicator.Direction.values:
        raise DomainError(_("Choisissez un sens de la liste."), field="direction")
    if cleaned["frequency"] not in Indicator.Frequency.values:
        raise DomainError(_("Choisissez une fréquence de la liste."), field="frequency")
    objective, activity = cleaned["objective"], cleaned["activity"]
    if objective is not None and activity is not None:
        raise DomainError(_("Rattachez l'indicateur à un objectif ou à une action, pas aux deux."), field="level")
    if objective is not None and Objective.objects.filter(pk=objective.pk, priority__plan=plan).count() != 1:
        raise DomainError(_("Cet objectif appartient à un autre plan."), field="level")
    if activity is not None and Activity.objects.filter(pk=activity.pk, strategy__plan=plan).count() != 1:
        raise DomainError(_("Cette action appartient à un autre plan."), field="level")
    responsible = cleaned["responsible"]
    if responsible is not None and responsible.territory_id != plan.space.territory_id:
        raise DomainError(_("Choisissez un organisme de ce territoire."), field="responsible")
    return cleaned


@transaction.atomic
def indicator_add(*, plan: Plan, by=None, reason: str = "", decision: Proposal | None = None,
                  now: datetime | None = None, **fields) -> Indicator:
    """A new indicator of the plan, of an objective or of an activity (the last of its level)."""
    locked = locked_plan(plan.pk)
    check_not_archived(locked)
    cleaned = _clean(locked, fields)
    kind = reservation_kind(cleaned["objective"], cleaned["activity"])
    reason = check_change(plan=locked, kind=kind, reason=reason, decision=decision)
    top = Indicator.objects.filter(plan=locked).aggregate(top=Max("position"))["top"] or 0
    indicator = Indicator.objects.create(plan=locked, position=top + 1, **cleaned)
    if locked.status == Plan.Status.ADOPTED:
        record_revision(plan=locked, item_type="indicator", item_id=indicator.pk, item_label=label_of(indicator),
                        action=Revision.Action.ADD, after=snapshot(indicator), reason=reason, decision=decision,
                        by=by, at=now)
    return indicator


def _level_label(obj) -> str | None:
    return label_of(obj) if obj is not None else None


@transaction.atomic
def indicator_edit(*, indicator: Indicator, by=None, reason: str = "", decision: Proposal | None = None,
                   now: datetime | None = None, **fields) -> Indicator:
    """Change an indicator. On an adopted plan: one revision for its fields (reserved like its
    level), and one for its target through ``services.indicator_target_edit`` (reserved as
    "indicator_target"). Every rule is checked before anything is written; an edit that changes
    nothing does nothing (and needs no reason)."""
    locked = locked_plan(indicator.plan_id)
    check_not_archived(locked)
    current = Indicator.objects.select_related("responsible", "objective", "activity").get(pk=indicator.pk)
    merged = {name: getattr(current, name) for name in FIELDS}
    merged.update(fields)
    cleaned = _clean(locked, merged)
    before = snapshot(current)
    old_level = (current.objective_id, current.activity_id)
    old_objective, old_activity = current.objective, current.activity
    target = {name: cleaned.pop(name) for name in TARGET_FIELDS}
    for name, value in cleaned.items():
        setattr(current, name, value)
    after = snapshot(current)
    new_level = (current.objective_id, current.activity_id)
    level_changed = old_level != new_level
    if level_changed:
        before.update(objective=_level_label(old_objective), activity=_level_label(old_activity))
        after.update(objective=_level_label(current.objective), activity=_level_label(current.activity))
    fields_changed = bool(diff(before, after))
    target_changed = (Decimal(current.target_value) != target["target_value"]
                      or current.target_date != target["target_date"])
    if not fields_changed and not target_changed:
        return current
    if fields_changed:
        for kind in {reservation_kind(*old_level), reservation_kind(*new_level)}:
            reason = check_change(plan=locked, kind=kind, reason=reason, decision=decision)
    if target_changed:
        reason = check_change(plan=locked, kind="indicator_target", reason=reason, decision=decision)
    if fields_changed:
        current.save()
        if locked.status == Plan.Status.ADOPTED:
            record_revision(plan=locked, item_type="indicator", item_id=current.pk, item_label=label_of(current),
                            action=Revision.Action.EDIT, before=before, after=after, reason=reason,
                            decision=decision, by=by, at=now)
    if target_changed:
        current = indicator_target_edit(indicator=current, reason=reason, decision=decision, by=by, now=now,
                                        **target)
    for name in FIELDS:
        setattr(indicator, name, getattr(current, name))
    return current


@transaction.atomic
def indicator_remove(*, indicator: Indicator, by=None, reason: str = "", decision: Proposal | None = None,
                     now: datetime | None = None) -> None:
    """Remove an indicator and its measurements; on an adopted plan, a revision keeps what it was."""
    locked = locked_plan(indicator.plan_id)
    current = Indicator.objects.select_related("responsible").get(pk=indicator.pk)
    reason = check_change(plan=locked, kind=reservation_kind(current.objective_id, current.activity_id),
                          reason=reason, decision=decision)
    if locked.status == Plan.Status.ADOPTED:
        record_revision(plan=locked, item_type="indicator", item_id=current.pk, item_label=label_of(current),
                        action=Revision.Action.REMOVE, before=snapshot(current), reason=reason, decision=decision,
                        by=by, at=now)
    current.delete()


# A change of target alone ---------------------------------------------------------------------

@transaction.atomic
def indicator_target_edit(*, indicator: Indicator, target_value, target_date: date, reason: str = "",
                          decision: Proposal | None = None, by=None, now: datetime | None = None) -> Indicator:
    """Change an indicator's target; on an adopted plan, a revision (kind "indicator_target" for the
    charter's reservation, recorded with item_type "indicator")."""
    locked = locked_plan(indicator.plan_id)
    check_not_archived(locked)
    if target_value in (None, ""):
        raise DomainError(_("Indiquez la cible."), field="target_value")
    if not target_date:
        raise DomainError(_("Indiquez la date de la cible."), field="target_date")
    current = reload(indicator)
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
    copy_back(current, indicator, ["target_value", "target_date"])
    return current
