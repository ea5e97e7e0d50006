"""One formatting layer for what people read: days, hours, ranges, delays, money and units.

French (fr-CA) follows the Office québécois de la langue française: « lundi 1er septembre 2025 »,
« 1er sept. » (janv., févr., juill. — never « Jui »), « 18 h » and « 18 h 30 » (never « 18 h 00 »),
« de 18 h à 20 h », « 120 000 $ », « 4,3 », « 50 % »; English follows the usual North American
style: « Monday, September 1, 2025 », « Sept. 1 », « 6 p.m. », « 10:15 a.m. », « 6 to 8 p.m. »,
« $120,000 ».

The words of dates (months, weekdays, « demain », « dans 3 jours ») live in the tables below, one per
language, rather than in the catalogs: they are fixed typographic data (like CLDR's), the same on
every page, and testable without compiled catalogs. A language other than French reads English.

Spaces that must not break a line (in money, before a unit, inside a time) are no-break spaces
(NBSP); ISO dates stay for machines only (``<time datetime>``, date inputs, CSV/ICS/API exports).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import get_language

NBSP = "\u00a0"  # no-break space: « 18 h », « 120 000 $ », before « : » and inside « »
NNBSP = "\u202f"  # narrow no-break space, for those who want it (not used by the functions here)

MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
}
# Abbreviations that no two months share: OQLF's for French, AP style's for English.
MONTHS_SHORT = {
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juill.", "août", "sept.", "oct.",
           "nov.", "déc."),
    "en": ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.",
           "Dec."),
}
WEEKDAYS = {
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}


def lang() -> str:
    """« fr » or « en »: the active language's family (anything but French reads English)."""
    return "fr" if (get_language() or "fr").lower().startswith("fr") else "en"


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def _as_date(value: date | datetime | str) -> date:
    if isinstance(value, str):  # an ISO date kept as text (a snapshot, a query string)
        value = datetime.fromisoformat(value) if "T" in value or " " in value.strip() else date.fromisoformat(value)
    return _local(value).date() if isinstance(value, datetime) else value


def _show_year(day: date, year: bool | None) -> bool:
    return timezone.localdate().year != day.year if year is None else year


# ---------------------------------------------------------------- days


def day_number(value: date | datetime) -> str:
    """« 1er », « 2 » in French; « 1 », « 2 » in English."""
    number = _as_date(value).day
    return "1er" if number == 1 and lang() == "fr" else str(number)


def day(value: date | datetime | None, *, weekday: bool = True, year: bool | None = True,
        short: bool = False) -> str:
    """« lundi 1er septembre 2025 »; ``short``: « 1er sept. 2025 »; ``year=None``: the year only
    outside the current one. English: « Monday, September 1, 2025 », « Sept. 1, 2025 »."""
    if value is None or value == "":
        return ""
    the_day = _as_date(value)
    language = lang()
    month = (MONTHS_SHORT if short else MONTHS)[language][the_day.month - 1]
    with_year = _show_year(the_day, year)
    if language == "fr":
        text = f"{day_number(the_day)} {month}"
        if with_year:
            text += f" {the_day.year}"
        return f"{WEEKDAYS['fr'][the_day.weekday()]} {text}" if weekday else text
    text = f"{month} {the_day.day}"
    if with_year:
        text += f", {the_day.year}"
    return f"{WEEKDAYS['en'][the_day.weekday()]}, {text}" if weekday else text


def month_year(value: date | datetime | None, *, short: bool = False) -> str:
    """« septembre 2025 » (« sept. 2025 » short); « September 2025 »."""
    if value is None or value == "":
        return ""
    the_day = _as_date(value)
    return f"{(MONTHS_SHORT if short else MONTHS)[lang()][the_day.month - 1]} {the_day.year}"


# ---------------------------------------------------------------- hours


def _en_hour(moment: datetime | date, *, meridiem: bool = True) -> str:
    if moment.minute == 0 and moment.hour in (0, 12):
        return "midnight" if moment.hour == 0 else "noon"
    hour12 = moment.hour % 12 or 12
    text = str(hour12) if moment.minute == 0 else f"{hour12}:{moment.minute:02d}"
    if not meridiem:
        return text
    return f"{text}{NBSP}{'a.m.' if moment.hour < 12 else 'p.m.'}"


def hour(value: datetime | None) -> str:
    """« 18 h », « 18 h 30 », « 0 h »; « 6 p.m. », « 10:15 a.m. », « noon », « midnight »."""
    if value is None or value == "":
        return ""
    moment = _local(value) if isinstance(value, datetime) else value
    if lang() == "fr":
        return f"{moment.hour}{NBSP}h" + (f"{NBSP}{moment.minute:02d}" if moment.minute else "")
    return _en_hour(moment)


def hour_range(start: datetime | None, end: datetime | None) -> str:
    """« de 18 h à 20 h »; « 6 to 8 p.m. », « 10 a.m. to 2 p.m. », « 11 a.m. to noon »."""
    if start is None or start == "":
        return ""
    if end is None or end == "":
        return hour(start)
    start_local = _local(start) if isinstance(start, datetime) else start
    end_local = _local(end) if isinstance(end, datetime) else end
    if lang() == "fr":
        return f"de {hour(start_local)} à {hour(end_local)}"
    same_half = (start_local.hour < 12) == (end_local.hour < 12)
    bare = same_half and _en_hour(start_local) not in ("noon", "midnight") \
        and _en_hour(end_local) not in ("noon", "midnight")
    first = _en_hour(start_local, meridiem=not bare)
    return f"{first} to {_en_hour(end_local)}"


def clock_span(start: datetime | None, end: datetime | None) -> str:
    """A timetable's slot, compact: « 18 h 30 – 18 h 35 »; « 6:30–6:35 p.m. », « 11:50 a.m.–12:05 p.m. »."""
    if start is None or start == "" or end is None or end == "":
        return hour(start) if start not in (None, "") else ""
    start_local = _local(start) if isinstance(start, datetime) else start
    end_local = _local(end) if isinstance(end, datetime) else end
    if lang() == "fr":
        return f"{hour(start_local)} – {hour(end_local)}"
    same_half = (start_local.hour < 12) == (end_local.hour < 12)
    bare = same_half and _en_hour(start_local) not in ("noon", "midnight") \
        and _en_hour(end_local) not in ("noon", "midnight")
    return f"{_en_hour(start_local, meridiem=not bare)}–{_en_hour(end_local)}"


def moment(value: datetime | None, *, weekday: bool = True, year: bool | None = True,
           short: bool = False) -> str:
    """« lundi 1er septembre 2025 à 18 h »; « Monday, September 1, 2025, at 6 p.m. »."""
    if value is None or value == "":
        return ""
    when = day(value, weekday=weekday, year=year, short=short)
    if lang() == "fr":
        return f"{when} à {hour(value)}"
    return f"{when}, at {hour(value)}" if "," in when else f"{when} at {hour(value)}"


def day_and_hours(start: datetime | None, end: datetime | None, *, year: bool | None = True) -> str:
    """A meeting's time: « jeudi 10 décembre 2026, de 18 h 30 à 20 h 30 »; on two days,
    « du jeudi 10 décembre 2026 à 18 h au vendredi 11 décembre 2026 à 12 h »."""
    if start is None or start == "":
        return ""
    if end is None or end == "" or _as_date(start) == _as_date(end):
        return f"{day(start, year=year)}, {hour_range(start, end)}" if end else moment(start, year=year)
    if lang() == "fr":
        return f"du {moment(start, year=year)} au {moment(end, year=year)}"
    return f"{moment(start, year=year)}, to {moment(end, year=year)}"


# ---------------------------------------------------------------- date ranges


def date_range(start: date | datetime | None, end: date | datetime | None, *,
               short: bool = False) -> str:
    """« du 1er au 5 septembre 2025 », « du 28 août au 3 septembre 2025 », « du 1er septembre 2025
    au 31 août 2026 »; « September 1 to 5, 2025 », « September 1, 2025, to August 31, 2026 »."""
    if not start and not end:
        return ""
    if not end:
        return day(start, weekday=False, short=short)
    if not start:
        return day(end, weekday=False, short=short)
    first, last = _as_date(start), _as_date(end)
    if first == last:
        return day(first, weekday=False, short=short)
    months = (MONTHS_SHORT if short else MONTHS)[lang()]
    if lang() == "fr":
        if first.year != last.year:
            head = day(first, weekday=False, short=short)
        elif first.month != last.month:
            head = f"{day_number(first)} {months[first.month - 1]}"
        else:
            head = day_number(first)
        return f"du {head} au {day(last, weekday=False, short=short)}"
    if first.year != last.year:
        return f"{day(first, weekday=False, short=short)}, to {day(last, weekday=False, short=short)}"
    if first.month != last.month:
        return f"{months[first.month - 1]} {first.day} to {months[last.month - 1]} {last.day}, {last.year}"
    return f"{months[first.month - 1]} {first.day} to {last.day}, {last.year}"


# ---------------------------------------------------------------- relative to now

_UNITS = {
    "fr": {"day": ("jour", "jours"), "hour": ("heure", "heures"), "minute": ("minute", "minutes"),
           "week": ("semaine", "semaines"), "month": ("mois", "mois")},
    "en": {"day": ("day", "days"), "hour": ("hour", "hours"), "minute": ("minute", "minutes"),
           "week": ("week", "weeks"), "month": ("month", "months")},
}


def count_of(number: int, unit: str) -> str:
    """« 1 jour », « 3 jours » (French plural from 2: « 0 jour », « 1,5 jour »); « 1 day », « 3 days »."""
    language = lang()
    singular, plural = _UNITS[language][unit]
    one = number < 2 if language == "fr" else number == 1
    return f"{number}{NBSP}{singular if one else plural}"


def delay(until: datetime, now: datetime | None = None) -> str:
    """How long until ``until``, in its largest unit: « 3 jours », « 2 heures », « 5 minutes »."""
    now = now or timezone.now()
    seconds = abs((until - now).total_seconds())
    if seconds >= 60 * 86400:
        return count_of(int(seconds // (30 * 86400)), "month")
    if seconds >= 14 * 86400:
        return count_of(int(seconds // (7 * 86400)), "week")
    if seconds >= 86400:
        return count_of(int(seconds // 86400), "day")
    if seconds >= 3600:
        return count_of(int(seconds // 3600), "hour")
    return count_of(max(1, int(seconds // 60)), "minute")


def relative(value: datetime | None, now: datetime | None = None) -> str:
    """A moment from now: « dans 20 minutes », « aujourd'hui à 18 h », « demain à 18 h »,
    « hier à 9 h », « dans 3 jours », « il y a 3 jours », beyond a week « le 1er sept. »;
    English « in 20 minutes », « today at 6 p.m. », « tomorrow at 6 p.m. », « 3 days ago »."""
    if value is None or value == "":
        return ""
    now = now or timezone.now()
    french = lang() == "fr"
    seconds = (value - now).total_seconds()
    if abs(seconds) < 60:
        return "à l'instant" if french else "just now"
    if abs(seconds) < 3600:
        amount = delay(value, now)
        if seconds > 0:
            return f"dans {amount}" if french else f"in {amount}"
        return f"il y a {amount}" if french else f"{amount} ago"
    days = (_as_date(value) - timezone.localtime(now).date()).days
    words = {0: ("aujourd'hui", "today"), 1: ("demain", "tomorrow"), -1: ("hier", "yesterday")}
    if days in words:
        name = words[days][0 if french else 1]
        return f"{name} à {hour(value)}" if french else f"{name} at {hour(value)}"
    if abs(days) <= 7:
        amount = count_of(abs(days), "day")
        if days > 0:
            return f"dans {amount}" if french else f"in {amount}"
        return f"il y a {amount}" if french else f"{amount} ago"
    when = day(value, weekday=False, year=None, short=True)
    return f"le {when}" if french else f"on {when}"


def nbsp(text: str) -> str:
    """A translated message with its {nbsp} markers made no-break spaces (French typography: before
    « : » and inside « »); the marker keeps the space out of the catalog's msgid."""
    return text.replace("{nbsp}", NBSP)


def colon() -> str:
    """« : » after a no-break space in French, a bare « : » in English."""
    return f"{NBSP}:" if lang() == "fr" else ":"


# ---------------------------------------------------------------- numbers, money, units


def _decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def number(value, decimals: int | None = None) -> str:
    """« 120 000 », « 4,3 » (no-break space between thousands); « 120,000 », « 4.3 ».
    ``decimals=None`` keeps the value's own decimals (without trailing zeros)."""
    if value is None or value == "":
        return ""
    if type(value) is int and decimals is None:  # the common case (counts), without a Decimal: the same text
        text = f"{value:,}"
        return text.replace(",", NBSP) if lang() == "fr" else text
    amount = _decimal(value)
    if decimals is not None:
        amount = amount.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        text = f"{abs(amount):,.{decimals}f}"
    else:
        amount = amount.normalize() if amount == amount.to_integral() else amount
        text = f"{abs(amount):,f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    sign = "-" if amount < 0 else ""
    if lang() == "fr":
        text = text.replace(",", NBSP).replace(".", ",")
    return sign + text


def counts():
    """``number`` with the active language read once: a function for a page that writes hundreds of
    counts (looking the language up cost more than writing an integer). Not kept beyond the page."""
    french = lang() == "fr"

    def count(value) -> str:
        if type(value) is int:  # number()'s common case, the same text
            text = f"{value:,}"
            return text.replace(",", NBSP) if french else text
        return number(value)

    return count


def money(value, decimals: int | None = None) -> str:
    """« 120 000 $ », « 1 234,50 $ »; « $120,000 », « $1,234.50 ». Cents only when there are some
    (``decimals`` forces them)."""
    if value is None or value == "":
        return ""
    amount = _decimal(value)
    if decimals is None:
        decimals = 0 if amount == amount.to_integral() else 2
    text = number(abs(amount), decimals)
    sign = "-" if amount < 0 else ""
    return f"{sign}{text}{NBSP}$" if lang() == "fr" else f"{sign}${text}"


def with_unit(value, unit: str, decimals: int | None = None) -> str:
    """A number and its unit on one line: « 12 km », « 45 min », « 50 % » (English « 50% »)."""
    if value is None or value == "":
        return ""
    text = number(value, decimals)
    if not unit:
        return text
    if unit == "%" and lang() == "en":
        return f"{text}%"
    return f"{text}{NBSP}{unit}"


def percent(value, decimals: int | None = None) -> str:
    """« 50 % »; « 50% »."""
    return with_unit(value, "%", decimals)


__all__ = [
    "NBSP", "NNBSP", "MONTHS", "MONTHS_SHORT", "WEEKDAYS", "lang", "day_number", "day", "month_year",
    "hour", "hour_range", "moment", "day_and_hours", "date_range", "count_of", "delay", "relative",
    "number", "counts", "money", "with_unit", "percent", "colon",
]
