"""notify(): rows in the service's transaction, once per once_key, the actor and inactive accounts
skipped, e-mailed by the worker after commit to those who want it at once."""

from datetime import UTC

import pytest
from django.core import mail
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from concertation.notifications import registry
from concertation.notifications.api import Group, notify
from concertation.notifications.models import Delivery, Notification
from concertation.notifications.services import preference_set
from tests.factories import UserFactory

from .conftest import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _worker_keeps_connection(monkeypatch):
    # The worker closes "old" connections between tasks; inside the test's transaction that would
    # close the test's own connection on PostgreSQL.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)


def test_unknown_event_is_refused():
    with pytest.raises(LookupError):
        notify("tests.nothing", recipients=[UserFactory()], context={})


def test_one_row_per_recipient_actor_and_inactive_skipped():
    actor, a, b = UserFactory(), UserFactory(), UserFactory()
    gone = UserFactory(is_active=False)
    created = notify("tests.happened", recipients=[a, b, b, actor, gone], context={"title": "T"}, actor=actor,
                     link="/x/", group=Group("space:1", "Comité", "/t/x/"))
    assert created == 2
    rows = Notification.objects.order_by("recipient_id")
    assert [n.recipient_id for n in rows] == sorted([a.pk, b.pk])
    row = rows[0]
    assert (row.category, row.group_key, row.group_label, row.link, row.actor_id) == (
        "proposals", "space:1", "Comité", "/x/", actor.pk)


def test_rows_roll_back_with_the_service(django_capture_on_commit_callbacks):
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            notify("tests.happened", recipients=[person], context={"title": "T"})
            raise RuntimeError("the service failed")
    assert Notification.objects.count() == 0
    assert callbacks == []
    assert DBTaskResult.objects.count() == 0


def test_once_key_tells_a_person_once():
    a, b = UserFactory(), UserFactory()
    assert notify("tests.happened", recipients=[a], context={"title": "T"}, once_key="k1") == 1
    assert notify("tests.happened", recipients=[a, b], context={"title": "T"}, once_key="k1") == 1
    assert notify("tests.happened", recipients=[a, b], context={"title": "T"}, once_key="k2") == 2
    assert Notification.objects.filter(recipient=a).count() == 2


def test_context_keeps_instances_dates_and_values():
    from datetime import date, datetime

    from concertation.notifications.context import restore

    owner = UserFactory()
    notify("tests.happened", recipients=[UserFactory()], once_key="c",
           context={"title": "T", "owner": owner, "when": datetime(2026, 1, 2, 3, 4, tzinfo=UTC),
                    "day": date(2026, 1, 2), "list": [1, "a"]})
    context = restore(Notification.objects.get().context)
    assert context["owner"] == owner
    assert context["when"] == datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    assert context["day"] == date(2026, 1, 2)
    assert context["list"] == [1, "a"]


def test_immediate_is_emailed_by_the_worker_after_commit(django_capture_on_commit_callbacks):
    person = UserFactory(preferred_language="fr-ca")
    with django_capture_on_commit_callbacks(execute=True):
        notify("tests.happened", recipients=[person], context={"title": "Budget"}, link="/x/")
    assert mail.outbox == []
    queued = DBTaskResult.objects.get()
    assert queued.queue_name == "email"
    run_worker()
    assert len(mail.outbox) == 1
    assert "Budget" in mail.outbox[0].subject
    assert mail.outbox[0].to == [person.email]
    notification = Notification.objects.get()
    assert notification.emailed_at is not None
    assert Delivery.objects.get().sent_at is not None


def test_weekly_category_is_not_emailed_at_once(django_capture_on_commit_callbacks):
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify("tests.weekly", recipients=[person], context={"title": "PV"})
    run_worker()
    assert mail.outbox == []
    assert Notification.objects.get().emailed_at is None


def test_preference_never_sends_nothing_but_the_centre_keeps_it(django_capture_on_commit_callbacks):
    person = UserFactory()
    preference_set(person=person, category="proposals", delivery=registry.NEVER)
    with django_capture_on_commit_callbacks(execute=True):
        notify("tests.happened", recipients=[person], context={"title": "T"})
    run_worker()
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=person).count() == 1


def test_a_deleted_object_drops_the_email():
    from concertation.notifications.delivery import deliver

    person, owner = UserFactory(), UserFactory()
    notify("tests.happened", recipients=[person], context={"title": "T", "owner": owner})
    owner.delete()
    assert deliver(Notification.objects.values_list("pk", flat=True)) == 0
    assert mail.outbox == []


def test_delivered_once_even_when_the_task_runs_twice():
    from concertation.notifications.delivery import deliver

    person = UserFactory()
    notify("tests.happened", recipients=[person], context={"title": "T"})
    ids = list(Notification.objects.values_list("pk", flat=True))
    assert deliver(ids) == 1
    Notification.objects.update(emailed_at=None)  # even if the stamp were lost, the claim holds
    assert deliver(ids) == 0
    assert len(mail.outbox) == 1


def test_a_failed_send_is_recorded_and_retried_with_back_off(monkeypatch):
    from datetime import timedelta

    from django.core.mail.backends.locmem import EmailBackend
    from django.utils import timezone

    from concertation.notifications.delivery import deliver, retry_due

    person = UserFactory()
    notify("tests.happened", recipients=[person], context={"title": "T"})
    real = EmailBackend.send_messages

    def refuse(self, messages):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    assert deliver(Notification.objects.values_list("pk", flat=True)) == 0
    delivery = Delivery.objects.get()
    assert (delivery.attempts, delivery.sent_at) == (1, None) and "SMTP down" in delivery.last_error
    first_pause = delivery.next_attempt_at - timezone.now()
    assert retry_due(now=delivery.next_attempt_at) == 0  # still down
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.next_attempt_at - timezone.now() > first_pause  # the pause doubled
    monkeypatch.setattr(EmailBackend, "send_messages", real)
    assert retry_due() == 0  # not due yet
    assert retry_due(now=timezone.now() + timedelta(hours=1)) == 1
    assert retry_due(now=timezone.now() + timedelta(hours=2)) == 0
    assert len(mail.outbox) == 1
    assert Notification.objects.get().emailed_at is not None


def test_gives_up_after_the_last_attempt(monkeypatch):
    from datetime import timedelta

    from django.core.mail.backends.locmem import EmailBackend
    from django.utils import timezone

    from concertation.notifications.delivery import MAX_ATTEMPTS, deliver, retry_due

    notify("tests.happened", recipients=[UserFactory()], context={"title": "T"})
    monkeypatch.setattr(EmailBackend, "send_messages", lambda self, messages: (_ for _ in ()).throw(OSError("x")))
    deliver(Notification.objects.values_list("pk", flat=True))
    for hours in range(1, MAX_ATTEMPTS + 2):
        retry_due(now=timezone.now() + timedelta(hours=hours))
    delivery = Delivery.objects.get()
    assert delivery.attempts == MAX_ATTEMPTS and delivery.next_attempt_at is None and delivery.sent_at is None


def test_the_worker_runs_the_scheduler_every_minute():
    from concertation.core.management.commands.worker import PERIODIC_COMMANDS

    assert "notifications_run" in PERIODIC_COMMANDS
