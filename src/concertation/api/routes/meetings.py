"""Meetings with their agenda, follow-ups; writes: an RSVP, a follow-up (added, status changed)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from concertation.decisions.rules import can_view_proposal
from concertation.directory.models import Organization
from concertation.knowledge.models import Document
from concertation.knowledge.selectors_documents import visible_among
from concertation.meetings import followups
from concertation.meetings.live_forms import who_list
from concertation.meetings.models import AgendaItem, FollowUp, Meeting
from concertation.meetings.rsvp import RsvpForm
from concertation.meetings.selectors import meetings_visible
from concertation.meetings.services import followups as followup_services
from concertation.meetings.services import rsvp as rsvp_services

from .. import lookup
from ..errors import ApiError, forbidden, form_error, not_found
from ..pagination import paginate
from .common import READ, WRITE, ListParams, answers, list_answers

router = Router(tags=["meetings"], auth=READ)


class MeetingOut(Schema):
    id: int
    space_id: int
    title: str
    kind: str
    status: str
    starts_at: datetime
    ends_at: datetime


class AgendaItemOut(Schema):
    id: int
    position: int
    kind: str
    title: str
    minutes_allotted: int
    proposal_id: int | None
    document_ids: list[int]


class MeetingDetailOut(MeetingOut):
    agenda: list[AgendaItemOut]


class FollowUpOut(Schema):
    id: int
    space_id: int
    meeting_id: int | None
    item_id: int | None
    what: str
    organization_id: int | None
    due_on: date | None
    status: str
    done_on: date | None
    mine: bool = False


class RsvpIn(Schema):
    answer: Literal["yes", "no", "maybe"]
    childcare: int = Field(0, ge=0, le=20)
    diet: str = Field("", max_length=200)
    interpretation: str = Field("", max_length=100)
    accessibility: str = Field("", max_length=200)


class RsvpOut(Schema):
    meeting_id: int
    answer: str
    childcare: int
    diet: str
    interpretation: str
    accessibility: str


class FollowUpIn(Schema):
    item_id: int
    what: str = Field(..., min_length=1, max_length=300)
    person_id: int | None = None
    organization_id: int | None = None
    due_on: date | None = None


class FollowUpStatusIn(Schema):
    status: Literal["open", "done", "dropped"]


@router.get("/spaces/{space_id}/meetings", response=list_answers(MeetingOut),
            summary="Meetings of the space (those in preparation for who runs them)")
def meetings(request, space_id: int, params: Query[ListParams]):
    space = lookup.space(request.user, space_id)
    return paginate(meetings_visible(request.user, space), params.cursor, params.limit)


@router.get("/meetings/{meeting_id}", response=answers(MeetingDetailOut), summary="A meeting and its agenda")
def meeting(request, meeting_id: int):
    found = lookup.meeting(request.user, meeting_id)
    items = list(AgendaItem.objects.filter(meeting=found, status=AgendaItem.Status.ACCEPTED)
                 .select_related("proposal")
                 .prefetch_related(Prefetch("documents", queryset=Document.objects.select_related("space")
                                            .order_by("pk")))
                 .order_by("position", "pk"))
    for item in items:
        shown = visible_among(request.user, item.documents.all())
        item.document_ids = [document.pk for document in shown]
        if item.proposal is not None:
            item.proposal.space = found.space
            if not can_view_proposal(request.user, item.proposal):
                item.proposal_id = None  # a draft linked to the item: not the caller's to know
    found.agenda = items
    return found


@router.get("/spaces/{space_id}/follow-ups", response=list_answers(FollowUpOut),
            summary="Follow-ups of the space (the page « Suivis »)")
def follow_ups(request, space_id: int, params: Query[ListParams]):
    space = lookup.space(request.user, space_id)
    page = paginate(followups.space_follow_ups(space), params.cursor, params.limit)
    for follow_up in page["items"]:
        follow_up.mine = follow_up.person_id == request.user.pk if request.user.is_authenticated else False
    return page


@router.post("/meetings/{meeting_id}/rsvp", auth=WRITE, response=answers(RsvpOut),
             summary="Answer the notice of a meeting (RSVP)")
def rsvp(request, meeting_id: int, payload: RsvpIn):
    found = lookup.meeting(request.user, meeting_id)
    if not request.user.has_perm("meetings.take_part", found):
        raise forbidden()
    form = RsvpForm(payload.dict(), meeting=found)
    if not form.is_valid():
        raise form_error(form)
    answer = rsvp_services.rsvp_answer(rsvp=rsvp_services.rsvp_ensure(meeting=found, person=request.user),
                                       **form.service_kwargs())
    return answer


@router.post("/follow-ups", auth=WRITE, response=answers(FollowUpOut, 201),
             summary="Add a follow-up on an item of a meeting in progress or held (who runs it)")
def follow_up_add(request, payload: FollowUpIn):
    item = AgendaItem.objects.select_related("meeting__space__territory").filter(
        pk=payload.item_id, status=AgendaItem.Status.ACCEPTED).first()
    if item is None or not request.user.has_perm("meetings.view_meeting", item.meeting):
        raise not_found()
    meeting_obj: Meeting = item.meeting
    if not request.user.has_perm("meetings.run_meeting", meeting_obj):
        raise forbidden()
    who = who_list(meeting_obj)
    person = organization = None
    if payload.person_id is not None:
        if payload.person_id not in {pk for pk, _name in who.people}:
            raise ApiError(422, "invalid", _not_on_roster(), "person_id")
        person = get_user_model().objects.get(pk=payload.person_id)
    if payload.organization_id is not None:
        if payload.organization_id not in {pk for pk, _name in who.organizations}:
            raise ApiError(422, "invalid", _not_on_roster(), "organization_id")
        organization = Organization.objects.get(pk=payload.organization_id)
    created = followup_services.follow_up_add(item=item, by=request.user, what=payload.what, person=person,
                                              organization=organization, due_on=payload.due_on)
    return 201, created


@router.post("/follow-ups/{follow_up_id}/status", auth=WRITE, response=answers(FollowUpOut),
             summary="Mark a follow-up open, done or dropped (who runs the space, or who answers for it)")
def follow_up_status(request, follow_up_id: int, payload: FollowUpStatusIn):
    found: FollowUp = lookup.follow_up(request.user, follow_up_id)
    if not followups.can_edit_follow_up(request.user, found):
        raise forbidden()
    return followup_services.follow_up_set_status(follow_up=found, status=payload.status, by=request.user)


def _not_on_roster():
    return _("Choisissez une personne ou un organisme de la liste de présences de la rencontre.")
