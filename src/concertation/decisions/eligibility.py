"""Who may vote on a proposal: from the space's memberships, the charter's categories and voting
unit, minus recusals. One place decides it; ballots, quorum and reminders all ask here."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.utils import timezone

from concertation.spaces.models import Delegation, Membership, MembershipCategory
from concertation.spaces.selectors import current_q

from .models import Proposal


@dataclass(frozen=True)
class Voter:
    key: str                      # "u:<person id>" or "o:<organization id>"
    person_id: int | None
    organization_id: int | None
    college_slug: str
    label: str
    # people allowed to cast this voter's ballot (the person; or the delegate and alternate)
    casters: frozenset[int]


def categories(proposal: Proposal) -> list[str]:
    return list(proposal.eligible_categories or [MembershipCategory.VOTING])


def eligible_voters(proposal: Proposal, *, on=None, include_recused: bool = False,
                    for_person=None) -> dict[str, Voter]:
    """Every voter of the proposal, keyed by voter key, in a bounded number of queries.

    ``for_person`` limits the work to the memberships that person sits through (as a citizen, or as
    delegate or alternate): casting a ballot then costs the same whatever the size of the space.
    """
    on = on or timezone.localdate()
    memberships = Membership.objects.filter(
        current_q(on=on), space_id=proposal.space_id, category__in=categories(proposal)
    )
    if for_person is not None:
        memberships = memberships.filter(
            Q(person=for_person)
            | Q(pk__in=Delegation.objects.filter(current_q(on=on), person=for_person).values("membership_id"))
        )
    memberships = (
        memberships
        .select_related("organization__college", "person", "college")
        .prefetch_related(Prefetch(
            "delegations", queryset=Delegation.objects.filter(current_q(on=on)).select_related("person"),
            to_attr="current_delegations",
        ))
    )
    voters: dict[str, Voter] = {}
    for membership in memberships:
        college = membership.college or (membership.organization.college if membership.organization_id else None)
        slug = college.slug if college else ""
        if membership.person_id:
            key = f"u:{membership.person_id}"
            voters[key] = Voter(key, membership.person_id, None, slug, str(membership.person),
                                frozenset({membership.person_id}))
        elif proposal.voting_unit == "organization":
            key = f"o:{membership.organization_id}"
            casters = frozenset(d.person_id for d in membership.current_delegations)
            voters[key] = Voter(key, None, membership.organization_id, slug, str(membership.organization), casters)
        else:
            for delegation in membership.current_delegations:
                key = f"u:{delegation.person_id}"
                voters.setdefault(key, Voter(key, delegation.person_id, None, slug, str(delegation.person),
                                             frozenset({delegation.person_id})))
    if not include_recused:
        for key in recused_keys(proposal):
            voters.pop(key, None)
    return voters


def recused_keys(proposal: Proposal) -> set[str]:
    return {recusal.voter_key for recusal in proposal.recusals.all()}


def voters_for_user(proposal: Proposal, user, voters: dict[str, Voter] | None = None) -> list[Voter]:
    """The voters this person may cast a ballot for (themself, or organizations they represent)."""
    if user is None or not user.is_authenticated:
        return []
    voters = eligible_voters(proposal) if voters is None else voters
    return [voter for voter in voters.values() if user.pk in voter.casters]
