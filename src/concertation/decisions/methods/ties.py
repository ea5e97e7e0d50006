"""The tie rule shared by every method.

1. **Earlier-round counts** (methods with rounds: irv, stv): among tied candidates, look at the
   first round, then the second, … and keep those with the fewest votes (when choosing whom to
   eliminate) or the most votes (when choosing whom to favour) until one is left.
2. **Seeded draw**: the still-tied options are sorted by their text (``str(option)``, then their
   position in ``options``) and ``random.Random(seed)`` chooses among them. One generator is used
   per tally, so successive draws in one tally are reproducible too. The seed is ``tie_seed`` when
   given (callers should fix it when the proposal closes, e.g. from its id), otherwise derived from
   the options (SHA-256 of their sorted texts). The seed is stored in ``Result.seed`` whenever a
   draw was made, and ``Result.tie_broken`` is True whenever rule 1 or 2 decided anything.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence


def default_seed(options: Sequence) -> int:
    """A deterministic seed derived from the options (independent of their order)."""
    text = "\x1f".join(sorted(str(o) for o in options))
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:16], 16)


class TieBreaker:
    """Breaks ties among option indices and records what it did."""

    def __init__(self, options: Sequence, seed: int | str | None = None):
        self.options = list(options)
        self.seed = default_seed(self.options) if seed is None else seed
        self._rng: random.Random | None = None
        self.broken = False
        self.drawn = False
        self.records: list[dict] = []

    @property
    def seed_used(self) -> int | str | None:
        return self.seed if self.drawn else None

    def _key(self, i: int):
        return (str(self.options[i]), i)

    def _draw_rng(self) -> random.Random:
        if self._rng is None:
            self._rng = random.Random(self.seed)
        self.drawn = True
        return self._rng

    def pick(
        self,
        tied: Sequence[int],
        *,
        stage: str,
        history: Sequence[Sequence] | None = None,
        lowest: bool = True,
    ) -> int:
        """Choose one of ``tied`` (option indices). ``history`` is the list of earlier rounds'
        counts indexed by option; ``lowest`` chooses the fewest votes (elimination), else the
        most (precedence)."""
        tied = sorted(set(tied), key=self._key)
        if len(tied) == 1:
            return tied[0]
        self.broken = True
        record = {"stage": stage, "tied": [self.options[i] for i in tied]}
        remaining = tied
        for rnd, counts in enumerate(history or (), start=1):
            values = [counts[i] for i in remaining]
            best = min(values) if lowest else max(values)
            remaining = [i for i, v in zip(remaining, values, strict=True) if v == best]
            if len(remaining) == 1:
                record.update(rule="earlier_rounds", round=rnd, chosen=self.options[remaining[0]])
                self.records.append(record)
                return remaining[0]
        chosen = self._draw_rng().choice(remaining)
        record.update(
            rule="draw",
            drawn_among=[self.options[i] for i in remaining],
            seed=self.seed,
            chosen=self.options[chosen],
        )
        self.records.append(record)
        return chosen

    def order(self, tied: Sequence[int], *, stage: str) -> list[int]:
        """Order tied options (best first) by a seeded draw."""
        tied = sorted(set(tied), key=self._key)
        if len(tied) <= 1:
            return tied
        self.broken = True
        self._draw_rng().shuffle(tied)
        self.records.append(
            {
                "stage": stage,
                "tied": sorted((self.options[i] for i in tied), key=str),
                "rule": "draw",
                "seed": self.seed,
                "order": [self.options[i] for i in tied],
            }
        )
        return tied

    def rank(self, indices: Sequence[int], score, *, stage: str = "order") -> list[int]:
        """Indices sorted by ``score(i)`` descending; equal scores ordered by ``order``."""
        groups: dict = {}
        for i in indices:
            groups.setdefault(score(i), []).append(i)
        out: list[int] = []
        for value in sorted(groups, reverse=True):
            members = groups[value]
            if len(members) == 1:
                out.extend(members)
            else:
                out.extend(self.order(members, stage=f"{stage} (position {len(out) + 1})"))
        return out
