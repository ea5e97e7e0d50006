"""Methods choosing among options without rankings: approval, score, dot, time_poll, advice.

For approval, score, dot and time_poll ``winners`` is the full order of the options, best
first; options with equal totals are ordered by the seeded draw (``ties.py``). With no ballot at
all there is nothing to order: ``winners`` is ``[]``.
"""

from __future__ import annotations

from fractions import Fraction

from .base import Ballot, BallotError, Method, RuleError, as_count, exact, gettext_noop, register


def _index(options) -> dict:
    return {o: i for i, o in enumerate(options)}


def _unknown(option) -> BallotError:
    return BallotError(f"unknown option {option!r}", code="unknown_option")


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class OptionMethod(Method):
    def order(self, options, totals, ties, score=None, *, ballots=1):
        if not ballots:
            return []
        score = score or totals.__getitem__
        return [options[i] for i in ties.rank(range(len(options)), score)]

    @staticmethod
    def mapping(value, what: str) -> dict:
        if not isinstance(value, dict):
            raise BallotError(
                f"expected a mapping option → {what}, got {type(value).__name__}", code="bad_shape"
            )
        return value


@register
class Approval(OptionMethod):
    """A ballot is a set of options (a list or tuple must not repeat one); between
    ``min_choices`` (default 0) and ``max_choices`` (default: all) choices. Ranked by approvals."""

    key = "approval"
    share_of_voters = True
    summary = gettext_noop("Vote par approbation : cochez toutes les options que vous approuvez; la plus "
                           "approuvée l'emporte.")
    count_label = gettext_noop("Approbations")
    title = gettext_noop("Vote par approbation")
    label = "Approval vote"
    ballot_shape = "set"
    rules = {"min_choices": 0, "max_choices": None}

    def normalise_rules(self, rules, options):
        lo = as_count(rules["min_choices"], "min_choices")
        hi = rules["max_choices"]
        hi = len(options) if hi is None else as_count(hi, "max_choices")
        if lo > hi:
            raise RuleError(f"min_choices ({lo}) is greater than max_choices ({hi})")
        if lo > len(options):
            raise RuleError(f"min_choices ({lo}) is greater than the {len(options)} options")
        rules.update(min_choices=lo, max_choices=hi)
        return rules

    def validate(self, ballot, options, rules) -> Ballot:
        value, weight, reason = self.split(ballot)
        if not isinstance(value, set | frozenset | list | tuple):
            raise BallotError(
                f"expected a set of options, got {type(value).__name__}", code="bad_shape"
            )
        known = set(options)
        seen = set()
        for o in value:
            try:
                ok = o in known
            except TypeError:
                ok = False
            if not ok:
                raise _unknown(o)
            if o in seen:
                raise BallotError(f"option {o!r} chosen twice", code="duplicate_choice")
            seen.add(o)
        n, lo, hi = len(seen), rules["min_choices"], rules["max_choices"]
        if n < lo:
            raise BallotError(
                f"{n} choice{'s' if n != 1 else ''}, at least {lo} required", code="too_few_choices"
            )
        if n > hi:
            raise BallotError(f"{n} choices, at most {hi} allowed", code="too_many_choices")
        return Ballot(frozenset(seen), weight, reason)

    def count(self, options, ballots, rules, ties):
        index = _index(options)
        totals = [0] * len(options)
        for b in ballots:
            for o in b.value:
                totals[index[o]] += b.weight
        totals = [exact(t) for t in totals]
        total = exact(sum((b.weight for b in ballots), 0))
        return self.result(
            ties,
            winners=self.order(options, totals, ties, ballots=len(ballots)),
            counts=dict(zip(options, totals, strict=True)),
            ballots=len(ballots),
            total=total,
            explanation_data={"voters": total, "ties": ties.records},
        )


@register
class Score(OptionMethod):
    """A ballot maps options to integer scores 0–5 (options left out are not scored). Ranked by
    total; the mean over the ballots that scored the option is given in explanation_data."""

    key = "score"
    not_integer_message = gettext_noop("Chaque note est un nombre entier de 0 à 5 (par exemple 3, pas 2,5).")
    summary = gettext_noop("Vote par notes : donnez à chaque option une note de 0 à 5; le plus haut total "
                           "l'emporte.")
    count_label = gettext_noop("Total des notes")
    title = gettext_noop("Vote par notes")
    label = "Score vote"
    ballot_shape = "scores"
    MIN, MAX = 0, 5

    def validate(self, ballot, options, rules) -> Ballot:
        value, weight, reason = self.split(ballot)
        value = self.mapping(value, "score")
        known = set(options)
        for o, s in value.items():
            if o not in known:
                raise _unknown(o)
            if not _is_int(s):
                raise BallotError(
                    f"score for {o!r} must be an integer, got {s!r}", code="not_integer"
                )
            if not self.MIN <= s <= self.MAX:
                raise BallotError(
                    f"score for {o!r} must be from {self.MIN} to {self.MAX}, got {s}",
                    code="score_range",
                )
        return Ballot(dict(value), weight, reason)

    def count(self, options, ballots, rules, ties):
        index = _index(options)
        totals = [0] * len(options)
        scored = [0] * len(options)
        for b in ballots:
            for o, s in b.value.items():
                i = index[o]
                totals[i] += s * b.weight
                scored[i] += b.weight
        totals = [exact(t) for t in totals]
        means = {
            o: exact(Fraction(t) / w) if w else None
            for o, t, w in zip(options, totals, scored, strict=True)
        }
        return self.result(
            ties,
            winners=self.order(options, totals, ties, ballots=len(ballots)),
            counts=dict(zip(options, totals, strict=True)),
            ballots=len(ballots),
            total=exact(sum((b.weight for b in ballots), 0)),
            explanation_data={
                "means": means,
                "scored_by": {o: exact(w) for o, w in zip(options, scored, strict=True)},
                "range": (self.MIN, self.MAX),
                "ties": ties.records,
            },
        )


@register
class Dot(OptionMethod):
    """A ballot maps options to a non-negative integer number of dots, ``dots`` (default 8) in
    all at most. Ranked by dots."""

    key = "dot"
    not_integer_message = gettext_noop("Le nombre de gommettes d'une option est un nombre entier (par exemple 2, "
                                       "pas 1,5).")
    count_label = gettext_noop("Gommettes")
    title = gettext_noop("Vote par gommettes")
    label = "Dot voting"
    ballot_shape = "dots"
    rules = {"dots": 8}

    def normalise_rules(self, rules, options):
        rules["dots"] = as_count(rules["dots"], "dots", minimum=1)
        return rules

    def validate(self, ballot, options, rules) -> Ballot:
        value, weight, reason = self.split(ballot)
        value = self.mapping(value, "dots")
        known = set(options)
        spent = 0
        for o, d in value.items():
            if o not in known:
                raise _unknown(o)
            if not _is_int(d):
                raise BallotError(
                    f"dots for {o!r} must be an integer, got {d!r}", code="not_integer"
                )
            if d < 0:
                raise BallotError(f"negative dots for {o!r}: {d}", code="negative_dots")
            spent += d
        if spent > rules["dots"]:
            raise BallotError(
                f"{spent} dots placed, at most {rules['dots']} allowed", code="too_many_dots"
            )
        return Ballot(dict(value), weight, reason)

    def count(self, options, ballots, rules, ties):
        index = _index(options)
        totals = [0] * len(options)
        for b in ballots:
            for o, d in b.value.items():
                totals[index[o]] += d * b.weight
        totals = [exact(t) for t in totals]
        return self.result(
            ties,
            winners=self.order(options, totals, ties, ballots=len(ballots)),
            counts=dict(zip(options, totals, strict=True)),
            ballots=len(ballots),
            total=exact(sum((b.weight for b in ballots), 0)),
            explanation_data={"budget": rules["dots"], "ties": ties.records},
        )


@register
class TimePoll(OptionMethod):
    """A ballot maps slots (the options) to ``yes``, ``if_need_be`` or ``no``; slots left out are
    unanswered. Best slot: most yes, then most if_need_be, then the seeded draw."""

    key = "time_poll"
    summary = gettext_noop("Sondage de dates : pour chaque moment proposé, dites s'il vous convient, s'il vous "
                           "convient au besoin ou non.")
    answer_labels = (("yes", gettext_noop("Oui")), ("if_need_be", gettext_noop("Au besoin")),
                     ("no", gettext_noop("Non")))
    title = gettext_noop("Sondage de dates")
    label = "Time poll"
    ballot_shape = "slots"
    ANSWERS = ("yes", "if_need_be", "no")

    def validate(self, ballot, options, rules) -> Ballot:
        value, weight, reason = self.split(ballot)
        value = self.mapping(value, "answer")
        known = set(options)
        for o, a in value.items():
            if o not in known:
                raise _unknown(o)
            if not isinstance(a, str) or a not in self.ANSWERS:
                raise BallotError(
                    f"unknown answer {a!r} for slot {o!r} (expected yes, if_need_be or no)",
                    code="unknown_position",
                )
        return Ballot(dict(value), weight, reason)

    def count(self, options, ballots, rules, ties):
        index = _index(options)
        per = [dict.fromkeys(self.ANSWERS, 0) for _ in options]
        for b in ballots:
            for o, a in b.value.items():
                per[index[o]][a] += b.weight
        per = [{a: exact(v) for a, v in d.items()} for d in per]
        winners = self.order(
            options,
            None,
            ties,
            score=lambda i: (per[i]["yes"], per[i]["if_need_be"]),
            ballots=len(ballots),
        )
        return self.result(
            ties,
            winners=winners,
            counts=dict(zip(options, per, strict=True)),
            ballots=len(ballots),
            total=exact(sum((b.weight for b in ballots), 0)),
            explanation_data={"ties": ties.records},
        )


@register
class Advice(Method):
    """Advice process: each ballot is a piece of advice (non-empty text). There is no tally:
    the proposer decides after hearing the advice; the result only lists it."""

    key = "advice"
    explained_as = "gathered"
    summary = gettext_noop("Sollicitation d'avis : donnez votre avis; la personne qui propose décide après avoir "
                           "entendu les avis.")
    title = gettext_noop("Sollicitation d'avis")
    label = "Advice process"
    ballot_shape = "text"
    needs_options = False
    tallied = False

    def validate(self, ballot, options, rules) -> Ballot:
        value, weight, reason = self.split(ballot)
        if not isinstance(value, str):
            raise BallotError(f"advice must be text, got {type(value).__name__}", code="bad_shape")
        if not value.strip():
            raise BallotError("advice is empty", code="empty_text")
        return Ballot(value.strip(), weight, reason)

    def count(self, options, ballots, rules, ties):
        total = exact(sum((b.weight for b in ballots), 0))
        return self.result(
            ties,
            counts={"advice": total},
            ballots=len(ballots),
            total=total,
            explanation_data={"advice": [b.value for b in ballots]},
        )
