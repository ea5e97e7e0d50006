"""Moments in words, for the home's lines: « Ferme dans 3 jours (le 12 décembre à 17 h) ».

Small on purpose: the day in the language's own format (MONTH_DAY_FORMAT), the hour without
« 00 » in French (« 17 h », « 17 h 30 ») and Django's « 5 p.m. » / « 10:15 a.m. » in English.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timesince import timeuntil
from django.utils.translation import get_language
from django.utils.translation import gettext as _

NBSP = "\u00a0"


def hour(moment: datetime) -> str:
    moment = timezone.localtime(moment)
    if (get_language() or "fr").startswith("fr"):
        return f"{moment.hour}{NBSP}h" + (f"{NBSP}{moment.minute:02d}" if moment.minute else "")
    return date_format(moment, "P")


def day(moment: datetime) -> str:
    return day_of_date(timezone.localtime(moment).date())


def closing_in_words(closes_at: datetime | None, now: datetime | None = None) -> str:
    """« Ferme dans 3 jours (le 12 décembre à 17 h) »; « Sans date de fermeture » without one."""
    if closes_at is None:
        return _("Sans date de fermeture")
    now = now or timezone.now()
    return _("Ferme dans %(delay)s (le %(day)s à %(hour)s)") % {
        "delay": timeuntil(closes_at, now, depth=1), "day": day(closes_at), "hour": hour(closes_at),
    }


def meeting_when(starts_at: datetime, ends_at: datetime) -> str:
    """« jeudi 10 décembre, de 18 h 30 à 20 h 30 »."""
    start = timezone.localtime(starts_at)
    return _("%(weekday)s %(day)s, de %(start)s à %(end)s") % {
        "weekday": date_format(start, "l"), "day": day(start), "start": hour(start), "end": hour(ends_at),
    }


def day_of_date(value) -> str:
    """« 12 décembre » of a date (no time); « 15 février 2025 » outside the current year."""
    text = date_format(value, "MONTH_DAY_FORMAT")
    if value.year != timezone.localdate().year:
        text = _("%(day)s %(year)s") % {"day": text, "year": value.year}
    return text
