"""Checking a vote receipt on the proposal's page, once the vote is closed.

The code travels in a POST body, never in an address: addresses end up in logs and histories,
where a code next to the address of whoever typed it would tie a person to a ballot.
"""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms import ReceiptForm, describe_ballot
from ..models import Proposal
from ..secrecy import ReceiptCheck, receipt_check
from .proposals import _load_current, _page_context


def receipt_answer(proposal: Proposal, check: ReceiptCheck) -> dict:
    """What the page says about a checked receipt: a sentence, and the ballot's content when shown."""
    if check.status == "counted":
        text = (_("Ce reçu correspond à un bulletin compté dans le résultat. Le vote est secret : le contenu du "
                  "bulletin n'est montré à personne.") if proposal.anonymous
                else _("Ce reçu correspond à un bulletin compté dans le résultat."))
    elif check.status == "not_counted":
        text = _("Ce reçu correspond à un bulletin reçu mais non compté : à la fermeture du vote, la personne ou "
                 "l'organisme qui l'a déposé n'avait plus le droit de vote sur cette proposition.")
    elif check.status == "earlier_round":
        text = _("Ce reçu correspond à un bulletin du tour %(round)s, avant un amendement : seul le dernier tour "
                 "compte pour la décision.") % {"round": check.round}
    elif check.status == "pending":
        text = _("Ce reçu correspond à un bulletin reçu. Le vote est encore ouvert : les bulletins sont comptés à "
                 "la fermeture.")
    else:
        text = _("Aucun bulletin de cette proposition ne porte ce code. Vérifiez-le : seuls comptent les lettres "
                 "et les chiffres. Un bulletin qui n'a pas été compté dans un vote secret n'est pas conservé.")
    choice = ""
    if check.shows_choice:
        choice = describe_ballot(proposal, check.value, list(proposal.options.all()))
    return {"status": check.status, "text": text, "found": check.status != "unknown", "choice": choice,
            "reason": check.reason}


@require_POST
def receipt(request, territory, space, pk):
    """Anyone who may read the proposal may check a receipt (no sign-in: observers check too)."""
    space, proposal = _load_current(request, territory, space, pk)
    form = ReceiptForm(request.POST)
    answer = receipt_answer(proposal, receipt_check(proposal, form.cleaned_data["code"])) if form.is_valid() else None
    extra = {"receipt_form": form, "receipt_answer": answer}
    if request.htmx:
        context = {"territory": space.territory, "space": space, "proposal": proposal, **extra}
        return render(request, "decisions/proposal.html#receipt", context)
    return render(request, "decisions/proposal.html", {**_page_context(request, space, proposal), **extra})
