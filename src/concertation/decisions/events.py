"""What decisions tell people, through the notifications layer (issue 16): a vote opened, a vote
closing soon (to who may still vote and has not: see tasks.py), a decision written in the register.
``register()`` runs from apps.py; the services call the ``notify_*`` functions inside their
transaction. Recipients are the voters: citizens who may vote, and the delegate and the alternate
of each member organization that may vote — people who sit in the space, so who see it."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from concertation.notifications.api import notify, register_event
from concertation.spaces.events import space_group  # the one way to group by space

from .register import quote


def register() -> None:
    register_event("decisions.opened", category="proposals", label=_("Vote ouvert"),
                   template="decisions/notifications/opened",
                   visible=proposal_visible)
    register_event("decisions.closing_soon", category="proposals", label=_("Vote qui se termine bientôt"),
                   template="decisions/notifications/closing_soon",
                   visible=proposal_visible, still_due=reminder_still_due)
    register_event("decisions.decided", category="proposals", label=_("Décision inscrite"),
                   template="decisions/notifications/decided",
                   visible=proposal_visible)


def proposal_visible(person, context) -> bool:
    """The events' ``visible`` hook: the person still sees the proposal (its space, and a proposal
    taken back to draft is its author's and its facilitators' only) — checked again when the
    notification is shown or sent, without a query once the person's access is known."""
    from concertation.spaces.access import access_for
    from concertation.spaces.events import space_visible

    proposal, space = context.get("proposal"), context.get("space")
    if not space_visible(person, context) or proposal is None:
        return False
    access = access_for(person)
    return proposal.status != "draft" or proposal.author_id == person.pk or access.facilitates(space)


def reminder_still_due(notification) -> bool:
    """A reminder leaves only while its vote is open (a retry, or a worker that came late, after the
    closing would ask people to vote on a closed proposal)."""
    from .models import Proposal

    ref = (notification.context or {}).get("proposal") or {}
    return Proposal.objects.filter(pk=ref.get("pk"), status="open").exists()


def proposal_path(proposal) -> str:
    kwargs = {"territory": proposal.space.territory.slug, "space": proposal.space.slug}
    try:
        return reverse("decisions:proposal", kwargs={**kwargs, "pk": proposal.pk})
    except NoReverseMatch:  # the proposal pages are not mounted: the space's register
        return reverse("register:space", kwargs=kwargs)


def voters_of(proposal, *, include_recused: bool = False) -> list:
    """Everyone who may cast a ballot in the proposal (each person once; active accounts)."""
    from .eligibility import eligible_voters

    ids = {person_id for voter in eligible_voters(proposal, include_recused=include_recused).values()
           for person_id in voter.casters}
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("display_name", "email"))


def _context(proposal, **extra) -> dict:
    return {"proposal": proposal, "space": proposal.space, "territory": proposal.space.territory, **extra}


def notify_opened(proposal, *, by=None) -> int:
    return notify("decisions.opened", recipients=voters_of(proposal), actor=by,
                  once_key=f"opened:{proposal.pk}:{proposal.round}", link=proposal_path(proposal),
                  group=space_group(proposal.space), context=_context(proposal))


def notify_decided(proposal, *, by=None) -> int:
    return notify("decisions.decided", recipients=voters_of(proposal, include_recused=True), actor=by,
                  once_key=f"decided:{proposal.pk}", link=proposal_path(proposal),
                  group=space_group(proposal.space), context=_context(proposal))


def notify_closing_soon(proposal, person, *, own: bool, organizations: list[str]) -> int:
    """One person's reminder: their own vote, and the organizations they may still vote for."""
    return notify("decisions.closing_soon", recipients=[person], once_key=f"reminder:{proposal.pk}:{proposal.round}",
                  link=proposal_path(proposal), group=space_group(proposal.space),
                  context=_context(proposal, own=own, organizations=organizations,
                                   names=", ".join(quote(name) for name in organizations)))
