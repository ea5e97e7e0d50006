"""Charts of the indicators, drawn on the server as SVG (no JavaScript, no chart library).

- ``bar_chart``: one horizontal bar per indicator, on one scale: the latest measurement (the filled
  bar), the baseline (a dashed grey mark, labelled below) and the target (a solid black mark with a
  triangle, labelled above).
- ``line_chart``: the measurements over time (a solid line with dots) and the planned path from the
  baseline to the target (a dashed line ending on a triangle).

Every chart is an ``<svg role="img">`` named by its ``<title>`` and described by its ``<desc>``
(``aria-labelledby``); the pages also write the same figures in a sentence and in a data table.
Colours come from the application's palette and pass contrast on white (the bar #0b5cab is 6.4:1,
the marks #4a5460 and #1b1f24 more); marks differ by shape and pattern too, and a status is always
written in words next to a chart, never shown by colour alone. Presentation attributes (``fill``,
``stroke``) are used rather than ``style``, which the content security policy forbids.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from concertation.core import formatting

from .revisions import number

TEXT = "#1b1f24"
MUTED = "#4a5460"
ACCENT = "#0b5cab"
TRACK = "#f4f6f8"
GRID = "#c9d1d9"
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"'


def _n(value) -> str:
    return number(value) if value is not None else "—"


def _f(value: float) -> str:
    """A coordinate, short."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _with_unit(value, unit: str) -> str:
    return f"{_n(value)} {unit}".strip() if unit else _n(value)


def _svg(chart_id: str, width: int, height: int, title: str, desc: str, body: list[str]) -> SafeString:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" {FONT} font-size="13">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # every text above is escaped


def _text(x: float, y: float, text: str, *, anchor: str = "start", fill: str = TEXT, weight: str = "") -> str:
    bold = ' font-weight="700"' if weight else ""
    return f'<text x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}" fill="{fill}"{bold}>{escape(text)}</text>'


def _anchor(x: float, left: float, right: float, room: float = 70) -> str:
    if x - left < room:
        return "start"
    if right - x < room:
        return "end"
    return "middle"


def bar_description(*, name: str, unit: str, baseline, latest, target, target_date: date | None,
                    status_label: str) -> str:
    parts = [_("Dernière mesure : %(value)s") % {"value": _with_unit(latest, unit)} if latest is not None
             else _("aucune mesure")]
    if baseline is not None:
        parts.append(_("valeur de départ : %(value)s") % {"value": _with_unit(baseline, unit)})
    if target_date is not None:
        parts.append(_("cible : %(value)s d'ici le %(date)s") % {
            "value": _with_unit(target, unit), "date": formatting.day(target_date)})
    else:
        parts.append(_("cible : %(value)s") % {"value": _with_unit(target, unit)})
    return _("%(name)s. %(facts)s. Statut : %(status)s.") % {"name": name, "facts": "; ".join(parts),
                                                             "status": status_label}


def bar_chart(*, chart_id: str, name: str, unit: str = "", baseline=None, latest=None, target,
              target_date: date | None = None, status_label: str = "") -> SafeString:
    """Baseline, latest and target of one indicator on one horizontal scale."""
    width, height, left, right = 400, 84, 10.0, 390.0
    values = [Decimal(v) for v in (baseline, latest, target) if v is not None]
    low = min([Decimal(0), *values])
    high = max(values) if values else Decimal(1)
    if high == low:
        high = low + 1
    high += (high - low) * Decimal("0.04")

    def x(value) -> float:
        return left + float((Decimal(value) - low) / (high - low)) * (right - left)

    body = [f'<rect x="{_f(left)}" y="30" width="{_f(right - left)}" height="22" fill="{TRACK}" stroke="{MUTED}" '
            f'stroke-width="1"/>']
    if latest is not None:
        end = x(latest)
        start = x(max(low, Decimal(0)) if low < 0 <= Decimal(latest) else low)
        bar_left, bar_width = min(start, end), max(abs(end - start), 2.0)
        body.append(f'<rect x="{_f(bar_left)}" y="32" width="{_f(bar_width)}" height="18" fill="{ACCENT}"/>')
        label = _n(latest)
        if right - end > 50:
            body.append(_text(end + 5, 46, label, weight="bold"))
        else:
            body.append(_text(end - 5, 46, label, anchor="end", fill="#ffffff", weight="bold"))
    if baseline is not None:
        bx = x(baseline)
        body.append(f'<line x1="{_f(bx)}" y1="24" x2="{_f(bx)}" y2="60" stroke="{MUTED}" stroke-width="3" '
                    f'stroke-dasharray="4 3"/>')
        body.append(_text(bx, 76, _("Départ : %(value)s") % {"value": _n(baseline)}, anchor=_anchor(bx, left, right),
                          fill=MUTED))
    tx = x(target)
    body.append(f'<line x1="{_f(tx)}" y1="20" x2="{_f(tx)}" y2="60" stroke="{TEXT}" stroke-width="3"/>')
    body.append(f'<path d="M {_f(tx - 6)} 18 L {_f(tx + 6)} 18 L {_f(tx)} 26 Z" fill="{TEXT}"/>')
    body.append(_text(tx, 13, _("Cible : %(value)s") % {"value": _n(target)}, anchor=_anchor(tx, left, right)))
    title = _("%(name)s : départ, dernière mesure et cible") % {"name": name}
    desc = bar_description(name=name, unit=unit, baseline=baseline, latest=latest, target=target,
                           target_date=target_date, status_label=status_label)
    return _svg(chart_id, width, height, title, desc, body)


def line_description(*, name: str, unit: str, points, target, target_date: date | None) -> str:
    if not points:
        return _("%(name)s : aucune mesure pour l'instant.") % {"name": name}
    first, last = points[0], points[-1]
    text = _("%(name)s : %(count)s mesures du %(start)s au %(end)s, de %(first)s à %(last)s.") % {
        "name": name, "count": len(points), "start": formatting.day(first[0]),
        "end": formatting.day(last[0]), "first": _with_unit(first[1], unit),
        "last": _with_unit(last[1], unit)}
    if len(points) == 1:
        text = _("%(name)s : une mesure, le %(date)s : %(value)s.") % {
            "name": name, "date": formatting.day(first[0]), "value": _with_unit(first[1], unit)}
    if target_date is not None:
        text += " " + _("Cible : %(value)s d'ici le %(date)s.") % {
            "value": _with_unit(target, unit), "date": formatting.day(target_date)}
    return text


def line_chart(*, chart_id: str, name: str, unit: str = "", points: list[tuple[date, Decimal]],
               baseline: tuple[date, Decimal] | None = None, target=None,
               target_date: date | None = None) -> SafeString:
    """The measurements over time, with the planned path from the baseline to the target."""
    width, height = 400, 230
    left, right, top, bottom = 52.0, 388.0, 34.0, 190.0
    points = sorted(points)
    path = [p for p in (baseline, (target_date, target) if target_date and target is not None else None) if p]
    dates = [p[0] for p in points + path]
    values = [Decimal(p[1]) for p in points + path]
    body: list[str] = []
    if not dates:
        return _svg(chart_id, width, 60, _("%(name)s : mesures dans le temps") % {"name": name},
                    line_description(name=name, unit=unit, points=points, target=target, target_date=target_date),
                    [_text(12, 34, _("Aucune mesure pour l'instant."), fill=MUTED)])
    first_day, last_day = min(dates), max(dates)
    span = max((last_day - first_day).days, 1)
    low, high = min(values), max(values)
    if high == low:
        low, high = low - 1, high + 1
    pad = (high - low) * Decimal("0.1")
    low, high = low - pad, high + pad
    if low < 0 <= min(values):
        low = Decimal(0)

    def x(day: date) -> float:
        return left + (day - first_day).days / span * (right - left)

    def y(value) -> float:
        return bottom - float((Decimal(value) - low) / (high - low)) * (bottom - top)

    # Axes and three horizontal grid lines, labelled.
    for step in range(3):
        value = low + (high - low) * Decimal(step) / Decimal(2)
        gy = y(value)
        body.append(f'<line x1="{_f(left)}" y1="{_f(gy)}" x2="{_f(right)}" y2="{_f(gy)}" stroke="{GRID}" '
                    f'stroke-width="1"/>')
        body.append(_text(left - 6, gy + 4, _n(value.quantize(Decimal("0.1")) if abs(value) < 100 else
                                                 value.quantize(Decimal(1))), anchor="end", fill=MUTED))
    body.append(f'<line x1="{_f(left)}" y1="{_f(bottom)}" x2="{_f(right)}" y2="{_f(bottom)}" stroke="{MUTED}" '
                f'stroke-width="1"/>')
    body.append(_text(left, bottom + 20, formatting.month_year(first_day), fill=MUTED))
    body.append(_text(right, bottom + 20, formatting.month_year(last_day), anchor="end",
                      fill=MUTED))
    # The planned path, dashed, to the target (a triangle).
    if len(path) == 2:
        (d0, v0), (d1, v1) = path
        body.append(f'<line x1="{_f(x(d0))}" y1="{_f(y(v0))}" x2="{_f(x(d1))}" y2="{_f(y(v1))}" stroke="{MUTED}" '
                    f'stroke-width="2" stroke-dasharray="6 4"/>')
    if target_date is not None and target is not None:
        tx, ty = x(target_date), y(target)
        body.append(f'<path d="M {_f(tx - 7)} {_f(ty + 6)} L {_f(tx + 7)} {_f(ty + 6)} L {_f(tx)} {_f(ty - 7)} Z" '
                    f'fill="{TEXT}"/>')
    # The measurements: a line and dots.
    if len(points) > 1:
        coordinates = " ".join(f"{_f(x(d))},{_f(y(v))}" for d, v in points)
        body.append(f'<polyline points="{coordinates}" fill="none" stroke="{ACCENT}" stroke-width="3"/>')
    for d, v in points:
        body.append(f'<circle cx="{_f(x(d))}" cy="{_f(y(v))}" r="4" fill="{ACCENT}" stroke="#ffffff" '
                    f'stroke-width="1"/>')
    if points:
        d, v = points[-1]
        body.append(_text(x(d), y(v) - 10, _n(v), anchor=_anchor(x(d), left, right, 30), weight="bold"))
    # Legend, in words and shapes.
    body.append(f'<line x1="10" y1="12" x2="34" y2="12" stroke="{ACCENT}" stroke-width="3"/>')
    body.append(_text(40, 16, _("Mesures")))
    body.append(f'<line x1="120" y1="12" x2="144" y2="12" stroke="{MUTED}" stroke-width="2" stroke-dasharray="6 4"/>')
    body.append(_text(150, 16, _("Trajectoire prévue vers la cible")))
    title = _("%(name)s : mesures dans le temps") % {"name": name}
    desc = line_description(name=name, unit=unit, points=points, target=target, target_date=target_date)
    return _svg(chart_id, width, height, title, desc, body)
