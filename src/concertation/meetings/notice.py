"""The notice of a meeting: what it says (agenda with times, logistics, documents, rolled follow-ups),
for the e-mail the notifications layer sends in each person's language (the events
« meetings.convened », « meetings.changed », « meetings.cancelled »: see events.py) with its .ics and
answer links, and for the page printed to PDF."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone, translation

from concertation.core import formatting
from concertation.core.richtext import render_markdown
from concertation.knowledge.selectors_documents import visible_among

from . import ics
from .followups import follow_ups_for_meeting, follow_ups_item
from .models import Meeting, Rsvp
from .selectors import accepted_items, schedule

KINDS = ("notice", "update", "cancel")


def rsvp_url(meeting: Meeting, rsvp, base_url: str = "", answer: str = "") -> str:
    path = reverse("meetings:rsvp", kwargs={
        "territory": meeting.space.territory.slug, "space": meeting.space.slug, "token": rsvp.token})
    return (base_url or "").rstrip("/") + path + (f"?answer={answer}" if answer else "")


def document_url(document, base_url: str = "", meeting: Meeting | None = None) -> str:
    """The link of a document of the library: its web address, or its page (which checks who may
    see it; never the stored file's path)."""
    if document.url:
        return document.url
    return (base_url or "").rstrip("/") + reverse("documents:document", kwargs={
        "territory": document.space.territory.slug, "space": document.space.slug, "pk": document.pk})


def when_text(starts_at, ends_at) -> str:
    """« mardi 7 octobre 2025, de 18 h 30 à 20 h 30 » (in the active language)."""
    return formatting.day_and_hours(starts_at, ends_at)


def rolled_follow_ups(meeting: Meeting, items) -> list:
    """The follow-ups of earlier meetings, when the agenda has an item to review them (one query)."""
    return list(follow_ups_for_meeting(meeting)) if follow_ups_item(items) is not None else []


def notice_context(meeting: Meeting, items, *, viewer=None, base_url: str = "", follow_ups=None) -> dict:
    """What the notice shows, for the e-mail and the PDF (in the active language). ``follow_ups``:
    the follow-ups of earlier meetings when already read (``rolled_follow_ups``), listed under the
    agenda's follow-ups item. ``viewer``: whoever reads this notice (None: a signed-out visitor); the
    items' documents are those this person may see (knowledge's rule), never the titles or links of
    the others (a members-only document on the agenda of a public meeting)."""
    viewer = viewer if viewer is not None else AnonymousUser()
    rows = []
    documents = []
    if follow_ups is None:
        follow_ups = rolled_follow_ups(meeting, items)
    review_item = follow_ups_item(items)
    for number, (item, start, end) in enumerate(schedule(items, meeting.starts_at), start=1):
        item_documents = [(document, document_url(document, base_url, meeting))
                          for document in visible_among(viewer, item.documents.all())]
        documents.extend((item, document, url) for document, url in item_documents)
        rows.append({"number": number, "item": item, "start": start, "end": end, "documents": item_documents,
                     "description_html": render_markdown(item.description),
                     "follow_ups": follow_ups if item is review_item else []})
    total = sum(item.minutes_allotted or 0 for item in items)
    return {
        "meeting": meeting,
        "space": meeting.space,
        "territory": meeting.space.territory,
        "starts_at": timezone.localtime(meeting.starts_at),
        "ends_at": timezone.localtime(meeting.ends_at),
        "when": when_text(meeting.starts_at, meeting.ends_at),
        "place": ", ".join(part for part in (meeting.room, meeting.address) if part),
        "rows": rows,
        "documents": documents,
        "total_minutes": total,
        "meeting_url": ics.meeting_url(meeting, base_url),
        "base_url": base_url,
    }


def notice_for(meeting: Meeting, person, kind: str, *, base_url: str = "") -> dict:
    """What one person's notice (« notice »), update (« update ») or cancellation (« cancel ») shows,
    in the active language: the notice's content and, unless cancelled, the person's answer links.
    The layer's templates read it (``{% meeting_notice %}``, meetings/templatetags/meetings_notice.py)."""
    if kind not in KINDS:
        raise ValueError(kind)
    items = accepted_items(meeting)
    context = notice_context(meeting, items, viewer=person, base_url=base_url,
                             follow_ups=[] if kind == "cancel" else rolled_follow_ups(meeting, items))
    context["kind"] = kind
    rsvp = Rsvp.objects.filter(meeting=meeting, person=person).first() if kind != "cancel" else None
    if rsvp is not None:
        context["rsvp_links"] = [
            (answer, label, rsvp_url(meeting, rsvp, base_url, answer))
            for answer, label in Rsvp._meta.get_field("answer").choices
        ]
        context["rsvp_url"] = rsvp_url(meeting, rsvp, base_url)
    return context


def notice_ics(meeting: Meeting, person, *, cancel: bool, base_url: str = "") -> bytes:
    """The .ics attached to the person's notice (METHOD:REQUEST) or cancellation (METHOD:CANCEL)."""
    return ics.invitation_ics(meeting, person, items=accepted_items(meeting), base_url=base_url, cancel=cancel)


def notice_pdf(meeting: Meeting, items, *, viewer=None, base_url: str = "") -> bytes:
    """The notice with its agenda, printed to PDF by WeasyPrint (in the active language), as ``viewer``
    may read it (None: a signed-out visitor)."""
    from .pdf import render_pdf

    context = notice_context(meeting, items, viewer=viewer, base_url=base_url)
    context["language"] = translation.get_language()
    return render_pdf("meetings/pdf/notice.html", context)
