"""What the proposal page reads and counts so far (selectors: no writes). The page's view asks here;
the count itself is decisions' (counting.py, through services.count_result)."""

from __future__ import annotations

from django.db.models import Case, CharField, Count, F, Max, Value, When

from concertation.directory.models import College

from . import methods, services
from .eligibility import Electorate, recused_keys, voter_key_q
from .models import Ballot, Proposal


def colleges_of(proposal: Proposal, space) -> dict:
    """The colleges of the territory (slug → College), when the proposal's rules or result name any."""
    result = proposal.result or {}
    needed = proposal.college_minimums or proposal.double_majority or result.get("colleges") or \
        (result.get("quorum") or {}).get("missing_colleges")
    if not needed:
        return {}
    return {college.slug: college for college in College.objects.filter(territory_id=space.territory_id)}


#: what the page reads of a ballot: the count's columns, and the receipt of the person's own
BALLOT_FIELDS = ("voter_key", "value", "weight", "reason", "college_slug", "receipt")


def _as_dict(ballot) -> dict:
    if isinstance(ballot, dict):
        return ballot
    return {"voter_key": ballot.voter_key, "value": ballot.value, "weight": ballot.weight, "reason": ballot.reason,
            "college_slug": ballot.college_slug}


def live_result(proposal: Proposal, *, voters: dict | Electorate, ballots: list, options: list) -> dict | None:
    """The count so far (never stored), by the same rules as at closing, from what this page has
    already loaded (no query of its own): the voters and the round's ballots (rows or dicts); or
    the electorate counted by SQL and only its ballots, recusals left out (``counted_ballots``)."""
    try:
        return services.count_result(
            proposal, voters=voters, options=options, recused=recused_keys(proposal),
            tie_seed=proposal.tie_seed or f"live-{proposal.pk}", ballots=[_as_dict(ballot) for ballot in ballots],
        )
    except (methods.BallotError, methods.RuleError):
        return None


def counted_ballots(proposal: Proposal, mine: set[str]) -> tuple[list[dict], dict[str, dict]]:
    """The ballots a live count counts (the electorate's, recusals left out) in one query that
    groups identical ballots; and the person's own (``mine``: their voter keys) with their receipt.

    A ballot with a reason, and the person's own, stay alone (each reason is listed, in the order
    of the voters); the others are counted by value, weight and college. The list holds each
    group's ballot as many times as it was cast, the same dict: what the count reads of them.
    """
    alone = Case(When(reason="", then=Value("")), default=F("voter_key"), output_field=CharField())
    if mine:
        alone = Case(When(voter_key__in=sorted(mine), then=F("voter_key")), default=alone, output_field=CharField())
    groups = (
        Ballot.objects.filter(voter_key_q(proposal), proposal=proposal, round=proposal.round)
        .exclude(voter_key__in=sorted(recused_keys(proposal)))
        .values("value", "weight", "reason", "college_slug", voter=alone)
        .annotate(cast=Count("pk"), receipt=Max("receipt"))
        .order_by("voter", "college_slug", "weight")
    )
    counted: list[dict] = []
    own: dict[str, dict] = {}
    for group in groups:
        ballot = {"voter_key": group["voter"], "value": group["value"], "weight": group["weight"],
                  "reason": group["reason"], "college_slug": group["college_slug"]}
        counted.extend([ballot] * group["cast"])
        if group["voter"] in mine:
            own[group["voter"]] = {**ballot, "receipt": group["receipt"]}
    return counted, own


