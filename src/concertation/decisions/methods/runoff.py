"""Runoff methods: instant runoff (irv) and the single transferable vote (stv)."""

from __future__ import annotations

import math
from fractions import Fraction

from .base import RuleError, as_count, exact, gettext_noop, register
from .ranked import RankedMethod, Transfers, named


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
        t = Transfers(options, profile)
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
            rnd["transfers"] = named(options, moved)
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
        t = Transfers(options, profile)
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
                    "to": named(options, moved),
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
                "to": named(options, moved),
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
