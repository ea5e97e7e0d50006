"""The life of a proposal: draft → open → closed → decided, or withdrawn; amendments and rounds.

Ballots are cast in ballots.py. Every function here is atomic and refuses what the rules forbid
with a DomainError whose message is shown to the person.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concertation.core import audit
from concertation.core.errors import DomainError
from concertation.spaces.models import Charter, Space
from concertation.spaces.selectors import charter_in_force

from . import counting, methods
from .counting import counts_by_college, tally_rules, to_json  # noqa: F401  (the names callers use)
from .eligibility import Electorate, eligible_voters, recused_keys
from .events import notify_decided, notify_opened
from .models import (
    Ballot,
    Option,
    Participation,
    Proposal,
    ProposalRound,
    ProposalVersion,
    Recusal,
)
from .secrecy import mark_counted, seal_ballots

RULE_FIELDS = [
    "method", "fallback_method", "threshold", "threshold_numerator", "threshold_denominator", "base",
    "voting_unit", "quorum_kind", "quorum_count", "quorum_share_percent", "college_minimums", "double_majority",
    "consensus_tolerance",
]


def choice_methods() -> frozenset[str]:
    """The methods that choose among options (two at least), read from the method registry."""
    return methods.keys_where(needs_options=True)


def single_proposal_methods() -> frozenset[str]:
    """The methods that decide on the proposal itself (no options)."""
    return methods.keys_where(needs_options=False)


def rounded_methods() -> frozenset[str]:
    """The methods for which an amendment opens a new round of the vote."""
    return methods.keys_where(rounds_on_amendment=True)


def rules_from_charter(charter: Charter | None) -> dict:
    if charter is None:
        return {"method": methods.MAJORITY, "fallback_method": "", "threshold": "simple", "base": "cast",
                "voting_unit": "person", "quorum_kind": "none", "eligible_categories": ["voting"]}
    rules = {name: getattr(charter, name) for name in RULE_FIELDS}
    rules["eligible_categories"] = charter.eligible_categories
    return rules


@transaction.atomic
def proposal_create(*, space: Space, author, title: str, body: str = "", options: list[str] | None = None,
                    opens_at: datetime | None = None, closes_at: datetime | None = None, anonymous: bool = False,
                    results_visibility: str = Proposal.ResultsVisibility.AFTER_VOTING, reason_required: bool = False,
                    method_settings: dict | None = None, adopts_charter: Charter | None = None,
                    origin: str = Proposal.Origin.ONLINE, follows: Proposal | None = None,
                    **rule_overrides) -> Proposal:
    """A draft proposal whose rules come from the charter in force, changed only where it allows."""
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Donnez un titre à la proposition."), field="title")
    charter = charter_in_force(space)
    rules = rules_from_charter(charter)
    unknown = set(rule_overrides) - set(RULE_FIELDS)
    if unknown:
        raise DomainError(_("Règles inconnues : %(names)s") % {"names": ", ".join(sorted(unknown))})
    changed = {key: value for key, value in rule_overrides.items() if value is not None and value != rules.get(key)}
    if changed and charter is not None and not charter.proposals_may_override and follows is None:
        raise DomainError(
            _("La charte de cet espace fixe la méthode et les seuils : une proposition ne peut pas les changer."),
            field=next(iter(changed)),
        )
    rules.update(changed)
    if rules["method"] not in methods.REGISTRY:
        raise DomainError(_("Méthode de décision inconnue."), field="method")
    labels = [label.strip() for label in (options or []) if label and label.strip()]
    if labels and not methods.get_method(rules["method"]).needs_options:
        # Such a method votes on the proposal itself: options could never be counted.
        raise DomainError(_("Cette méthode porte sur la proposition elle-même : laissez les options vides, ou "
                            "choisissez une méthode à plusieurs options."), field="options")
    if opens_at and closes_at and closes_at <= opens_at:
        raise DomainError(_("La fermeture doit venir après l'ouverture."), field="closes_at")
    proposal = Proposal.objects.create(
        space=space, author=author, title=title, body=body, charter=charter, opens_at=opens_at,
        closes_at=closes_at, anonymous=anonymous, results_visibility=results_visibility,
        reason_required=reason_required, method_settings=method_settings or {}, adopts_charter=adopts_charter,
        origin=origin, follows=follows, **rules,
    )
    ProposalVersion.objects.create(proposal=proposal, number=1, title=title, body=body, created_by=author)
    if len(set(labels)) != len(labels):
        raise DomainError(_("Deux options portent le même nom."), field="options")
    Option.objects.bulk_create([Option(proposal=proposal, label=label, position=n) for n, label in enumerate(labels)])
    return proposal


def _check_status(proposal: Proposal, *allowed: str) -> None:
    if proposal.status not in allowed:
        raise DomainError(
            _("Impossible : la proposition est « %(status)s ».") % {"status": proposal.get_status_display()}
        )


def _locked(proposal: Proposal) -> Proposal:
    """Re-read the proposal inside the transaction (locked on PostgreSQL) so states never race."""
    return Proposal.objects.select_for_update().get(pk=proposal.pk)


@transaction.atomic
def proposal_open(*, proposal: Proposal, by=None, now: datetime | None = None,
                  closes_at: datetime | None = None) -> Proposal:
    proposal = _locked(proposal)
    _check_status(proposal, Proposal.Status.DRAFT)
    now = now or timezone.now()
    proposal.opens_at = proposal.opens_at or now
    if closes_at is not None:
        proposal.closes_at = closes_at
    if proposal.closes_at is None:
        proposal.closes_at = proposal.opens_at + timedelta(days=7)
    if proposal.closes_at <= proposal.opens_at:
        raise DomainError(_("La fermeture doit venir après l'ouverture."), field="closes_at")
    if methods.REGISTRY[proposal.method].needs_options and proposal.options.count() < 2:
        raise DomainError(_("Cette méthode demande au moins deux options."), field="options")
    proposal.status = Proposal.Status.OPEN
    proposal.save(update_fields=["status", "opens_at", "closes_at", "updated_at"])
    notify_opened(proposal, by=by)
    transaction.on_commit(lambda: _schedule(proposal))
    return proposal


def _schedule(proposal: Proposal) -> None:
    try:
        from .tasks import schedule_proposal_tasks
    except ImportError:  # the tasks module arrives with the reminders
        return
    schedule_proposal_tasks(proposal)


def compute_result(proposal: Proposal) -> dict:
    """Tally the current round's ballots under the proposal's rules; quorum from participation."""
    return _count_round(proposal)[0]


def _count_round(proposal: Proposal, room: counting.Room | None = None) -> tuple[dict, set[str]]:
    """The current round's result, and the voter keys of the ballots it counted."""
    if not proposal.tie_seed:
        proposal.tie_seed = secrets.token_hex(8)
    ballots = list(
        Ballot.objects.filter(proposal=proposal, round=proposal.round)
        .values("voter_key", "value", "weight", "reason", "college_slug")
    )
    voters, recused = eligible_voters(proposal), recused_keys(proposal)
    result = count_result(proposal, voters=voters, ballots=ballots, options=list(proposal.options.all()),
                          recused=recused, tie_seed=proposal.tie_seed, room=room)
    counted = {ballot["voter_key"] for ballot in ballots
               if ballot["voter_key"] in voters and ballot["voter_key"] not in recused}
    return result, counted


def recount(proposal: Proposal) -> dict:
    """Count again the ballots the closing counted (kept with ``counted``), with the rules and the
    tie seed of the closing: what a scrutineer does. The figures that come from elsewhere (the
    electorate, participation, each college's count) are the ones the closing stored."""
    stored = proposal.result or {}
    ballots = list(Ballot.objects.filter(proposal=proposal, round=proposal.round, counted=True)
                   .values("value", "weight", "reason"))
    recounted = {"participants": len(ballots)}
    if not methods.get_method(proposal.method).tallied:
        return {**recounted, "counts": {proposal.method: len(ballots)}}
    tallied = counting.tally(proposal, ballots, options=list(proposal.options.all()), present=len(ballots),
                             eligible=stored.get("eligible", 0), tie_seed=proposal.tie_seed)
    recounted.update(adopted=tallied.adopted, winners=to_json(tallied.winners), counts=to_json(tallied.counts),
                     rounds=to_json(tallied.rounds))
    return recounted


def count_result(proposal: Proposal, *, voters: dict | Electorate, ballots: list[dict], options: list,
                 recused: set[str], tie_seed: str | None, room: counting.Room | None = None) -> dict:
    """The count from data already loaded (no query): used at closing and for live results.

    ``voters``: the eligible voters (key → Voter, recusals left out), the ballots of others and of
    the recused being ignored; or an ``Electorate`` (counted by SQL, per college when
    ``counts_by_college``), ``ballots`` being then only those that count: the electorate's
    (``eligibility.voter_key_q``), recusals left out. ``room``: a meeting's quorum and members present.
    """
    if isinstance(voters, Electorate):
        electorate = voters
        counted = list(ballots)
    else:
        electorate = Electorate.of(voters)
        counted = [ballot for ballot in ballots
                   if ballot["voter_key"] in voters and ballot["voter_key"] not in recused]
    return counting.count(proposal, electorate=electorate, ballots=counted, options=options,
                          recusals=len(recused), tie_seed=tie_seed, room=room)


@transaction.atomic
def proposal_close(*, proposal: Proposal, by=None, now: datetime | None = None,
                   room: counting.Room | None = None, fallback_closes_at: datetime | None = None,
                   extra: dict | None = None) -> Proposal:
    """Close the vote: tally, keep the result, make anonymous ballots unlinkable, open the fallback.

    In a meeting, ``room`` gives the meeting's quorum and members present, ``fallback_closes_at``
    when a fallback vote closes, and ``extra`` what the result also keeps (meeting, item)."""
    proposal = _locked(proposal)
    _check_status(proposal, Proposal.Status.OPEN)
    now = now or timezone.now()
    proposal.result, counted = _count_round(proposal, room)
    proposal.result.update(extra or {})
    proposal.status = Proposal.Status.CLOSED
    proposal.closed_at = now
    if proposal.closes_at is None or proposal.closes_at > now:
        proposal.closes_at = now
    proposal.save(update_fields=["result", "status", "closed_at", "closes_at", "tie_seed", "updated_at"])
    if proposal.anonymous:
        seal_ballots(proposal, counted_keys=counted, at=now)
    else:
        mark_counted(proposal, counted_keys=counted)
    if proposal.result.get("fallback_required") and proposal.fallback_method and not proposal.result.get("no_decision"):
        fallback = proposal_fallback_open(proposal=proposal, by=by, now=now, closes_at=fallback_closes_at)
        proposal.result["fallback_proposal"] = fallback.pk
        proposal.save(update_fields=["result", "updated_at"])
    audit.record(action="proposal.closed", actor=by, target=proposal, space=proposal.space_id,
                 method=proposal.method, round=proposal.round, fallback=proposal.result.get("fallback_proposal"))
    return proposal


def proposal_fallback_open(*, proposal: Proposal, by=None, now: datetime, closes_at: datetime | None = None
                           ) -> Proposal:
    """The fallback vote of a proposal that needs one, opened at once: same text and options (none
    for a fallback method that decides on the proposal itself), same recusals."""
    fallback = proposal_create(
        space=proposal.space, author=by or proposal.author, title=proposal.title, body=proposal.body,
        options=(list(proposal.options.values_list("label", flat=True))
                 if methods.get_method(proposal.fallback_method).needs_options else []),
        anonymous=proposal.anonymous,
        results_visibility=proposal.results_visibility, follows=proposal, method=proposal.fallback_method,
        fallback_method="", origin=proposal.origin, adopts_charter=proposal.adopts_charter,
    )
    # Whoever stepped out of the first vote stays out of the fallback vote.
    Recusal.objects.bulk_create([
        Recusal(proposal=fallback, person_id=recusal.person_id, organization_id=recusal.organization_id,
                reason=recusal.reason, declared_by_id=recusal.declared_by_id)
        for recusal in proposal.recusals.all()
    ])
    return proposal_open(proposal=fallback, by=by, now=now, closes_at=closes_at)


@transaction.atomic
def proposal_decide(*, proposal: Proposal, by, outcome: str, dissent: str = "",
                    now: datetime | None = None) -> Proposal:
    """Write the decision as it goes in the register (the outcome may be edited until minutes lock it)."""
    proposal = _locked(proposal)
    _check_status(proposal, Proposal.Status.CLOSED, Proposal.Status.DECIDED)
    outcome = (outcome or "").strip()
    if not outcome:
        raise DomainError(_("Écrivez la décision telle qu'elle entrera au registre."), field="outcome")
    before = {"outcome": proposal.outcome, "dissent": proposal.dissent}
    proposal.outcome = outcome
    proposal.dissent = (dissent or "").strip()
    if before["outcome"]:
        if before != {"outcome": proposal.outcome, "dissent": proposal.dissent}:
            audit.record(action="proposal.outcome_edited", actor=by, target=proposal,
                         space=proposal.space_id, before=before,
                         after={"outcome": proposal.outcome, "dissent": proposal.dissent})
    else:
        audit.record(action="proposal.decided", actor=by, target=proposal, space=proposal.space_id)
    first = proposal.status != Proposal.Status.DECIDED
    proposal.status = Proposal.Status.DECIDED
    proposal.decided_at = proposal.decided_at or now or timezone.now()
    proposal.decided_by = by
    proposal.save(update_fields=["outcome", "dissent", "status", "decided_at", "decided_by", "updated_at"])
    if first:
        notify_decided(proposal, by=by)
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, by) -> Proposal:
    proposal = _locked(proposal)
    _check_status(proposal, Proposal.Status.DRAFT, Proposal.Status.OPEN)
    proposal.status = Proposal.Status.WITHDRAWN
    proposal.save(update_fields=["status", "updated_at"])
    return proposal


@transaction.atomic
def proposal_amend(*, proposal: Proposal, by, title: str, body: str, reason: str) -> Proposal:
    """A new version of the text; for consent and consensus, a new round (earlier ones are kept)."""
    proposal = _locked(proposal)
    _check_status(proposal, Proposal.Status.DRAFT, Proposal.Status.OPEN)
    if not (reason or "").strip():
        raise DomainError(_("Expliquez ce que l'amendement change et pourquoi."), field="reason")
    if proposal.status == Proposal.Status.OPEN and methods.get_method(proposal.method).rounds_on_amendment:
        ProposalRound.objects.create(proposal=proposal, number=proposal.round, version=proposal.version,
                                     result=compute_result(proposal))
        proposal.round += 1
    proposal.version += 1
    proposal.title = (title or proposal.title).strip()
    proposal.body = body
    if proposal.status == Proposal.Status.OPEN:
        # A new round: voters who have not voted on it get a fresh reminder.
        proposal.reminder_sent_at = None
        transaction.on_commit(lambda: _schedule(proposal))
    proposal.save(update_fields=["round", "version", "title", "body", "tie_seed", "reminder_sent_at", "updated_at"])
    ProposalVersion.objects.create(proposal=proposal, number=proposal.version, title=proposal.title, body=body,
                                   reason=reason.strip(), created_by=by)
    return proposal


@transaction.atomic
def recusal_declare(*, proposal: Proposal, by, person=None, organization=None, reason: str = "") -> Recusal:
    """A conflict of interest: the person or organization is left out of this proposal's vote."""
    if (person is None) == (organization is None):
        raise DomainError(_("Indiquez la personne ou l'organisme qui se retire."), field="person")
    _check_status(proposal, Proposal.Status.DRAFT, Proposal.Status.OPEN)
    recusal, _created = Recusal.objects.get_or_create(
        proposal=proposal, person=person, organization=organization,
        defaults={"reason": reason.strip(), "declared_by": by},
    )
    # A ballot already cast by someone who now steps out no longer counts.
    Ballot.objects.filter(proposal=proposal, voter_key=recusal.voter_key).delete()
    Participation.objects.filter(proposal=proposal, voter_key=recusal.voter_key).delete()
    return recusal


def close_due_proposals(now: datetime | None = None) -> int:
    """Close every open proposal whose closing time has passed (called by the worker)."""
    now = now or timezone.now()
    closed = 0
    for proposal in Proposal.objects.filter(status=Proposal.Status.OPEN, closes_at__lte=now):
        try:
            proposal_close(proposal=proposal, now=now)
            closed += 1
        except DomainError:
            continue
    return closed
