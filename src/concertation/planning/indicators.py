"""Indicators of a plan: writing them, their measurements, and their computed status.

Writing (services, keyword-only, atomic):

- ``indicator_add`` / ``indicator_edit`` / ``indicator_remove``: on an adopted plan every change is
  a revision (``revisions.record_revision``) with its reason and, when the charter in force reserves
  it, the decision that authorises it (``services.check_change``). Adding, removing or editing an
  indicator (other than its target) is reserved like the item it hangs under: kind "activity" for
  an indicator of an activity, "objective" for one of an objective or of the whole plan. A change
  of target goes through ``services.indicator_target_edit`` (kind "indicator_target").
- ``measurement_add``: a measurement is the follow-up of the plan, not a revision; one per indicator
  and date (a second one on the same date is refused with a clear message), never in the future.
- ``measurement_correct`` / ``measurement_delete``: fix a mistyped measurement (value, date, note)
  or delete it, by whoever may record the indicator's measurements, always with a reason. The same
  rules as adding hold (one per date, not in the future). On an adopted plan the change is a
  revision of kind "measurement" (who, when, the value before and after, the reason; the audit log
  follows through ``record_revision``); it needs no decision and "as it was on" leaves it aside.

Reading: ``indicator_status`` applies the rule of docs/indicators.md (on track, at risk, off track,
no data), ``next_measurement_due`` says when the next measurement is expected. Both are pure
functions of the indicator's fields and its measurements, so pages compute them without queries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from concertation.core import formatting
from concertation.core.dates import add_months
from concertation.core.errors import DomainError
from concertation.decisions.models import Proposal

from . import revisions
from .models import Activity, Indicator, Measurement, Objective, Plan, Revision
from .revisions import diff, label_of, number, record_revision, snapshot
from .services import check_change, indicator_target_edit

# Labels of the display-only keys that a revision adds when an indicator changes level (the
# snapshot keeps the parent as an id, which a diff never shows). Kept here until revisions.py
# lists them itself; setdefault leaves its own labels alone.
revisions.FIELD_LABELS.setdefault("objective", gettext_lazy("Objectif"))
revisions.FIELD_LABELS.setdefault("activity", gettext_lazy("Action"))

ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA = "on_track", "at_risk", "off_track", "no_data"
ON_TRACK_RATIO = Decimal("0.9")
AT_RISK_RATIO = Decimal("0.6")
STATUS_LABELS = {
    ON_TRACK: gettext_lazy("En bonne voie"),
    AT_RISK: gettext_lazy("À surveiller"),
    OFF_TRACK: gettext_lazy("En retard"),
    NO_DATA: gettext_lazy("Pas de données"),
}
STATUS_BADGES = {ON_TRACK: "badge-ok", AT_RISK: "badge-warn", OFF_TRACK: "badge-danger", NO_DATA: ""}
STATUS_ORDER = [OFF_TRACK, AT_RISK, ON_TRACK, NO_DATA]
FREQUENCY_MONTHS = {
    Indicator.Frequency.MONTHLY: 1, Indicator.Frequency.QUARTERLY: 3, Indicator.Frequency.YEARLY: 12,
}
TARGET_FIELDS = ("target_value", "target_date")
FIELDS = ("name", "unit", "baseline_value", "baseline_date", "target_value", "target_date", "direction",
          "frequency", "source", "responsible", "objective", "activity")
VALUE_LIMIT = Decimal(10) ** 10  # max_digits 14, decimal_places 4
FOUR_PLACES = Decimal("0.0001")


# Numbers ----------------------------------------------------------------------------------------

def parse_number(text) -> Decimal:
    """A number as people type it: « 1 200 », « 18,5 », « 18,5 % », « 1 234,5 », « 1,234.5 », 12.5.

    A comma alone is the decimal separator (as in French); when both a comma and a point appear,
    the last one is the decimal separator and the other groups digits. Spaces group digits. Raises
    ValueError for anything else.
    """
    if isinstance(text, Decimal | int):
        return _checked(Decimal(text))
    if isinstance(text, float):
        return _checked(Decimal(str(text)))
    raw = str(text or "").strip()
    for space in ("\u00a0", "\u202f", " ", "'"):
        raw = raw.replace(space, "")
    raw = raw.removesuffix("%")
    raw = raw.removeprefix("+")
    if "," in raw and "." in raw:
        if raw.rfind(",") > raw.rfind("."):
            raw = raw.replace(".", "").replace(",", ".")
        else:
            raw = raw.replace(",", "")
    elif raw.count(",") == 1:
        raw = raw.replace(",", ".")
    if not re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)", raw):
        raise ValueError(text)
    try:
        return _checked(Decimal(raw))
    except InvalidOperation:
        raise ValueError(text) from None


def _checked(value: Decimal) -> Decimal:
    value = value.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)
    if abs(value) >= VALUE_LIMIT:
        raise ValueError(value)
    return value


def _number_or_error(value, field: str, *, required: bool) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise DomainError(_("Indiquez une valeur."), field=field)
        return None
    try:
        return parse_number(value)
    except ValueError:
        raise DomainError(_("« %(value)s » n'est pas un nombre : écrivez par exemple 1200 ou 18,5.")
                          % {"value": value}, field=field) from None


def show(value) -> str:
    """A value as a person reads it (« 1 200 », « 18,5 »), or « — »."""
    return number(value) if value is not None else "—"


def approx(value) -> str:
    """A computed value, rounded as a person would say it: « 260 », « 18,0 », « 2,35 »."""
    if value is None:
        return "—"
    value = Decimal(value)
    places = Decimal(1) if abs(value) >= 100 else Decimal("0.1") if abs(value) >= 10 else Decimal("0.01")
    return formats.number_format(value.quantize(places, rounding=ROUND_HALF_UP), use_l10n=True,
                                 force_grouping=True)


# Status -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Point:
    date: date
    value: Decimal


@dataclass
class IndicatorStatus:
    """The computed status of an indicator at its latest measurement (docs/indicators.md)."""

    key: str
    latest: Point | None = None
    baseline: Point | None = None
    expected: Decimal | None = None
    ratio: Decimal | None = None
    reached: bool = False
    reason: str = ""  # why there is no status, for "no data"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.key])

    @property
    def badge(self) -> str:
        return STATUS_BADGES[self.key]

    @property
    def percent(self) -> int | None:
        """The progress ratio as a whole percentage (for the tables)."""
        if self.ratio is None:
            return None
        return int((self.ratio * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _sign(direction: str) -> int:
    return -1 if direction == Indicator.Direction.DECREASE else 1


def indicator_status(indicator: Indicator, points: list[Point], *, plan_start: date | None = None,
                     as_of: date | None = None) -> IndicatorStatus:
    """The status of ``indicator`` from its measurements (``points``, any order), considering only
    those on or before ``as_of`` when given. Pure: no query."""
    points = sorted((p for p in points if as_of is None or p.date <= as_of), key=lambda p: p.date)
    if not points:
        return IndicatorStatus(NO_DATA, reason=_("Aucune mesure pour l'instant."))
    latest = points[-1]
    target = Decimal(indicator.target_value)
    sign = _sign(indicator.direction)
    if indicator.baseline_value is not None:
        start = indicator.baseline_date or plan_start or points[0].date
        baseline = Point(start, Decimal(indicator.baseline_value))
    elif len(points) >= 2:
        baseline = points[0]
    else:
        return IndicatorStatus(NO_DATA, latest=latest,
                               reason=_("Une seule mesure et pas de valeur de départ : il faut un point de "
                                        "comparaison."))
    status = IndicatorStatus(ON_TRACK, latest=latest, baseline=baseline)
    if (latest.value - target) * sign >= 0:
        status.reached = True
        status.expected = target
        return status
    span = (indicator.target_date - baseline.date).days
    elapsed = (latest.date - baseline.date).days
    fraction = Decimal(1) if span <= 0 else min(Decimal(1), max(Decimal(0), Decimal(elapsed) / Decimal(span)))
    expected = baseline.value + (target - baseline.value) * fraction
    status.expected = expected.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)
    if expected == baseline.value:
        # Nothing expected yet (the latest measurement is not later than the baseline).
        status.key = ON_TRACK if (latest.value - baseline.value) * sign >= 0 else AT_RISK
        return status
    ratio = (latest.value - baseline.value) / (expected - baseline.value)
    status.ratio = ratio.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if ratio >= ON_TRACK_RATIO:
        status.key = ON_TRACK
    elif ratio >= AT_RISK_RATIO:
        status.key = AT_RISK
    else:
        status.key = OFF_TRACK
    return status


def status_sentence(indicator: Indicator, status: IndicatorStatus) -> str:
    """The figures behind the status, in one plain sentence (shown next to the status, in words)."""
    unit = f" {indicator.unit}" if indicator.unit else ""
    if status.key == NO_DATA:
        return status.reason
    latest = _("%(value)s%(unit)s le %(date)s") % {
        "value": show(status.latest.value), "unit": unit, "date": formatting.day(status.latest.date)}
    target = _("%(value)s%(unit)s d'ici le %(date)s") % {
        "value": show(indicator.target_value), "unit": unit,
        "date": formatting.day(indicator.target_date)}
    if status.reached:
        return _("Cible atteinte : %(latest)s (cible : %(target)s).") % {"latest": latest, "target": target}
    if status.ratio is None:
        return _("%(latest)s, par rapport à la valeur de départ de %(baseline)s%(unit)s (cible : %(target)s).") % {
            "latest": latest, "baseline": show(status.baseline.value), "unit": unit, "target": target}
    return _("%(latest)s; on attendait %(expected)s%(unit)s à cette date pour atteindre la cible (%(target)s), "
             "soit %(percent)s %% du chemin prévu.") % {
        "latest": latest, "expected": approx(status.expected), "unit": unit, "target": target,
        "percent": status.percent}


def next_measurement_due(indicator: Indicator, latest: date | None, *, plan_start: date | None = None) -> date:
    """When the next measurement is expected: one period (month, quarter, year) after the latest
    measurement, or after the baseline date, or after the start of the plan."""
    start = latest or indicator.baseline_date or plan_start or timezone.localdate()
    return add_months(start, FREQUENCY_MONTHS.get(indicator.frequency, 12))


def measurement_due(indicator: Indicator, latest: date | None, *, plan_start: date | None = None,
                    today: date | None = None) -> bool:
    """True when the next measurement's date is past: the latest one is older than the frequency."""
    today = today or timezone.localdate()
    return next_measurement_due(indicator, latest, plan_start=plan_start) < today


# Writing indicators -----------------------------------------------------------------------------

def _locked_plan(plan_id: int) -> Plan:
    return Plan.objects.select_for_update().select_related("space").get(pk=plan_id)


def _check_writable(plan: Plan) -> None:
    if plan.status == Plan.Status.ARCHIVED:
        raise DomainError(_("Ce plan est archivé : il ne se modifie plus."))


def reservation_kind(objective_id, activity_id) -> str:
    """The kind of change an indicator's addition, removal or edit is reserved as (see the module)."""
    return "activity" if activity_id else "objective"


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
        "baseline_value": _number_or_error(fields.get("baseline_value"), "baseline_value", required=False),
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
    cleaned["target_value"] = _number_or_error(fields.get("target_value"), "target_value", required=True)
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
    locked = _locked_plan(plan.pk)
    _check_writable(locked)
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
    locked = _locked_plan(indicator.plan_id)
    _check_writable(locked)
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
    locked = _locked_plan(indicator.plan_id)
    current = Indicator.objects.select_related("responsible").get(pk=indicator.pk)
    reason = check_change(plan=locked, kind=reservation_kind(current.objective_id, current.activity_id),
                          reason=reason, decision=decision)
    if locked.status == Plan.Status.ADOPTED:
        record_revision(plan=locked, item_type="indicator", item_id=current.pk, item_label=label_of(current),
                        action=Revision.Action.REMOVE, before=snapshot(current), reason=reason, decision=decision,
                        by=by, at=now)
    current.delete()


# Measurements -----------------------------------------------------------------------------------

def duplicate_message(indicator: Indicator, day: date, value) -> str:
    return _("Une mesure existe déjà pour « %(name)s » le %(date)s (valeur : %(value)s) : il ne peut y avoir "
             "qu'une mesure par date.") % {
        "name": indicator.name, "date": formatting.day(day), "value": show(value)}


def check_measurement(*, day: date | None, value, note: str = "", today: date | None = None):
    """(value, note) cleaned, or DomainError: a date not in the future, a number, a short note."""
    today = today or timezone.localdate()
    if not day:
        raise DomainError(_("Indiquez la date de la mesure."), field="date")
    if day > today:
        raise DomainError(_("La date de la mesure est dans le futur : une mesure se saisit une fois prise."),
                          field="date")
    value = _number_or_error(value, "value", required=True)
    note = " ".join(str(note or "").split())
    if len(note) > 300:
        raise DomainError(_("La note dépasse 300 caractères."), field="note")
    return value, note


@transaction.atomic
def measurement_add(*, indicator: Indicator, date: date, value, note: str = "", by=None,
                    today: date | None = None) -> Measurement:
    """Record a measurement (the follow-up of the plan: no revision). One per indicator and date."""
    plan = Plan.objects.only("status").get(pk=indicator.plan_id)
    _check_writable(plan)
    value, note = check_measurement(day=date, value=value, note=note, today=today)
    Indicator.objects.select_for_update().filter(pk=indicator.pk).first()  # one writer per indicator
    existing = Measurement.objects.filter(indicator=indicator, date=date).first()
    if existing is not None:
        raise DomainError(duplicate_message(indicator, date, existing.value), field="date")
    try:
        with transaction.atomic():
            return Measurement.objects.create(indicator=indicator, date=date, value=value, note=note,
                                              recorded_by=by)
    except IntegrityError:
        raise DomainError(duplicate_message(indicator, date, value), field="date") from None


def measurement_label(indicator: Indicator, day: date) -> str:
    """The label a revision keeps for a measurement: the indicator's name and the date (ISO, so it
    reads the same in every language)."""
    return f"{indicator.name} ({day.isoformat()})"[:300]


def _check_recorder(by, indicator: Indicator, plan: Plan) -> None:
    indicator.plan = plan
    if by is None or not by.has_perm("planning.record_measurement", indicator):
        raise PermissionDenied


def _measurement_reason(reason) -> str:
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise DomainError(_("Dites pourquoi la mesure change : la raison est inscrite à l'historique."),
                          field="reason")
    if len(reason) > 1000:
        raise DomainError(_("%(limit)s caractères au plus.") % {"limit": 1000}, field="reason")
    return reason


def _locked_measurement(measurement: Measurement) -> tuple[Measurement, Indicator, Plan]:
    """The measurement, its indicator (locked: one writer per indicator) and its plan."""
    indicator = Indicator.objects.select_for_update().get(pk=measurement.indicator_id)
    plan = Plan.objects.select_related("space").get(pk=indicator.plan_id)
    current = Measurement.objects.filter(pk=measurement.pk, indicator=indicator).first()
    if current is None:
        raise DomainError(_("Cette mesure n'existe plus : elle a peut-être été supprimée entre-temps."))
    return current, indicator, plan


@transaction.atomic
def measurement_correct(*, measurement: Measurement, by, value, date: date | None = None, note: str | None = None,
                        reason: str, today: date | None = None, now: datetime | None = None) -> Measurement:
    """Correct a measurement (its value, and its date or note when given), with a reason. Refused
    when the new date already has a measurement of the indicator. A correction that changes
    nothing does nothing."""
    current, indicator, plan = _locked_measurement(measurement)
    _check_writable(plan)
    _check_recorder(by, indicator, plan)
    day = date or current.date
    value, note = check_measurement(day=day, value=value, note=current.note if note is None else note, today=today)
    reason = _measurement_reason(reason)
    if day != current.date:
        existing = Measurement.objects.filter(indicator=indicator, date=day).exclude(pk=current.pk).first()
        if existing is not None:
            raise DomainError(duplicate_message(indicator, day, existing.value), field="date")
    before = snapshot(current)
    current.date, current.value, current.note = day, value, note
    after = snapshot(current)
    if not diff(before, after):
        return current
    try:
        with transaction.atomic():
            current.save()
    except IntegrityError:
        raise DomainError(duplicate_message(indicator, day, value), field="date") from None
    if plan.status == Plan.Status.ADOPTED:
        record_revision(plan=plan, item_type="measurement", item_id=current.pk,
                        item_label=measurement_label(indicator, day), action=Revision.Action.EDIT, before=before,
                        after=after, reason=reason, by=by, at=now)
    measurement.date, measurement.value, measurement.note = current.date, current.value, current.note
    return current


@transaction.atomic
def measurement_delete(*, measurement: Measurement, by, reason: str, now: datetime | None = None) -> None:
    """Delete a measurement, with a reason; on an adopted plan, a revision keeps what it was."""
    current, indicator, plan = _locked_measurement(measurement)
    _check_writable(plan)
    _check_recorder(by, indicator, plan)
    reason = _measurement_reason(reason)
    if plan.status == Plan.Status.ADOPTED:
        record_revision(plan=plan, item_type="measurement", item_id=current.pk,
                        item_label=measurement_label(indicator, current.date), action=Revision.Action.REMOVE,
                        before=snapshot(current), reason=reason, by=by, at=now)
    current.delete()
