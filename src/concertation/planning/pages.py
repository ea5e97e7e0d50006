"""What the follow-up pages show beyond the dashboard and the bilan (dashboard.py, bilan.py): an
indicator's page, the measurement forms' side panels, the measurement import's help. Plain
functions the views call; each returns the context a template needs (reads only)."""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext as _

from concertation.core.tabular import english

from . import charts
from .dashboard import line_for
from .indicators import (
    Point,
    indicator_status,
    measurement_due,
    next_measurement_due,
    show,
    status_sentence,
)
from .measurements_import import COLUMNS
from .models import Indicator, Measurement, Plan
from .revisions import history_of
from .selectors import item_number


def day_text(day) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def value_on(indicator: Indicator, value, day) -> str:
    """« 1 200 ménages, le 31 mars 2025 » (« — » without a value)."""
    if value is None:
        return "—"
    text = show(value) + (f" {indicator.unit}" if indicator.unit else "")
    return _("%(value)s, le %(date)s") % {"value": text, "date": day_text(day)} if day else text


def level_label(plan: Plan, indicator: Indicator) -> str:
    if indicator.activity_id:
        return _("Action %(number)s · %(title)s") % {
            "number": item_number(plan, "activity", indicator.activity_id), "title": indicator.activity.title}
    if indicator.objective_id:
        return _("Objectif %(number)s · %(title)s") % {
            "number": item_number(plan, "objective", indicator.objective_id), "title": indicator.objective.title}
    return _("Tout le plan")


def indicator_page(plan: Plan, indicator: Indicator, *, user) -> dict:
    """The indicator's page: its measurements (newest first), status, charts, what is due, and what
    ``user`` may do there."""
    measurements = list(Measurement.objects.filter(indicator=indicator).select_related("recorded_by")
                        .order_by("-date"))
    points = [Point(m.date, m.value) for m in measurements]
    status = indicator_status(indicator, points, plan_start=plan.starts_on)
    latest = status.latest.date if status.latest else None
    bar = charts.bar_chart(chart_id=f"indicateur-bar-{indicator.pk}", name=indicator.name, unit=indicator.unit,
                           baseline=indicator.baseline_value, latest=status.latest.value if status.latest else None,
                           target=indicator.target_value, target_date=indicator.target_date,
                           status_label=status.label)
    line = line_for(indicator, sorted((p.date, p.value) for p in points), plan,
                    chart_id=f"indicateur-line-{indicator.pk}")
    writable = plan.status != Plan.Status.ARCHIVED
    rows = [{"pk": m.pk, "date": m.date, "value": show(m.value), "note": m.note, "by": m.recorded_by}
            for m in measurements]
    return {
        "indicator": indicator, "measurements": measurements, "rows": rows, "status": status,
        "baseline_text": value_on(indicator, indicator.baseline_value, indicator.baseline_date or None),
        "target_text": value_on(indicator, indicator.target_value, indicator.target_date),
        "sentence": status_sentence(indicator, status), "bar": bar, "line": line,
        "level": level_label(plan, indicator),
        "due": writable and measurement_due(indicator, latest, plan_start=plan.starts_on),
        "next_due": next_measurement_due(indicator, latest, plan_start=plan.starts_on),
        "can_change": writable and user.has_perm("planning.change_plan", plan),
        "can_record": writable and user.has_perm("planning.record_measurement", indicator),
        "revision_count": (history_of("indicator", indicator.pk, plan=plan).count()
                           if plan.status != Plan.Status.DRAFT else 0),
    }


def recent_measurements(indicator: Indicator, count: int = 5) -> list[Measurement]:
    """The last measurements of the indicator, each with its ``display`` text (the form's side panel)."""
    recent = list(Measurement.objects.filter(indicator=indicator).order_by("-date")[:count])
    for measurement in recent:
        measurement.display = value_on(indicator, measurement.value, None)
    return recent


def may_import_measurements(user, plan: Plan) -> bool:
    """The coordination, or a person who records at least one indicator of the plan."""
    if user.has_perm("planning.change_plan", plan):
        return True
    for obj in Indicator.objects.filter(plan=plan).only("id", "plan_id", "responsible_id"):
        obj.plan = plan
        if user.has_perm("planning.record_measurement", obj):
            return True
    return False


def column_help() -> list[dict]:
    accepted = {
        "indicator": _("Le nom de l'indicateur, comme le plan l'écrit (majuscules et accents ignorés), ou son "
                       "identifiant."),
        "date": _("La date de la mesure, écrite AAAA-MM-JJ (par exemple 2025-03-31); pas dans le futur."),
        "value": _("Un nombre : la virgule décimale (18,5) et les espaces entre les milliers (1 200) sont "
                   "acceptés."),
        "note": _("Facultatif, 300 caractères au plus."),
    }
    return [{"header": column.header(), "other": column.header("fr" if english() else "en"),
             "required": column.required, "help": accepted.get(column.key, "")} for column in COLUMNS]


def import_page(plan: Plan) -> dict:
    """What the upload and preview pages of the measurement import show beside the file."""
    indicators = list(Indicator.objects.filter(plan=plan).order_by("position", "id").values("id", "name", "unit"))
    return {"columns": column_help(), "indicators": indicators}
