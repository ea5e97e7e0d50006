"""The rows of a space's meetings list (``meeting_list.html``), written here rather than by a partial.

Each row included ``meeting.html#status`` and ``meeting.html#when``: the template engine spent about
0.2 ms a row on the includes, lookups and tags, and the assembly lists about fifty meetings (those
to come and a page of past ones). Here the rows are read as values, every label (status, kind, « En
ligne ») is translated once per page, each value escaped as it is written, and the markup is the one
the ``row`` partial wrote, byte for byte (tests/meetings/test_list_rows.py keeps its output for rows
with every case).
"""

from __future__ import annotations

from html import escape

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from concertation.core import formatting

from .models import Meeting

#: what a row reads of each meeting
FIELDS = ("pk", "title", "status", "kind", "starts_at", "ends_at", "room", "address", "online_url")

Status = Meeting.Status
# The badge's colour, as ``meeting.html#status`` chooses it.
_BADGE = {Status.CONVENED: " badge-ok", Status.MINUTES_ADOPTED: " badge-ok", Status.IN_PROGRESS: " badge-warn",
          Status.CANCELLED: " badge-danger"}


def _when(starts_at, ends_at) -> str:
    """« {{ starts_at|day_and_hours:ends_at }} » of the local times (the filter's quiet failure too).
    Each time is made local once, then given without its zone: the formatting functions would
    otherwise make it local again for each of its parts (seven times a row)."""
    try:
        return formatting.day_and_hours(timezone.localtime(starts_at).replace(tzinfo=None),
                                        timezone.localtime(ends_at).replace(tzinfo=None))
    except (TypeError, ValueError, AttributeError, ArithmeticError):
        return ""


def meeting_rows(meetings, *, territory: str, space: str) -> list[SafeString]:
    """The ``<li>`` of each meeting (a dict of ``FIELDS``) of the space ``territory``/``space``, as the
    ``row`` partial of ``meeting_list.html`` wrote it."""
    if not meetings:
        return []
    # The meeting's address from one reversed URL (…/rencontres/<pk>/).
    sample = reverse("meetings:meeting", kwargs={"territory": territory, "space": space, "pk": 1})
    head, tail = sample.rsplit("/1/", 1)
    head, tail = escape(head + "/"), escape("/" + tail)
    statuses = {value: escape(str(label)) for value, label in Status.choices}
    kinds = {value: escape(str(label)) for value, label in Meeting.Kind.choices}
    online = _("En ligne")  # a translated literal of the template: not escaped there either
    online = f" · {online}"
    rows = []
    for meeting in meetings:
        status, kind = meeting["status"], meeting["kind"]
        room, address = meeting["room"], meeting["address"]
        if room or address:
            place = f" · {escape(room or address)}"
        else:
            place = online if meeting["online_url"] else ""
        rows.append(mark_safe(  # noqa: S308 — every value escaped as it is written
            f'\n<li class="card">\n  <h3><a href="{head}{meeting["pk"]}{tail}">{escape(meeting["title"])}</a></h3>\n'
            f'  <p><span class="badge{_BADGE.get(status, "")}">{statuses.get(status) or escape(str(status))}</span>'
            f' <span class="badge">{kinds.get(kind) or escape(str(kind))}</span></p>\n'
            f'  <p>{escape(_when(meeting["starts_at"], meeting["ends_at"]))}{place}</p>\n</li>\n'))
    return rows
