"""The edit mode's tools of one item (``_item_tools.html``), written in Python: the edit mode of a
large plan's outline lists about a hundred items (1 300 with every activity), and the template
engine spent about 0.1 ms on each include. The markup is the template's, byte for byte (tests/planning
compare both); a draft plan's tools (a form with its CSRF token) still come from the template."""

from __future__ import annotations

from html import escape

from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

TEMPLATE = "planning/_item_tools.html"
BUTTON = "button button-secondary button-small"


def _labels(render_context) -> dict:
    """The tools' words, translated once per page."""
    labels = render_context.get("planning_item_tools")
    if labels is None:
        labels = render_context["planning_item_tools"] = {
            "history": _("Historique"), "edit": _("Modifier"), "up": _("Monter"), "down": _("Descendre"),
            "remove": _("Retirer")}
    return labels


def item_tools(context, node) -> str:
    """``{% include "planning/_item_tools.html" with node=… %}`` (``can_change`` and ``draft`` from
    the context)."""
    can_change, draft = context.get("can_change"), context.get("draft")
    if can_change and draft:
        with context.push(node=node):
            return get_template(TEMPLATE).template.render(context)
    labels = _labels(context.render_context)
    urls = node.urls
    name = f"{escape(str(node.number))} {escape(str(node.title))}"
    hidden = f'<span class="visually-hidden"> {name}</span>'
    out = ('\n<div class="actions item-tools">\n'
           f'  <a href="{escape(urls["history"])}">{labels["history"]}<span class="visually-hidden"> — {name}</span>'
           "</a>\n  ")
    if can_change:
        out += (f'\n    <a class="{BUTTON}" href="{escape(urls["edit"])}">{labels["edit"]}{hidden}</a>\n    '
                f'\n      <a class="{BUTTON}" href="{escape(urls["move_up"])}">{labels["up"]}{hidden}</a>\n'
                f'      <a class="{BUTTON}" href="{escape(urls["move_down"])}">{labels["down"]}{hidden}</a>\n    '
                f'\n    <a class="{BUTTON}" href="{escape(urls["remove"])}">{labels["remove"]}{hidden}</a>\n  ')
    return mark_safe(out + "\n</div>\n")
