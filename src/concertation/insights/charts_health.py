"""The charts of the governance-health page, drawn on the server as SVG (as planning/charts.py and
the portrait do: no JavaScript, no chart library).

- ``compare_chart``: for each share of a family, two bars on a 0–100 % scale, this period (filled,
  blue) and the previous one (hatched outline, grey), each labelled in words with its value;
- ``count_chart``: one bar a category (sector, college, organization), labelled with its count;
- ``trend_chart``: the mean evaluation of each meeting over time (1 to 5), a line with dots.

Each is an ``<svg role="img">`` named by its ``<title>`` and described by its ``<desc>``; the page
writes the same figures in the table that follows every chart. Colours pass contrast on white and
never carry meaning alone (every bar has its words). Presentation attributes, not ``style`` (CSP).
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from concertation.core import formatting
from concertation.planning.charts import (  # one palette for every chart
    ACCENT,
    FONT,
    GRID,
    MUTED,
    TEXT,
    TRACK,
)

WIDTH, LEFT, RIGHT = 400, 8.0, 330.0
COMPARE_RIGHT = 200.0  # the shares' bars end here: their words (« 100 % (période précédente) ») fit after
LABEL_CHARS = 52


def _f(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(chart_id: str, height: float, title: str, desc: str, body: list[str]) -> SafeString:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {_f(height)}" width="100%" '
            f'role="img" focusable="false" aria-labelledby="{chart_id}-title {chart_id}-desc" {FONT} '
            f'font-size="13"><title id="{chart_id}-title">{escape(title)}</title>'
            f'<desc id="{chart_id}-desc">{escape(desc)}</desc>')
    return mark_safe(head + "".join(body) + "</svg>")  # every text is escaped


def _text(x: float, y: float, text: str, *, anchor: str = "start", fill: str = TEXT, bold: bool = False) -> str:
    weight = ' font-weight="700"' if bold else ""
    return f'<text x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}" fill="{fill}"{weight}>{escape(text)}</text>'


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1].rstrip() + "…"


def _bar(y: float, value: float, high: float, *, filled: bool, text: str, right: float = RIGHT) -> list[str]:
    width = max((right - LEFT) * (value / high if high else 0), 2.0)
    if filled:
        rect = f'<rect x="{_f(LEFT)}" y="{_f(y)}" width="{_f(width)}" height="14" fill="{ACCENT}"/>'
    else:
        rect = (f'<rect x="{_f(LEFT)}" y="{_f(y)}" width="{_f(width)}" height="14" fill="{TRACK}" '
                f'stroke="{MUTED}" stroke-width="1" stroke-dasharray="3 2"/>')
    return [rect, _text(LEFT + width + 6, y + 12, text, fill=TEXT if filled else MUTED, bold=filled)]


def compare_chart(chart_id: str, title: str, rows: list[dict]) -> SafeString | None:
    """rows: {"label", "current", "previous"} (percentages or None)."""
    rows = [row for row in rows if row["current"] is not None or row["previous"] is not None]
    if not rows:
        return None
    body, y, parts = [], 8.0, []
    for row in rows:
        body.append(_text(LEFT, y + 12, _short(row["label"])))
        y += 18
        for key, filled, word in (("current", True, _("cette période")), ("previous", False, _("période précédente"))):
            value = row[key]
            shown = formatting.percent(value) if value is not None else "—"
            body += _bar(y, float(value or 0), 100.0, filled=filled, text=f"{shown} ({word})", right=COMPARE_RIGHT)
            y += 18
        parts.append(_("%(label)s : %(current)s cette période, %(previous)s la période précédente") % {
            "label": row["label"],
            "current": formatting.percent(row["current"]) if row["current"] is not None else "—",
            "previous": formatting.percent(row["previous"]) if row["previous"] is not None else "—"})
        y += 10
    return _svg(chart_id, y, title, "; ".join(parts) + ".", body)


def count_chart(chart_id: str, title: str, rows: list[tuple[str, int]], number=formatting.number) -> SafeString | None:
    """``number``: how a count is written (``formatting.counts()`` for a page that draws many)."""
    if not rows:
        return None
    high = max(count for _label, count in rows) or 1
    body, y = [], 8.0
    for label, count in rows:
        body.append(_text(LEFT, y + 12, _short(label)))
        y += 17
        body += _bar(y, float(count), float(high), filled=True, text=formatting.number(count))
        y += 22
    desc = "; ".join(f"{label} : {formatting.number(count)}" for label, count in rows) + "."
    return _svg(chart_id, y, title, desc, body)


def trend_chart(chart_id: str, title: str, points: list[tuple]) -> SafeString | None:
    """points: (moment, label, mean 1–5, answers); only the meetings with a mean."""
    points = [point for point in points if point[2] is not None]
    if not points:
        return None
    left, right, top, bottom, height = 40.0, 385.0, 16.0, 160.0, 196.0

    def y(value) -> float:
        return bottom - (float(value) - 1) / 4 * (bottom - top)

    body = []
    for level in (1, 2, 3, 4, 5):
        body.append(f'<line x1="{_f(left)}" y1="{_f(y(level))}" x2="{_f(right)}" y2="{_f(y(level))}" '
                    f'stroke="{GRID}" stroke-width="1"/>')
        body.append(_text(left - 8, y(level) + 4, formatting.number(level), anchor="end", fill=MUTED))
    step = (right - left) / max(len(points) - 1, 1)
    xs = [left + n * step if len(points) > 1 else (left + right) / 2 for n in range(len(points))]
    if len(points) > 1:
        coordinates = " ".join(f"{_f(x)},{_f(y(point[2]))}" for x, point in zip(xs, points, strict=True))
        body.append(f'<polyline points="{coordinates}" fill="none" stroke="{ACCENT}" stroke-width="3"/>')
    for x, point in zip(xs, points, strict=True):
        body.append(f'<circle cx="{_f(x)}" cy="{_f(y(point[2]))}" r="4" fill="{ACCENT}" stroke="#ffffff" '
                    f'stroke-width="1"/>')
    body.append(_text(left, bottom + 22, formatting.day(points[0][0], weekday=False), fill=MUTED))
    if len(points) > 1:
        body.append(_text(right, bottom + 22, formatting.day(points[-1][0], weekday=False), anchor="end",
                          fill=MUTED))
    desc = "; ".join(_("%(day)s, %(title)s : %(mean)s sur 5") % {
        "day": formatting.day(point[0], weekday=False), "title": point[1], "mean": formatting.number(point[2])}
        for point in points) + "."
    return _svg(chart_id, height, title, desc, body)
