"""The plan page's edit mode, written in Python rather than included item by item
(planning/edit_rows.py): the tag ``{% item_tools node %}``."""

from django import template

from concertation.planning import edit_rows

register = template.Library()


@register.simple_tag(takes_context=True)
def item_tools(context, node):
    """``{% item_tools node %}``: an item's tools in the edit mode (``_item_tools.html``)."""
    return edit_rows.item_tools(context, node)
