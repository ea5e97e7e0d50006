"""The notice: one e-mail per member in their language, with the agenda, the logistics, an .ics that
calendars read (times in America/Montreal) and answer links; updates and cancellations; sent by
the worker after commit, once (through the notifications layer: the events meetings.convened,
meetings.changed and meetings.cancelled); the notice in PDF."""

from __future__ import annotations

import email
import io
import re
import socket
from datetime import date, datetime, time, timedelta
from email import policy
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from concertation.meetings import events
from concertation.meetings.models import Meeting, Rsvp
from concertation.meetings.services import agenda as services
from concertation.notifications.delivery import deliver, retry_due
from concertation.notifications.models import Delivery, Notification
from tests.factories import DelegationFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://concertation.example.org"
IMMEDIATE_TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "email"]}
}
MONTREAL = ZoneInfo("America/Montreal")
NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def immediate(settings):
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture
def english():
    """Kept for readability of the tests that need English: the compiled catalog is complete."""
    yield


def next_october_7() -> datetime:
    """The next Tuesday 7 October, 18:30 in Montreal: daylight saving time (UTC-4)."""
    year = timezone.localdate().year + 1
    while date(year, 10, 7).weekday() != 1:
        year += 1
    return datetime.combine(date(year, 10, 7), time(18, 30), tzinfo=MONTREAL)


def make_meeting(world, **fields) -> Meeting:
    starts = next_october_7()
    values = {
        "address": "1000, rue des Hérons", "room": "Salle communautaire", "accessibility": "Ascenseur, toilettes adaptées",
        "childcare": True, "transit_tickets": True, "interpretation": True, "interpretation_languages": "anglais, espagnol",
        "meal": "Collation santé", "online_url": "https://meet.example.org/tqpah", "facilitator": world.coordinator,
        **fields,
    }
    meeting = services.meeting_create(space=world.assembly, by=world.coordinator, title="Comité de coordination",
                                      starts_at=starts, ends_at=starts + timedelta(hours=2), **values)
    item = services.item_add(meeting=meeting, by=world.coordinator, title="Partage de l'enveloppe de 120 000 $",
                             kind="decision", minutes_allotted=30, presenter_organization=world.org,
                             expected_outcome="Une décision")
    services.item_document_add(item=item, by=world.coordinator, title="Scénarios de partage",
                               url="https://docs.example.org/scenarios.pdf")
    return meeting


def convene(world, capture, **fields) -> Meeting:
    meeting = make_meeting(world, **fields)
    with capture(execute=True):
        services.meeting_convene(meeting=meeting, by=world.coordinator, base_url=SITE)
    return meeting


def run_worker(monkeypatch):
    """The database worker, in batch mode. It closes "old" connections between tasks: inside the
    test's transaction that would close the test's own connection on PostgreSQL."""
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    call_command("db_worker", batch=True, queue_name="*", startup_delay=False, reload=False, verbosity=0)


def message_to(address):
    return next(message for message in mail.outbox if message.to == [address])


def calendar_of(message) -> icalendar.Calendar:
    parts = [part for part in message.attachments if getattr(part, "get_content_type", None)
             and part.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return icalendar.Calendar.from_ical(parts[0].get_payload(decode=True))


def event_of(calendar) -> icalendar.Event:
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return events[0]


# The notice -------------------------------------------------------------------------------------

def test_each_member_receives_one_notice_with_the_agenda_and_the_logistics(
        world, immediate, django_capture_on_commit_callbacks):
    alternate = UserFactory(email="substitut@example.org", display_name="Sam Substitut")
    DelegationFactory(membership=world.org_in_assembly, person=alternate, kind="alternate")
    meeting = convene(world, django_capture_on_commit_callbacks)
    addresses = sorted(message.to[0] for message in mail.outbox)
    assert addresses == ["citoyenne@example.org", "coord@example.org", "delegue@example.org",
                         "observateur@example.org", "substitut@example.org"]
    message = message_to("delegue@example.org")
    year = meeting.starts_at.year
    assert message.subject.startswith("Convocation — Comité de coordination, mardi 7 octobre")
    assert message.extra_headers["Content-Language"] == "fr-ca"
    body = message.body
    assert f"Nous vous convoquons à la rencontre «{NBSP}Comité de coordination{NBSP}»" in body
    assert f"mardi 7 octobre {year}, de 18 h 30 à 20 h 30" in body.replace("\xa0", " ")
    assert "Salle communautaire, 1000, rue des Hérons" in body
    assert "Ascenseur, toilettes adaptées" in body and "Collation santé" in body
    assert "Halte-garderie offerte" in body and "Titres de transport offerts." in body
    assert "Interprétation offerte (anglais, espagnol)." in body
    assert "https://meet.example.org/tqpah" in body
    assert "Adoption de l'ordre du jour" in body and "Partage de l'enveloppe de 120 000 $" in body
    assert "https://docs.example.org/scenarios.pdf" in body
    rsvp = Rsvp.objects.get(meeting=meeting, person=world.delegate)
    for answer in ("yes", "no", "maybe"):
        assert f"{SITE}/t/pointe-test/e/assemblee/rencontres/reponse/{rsvp.token}/?answer={answer}" in body
    assert f"{SITE}/t/pointe-test/e/assemblee/rencontres/{meeting.pk}/" in body
    html = message.alternatives[0][0]
    assert '<html lang="fr-ca">' in html and "Partage de l&#x27;enveloppe de 120 000 $" in html


def test_the_ics_is_read_back_with_the_right_times_in_montreal(world, immediate, django_capture_on_commit_callbacks):
    meeting = convene(world, django_capture_on_commit_callbacks)
    calendar = calendar_of(message_to("delegue@example.org"))
    assert str(calendar["method"]) == "REQUEST"
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "America/Montreal"
    event = event_of(calendar)
    assert str(event["uid"]) == meeting.uid
    assert int(event["sequence"]) == 0
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert event["dtstart"].params["TZID"] == "America/Montreal"
    assert start == next_october_7() and start.utcoffset() == timedelta(hours=-4)
    assert (start.hour, start.minute, end.hour, end.minute) == (18, 30, 20, 30)
    assert start.astimezone(ZoneInfo("UTC")).hour == 22
    assert str(event["location"]) == "Salle communautaire, 1000, rue des Hérons"
    description = str(event["description"])
    assert "Partage de l'enveloppe de 120 000 $" in description and "18\u00a0h\u00a030 Accueil et mot de bienvenue" in description
    assert str(event["attendee"]) == "mailto:delegue@example.org"
    assert str(event["status"]) == "CONFIRMED"


def test_the_notice_is_in_english_for_a_person_who_reads_english(
        world, immediate, english, django_capture_on_commit_callbacks):
    world.citizen.preferred_language = "en"
    world.citizen.save()
    meeting = convene(world, django_capture_on_commit_callbacks)
    message = message_to("citoyenne@example.org")
    year = meeting.starts_at.year
    assert message.subject == f"Notice of meeting — Comité de coordination, Tuesday, October 7, {year}"
    assert message.extra_headers["Content-Language"] == "en"
    body = message.body
    assert "You are invited to the meeting “Comité de coordination” of “Assemblée”" in body
    assert f"When: Tuesday, October 7, {year}, 6:30 to 8:30\u00a0p.m." in body
    assert "Childcare provided" in body and "AGENDA" in body and "Adoption de l'ordre du jour" in body
    assert "Will you be there? Answer in one click:" in body
    assert "Yes: " in body and "Maybe: " in body
    assert '<html lang="en">' in message.alternatives[0][0]
    # The French members still read French.
    assert message_to("delegue@example.org").subject.startswith("Convocation — ")


def test_a_convened_meeting_that_moves_sends_an_update_with_a_higher_sequence(
        world, immediate, django_capture_on_commit_callbacks):
    meeting = convene(world, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(meeting=meeting, by=world.coordinator, base_url=SITE,
                                starts_at=meeting.starts_at + timedelta(days=1),
                                ends_at=meeting.ends_at + timedelta(days=1))
    assert len(mail.outbox) == 4
    message = message_to("delegue@example.org")
    assert message.subject.startswith("Convocation mise à jour — Comité de coordination, mercredi 8 octobre")
    assert "La convocation a changé." in message.body
    event = event_of(calendar_of(message))
    assert int(event["sequence"]) == 1 and str(event["uid"]) == meeting.uid
    assert event.decoded("dtstart").day == 8


def test_a_cancelled_meeting_sends_a_cancellation_that_removes_the_event(
        world, immediate, django_capture_on_commit_callbacks):
    meeting = convene(world, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=meeting, by=world.coordinator, reason="Tempête de neige", base_url=SITE)
    assert len(mail.outbox) == 4
    message = message_to("delegue@example.org")
    assert message.subject.startswith("Rencontre annulée — Comité de coordination")
    assert "est annulée" in message.body and "Tempête de neige" in message.body
    assert "answer=yes" not in message.body
    calendar = calendar_of(message)
    assert str(calendar["method"]) == "CANCEL"
    event = event_of(calendar)
    assert str(event["status"]) == "CANCELLED" and int(event["sequence"]) == 1 and str(event["uid"]) == meeting.uid


def notice_ids(meeting, event="meetings.convened") -> list[int]:
    return list(Notification.objects.filter(event=event, context__meeting_id=meeting.pk).values_list("pk", flat=True))


def test_a_retried_delivery_or_service_never_sends_twice(world, immediate, django_capture_on_commit_callbacks):
    meeting = convene(world, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 4
    assert deliver(notice_ids(meeting)) == 0  # the worker runs the same task again
    assert events.notify_notice(meeting, "notice") == 0  # the service is retried: same sequence
    assert len(mail.outbox) == 4
    assert Delivery.objects.filter(notification__in=notice_ids(meeting), sent_at__isnull=False).count() == 4


def test_a_failed_send_is_tried_again_later(world, settings, monkeypatch, django_capture_on_commit_callbacks):
    meeting = make_meeting(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_convene(meeting=meeting, by=world.coordinator, base_url=SITE)
    from django.core.mail import EmailMultiAlternatives

    original = EmailMultiAlternatives.send
    calls = []

    def flaky(self, *args, **kwargs):
        calls.append(self.to[0])
        if len(calls) == 2:
            raise ConnectionError("SMTP down")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", flaky)
    assert deliver(notice_ids(meeting)) == 3
    assert len(mail.outbox) == 3
    (failed,) = Delivery.objects.filter(sent_at__isnull=True)
    assert failed.attempts == 1 and "SMTP down" in failed.last_error
    monkeypatch.setattr(EmailMultiAlternatives, "send", original)
    assert retry_due(timezone.now() + timedelta(hours=1)) == 1
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        set(Rsvp.objects.filter(meeting=meeting).values_list("person__email", flat=True)))


def test_the_notice_waits_for_the_worker(world, monkeypatch, django_capture_on_commit_callbacks):
    meeting = make_meeting(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_convene(meeting=meeting, by=world.coordinator, base_url=SITE)
    assert mail.outbox == []  # never inside the request
    assert DBTaskResult.objects.get().queue_name == "email"
    run_worker(monkeypatch)
    assert len(mail.outbox) == 4


def test_a_meeting_cancelled_before_the_worker_ran_sends_only_the_cancellation(
        world, monkeypatch, django_capture_on_commit_callbacks):
    """A notice whose meeting was cancelled before the worker came to it is dropped at the last moment
    (the event's ``still_due``): people get the cancellation alone, never a notice then its end."""
    meeting = make_meeting(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_convene(meeting=meeting, by=world.coordinator, base_url=SITE)
        services.meeting_cancel(meeting=meeting, by=world.coordinator, base_url=SITE)
    run_worker(monkeypatch)
    assert not [message for message in mail.outbox if not message.subject.startswith("Rencontre annulée")]
    cancellation = [message for message in mail.outbox if message.subject.startswith("Rencontre annulée")]
    assert sorted(message.to[0] for message in cancellation) == sorted(
        set(Rsvp.objects.filter(meeting=meeting).values_list("person__email", flat=True)))
    assert str(calendar_of(cancellation[0])["method"]) == "CANCEL"
    dropped = Delivery.objects.filter(notification__event="meetings.convened")
    assert dropped.exists() and not dropped.filter(sent_at__isnull=False).exists()
    assert set(dropped.values_list("last_error", flat=True)) == {"no longer due"}


def test_an_update_made_before_the_worker_ran_replaces_the_notice(
        world, monkeypatch, django_capture_on_commit_callbacks):
    """Convened then moved before any e-mail left: each person gets the update alone (the latest
    SEQUENCE), not the outdated notice first."""
    meeting = make_meeting(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_convene(meeting=meeting, by=world.coordinator, base_url=SITE)
        meeting.refresh_from_db()
        services.meeting_update(meeting=meeting, by=world.coordinator, base_url=SITE,
                                starts_at=meeting.starts_at + timedelta(hours=1),
                                ends_at=meeting.ends_at + timedelta(hours=1))
    run_worker(monkeypatch)
    meeting.refresh_from_db()
    people = set(Rsvp.objects.filter(meeting=meeting).values_list("person__email", flat=True))
    assert sorted(message.to[0] for message in mail.outbox) == sorted(people)  # one e-mail each
    assert {int(event_of(calendar_of(message))["sequence"]) for message in mail.outbox} == {meeting.sequence}


# Answering --------------------------------------------------------------------------------------

def test_the_answer_link_works_without_signing_in(world, immediate, client, django_capture_on_commit_callbacks):
    meeting = convene(world, django_capture_on_commit_callbacks)
    link = re.search(r"https://\S+/reponse/\S+\?answer=maybe", message_to("delegue@example.org").body).group(0)
    path = link.removeprefix(SITE)
    page = client.get(path)
    html = page.content.decode()
    assert page.status_code == 200
    assert re.search(r'value="maybe"[^>]*checked', html)
    assert "Nombre d&#x27;enfants à faire garder" in html  # childcare is offered
    rsvp = Rsvp.objects.get(meeting=meeting, person=world.delegate)
    assert rsvp.answer == ""  # opening the link records nothing (link previews)
    response = client.post(path.split("?")[0], {"answer": "maybe", "childcare": 1, "diet": "Végétarien",
                                                "interpretation": "espagnol", "accessibility": ""})
    assert response.status_code == 200 and "Votre réponse est enregistrée" in response.content.decode()
    rsvp.refresh_from_db()
    assert (rsvp.answer, rsvp.childcare, rsvp.diet, rsvp.interpretation) == ("maybe", 1, "Végétarien", "espagnol")
    assert rsvp.answered_at is not None


def test_a_forged_or_misplaced_token_is_refused(world, immediate, client, django_capture_on_commit_callbacks):
    meeting = convene(world, django_capture_on_commit_callbacks)
    assert client.get("/t/pointe-test/e/assemblee/rencontres/reponse/pas-un-vrai-jeton/").status_code == 404
    assert client.post("/t/pointe-test/e/assemblee/rencontres/reponse/pas-un-vrai-jeton/",
                       {"answer": "yes"}).status_code == 404
    token = Rsvp.objects.filter(meeting=meeting).first().token
    assert client.get(f"/t/pointe-test/e/chantier/rencontres/reponse/{token}/").status_code == 404
    assert client.get(f"/t/pointe-test/e/assemblee/rencontres/reponse/{token}/").status_code == 200


def test_a_cancelled_meeting_no_longer_takes_answers(world, immediate, client, django_capture_on_commit_callbacks):
    meeting = convene(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=meeting, by=world.coordinator)
    token = Rsvp.objects.get(meeting=meeting, person=world.delegate).token
    response = client.post(f"/t/pointe-test/e/assemblee/rencontres/reponse/{token}/", {"answer": "yes"})
    assert "annulée" in response.content.decode()
    assert Rsvp.objects.get(meeting=meeting, person=world.delegate).answer == ""


# The notice in PDF ------------------------------------------------------------------------------

def test_the_notice_pdf_contains_the_agenda(world, client, django_capture_on_commit_callbacks):
    meeting = convene(world, django_capture_on_commit_callbacks)
    response = client.get(f"/t/pointe-test/e/assemblee/rencontres/{meeting.pk}/convocation.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = re.sub(r"\s+", " ", text.replace(NBSP, " "))
    for title in ("Accueil et mot de bienvenue", "Adoption de l'ordre du jour", "Partage de l'enveloppe de 120 000 $",
                  "Évaluation de la rencontre", "Levée de la rencontre"):
        assert title in text, title
    text = text.replace("\xa0", " ")
    assert "Comité de coordination" in text and "Salle communautaire" in text and "18 h 30" in text


def test_the_notice_pdf_of_a_members_only_space_is_not_public(world, client):
    starts = next_october_7()
    meeting = services.meeting_create(space=world.committee, by=world.coordinator, title="Huis clos",
                                      starts_at=starts, ends_at=starts + timedelta(hours=1))
    services.meeting_convene(meeting=meeting, by=world.coordinator, base_url=SITE)
    response = client.get(f"/t/pointe-test/e/comite/rencontres/{meeting.pk}/convocation.pdf")
    assert response.status_code == 302 and response["Location"].startswith("/compte/login/")  # sign in first


# A real SMTP server on loopback -----------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's hook name
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    yield inbox
    controller.stop()


def test_a_real_smtp_server_receives_the_notice_sent_by_the_worker(
        world, smtp_server, monkeypatch, django_capture_on_commit_callbacks):
    meeting = make_meeting(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_convene(meeting=meeting, by=world.coordinator, base_url=SITE)
    assert smtp_server.messages == []
    run_worker(monkeypatch)
    recipients = sorted(rcpt for rcpts, _content in smtp_server.messages for rcpt in rcpts)
    assert recipients == ["citoyenne@example.org", "coord@example.org", "delegue@example.org",
                          "observateur@example.org"]
    received = next(email.message_from_bytes(content, policy=policy.default)
                    for rcpts, content in smtp_server.messages if rcpts == ["delegue@example.org"])
    assert received["Subject"].strip().startswith("Convocation — Comité de coordination")
    assert "Partage de l'enveloppe de 120 000 $" in received.get_body(preferencelist=("plain",)).get_content()
    calendar_part = next(part for part in received.walk() if part.get_content_type() == "text/calendar")
    assert calendar_part.get_param("method") == "REQUEST"
    event = event_of(icalendar.Calendar.from_ical(calendar_part.get_payload(decode=True)))
    assert str(event["uid"]) == meeting.uid and event.decoded("dtstart") == next_october_7()
    # The worker ran once more: nothing leaves twice.
    deliver(notice_ids(meeting))
    assert len(smtp_server.messages) == 4
