"""The rows of the decision register's table, written here rather than in its template.

A page holds 50 decisions of eight cells each; the template engine spent about 15 ms on them at
scale L (a lookup, a filter or a ``{% translate %}`` per cell, a ``{% url %}`` per row), this about
1 ms (the same way as the live meeting's roster, ``meetings/pages/live.py``). Every label is
translated and escaped once per page, the spaces' register links reversed once per space, and every
value escaped as it is written. The markup is the one the template wrote, cell for cell.
"""

from __future__ import annotations

from html import (
    escape as _escape,  # for plain text (what the database holds): Django's escape, less its checks
)

from django.utils.formats import localize
from django.utils.html import conditional_escape as escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from concertation.core import formatting

from .register import RegisterRow, ReversedOnce


def _esc(value) -> str:
    """``conditional_escape`` without its wrapper for lazy arguments (called ~10 times a row): the
    same text, escaped unless it is already HTML."""
    html = getattr(value, "__html__", None)
    return html() if html is not None else _escape(str(value))


def _text(value) -> str:
    """« {{ value }} » (a count): localize() writes an integer as it is (no thousands separator)."""
    return str(value) if type(value) is int else escape(localize(value))


def _lines(text: str) -> str:
    """« {{ text|linebreaksbr }} »: escaped, each line ending with <br>."""
    return _escape(text).replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


class RegisterTable:
    """``render(rows)``: the ``<tr>`` of each decision; ``with_space``: the territory's register
    has a column naming each decision's space (with a link to that space's register)."""

    def __init__(self, territory, *, with_space: bool):
        self.territory = territory
        self.with_space = with_space
        # gettext calls stay outside the f-strings: makemessages does not read inside them. The
        # spaces before the colons are no-break spaces, as in the catalog's msgids.
        labels = {
            "date": _("Date"), "decision": _("Décision"), "space": _("Espace"), "where": _("Prise à"),
            "method": _("Méthode et règle"), "result": _("Résultat"),
            "participants": _("Personnes participantes"), "recusals": _("Conflits d'intérêts"),
        }
        self.label = {key: escape(value) for key, value in labels.items()}
        self.dissent = escape(_("Dissidences :"))
        self.revisions = escape(_("Ajustements du plan qui la citent :"))
        self._space_cells: dict[int, str] = {}
        self._days: dict = {}  # local date → its words (a page's decisions share days)
        self._space_urls = ReversedOnce("register:space")

    def _space_cell(self, space) -> str:
        cell = self._space_cells.get(space.pk)
        if cell is None:
            url = self._space_urls(territory=self.territory.slug, space=space.slug)
            cell = self._space_cells[space.pk] = (
                f'<td data-label="{self.label["space"]}"><a href="{escape(url)}">{escape(space.name)}</a></td>')
        return cell

    def row(self, row: RegisterRow) -> str:
        label, proposal = self.label, row.proposal
        decided_on = row.decided_on
        if decided_on is not None:
            day = self._days.get(decided_on.date())
            if day is None:  # formatting.day of a datetime is that of its local date
                day = self._days[decided_on.date()] = _escape(formatting.day(decided_on))
            date = f'<time datetime="{decided_on.isoformat()}">{day}</time>'
        else:
            date = "—"
        decision = [f'<a href="{_escape(row.url)}"><strong>{_escape(proposal.title)}</strong></a>',
                    f"<div>{_lines(row.outcome)}</div>"]
        if row.dissent:
            decision.append(f'<p class="muted">{self.dissent} {_lines(row.dissent)}</p>')
        if row.revisions:
            items = "".join(f"<li>{_esc(revision)}</li>" for revision in row.revisions)
            decision.append(f'<p class="muted">{self.revisions}</p><ul>{items}</ul>')
        where = row.where
        where_label, where_url = _esc(where.label), where.url
        if where_url:
            where_label = f'<a href="{_esc(where_url)}">{where_label}</a>'
        return "".join([
            f'<tr id="decision-{proposal.pk}">',
            f'<td data-label="{label["date"]}">{date}</td>',
            f'<td data-label="{label["decision"]}">{"".join(decision)}</td>',
            self._space_cell(proposal.space) if self.with_space else "",
            f'<td data-label="{label["where"]}">{where_label}</td>',
            f'<td data-label="{label["method"]}">{_esc(row.method)}<br><span class="muted">{_esc(row.rule)}</span></td>',
            f'<td data-label="{label["result"]}">{_esc(row.result or "—")}</td>',
            f'<td data-label="{label["participants"]}" class="numeric">{_text(row.participants)}</td>',
            f'<td data-label="{label["recusals"]}" class="numeric">{_text(row.recusals)}</td>',
            "</tr>\n",
        ])

    def render(self, rows: list[RegisterRow]) -> str:
        return mark_safe("".join(self.row(row) for row in rows))


def options(choices, selected) -> str:
    """The ``<option>`` of a filter's select list (after its « all » option): ``choices`` are
    (value, label) pairs, the one equal to ``selected`` marked. The territory's register lists its
    50 spaces: a template loop cost more than the rest of the form."""
    return mark_safe("".join(
        f'<option value="{escape(value)}"{" selected" if value == selected else ""}>{escape(label)}</option>'
        for value, label in choices))
