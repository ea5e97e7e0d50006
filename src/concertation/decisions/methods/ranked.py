"""Ranked methods, what they share: the ranking ballot, the profile of rankings, the piles of
transfers. The methods themselves: runoff.py (irv, stv), schulze.py, borda.py.

A ranking is a list or tuple of options, most preferred first (partial rankings allowed; the
same option twice is a ``duplicate_rank`` error), or a mapping ``{option: rank}`` with distinct
integer ranks ≥ 1 (gaps allowed; an equal rank is a ``duplicate_rank`` error). An empty ranking
is a blank ballot.

Identical rankings are grouped first (a ``Counter`` of tuples) and validated once per distinct
ranking, so the cost grows with the number of distinct rankings, not of ballots.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from itertools import chain
from operator import ne

from .base import Ballot, BallotError, Method, exact


@dataclass(slots=True)
class Profile:
    """Validated ranked ballots, grouped: ``rankings[g]`` (a tuple of options, most preferred
    first) was cast with total weight ``weights[g]``; ``index`` maps an option to its position
    in ``options``. Rankings keep the option values (no up-front conversion to indices): the
    counts look indices up only where they need them."""

    rankings: list
    weights: list
    ballots: int
    total: int | Fraction
    index: dict


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


class RankedMethod(Method):
    ballot_shape = "ranking"

    # -- validation --------------------------------------------------------------------------
    @staticmethod
    def _order(value) -> tuple:
        """The ranking as a tuple of options, most preferred first (not yet checked)."""
        if isinstance(value, list | tuple):
            return tuple(value)
        if isinstance(value, dict):
            by_rank: dict = {}
            for option, rank in value.items():
                if not _is_int(rank):
                    raise BallotError(
                        f"rank of {option!r} must be an integer, got {rank!r}", code="not_integer"
                    )
                if rank < 1:
                    raise BallotError(
                        f"rank of {option!r} must be 1 or more, got {rank}", code="not_integer"
                    )
                if rank in by_rank:
                    raise BallotError(
                        f"rank {rank} given to both {by_rank[rank]!r} and {option!r}",
                        code="duplicate_rank",
                    )
                by_rank[rank] = option
            return tuple(by_rank[r] for r in sorted(by_rank))
        raise BallotError(
            f"expected a ranking (list of options, most preferred first), "
            f"got {type(value).__name__}",
            code="bad_shape",
        )

    @staticmethod
    def _indices(order: tuple, index: dict) -> tuple:
        try:
            ranking = tuple(map(index.__getitem__, order))
        except (KeyError, TypeError):
            for o in order:
                try:
                    found = o in index
                except TypeError:  # unhashable
                    found = False
                if not found:
                    raise BallotError(f"unknown option {o!r}", code="unknown_option") from None
            raise
        if len(set(ranking)) != len(ranking):
            seen = set()
            for o in order:
                if o in seen:
                    raise BallotError(f"option {o!r} ranked twice", code="duplicate_rank")
                seen.add(o)
        return ranking

    def validate(self, ballot, options, rules) -> Ballot:
        value, weight, reason = self.split(ballot)
        order = self._order(value)
        self._indices(order, {o: i for i, o in enumerate(options)})
        return Ballot(order, weight, reason)

    def collect(self, ballots, options, rules) -> Profile:
        index = {o: i for i, o in enumerate(options)}
        grouped: dict = {}
        if set(map(type, ballots)) <= {list, tuple}:
            try:
                counter = Counter(map(tuple, ballots))
            except TypeError:  # an unhashable element: validate one by one below
                counter = None
            if counter is not None:
                orders = list(counter)
                # bulk checks in C; a per-ranking pass only to locate and name an error
                if not (
                    set(chain.from_iterable(orders)) <= index.keys()
                    and not any(map(ne, map(len, map(set, orders)), map(len, orders)))
                ):
                    for order in orders:
                        try:
                            self._indices(order, index)
                        except BallotError as e:
                            first = next(i for i, b in enumerate(ballots) if tuple(b) == order)
                            raise e.at(first) from None
                weights = list(counter.values())
                return Profile(orders, weights, len(ballots), sum(weights), index)
        for i, b in enumerate(ballots):
            try:
                value, weight, _ = self.split(b)
                order = self._order(value)
                self._indices(order, index)
            except BallotError as e:
                raise e.at(i) from None
            grouped[order] = grouped.get(order, 0) + weight
        weights = [exact(w) for w in grouped.values()]
        return Profile(list(grouped), weights, len(ballots), exact(sum(weights, 0)), index)

    # -- shared helpers ----------------------------------------------------------------------
    @staticmethod
    def first_preferences(options, profile: Profile) -> tuple[dict, int | Fraction]:
        firsts = dict.fromkeys(options, 0)
        blank = 0
        for r, w in zip(profile.rankings, profile.weights, strict=True):
            if r:
                firsts[r[0]] += w
            else:
                blank += w
        return {o: exact(v) for o, v in firsts.items()}, exact(blank)


class Transfers:
    """Ballot piles for irv and stv: each distinct ranking sits in the pile of its current
    continuing preference; ``parcels`` carry a common value (1, or a Gregory transfer value)."""

    def __init__(self, options: list, profile: Profile):
        n = len(options)
        self.options = options
        self.index = index = profile.index
        self.rankings = profile.rankings
        self.weights = profile.weights
        self.pos = [0] * len(self.rankings)
        self.continuing = [True] * n  # by option index
        self._continuing = dict.fromkeys(options, True)  # by option, for the transfer loop
        self.piles: list[list] = [[] for _ in range(n)]  # [value, [groups], weight sum]
        self.votes: list = [0] * n
        self.exhausted = 0
        first: list[list] = [[] for _ in range(n)]
        add = [f.append for f in first]
        votes = self.votes
        for g, (r, w) in enumerate(zip(self.rankings, self.weights, strict=True)):
            if r:
                c = index[r[0]]
                add[c](g)
                votes[c] += w
        for c, groups in enumerate(first):
            if groups:
                self.piles[c].append([1, groups, votes[c]])

    def first_preferences(self, options, total) -> tuple[dict, int | Fraction]:
        """First preferences by option (the votes before any transfer) and blank ballots."""
        firsts = {o: exact(v) for o, v in zip(options, self.votes, strict=True)}
        return firsts, exact(total - sum(self.votes, 0))

    def stop(self, c: int) -> None:
        """``c`` is no longer continuing (elected or eliminated)."""
        self.continuing[c] = False
        self._continuing[self.options[c]] = False

    def transfer(self, c: int, ratio=1) -> dict:
        """Move every parcel of ``c`` to its next continuing preference at value × ``ratio``;
        returns {destination index or None (exhausted): votes moved}."""
        rankings, weights, pos = self.rankings, self.weights, self.pos
        cont, index = self._continuing, self.index
        moved: dict = {}
        for value, groups, _ in self.piles[c]:
            nv = value if ratio == 1 else value * ratio
            if nv == 0:
                continue
            dest: dict[int, list] = {}
            lost = 0
            for g in groups:
                r = rankings[g]
                p = pos[g] + 1
                end = len(r)
                while p < end and not cont[r[p]]:
                    p += 1
                if p < end:
                    pos[g] = p
                    d = index[r[p]]
                    entry = dest.get(d)
                    if entry is None:
                        dest[d] = [[g], weights[g]]
                    else:
                        entry[0].append(g)
                        entry[1] += weights[g]
                else:
                    lost += weights[g]
            for d, (gs, ws) in dest.items():
                self.piles[d].append([nv, gs, ws])
                amount = nv * ws
                self.votes[d] += amount
                moved[d] = moved.get(d, 0) + amount
            if lost:
                self.exhausted += nv * lost
                moved[None] = moved.get(None, 0) + nv * lost
        self.piles[c] = []
        return moved


def named(options, moved: dict) -> dict:
    return {
        ("exhausted" if d is None else options[d]): exact(v)
        for d, v in sorted(moved.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))
    }
