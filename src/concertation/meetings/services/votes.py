"""During the meeting: the decisions, item by item (opening and closing the meeting, notes, conflicts
of interest and follow-ups are in ``meetings.services``).

A decision item is decided either by an electronic vote on its proposal (participants vote on their
phones on the proposal's page) or by a show of hands whose count the secretary types. Either way
the proposal, linked to the item, enters the decision register with its meeting and item, and
nothing is recorded without quorum: the quorum is the meeting's, from attendance, without those who
stepped out of the item's vote.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concertation.core.errors import DomainError
from concertation.decisions import methods
from concertation.decisions import services as decisions
from concertation.decisions.counting import Room, count_hands
from concertation.decisions.models import Proposal

from ..attendance import MeetingQuorum, ensure_quorum
from ..models import AgendaItem, Meeting
from .meeting import item_in as _item_in
from .meeting import locked as _locked
from .meeting import refuse_unless as _refuse_unless

Status = Meeting.Status
Open = Proposal.Status


# Decisions -------------------------------------------------------------------------------------

def _proposal_for(item: AgendaItem, by) -> Proposal:
    """The item's proposal, or a new one (decided in a meeting) linked to the item."""
    if item.proposal_id:
        proposal = item.proposal
        if proposal.origin != Proposal.Origin.MEETING:
            proposal.origin = Proposal.Origin.MEETING
            proposal.save(update_fields=["origin", "updated_at"])
        return proposal
    proposal = decisions.proposal_create(
        space=item.meeting.space, author=by, title=item.title, body=item.description,
        origin=Proposal.Origin.MEETING, results_visibility=Proposal.ResultsVisibility.ALWAYS,
    )
    item.proposal = proposal
    item.save(update_fields=["proposal", "updated_at"])
    return proposal


def _room(quorum: MeetingQuorum) -> Room:
    """What decisions' count needs of the meeting: its quorum and members present, from attendance."""
    return Room(quorum=quorum.as_dict(), present=quorum.present, eligible=quorum.eligible,
                present_by_college=dict(quorum.present_by_college), excluded=quorum.excluded)


def _parse_count(value, name: str) -> int:
    try:
        count = int(value)
    except (TypeError, ValueError):
        raise DomainError(_("Écrivez un nombre entier."), field=name) from None
    if count < 0:
        raise DomainError(_("Un décompte ne peut pas être négatif."), field=name)
    return count


@transaction.atomic
def record_show_of_hands(*, item: AgendaItem, by, yes, no, abstain, outcome: str, dissent: str = "",
                         now: datetime | None = None) -> Proposal:
    """A vote by show of hands, counted by the secretary: the result is computed under the proposal's
    threshold and base, with the meeting's quorum, and the decision is recorded in the register."""
    meeting = _locked(_item_in(item))
    _refuse_unless(meeting, Status.IN_PROGRESS)
    yes, no, abstain = (_parse_count(yes, "yes"), _parse_count(no, "no"), _parse_count(abstain, "abstain"))
    if item.proposal_id and item.proposal.status == Open.OPEN:
        raise DomainError(_("Le vote électronique est ouvert sur ce point : fermez-le pour consigner son "
                            "résultat."))
    if item.proposal_id and item.proposal.status not in {Open.DRAFT}:
        raise DomainError(_("Ce point est déjà décidé : la décision se modifie depuis la page de la "
                            "proposition."))
    quorum = ensure_quorum(meeting, item=item)
    if yes + no + abstain > quorum.present:
        raise DomainError(_("Le décompte (%(total)s) dépasse le nombre de membres votants présents "
                            "(%(present)s).") % {"total": yes + no + abstain, "present": quorum.present},
                          field="yes")
    if not (outcome or "").strip():
        raise DomainError(_("Écrivez la décision telle qu'elle entrera au registre."), field="outcome")
    proposal = _proposal_for(item, by)
    if not methods.get_method(proposal.method).by_show_of_hands:
        raise DomainError(_("Cette proposition ne se décide pas par oui ou non : ouvrez plutôt le vote "
                            "électronique."))
    if proposal.double_majority:
        raise DomainError(_("La charte demande une double majorité par collège : un décompte à main levée "
                            "ne la vérifie pas. Ouvrez plutôt le vote électronique."))
    now = now or timezone.now()
    proposal.result = {**count_hands(proposal, yes=yes, no=no, abstain=abstain, room=_room(quorum)),
                       "show_of_hands": True, "meeting": item.meeting_id, "item": item.pk}
    proposal.method = proposal.result["method"]  # a show of hands counts for, against and abstentions
    proposal.status = Open.CLOSED
    proposal.closed_at = now
    proposal.origin = Proposal.Origin.MEETING
    proposal.save(update_fields=["method", "result", "status", "closed_at", "origin", "updated_at"])
    proposal = decisions.proposal_decide(proposal=proposal, by=by, outcome=outcome, dissent=dissent, now=now)
    item.proposal = proposal
    item.dissent = (dissent or "").strip()
    item.save(update_fields=["proposal", "dissent", "updated_at"])
    return proposal


@transaction.atomic
def vote_open(*, item: AgendaItem, by, now: datetime | None = None) -> Proposal:
    """Open the item's proposal for an electronic vote, on participants' phones, until the meeting ends."""
    meeting = _locked(_item_in(item))
    _refuse_unless(meeting, Status.IN_PROGRESS)
    if item.proposal_id and item.proposal.status != Open.DRAFT:
        raise DomainError(_("Le vote sur ce point est déjà ouvert ou terminé."))
    ensure_quorum(meeting, item=item)
    proposal = _proposal_for(item, by)
    now = now or timezone.now()
    closes_at = max(meeting.ends_at, now + timedelta(minutes=30))
    proposal = decisions.proposal_open(proposal=proposal, by=by, now=now, closes_at=closes_at)
    item.proposal = proposal
    return proposal


@transaction.atomic
def vote_close(*, item: AgendaItem, by, now: datetime | None = None) -> Proposal:
    """Close the item's electronic vote; its result takes the meeting's quorum (refused without it)."""
    meeting = _locked(_item_in(item))
    _refuse_unless(meeting, Status.IN_PROGRESS)
    proposal = item.proposal
    if proposal is None or proposal.status != Open.OPEN:
        raise DomainError(_("Aucun vote électronique n'est ouvert sur ce point."))
    quorum = ensure_quorum(meeting, item=item)
    # Counted by decisions, with the meeting's quorum and members present; a fallback vote goes on
    # until the meeting ends (at least half an hour).
    now = now or timezone.now()
    proposal = decisions.proposal_close(
        proposal=proposal, by=by, now=now, room=_room(quorum),
        fallback_closes_at=max(meeting.ends_at, now + timedelta(minutes=30)),
        extra={"meeting": meeting.pk, "item": item.pk, "show_of_hands": False},
    )
    fallback = proposal.result.get("fallback_proposal")
    if fallback:
        # The item goes on with the fallback vote; the first one stays readable from it.
        item.proposal_id = fallback
        item.save(update_fields=["proposal", "updated_at"])
    return proposal


@transaction.atomic
def decision_record(*, item: AgendaItem, by, outcome: str, dissent: str = "",
                    now: datetime | None = None) -> Proposal:
    """Write the decision of a closed vote as it enters the register (with the item's dissent)."""
    meeting = _item_in(item)
    _refuse_unless(meeting, Status.IN_PROGRESS, Status.HELD)
    proposal = item.proposal
    if proposal is None or proposal.status not in {Open.CLOSED, Open.DECIDED}:
        raise DomainError(_("Le vote sur ce point n'est pas encore fermé."))
    quorum = (proposal.result or {}).get("quorum") or {}
    if (proposal.result or {}).get("no_decision") or quorum.get("met") is False:
        from concertation.decisions.explain import college_names_of, quorum_phrase

        reason = quorum_phrase(quorum, proposal.voting_unit, college_names_of(meeting.space.territory_id))
        raise DomainError(_("Aucune décision ne peut être consignée sans quorum (%(reason)s).")
                          % {"reason": reason}, code="no_quorum")
    proposal = decisions.proposal_decide(proposal=proposal, by=by, outcome=outcome, dissent=dissent, now=now)
    item.dissent = (dissent or "").strip()
    item.save(update_fields=["dissent", "updated_at"])
    return proposal
