"""Documents of the space's library joined to an action of the plan (issue 15): join one, upload a
new one (it lands in the library) or take one off, from the action's page (its news, « Donner des
nouvelles »), through knowledge/attachments.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from concertation.core.errors import DomainError
from concertation.knowledge.attachments import change_from_request
from concertation.spaces.views.common import require

from ..models import Plan
from ..selectors import item_in_plan
from .common import load_plan


@login_required
@require_POST
def activity_documents(request, territory, space, plan, item):
    space_obj, plan_obj = load_plan(request, territory, space, plan, "planning.view_plan")
    if plan_obj.status == Plan.Status.ARCHIVED:
        raise Http404
    activity = item_in_plan(plan_obj, "activity", item)
    require(request.user, "planning.report_progress", activity)
    try:
        message = change_from_request(request, documents=activity.documents, space=space_obj)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, message)
    return redirect(reverse("planning:progress_add", kwargs={
        "territory": space_obj.territory.slug, "space": space_obj.slug, "plan": plan_obj.pk,
        "item": activity.pk}) + "#documents")
