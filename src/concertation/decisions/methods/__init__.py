"""Decision methods: pure Python (no Django), one registry, one entry point.

>>> from concertation.decisions.methods import tally
>>> tally("schulze", options=["A", "B", "C"], ballots=[["A", "B", "C"], ["B", "C"], ["A"]]).winners
['A', 'B', 'C']

See docs/decision-methods.md for every method, its ballot shape, its rules and the tie rule.
"""

from . import yesno, choice, ranked, runoff, schulze, borda  # noqa: F401, I001  (registers the methods)
from .base import (
    REGISTRY,
    Ballot,
    BallotError,
    Method,
    Result,
    LISTENERS,
    RuleError,
    get_method,
    register,
    tally,
    unregister,
    validate_ballot,
)
from .ties import TieBreaker, default_seed

#: the stable keys, in the order of the table in DECISIONS.md
METHOD_KEYS = (
    "consent",
    "consensus",
    "gradients",
    "majority",
    "approval",
    "score",
    "dot",
    "irv",
    "schulze",
    "borda",
    "stv",
    "time_poll",
    "advice",
)
assert set(METHOD_KEYS) == set(REGISTRY), "registry and METHOD_KEYS disagree"


def keys() -> list[str]:
    """Every registered method's key: the built-in ones in table order, then any other (a plugin)."""
    return [key for key in METHOD_KEYS if key in REGISTRY] + [key for key in REGISTRY if key not in METHOD_KEYS]


def keys_where(**traits) -> frozenset[str]:
    """The keys of the methods with these traits (``needs_options=False``, ``rounds_on_amendment=True``…)."""
    return frozenset(key for key, method in REGISTRY.items()
                     if all(getattr(method, name) == value for name, value in traits.items()))

#: the method a show of hands and a college's own count use: for, against and abstentions
MAJORITY = yesno.Majority.key

__all__ = [
    "LISTENERS",
    "MAJORITY",
    "METHOD_KEYS",
    "REGISTRY",
    "Ballot",
    "BallotError",
    "Method",
    "Result",
    "RuleError",
    "TieBreaker",
    "default_seed",
    "get_method",
    "keys",
    "keys_where",
    "register",
    "tally",
    "unregister",
    "validate_ballot",
]
