"""Core types of the decision methods: ballots, results, errors, the plugin base and the registry.

Pure Python: nothing here imports Django, so the methods can be tested and benchmarked alone.
All arithmetic is exact (``int`` and ``fractions.Fraction``); floats are refused wherever a
number decides an outcome.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from numbers import Rational
from typing import Any, ClassVar

from .ties import TieBreaker

__all__ = [
    "Ballot",
    "BallotError",
    "Method",
    "REGISTRY",
    "Result",
    "RuleError",
    "exact",
    "get_method",
    "register",
    "tally",
    "validate_ballot",
]


class BallotError(ValueError):
    """An invalid ballot. ``index`` is the ballot's position in the list given to ``tally``
    (None when a single ballot is validated); ``code`` is a stable machine-readable name of the
    problem (``unknown_option``, ``duplicate_rank``, ``score_range``, ``not_integer``,
    ``too_many_dots``, ``negative_dots``, ``unknown_position``, ``reason_required``,
    ``too_few_choices``, ``too_many_choices``, ``duplicate_choice``, ``bad_weight``,
    ``bad_shape``, ``empty_text``)."""

    def __init__(self, message: str, *, code: str = "invalid", index: int | None = None):
        self.problem = message
        self.code = code
        self.index = index
        super().__init__(message if index is None else f"ballot {index}: {message}")

    def at(self, index: int) -> BallotError:
        """The same error, located at ballot ``index``."""
        return BallotError(self.problem, code=self.code, index=index)


class RuleError(ValueError):
    """Invalid method, options or rule keywords (a charter or caller mistake, not a voter's)."""


@dataclass(frozen=True, slots=True)
class Ballot:
    """A ballot with a weight (positive ``int`` or ``Fraction``) and an optional reason.

    ``reason`` is required for a ``consent`` objection and a ``consensus`` block; a plain
    ``(position, reason)`` tuple is accepted for those methods as well.
    """

    value: Any
    weight: int | Fraction = 1
    reason: str | None = None


@dataclass(frozen=True)
class Result:
    """The outcome of a tally. Numbers are ``int`` where integral, else ``Fraction``."""

    method: str
    winners: list = field(default_factory=list)
    adopted: bool | None = None
    rounds: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    tie_broken: bool = False
    seed: int | str | None = None
    exhausted: int | Fraction | None = None
    pairwise: dict | None = None
    fallback_required: bool = False
    ballots: int = 0
    total: int | Fraction = 0
    explanation_data: dict = field(default_factory=dict)

    @property
    def winner(self):
        """The first of ``winners``, or None."""
        return self.winners[0] if self.winners else None


def exact(x):
    """Normalise a number: a Fraction with denominator 1 becomes an int."""
    if isinstance(x, Fraction) and x.denominator == 1:
        return int(x.numerator)
    return x


_FRACTION_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def as_fraction(value, name: str) -> Fraction:
    """An exact fraction from an int, a Fraction or a ``"p/q"`` string; floats are refused."""
    if isinstance(value, bool):
        raise RuleError(f"{name} must be a fraction, not a boolean")
    if isinstance(value, int | Fraction) or (
        isinstance(value, Rational) and not isinstance(value, float)
    ):
        return Fraction(value)
    if isinstance(value, str):
        m = _FRACTION_RE.match(value)
        if m and int(m.group(2)) != 0:
            return Fraction(int(m.group(1)), int(m.group(2)))
        if value.strip().isdigit():
            return Fraction(int(value))
    raise RuleError(
        f"{name} must be an exact fraction (Fraction, int or 'p/q'), got {value!r}"
        + (" (floats are refused: use fractions.Fraction)" if isinstance(value, float) else "")
    )


def as_count(value, name: str, *, minimum: int = 0) -> int:
    """A plain integer (bool refused) of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise RuleError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise RuleError(f"{name} must be at least {minimum}, got {value}")
    return value


def check_weight(weight) -> int | Fraction:
    if isinstance(weight, bool) or not isinstance(weight, int | Fraction):
        raise BallotError(
            f"weight must be a positive int or Fraction, got {weight!r}", code="bad_weight"
        )
    if weight <= 0:
        raise BallotError(f"weight must be positive, got {weight}", code="bad_weight")
    return exact(weight)


def gettext_noop(message: str) -> str:
    """Marks a French label for translation (found by makemessages) without importing Django:
    decisions translates it where it shows it."""
    return message


class Method:
    """Base class of a decision method plugin.

    Subclasses set ``key``, ``ballot_shape``, ``rules`` (accepted rule keywords with their
    defaults) and implement ``validate`` (one ballot) and ``count`` (the validated ballots).
    """

    key: ClassVar[str] = ""
    label: ClassVar[str] = ""
    #: the French name shown to people (translated by decisions), and how a charter's sentence names
    #: it when not by that name in lower case
    title: ClassVar[str] = ""
    phrase: ClassVar[str] = ""
    #: whether a charter's threshold and base say when it adopts (the sentence then says them)
    thresholded: ClassVar[bool] = False
    #: the method in one sentence, shown above the vote form
    summary: ClassVar[str] = ""
    #: for a ballot that is one position: (value, what the voter chooses, how a result counts it)
    position_labels: ClassVar[tuple] = ()
    #: what a result counts for each option (« Approbations »…); « Nombre » otherwise
    count_label: ClassVar[str] = ""
    #: how a result shows: shares of the voters (not of the votes), rounds, the pairwise matrix,
    #: several elected (seats)
    share_of_voters: ClassVar[bool] = False
    shows_rounds: ClassVar[bool] = False
    shows_pairwise: ClassVar[bool] = False
    elects: ClassVar[bool] = False
    #: how the result is said in plain words (decisions/explain.py has one way per name): « ranking »
    #: (who leads, in what order) unless the method says otherwise
    explained_as: ClassVar[str] = "ranking"
    #: the message when a ballot gives a number that is not a whole one (``not_integer``)
    not_integer_message: ClassVar[str] = ""
    #: the message when a position requiring a reason has none (``reason_required``)
    reason_required_message: ClassVar[str] = ""
    #: the help and the error of the reason a position requires (objection, block)
    reason_help: ClassVar[str] = ""
    reason_missing: ClassVar[str] = ""
    ballot_shape: ClassVar[str] = ""
    needs_options: ClassVar[bool] = True
    rules: ClassVar[dict[str, Any]] = {}
    #: rule keywords every method accepts
    common_rules: ClassVar[dict[str, Any]] = {"tie_seed": None}
    #: whether a result counts the ballots (advice only gathers them)
    tallied: ClassVar[bool] = True
    #: whether the count can also be checked college by college (a charter's double majority)
    double_majority: ClassVar[bool] = False
    #: whether a meeting may decide it by a show of hands (for, against and abstentions)
    by_show_of_hands: ClassVar[bool] = False
    #: whether a new version of the text opens a new round of the vote (earlier rounds are kept)
    rounds_on_amendment: ClassVar[bool] = False

    def rules_of(self, proposal, *, present: int, eligible: int) -> dict:
        """The rule keywords of this method from a proposal's rules (any object with the charter's
        rule attributes: threshold, base, consensus_tolerance…) and the counts of present and
        eligible voters. Override when the method has rules of its own."""
        return {}

    # -- rules and options -------------------------------------------------------------------
    def check_rules(self, rules: dict, options: list | None) -> dict:
        accepted = {**self.common_rules, **self.rules}
        unknown = sorted(set(rules) - set(accepted))
        if unknown:
            raise RuleError(
                f"unknown rule keyword{'s' if len(unknown) > 1 else ''} "
                f"{', '.join(map(repr, unknown))} for method {self.key!r} "
                f"(accepted: {', '.join(sorted(accepted))})"
            )
        merged = {**accepted, **rules}
        seed = merged["tie_seed"]
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | str)):
            raise RuleError(f"tie_seed must be an int or a str, got {seed!r}")
        return self.normalise_rules(merged, options)

    def normalise_rules(self, rules: dict, options: list | None) -> dict:
        """Check and normalise the method's own rule values (override)."""
        return rules

    def check_options(self, options) -> list:
        if options is None:
            if self.needs_options:
                raise RuleError(f"method {self.key!r} needs options")
            return []
        if isinstance(options, str | bytes) or not hasattr(options, "__iter__"):
            raise RuleError(f"options must be a list, got {options!r}")
        options = list(options)
        try:
            distinct = len(set(options)) == len(options)
        except TypeError:
            raise RuleError("options must be hashable values (e.g. strings or ids)") from None
        if not distinct:
            raise RuleError("options must be distinct")
        if self.needs_options and not options:
            raise RuleError(f"method {self.key!r} needs at least one option")
        return options

    # -- ballots -----------------------------------------------------------------------------
    def validate(self, ballot, options, rules):
        """Check one ballot (raw value or ``Ballot``); return a normalised ``Ballot`` or raise
        ``BallotError``. ``rules`` is the dict returned by ``check_rules``."""
        raise NotImplementedError

    def collect(self, ballots, options, rules) -> list:
        """Validate every ballot (errors carry the ballot index); the ranked methods override
        this to group identical rankings."""
        out = []
        previous = checked = None
        for i, b in enumerate(ballots):
            if b is previous and previous is not None:  # the same ballot object again: already checked
                out.append(checked)
                continue
            try:
                checked = self.validate(b, options, rules)
            except BallotError as e:
                raise e.at(i) from None
            previous = b
            out.append(checked)
        return out

    def count(self, options, ballots, rules, ties: TieBreaker) -> Result:
        raise NotImplementedError

    # -- helpers for subclasses --------------------------------------------------------------
    @staticmethod
    def split(ballot) -> tuple[Any, int | Fraction, str | None]:
        if isinstance(ballot, Ballot):
            return ballot.value, check_weight(ballot.weight), ballot.reason
        return ballot, 1, None

    def result(self, ties: TieBreaker, **kwargs) -> Result:
        return Result(method=self.key, tie_broken=ties.broken, seed=ties.seed_used, **kwargs)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.key!r}>"


REGISTRY: dict[str, Method] = {}
#: called with each method registered (decisions tells the lower layers, see decisions/apps.py)
LISTENERS: list = []


def register(cls: type[Method]) -> type[Method]:
    """Class decorator: add a method plugin to the registry under its ``key``."""
    if not cls.key or cls.key in REGISTRY:
        raise RuntimeError(f"method key {cls.key!r} missing or already registered")
    REGISTRY[cls.key] = method = cls()
    for listener in LISTENERS:
        listener(method, registered=True)
    return cls


def unregister(key: str) -> None:
    """Take a method out of the registry (a test's toy method)."""
    method = REGISTRY.pop(key, None)
    if method is not None:
        for listener in LISTENERS:
            listener(method, registered=False)


def get_method(key) -> Method:
    try:
        return REGISTRY[key]
    except (KeyError, TypeError):
        raise RuleError(
            f"unknown decision method {key!r} (known: {', '.join(sorted(REGISTRY))})"
        ) from None


def tally(method, *, options=None, ballots, **rules) -> Result:
    """Count ``ballots`` with ``method`` (a registry key or a ``Method``) under ``rules``."""
    m = method if isinstance(method, Method) else get_method(method)
    options = m.check_options(options)
    normalised = m.check_rules(rules, options)
    if isinstance(ballots, str | bytes | dict) or not hasattr(ballots, "__iter__"):
        raise RuleError("ballots must be a list of ballots")
    ballots = ballots if isinstance(ballots, list | tuple) else list(ballots)
    collected = m.collect(ballots, options, normalised)
    ties = TieBreaker(options, normalised.get("tie_seed"))
    return m.count(options, collected, normalised, ties)


def validate_ballot(method, ballot, *, options=None, **rules) -> Ballot:
    """Validate a single ballot (e.g. before storing it); returns the normalised ``Ballot``."""
    m = method if isinstance(method, Method) else get_method(method)
    options = m.check_options(options)
    return m.validate(ballot, options, m.check_rules(rules, options))
