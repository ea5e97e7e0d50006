"""The secretary's live page, read in a number of queries that does not grow with the members: the
attendance table (written here, not by a template: see ``RosterRows``), the quorum, the current item
with its forms, the follow-ups; and the fragments htmx swaps (a member's rows, the quorum banner),
and the attendance sheet to print.

Every quorum here comes from ``attendance.quorum_for_meeting``, given the roster and charter already
read.
"""

from __future__ import annotations

from html import escape  # the standard one: Django's, lazy-aware, costs 3× more on 6 000 names
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from concertation.core.richtext import render_markdown
from concertation.decisions.explain import explain
from concertation.spaces.selectors import charter_in_force

from .. import followups
from ..agenda_loading import live_items_read, meeting_follow_ups_read
from ..attendance import (
    NOT_NOTED,
    MeetingQuorum,
    Seat,
    answered_yes_not_noted,
    attendance_counts,
    filter_seats,
    item_excluded_keys,
    quorum_for_meeting,
    roster,
)
from ..live_forms import NotesForm, forms_for, who_list
from ..models import AgendaItem, Attendance, FollowUpReview, Meeting
from ..services.meeting import opens_before_its_day

LIVE_STATES = {Meeting.Status.CONVENED, Meeting.Status.IN_PROGRESS, Meeting.Status.HELD}


STATUS_BUTTONS = [
    (Attendance.Status.PRESENT, gettext_lazy("Présence")),
    (Attendance.Status.LATE, gettext_lazy("Retard")),
    (Attendance.Status.EXCUSED, gettext_lazy("Absence motivée")),
    (Attendance.Status.ABSENT, gettext_lazy("Absence")),
]


FILTER_STATUSES = [(NOT_NOTED, gettext_lazy("Pas encore notée")), *STATUS_BUTTONS]


KIND_LABELS = {
    "delegate": gettext_lazy("personne déléguée"),
    "alternate": gettext_lazy("substitut"),
    "citizen": gettext_lazy("siège citoyen"),
}


class RosterRows:
    """The rows of the attendance table, one ``<tbody id="membre-…">`` per member, written here rather
    than in a template: an assembly of 500 members has 1 000 people and 4 000 buttons, which a
    template renders in ~300 ms and this in ~5 ms (docs/performance.md). Every label is escaped once;
    names are escaped as they are written.

    Each person's buttons submit the page's one attendance form (``FORM_ID``, with the CSRF token)
    through their ``form`` attribute, with ``presence=<person id>:<organization id or "">:<status>``.
    With htmx, each button posts by itself (``hx-post``: clicks on several people in a row go out
    together, as with a form each) and the answer replaces the member's ``<tbody>``.
    """

    FORM_ID = "presences-formulaire"
    KEY = "\x00"  # where the person's « <person id>:<organization id> » goes in the buttons

    def __init__(self, meeting: Meeting, quorum: MeetingQuorum, *, can_take_attendance: bool):
        self.url = escape(reverse("meetings:attendance", kwargs={
            "territory": meeting.space.territory.slug, "space": meeting.space.slug, "pk": meeting.pk}))
        self.voice_badges = quorum.voting_unit == "organization"
        self.can_take_attendance = can_take_attendance
        self.kinds = {kind: escape(label) for kind, label in KIND_LABELS.items()}
        self.statuses = {value: escape(label) for value, label in STATUS_BUTTONS}
        # gettext calls stay outside the f-strings: makemessages does not read inside them.
        not_voting, counted, not_counted = _("ne vote pas"), _("compté au quorum"), _("pas compté au quorum")
        not_counted_yet, voice, not_yet = _("pas encore compté"), _("porte la voix"), _("Pas encore notée")
        elsewhere = _("pour un autre organisme")
        self.not_voting = f'<span class="badge">{escape(not_voting)}</span>'
        self.counted = f'<span class="badge badge-ok">{escape(counted)}</span>'
        self.not_counted = f'<span class="badge badge-warn">{escape(not_counted)}</span>'
        self.not_counted_yet = f'<span class="badge">{escape(not_counted_yet)}</span>'
        self.voice = f' <span class="badge">{escape(voice)}</span>'
        self.not_yet = f'<span class="muted">{escape(not_yet)}</span>'
        self.elsewhere = f' <span class="muted">({escape(elsewhere)})</span>'
        nobody = escape(_("Aucune personne déléguée n'est nommée pour ce membre."))
        self.nobody = f'<tr><td colspan="3" class="muted">{nobody}</td></tr>\n'
        # Each status's four buttons and the end of the row, cut where the person's key goes:
        # « key.join(…) » writes them.
        self.buttons = {status: f"{self._buttons(status)}</div></td></tr>\n".split(self.KEY)
                        for status in ["", *self.statuses]}
        # The group's label cut where the name goes (« name.join(…) »), escaped beforehand: escaping
        # the label then putting the escaped name in gives the same text.
        self.group_label = [part.replace("%%", "%") for part in escape(_("Présence de %(name)s")).split("%(name)s")]

    def _buttons(self, current: str) -> str:
        buttons = []
        for value, label in self.statuses.items():
            pressed = value == current
            check = '<span aria-hidden="true">✓ </span>' if pressed else ""
            buttons.append(
                f'<button type="submit" form="{self.FORM_ID}" name="presence" value="{self.KEY}:{value}" '
                f'hx-post="{self.url}" '
                f'aria-pressed="{"true" if pressed else "false"}" '
                f'class="button button-small{"" if pressed else " button-secondary"}">{check}{label}</button>'
            )
        return "".join(buttons)

    def seat(self, seat: Seat, error: str = "") -> str:
        """One member's ``<tbody>`` (the answer to an attendance button, with htmx)."""
        parts: list[str] = []
        self._write(parts, seat, error)
        return mark_safe("".join(parts))

    def render(self, seats: list[Seat]) -> str:
        """Every member's ``<tbody>``."""
        parts: list[str] = []
        for seat in seats:
            self._write(parts, seat)
        return mark_safe("".join(parts))

    def _write(self, parts: list[str], seat: Seat, error: str = "") -> None:
        # Per person, one f-string and each name escaped once: 1 000 people make this the page's loop.
        append = parts.append
        append(f'<tbody id="membre-{seat.dom_id}">\n<tr><th scope="rowgroup" colspan="3">{escape(seat.name)}')
        if seat.college_name:
            append(f' <span class="muted">· {escape(seat.college_name)}</span>')
        append(" ")
        if not seat.votes:
            append(self.not_voting)
        elif seat.counted:
            append(self.counted)
        else:  # nobody of this member marked yet: neutral, not « excluded »
            append(self.not_counted if any(person.status for person in seat.people) else self.not_counted_yet)
        append("</th></tr>\n")
        if error:
            append(f'<tr><td colspan="3"><p class="error-text" role="alert">{escape(error)}</p></td></tr>\n')
        organization_id = seat.organization_id
        seat_key = f":{organization_id or ''}"
        # Who holds the vote is said only when several people could.
        voice = seat.voice if self.voice_badges and seat.votes and len(seat.people) > 1 else None
        kinds, statuses, not_yet, buttons = self.kinds, self.statuses, self.not_yet, self.buttons
        for person in seat.people:
            name = escape(person.name)
            status = person.status
            elsewhere = (self.elsewhere if organization_id and person.attending_for not in (None, organization_id)
                         and person.present else "")
            row = (f'<tr><th scope="row">{name} <span class="muted">({kinds.get(person.kind, "")})</span>'
                   f'{self.voice if person is voice else ""}</th>'
                   f'<td>{statuses.get(status, "") or not_yet}{elsewhere}</td><td>')
            if self.can_take_attendance:
                append(f'{row}<div class="actions" role="group" aria-label="{name.join(self.group_label)}">')
                append(f"{person.person_id}{seat_key}".join(buttons.get(status) or buttons[""]))
            else:
                append(f"{row}</td></tr>\n")
        if not seat.people:
            append(self.nobody)
        append("</tbody>\n")


# Past this many people on the roster, the live page shows the roster a page of about this many
# people at a time (a check-in desk works by name: 1 000 people and their 4 000 buttons made a page of
# 1.4 MB, slow on a facilitator's phone); the counts, the quorum and the summary still cover everyone.
ROSTER_PAGE_SIZE = 100


def attendance_filter(params) -> dict:
    """The attendance table's filter and page, from the address (a GET form: it works without
    JavaScript)."""
    name = " ".join(params.get("nom", "").split())[:100]
    status = params.get("presence", "")
    if status not in {value for value, _label in FILTER_STATUSES}:
        status = ""
    try:
        page = max(int(params.get("page", "")), 1)
    except ValueError:
        page = 1
    return {"name": name, "status": status, "statuses": FILTER_STATUSES, "active": bool(name or status),
            "page": page}


def roster_page_breaks(seats: list[Seat], size: int) -> list[int]:
    """Where each page of the roster begins (indexes in ``seats``): pages of at most ``size`` people
    in the roster's order, a member's people never split (a member with more, or none, fills a page
    or counts one)."""
    starts, people = [0], 0
    for index, seat in enumerate(seats):
        weight = max(len(seat.people), 1)
        if people and people + weight > size:
            starts.append(index)
            people = 0
        people += weight
    return starts


def roster_page(shown: list[Seat], filters: dict, *, total: int, current_pk=None,
                size: int | None = None) -> tuple[list[Seat], dict | None]:
    """The members of the page asked for (all of ``shown`` when the roster has ``size`` people or
    fewer: then nothing changes), and what the page says of itself: which people it shows of how
    many, the addresses of the pages before and after and how many people each shows."""
    size = size or ROSTER_PAGE_SIZE
    if total <= size:
        return shown, None
    starts = roster_page_breaks(shown, size)
    number = min(filters["page"], len(starts))
    ends = [*starts[1:], len(shown)]
    people = [sum(len(seat.people) for seat in shown[start:end]) for start, end in zip(starts, ends, strict=True)]
    first = sum(people[:number - 1])
    kept = {"point": current_pk or "", "nom": filters["name"], "presence": filters["status"]}

    def query(page: int) -> str:
        return "?" + urlencode({key: value for key, value in {**kept, "page": page}.items()
                                if value and not (key == "page" and value == 1)})

    return shown[starts[number - 1]:ends[number - 1]], {
        "number": number, "pages": len(starts), "people": people[number - 1], "total": total,
        "matching": sum(people), "first": first + 1, "last": first + people[number - 1],
        "previous": query(number - 1) if number > 1 else "",
        "previous_people": people[number - 2] if number > 1 else 0,
        "next": query(number + 1) if number < len(starts) else "",
        "next_people": people[number] if number < len(starts) else 0,
        "here": query(number),  # carried through the attendance form, back to this page
    }


def item_url(name: str, meeting: Meeting, item) -> str:
    return reverse(f"meetings:{name}", kwargs={"territory": meeting.space.territory.slug,
                                               "space": meeting.space.slug, "pk": meeting.pk, "item": item.pk})


def live_items(meeting: Meeting) -> list[AgendaItem]:
    """The meeting's accepted items, numbered, with what the page shows of each: their proposal and
    its recusals, presenter, organization and conflicts (three queries)."""
    items = live_items_read(meeting.pk)  # written out: agenda_loading.py
    for number, item in enumerate(items, start=1):
        item.number = number
        item.meeting = meeting
    return items


def _current_item_context(meeting: Meeting, items: list, current, *, quorum: MeetingQuorum, seats, charter,
                          bound: dict) -> dict:
    """The current item: its neighbours, its quorum (without those who stepped out of its vote), its
    proposal and decision, its follow-ups and forms."""
    index = items.index(current) if current else 0
    item_quorum = quorum
    if current is not None and item_excluded_keys(current):
        item_quorum = quorum_for_meeting(meeting, item=current, seats=seats, charter=charter,
                                         college_names=quorum.college_names)
    follow_ups = meeting_follow_ups_read(meeting.pk)  # with person and organization, by id
    proposal = current.proposal if current else None
    notes_form = bound.get("notes")
    if current is not None and notes_form is None:
        notes_form = NotesForm(prefix="notes", initial={"notes": current.notes, "dissent": current.dissent},
                               autosave_url=item_url("item_notes", meeting, current),
                               status_id=f"notes-etat-{current.pk}")
    return {
        "item_quorum": item_quorum, "items": items, "current": current,
        "previous": items[index - 1] if current and index > 0 else None,
        "next": items[index + 1] if current and index + 1 < len(items) else None,
        "proposal": proposal,
        "description_html": render_markdown(current.description) if current and current.description else "",
        "explanation": explain(proposal, quorum.college_names) if proposal and proposal.result else "",
        "decision_item": current is not None and (current.kind == AgendaItem.Kind.DECISION
                                                  or current.proposal_id is not None),
        "follow_ups": [follow_up for follow_up in follow_ups if current and follow_up.item_id == current.pk],
        "follow_up_total": len(follow_ups),
        "notes_form": notes_form,
        **forms_for(current, who_list(meeting, seats), bound=bound),
    }


def live_context(meeting: Meeting, filters: dict, *, current_pk=None, bound: dict | None = None) -> dict:
    """Everything the live page shows, in a number of queries that does not grow with the members.
    ``filters``: the attendance table's (``attendance_filter``); ``bound``: forms of a refused POST."""
    space = meeting.space
    charter = charter_in_force(space)
    seats = roster(meeting)
    quorum = quorum_for_meeting(meeting, seats=seats, charter=charter)
    items = live_items(meeting)
    current = next((item for item in items if item.pk == current_pk), items[0] if items else None)
    reviews_follow_ups = current is not None and current is followups.follow_ups_item(items)
    shown = filter_seats(seats, name=filters["name"], status=filters["status"]) if filters["active"] else seats
    counts = attendance_counts(seats)
    page_seats, paging = roster_page(shown, filters, total=counts["total"], current_pk=current.pk if current else None)
    can_take_attendance = meeting.status in LIVE_STATES
    return {
        "territory": space.territory, "space": space, "meeting": meeting, "charter": charter,
        "seats": seats, "quorum": quorum,
        **_current_item_context(meeting, items, current, quorum=quorum, seats=seats, charter=charter,
                                bound=bound or {}),
        "roster_html": RosterRows(meeting, quorum, can_take_attendance=can_take_attendance).render(page_seats),
        "live": meeting.status == Meeting.Status.IN_PROGRESS,
        "can_take_attendance": can_take_attendance,
        "counts": counts, "filters": filters, "shown_total": len(shown), "paging": paging,
        "yes_waiting": len(answered_yes_not_noted(meeting, seats)) if can_take_attendance else 0,
        "opens_early": meeting.status == Meeting.Status.CONVENED and opens_before_its_day(meeting),
        "reviews_follow_ups": reviews_follow_ups,
        "rolled": followups.review_rows(meeting) if reviews_follow_ups else [],
        "can_review": meeting.status in followups.REVIEWABLE,
        "outcomes": FollowUpReview.Outcome.choices,
    }


def quorum_context(meeting: Meeting, *, with_counts: bool = False) -> dict:
    """The quorum banner (and, ``with_counts``, the attendance table's counts that refresh with it)."""
    seats = roster(meeting)
    context = {"meeting": meeting, "territory": meeting.space.territory, "space": meeting.space,
               "quorum": quorum_for_meeting(meeting, seats=seats)}
    if with_counts:
        context.update(oob=True, counts=attendance_counts(seats))
    return context


def seat_fragment(meeting: Meeting, seat_key: str, *, error: str = "") -> tuple[str, dict] | None:
    """After an attendance button: the member's rows and the quorum banner's context (None when the
    key is no member's: nothing to swap)."""
    seats = roster(meeting)
    quorum = quorum_for_meeting(meeting, seats=seats)
    seat = next((seat for seat in seats if seat.key == seat_key), None)
    if seat is None:
        return None
    context = {"meeting": meeting, "territory": meeting.space.territory, "space": meeting.space,
               "quorum": quorum, "oob": True, "counts": attendance_counts(seats)}
    return RosterRows(meeting, quorum, can_take_attendance=True).seat(seat, error=error), context


def attendance_sheet_context(meeting: Meeting) -> dict:
    """The attendance sheet to print: members by organization, their people, who votes."""
    seats = roster(meeting)
    charter = charter_in_force(meeting.space)
    quorum_for_meeting(meeting, seats=seats, charter=charter)  # marks the members who vote
    return {"meeting": meeting, "space": meeting.space, "territory": meeting.space.territory,
            "seats": seats, "kind_labels": KIND_LABELS, "charter": charter,
            "starts_at": timezone.localtime(meeting.starts_at), "blank_rows": range(6)}
