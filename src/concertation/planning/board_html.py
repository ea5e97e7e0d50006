"""The dashboard's priorities (``_board.html``), written here rather than by the template engine.

The dashboard of a large plan has a section per priority, each with its counts, its indicator
cards and their table (planning/board_rows.py); looping over them in the template cost a
``{% blocktranslate %}``, an ``{% include %}`` and a dozen lookups a section (about 2 ms at scale
L). The markup is the one the template wrote, byte for byte: translated literals as they are
(the catalog is ours), every value as ``{{ value }}`` writes it (localized, then escaped).
"""

from __future__ import annotations

from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import board_rows


def _value(value) -> str:
    """``{{ value }}``: localized, then escaped (what the template engine does to a variable)."""
    return conditional_escape(localize(value))


def priority_sections(board, *, dashboard_url: str, pdf: bool = False) -> str:
    """A ``<section>`` for each block of ``board.all_blocks`` (dashboard.PriorityBlock): its
    heading, counts, indicator cards and their table, and the link to all its indicators (not in the
    PDF, ``pdf``); ``dashboard_url``: the dashboard's address."""
    cross_title = _("Indicateurs et actions transversaux")
    no_indicator = _("Aucun indicateur pour cette priorité.")
    url = conditional_escape(dashboard_url)
    labels = board_rows.table_labels()
    sections = []
    for block in board.all_blocks:
        key = _value(block.id)
        if block.number:
            title = _("Priorité %(number)s · %(title)s") % {"number": _value(block.number),
                                                            "title": _value(block.title)}
        else:
            title = cross_title
        summary = ""
        if block.total or block.indicators:
            done = ""
            if block.total:
                done = ngettext("%(counter)s action réalisée sur %(total)s.",
                                "%(counter)s actions réalisées sur %(total)s.", block.done) % {
                    "counter": _value(block.done), "total": _value(block.total)}
            summary = f"<p>{done}\n    {board_rows.status_badges(block.indicator_summary)}</p>"
        shown, total = len(block.cards), len(block.indicators)
        more = ""
        if block.more:
            more = "<p>" + _("Les %(shown)s indicateurs les plus en retard, sur %(total)s :") % {
                "shown": _value(shown), "total": _value(total)} + "</p>"
        if block.cards:
            cards = board_rows.indicator_cards(block.cards, pdf=pdf)
            table = "\n\n" + board_rows.indicator_table(block.cards, block=block, labels=labels) + "\n"
        else:
            cards = f'\n    <p class="muted">{no_indicator}</p>\n  '
            table = ""
        link = ""
        if block.more and not pdf:
            see = ngettext("Voir l'indicateur de cette priorité", "Voir les %(counter)s indicateurs de cette priorité",
                           total) % {"counter": _value(total)}
            link = f'<p><a href="{url}?indicateurs={_value(block.key)}">{see}</a></p>'
        sections.append(
            f'\n<section aria-labelledby="bloc-{key}" class="dashboard-priority">\n'
            f'  <h2 id="bloc-{key}">{title}</h2>\n'
            f"  {summary}\n"
            f"  {more}\n"
            f"  {cards}\n"
            f"  {table}\n"
            f"  {link}\n"
            "</section>\n")
    return mark_safe("".join(sections))
