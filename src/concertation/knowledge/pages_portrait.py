"""What the portrait page shows: the territory's figures grouped by theme, each theme as a bar chart
(SVG drawn here, no JavaScript) and as a table where the years of a figure sit side by side with the
change between the first and the last.

A light query reads the territory's figures (theme, territory covered, year) for the filters, another
the figures shown (as tuples, not model instances); grouping and drawing happen in Python, so the
page's query count does not grow with the number of figures. A large portrait shows the summary of its
themes and one theme at a time. The chart's SVG and each row of the tables (values, change, sources,
links to change a figure) are written here once, escaped, rather than by template loops per bar and
per cell (issue 20: a theme of 50 series cost ≈ 25 ms of template work).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from concertation.core import formatting

from .models import Figure
from .portrait_citations import citation_counts
from .portrait_import import show
from .selectors_documents import territory_spaces

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
    figures: dict[int, tuple] = field(default_factory=dict)  # year → a row of SHOWN_FIELDS
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
    # A line within the length comes out as Truncator gives it (composed, NFC), without its cost per line.
    return [unicodedata.normalize("NFC", line) if len(line) <= LABEL_CHARS else Truncator(line).chars(LABEL_CHARS)
            for line in lines]


# The columns of a figure the page shows, read as named tuples (``figure.value``, ``figure.id``…).
SHOWN_FIELDS = ("id", "theme", "label", "value", "unit", "year", "geography", "source", "source_url", "position")


def _series(figures) -> dict[str, list[Series]]:
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


def _chart(theme: str, series_list: list[Series], years: list[int], index: int, shown: dict[int, str]) -> SafeString:
    """One theme's bar chart, as SVG (integer coordinates, every text escaped); each unit has its own
    scale. ``shown``: figure id → its value as people read it (written once for the chart and the table).
    Named by its title, described by its summary; the same figures follow in a table."""
    scale: dict[str, Decimal] = {}
    for series in series_list:
        for figure in series.figures.values():
            scale[series.unit] = max(scale.get(series.unit, Decimal(0)), abs(figure.value))
    colours = {year: PALETTE[n % len(PALETTE)] for n, year in enumerate(years)}
    body, y = [], 8
    for series in series_list:
        label = series.label + (f" — {series.geography}" if series.geography else "")
        lines = label_lines(label)
        body.append("<g>")
        body.extend(f'<text x="0" y="{y + 16 + n * LABEL_HEIGHT}" fill="#1b1f24" font-size="16" font-weight="600">'
                    f"{escape(line)}</text>" for n, line in enumerate(lines))
        y += LABEL_HEIGHT * len(lines) + 4
        top = scale[series.unit] or Decimal(1)
        for year in sorted(series.figures):
            figure = series.figures[year]
            width = max(int(BAR_MAX * abs(figure.value) / top) if figure.value else 0, 2)
            text_y = y + BAR_HEIGHT - 4
            body.append(
                f'<text x="0" y="{text_y}" fill="#4a5460" font-size="14">{year}</text>'
                f'<rect x="{BAR_LEFT}" y="{y}" width="{width}" height="{BAR_HEIGHT}" fill="{colours[year]}"></rect>'
                f'<text x="{BAR_LEFT + width + 6}" y="{text_y}" fill="#1b1f24" font-size="14">'
                f"{escape(shown[figure.id])}</text>")
            y += BAR_HEIGHT + BAR_GAP
        body.append("</g>")
        y += GROUP_GAP
    summary = _("%(count)s chiffres, par année : %(years)s. Les mêmes chiffres sont dans le tableau qui suit.") % {
        "count": sum(len(series.figures) for series in series_list),
        "years": ", ".join(str(year) for year in years)}
    title = _("Graphique du thème « %(theme)s »") % {"theme": theme}
    chart_id = f"graphique-{index}"
    head = (f'<svg class="portrait-chart" viewBox="0 0 {WIDTH} {y}" width="100%" role="img" focusable="false" '
            f'aria-labelledby="{chart_id}-title {chart_id}-desc"><title id="{chart_id}-title">{escape(title)}</title>'
            f'<desc id="{chart_id}-desc">{escape(summary)}</desc>')
    return mark_safe(head + "".join(body) + "</svg>")  # every text is escaped


def _sources(series: Series) -> SafeString:
    """The series' sources, each a link when it has one, « ; » between them, « — » without any."""
    parts = []
    for source, url in series.sources:
        if url:
            parts.append(f'<a href="{escape(url)}" rel="noopener noreferrer">{escape(source or url)}</a>')
        else:
            parts.append(escape(source))
    return mark_safe("; ".join(parts) or "—")


def _row(series: Series, years: list[int], values: dict[int, str], cited: dict[int, int],
         edit_base: str | None) -> SafeString:
    """One row of a theme's table: the series (its territory covered, how many items of the plan the
    reader may see cite it), its value each year, the change, its sources and, for who may change the
    portrait (``edit_base``), a link to change each figure."""
    count = sum(cited.get(figure.id, 0) for figure in series.figures.values())
    head = escape(series.label)
    if series.geography:
        head += f' <span class="muted">— {escape(series.geography)}</span>'
    if count:
        head += '<br><span class="muted">' + escape(ngettext(
            "Cité par %(counter)s élément du plan", "Cité par %(counter)s éléments du plan", count)
            % {"counter": count}) + "</span>"
    cells = "".join(
        f'<td class="numeric">{escape(values[series.figures[year].id] if year in series.figures else "") or "—"}</td>'
        for year in years)
    if len(years) > 1:
        cells += f'<td class="numeric">{escape(series.change()) or "—"}</td>'
    cells += f"<td>{_sources(series)}</td>"
    if edit_base is not None:
        cells += f"<td>{_edit_links(series, years, edit_base)}</td>"
    return mark_safe(f'<tr>\n        <th scope="row">{head}</th>\n        {cells}\n      </tr>')  # every text escaped


def _edit_links(series: Series, years: list[int], edit_base: str) -> SafeString:
    """For who may change the portrait: a link to change each figure of the series, by its year."""
    label, last, links = escape(series.label), len(years) - 1, []
    for n, year in enumerate(years):
        figure = series.figures.get(year)
        if figure:
            links.append(f'<a href="{edit_base}{figure.id}/modifier/">{figure.year}<span class="visually-hidden"> — '
                         f'{label}</span></a>{" " if n < last else ""}')
    return mark_safe("".join(links))


DIAGNOSIS_SHOWN = 5


def _diagnosis(territory, user, spaces) -> dict:
    """The shared diagnosis documents beside the figures: the documents of kind « portrait » of the
    territory's libraries the person may see, newest first, a few of them (one query, their columns
    only: the versions are not read here)."""
    from .models import Document
    from .selectors_documents import library_documents

    found = list(library_documents(user, territory, kind=Document.Kind.PORTRAIT, spaces=spaces)
                 .order_by("-created_at", "-id")
                 .values("pk", "title", "created_at", "space__slug", "space__name")[:DIAGNOSIS_SHOWN + 1])
    for document in found:  # a document's address is « <its space's library><pk>/ » (urls_documents.py)
        document["url"] = reverse("documents:library", kwargs={"territory": territory.slug,
                                                               "space": document["space__slug"]}) + f"{document['pk']}/"
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
    shown = list(figures.order_by("position", "theme", "label", "year", "id").values_list(*SHOWN_FIELDS, named=True))
    # The territory's spaces, read once: who sees the diagnosis documents and the citing plans.
    spaces = list(territory_spaces(territory))
    cited = citation_counts([figure.id for figure in shown], user, spaces=spaces)
    can_change = user.has_perm("knowledge.change_portrait", territory)
    # A figure's address to change it is « <portrait>/<id>/modifier/ » (urls_portrait.py).
    edit_base = reverse("portrait:index", kwargs={"territory": territory.slug}) if can_change else ""
    sections = []
    for index, (name, series_list) in enumerate(_series(shown).items(), start=1):
        years = sorted({year for series in series_list for year in series.figures})
        values = {figure.id: show(figure.value, series.unit) for series in series_list
                  for figure in series.figures.values()}
        rows = [_row(series, years, values, cited, edit_base if can_change else None) for series in series_list]
        sections.append({"name": name, "anchor": f"theme-{index}", "years": years, "rows": rows,
                         "chart": _chart(name, series_list, years, index, values)})
    return {
        "territory": territory,
        "sections": sections,
        "themes": themes_all,
        "geographies": geographies,
        "filters": {"theme": theme, "geography": geography},
        "figure_count": len(light),
        "overview": _themes_summary(matching, shown_theme) if overview else None,
        "can_change": can_change,
        **_diagnosis(territory, user, spaces),
    }
