"""Moments in words, for the home's lines: « Ferme dans 3 jours (le 12 décembre à 17 h) ».

A thin layer over core/formatting.py (the one fr-CA / English formatting layer): the day without
its year in the current year, the hour without « 00 » in French (« 17 h », « 17 h 30 ») and
« 5 p.m. » / « 10:15 a.m. » in English.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from concertation.core import formatting
from concertation.core.formatting import NBSP  # noqa: F401  (kept for former importers)


def hour(moment: datetime) -> str:
    return formatting.hour(moment)


def day(moment: datetime) -> str:
    return day_of_date(timezone.localtime(moment).date())


def closing_in_words(closes_at: datetime | None, now: datetime | None = None) -> str:
    """« Ferme dans 3 jours (le 12 décembre à 17 h) »; « Sans date de fermeture » without one."""
    if closes_at is None:
        return _("Sans date de fermeture")
    now = now or timezone.now()
    return _("Ferme dans %(delay)s (le %(day)s à %(hour)s)") % {
        "delay": formatting.delay(closes_at, now), "day": day(closes_at), "hour": hour(closes_at),
    }


def meeting_when(starts_at: datetime, ends_at: datetime) -> str:
    """« jeudi 10 décembre, de 18 h 30 à 20 h 30 »; « Thursday, December 10, 6:30 to 8:30 p.m. »."""
    return formatting.day_and_hours(starts_at, ends_at, year=None)


def day_of_date(value) -> str:
    """« 12 décembre », « 1er septembre » of a date; « 15 février 2025 » outside the current year."""
    return formatting.day(value, weekday=False, year=None)
