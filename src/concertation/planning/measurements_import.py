"""Import the measurements of a plan's indicators from a CSV or XLSX file, all or nothing.

Built on ``concertation.core.tabular`` (the engine of the member import): the same reading of the
file (UTF-8 or Excel, comma, semicolon or tab, French or English headers), the same preview row by
row, and ``apply`` writes every row or none. One row is one measurement:

- « Indicateur » (required): the indicator's name as the plan writes it (case and accents ignored),
  or its number (identifier) as shown on its page;
- « Date » (required): AAAA-MM-JJ, not in the future;
- « Valeur » (required): a number; a decimal comma (« 18,5 ») and spaces between thousands
  (« 1 200 ») are accepted, and so is a trailing « % »;
- « Note »: 300 characters at most.

An indicator has one measurement per date: a row for a date that already has one, or two rows for
the same indicator and date, are errors. A person who records only some indicators (the delegate
of the responsible organization) may import only theirs.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from concertation.core import formatting
from concertation.core.errors import DomainError
from concertation.core.tabular import (
    Column,
    Row,
    RowResult,
    TabularImport,
    normalize,
    parse_date,
    quote,
)

from .indicators import show
from .models import Indicator, Measurement, Plan
from .services import check_measurement, duplicate_message, measurement_add

COLUMNS = [
    Column("indicator", ("Indicateur", "Indicator", "Nom de l'indicateur", "Indicator name", "Identifiant",
                         "ID"), required=True),
    Column("date", ("Date", "Date", "Date de la mesure", "Measurement date", "Jour", "Day"), required=True),
    Column("value", ("Valeur", "Value", "Mesure", "Measurement", "Résultat", "Result"), required=True),
    Column("note", ("Note", "Note", "Commentaire", "Comment", "Remarque", "Notes"), multiline=True),
]
LIST_LIMIT = 8


def header(key: str) -> str:
    return next(column for column in COLUMNS if column.key == key).header()


def template_examples(plan: Plan) -> list[dict[str, str]]:
    """Example rows written with the plan's own indicators (the first two)."""
    names = list(Indicator.objects.filter(plan=plan).order_by("position", "id").values_list("name", flat=True)[:2])
    names = names or [_("Ménages accompagnés")]
    today = timezone.localdate()
    return [{"indicator": name, "date": today.replace(day=1).isoformat(), "value": "12,5" if n else "120",
             "note": _("Source : registre de l'organisme") if n == 0 else ""}
            for n, name in enumerate(names)]


class MeasurementImport(TabularImport):
    """Measurements of the indicators of one plan."""

    columns = COLUMNS

    def __init__(self, plan: Plan, user=None, *, today=None):
        self.plan = plan
        self.user = user
        self.today = today or timezone.localdate()

    def prepare(self, rows: list[Row]) -> None:
        self.by_id: dict[int, Indicator] = {}
        self.by_name: dict[str, list[Indicator]] = {}
        for indicator in Indicator.objects.filter(plan=self.plan).select_related("responsible"):
            indicator.plan = self.plan
            self.by_id[indicator.pk] = indicator
            self.by_name.setdefault(normalize(indicator.name), []).append(indicator)
        self.existing = {
            (indicator_id, day): value
            for indicator_id, day, value in Measurement.objects.filter(indicator__plan=self.plan)
            .values_list("indicator_id", "date", "value")
        }
        self.allowed = {pk for pk, indicator in self.by_id.items()
                        if self.user is None or self.user.has_perm("planning.record_measurement", indicator)}
        self.seen: dict[tuple[int, object], int] = {}
        self.count = 0

    def _indicator(self, value: str, errors: list[str]) -> Indicator | None:
        if not value:
            errors.append(_("La colonne « %(column)s » est vide : nommez l'indicateur.") % {"column": header("indicator")})
            return None
        if value.isdigit() and int(value) in self.by_id:
            return self.by_id[int(value)]
        candidates = self.by_name.get(normalize(value), [])
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            errors.append(_("Plusieurs indicateurs de ce plan s'appellent « %(name)s » : écrivez plutôt leur "
                            "identifiant (%(ids)s).") % {"name": value,
                                                         "ids": ", ".join(str(i.pk) for i in candidates)})
            return None
        names = sorted((indicator.name for indicator in self.by_id.values()), key=normalize)
        shown = ", ".join(quote(name) for name in names[:LIST_LIMIT]) + (" …" if len(names) > LIST_LIMIT else "")
        errors.append(_("Indicateur inconnu « %(value)s ». Indicateurs de ce plan : %(names)s.")
                      % {"value": value, "names": shown or "—"})
        return None

    def check_row(self, result: RowResult) -> None:
        row, errors, data = result.row, result.errors, result.data
        indicator = self._indicator(row.get("indicator"), errors)
        day = None
        if not row.get("date"):
            errors.append(_("La colonne « %(column)s » est vide : indiquez la date de la mesure.")
                          % {"column": header("date")})
        else:
            try:
                day = parse_date(row.get("date"))
            except ValueError:
                errors.append(_("Date invalide « %(value)s » : écrivez-la AAAA-MM-JJ, par exemple 2025-03-31.")
                              % {"value": row.get("date")})
        if not row.get("value"):
            errors.append(_("La colonne « %(column)s » est vide : indiquez la valeur mesurée.")
                          % {"column": header("value")})
            return
        try:
            value, note = check_measurement(day=day or self.today, value=row.get("value"), note=row.get("note"),
                                            today=self.today)
        except DomainError as error:
            errors.append(str(error.message))
            return
        if indicator is None or day is None:
            return
        if indicator.pk not in self.allowed:
            errors.append(_("Vous ne pouvez pas saisir les mesures de « %(name)s » : seules la coordination et "
                            "l'organisme responsable le peuvent.") % {"name": indicator.name})
            return
        key = (indicator.pk, day)
        if key in self.existing:
            errors.append(duplicate_message(indicator, day, self.existing[key]))
        elif key in self.seen:
            errors.append(_("La ligne %(line)s donne déjà une mesure de « %(name)s » pour cette date : une seule "
                            "mesure par date.") % {"line": self.seen[key], "name": indicator.name})
        else:
            self.seen[key] = row.number
        if errors:
            return
        data.update(indicator=indicator, date=day, value=value, note=note)
        unit = f" {indicator.unit}" if indicator.unit else ""
        result.actions = [_("Ajouter à « %(name)s » : %(value)s%(unit)s le %(date)s") % {
            "name": indicator.name, "value": show(value), "unit": unit,
            "date": formatting.day(day)}]

    def apply_row(self, result: RowResult, *, by=None) -> None:
        data = result.data
        measurement_add(indicator=data["indicator"], date=data["date"], value=data["value"], note=data["note"],
                        by=by, today=self.today)
        self.count += 1
