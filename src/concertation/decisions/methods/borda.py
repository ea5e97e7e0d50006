"""The Borda count: points by rank."""

from __future__ import annotations

from fractions import Fraction

from .base import exact, gettext_noop, register
from .ranked import RankedMethod


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
