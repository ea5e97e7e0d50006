"""Rows of the dashboard's and the bilan's tables, written here rather than in their templates.

The dashboard of a large plan shows a table of figures under each priority's indicator cards, the
activities counted by status for every priority, the overdue activities and the due measurements;
the template engine spent a lookup, a filter or a ``{% translate %}`` per cell (about 10 ms at scale
L). Here every label is translated and escaped once per table, every value escaped as it is
written; the markup is the one the templates wrote, cell for cell (the partials call these through
``planning/templatetags/planning_tables.py``), as decisions/register_table.py does for the register.
"""

from __future__ import annotations

from html import escape as _escape  # for plain text: Django's escape, less its checks

from django.utils.html import conditional_escape as escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from concertation.core.templatetags.formatting import date_long


def _plain(value) -> str:
    """« {{ value }} » of a str that is not marked safe (names, units, figures written by show())."""
    return escape(value) if isinstance(value, SafeString) else _escape(str(value))


def indicator_rows(views, *, linked: bool = False) -> str:
    """The ``<tr>`` of each indicator (dashboard.IndicatorView) of ``_indicator_table.html``;
    ``linked``: its name links to its page, with what it measures under it."""
    label = {key: escape(value) for key, value in {
        "indicator": _("Indicateur"), "baseline": _("Départ"), "latest": _("Dernière mesure"),
        "expected": _("Attendu à cette date"), "target": _("Cible"), "status": _("Statut")}.items()}
    percent_text = _("%(percent)s %% du chemin prévu")  # a no-break space before %, as in the msgid
    rows = []
    for view in views:
        indicator, status = view.indicator, view.status
        name = _plain(view.name)
        if linked:
            name = f'<a href="{_plain(view.url)}">{name}</a><br><span class="muted">{_plain(view.owner_label)}</span>'
        if view.unit:
            name += f'<br><span class="muted">{_plain(view.unit)}</span>'
        baseline = _plain(view.baseline)
        if indicator.baseline_date:
            baseline += f'<br><span class="muted">{_plain(date_long(indicator.baseline_date))}</span>'
        latest = _plain(view.latest_value)
        if view.latest:
            latest += f'<br><span class="muted">{_plain(date_long(view.latest.date))}</span>'
        state = f'<span class="badge {_plain(status.badge)}">{_plain(status.label)}</span>'
        if status.percent is not None:
            state += f' <span class="muted">{percent_text % {"percent": status.percent}}</span>'
        rows.append(
            "\n    <tr>\n"
            f'      <th scope="row" data-label="{label["indicator"]}">{name}</th>\n'
            f'      <td class="numeric" data-label="{label["baseline"]}">{baseline}</td>\n'
            f'      <td class="numeric" data-label="{label["latest"]}">{latest}</td>\n'
            f'      <td class="numeric" data-label="{label["expected"]}">{_plain(view.expected)}</td>\n'
            f'      <td class="numeric" data-label="{label["target"]}">{_plain(view.target)}<br>'
            f'<span class="muted">{_plain(date_long(indicator.target_date))}</span></td>\n'
            f'      <td data-label="{label["status"]}">{state}</td>\n'
            "    </tr>\n  ")
    return mark_safe("".join(rows))
