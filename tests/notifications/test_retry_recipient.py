"""A retry looks at its recipient again: an account deactivated or erased (no address) after a
failed send receives nothing when the retry comes, immediate e-mail or digest alike."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.test import Client
from django.utils import timezone

from concertation.notifications import digests, registry
from concertation.notifications.api import notify
from concertation.notifications.delivery import deliver, retry_due
from concertation.notifications.models import Delivery, DigestDelivery, Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def refuse(self, messages):
    raise OSError("SMTP down")


@pytest.mark.parametrize("change", [{"is_active": False}, {"email": ""}])
def test_an_immediate_retry_sends_nothing_to_an_account_closed_meanwhile(monkeypatch, change):
    person = UserFactory()
    notify("tests.happened", recipients=[person], context={"title": "x"})
    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    assert deliver(Notification.objects.values_list("pk", flat=True)) == 0
    monkeypatch.undo()
    type(person).objects.filter(pk=person.pk).update(**change)
    assert retry_due(now=timezone.now() + timedelta(minutes=5)) == 0
    assert mail.outbox == []
    delivery = Delivery.objects.get()
    assert delivery.sent_at is None and delivery.next_attempt_at is None  # not tried again either


@pytest.mark.parametrize("change", [{"is_active": False}, {"email": ""}])
def test_a_digest_retry_sends_nothing_to_an_account_closed_meanwhile(monkeypatch, change):
    person = UserFactory()
    notify("tests.weekly", recipients=[person], context={"title": "x"})
    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    assert digests.run_digest(registry.WEEKLY) == 0
    monkeypatch.undo()
    type(person).objects.filter(pk=person.pk).update(**change)
    assert digests.retry_due_digests(now=timezone.now() + timedelta(minutes=5)) == 0
    assert mail.outbox == []
    assert DigestDelivery.objects.get().next_attempt_at is None


def test_the_centres_posts_need_their_csrf_token():
    person = UserFactory()
    notify("tests.happened", recipients=[person], context={"title": "x"})
    notification = Notification.objects.get()
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    for url in (f"/moi/notifications/{notification.pk}/lu/", "/moi/notifications/tout-lu/",
                "/moi/notifications/preferences/"):
        assert client.post(url, {"proposals": "never"}).status_code == 403, url
    notification.refresh_from_db()
    assert notification.read_at is None and not person.notification_preferences.exists()


def test_a_digest_that_crashes_does_not_hold_back_the_retries(monkeypatch):
    from concertation.notifications import schedule

    person = UserFactory()
    notify("tests.happened", recipients=[person], context={"title": "x"})
    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    deliver(Notification.objects.values_list("pk", flat=True))
    monkeypatch.undo()

    def crash(*args, **kwargs):
        raise RuntimeError("digest crashed midway")

    monkeypatch.setattr(schedule, "run_digests", crash)
    result = schedule.run_due(timezone.now() + timedelta(minutes=5))
    assert result["retried"] == 1 and [m.to for m in mail.outbox] == [[person.email]]
