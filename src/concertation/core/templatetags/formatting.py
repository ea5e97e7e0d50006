"""Template filters of core/formatting.py, registered as a builtin (settings TEMPLATES):
``{{ meeting.starts_at|day }}`` « lundi 1er septembre 2025 », ``|date_long`` « 1er septembre 2025 »,
``|date_short`` « 1er sept. 2025 », ``|day_month`` « 1er septembre » (the year outside this one),
``|month_year``, ``|month_year_short``, ``|hour`` « 18 h 30 », ``|moment`` « lundi 1er septembre
2025 à 18 h », ``|moment_short`` « 1er sept. 2025 à 18 h », ``start|hour_range:end`` « de 18 h à
20 h », ``start|day_and_hours:end``, ``start|date_range:end``, ``|relative`` « demain à 18 h »,
``|money`` « 120 000 $ », ``|number``, ``|with_unit:"km"``, ``|percent``.

Machine contexts keep ISO: ``<time datetime="{{ value|date:'c' }}">``, date inputs, exports.
"""

from functools import wraps

from django import template

from concertation.core import formatting

register = template.Library()


def _quiet(function):
    """Like Django's own |date: a value that is not a date gives an empty string, not an error page."""

    @wraps(function)
    def safe(*args):
        try:
            return function(*args)
        except (TypeError, ValueError, AttributeError, ArithmeticError):
            return ""

    return safe


@register.filter
@_quiet
def day(value):
    return formatting.day(value)


@register.filter
@_quiet
def date_long(value):
    return formatting.day(value, weekday=False)


@register.filter
@_quiet
def date_short(value):
    return formatting.day(value, weekday=False, short=True)


@register.filter
@_quiet
def day_month(value):
    return formatting.day(value, weekday=False, year=None)


@register.filter
@_quiet
def month_year(value):
    return formatting.month_year(value)


@register.filter
@_quiet
def month_year_short(value):
    return formatting.month_year(value, short=True)


@register.filter
@_quiet
def hour(value):
    return formatting.hour(value)


@register.filter
@_quiet
def moment(value):
    return formatting.moment(value)


@register.filter
@_quiet
def moment_short(value):
    return formatting.moment(value, weekday=False, short=True)


@register.filter
@_quiet
def hour_range(start, end):
    return formatting.hour_range(start, end)


@register.filter
@_quiet
def clock_span(start, end):
    return formatting.clock_span(start, end)


@register.filter
@_quiet
def day_and_hours(start, end):
    return formatting.day_and_hours(start, end)


@register.filter
@_quiet
def date_range(start, end):
    return formatting.date_range(start, end)


@register.filter
@_quiet
def relative(value):
    return formatting.relative(value)


@register.filter
@_quiet
def money(value):
    return formatting.money(value)


@register.filter
@_quiet
def number(value, decimals=None):
    return formatting.number(value, None if decimals in (None, "") else int(decimals))


@register.filter
@_quiet
def with_unit(value, unit):
    return formatting.with_unit(value, unit)


@register.filter
@_quiet
def percent(value):
    return formatting.percent(value)


@register.filter(is_safe=True)
def one_period(value):
    """A sentence ending on an English hour keeps one full stop: « at 5 p.m.. » → « at 5 p.m. ».
    For ``{% blocktranslate … asvar sentence %}…{{ time }}.{% endblocktranslate %}{{ sentence|one_period }}``."""
    text = str(value)
    return text[:-1] if text.endswith("..") and not text.endswith("...") else value


@register.simple_tag
def colon():
    """A colon outside a translated sentence: « {{ label }}{% colon %} {{ value }} » gives « Label : 3 »
    (no-break space before) in French, « Label: 3 » in English."""
    return formatting.colon()
