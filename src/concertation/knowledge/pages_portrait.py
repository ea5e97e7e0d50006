"""What the portrait page shows: the territory's figures grouped by theme, each theme as a bar chart
(SVG drawn here, no JavaScript) and as a table where the years of a figure sit side by side with the
change between the first and the last.

A light query reads the territory's figures (theme, territory covered, year) for the filters, another
the figures shown; grouping and drawing happen in Python, so the page's query count does not grow with
the number of figures. A large portrait shows the summary of its themes and one theme at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.text import Truncator
from django.utils.translation import gettext as _

from concertation.core import formatting

from .models import Figure
from .portrait_citations import citation_counts
from .portrait_import import show

# Bars: one colour per year, in the order of the years (graphical objects, ≥ 3:1 on white); every bar
# also carries its year and value in words, so colour never carries the meaning alone.
PALETTE = ("#0b5cab", "#4a5460", "#7a3e9d", "#1b6e3a", "#9a4a00")
# Narrow enough that the words stay readable on a phone (the chart is scaled to the screen's width).
WIDTH = 440
BAR_LEFT = 44
BAR_MAX = 240
LABEL_HEIGHT = 20  # a line of a series' label; long labels take two
BAR_HEIGHT = 18
BAR_GAP = 6
GROUP_GAP = 14
LABEL_CHARS = 42  # a line


@dataclass
class Series:
    """One figure across the years: the same theme, label, territory covered and unit."""

    label: str
    geography: str
    unit: str
    figures: dict[int, Figure] = field(default_factory=dict)
    position: int = 0

    @property
    def sources(self) -> list[tuple[str, str]]:
        seen, out = set(), []
        for year in sorted(self.figures):
            figure = self.figures[year]
            pair = (figure.source, figure.source_url)
            if (figure.source or figure.source_url) and pair not in seen:
                seen.add(pair)
                out.append(pair)
        return out

    def change(self) -> str:
        years = sorted(self.figures)
        if len(years) < 2:
            return ""
        difference = self.figures[years[-1]].value - self.figures[years[0]].value
        sign = "+" if difference > 0 else ""
        if self.unit == "%":
            return sign + _("%(value)s pts") % {"value": formatting.number(difference)}
        text = show(difference, self.unit) if self.unit != "$" else formatting.money(difference)
        return sign + text


def label_lines(label: str) -> list[str]:
    """A series' label on at most two lines of LABEL_CHARS, cut between words; the rest shortened."""
    lines, current = [], ""
    for word in label.split():
        if current and len(current) + 1 + len(word) > LABEL_CHARS:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    lines.append(current)
    if len(lines) > 2:
        lines = [lines[0], Truncator(" ".join(lines[1:])).chars(LABEL_CHARS)]
    return [Truncator(line).chars(LABEL_CHARS) for line in lines]


def _series(figures: list[Figure]) -> dict[str, list[Series]]:
    """Theme → its series, in the order of the figures' positions."""
    themes: dict[str, dict[tuple, Series]] = {}
    for figure in figures:
        by_key = themes.setdefault(figure.theme, {})
        key = (figure.label, figure.geography, figure.unit)
        series = by_key.get(key)
        if series is None:
            series = by_key[key] = Series(label=figure.label, geography=figure.geography, unit=figure.unit,
                                          position=figure.position)
        series.figures[figure.year] = figure
    return {theme: list(by_key.values()) for theme, by_key in themes.items()}


def _chart(theme: str, series_list: list[Series], years: list[int], index: int) -> dict:
    """Coordinates (integers) and words of one theme's bar chart; each unit has its own scale."""
    scale: dict[str, Decimal] = {}
    for series in series_list:
        for figure in series.figures.values():
            scale[series.unit] = max(scale.get(series.unit, Decimal(0)), abs(figure.value))
    colours = {year: PALETTE[n % len(PALETTE)] for n, year in enumerate(years)}
    groups, y = [], 8
    for series in series_list:
        label = series.label + (f" — {series.geography}" if series.geography else "")
        lines = label_lines(label)
        group = {"label_lines": [{"text": line, "y": y + 16 + n * LABEL_HEIGHT} for n, line in enumerate(lines)],
                 "bars": []}
        y += LABEL_HEIGHT * len(lines) + 4
        for year in sorted(series.figures):
            figure = series.figures[year]
            top = scale[series.unit] or Decimal(1)
            width = int(BAR_MAX * abs(figure.value) / top) if figure.value else 0
            width = max(width, 2)
            group["bars"].append({
                "year": year, "y": y, "text_y": y + BAR_HEIGHT - 4, "width": width, "colour": colours[year],
                "value_x": BAR_LEFT + width + 6, "value": show(figure.value, series.unit),
            })
            y += BAR_HEIGHT + BAR_GAP
        groups.append(group)
        y += GROUP_GAP
    summary = _("%(count)s chiffres, par année : %(years)s. Les mêmes chiffres sont dans le tableau qui suit.") % {
        "count": sum(len(series.figures) for series in series_list),
        "years": ", ".join(str(year) for year in years)}
    return {"id": f"graphique-{index}", "width": WIDTH, "height": y, "bar_left": BAR_LEFT, "bar_height": BAR_HEIGHT,
            "groups": groups, "title": _("Graphique du thème « %(theme)s »") % {"theme": theme}, "summary": summary}


DIAGNOSIS_SHOWN = 5


def _diagnosis(territory, user) -> dict:
    """The shared diagnosis documents beside the figures: the documents of kind « portrait » of the
    territory's libraries the person may see, newest first, a few of them (one query: the versions
    are not read here, so not fetched)."""
    from .models import Document
    from .selectors_documents import documents_visible_to

    found = list(documents_visible_to(user, territory, kind=Document.Kind.PORTRAIT)
                 .prefetch_related(None)[:DIAGNOSIS_SHOWN + 1])
    return {"diagnosis_documents": found[:DIAGNOSIS_SHOWN], "diagnosis_more": len(found) > DIAGNOSIS_SHOWN,
            "diagnosis_kind": Document.Kind.PORTRAIT.value}


# Up to this many figures (after the filters), the page shows every theme; beyond, it shows the
# summary of the themes and one theme's figures (the first, or the one chosen), so that the page's
# work follows one theme, not the whole territory (issue 20: 600 figures took 100 ms to draw).
ALL_THEMES_UP_TO = 120


def _themes_summary(rows: list[tuple], shown_theme: str) -> list[dict]:
    """Each theme of ``rows`` (theme, geography, year) with its number of figures and its years."""
    summary: dict[str, dict] = {}
    for theme, _geography, year in rows:
        entry = summary.setdefault(theme, {"name": theme, "count": 0, "years": set()})
        entry["count"] += 1
        entry["years"].add(year)
    for entry in summary.values():
        entry["years"] = sorted(entry["years"])
        entry["current"] = entry["name"] == shown_theme
    return list(summary.values())


def portrait_page(territory, user, *, theme: str = "", geography: str = "") -> dict:
    """Two queries on the figures whatever their number: a light one (theme, territory covered, year) for
    the filters and the summary, then the figures shown, as objects."""
    light = list(Figure.objects.filter(territory=territory).order_by("position", "theme", "label", "year", "id")
                 .values_list("theme", "geography", "year"))
    themes_all = list(dict.fromkeys(row[0] for row in light))  # in the order of their first figure
    geographies = sorted({row[1] for row in light if row[1]}, key=str.casefold)
    theme = theme if theme in themes_all else ""
    geography = geography if geography in geographies else ""
    matching = [row for row in light if (not theme or row[0] == theme) and (not geography or row[1] == geography)]
    overview = not theme and len(matching) > ALL_THEMES_UP_TO
    shown_theme = theme or (matching[0][0] if overview else "")
    figures = Figure.objects.filter(territory=territory)
    if shown_theme:
        figures = figures.filter(theme=shown_theme)
    if geography:
        figures = figures.filter(geography=geography)
    shown = list(figures.order_by("position", "theme", "label", "year", "id"))
    cited = citation_counts([figure.pk for figure in shown], user)
    sections = []
    for index, (name, series_list) in enumerate(_series(shown).items(), start=1):
        years = sorted({year for series in series_list for year in series.figures})
        rows = [{
            "series": series,
            "cells": [series.figures.get(year) for year in years],
            "values": [show(series.figures[year].value, series.unit) if year in series.figures else ""
                       for year in years],
            "change": series.change(),
            "cited": sum(cited.get(figure.pk, 0) for figure in series.figures.values()),
        } for series in series_list]
        sections.append({"name": name, "anchor": f"theme-{index}", "years": years, "rows": rows,
                         "chart": _chart(name, series_list, years, index)})
    return {
        "territory": territory,
        "sections": sections,
        "themes": themes_all,
        "geographies": geographies,
        "filters": {"theme": theme, "geography": geography},
        "figure_count": len(light),
        "overview": _themes_summary(matching, shown_theme) if overview else None,
        "can_change": user.has_perm("knowledge.change_portrait", territory),
        **_diagnosis(territory, user),
    }
