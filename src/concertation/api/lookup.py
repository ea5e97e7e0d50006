"""Load one object for the caller, with the permission the matching page asks: out of reach
answers the same 404 as a missing object."""

from __future__ import annotations

from concertation.decisions.models import Proposal
from concertation.meetings.models import FollowUp, Meeting
from concertation.planning.models import Indicator, Plan
from concertation.spaces.access import access_for
from concertation.spaces.models import Space
from concertation.spaces.selectors import visible_territories

from .errors import not_found


def territory(user, pk: int):
    found = visible_territories(user).filter(pk=pk).first()
    if found is None:
        raise not_found()
    return found


def space(user, pk: int) -> Space:
    found = Space.objects.select_related("territory").filter(pk=pk).first()
    if found is None or not access_for(user).can_view(found):
        raise not_found()
    return found


def _with_perm(obj, user, perm: str):
    if obj is None or not user.has_perm(perm, obj):
        raise not_found()
    return obj


def meeting(user, pk: int) -> Meeting:
    return _with_perm(Meeting.objects.select_related("space__territory").filter(pk=pk).first(), user,
                      "meetings.view_meeting")


def proposal(user, pk: int) -> Proposal:
    return _with_perm(Proposal.objects.select_related("space__territory").filter(pk=pk).first(), user,
                      "decisions.view_proposal")


def plan(user, pk: int) -> Plan:
    return _with_perm(Plan.objects.select_related("space__territory").filter(pk=pk).first(), user,
                      "planning.view_plan")


def indicator(user, pk: int) -> Indicator:
    return _with_perm(Indicator.objects.select_related("plan__space__territory").filter(pk=pk).first(), user,
                      "planning.view_plan")


def follow_up(user, pk: int) -> FollowUp:
    """A follow-up of a space the person may see (the space's follow-ups page)."""
    found = FollowUp.objects.select_related("space__territory").filter(pk=pk).first()
    if found is None or not access_for(user).can_view(found.space):
        raise not_found()
    return found
