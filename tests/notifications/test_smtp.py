"""E-mails received by a real SMTP server on the loopback (aiosmtpd), their headers checked as a
mail client reads them: multipart/alternative, charset, language, RFC 8058 one-click unsubscribe."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from django.core.management import call_command

from concertation.notifications import digests, registry
from concertation.notifications.api import notify, send_email
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class Inbox(Message):
    def __init__(self):
        super().__init__(message_class=None)
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content,
                                                                          policy=email.policy.default)))
        return "250 OK"

    def handle_message(self, message):  # pragma: no cover — handle_DATA does the work
        pass


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    with socket.socket() as probe:  # a free port on the loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.SITE_URL = "https://concertation.example.org"
        yield inbox
    finally:
        controller.stop()


def parts(message):
    return {part.get_content_type(): part for part in message.walk()}


@pytest.mark.parametrize("language", ["fr-ca", "en"])
def test_an_immediate_email_as_received(smtp, language):
    person = UserFactory(preferred_language=language, display_name="Éloïse")
    send_email(to=person, template="tests_notifications/happened", context={"title": "Bâtir « ensemble »",
               "link": "/t/x/"}, category="proposals")
    [(recipients, message)] = smtp.received
    assert recipients == [person.email]
    assert message.get_content_type() == "multipart/alternative"
    found = parts(message)
    assert set(found) >= {"text/plain", "text/html"}
    for part in (found["text/plain"], found["text/html"]):
        assert part.get_content_charset() == "utf-8"
        assert "Bâtir" in part.get_content()
    assert message["Content-Language"] == language
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = str(message["List-Unsubscribe"]).strip()  # folded before the « < » (a long line)
    assert unsubscribe.startswith("<https://concertation.example.org/moi/notifications/desabonnement/")
    token = unsubscribe.rstrip(">/").rsplit("/", 1)[1]
    from concertation.notifications.unsubscribe import read_token

    assert read_token(token) == (person.pk, "proposals")
    assert "Bâtir" in str(message["Subject"])


def test_a_weekly_digest_as_received_once(smtp):
    person = UserFactory()
    notify("tests.weekly", recipients=[person], context={"title": "PV du 3"})
    assert digests.run_digest(registry.WEEKLY) == 1
    call_command("notifications_run", "--weekly", "--quiet")
    assert len(smtp.received) == 1
    message = smtp.received[0][1]
    assert message.get_content_type() == "multipart/alternative"
    assert "PV du 3" in parts(message)["text/plain"].get_content()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_an_account_email_as_received(smtp, client):
    person = UserFactory(preferred_language="en")
    client.post("/compte/password/reset/", {"email": person.email})
    [(recipients, message)] = smtp.received
    assert recipients == [person.email]
    assert message["Content-Language"] == "en"
    assert message.get_content_type() == "multipart/alternative"
    assert message["List-Unsubscribe"] is None
