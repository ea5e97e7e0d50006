"""The demo's proposals and decisions (data: decisions.toml): created, opened, voted, closed and
decided through the decisions services, so that ballots are sealed and counted, recusals and the
charter's fallback vote apply, and the audit records it all."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from django.utils import timezone

from concertation.decisions import services as decisions
from concertation.decisions.ballots import ballot_cast
from concertation.decisions.models import Proposal
from concertation.demo.context import ACCOUNT_EMAILS, DemoContext, data, fr
from concertation.spaces.models import Charter

NOW = re.compile(r"^now ([+-]\d+)d$")


def _from_now(spec: str, now: datetime) -> datetime:
    match = NOW.match(spec)
    if match is None:
        raise ValueError(f"not a moment from now: {spec!r}")
    return now + timedelta(days=int(match[1]))


def open_proposal_days() -> int:
    """How many days after the load the open proposal closes."""
    item = next(item for item in data("decisions")["proposals"] if item["key"] == "open")
    return int(NOW.match(item["closes"])[1])


def _ballots(ctx: DemoContext, proposal: Proposal, ballots: list[dict], opened: datetime) -> None:
    """Each ballot: an organization's, cast by its delegate, or a person's; ``at`` minutes after the opening."""
    for ballot in ballots:
        when = opened + timedelta(minutes=ballot["at"])
        if "org" in ballot:
            ballot_cast(proposal=proposal, person=ctx.delegate_of(ballot["org"]),
                        organization=ctx.organization(ballot["org"]), value=ballot["value"],
                        reason=fr(ballot.get("reason", "")), now=when)
        else:
            ballot_cast(proposal=proposal, person=ctx.person(ballot["person"]), value=ballot["value"], now=when)


def _recusals(ctx: DemoContext, proposal: Proposal, item: dict, by) -> None:
    for key in item.get("recusals", []):
        decisions.recusal_declare(proposal=proposal, by=by, organization=ctx.organization(key),
                                  reason=fr(item["recusal_reason"]))


def _decide(ctx: DemoContext, proposal: Proposal, item: dict, closed: datetime, by) -> None:
    decisions.proposal_decide(proposal=proposal, by=by, now=closed, outcome=ctx.t(item["outcome"]),
                              dissent=ctx.t(item.get("dissent", "")))


def build_proposal(ctx: DemoContext, item: dict) -> Proposal:
    coordinator = ctx.person(ACCOUNT_EMAILS["coordinator"])
    space = ctx.space(item["space"])
    charter = Charter.objects.get(space=space, in_force=True) if item.get("adopts_charter") else None
    proposal = decisions.proposal_create(space=space, author=coordinator, title=ctx.t(item["title"]),
                                         body=ctx.t(item["body"]), origin=item["origin"], adopts_charter=charter)
    if item["opens"].startswith("now"):
        now = timezone.now()
        opened = _from_now(item["opens"], now)
        # closes at 5 p.m. on its day, as a coordinator would set it (not at the minute of the load)
        closes_at = timezone.make_aware(datetime.combine(
            timezone.localdate(_from_now(item["closes"], now)), time(17)))
    else:
        opened = ctx.at(item["opens"])
        closes_at = opened + timedelta(minutes=item["open_for"])
    proposal = decisions.proposal_open(proposal=proposal, by=coordinator, now=opened, closes_at=closes_at)
    _recusals(ctx, proposal, item, coordinator)
    _ballots(ctx, proposal, item["ballots"], opened)
    if "closed_after" not in item:
        return proposal  # open: it closes on its own
    proposal = decisions.proposal_close(proposal=proposal, by=coordinator,
                                        now=opened + timedelta(minutes=item["closed_after"]))
    fallback = item.get("fallback")
    if fallback is None:
        _decide(ctx, proposal, item, opened + timedelta(minutes=item["closed_after"]), coordinator)
        return proposal
    # Consensus not reached: the charter's fallback vote, taken in the same meeting, on the same
    # conflicts of interest.
    vote = Proposal.objects.get(pk=proposal.result["fallback_proposal"])
    Proposal.objects.filter(pk=vote.pk).update(origin=Proposal.Origin.MEETING)
    _recusals(ctx, vote, item, coordinator)
    _ballots(ctx, vote, fallback["ballots"], opened)
    closed = opened + timedelta(minutes=fallback["closed_after"])
    vote = decisions.proposal_close(proposal=vote, by=coordinator, now=closed)
    _decide(ctx, vote, fallback, closed, coordinator)
    return vote


def build_proposals(ctx: DemoContext) -> None:
    """Four decisions in the register (the charter's and the plan's adoptions among them) and one open
    proposal, closing in a few days."""
    if Proposal.objects.filter(space__territory=ctx.territory).exists():
        return
    for item in data("decisions")["proposals"]:
        build_proposal(ctx, item)


def demo_proposals(ctx: DemoContext) -> dict:
    """The proposals of decisions.toml by key, for the meetings' items and the plan. A fallback vote
    has the title of the proposal it follows: the later one, which decided, is the one kept."""
    by_title = {proposal.title: proposal
                for proposal in Proposal.objects.filter(space__territory=ctx.territory).order_by("pk")}
    return {item["key"]: by_title.get(ctx.t(item["title"])) for item in data("decisions")["proposals"]}


def delete_proposals(ctx: DemoContext) -> None:
    """Proposals PROTECT their space and charter: delete them before the territory."""
    if ctx.territory is not None:
        Proposal.objects.filter(space__territory=ctx.territory).delete()
