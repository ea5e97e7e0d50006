"""Two actions of the live page kept apart from its module: marking present everyone who answered
yes to the notice, and the review of the follow-ups of earlier meetings (done, dropped, carried over).

Both are ordinary forms that redirect back to the live page; with htmx, the review answers with the
follow-up's row alone.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from concertation.core.errors import DomainError
from concertation.meetings.services import followups as followups_svc

from .. import followups
from ..models import AgendaItem, FollowUp, FollowUpReview
from ..services.attendance import attendance_mark_yes
from .live import fail, live_url, load_meeting


@require_POST
def attendance_yes(request, territory, space, pk):
    """« Marquer présentes toutes les personnes qui ont répondu oui »: one service call; the page
    it returns to shows the counts and the quorum as they are now."""
    meeting = load_meeting(request, territory, space, pk)
    try:
        marked = attendance_mark_yes(meeting=meeting, by=request.user)
    except DomainError as error:
        fail(request, error)
    else:
        if marked:
            messages.success(request, ngettext(
                "%(count)s personne qui a répondu oui est notée présente.",
                "%(count)s personnes qui ont répondu oui sont notées présentes.", marked) % {"count": marked})
        else:
            messages.info(request, _("Toutes les personnes qui ont répondu oui sont déjà notées."))
    return redirect(live_url(meeting, anchor="presences"))


@require_POST
def follow_up_review(request, territory, space, pk, fu):
    """The meeting marks a follow-up of an earlier meeting done, dropped or carried over."""
    meeting = load_meeting(request, territory, space, pk)
    follow_up = get_object_or_404(FollowUp, pk=fu, space_id=meeting.space_id)  # another space's: missing
    error = None
    try:
        review = followups_svc.follow_up_review(meeting=meeting, follow_up=follow_up,
                                                outcome=request.POST.get("outcome", ""), by=request.user)
    except DomainError as refused:
        error = str(refused.message)
    item = followups.follow_ups_item(meeting.items.filter(status=AgendaItem.Status.ACCEPTED).order_by("position", "pk"))
    if request.htmx:
        row = next((row for row in followups.review_rows(meeting) if row.pk == follow_up.pk), None)
        if row is None:  # not one this meeting reviews (the refusal says so): the page as it is
            return redirect(live_url(meeting, item, "suivis-precedents"))
        return render(request, "meetings/live/_review_row.html", {
            "follow_up": row, "meeting": meeting, "space": meeting.space, "territory": meeting.space.territory,
            "can_review": meeting.status in followups.REVIEWABLE, "outcomes": FollowUpReview.Outcome.choices,
            "review_error": error,
        })
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Suivi « %(what)s » : %(outcome)s.") % {
            "what": follow_up.what, "outcome": review.get_outcome_display().lower()})
    return redirect(live_url(meeting, item, "suivis-precedents"))
