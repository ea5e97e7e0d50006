"""Writes of a plan's measurements. ``measurement_add``: a measurement is the follow-up of the plan,
not a revision; one per indicator and date (a second one on the same date is refused with a clear
message), never in the future. ``measurement_correct`` / ``measurement_delete``: fix a mistyped
measurement (value, date, note) or delete it, by whoever may record the indicator's measurements,
always with a reason. The same rules as adding hold. On an adopted plan the change is a revision of
kind "measurement" (who, when, the value before and after, the reason; the audit log follows
through ``record_revision``); it needs no decision and "as it was on" leaves it aside."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concertation.core import formatting
from concertation.core.errors import DomainError

from ..indicators import number_or_error, show
from ..models import Indicator, Measurement, Plan, Revision
from ..revisions import diff, record_revision, snapshot
from .checks import check_not_archived


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
    value = number_or_error(value, "value", required=True)
    note = " ".join(str(note or "").split())
    if len(note) > 300:
        raise DomainError(_("La note dépasse 300 caractères."), field="note")
    return value, note


@transaction.atomic
def measurement_add(*, indicator: Indicator, date: date, value, note: str = "", by=None,
                    today: date | None = None) -> Measurement:
    """Record a measurement (the follow-up of the plan: no revision). One per indicator and date."""
    plan = Plan.objects.only("status").get(pk=indicator.plan_id)
    check_not_archived(plan)
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
    check_not_archived(plan)
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
    check_not_archived(plan)
    _check_recorder(by, indicator, plan)
    reason = _measurement_reason(reason)
    if plan.status == Plan.Status.ADOPTED:
        record_revision(plan=plan, item_type="measurement", item_id=current.pk,
                        item_label=measurement_label(indicator, current.date), action=Revision.Action.REMOVE,
                        before=snapshot(current), reason=reason, by=by, at=now)
    current.delete()
