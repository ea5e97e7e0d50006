"""The demo's dates, relative to the day it is loaded.

The demo's story is written with the dates it had when it was told: an autumn of meetings, seen
from the week of ``STORY_WEEK``. At load, every date of the story moves by the same whole number of
weeks, so that this week of the story becomes the current week: the story's intervals (the minutes
adopted at the next meeting, follow-ups due after their meeting) and its weekdays (the committee's
Tuesdays, the assembly's Thursdays) stay as written, whatever the day. Dates that belong to the
calendar rather than to the story (the quarter ends of measurements) move by whole quarters.

Texts of the story name their dates with tokens, resolved at load: ``{2025-09-18}`` (« 18 septembre
2025 »), ``{2025-09-18:dm}`` (« 18 septembre »), ``{2025-09-18:my}`` (« septembre 2025 »),
``{2025-09-18:m}`` (« septembre »), ``{2025-09-18:y}``, ``{2025-09-18:y+1}``, ``{2025-09-18:y-1}``
(years), ``{plan}`` (the years of the plan, « 2025-2030 ») and ``{plan_end}`` (its last year).

The data files (demo/data/, see its README.md) write the same dates relative to the load:
``"-22w thu"`` (the Thursday of the week 22 weeks before the current one: the story's dates),
``"-150d"`` (days from today), ``"-7q"`` (quarter ends from the last finished quarter), ``"month
end"``, each optionally followed by a local time (``"-22w thu 19:15"``); in texts, ``{-22w thu}``
and ``{-22w thu:dm}``… as above. ``Timeline.resolve`` and ``Timeline.moment`` read them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from concertation.core.dates import add_months

# The Monday of the week the story is told from: dates before it are past, dates after its Sunday
# are to come. No date of the story falls within that week (it would be past or future by weekday).
STORY_WEEK = date(2026, 2, 16)
# The last quarter that had ended in the story's week.
STORY_LAST_QUARTER_END = date(2025, 12, 31)

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]
TOKEN = re.compile(
    r"\{(?:(\d{4})-(\d{2})-(\d{2})(?::([a-z+\-1]+))?|(plan|plan_end)|([+-]?\d+w [a-z]{3})(?::([a-z+\-1]+))?)\}"
)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
RELATIVE = re.compile(
    r"^(?:(?P<weeks>[+-]?\d+)w (?P<weekday>mon|tue|wed|thu|fri|sat|sun)|(?P<days>[+-]?\d+)d|"
    r"(?P<quarters>[+-]?\d+)q|(?P<month_end>month end))(?: (?P<hour>\d{1,2}):(?P<minute>\d{2}))?$"
)


def month_start(day: date) -> date:
    return day.replace(day=1)


def quarter_end_of(day: date) -> date:
    """The last day of the quarter that holds ``day``."""
    last_month = (day.month - 1) // 3 * 3 + 3
    return add_months(date(day.year, last_month, 1), 1) - timedelta(days=1)


def _quarter_index(day: date) -> int:
    return day.year * 4 + (day.month - 1) // 3


def day_text(day: date, fmt: str = "") -> str:
    """A date in French words: « 1er septembre 2025 », or a part of it (see the module's tokens)."""
    number = "1er" if day.day == 1 else str(day.day)
    month = MONTHS[day.month - 1]
    if fmt == "dm":
        return f"{number} {month}"
    if fmt == "my":
        return f"{month} {day.year}"
    if fmt == "m":
        return month
    if fmt in {"y", "y+1", "y-1"}:
        return str(day.year + {"y": 0, "y+1": 1, "y-1": -1}[fmt])
    return f"{number} {month} {day.year}"


@dataclass(frozen=True)
class Timeline:
    today: date

    @property
    def shift(self) -> timedelta:
        """How far the story moves: whole weeks, from the story's week to the current one."""
        return (self.today - timedelta(days=self.today.weekday())) - STORY_WEEK

    def on(self, day: date) -> date:
        """The date a date of the story falls on, seen from today."""
        return day + self.shift

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        """The moment of the story's ``day`` at ``hour``:``minute``, local time."""
        return timezone.make_aware(datetime.combine(self.on(day), time(hour, minute)))

    def quarter(self, day: date) -> date:
        """A quarter end of the story (e.g. the measurements' dates) as the quarter end as many
        quarters away from today's last finished quarter."""
        if quarter_end_of(day) != day:
            raise ValueError(f"{day} is not the last day of a quarter")
        offset = _quarter_index(day) - _quarter_index(STORY_LAST_QUARTER_END)
        last = month_start(self.today).replace(month=(self.today.month - 1) // 3 * 3 + 1) - timedelta(days=1)
        return quarter_end_of(add_months(month_start(last), offset * 3))

    def month_end(self) -> date:
        """The last day of the current month."""
        return add_months(month_start(self.today), 1) - timedelta(days=1)

    @property
    def plan_starts(self) -> date:
        """The plan starts on the first day of the month of the story's 1 September 2025."""
        return month_start(self.on(date(2025, 9, 1)))

    @property
    def plan_ends(self) -> date:
        return add_months(self.plan_starts, 60) - timedelta(days=1)

    @property
    def plan_years(self) -> str:
        return f"{self.plan_starts.year}-{self.plan_ends.year}"

    def resolve(self, spec: str) -> date:
        """The date a relative date of the data files falls on (see the module's docstring)."""
        match = RELATIVE.match(spec)
        if match is None:
            raise ValueError(f"not a relative date of the demo: {spec!r}")
        if match["weeks"] is not None:
            return self.on(STORY_WEEK + timedelta(weeks=int(match["weeks"]), days=WEEKDAYS.index(match["weekday"])))
        if match["days"] is not None:
            return self.today + timedelta(days=int(match["days"]))
        if match["quarters"] is not None:
            return self.quarter(quarter_end_of(add_months(STORY_LAST_QUARTER_END, 3 * int(match["quarters"]))))
        return self.month_end()

    def moment(self, spec: str) -> datetime:
        """A relative date with its local time (``"-22w thu 19:15"``)."""
        match = RELATIVE.match(spec)
        if match is None or match["hour"] is None:
            raise ValueError(f"not a relative moment of the demo: {spec!r}")
        return timezone.make_aware(datetime.combine(self.resolve(spec), time(int(match["hour"]), int(match["minute"]))))

    def text(self, value: str) -> str:
        """``value`` with its date tokens written out (see the module's docstring)."""
        def write(match: re.Match) -> str:
            if match.group(6):
                return day_text(self.resolve(match.group(6)), match.group(7) or "")
            if match.group(5):
                return self.plan_years if match.group(5) == "plan" else str(self.plan_ends.year)
            year, month, day, fmt = match.group(1, 2, 3, 4)
            return day_text(self.on(date(int(year), int(month), int(day))), fmt or "")

        return TOKEN.sub(write, value) if "{" in value else value
