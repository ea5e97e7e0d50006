"""The meeting's page (logistics, the agenda with its times, proposed items, answers) and the list of
a space's meetings."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from concertation.accounts.privacy import display_name_for
from concertation.core import formatting

from concertation.core.richtext import render_markdown
from concertation.knowledge.rules_documents import sees
from concertation.knowledge.selectors_documents import visible_among
from concertation.spaces.access import access_for
from concertation.spaces.models import Space
from concertation.spaces.selectors import charter_in_force

from .. import followups
from .. import rsvp as rsvps
from ..models import AgendaItem, Meeting
from ..selectors import agenda_items, past_meetings, rsvp_of, rsvps_of, schedule, upcoming_meetings
from ..services import agenda as services

ItemStatus = AgendaItem.Status


def meeting_list_context(user, space, page_number, *, page_size: int) -> dict:
    """The space's coming meetings and a page of its past ones, with their local times."""
    now = timezone.now()
    page = Paginator(past_meetings(user, space, now), page_size).get_page(page_number)
    upcoming = upcoming_meetings(user, space, now)
    for meeting in [*upcoming, *page.object_list]:
        meeting.local_start = timezone.localtime(meeting.starts_at)
        meeting.local_end = timezone.localtime(meeting.ends_at)
    return {
        "territory": space.territory, "space": space, "upcoming": upcoming, "page": page,
        "can_add": user.has_perm("meetings.add_meeting", space),
        "public_feed": space.visibility == Space.Visibility.PUBLIC,
    }


def _follow_up_html(follow_up, viewer) -> SafeString:
    """One reviewed follow-up's line with its badges, as ``_follow_up_line.html`` and
    ``_rolled_follow_ups.html`` wrote it — written here once per row: the template's include and
    tags cost ~0.1 ms a row, and an assembly reviews 80 of them."""
    parts = [escape(follow_up.what)]
    if follow_up.person or follow_up.organization:
        if follow_up.person:
            who = display_name_for(follow_up.person, viewer, organization=follow_up.organization or None)
        else:
            who = str(follow_up.organization)
        parts.append(f" — {escape(who)}")
    if follow_up.due_on:
        parts.append(" — " + _("d'ici le %(date)s") % {"date": escape(formatting.day(follow_up.due_on))})
    review = follow_up.review
    if follow_up.overdue and not review:
        parts.append(f' <span class="badge badge-danger">{escape(_("En retard"))}</span>')
    if review:
        ok = " badge-ok" if review.outcome == "done" else ""
        parts.append(f' <span class="badge{ok}">{escape(review.get_outcome_display())}</span>')
    return mark_safe("".join(parts))  # noqa: S308 — every value escaped just above


def agenda_context(meeting: Meeting, items, *, user, can_run: bool, moved: AgendaItem | None = None,
                   moved_direction: str = "") -> dict:
    """The agenda with each item's times, the documents ``user`` may see (and, under the follow-ups
    item, those it reviews); with htmx after a move, ``moved`` says which item to announce."""
    accepted = [item for item in items if item.status == ItemStatus.ACCEPTED]
    review_item = followups.follow_ups_item(accepted)
    rolled = followups.review_rows(meeting) if review_item is not None else []
    for follow_up in rolled:
        follow_up.line_html = _follow_up_html(follow_up, user)
    access = access_for(user)
    rows = [{"item": item, "start": start, "end": end, "description_html": render_markdown(item.description),
             "documents": [document for document in item.documents.all() if sees(access, document)],
             "reviews_follow_ups": item is review_item, "follow_ups": rolled if item is review_item else []}
            for item, start, end in schedule(accepted, meeting.starts_at)]
    return {
        "rows": rows, "timebox": services.timebox(meeting, accepted),
        "agenda_open": meeting.status in services.AGENDA_OPEN and can_run,
        "moved": moved, "moved_direction": moved_direction,
    }


def meeting_page_context(user, space, meeting: Meeting, *, rsvp_form=None) -> dict:
    """The meeting's page as ``user`` sees it (the organizers see every answer and proposed item)."""
    can_run = user.has_perm("meetings.run_meeting", meeting)
    takes_part = user.has_perm("meetings.take_part", meeting)
    items = agenda_items(meeting)
    proposed = [item for item in items if item.status == ItemStatus.PROPOSED]
    declined = [item for item in items if item.status == ItemStatus.DECLINED]
    if not can_run:
        proposed = [item for item in proposed if item.proposed_by_id == user.pk]
        declined = [item for item in declined if item.proposed_by_id == user.pk]
    shown = {document.pk for item in items for document in visible_among(user, item.documents.all())}
    documents = [(item, document) for item in items if item.status == ItemStatus.ACCEPTED
                 for document in item.documents.all() if document.pk in shown]
    answering = meeting.status in rsvps.ANSWERABLE
    all_rsvps = rsvps_of(meeting) if can_run and meeting.status != Meeting.Status.DRAFT else None
    own = None
    if takes_part and answering:
        if all_rsvps is not None:
            own = next((rsvp for rsvp in all_rsvps if rsvp.person_id == user.pk), None)
        else:
            own = rsvp_of(meeting, user)
        if rsvp_form is None:
            rsvp_form = rsvps.RsvpForm(initial=rsvps.initial_for(own), meeting=meeting)
    may_propose = (not can_run and takes_part
                   and services.may_propose_items(user, meeting, charter_in_force(space), charter_known=True))
    context = {
        "territory": space.territory, "space": space, "meeting": meeting,
        "starts_at": timezone.localtime(meeting.starts_at), "ends_at": timezone.localtime(meeting.ends_at),
        "can_run": can_run, "takes_part": takes_part, "may_propose": may_propose,
        "proposed": proposed, "declined": declined, "documents": documents,
        "rsvps": all_rsvps, "totals": rsvps.rsvp_totals(all_rsvps) if all_rsvps is not None else None,
        "own_rsvp": own, "rsvp_form": rsvp_form if takes_part and answering else None,
        "facilitates": access_for(user).facilitates(space),
    }
    context.update(agenda_context(meeting, items, user=user, can_run=can_run))
    return context
