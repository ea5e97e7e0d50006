"""Digests: one e-mail per person with what they chose to receive that way, grouped by space, in
their language; nothing when empty; run twice or restarted after a crash, nobody gets two."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from concertation.notifications import digests, registry
from concertation.notifications.api import Group, notify
from concertation.notifications.models import DigestDelivery, DigestRun, Notification
from concertation.notifications.schedule import run_due
from concertation.notifications.services import preference_set
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

COMMITTEE = Group("space:1", "Comité de coordination", "/t/x/e/comite/")
GROUP = Group("space:2", "Aménagement", "/t/x/e/amenagement/")


def tell(person, title, group=None, key="tests.weekly"):
    notify(key, recipients=[person], context={"title": title}, group=group, link=f"/x/{title}/")


def test_weekly_digest_groups_by_space_with_links_in_both_parts():
    person = UserFactory(display_name="Ada")
    tell(person, "Procès-verbal A", GROUP)
    tell(person, "Procès-verbal B", COMMITTEE)
    tell(person, "Procès-verbal C", GROUP)
    tell(person, "Sans espace")
    assert digests.run_digest(registry.WEEKLY) == 1
    message = mail.outbox[0]
    assert "4" in message.subject
    html = message.alternatives[0][0]
    # Groups in alphabetical order, the ungrouped last; the items of a group oldest first.
    for part in (message.body, html):
        positions = [part.index(text) for text in ("Aménagement", "Procès-verbal A", "Procès-verbal C",
                                                   "Comité de coordination", "Procès-verbal B", "Sans espace")]
        assert positions == sorted(positions), part
    assert "/x/Proc" in message.body and "/t/x/e/amenagement/" in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_digest_is_in_the_persons_language():
    fr, en = UserFactory(preferred_language="fr-ca"), UserFactory(preferred_language="en")
    tell(fr, "Un")
    tell(en, "One")
    digests.run_digest(registry.WEEKLY)
    by_person = {m.to[0]: m for m in mail.outbox}
    assert "Votre résumé de la semaine" in by_person[fr.email].subject
    assert by_person[en.email].body.startswith("Hello ")  # rendered in English (a msgid in both catalogs)
    assert by_person[fr.email].body.startswith("Bonjour ")
    assert by_person[en.email].extra_headers["Content-Language"] == "en"
    assert by_person[fr.email].extra_headers["Content-Language"] == "fr-ca"


def test_nothing_to_say_sends_nothing():
    UserFactory()
    immediate = UserFactory()
    notify("tests.happened", recipients=[immediate], context={"title": "x"})  # immediate: not in a digest
    assert digests.run_digest(registry.WEEKLY) == 0
    assert mail.outbox == []
    assert DigestDelivery.objects.count() == 0


def test_only_the_categories_chosen_for_that_digest():
    person = UserFactory()
    preference_set(person=person, category="proposals", delivery=registry.DAILY)
    tell(person, "Hebdo")  # minutes: weekly by default
    notify("tests.happened", recipients=[person], context={"title": "Quotidien"})
    assert digests.run_digest(registry.DAILY) == 1
    assert "Quotidien" in mail.outbox[0].body and "Hebdo" not in mail.outbox[0].body
    assert digests.run_digest(registry.WEEKLY) == 1
    assert "Hebdo" in mail.outbox[1].body and "Quotidien" not in mail.outbox[1].body


def test_never_and_inactive_get_no_digest():
    never, gone = UserFactory(), UserFactory()
    preference_set(person=never, category="minutes", delivery=registry.NEVER)
    tell(never, "x")
    tell(gone, "y")
    gone.is_active = False
    gone.save()
    assert digests.run_digest(registry.WEEKLY) == 0
    assert mail.outbox == []


def test_a_run_twice_sends_one_email_each():
    people = [UserFactory() for _ in range(3)]
    for person in people:
        tell(person, "x")
    assert digests.run_digest(registry.WEEKLY) == 3
    assert digests.run_digest(registry.WEEKLY) == 0
    call_command("notifications_run", "--weekly", "--quiet")
    assert len(mail.outbox) == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)


def test_a_crash_midway_then_restart_sends_no_duplicate(monkeypatch):
    people = [UserFactory() for _ in range(5)]
    for person in people:
        tell(person, "x")
    from django.core.mail.backends.locmem import EmailBackend

    real = EmailBackend.send_messages
    calls = {"n": 0}

    def crash_on_third(self, messages):
        calls["n"] += 1
        if calls["n"] == 3:
            raise SystemExit("the worker was killed")
        return real(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", crash_on_third)
    with pytest.raises(SystemExit):
        digests.run_digest(registry.WEEKLY, batch_size=2)
    assert len(mail.outbox) == 2
    monkeypatch.setattr(EmailBackend, "send_messages", real)
    digests.run_digest(registry.WEEKLY, batch_size=2)
    addresses = [m.to[0] for m in mail.outbox]
    assert len(addresses) == len(set(addresses))  # nobody twice
    # The one whose send was cut has its claim and is not sent again (it may have left); the rest were.
    assert len(addresses) == 4
    assert DigestDelivery.objects.filter(sent_at__isnull=False).count() == 4
    assert DigestRun.objects.get(kind="digest:weekly").finished_at is not None


def test_a_failed_send_is_retried_after_a_pause(monkeypatch):
    person = UserFactory()
    tell(person, "x")
    from django.core.mail.backends.locmem import EmailBackend

    real = EmailBackend.send_messages

    def refuse(self, messages):
        raise OSError("SMTP down")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    assert digests.run_digest(registry.WEEKLY) == 0
    delivery = DigestDelivery.objects.get()
    assert (delivery.attempts, delivery.sent_at) == (1, None)
    assert "SMTP down" in delivery.last_error and delivery.next_attempt_at > timezone.now()
    monkeypatch.setattr(EmailBackend, "send_messages", real)
    assert digests.retry_due_digests() == 0  # not yet
    assert digests.retry_due_digests(now=timezone.now() + timedelta(minutes=2)) == 1
    assert digests.retry_due_digests(now=timezone.now() + timedelta(hours=2)) == 0
    assert len(mail.outbox) == 1


def test_the_next_digest_starts_where_the_last_one_ended():
    person = UserFactory()
    tell(person, "premier")
    now = timezone.now()
    digests.run_digest(registry.WEEKLY, now)
    tell(person, "second")
    digests.run_digest(registry.WEEKLY, now + timedelta(days=7))
    assert len(mail.outbox) == 2
    assert "second" in mail.outbox[1].body and "premier" not in mail.outbox[1].body


def test_a_deleted_object_is_left_out_of_the_digest():
    person, owner = UserFactory(), UserFactory()
    notify("tests.weekly", recipients=[person], context={"title": "gone", "owner": owner})
    tell(person, "kept")
    owner.delete()
    digests.run_digest(registry.WEEKLY)
    assert "kept" in mail.outbox[0].body and "gone" not in mail.outbox[0].body


def test_the_scheduler_runs_the_weekly_digest_once_on_its_day(settings):
    settings.NOTIFICATIONS_DIGEST_HOUR = 7
    settings.NOTIFICATIONS_DIGEST_WEEKDAY = 0
    person = UserFactory()
    tell(person, "x")
    monday = timezone.make_aware(timezone.datetime(2026, 12, 7, 8, 0))
    early = timezone.make_aware(timezone.datetime(2026, 12, 7, 6, 0))
    tuesday = timezone.make_aware(timezone.datetime(2026, 12, 8, 8, 0))
    Notification.objects.update(created_at=early - timedelta(days=1))
    assert run_due(early)["digests"] == 0
    assert run_due(tuesday - timedelta(days=7))["digests"] == 0  # a Tuesday
    assert run_due(monday)["digests"] == 1
    assert run_due(monday + timedelta(minutes=1))["digests"] == 0
    assert len(mail.outbox) == 1


def test_daily_sweeps_run_once_a_day(settings):
    settings.NOTIFICATIONS_DIGEST_HOUR = 7
    calls = []
    registry.register_daily("tests.sweep", lambda now: calls.append(now) or 0)
    day = timezone.make_aware(timezone.datetime(2026, 12, 8, 9, 0))
    run_due(day)
    run_due(day + timedelta(hours=1))
    run_due(day + timedelta(days=1))
    assert len(calls) == 2
