"""Indicators of a plan, as they are read: their numbers (``parse_number``, ``show``, ``approx``) and
their computed status. Their writes are in services/indicators.py and services/measurements.py.

``indicator_status`` applies the rule of docs/indicators.md (on track, at risk, off track, no
data), ``next_measurement_due`` says when the next measurement is expected. Both are pure functions
of the indicator's fields and its measurements, so pages compute them without queries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from concertation.core import formatting
from concertation.core.dates import add_months
from concertation.core.errors import DomainError

from . import revisions
from .models import Indicator
from .revisions import number

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


def number_or_error(value, field: str, *, required: bool) -> Decimal | None:
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
    rounded = value.quantize(places, rounding=ROUND_HALF_UP)
    if rounded == rounded.to_integral_value():  # « 12 logements », not « 12,0 logements »
        rounded = rounded.quantize(Decimal(1))
    return formats.number_format(rounded, use_l10n=True, force_grouping=True)


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


# What an indicator's change is reserved as --------------------------------------------------------

def reservation_kind(objective_id, activity_id) -> str:
    """The kind of change an indicator's addition, removal or edit is reserved as (see the module)."""
    return "activity" if activity_id else "objective"
