"""Counting a vote: the one home of the rule (issue 14).

From the ballots (cast online or raised by show of hands), the electorate, the quorum and the
proposal's rules (its charter's, or those it changed), ``count`` gives the result as it is stored
(JSON). Online, the quorum is reached by participation; in a meeting, the meeting passes a ``Room``
(its quorum from attendance, the members present) and the result follows the room. Nothing here
queries the database: the callers load the ballots (decisions.services, meetings.services.votes).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from . import methods
from .eligibility import Electorate
from .quorum import compute_quorum

#: the method settings a proposal may keep (``method_settings``), each given to the methods that take it
SETTINGS = ("seats", "dots", "min_choices", "max_choices", "tolerance")


@dataclass(frozen=True)
class Room:
    """A meeting's view of a vote: its quorum (from attendance, as stored), who is present and eligible,
    and how many stepped out of the item's vote. The count then takes « present » from the room."""

    quorum: dict
    present: int
    eligible: int
    present_by_college: Mapping[str, int] = field(default_factory=dict)
    excluded: int = 0


def majority_rules(proposal, *, present: int, eligible: int) -> dict:
    """The proposal's threshold and base for a count of for, against and abstentions."""
    return methods.REGISTRY[methods.MAJORITY].rules_of(proposal, present=present, eligible=eligible)


def tally_rules(proposal, *, present: int, eligible: int, method: str | None = None) -> dict:
    """The rule keywords of the method (the proposal's unless given): from the proposal's rules (its
    charter's) and its method settings."""
    plugin = methods.REGISTRY.get(method or proposal.method)
    rules: dict = plugin.rules_of(proposal, present=present, eligible=eligible) if plugin else {}
    settings = proposal.method_settings or {}
    for key in SETTINGS:
        if key in settings and (plugin is None or key in plugin.rules):
            rules[key] = settings[key]
    rules["tie_seed"] = proposal.tie_seed or None
    return {key: value for key, value in rules.items() if value is not None}


def to_json(value):
    """Results as JSON: fractions become "p/q" strings (exact), tuple keys "a>b"."""
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    if isinstance(value, dict):
        return {(">".join(map(str, key)) if isinstance(key, tuple) else str(key)): to_json(item)
                for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_json(item) for item in value]
    return value


def option_keys(proposal, options: list) -> list[str] | None:
    """The option keys a tally takes: none for a method that decides on the proposal itself."""
    keys = [str(option.pk) for option in options] or None
    if keys and len(keys) > 1 and not methods.get_method(proposal.method).needs_options:
        # Options written before they were refused for such a method: it votes on the proposal.
        return None
    return keys


def tally(proposal, ballots: list[dict], *, options: list, present: int, eligible: int,
          tie_seed: str | None, method: str | None = None) -> methods.Result:
    """The method's count of ``ballots`` (dicts with value, weight and reason) under the proposal's rules."""
    rules = tally_rules(proposal, present=present, eligible=eligible, method=method)
    rules["tie_seed"] = tie_seed or None
    # A live count lists each group of identical ballots as the same dict, once per ballot
    # (page.counted_ballots): one methods.Ballot each, which the method validates once.
    made: dict[int, methods.Ballot] = {}

    def ballot_of(ballot: dict) -> methods.Ballot:
        found = made.get(id(ballot))
        if found is None:
            found = made[id(ballot)] = methods.Ballot(ballot["value"], weight=ballot.get("weight", 1),
                                                      reason=ballot.get("reason") or None)
        return found

    return methods.tally(
        method or proposal.method, options=option_keys(proposal, options),
        ballots=[ballot_of(ballot) for ballot in ballots],
        **{key: value for key, value in rules.items() if value is not None},
    )


def counts_by_college(proposal) -> bool:
    """Whether counting the proposal needs the size of each college's electorate (double majority)."""
    return bool(proposal.double_majority) and methods.get_method(proposal.method).double_majority


def tallied_fields(tallied: methods.Result) -> dict:
    """What a result keeps of a method's tally."""
    return {
        "adopted": tallied.adopted, "winners": to_json(tallied.winners), "counts": to_json(tallied.counts),
        "rounds": to_json(tallied.rounds), "tie_broken": tallied.tie_broken, "seed": to_json(tallied.seed),
        "exhausted": to_json(tallied.exhausted), "pairwise": to_json(tallied.pairwise),
        "fallback_required": tallied.fallback_required, "explanation": to_json(tallied.explanation_data),
    }


def college_results(proposal, ballots: list[dict], *, electorate: Electorate, room: Room | None = None) -> dict:
    """Each college's own count (double majority): its eligible voters; present, its ballots (or, in a
    meeting, its members present when more)."""
    colleges = {}
    for slug in sorted({ballot["college_slug"] for ballot in ballots}):
        subset = [ballot for ballot in ballots if ballot["college_slug"] == slug]
        present = max(room.present_by_college.get(slug, 0), len(subset)) if room else len(subset)
        college = tally(proposal, subset, options=[], present=present, eligible=electorate.in_college(slug),
                        tie_seed=proposal.tie_seed, method=methods.MAJORITY)
        colleges[slug or "-"] = {"adopted": college.adopted, "counts": to_json(college.counts)}
    return colleges


def count(proposal, *, electorate: Electorate, ballots: list[dict], options: list, recusals: int,
          tie_seed: str | None, room: Room | None = None) -> dict:
    """The result of the ballots that count (the electorate's, recusals left out) as it is stored.

    Without a room the quorum is reached by participation; with one, it is the room's and « present »
    (for a majority on those present) is the room's members present."""
    present_by_college = Counter(ballot["college_slug"] for ballot in ballots)
    if room is None:
        quorum = {**compute_quorum(
            kind=proposal.quorum_kind, count=proposal.quorum_count, share_percent=proposal.quorum_share_percent,
            college_minimums=proposal.college_minimums, eligible=electorate.total,
            present_by_college=present_by_college,
        ).as_dict(), "unit": electorate.unit}
        present, eligible = len(ballots), electorate.total
    else:
        quorum, present, eligible = dict(room.quorum), max(room.present, len(ballots)), room.eligible
    data = {
        "method": proposal.method, "round": proposal.round, "quorum": quorum, "participants": len(ballots),
        "eligible": electorate.total, "recusals": recusals,
        "options": {str(option.pk): option.label for option in options},
    }
    if not methods.get_method(proposal.method).tallied:
        data.update(adopted=None, winners=[], counts={proposal.method: len(ballots)})
        return data
    tallied = tally(proposal, ballots, options=options, present=present, eligible=eligible, tie_seed=tie_seed)
    data.update(tallied_fields(tallied))
    if counts_by_college(proposal):
        data["colleges"] = college_results(proposal, ballots, electorate=electorate, room=room)
        data["adopted"] = bool(data["adopted"]) and all(item["adopted"] for item in data["colleges"].values())
    if not quorum["met"]:
        # Without quorum there is no decision, whatever the count says.
        data["adopted"] = False if data.get("adopted") is not None else None
        data["no_decision"] = True
    return data


def count_hands(proposal, *, yes: int, no: int, abstain: int, room: Room) -> dict:
    """A show of hands counted by the secretary: for, against and abstentions under the proposal's
    threshold and base, with the meeting's quorum."""
    ballots = [{"value": value, "weight": 1, "reason": None, "college_slug": ""}
               for value, number in (("yes", yes), ("no", no), ("abstain", abstain)) for _n in range(number)]
    tallied = tally(proposal, ballots, options=[], present=room.present, eligible=room.eligible, tie_seed=None,
                    method=methods.MAJORITY)
    return {
        "method": methods.MAJORITY, "round": proposal.round, "quorum": dict(room.quorum),
        "participants": len(ballots), "eligible": room.eligible, "recusals": room.excluded, "options": {},
        **tallied_fields(tallied), "rounds": [], "fallback_required": False,
    }
