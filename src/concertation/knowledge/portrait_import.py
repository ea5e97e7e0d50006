"""Import the territory's portrait figures from a CSV or XLSX file, all or nothing.

Built on ``concertation.core.tabular`` (the engine of the member import): the same reading of the
file, French or English headers, the preview row by row, and ``apply`` writes every row or none.
One row is one figure: theme, label, value and year are required; unit, territory covered, source
and its link are optional. A row whose theme, label, territory covered and year match a figure
already in the portrait replaces it (the preview says so, with the old and the new value); two
rows of the file with the same key are an error.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from concertation.core import formatting
from concertation.core.errors import DomainError
from concertation.core.tabular import Column, Row, RowResult, TabularImport, quote

from .models import Figure
from .services.portrait import check_figure, figure_import, key_of, record_import

COLUMNS = [
    Column("theme", ("Thème", "Theme", "Thématique", "Topic"), required=True),
    Column("label", ("Libellé", "Label", "Chiffre", "Figure", "Indicateur", "Indicator"), required=True),
    Column("value", ("Valeur", "Value"), required=True),
    Column("unit", ("Unité", "Unit")),
    Column("year", ("Année", "Year"), required=True),
    Column("geography", ("Territoire couvert", "Area covered", "Géographie", "Geography", "Territoire", "Area")),
    Column("source", ("Source", "Source")),
    Column("source_url", ("Lien vers la source", "Source link", "Lien", "Link", "URL")),
]


def header(key: str) -> str:
    return next(column for column in COLUMNS if column.key == key).header()


def template_examples() -> list[dict[str, str]]:
    source = _("Statistique Canada, Recensement de 2021")
    link = "https://www12.statcan.gc.ca/census-recensement/index-fra.cfm"
    return [
        {"theme": _("Population"), "label": _("Population totale"), "value": "38 200", "unit": _("personnes"),
         "year": "2021", "geography": _("Quartier"), "source": source, "source_url": link},
        {"theme": _("Logement"), "label": _("Ménages locataires"), "value": "72", "unit": "%", "year": "2021",
         "geography": _("Quartier"), "source": source, "source_url": link},
    ]


def show(value, unit: str) -> str:
    """A figure's value as a person reads it, with its unit: « 12 345 personnes », « 23,4 % », « 120 000 $ »."""
    if unit == "$":
        return formatting.money(value)
    return formatting.with_unit(value, unit)


class FigureImport(TabularImport):
    """Figures of one territory's portrait."""

    columns = COLUMNS

    def __init__(self, territory, *, filename: str = ""):
        self.territory = territory
        self.filename = filename

    def prepare(self, rows: list[Row]) -> None:
        self.existing = {
            (figure.theme, figure.label, figure.geography, figure.year): figure
            for figure in Figure.objects.filter(territory=self.territory)
        }
        self.position = max((figure.position for figure in self.existing.values()), default=0)
        self.seen: dict[tuple, int] = {}
        self.added = self.replaced = 0

    def check_row(self, result: RowResult) -> None:
        row = result.row
        try:
            data = check_figure(**{column.key: row.get(column.key) for column in COLUMNS})
        except DomainError as error:
            message = str(error.message)
            if error.field:
                message = f"{quote(header(error.field))}{formatting.colon()} {message}"
            result.errors.append(message)
            return
        key = key_of(data)
        if key in self.seen:
            result.errors.append(_("La ligne %(line)s donne déjà « %(label)s » pour %(year)s (même thème et même "
                                   "territoire couvert) : gardez une seule de ces lignes.")
                                 % {"line": self.seen[key], "label": data["label"], "year": data["year"]})
            return
        self.seen[key] = row.number
        result.data = data
        existing = self.existing.get(key)
        new = show(data["value"], data["unit"])
        if existing is None:
            result.actions = [_("Nouveau chiffre : « %(label)s » (%(year)s) = %(value)s")
                              % {"label": data["label"], "year": data["year"], "value": new}]
        elif existing.value == data["value"] and existing.unit == data["unit"]:
            result.actions = [_("Déjà au portrait, même valeur : « %(label)s » (%(year)s) = %(value)s")
                              % {"label": data["label"], "year": data["year"], "value": new}]
        else:
            result.actions = [_("Remplace « %(label)s » (%(year)s) : %(old)s devient %(value)s")
                              % {"label": data["label"], "year": data["year"],
                                 "old": show(existing.value, existing.unit), "value": new}]

    def apply_row(self, result: RowResult, *, by=None) -> None:
        data = result.data
        existing = self.existing.get(key_of(data))
        if existing is None:
            self.position += 1
            self.added += 1
        elif any(getattr(existing, key) != value for key, value in data.items()):
            self.replaced += 1  # a row identical to its figure is neither added nor replaced
        figure_import(territory=self.territory, data=data, existing=existing, position=self.position)
        if result is self._last:
            record_import(territory=self.territory, by=by, added=self.added, replaced=self.replaced,
                          filename=self.filename)

    def preview(self, table):
        preview = super().preview(table)
        self._last = preview.results[-1] if preview.results else None
        return preview
