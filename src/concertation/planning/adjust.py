"""From a decision to the plan: « Ajuster le plan » on the page of a decision that may authorise a
change, opening the plan in edit mode with that decision chosen in advance in every change form.

Which decisions and which plans: selectors.plans_a_decision_may_adjust (the rule services enforce).
The link reaches the proposal's page through decisions.links, registered in apps.PlanningConfig.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from concertation.decisions.links import ProposalLink

from .selectors import plans_a_decision_may_adjust

EDIT_MODE = "edition"  # ?mode=edition: the plan page with its editing controls
DECISION_PARAM = "decision"  # ?decision=<id>: the decision preselected in the change forms


def adjust_url(plan, decision) -> str:
    url = reverse("planning:plan", kwargs={
        "territory": plan.space.territory.slug, "space": plan.space.slug, "plan": plan.pk})
    return f"{url}?{urlencode({'mode': EDIT_MODE, DECISION_PARAM: decision.pk})}"


def decision_links(*, proposal, user) -> list[ProposalLink]:
    """« Ajuster le plan » for each adopted plan this decision may authorise changing, when the
    person may change it (the plan's title is named when there are several)."""
    plans = plans_a_decision_may_adjust(proposal, user)
    description = _("Ouvre le plan en mode édition, avec cette décision déjà choisie dans les formulaires de "
                    "changement.")
    if len(plans) == 1:
        return [ProposalLink(label=_("Ajuster le plan"), url=adjust_url(plans[0], proposal), description=description)]
    return [ProposalLink(label=_("Ajuster le plan « %(title)s »") % {"title": plan.title},
                         url=adjust_url(plan, proposal), description=description) for plan in plans]
