"""iCalendar (.ics) for meetings: the invitation attached to the notice (METHOD:REQUEST, then
METHOD:CANCEL), one meeting to download, and the feeds (per space, per person) that calendar
applications subscribe to (METHOD:PUBLISH).

Times are written in the site's time zone (settings.TIME_ZONE, America/Montreal) with a TZID and
the matching VTIMEZONE, so that a calendar shows 18 h 30 whatever its own zone. The UID is the
meeting's own (Meeting.uid) and SEQUENCE its counter, raised by each update sent: a calendar
replaces the event it already has instead of adding a second one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from email.utils import parseaddr

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from concertation.core import formatting
from concertation.core.formatting import NBSP

from .models import Meeting
from .selectors import schedule

PRODID = "-//Concertation//Rencontres//FR"


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment, timezone.get_default_timezone())


def meeting_url(meeting: Meeting, base_url: str = "") -> str:
    path = reverse("meetings:meeting", kwargs={
        "territory": meeting.space.territory.slug, "space": meeting.space.slug, "pk": meeting.pk})
    return (base_url or "").rstrip("/") + path


def location(meeting: Meeting) -> str:
    place = ", ".join(part for part in (meeting.room, meeting.address) if part)
    return place or meeting.online_url


def description(meeting: Meeting, items=None, base_url: str = "") -> str:
    """The event's text: the agenda with its times, the online link, the meeting's page."""
    lines = []
    if meeting.status == Meeting.Status.CANCELLED:
        lines.append(_("Rencontre annulée."))
        if meeting.cancelled_reason:
            lines.append(meeting.cancelled_reason)
        lines.append("")
    if items:
        lines.append(_("Ordre du jour"))
        for number, (item, start, _end) in enumerate(schedule(items, meeting.starts_at), start=1):
            lines.append(f"{number}. {formatting.hour(start)} {item.title} ({item.minutes_allotted}{NBSP}min)")
        lines.append("")
    if meeting.online_url:
        lines.append(_("En ligne{nbsp}: %(url)s").replace("{nbsp}", NBSP) % {"url": meeting.online_url})
    if base_url:
        lines.append(meeting_url(meeting, base_url))
    return "\n".join(lines).strip()


def _event(meeting: Meeting, *, items=None, base_url: str = "", cancelled: bool = False) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", _local(meeting.starts_at))
    event.add("dtend", _local(meeting.ends_at))
    event.add("summary", meeting.title)
    place = location(meeting)
    if place:
        event.add("location", place)
    text = description(meeting, items, base_url)
    if text:
        event.add("description", text)
    if base_url:
        event.add("url", meeting_url(meeting, base_url))
    if meeting.updated_at:
        event.add("last-modified", meeting.updated_at.astimezone(UTC))
    cancelled = cancelled or meeting.status == Meeting.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def _calendar(method: str, name: str = "") -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def _finish(calendar: icalendar.Calendar, meetings) -> bytes:
    """Add the VTIMEZONE the events need (for the years they span only), then serialize."""
    meetings = list(meetings)
    if meetings:
        first = min(_local(m.starts_at).date() for m in meetings)
        last = max(_local(m.ends_at).date() for m in meetings)
        calendar.add_missing_timezones(first_date=date(first.year, 1, 1),
                                       last_date=date(last.year + 1, 1, 1) + timedelta(days=1))
    return calendar.to_ical()


def _organizer(meeting: Meeting) -> icalendar.vCalAddress:
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = icalendar.vCalAddress(f"mailto:{address or 'noreply@localhost'}")
    organizer.params["cn"] = icalendar.vText(meeting.space.name)
    return organizer


def invitation_ics(meeting: Meeting, person, *, items=None, base_url: str = "", cancel: bool = False) -> bytes:
    """The .ics attached to the notice (METHOD:REQUEST) or to the cancellation (METHOD:CANCEL).

    The person is the ATTENDEE without RSVP=TRUE: answers go through the notice's links, not
    through the calendar (the organizer's address receives no mail)."""
    calendar = _calendar("CANCEL" if cancel else "REQUEST")
    event = _event(meeting, items=items, base_url=base_url, cancelled=cancel)
    event.add("organizer", _organizer(meeting))
    attendee = icalendar.vCalAddress(f"mailto:{person.email}")
    attendee.params["cn"] = icalendar.vText(str(person))
    attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
    attendee.params["rsvp"] = icalendar.vText("FALSE")
    event.add("attendee", attendee)
    calendar.add_component(event)
    return _finish(calendar, [meeting])


def meeting_ics(meeting: Meeting, *, items=None, base_url: str = "") -> bytes:
    """One meeting, to add to one's calendar by hand."""
    calendar = _calendar("PUBLISH")
    calendar.add_component(_event(meeting, items=items, base_url=base_url))
    return _finish(calendar, [meeting])


def feed_ics(meetings, *, name: str, base_url: str = "") -> bytes:
    """A calendar feed: every meeting given (cancelled ones as STATUS:CANCELLED)."""
    calendar = _calendar("PUBLISH", name)
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"value": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for meeting in meetings:
        calendar.add_component(_event(meeting, base_url=base_url))
    return _finish(calendar, meetings)
