"""Proposals are discussed in knowledge's discussions (knowledge sits below decisions: decisions
registers its proposals there, from DecisionsConfig.ready())."""

from django.urls import reverse

from concertation.spaces.access import access_for


def _url(proposal) -> str:
    return reverse("decisions:proposal", kwargs={
        "territory": proposal.space.territory.slug, "space": proposal.space.slug, "pk": proposal.pk})


def register() -> None:
    from concertation.knowledge.discussions_registry import register_discussion_target

    from .models import Proposal

    register_discussion_target(
        "proposal", Proposal,
        space_of=lambda proposal: proposal.space,
        can_view=lambda user, proposal: user.has_perm("decisions.view_proposal", proposal),
        can_comment=lambda user, proposal: user.has_perm("decisions.comment_proposal", proposal),
        can_moderate=lambda user, proposal: access_for(user).facilitates(proposal.space),
        url_of=_url,
        label_of=lambda proposal: proposal.title,
        related=("space__territory",),
    )
