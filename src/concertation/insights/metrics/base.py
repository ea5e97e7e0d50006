"""What every family of metrics shares: the scope (a space, or the spaces of a territory one may
see), the two periods compared (the chosen one and the one of the same length just before it), and
the shapes of a result (a measure, a breakdown, a series).

A family reads the rows of both periods at once (one window from the start of the previous period
to the end of the chosen one), the database saying which period a row falls in (``overlap_sql``,
``MetricsContext.period_case``) and counting what can be counted there; the reads are shared and
sent together (``MetricsContext``: five queries for every family), the same number whatever the data
size and whichever period is chosen. Formulas: docs/metrics.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from concertation.planning.bilan import Period

__all__ = ["Breakdown", "FamilyResult", "Measure", "Period", "Scope", "Window", "overlap_sql", "overlaps", "ratio",
           "term_sql"]


@dataclass(frozen=True)
class Scope:
    """Whose metrics: the spaces (ids) of one territory; ``space`` when it is one space's page."""

    territory_id: int
    space_ids: tuple[int, ...]
    space_id: int | None = None
    # The spaces whose plans the reader may see (None: ``space_ids``): an action another space's plan
    # gives a working group of the scope counts only when the reader may see that plan.
    readable_ids: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Window:
    """The chosen period and the previous one of the same length, ending the day before it."""

    current: Period
    previous: Period

    @classmethod
    def of(cls, period: Period) -> Window:
        end = period.start - timedelta(days=1)
        return cls(current=period, previous=Period(start=end - timedelta(days=period.days - 1), end=end))

    @property
    def start(self) -> date:
        return self.previous.start

    @property
    def end(self) -> date:
        return self.current.end

    @property
    def start_moment(self):
        return self.previous.start_moment

    @property
    def end_moment(self):
        return self.current.end_moment


def term_sql(window: Window, start: str, end: str, ended_on: str | None = None) -> tuple[str, list]:
    """The condition that a row's term (columns ``start``, ``end`` [, ``ended_on``], quoted) overlaps
    the window (ended early, ``ended_on``: up to the day before), and its parameters."""
    from django.db import connection

    first, last = connection.ops.adapt_datefield_value(window.start), connection.ops.adapt_datefield_value(window.end)
    sql, params = f"{start} <= %s AND ({end} IS NULL OR {end} >= %s)", [last, first]
    if ended_on:
        sql, params = f"{sql} AND ({ended_on} IS NULL OR {ended_on} > %s)", [*params, first]
    return sql, params


def overlap_sql(window: Window, start: str, end: str, ended_on: str | None = None) -> tuple[str, list]:
    """``overlaps`` in SQL, for both periods: the columns « in_current » and « in_previous », whether
    a row's term (SQL expressions ``start``, ``end`` [, ``ended_on``]) overlaps the period (the
    database compares the dates: no date is read into Python), and their parameters. A flag is the
    database's truth value as it comes (0/1 on SQLite, a bool on PostgreSQL), read as true or false."""
    from django.db import connection

    columns, params = [], []
    for name, period in (("current", window.current), ("previous", window.previous)):
        first = connection.ops.adapt_datefield_value(period.start)
        last = connection.ops.adapt_datefield_value(period.end)
        condition = f"({start} IS NULL OR {start} <= %s) AND ({end} IS NULL OR {end} >= %s)"
        params += [last, first]
        if ended_on:
            condition += f" AND ({ended_on} IS NULL OR {ended_on} > %s)"
            params.append(first)
        columns.append(f"({condition}) AS in_{name}")
    return ", ".join(columns), params


def overlaps(period: Period, start: date | None, end: date | None, ended_on: date | None = None) -> bool:
    """Whether a term overlaps the period: started by its end, not ended before its start (a term
    ended early, ``ended_on``, stops the day before)."""
    if start is not None and start > period.end:
        return False
    if end is not None and end < period.start:
        return False
    return not (ended_on is not None and ended_on <= period.start)


def ratio(numerator: int | Decimal, denominator: int | Decimal) -> Decimal | None:
    """numerator ÷ denominator as a percentage with one decimal, None when there is nothing to divide."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def average(total: int | Decimal, count: int) -> Decimal | None:
    """A mean with two decimals, None without values."""
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class Measure:
    """One figure of a period. ``unit``: « share » (a percentage, numerator ÷ denominator), « count »
    or « rating » (a mean on 1–5)."""

    key: str
    label: str
    value: Decimal | int | None
    unit: str = "share"
    numerator: int | None = None
    denominator: int | None = None


@dataclass
class Breakdown:
    """Counts by a category (sector, college, organization…): [(label, count)], largest first."""

    key: str
    label: str
    rows: list[tuple[str, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(count for _label, count in self.rows)


@dataclass
class FamilyResult:
    """A family's figures for one period."""

    key: str
    measures: list[Measure] = field(default_factory=list)
    breakdowns: list[Breakdown] = field(default_factory=list)
    # A time series (the evaluation trend): [(date, label, value, count)]
    series: list[tuple] = field(default_factory=list)

    def measure(self, key: str) -> Measure:
        return next(measure for measure in self.measures if measure.key == key)

    def breakdown(self, key: str) -> Breakdown:
        return next(breakdown for breakdown in self.breakdowns if breakdown.key == key)


def counted(labels: list[str]) -> list[tuple[str, int]]:
    """[label, label, …] → [(label, count)], largest first, then by label."""
    totals: dict[str, int] = {}
    for label in labels:
        totals[label] = totals.get(label, 0) + 1
    return largest(totals)


def largest(totals: dict[str, int]) -> list[tuple[str, int]]:
    """{label: count} → [(label, count)], largest first, then by label."""
    return sorted(totals.items(), key=lambda row: (-row[1], row[0]))
