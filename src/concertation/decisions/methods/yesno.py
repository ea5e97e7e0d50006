"""Methods deciding one proposal: consent, consensus, gradients (Kaner), majority.

``options`` is optional for these methods: ``None`` or a one-item list naming the proposal.
``winners`` is ``[that item]`` (``["proposal"]`` without options) when adopted, else ``[]``.
With no ballot at all nothing is adopted (quorum is the caller's business).
"""

from __future__ import annotations

import math
from fractions import Fraction

from .base import (
    Ballot,
    BallotError,
    Method,
    RuleError,
    as_count,
    as_fraction,
    exact,
    gettext_noop,
    register,
)

PROPOSAL = "proposal"


def _sum(values):
    return exact(sum(values, 0))


class ProposalMethod(Method):
    needs_options = False
    by_show_of_hands = True
    ballot_shape = "position"
    positions: tuple = ()
    #: positions for which a reason is required
    reason_required: frozenset = frozenset()

    def check_options(self, options) -> list:
        options = super().check_options(options)
        if len(options) > 1:
            raise RuleError(
                f"method {self.key!r} decides one proposal: give no options or one (its name)"
            )
        return options

    def validate(self, ballot, options, rules) -> Ballot:
        value, weight, reason = self.split(ballot)
        if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], str | None):
            value, tuple_reason = value
            reason = reason if reason is not None else tuple_reason
        value = self.check_position(value)
        if reason is not None and not isinstance(reason, str):
            raise BallotError(f"reason must be text, got {reason!r}", code="bad_shape")
        reason = reason.strip() if reason else None
        if value in self.reason_required and not reason:
            raise BallotError(f"a reason is required for {value!r}", code="reason_required")
        return Ballot(value, weight, reason or None)

    def check_position(self, value):
        if isinstance(value, str) and value in self.positions:
            return value
        raise BallotError(
            f"unknown position {value!r} (expected one of {', '.join(self.positions)})",
            code="unknown_position",
        )

    def totals(self, ballots) -> dict:
        counts = dict.fromkeys(self.positions, 0)
        for b in ballots:
            counts[b.value] += b.weight
        return {k: exact(v) for k, v in counts.items()}

    def winners(self, options, adopted: bool) -> list:
        return [options[0] if options else PROPOSAL] if adopted else []

    def reasons(self, ballots, position) -> list[str]:
        return [b.reason for b in ballots if b.value == position and b.reason]


@register
class Consent(ProposalMethod):
    """Adopted iff at least one ballot and no objection stands (sociocratic consent)."""

    key = "consent"
    explained_as = "objections"
    reason_required_message = gettext_noop("Une objection doit être motivée : expliquez dans le champ « Votre raison » "
                                           "ce qui vous empêche de consentir.")
    summary = gettext_noop("Consentement : la proposition est adoptée si personne n'y voit d'objection; "
                           "une objection doit être expliquée.")
    position_labels = (("consent", gettext_noop("Je consens"), gettext_noop("Consentements")),
                       ("stand_aside", gettext_noop("Je me mets en retrait"), gettext_noop("En retrait")),
                       ("objection", gettext_noop("J'ai une objection"), gettext_noop("Objections")))
    reason_help = gettext_noop("Obligatoire pour une objection : dites ce qui pose problème et ce qui le réglerait.")
    reason_missing = gettext_noop("Expliquez votre objection : dites ce qui pose problème et ce qui le réglerait.")
    title = gettext_noop("Consentement")
    phrase = gettext_noop("consentement")
    rounds_on_amendment = True
    label = "Consent"
    positions = ("consent", "stand_aside", "objection")
    reason_required = frozenset({"objection"})

    def count(self, options, ballots, rules, ties):
        counts = self.totals(ballots)
        total = _sum(counts.values())
        adopted = total > 0 and counts["objection"] == 0
        return self.result(
            ties,
            winners=self.winners(options, adopted),
            adopted=adopted,
            counts=counts,
            ballots=len(ballots),
            total=total,
            explanation_data={
                **counts,
                "total": total,
                "objections": self.reasons(ballots, "objection"),
                "stand_aside_reasons": self.reasons(ballots, "stand_aside"),
            },
        )


@register
class Consensus(ProposalMethod):
    """Reached iff at least one ballot, no block, and the (weighted) number of ``disagree`` is at
    most ``tolerance`` (a count, default 0). Otherwise ``fallback_required`` is True: the
    charter's fallback method applies."""

    key = "consensus"
    explained_as = "agreement"
    reason_required_message = gettext_noop("Un blocage doit être motivé : expliquez dans le champ « Votre raison » "
                                           "ce qui vous empêche d'accepter la proposition.")
    summary = gettext_noop("Consensus : la proposition est adoptée si personne ne la bloque et que les désaccords "
                           "restent dans la limite prévue par la charte; un blocage doit être expliqué.")
    position_labels = (("agree", gettext_noop("Je suis d'accord"), gettext_noop("Accords")),
                       ("stand_aside", gettext_noop("Je me mets en retrait"), gettext_noop("En retrait")),
                       ("disagree", gettext_noop("Je suis en désaccord"), gettext_noop("Désaccords")),
                       ("block", gettext_noop("Je bloque"), gettext_noop("Blocages")))
    reason_help = gettext_noop("Obligatoire pour un blocage : dites ce qui pose problème et ce qui le réglerait.")
    reason_missing = gettext_noop("Expliquez votre blocage : dites ce qui pose problème et ce qui le réglerait.")
    title = gettext_noop("Consensus")
    phrase = gettext_noop("consensus")
    rounds_on_amendment = True
    label = "Consensus"
    positions = ("agree", "stand_aside", "disagree", "block")
    reason_required = frozenset({"block"})
    rules = {"tolerance": 0}

    def rules_of(self, proposal, *, present, eligible):
        return {"tolerance": proposal.consensus_tolerance}

    def normalise_rules(self, rules, options):
        rules["tolerance"] = as_count(rules["tolerance"], "tolerance (a number of disagree)")
        return rules

    def count(self, options, ballots, rules, ties):
        counts = self.totals(ballots)
        total = _sum(counts.values())
        tolerance = rules["tolerance"]
        reached = total > 0 and counts["block"] == 0 and counts["disagree"] <= tolerance
        return self.result(
            ties,
            winners=self.winners(options, reached),
            adopted=reached,
            counts=counts,
            ballots=len(ballots),
            total=total,
            fallback_required=not reached,
            explanation_data={
                **counts,
                "total": total,
                "tolerance": tolerance,
                "blocks": self.reasons(ballots, "block"),
                "disagree_reasons": self.reasons(ballots, "disagree"),
            },
        )


@register
class Gradients(ProposalMethod):
    """Kaner's gradients of agreement, 1 (endorse) … 8 (veto). Reached iff at least one ballot,
    no 8, and the share of 5–7 among all ballots is at most ``tolerance`` (a fraction between 0
    and 1, default 0; compared exactly). The distribution is the result."""

    key = "gradients"
    explained_as = "degrees"
    not_integer_message = gettext_noop("Choisissez un degré d'accord de 1 à 8.")
    summary = gettext_noop("Gradients d'accord : situez-vous de 1 (j'appuie pleinement) à 8 (veto); l'accord est "
                           "atteint sans veto et sans trop de réserves sérieuses.")
    position_labels = tuple((n, label, label) for n, label in (
        (1, gettext_noop("1 — J'appuie pleinement")),
        (2, gettext_noop("2 — D'accord, avec une réserve mineure")),
        (3, gettext_noop("3 — J'appuie, avec des réserves")),
        (4, gettext_noop("4 — Je m'abstiens")),
        (5, gettext_noop("5 — Il faut en discuter davantage")),
        (6, gettext_noop("6 — Je n'aime pas, mais je ne bloque pas")),
        (7, gettext_noop("7 — Désaccord sérieux")),
        (8, gettext_noop("8 — Veto : je bloque")),
    ))
    title = gettext_noop("Gradients d'accord")
    label = "Gradients of agreement"
    ballot_shape = "gradient"
    positions = tuple(range(1, 9))
    rules = {"tolerance": Fraction(0)}
    LABELS = {
        1: "endorse",
        2: "agree with a minor point of contention",
        3: "support with reservations",
        4: "abstain",
        5: "more discussion needed",
        6: "do not like but will not block",
        7: "serious disagreement",
        8: "veto",
    }

    def normalise_rules(self, rules, options):
        tol = as_fraction(rules["tolerance"], "tolerance (a share of 5–7)")
        if not 0 <= tol <= 1:
            raise RuleError(f"tolerance must be a share between 0 and 1, got {tol}")
        rules["tolerance"] = tol
        return rules

    def check_position(self, value):
        if isinstance(value, bool) or not isinstance(value, int):
            raise BallotError(
                f"a gradient must be an integer from 1 to 8, got {value!r}", code="not_integer"
            )
        if not 1 <= value <= 8:
            raise BallotError(
                f"a gradient must be from 1 to 8, got {value}", code="unknown_position"
            )
        return value

    def count(self, options, ballots, rules, ties):
        counts = self.totals(ballots)
        total = _sum(counts.values())
        reservations = _sum(counts[g] for g in (5, 6, 7))
        veto = counts[8]
        tolerance = rules["tolerance"]
        share = exact(Fraction(reservations) / total) if total else 0
        reached = total > 0 and veto == 0 and share <= tolerance
        return self.result(
            ties,
            winners=self.winners(options, reached),
            adopted=reached,
            counts=counts,
            ballots=len(ballots),
            total=total,
            fallback_required=not reached,
            explanation_data={
                "distribution": counts,
                "total": total,
                "support": _sum(counts[g] for g in (1, 2, 3)),
                "abstain": counts[4],
                "reservations": reservations,
                "reservations_share": share,
                "veto": veto,
                "tolerance": tolerance,
                "labels": self.LABELS,
            },
        )


THRESHOLDS = {
    # name: (fraction of the base, strict comparison)
    "absolute": (Fraction(1, 2), True),
    "two_thirds": (Fraction(2, 3), False),
}
BASES = ("cast", "present", "eligible")


@register
class Majority(ProposalMethod):
    """``yes`` / ``no`` / ``abstain`` with a threshold over a base.

    * ``simple``: yes > no (abstentions ignored; only the base ``cast`` applies);
    * ``absolute``: yes > ½ × base (strict);
    * ``two_thirds``: yes ≥ ⅔ × base;
    * a fraction f with ½ ≤ f ≤ 1: yes ≥ f × base, except f = ½ which is strict (= absolute).

    base ``cast`` = yes + no; ``present`` / ``eligible`` = the count given as ``present=`` /
    ``eligible=``. A tie is never adopted. Everything is compared exactly (Fractions).
    """

    key = "majority"
    explained_as = "threshold"
    summary = gettext_noop("Vote à la majorité : votez pour, contre ou abstenez-vous; le seuil prévu décide de "
                           "l'adoption.")
    position_labels = (("yes", gettext_noop("Pour"), gettext_noop("Pour")),
                       ("no", gettext_noop("Contre"), gettext_noop("Contre")),
                       ("abstain", gettext_noop("Je m'abstiens"), gettext_noop("Abstentions")))
    title = gettext_noop("Vote à la majorité")
    thresholded = True
    label = "Majority vote"
    positions = ("yes", "no", "abstain")
    rules = {"threshold": "simple", "base": "cast", "present": None, "eligible": None}
    double_majority = True

    def rules_of(self, proposal, *, present, eligible):
        """The threshold (« custom »: numerator/denominator) and base; a simple majority counts
        the votes cast whatever the base."""
        if proposal.threshold == "custom":
            threshold = Fraction(proposal.threshold_numerator, proposal.threshold_denominator)
        else:
            threshold = proposal.threshold or "simple"
        base = "cast" if threshold == "simple" else (proposal.base or "cast")
        rules: dict = {"threshold": threshold, "base": base}
        if base == "present":
            rules["present"] = present
        elif base == "eligible":
            rules["eligible"] = eligible
        return rules

    def normalise_rules(self, rules, options):
        threshold = rules["threshold"]
        if threshold == "simple":
            fraction, strict, name = None, True, "simple"
        elif isinstance(threshold, str) and threshold in THRESHOLDS:
            (fraction, strict), name = THRESHOLDS[threshold], threshold
        else:
            try:
                fraction = as_fraction(threshold, "threshold")
            except RuleError:
                raise RuleError(
                    "threshold must be 'simple', 'absolute', 'two_thirds' or a fraction "
                    f"between 1/2 and 1, got {threshold!r}"
                    + (
                        " (floats are refused: use fractions.Fraction)"
                        if isinstance(threshold, float)
                        else ""
                    )
                ) from None
            if not Fraction(1, 2) <= fraction <= 1:
                raise RuleError(f"a threshold fraction must be between 1/2 and 1, got {fraction}")
            strict = fraction == Fraction(1, 2)
            name = str(fraction)
        base = rules["base"]
        if base not in BASES:
            raise RuleError(f"base must be one of {', '.join(BASES)}, got {base!r}")
        if fraction is None and base != "cast":
            raise RuleError(
                "threshold 'simple' compares yes with no, so base must be 'cast' "
                "(use 'absolute' for more than half of those present or eligible)"
            )
        for key in ("present", "eligible"):
            if rules[key] is not None:
                rules[key] = as_count(rules[key], key)
        if base != "cast" and rules[base] is None:
            raise RuleError(f"base {base!r} needs the count {base}=…")
        rules.update(
            threshold_name=name,
            fraction=fraction,
            strict=strict,
            comparison=">" if strict else ">=",
        )
        return rules

    def count(self, options, ballots, rules, ties):
        counts = self.totals(ballots)
        yes, no, abstain = counts["yes"], counts["no"], counts["abstain"]
        cast = exact(yes + no)
        total = exact(cast + abstain)
        base = rules["base"]
        for key in ("present", "eligible"):
            if rules[key] is not None and rules[key] < total:
                raise RuleError(f"{key}={rules[key]} is smaller than the {total} ballots cast")
        base_count = cast if base == "cast" else rules[base]
        fraction, strict = rules["fraction"], rules["strict"]
        integral = all(isinstance(v, int) for v in (yes, no, abstain))
        if fraction is None:
            compared_with = no
            adopted = yes > no
            required = no + 1 if integral else None
        else:
            compared_with = exact(fraction * base_count)
            reaches = yes > compared_with if strict else yes >= compared_with
            # "yes > no" only matters when nothing is cast: a tie is never adopted.
            adopted = reaches and yes > no
            if strict:
                required = math.floor(compared_with) + 1
            else:
                required = max(math.ceil(compared_with), 1)
            if not integral:
                required = None
        return self.result(
            ties,
            winners=self.winners(options, adopted),
            adopted=adopted,
            counts=counts,
            ballots=len(ballots),
            total=total,
            explanation_data={
                "yes": yes,
                "no": no,
                "abstain": abstain,
                "cast": cast,
                "total": total,
                "threshold": rules["threshold_name"],
                "fraction": fraction,
                "comparison": rules["comparison"],
                "base": base,
                "base_count": base_count,
                "compared_with": compared_with,
                "required": required,
                "present": rules["present"],
                "eligible": rules["eligible"],
            },
        )
