"""Template filters of core/formatting.py, registered as a builtin (settings TEMPLATES):
``{{ meeting.starts_at|day }}`` « lundi 1er septembre 2025 », ``|date_long`` « 1er septembre 2025 »,
``|date_short`` « 1er sept. 2025 », ``|day_month`` « 1er septembre » (the year outside this one),
``|month_year``, ``|month_year_short``, ``|hour`` « 18 h 30 », ``|moment`` « lundi 1er septembre
2025 à 18 h », ``|moment_short`` « 1er sept. 2025 à 18 h », ``start|hour_range:end`` « de 18 h à
20 h », ``start|day_and_hours:end``, ``start|date_range:end``, ``|relative`` « demain à 18 h »,
``|money`` « 120 000 $ », ``|number``, ``|with_unit:"km"``, ``|percent``.

Machine contexts keep ISO: ``<time datetime="{{ value|date:'c' }}">``, date inputs, exports.
"""

from django import template

from concertation.core import formatting

register = template.Library()


@register.filter
def day(value):
    return formatting.day(value)


@register.filter
def date_long(value):
    return formatting.day(value, weekday=False)


@register.filter
def date_short(value):
    return formatting.day(value, weekday=False, short=True)


@register.filter
def day_month(value):
    return formatting.day(value, weekday=False, year=None)


@register.filter
def month_year(value):
    return formatting.month_year(value)


@register.filter
def month_year_short(value):
    return formatting.month_year(value, short=True)


@register.filter
def hour(value):
    return formatting.hour(value)


@register.filter
def moment(value):
    return formatting.moment(value)


@register.filter
def moment_short(value):
    return formatting.moment(value, weekday=False, short=True)


@register.filter
def hour_range(start, end):
    return formatting.hour_range(start, end)


@register.filter
def day_and_hours(start, end):
    return formatting.day_and_hours(start, end)


@register.filter
def date_range(start, end):
    return formatting.date_range(start, end)


@register.filter
def relative(value):
    return formatting.relative(value)


@register.filter
def money(value):
    return formatting.money(value)


@register.filter
def number(value, decimals=None):
    return formatting.number(value, None if decimals in (None, "") else int(decimals))


@register.filter
def with_unit(value, unit):
    return formatting.with_unit(value, unit)


@register.filter
def percent(value):
    return formatting.percent(value)


@register.simple_tag
def colon():
    """A colon outside a translated sentence: « {{ label }}{% colon %} {{ value }} » gives « Label : 3 »
    (no-break space before) in French, « Label: 3 » in English."""
    return formatting.colon()
