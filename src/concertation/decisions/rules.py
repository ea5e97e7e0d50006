"""Permissions of proposals. Eligibility to vote is decided by eligibility.py, not here."""

import rules

from concertation.spaces.access import access_for


@rules.predicate
def can_view_proposal(user, proposal):
    if proposal is None or not access_for(user).can_view(proposal.space):
        return False
    # Drafts are seen by their author and by those who run the space.
    return proposal.status != "draft" or proposal.author_id == getattr(user, "pk", None) or \
        access_for(user).facilitates(proposal.space)


@rules.predicate
def can_propose_in_space(user, space):
    access = access_for(user)
    return space is not None and (access.facilitates(space) or access.is_member(space))


@rules.predicate
def can_manage_proposal(user, proposal):
    """Open, close, amend, record the outcome: those who run the space, and the author of a draft."""
    if proposal is None:
        return False
    access = access_for(user)
    return access.facilitates(proposal.space) or (
        proposal.status == "draft" and proposal.author_id == getattr(user, "pk", None)
    )


@rules.predicate
def can_comment_proposal(user, proposal):
    return proposal is not None and proposal.status in {"open", "draft"} and (
        access_for(user).is_member(proposal.space) or access_for(user).facilitates(proposal.space)
    )


rules.add_perm("decisions.view_proposal", can_view_proposal)
rules.add_perm("decisions.add_proposal", can_propose_in_space)
rules.add_perm("decisions.manage_proposal", can_manage_proposal)
rules.add_perm("decisions.comment_proposal", can_comment_proposal)
