"""What the closing of a vote does to its ballots, and what a receipt proves afterwards.

While a vote is open, each ballot carries its voter (``voter_key``, person, organization, the
person who cast it, the college, the time): a voter may change their ballot, and the alternate sees
that their delegate has voted. When a *secret* vote closes, ``seal_ballots`` cuts every link:

- the ballots that did not count (a voter no longer entitled when the vote closed) are dropped: a
  lone uncounted ballot next to a known participant would give that person's choice away;
- the others are written again (core.secrecy) with no voter, no college, one time stamp, fresh ids
  and a random key, in the order of their content: neither ids, nor the table's physical order,
  nor times can be matched with the participation list, which stays (who took part, not how);
- each college's figures the rules need were counted before (the result keeps them as counts).

A receipt is a random code shown to the voter and kept on the ballot only: after sealing, the
server knows which ballot a receipt belongs to, never whose it is. ``receipt_check`` tells anyone
who may read the proposal whether a receipt is among the counted ballots, and, for a vote that was
not secret, what the ballot holds (for a secret vote it does not: a receipt that showed the choice
would let someone demand it as proof of a bought or forced vote).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, Value, When

from concertation.core.secrecy import rewrite_unordered

from .models import Ballot, Proposal


def _anonymous_key() -> str:
    return f"anon:{secrets.token_hex(10)}"


def ballot_content_key(ballot: Ballot) -> tuple:
    """The order of sealed ballots: their round and content, then their random receipt."""
    return (ballot.round, json.dumps(ballot.value, sort_keys=True), ballot.reason, ballot.weight, ballot.receipt)


def seal_ballots(proposal: Proposal, *, counted_keys: set[str], at: datetime) -> None:
    """Make the secret ballots of ``proposal`` unlinkable to their voters (inside the closing's
    transaction, the proposal locked). The deciding round keeps only what was counted."""
    rows = Ballot.objects.filter(proposal=proposal).values("round", "voter_key", "value", "reason", "weight",
                                                           "receipt")
    sealed = []
    for row in rows:
        deciding = row["round"] == proposal.round
        if deciding and row["voter_key"] not in counted_keys:
            continue
        sealed.append(Ballot(
            proposal_id=proposal.pk, round=row["round"], voter_key=_anonymous_key(), value=row["value"],
            reason=row["reason"], weight=row["weight"], receipt=row["receipt"], cast_at=at,
            counted=True if deciding else None,
        ))
    rewrite_unordered(Ballot.objects.filter(proposal=proposal), sealed, content_key=ballot_content_key, stamp=at)


def mark_counted(proposal: Proposal, *, counted_keys: set[str]) -> None:
    """For a vote that is not secret: note on each ballot of the deciding round whether it counted."""
    Ballot.objects.filter(proposal=proposal, round=proposal.round).update(
        counted=Case(When(voter_key__in=sorted(counted_keys), then=Value(True)), default=Value(False)),
    )


def normalise_receipt(code: str) -> str:
    """Spaces, dashes and lower case forgiven: a code copied by hand still matches."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


@dataclass(frozen=True)
class ReceiptCheck:
    """What a receipt tells: ``status`` is « counted », « not_counted » (received, left out of the
    count), « earlier_round » (a round before an amendment), « pending » (the vote is still open)
    or « unknown » (no ballot of this proposal has it)."""

    status: str
    round: int | None = None
    value: object = None            # the ballot's content: votes that are not secret only
    reason: str = ""

    @property
    def shows_choice(self) -> bool:
        return self.value is not None


def receipt_check(proposal: Proposal, code: str) -> ReceiptCheck:
    code = normalise_receipt(code)
    if not code or len(code) > 16:
        return ReceiptCheck("unknown")
    ballot = (Ballot.objects.filter(proposal=proposal, receipt=code)
              .only("round", "counted", "value", "reason").first())
    if ballot is None:
        return ReceiptCheck("unknown")
    if proposal.status not in {Proposal.Status.CLOSED, Proposal.Status.DECIDED}:
        return ReceiptCheck("pending", round=ballot.round)
    if ballot.round != proposal.round:
        status = "earlier_round"
    elif ballot.counted is False:
        status = "not_counted"
    else:  # True, or None for a vote closed before ballots were marked: it was kept
        status = "counted"
    if proposal.anonymous:
        return ReceiptCheck(status, round=ballot.round)
    return ReceiptCheck(status, round=ballot.round, value=ballot.value, reason=ballot.reason)
