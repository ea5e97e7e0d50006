"""The rows of a space's meetings list written by meetings/list_rows.py: byte for byte what the
``row`` partial of meeting_list.html wrote (kept below), for every status and kind, each kind of place,
a title to escape, a meeting over two days, in French and English."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import timezone, translation

from concertation.meetings import list_rows
from concertation.meetings.models import Meeting

from .test_agenda import local, make_meeting

pytestmark = pytest.mark.django_db

# The partial as the list's template had it (its includes are still meeting.html's partials).
ROW_PARTIAL = """
<li class="card">
  <h3><a href="{% url 'meetings:meeting' territory=territory.slug space=space.slug pk=meeting.pk %}">{{ meeting.title }}</a></h3>
  <p>{% include "meetings/meeting.html#status" %} <span class="badge">{{ meeting.get_kind_display }}</span></p>
  <p>{% with starts_at=meeting.local_start ends_at=meeting.local_end %}{% include "meetings/meeting.html#when" %}{% endwith %}{% if meeting.room or meeting.address %} · {% if meeting.room %}{{ meeting.room }}{% else %}{{ meeting.address }}{% endif %}{% elif meeting.online_url %} · {% translate "En ligne" %}{% endif %}</p>
</li>
"""  # noqa: E501


def _template_rows(meetings, space) -> list[str]:
    template = engines["django"].from_string(ROW_PARTIAL)
    request = RequestFactory().get("/")
    rows = []
    for meeting in meetings:
        meeting.local_start = timezone.localtime(meeting.starts_at)
        meeting.local_end = timezone.localtime(meeting.ends_at)
        rows.append(template.render({"meeting": meeting, "space": space, "territory": space.territory}, request))
    return rows


def test_rows_are_those_the_partial_wrote(world):
    places = [{"room": "Salle 2", "address": "12, rue des Érables"}, {"room": "", "address": "Centre <Hochelaga> & co"},
              {"room": "Local \"B\"", "address": ""}, {"online_url": "https://visio.example/abc"},
              {"room": "", "address": "", "online_url": ""}]
    meetings = []
    for n, (status, kind) in enumerate(zip(Meeting.Status.values * 2, Meeting.Kind.values * 3, strict=False)):
        meeting = make_meeting(world, title=f"Rencontre {n} <d'automne> & «{n}»", kind=kind, **places[n % len(places)])
        Meeting.objects.filter(pk=meeting.pk).update(status=status)
        meetings.append(meeting)
    two_days = make_meeting(world, title="Retraite")
    Meeting.objects.filter(pk=two_days.pk).update(starts_at=local(3, 9), ends_at=local(4, 12) + timedelta(minutes=15))
    meetings.append(two_days)
    ordered = list(Meeting.objects.filter(pk__in=[m.pk for m in meetings]).order_by("pk"))
    values = list(Meeting.objects.filter(pk__in=[m.pk for m in meetings]).order_by("pk").values(*list_rows.FIELDS))
    space = world.assembly
    for language in ("fr-ca", "en"):
        with translation.override(language):
            written = list_rows.meeting_rows(values, territory=space.territory.slug, space=space.slug)
            assert written == _template_rows(ordered, space)
            if language == "fr-ca":  # every case met
                page = "".join(written)
                assert all(part in page for part in ("En ligne", "badge-danger", "badge-warn", "badge-ok", "&lt;Hochelaga&gt;",
                                                     "Salle 2", "Atelier", " au "))
    assert list_rows.meeting_rows([], territory=space.territory.slug, space=space.slug) == []


def test_the_written_reads_are_the_orm_forms_values(world):
    """``selectors.MeetingValues`` gives what ``upcoming_meetings`` and ``past_meetings`` give as values:
    the same meetings in the same order (ties of start broken by id), drafts only for those who run the
    space's meetings, pages of past ones as the Paginator cuts them."""
    from django.core.paginator import Paginator

    from concertation.meetings.selectors import (
        UPCOMING_LIMIT,
        MeetingValues,
        past_meetings,
        upcoming_meetings,
    )

    statuses = Meeting.Status.values
    for n in range(14):
        meeting = make_meeting(world, title=f"Rencontre {n}")
        shift = timedelta(days=(n % 7) * 9 - 30)  # some past, some to come, some starting together
        Meeting.objects.filter(pk=meeting.pk).update(starts_at=meeting.starts_at + shift, ends_at=meeting.ends_at + shift,
                                                     status=statuses[n % len(statuses)])
    now = timezone.now()
    for user in (world.coordinator, world.delegate):
        fields = list_rows.FIELDS
        upcoming = [{name: getattr(m, name) for name in fields} for m in upcoming_meetings(user, world.assembly, now)]
        assert MeetingValues(user, world.assembly, now, fields, upcoming=True)[0:UPCOMING_LIMIT] == upcoming
        written = Paginator(MeetingValues(user, world.assembly, now, fields, upcoming=False), 3)
        orm = Paginator(past_meetings(user, world.assembly, now).values(*fields), 3)
        assert written.count == orm.count > 3
        for number in (1, 2, written.num_pages, 99):
            assert list(written.get_page(number).object_list) == list(orm.get_page(number).object_list)
    drafts = [m["pk"] for m in MeetingValues(world.delegate, world.assembly, now, ("pk", "status"), upcoming=True)[0:50]
              if m["status"] == Meeting.Status.DRAFT]
    assert drafts == []
