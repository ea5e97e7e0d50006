"""Documents of the space's library joined to a proposal (issue 15): join one, upload a new one (it
lands in the library) or take one off, from the proposal's page (knowledge/attachments.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from concertation.core.errors import DomainError
from concertation.knowledge.attachments import change_from_request
from concertation.spaces.views.common import require

from .proposals import _load, _proposal_url


@login_required
@require_POST
def proposal_documents(request, territory, space, pk):
    space_obj, proposal = _load(request, territory, space, pk, for_page=False)
    require(request.user, "knowledge.add_document", space_obj)
    try:
        if not proposal.documents_may_change:
            raise DomainError(_("Cette proposition est fermée : ses documents font partie de son dossier."))
        message = change_from_request(request, documents=proposal.documents, space=space_obj)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, message)
    return redirect(_proposal_url(proposal, "documents"))
