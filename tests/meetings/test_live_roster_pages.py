"""A long roster on the live page (issue 20): past ``ROSTER_PAGE_SIZE`` people, one page of about that
many people at a time, filtered by name, with links to the pages before and after; the counts, the
quorum and the summary still cover everyone; marking attendance comes back to the same page."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from concertation.meetings.attendance import roster
from concertation.meetings.models import Attendance
from concertation.meetings.pages import live as live_page

from .test_live import HTMX, Room

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"
PAGE = 4  # people a page in these tests (each organization has two, a citizen one)


def seat_ids(html: str) -> list[str]:
    return re.findall(r'<tbody id="membre-([ou]-\d+)"', html)


def pages_of(room) -> list[list[str]]:
    """The members of each page, in the roster's order, as the page should cut them."""
    seats = roster(room.meeting)
    starts = live_page.roster_page_breaks(seats, PAGE)
    ends = [*starts[1:], len(seats)]
    return [[seat.dom_id for seat in seats[start:end]] for start, end in zip(starts, ends, strict=True)]


@pytest.fixture
def paged(monkeypatch):
    monkeypatch.setattr(live_page, "ROSTER_PAGE_SIZE", PAGE)
    room = Room(organizations=4, citizens=2)  # 10 people
    room.open()
    return room


def test_a_roster_under_the_threshold_shows_everyone_without_pages(client):
    room = Room(organizations=4, citizens=2)
    room.open()
    client.force_login(room.secretary)
    html = client.get(room.url("live")).content.decode()
    assert len(seat_ids(html)) == 6
    assert 'id="presences-resultat"' not in html and "page=2" not in html
    assert '<form id="presences-formulaire" method="post" action="' + room.url("attendance") + '">' in html


def test_past_the_threshold_the_roster_shows_one_page_and_says_how_many_people(paged, client):
    client.force_login(paged.secretary)
    expected = pages_of(paged)
    assert len(expected) == 3 and all(expected)
    html = client.get(paged.url("live")).content.decode()
    assert seat_ids(html) == expected[0]
    shown = 4
    assert f'<p id="presences-resultat" role="status" aria-live="polite">\nPersonnes 1 à {shown} sur 10 en tout.' in html
    assert 'aria-label="Pages de la liste des présences"' in html and "Page 1 sur 3" in html
    assert "précédente" not in html
    # The link to the next page works without JavaScript, and with htmx swaps the list alone.
    link = re.search(r'<a id="presences-suivants"[^>]* href="([^"]+)"[^>]*hx-get="([^"]+)"[^>]*>([^<]+)</a>', html)
    assert link is not None
    href, hx_get, label = link.groups()
    assert href.startswith("?") and "page=2" in href and href.endswith("#presences")
    assert hx_get.startswith(paged.url("live")) and 'hx-target="#presences-liste"' in link.group(0)
    assert label == "Afficher les 4 personnes suivantes"
    page2 = client.get(paged.url("live") + href.replace("&amp;", "&").split("#")[0]).content.decode()
    assert seat_ids(page2) == expected[1]
    assert "Personnes 5 à 8 sur 10 en tout." in page2 and "Page 2 sur 3" in page2
    assert "Afficher les 4 personnes précédentes" in page2 and "Afficher les 2 personnes suivantes" in page2
    last = client.get(paged.url("live") + "?page=3").content.decode()
    assert seat_ids(last) == expected[2] and "Personnes 9 à 10 sur 10 en tout." in last
    assert 'id="presences-suivants"' not in last
    # A page past the last, or not a number: the last page, the first.
    assert seat_ids(client.get(paged.url("live") + "?page=99").content.decode()) == expected[2]
    assert seat_ids(client.get(paged.url("live") + "?page=x").content.decode()) == expected[0]


def test_with_htmx_a_page_is_the_list_alone_and_its_count_out_of_band(paged, client):
    client.force_login(paged.secretary)
    response = client.get(paged.url("live") + "?page=2", HTTP_HX_TARGET="presences-liste", **HTMX)
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<div id="presences-liste">') and "<html" not in fragment
    assert seat_ids(fragment) == pages_of(paged)[1]
    assert '<template><div id="presences-resultat" hx-swap-oob="innerHTML">' in fragment
    assert "Personnes 5 à 8 sur 10 en tout." in fragment


def test_the_filter_by_name_works_on_a_paged_roster(paged, client):
    client.force_login(paged.secretary)
    html = client.get(paged.url("live") + "?nom=organisme 02").content.decode()
    assert seat_ids(html) == [f"o-{paged.organizations[2].pk}"]
    assert "Personnes 1 à 2 sur 2 qui correspondent au filtre (10 en tout)." in html
    assert 'id="presences-suivants"' not in html
    html = client.get(paged.url("live") + "?nom=Citoyenne 1").content.decode()
    assert seat_ids(html) == [f"u-{paged.citizens[1].pk}"]
    assert "Personne 1 à 1 sur 1 qui correspond au filtre (10 en tout)." in html
    html = client.get(paged.url("live") + "?nom=personne inconnue").content.decode()
    assert seat_ids(html) == [] and "Aucune personne ne correspond à ce filtre, sur 10 en tout." in html
    # A filter that matches more than a page keeps its pages, the filter in the links.
    html = client.get(paged.url("live") + "?nom=organisme").content.decode()
    assert len(seat_ids(html)) == 2 and "Personnes 1 à 4 sur 8 qui correspondent au filtre (10 en tout)." in html
    href = re.search(r'id="presences-suivants"[^>]* href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(href).query)["nom"] == ["organisme"]


def test_marking_attendance_comes_back_to_the_same_filter_and_page(paged, client):
    client.force_login(paged.secretary)
    html = client.get(paged.url("live") + "?nom=organisme&page=2").content.decode()
    action = re.search(r'<form id="presences-formulaire" method="post" action="([^"]+)"', html).group(1)
    action = action.replace("&amp;", "&")
    assert action.startswith(paged.url("attendance") + "?")
    person = paged.delegates[3]
    response = client.post(action, {"presence": f"{person.pk}:{paged.organizations[3].pk}:present"})
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == paged.url("live") and location.fragment == "presences"
    query = parse_qs(location.query)
    assert query["nom"] == ["organisme"] and query["page"] == ["2"] and "point" in query
    assert Attendance.objects.get(meeting=paged.meeting, person=person).status == "present"
    # Without a page or filter in the form's address, back to the table as before.
    response = client.post(paged.url("attendance"), {"presence": f"{paged.citizens[0].pk}::late"})
    assert response["Location"] == paged.url("live") + "#presences"


def test_counts_quorum_and_summary_still_cover_everyone(paged, client):
    client.force_login(paged.secretary)
    kind, pk = pages_of(paged)[2][0].split("-")  # someone shown on the last page only
    if kind == "o":
        on_last = next(delegate for delegate, organization in zip(paged.delegates, paged.organizations, strict=True)
                       if organization.pk == int(pk))
    else:
        on_last = next(citizen for citizen in paged.citizens if citizen.pk == int(pk))
    paged.attend(on_last)
    paged.attend(paged.alternates[0], status=Attendance.Status.EXCUSED)
    html = client.get(paged.url("live")).content.decode()  # the first page
    assert f"Présence{NBSP}: <strong>1</strong>" in html
    assert f"Absence motivée{NBSP}: <strong>1</strong>" in html
    assert f"Pas encore notée{NBSP}: <strong>8</strong>" in html
    assert "sur 10 en tout" in html


@pytest.mark.parametrize("size", [5, 40])
def test_the_paged_live_page_costs_the_same_queries_at_any_size(client, monkeypatch, size):
    monkeypatch.setattr(live_page, "ROSTER_PAGE_SIZE", PAGE)
    counts = []
    for organizations in (size, size * 3):
        room = Room(organizations=organizations, citizens=2)
        room.open()
        for person in room.delegates[::2]:
            room.attend(person)
        client.force_login(room.secretary)
        client.get(room.url("live") + "?page=2")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(room.url("live") + "?page=2&nom=organisme")
        assert response.status_code == 200 and len(seat_ids(response.content.decode())) == 2
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 15
