"""The « who » of the live page's forms past ``WhoList.SEARCH_MIN`` names: the page does not hold the
names, each field asks the names endpoint for those that match what is typed (those who run the
meeting only; at most ``SEARCH_LIMIT``, escaped); a refused form comes back with the matching names in
the list (without JavaScript). Under the threshold, the page holds the whole list as before."""

import re

import pytest

from concertation.meetings.live_forms import WhoList
from concertation.meetings.models import ConflictDeclaration, FollowUp
from tests.factories import UserFactory

from .test_live import Room

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def room(monkeypatch):
    # The room has 3 organizations, 6 delegates and alternates and a citizen: 10 names.
    monkeypatch.setattr(WhoList, "SELECT_MAX", 3)
    monkeypatch.setattr(WhoList, "SEARCH_MIN", 5)
    room = Room()
    room.open()
    return room


def options(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<option value="([^"]*)">([^<]*)</option>', html)


def test_past_the_threshold_the_page_holds_an_empty_list_and_fields_that_search(room, client):
    client.force_login(room.secretary)
    html = client.get(room.url("live") + f"?point={room.item.pk}").content.decode()
    assert '<datalist id="qui-liste"></datalist>' in html
    search = room.url("live_names")
    assert html.count(f'hx-get="{search}"') == 3 and html.count('list="qui-liste"') == 3
    assert 'hx-target="#qui-liste"' in html


def test_the_names_that_match_accents_and_case_ignored_those_that_begin_with_it_first(room, client):
    client.force_login(room.secretary)
    response = client.get(room.url("live_names"), {"conflit-who": "deleguee"}, **HTMX)
    assert response.status_code == 200
    assert options(response.content.decode()) == [("Déléguée 0", "personne"), ("Déléguée 1", "personne"),
                                                  ("Déléguée 2", "personne")]
    found = options(client.get(room.url("live_names"), {"conflit-who": "0"}).content.decode())
    assert ("Organisme 00", "organisme") in found and ("Substitut 0", "personne") in found
    assert options(client.get(room.url("live_names"), {"conflit-who": "  "}).content.decode()) == []


def test_each_field_gets_the_kind_of_names_it_takes(room, client):
    client.force_login(room.secretary)
    people = options(client.get(room.url("live_names"), {"suivi-person": "1"}).content.decode())
    organizations = options(client.get(room.url("live_names"), {"suivi-organization": "1"}).content.decode())
    assert people and {kind for _name, kind in people} == {"personne"}
    assert organizations == [("Organisme 01", "organisme")]


def test_the_names_are_limited_and_escaped(room, client, monkeypatch):
    monkeypatch.setattr(WhoList, "SEARCH_LIMIT", 2)
    room.delegates[0].display_name = 'Zoé <b>"Tremblay"</b>'
    room.delegates[0].save()
    client.force_login(room.secretary)
    assert len(options(client.get(room.url("live_names"), {"q": "e"}).content.decode())) == 2
    html = client.get(room.url("live_names"), {"q": "tremblay"}).content.decode()
    assert html == '<option value="Zoé &lt;b&gt;&quot;Tremblay&quot;&lt;/b&gt;">personne</option>'


def test_only_those_who_run_the_meeting_get_the_names(room, client):
    url = room.url("live_names") + "?q=org"
    response = client.get(url)
    assert response.status_code == 302 and "/compte/login/" in response["Location"]
    client.force_login(UserFactory())  # a stranger
    assert client.get(url).status_code == 404
    client.force_login(room.delegates[0])  # a member who does not run it
    assert client.get(url).status_code == 404
    client.force_login(room.facilitator)
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 405


def test_names_picked_from_the_search_are_recorded(room, client):
    client.force_login(room.secretary)
    response = client.post(room.url("conflict", room.item), {"conflit-who": "organisme 01"})
    assert response.status_code == 302
    assert ConflictDeclaration.objects.filter(item=room.item, organization=room.organizations[1]).exists()
    response = client.post(room.url("follow_up_add", room.item), {
        "suivi-what": "Écrire au CLSC", "suivi-person": "Substitut 2", "suivi-organization": "Organisme 02"})
    assert response.status_code == 302
    assert FollowUp.objects.filter(person=room.alternates[2], organization=room.organizations[2]).exists()


def test_without_javascript_a_refused_form_comes_back_with_the_matching_names_in_the_list(room, client):
    client.force_login(room.secretary)
    response = client.post(room.url("follow_up_add", room.item), {
        "suivi-what": "Autre chose", "suivi-person": "substit", "suivi-organization": "Organisme 9"})
    html = response.content.decode()
    assert response.status_code == 200 and "Choisissez une personne de la liste." in html
    assert 'value="substit"' in html  # nothing typed is lost
    listed = options(html.split('<datalist id="qui-liste">')[1].split("</datalist>")[0])
    assert listed == [("Substitut 0", "personne"), ("Substitut 1", "personne"), ("Substitut 2", "personne")]


def test_under_the_threshold_the_page_holds_the_whole_list(room, client, monkeypatch):
    monkeypatch.setattr(WhoList, "SEARCH_MIN", 10)
    client.force_login(room.secretary)
    html = client.get(room.url("live") + f"?point={room.item.pk}").content.decode()
    assert "hx-get=\"" + room.url("live_names") not in html
    listed = options(html.split('<datalist id="qui-liste">')[1].split("</datalist>")[0])
    assert len(listed) == 10 and ("Organisme 00", "organisme") in listed
