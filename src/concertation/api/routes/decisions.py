"""Proposals and the decision register; write: a ballot, through decisions' ``ballot_cast`` (every
rule of the charter applies there: eligibility, delegation, recusal, opening hours, the method's
ballot shape). Nothing here reads or returns another person's ballot: a secret ballot stays secret."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from concertation.decisions import ballots, register
from concertation.decisions.models import Proposal
from concertation.decisions.rules import can_view_proposal
from concertation.directory.models import Organization

from .. import lookup
from ..errors import ApiError
from ..pagination import paginate
from .common import READ, WRITE, ListParams, answers, list_answers

router = Router(tags=["decisions"], auth=READ)

BallotValue = str | int | list[str | int] | dict[str, int | str]


class ProposalOut(Schema):
    id: int
    space_id: int
    title: str
    status: str
    method: str
    round: int
    anonymous: bool
    opens_at: datetime | None
    closes_at: datetime | None


class DecisionOut(Schema):
    id: int
    space_id: int
    title: str
    outcome: str
    method: str
    decided_at: datetime | None
    participant_count: int


class BallotIn(Schema):
    value: BallotValue = Field(..., description="the ballot, in the shape of the proposal's method "
                                               "(a position such as « agree », option ids, scores…)")
    reason: str = Field("", max_length=5000)
    organization_id: int | None = Field(None, description="the member organization the caller votes for, "
                                                          "when the vote is by organization")


class BallotOut(Schema):
    proposal_id: int
    round: int
    receipt: str
    cast_at: datetime


class DecisionFilter(ListParams):
    space_id: int | None = None


@router.get("/spaces/{space_id}/proposals", response=list_answers(ProposalOut),
            summary="Proposals of the space (drafts: their author and who runs the space)")
def proposals(request, space_id: int, params: Query[ListParams]):
    space = lookup.space(request.user, space_id)

    def keep(proposal):
        proposal.space = space
        return can_view_proposal(request.user, proposal)

    return paginate(Proposal.objects.filter(space=space), params.cursor, params.limit, keep=keep)


@router.get("/proposals/{proposal_id}", response=answers(ProposalOut))
def proposal(request, proposal_id: int):
    return lookup.proposal(request.user, proposal_id)


@router.get("/territories/{territory_id}/decisions", response=list_answers(DecisionOut),
            summary="The decision register of the territory (optionally one space)")
def decisions(request, territory_id: int, params: Query[DecisionFilter]):
    territory = lookup.territory(request.user, territory_id)
    spaces = register.visible_spaces(request.user, territory)
    ids = [space.pk for space in spaces if params.space_id in (None, space.pk)]
    # The register's rows, without the page's prefetches (meetings, plan revisions) the API does not show.
    return paginate(register.decisions(ids).prefetch_related(None), params.cursor, params.limit)


@router.post("/proposals/{proposal_id}/ballot", auth=WRITE, response=answers(BallotOut),
             summary="Cast or change the caller's ballot (or their organization's) while the vote is open")
def ballot(request, proposal_id: int, payload: BallotIn):
    found = lookup.proposal(request.user, proposal_id)
    organization = None
    if payload.organization_id is not None:
        organization = Organization.objects.filter(pk=payload.organization_id,
                                                   territory_id=found.space.territory_id).first()
        if organization is None:
            raise ApiError(422, "invalid", _("Cet organisme n'est pas un organisme de ce territoire."),
                           "organization_id")
    try:
        cast = ballots.ballot_cast(proposal=found, person=request.user, value=payload.value,
                                   reason=payload.reason, organization=organization)
    except (TypeError, ValueError, AttributeError, KeyError):
        raise ApiError(422, "bad_shape", _("Ce bulletin n'a pas la forme attendue par la méthode de décision "
                                           "de cette proposition."), "value") from None
    return {"proposal_id": found.pk, "round": cast.round, "receipt": cast.receipt, "cast_at": cast.cast_at}
