"""Calendar feeds (.ics): per space (public spaces: anyone) and per person through a secret,
revocable address; one meeting to download. Every feed parses back with icalendar."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.utils import timezone

from concertation.meetings.models import CalendarToken, Meeting
from concertation.meetings.services import agenda as services

pytestmark = pytest.mark.django_db

MONTREAL = ZoneInfo("America/Montreal")
T = "/t/pointe-test/e"


def at(days: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(timezone.localdate() + timedelta(days=days), time(hour, minute), tzinfo=MONTREAL)


def make(world, space, title, *, days=7, convene=True) -> Meeting:
    meeting = services.meeting_create(space=space, by=world.coordinator, title=title, starts_at=at(days, 18, 30),
                                      ends_at=at(days, 20, 30), room="Salle 1", address="1000, rue des Hérons")
    if convene:
        services.meeting_convene(meeting=meeting, by=world.coordinator, base_url="https://x.example")
    return meeting


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def events(calendar) -> dict[str, icalendar.Event]:
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


# The space feed ---------------------------------------------------------------------------------

def test_a_public_space_feed_is_valid_and_open_to_anyone(world, client):
    convened = make(world, world.assembly, "Assemblée d'automne")
    make(world, world.assembly, "Brouillon", convene=False)
    cancelled = make(world, world.assembly, "Annulée", days=14)
    services.meeting_cancel(meeting=cancelled, by=world.coordinator)
    make(world, world.committee, "Comité")
    calendar = parse(client.get(f"{T}/assemblee/rencontres/calendrier.ics"))
    assert str(calendar["method"]) == "PUBLISH" and str(calendar["version"]) == "2.0"
    assert str(calendar["x-wr-calname"]) == "Assemblée — Pointe-Test"
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "America/Montreal"
    found = events(calendar)
    assert set(found) == {"Assemblée d'automne", "Annulée"}  # no draft, no other space
    event = found["Assemblée d'automne"]
    assert str(event["uid"]) == convened.uid and str(event["status"]) == "CONFIRMED"
    assert event["dtstart"].params["TZID"] == "America/Montreal"
    assert event.decoded("dtstart") == at(7, 18, 30) and event.decoded("dtend") == at(7, 20, 30)
    assert str(event["location"]) == "Salle 1, 1000, rue des Hérons"
    cancelled_event = found["Annulée"]
    assert str(cancelled_event["status"]) == "CANCELLED" and int(cancelled_event["sequence"]) == 1


def test_a_members_only_space_feed_is_not_public(world, client_for):
    make(world, world.committee, "Comité")
    assert client_for(None).get(f"{T}/comite/rencontres/calendrier.ics").status_code == 302  # to sign in
    assert client_for(world.outsider).get(f"{T}/comite/rencontres/calendrier.ics").status_code == 404
    # A member who may see the space may download it once; calendar apps use the personal feed.
    assert "Comité" in events(parse(client_for(world.delegate).get(f"{T}/comite/rencontres/calendrier.ics")))


def test_one_meeting_downloads_as_ics(world, client):
    meeting = make(world, world.assembly, "Assemblée d'automne")
    response = client.get(f"{T}/assemblee/rencontres/{meeting.pk}/reunion.ics")
    assert response["Content-Disposition"].startswith("attachment;")
    event = events(parse(response))["Assemblée d'automne"]
    assert str(event["uid"]) == meeting.uid
    assert "Accueil et mot de bienvenue" in str(event["description"])


def test_a_draft_cannot_be_downloaded_by_members(world, client_for):
    meeting = make(world, world.assembly, "Brouillon", convene=False)
    assert client_for(world.delegate).get(f"{T}/assemblee/rencontres/{meeting.pk}/reunion.ics").status_code == 404


# The personal feed ------------------------------------------------------------------------------

def test_the_personal_feed_lists_the_meetings_of_the_persons_spaces(world, client):
    make(world, world.assembly, "Assemblée d'automne")
    make(world, world.committee, "Comité de coordination")
    make(world, world.group, "Chantier logement")  # the delegate does not sit there
    make(world, world.other_space, "Ailleurs")
    client.force_login(world.delegate)
    assert client.get("/moi/calendrier/").status_code == 200
    client.post("/moi/calendrier/", {"action": "create"})
    token = CalendarToken.objects.get(person=world.delegate).token
    page = client.get("/moi/calendrier/").content.decode()
    assert f"/moi/calendrier/{token}.ics" in page and "webcal://" in page
    client.logout()  # calendar applications do not sign in: the address is the credential
    response = client.get(f"/moi/calendrier/{token}.ics")
    assert response["X-Robots-Tag"] == "noindex"
    assert set(events(parse(response))) == {"Assemblée d'automne", "Comité de coordination"}


def test_the_personal_feed_is_in_the_persons_language(world, client):
    world.delegate.preferred_language = "en"
    world.delegate.save()
    make(world, world.assembly, "Assemblée d'automne")
    token = CalendarToken.objects.create(person=world.delegate).token
    calendar = parse(client.get(f"/moi/calendrier/{token}.ics"))
    assert str(calendar["x-wr-calname"]) in {"My meetings — Concertation", "Mes rencontres — Concertation"}


def test_a_regenerated_or_revoked_address_answers_404(world, client):
    make(world, world.assembly, "Assemblée d'automne")
    client.force_login(world.citizen)
    client.post("/moi/calendrier/", {"action": "create"})
    first = CalendarToken.objects.get(person=world.citizen).token
    assert client.get(f"/moi/calendrier/{first}.ics").status_code == 200
    client.post("/moi/calendrier/", {"action": "regenerate"})
    second = CalendarToken.objects.get(person=world.citizen).token
    assert second != first
    assert client.get(f"/moi/calendrier/{first}.ics").status_code == 404
    assert client.get(f"/moi/calendrier/{second}.ics").status_code == 200
    client.post("/moi/calendrier/", {"action": "revoke"})
    assert not CalendarToken.objects.filter(person=world.citizen).exists()
    assert client.get(f"/moi/calendrier/{second}.ics").status_code == 404


def test_a_forged_token_and_an_inactive_person_answer_404(world, client):
    assert client.get("/moi/calendrier/nimporte-quoi.ics").status_code == 404
    token = CalendarToken.objects.create(person=world.citizen).token
    world.citizen.is_active = False
    world.citizen.save()
    assert client.get(f"/moi/calendrier/{token}.ics").status_code == 404


def test_the_settings_page_needs_a_signed_in_person(client):
    response = client.get("/moi/calendrier/")
    assert response.status_code == 302 and "/compte/" in response["Location"]


def test_feeds_have_a_bounded_query_count(world, client, django_assert_max_num_queries):
    token = CalendarToken.objects.create(person=world.delegate).token
    for n in range(30):
        make(world, world.assembly if n % 2 else world.committee, f"Rencontre {n}", days=n + 1)
    with django_assert_max_num_queries(10):
        assert len(parse(client.get(f"/moi/calendrier/{token}.ics")).walk("VEVENT")) == 30
    with django_assert_max_num_queries(10):
        assert len(parse(client.get(f"{T}/assemblee/rencontres/calendrier.ics")).walk("VEVENT")) == 15
