"""The meeting's page (logistics, the agenda with its times, proposed items, answers) and the list of
a space's meetings."""

from __future__ import annotations

from html import escape as _escape  # for plain text: Django's escape, less its checks

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
from concertation.spaces.charters_read import charter_in_force_read
from concertation.spaces.models import Space

from .. import agenda_html, followups, list_rows
from .. import rsvp as rsvps
from ..agenda_loading import after_meeting_read, own_rsvp_read
from ..models import AgendaItem, FollowUpReview, Meeting, Minutes
from ..selectors import UPCOMING_LIMIT, MeetingValues, agenda_items, rsvps_of, schedule
from ..services import agenda as services

ItemStatus = AgendaItem.Status
Outcome = FollowUpReview.Outcome


def meeting_list_context(user, space, page_number, *, page_size: int) -> dict:
    """The space's coming meetings and a page of its past ones, each row written by ``list_rows``."""
    now = timezone.now()
    # past_meetings and upcoming_meetings as values, by written statements (selectors.MeetingValues)
    past = MeetingValues(user, space, now, list_rows.FIELDS, upcoming=False)
    page = Paginator(past, page_size).get_page(page_number)
    upcoming = MeetingValues(user, space, now, list_rows.FIELDS, upcoming=True)[0:UPCOMING_LIMIT]
    slugs = {"territory": space.territory.slug, "space": space.slug}
    return {
        "territory": space.territory, "space": space, "page": page,
        "upcoming": list_rows.meeting_rows(upcoming, **slugs),
        "past": list_rows.meeting_rows(page.object_list, **slugs),
        "can_add": user.has_perm("meetings.add_meeting", space),
        "public_feed": space.visibility == Space.Visibility.PUBLIC,
    }


def _follow_up_lines(rows) -> list[SafeString]:
    """The lines of ``followups.agenda_review_rows``, each as ``_follow_up_line.html`` writes it, with
    its badges (late, this meeting's review) — written here once per row: the template's include and
    tags cost ~0.1 ms a row, and an assembly reviews 80 follow-ups. Labels are translated and escaped
    once, each due date formatted once."""
    until, late = _("d'ici le %(date)s"), _("En retard")
    late_badge = f' <span class="badge badge-danger">{_escape(late)}</span>'
    outcomes = {value: f' <span class="badge{" badge-ok" if value == Outcome.DONE else ""}">{_escape(str(label))}</span>'
                for value, label in Outcome.choices}
    days: dict = {}
    lines = []
    for what, who, due_on, overdue, outcome in rows:
        parts = [_escape(what)]
        if who is not None:
            parts.append(f" — {_escape(who)}")
        if due_on:
            if due_on not in days:
                days[due_on] = " — " + until % {"date": _escape(formatting.day(due_on))}
            parts.append(days[due_on])
        if outcome:
            parts.append(outcomes[outcome])
        elif overdue:
            parts.append(late_badge)
        lines.append(mark_safe("".join(parts)))  # noqa: S308 — every value escaped just above
    return lines


def _slot(start, end, minutes: str) -> SafeString:
    """« 18 h 30 – 18 h 45 · 15 min », written once here rather than by two tags a row; the local
    times given without their zone (``clock_span`` would make each local again, for each part)."""
    span = formatting.clock_span(start.replace(tzinfo=None), end.replace(tzinfo=None))
    return mark_safe(f"{escape(span)} · {minutes}")  # noqa: S308 — escaped


def agenda_context(meeting: Meeting, items, *, user, can_run: bool, moved: AgendaItem | None = None,
                   moved_direction: str = "") -> dict:
    """The agenda with each item's times, the documents ``user`` may see (and, under the follow-ups
    item, those it reviews); with htmx after a move, ``moved`` says which item to announce."""
    accepted = [item for item in items if item.status == ItemStatus.ACCEPTED]
    review_item = followups.follow_ups_item(accepted)
    rolled = _follow_up_lines(followups.agenda_review_rows(meeting, user)) if review_item is not None else []
    access = access_for(user)
    minutes = _("%(minutes)s min")  # with a no-break space, the template's msgid
    rows = [{"item": item, "start": start, "end": end, "description_html": render_markdown(item.description),
             "slot": _slot(start, end, minutes % {"minutes": escape(item.minutes_allotted)}),
             "presenter": (display_name_for(item.presenter, user, organization=item.presenter_organization)
                           if item.presenter or item.presenter_organization else ""),
             "documents": [document for document in item.documents.all() if sees(access, document)],
             "reviews_follow_ups": item is review_item, "follow_ups": rolled if item is review_item else []}
            for item, start, end in schedule(accepted, meeting.starts_at)]
    labels = agenda_html.Labels(meeting.space.territory.slug, meeting.space.slug)
    rolled_html = agenda_html.rolled_follow_ups(rolled) if review_item is not None else ""
    for row in rows:
        row["html"] = agenda_html.item_html(row, labels, rolled_html)
    return {
        "rows": rows, "timebox": services.timebox(meeting, accepted),
        "agenda_open": meeting.status in services.AGENDA_OPEN and can_run,
        "moved": moved, "moved_direction": moved_direction,
    }


def after_meeting(meeting: Meeting) -> dict:
    """For « Après la rencontre »: the minutes' status (``minutes``: None, or what
    ``minutes/_status.html`` reads of them) and the number of follow-ups decided at the meeting, in
    one query."""
    status, follow_up_count = after_meeting_read(meeting.pk)
    minutes = None if status is None else {"status": status,
                                           "get_status_display": Minutes.Status(status).label}
    return {"minutes": minutes, "follow_up_count": follow_up_count}


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
            own = own_rsvp_read(meeting.pk, user.pk)  # rsvp_of(meeting, user), written out
        if rsvp_form is None:
            rsvp_form = rsvps.RsvpForm(initial=rsvps.initial_for(own), meeting=meeting)
    may_propose = (not can_run and takes_part
                   and services.may_propose_items(user, meeting, charter_in_force_read(space.pk), charter_known=True))
    context = {
        "territory": space.territory, "space": space, "meeting": meeting,
        "starts_at": timezone.localtime(meeting.starts_at), "ends_at": timezone.localtime(meeting.ends_at),
        "can_run": can_run, "takes_part": takes_part, "may_propose": may_propose,
        "proposed": proposed, "declined": declined, "documents": documents,
        "rsvps": all_rsvps, "totals": rsvps.rsvp_totals(all_rsvps) if all_rsvps is not None else None,
        "own_rsvp": own, "rsvp_form": rsvp_form if takes_part and answering else None,
        "facilitates": access_for(user).facilitates(space),
    }
    context.update(after_meeting(meeting))
    context.update(agenda_context(meeting, items, user=user, can_run=can_run))
    return context
