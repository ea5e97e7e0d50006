"""The Schulze method: pairwise preferences, strongest paths."""

from __future__ import annotations

from fractions import Fraction

from .base import exact, gettext_noop, register
from .ranked import Profile, RankedMethod


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
