"""Decision methods: pure Python (no Django), one registry, one entry point.

>>> from concertation.decisions.methods import tally
>>> tally("schulze", options=["A", "B", "C"], ballots=[["A", "B", "C"], ["B", "C"], ["A"]]).winners
['A', 'B', 'C']

See docs/decision-methods.md for every method, its ballot shape, its rules and the tie rule.
"""

from . import yesno, choice, ranked  # noqa: F401, I001  (registers the methods, in table order)
from .base import (
    REGISTRY,
    Ballot,
    BallotError,
    Method,
    Result,
    RuleError,
    get_method,
    register,
    tally,
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

#: the method a show of hands and a college's own count use: for, against and abstentions
MAJORITY = yesno.Majority.key

__all__ = [
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
    "register",
    "tally",
    "validate_ballot",
]
