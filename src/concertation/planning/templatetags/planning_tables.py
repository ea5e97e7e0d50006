"""The dashboard's and the bilan's repeated parts, written in Python once per list
(planning/board_rows.py) rather than cell by cell by the template engine: the filters
``indicator_cards``, ``status_badges``, ``activity_count_rows``, ``overdue_rows``, ``due_items``,
``done_rows``, ``decision_rows``, ``meeting_rows`` and the tags ``{% indicator_table %}`` and
``{% revision_card %}``; the plan page's reading view (planning/reading_rows.py): the tag
``{% plan_reading %}``."""

from django import template

from concertation.planning import board_rows, reading_rows

register = template.Library()


@register.filter
def indicator_cards(views, pdf=False):
    return board_rows.indicator_cards(views, pdf=bool(pdf))


@register.filter
def status_badges(counts):
    return board_rows.status_badges(counts)


@register.filter
def activity_count_rows(blocks):
    return board_rows.activity_count_rows(blocks)


@register.filter
def overdue_rows(rows, plan_url=""):
    return board_rows.overdue_rows(rows, plan_url)


@register.filter
def due_items(views, pdf=False):
    return board_rows.due_items(views, pdf=bool(pdf))


@register.filter
def done_rows(activities):
    return board_rows.done_rows(activities)


@register.filter
def decision_rows(decisions, territory_slug=""):
    return board_rows.decision_rows(decisions, territory_slug)


@register.filter
def meeting_rows(meetings):
    return board_rows.meeting_rows(meetings)


@register.simple_tag(takes_context=True)
def revision_card(context, row, level=2, show_item=False):
    """``{% revision_card row level show_item %}``: one revision, its author's name as the page's
    ``user`` may see it."""
    return board_rows.revision_card(row, viewer=context.get("user"), level=level, show_item=bool(show_item))


@register.simple_tag
def indicator_table(views, block=None, linked=False):
    """``{% indicator_table views block linked %}``: the table of ``_indicator_table.html``."""
    return board_rows.indicator_table(views, block=block, linked=bool(linked))


@register.simple_tag
def bilan_indicator_cards(items, period_end, pdf=False):
    """``{% bilan_indicator_cards bilan.indicators bilan.period.end pdf %}``"""
    return board_rows.bilan_indicator_cards(items, period_end=period_end, pdf=bool(pdf))


@register.simple_tag(takes_context=True)
def bilan_revision_cards(context, rows, territory_slug=""):
    """``{% bilan_revision_cards bilan.revisions territory.slug %}`` (no territory in the PDF: no links)."""
    return board_rows.bilan_revision_cards(rows, viewer=context.get("user"), territory_slug=territory_slug)


@register.simple_tag(takes_context=True)
def plan_reading(context):
    """``{% plan_reading %}``: the plan's reading view (``tree`` and ``territory`` from the context)."""
    territory = context["territory"]
    return reading_rows.plan_reading(context["tree"], reading_rows.Labels(territory.slug), territory=territory)
