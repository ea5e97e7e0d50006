"""``{{ views|indicator_rows:linked }}``: the rows of a plan's tables, written in Python once per
table (planning/board_rows.py) rather than cell by cell by the template engine."""

from django import template

from concertation.planning import board_rows

register = template.Library()


@register.filter
def indicator_rows(views, linked=False):
    return board_rows.indicator_rows(views, linked=bool(linked))
