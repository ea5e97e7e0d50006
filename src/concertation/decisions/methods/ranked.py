"""Ranked methods: irv, schulze, borda, stv.

A ranking is a list or tuple of options, most preferred first (partial rankings allowed; the
same option twice is a ``duplicate_rank`` error), or a mapping ``{option: rank}`` with distinct
integer ranks ≥ 1 (gaps allowed; an equal rank is a ``duplicate_rank`` error). An empty ranking
is a blank ballot.

Identical rankings are grouped first (a ``Counter`` of tuples) and validated once per distinct
ranking, so the cost grows with the number of distinct rankings, not of ballots.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from itertools import chain
from operator import ne

from .base import Ballot, BallotError, Method, RuleError, as_count, exact, gettext_noop, register


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


class _Transfers:
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


def _named(options, moved: dict) -> dict:
    return {
        ("exhausted" if d is None else options[d]): exact(v)
        for d, v in sorted(moved.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))
    }


@register
class InstantRunoff(RankedMethod):
    """Instant runoff: the candidate with the fewest continuing votes is eliminated and its
    ballots go to their next continuing preference, until one has more than half of the
    continuing (non-exhausted) votes. Candidates with no vote are all eliminated together.
    Ties for elimination: earlier-round counts, then the seeded draw. ``winners`` = [winner]
    (``[]`` when no ballot ranks anyone)."""

    key = "irv"
    shows_rounds = True
    summary = gettext_noop("Vote préférentiel : classez les options par ordre de préférence (1 = premier choix); "
                           "la moins soutenue est éliminée à chaque tour jusqu'à ce qu'une option ait la majorité.")
    count_label = gettext_noop("Premiers choix")
    title = gettext_noop("Vote préférentiel (second tour instantané)")
    label = "Instant runoff"

    def count(self, options, profile, rules, ties):
        n = len(options)
        t = _Transfers(options, profile)
        votes = t.votes
        firsts, blank = t.first_preferences(options, profile.total)
        history: list[list] = []
        rounds: list[dict] = []
        winners: list = []
        while True:
            hopeful = [c for c in range(n) if t.continuing[c]]
            continuing = sum((votes[c] for c in hopeful), 0)
            history.append(list(votes))
            rnd = {
                "round": len(rounds) + 1,
                "counts": {options[c]: exact(votes[c]) for c in hopeful},
                "continuing": exact(continuing),
                "exhausted": exact(t.exhausted),
                "elected": [],
                "eliminated": [],
                "transfers": {},
            }
            rounds.append(rnd)
            if continuing == 0:
                break
            top = max(votes[c] for c in hopeful)
            if 2 * top > continuing:
                winner = next(c for c in hopeful if votes[c] == top)
                winners = [options[winner]]
                rnd["elected"] = winners
                break
            low = min(votes[c] for c in hopeful)
            tied = [c for c in hopeful if votes[c] == low]
            if low == 0 and len(tied) < len(hopeful):
                losers = tied
            else:
                losers = [
                    ties.pick(tied, stage=f"irv round {rnd['round']} elimination", history=history)
                ]
            for c in losers:
                t.stop(c)
            moved: dict = {}
            for c in losers:
                for d, v in t.transfer(c).items():
                    moved[d] = moved.get(d, 0) + v
                votes[c] = 0
            rnd["eliminated"] = [options[c] for c in losers]
            rnd["transfers"] = _named(options, moved)
        last = rounds[-1]
        return self.result(
            ties,
            winners=winners,
            rounds=rounds,
            counts=firsts,
            exhausted=exact(t.exhausted),
            ballots=profile.ballots,
            total=profile.total,
            explanation_data={
                "first_preferences": firsts,
                "blank": blank,
                "final_counts": last["counts"],
                "final_continuing": last["continuing"],
                "exhausted": exact(t.exhausted),
                "ties": ties.records,
            },
        )


@register
class SingleTransferableVote(RankedMethod):
    """STV for ``seats`` winners (default 1), weighted inclusive Gregory method.

    * quota (Droop) = ⌊valid / (seats + 1)⌋ + 1, valid = total weight of non-blank ballots
      (exact, also with fractional weights); a candidate with votes ≥ quota is elected;
    * surplus transfer: all ballots of the elected candidate move to their next continuing
      preference at value × surplus / votes (exact Fractions); the non-transferable part is
      exhausted; the largest pending surplus first (equal ones: earlier rounds, then draw);
    * otherwise the candidate with the fewest votes is eliminated and its ballots move at
      their current value (ties: earlier-round counts, then the seeded draw; candidates with
      no vote are eliminated together when enough candidates remain);
    * when the continuing candidates are no more than the seats left, they are all elected.

    One transfer per round; ``winners`` lists the elected in order of election (within a round,
    by votes, then by the order of ``options`` – presentation only).
    """

    key = "stv"
    explained_as = "elected"
    shows_rounds = True
    elects = True
    count_label = gettext_noop("Premiers choix")
    title = gettext_noop("Vote unique transférable")
    label = "Single transferable vote"
    rules = {"seats": 1}

    def normalise_rules(self, rules, options):
        seats = as_count(rules["seats"], "seats", minimum=1)
        if seats > len(options):
            raise RuleError(f"{seats} seats but only {len(options)} options")
        rules["seats"] = seats
        return rules

    def count(self, options, profile, rules, ties):
        n, seats = len(options), rules["seats"]
        t = _Transfers(options, profile)
        votes = t.votes
        firsts, blank = t.first_preferences(options, profile.total)
        valid = exact(profile.total - blank)
        quota = math.floor(Fraction(valid) / (seats + 1)) + 1
        elected: list[int] = []
        pending: list[int] = []
        history: list[list] = []
        rounds: list[dict] = []

        def by_votes(cands):
            return sorted(cands, key=lambda c: (-votes[c], c))

        while valid:
            hopeful = [c for c in range(n) if t.continuing[c]]
            history.append(list(votes))
            rnd = {
                "round": len(rounds) + 1,
                "counts": {options[c]: exact(votes[c]) for c in sorted(elected + hopeful)},
                "exhausted": exact(t.exhausted),
                "elected": [],
                "eliminated": [],
                "transfer": None,
            }
            rounds.append(rnd)
            reached = by_votes(c for c in hopeful if votes[c] >= quota)
            for c in reached:
                t.stop(c)
                elected.append(c)
                if votes[c] > quota:
                    pending.append(c)
            hopeful = [c for c in hopeful if t.continuing[c]]
            rnd["elected"] = [options[c] for c in reached]
            if len(elected) >= seats:
                break
            seats_left = seats - len(elected)
            if len(hopeful) <= seats_left:
                rest = by_votes(hopeful)
                elected.extend(rest)
                rnd["elected"] += [options[c] for c in rest]
                break
            if pending:
                largest = max(votes[c] - quota for c in pending)
                cands = [c for c in pending if votes[c] - quota == largest]
                c = cands[0]
                if len(cands) > 1:
                    c = ties.pick(
                        cands,
                        stage=f"stv round {rnd['round']} surplus order",
                        history=history,
                        lowest=False,
                    )
                pending.remove(c)
                surplus = votes[c] - quota
                ratio = Fraction(surplus) / votes[c]
                moved = t.transfer(c, ratio)
                votes[c] = quota
                rnd["transfer"] = {
                    "kind": "surplus",
                    "from": options[c],
                    "surplus": exact(surplus),
                    "transfer_value": exact(ratio),
                    "to": _named(options, moved),
                }
                continue
            low = min(votes[c] for c in hopeful)
            tied = [c for c in hopeful if votes[c] == low]
            if low == 0 and len(tied) > 1 and len(hopeful) - len(tied) >= seats_left:
                losers = tied
            else:
                losers = [
                    ties.pick(tied, stage=f"stv round {rnd['round']} elimination", history=history)
                ]
            for c in losers:
                t.stop(c)
            moved = {}
            for c in losers:
                for d, v in t.transfer(c).items():
                    moved[d] = moved.get(d, 0) + v
                votes[c] = 0
            rnd["eliminated"] = [options[c] for c in losers]
            rnd["transfer"] = {
                "kind": "elimination",
                "from": [options[c] for c in losers],
                "to": _named(options, moved),
            }
        return self.result(
            ties,
            winners=[options[c] for c in elected],
            rounds=rounds,
            counts=firsts,
            exhausted=exact(t.exhausted),
            ballots=profile.ballots,
            total=profile.total,
            explanation_data={
                "seats": seats,
                "quota": quota,
                "valid": valid,
                "blank": blank,
                "first_preferences": firsts,
                "exhausted": exact(t.exhausted),
                "ties": ties.records,
            },
        )


def pairwise_matrix(n: int, profile: Profile) -> list[list]:
    """d[x][y] = weight of ballots ranking x above y (unranked options are below all ranked
    ones). Each ranked position is reduced to (set of options ranked before it, option), so a
    distinct ranking costs O(len) and the expansion O(distinct pairs × n)."""
    acc: dict[int, int | Fraction] = {}
    # key = (bit of x above the n low bits) | (bits of the options ranked before x)
    high = {o: 1 << (n + i) for o, i in profile.index.items()}
    low = {o: 1 << i for o, i in profile.index.items()}
    get = acc.get
    last = n - 1
    for r, w in zip(profile.rankings, profile.weights, strict=True):
        m = 0
        # in a full ranking the last option is above nothing: skip it
        for o in r[:last] if len(r) == n else r:
            key = m | high[o]
            acc[key] = get(key, 0) + w
            m |= low[o]
    d = [[0] * n for _ in range(n)]
    below = (1 << n) - 1
    for key, w in acc.items():
        m, x = key & below, (key >> n).bit_length() - 1
        row = d[x]
        for y in range(n):
            if y != x and not (m >> y) & 1:
                row[y] += w
    return d


@register
class Schulze(RankedMethod):
    """Schulze (beatpath) with winning votes: the strength of a direct link x→y is d[x][y] when
    d[x][y] > d[y][x] (else 0), path strengths by Floyd–Warshall (widest path). The full order
    places first the option(s) not beaten (p[x][y] ≥ p[y][x] for all remaining y); several
    such options are separated by the seeded draw. Partial rankings: unranked options are
    below all ranked ones and tied among themselves."""

    key = "schulze"
    shows_pairwise = True
    summary = gettext_noop("Méthode Schulze : classez les options par ordre de préférence (1 = premier choix); "
                           "l'option préférée à chacune des autres, une contre une, l'emporte.")
    count_label = gettext_noop("Premiers choix")
    title = gettext_noop("Méthode Schulze")
    label = "Schulze (Condorcet)"

    def count(self, options, profile, rules, ties):
        n = len(options)
        d = pairwise_matrix(n, profile)
        p = [[d[i][j] if i != j and d[i][j] > d[j][i] else 0 for j in range(n)] for i in range(n)]
        for i in range(n):
            pi = p[i]
            for j in range(n):
                if j != i:
                    pji = p[j][i]
                    if pji:
                        pj = p[j]
                        for k in range(n):
                            if k != i and k != j:
                                s = pji if pji < pi[k] else pi[k]
                                if s > pj[k]:
                                    pj[k] = s
        firsts, blank = self.first_preferences(options, profile)
        # nothing ranked by anyone: nothing to order (no draw)
        remaining = list(range(n)) if blank != profile.total else []
        order: list[int] = []
        while remaining:
            best = [a for a in remaining if all(p[a][b] >= p[b][a] for b in remaining if b != a)]
            c = best[0]
            if len(best) > 1:
                c = ties.pick(best, stage=f"schulze position {len(order) + 1}", lowest=False)
            order.append(c)
            remaining.remove(c)
        pairwise = {
            options[i]: {options[j]: exact(d[i][j]) for j in range(n) if j != i} for i in range(n)
        }
        strengths = {
            options[i]: {options[j]: exact(p[i][j]) for j in range(n) if j != i} for i in range(n)
        }
        return self.result(
            ties,
            winners=[options[c] for c in order],
            counts=firsts,
            pairwise=pairwise,
            ballots=profile.ballots,
            total=profile.total,
            explanation_data={
                "first_preferences": firsts,
                "blank": blank,
                "strengths": strengths,
                "condorcet_winner": next(
                    (
                        options[a]
                        for a in range(n)
                        if all(d[a][b] > d[b][a] for b in range(n) if b != a)
                    ),
                    None,
                ),
                "ties": ties.records,
            },
        )


@register
class Borda(RankedMethod):
    """Borda count: with n options, the first ranked gets n-1 points, … the n-th 0; options a
    ballot leaves unranked share the remaining points equally (exact Fractions). Ranked by
    points; equal points are separated by the seeded draw."""

    key = "borda"
    summary = gettext_noop("Méthode Borda : classez les options par ordre de préférence (1 = premier choix); "
                           "chaque rang donne des points et le plus haut total l'emporte.")
    count_label = gettext_noop("Points")
    title = gettext_noop("Méthode Borda")
    label = "Borda count"

    def count(self, options, profile, rules, ties):
        n = len(options)
        # doubled points keep integers: ranked x at position i of a ranking of length k gets
        # 2(n-1-i) - u(k) here and every option gets u(k) in `shared`, where u(k) = n-k-1 (the
        # doubled share of each unranked option), or 0 when nothing is left unranked
        coefs = []
        for k in range(n + 1):
            u = n - k - 1 if k < n else 0
            coefs.append(([2 * (n - 1 - i) - u for i in range(k)], u))
        pts2 = dict.fromkeys(options, 0)
        shared = 0
        for r, w in zip(profile.rankings, profile.weights, strict=True):
            coef, u = coefs[len(r)]
            if u:
                shared += w * u
            if w == 1:
                for x, c in zip(r, coef, strict=False):
                    pts2[x] += c
            else:
                for x, c in zip(r, coef, strict=False):
                    pts2[x] += w * c
        points = [exact(Fraction(pts2[o] + shared, 2)) for o in options]
        ranked_any = any(profile.rankings)  # only blank ballots (or none): nothing to order
        order = [options[i] for i in ties.rank(range(n), points.__getitem__)] if ranked_any else []
        return self.result(
            ties,
            winners=order,
            counts=dict(zip(options, points, strict=True)),
            ballots=profile.ballots,
            total=profile.total,
            explanation_data={"max_points": n - 1, "ties": ties.records},
        )
