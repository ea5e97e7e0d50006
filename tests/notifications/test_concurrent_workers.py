"""Several workers at once (each runs `notifications_run` and the queue's deliveries): every
immediate e-mail and every digest leaves once — the claims in the database make them agree — on
SQLite (a database file, as in production) and on PostgreSQL:

    PYTHONPATH=src bash scripts/pg-throwaway.sh .venv/bin/pytest tests/notifications/test_concurrent_workers.py
"""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from concertation.notifications import digests, registry
from concertation.notifications.api import notify
from concertation.notifications.delivery import deliver
from concertation.notifications.models import Delivery, DigestDelivery, Notification
from tests.decisions.test_concurrency import sqlite_file_database  # noqa: F401 — module-wide, autouse
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
WORKERS = 4
PEOPLE = 12


def at_once(work):
    barrier, errors = threading.Barrier(WORKERS), []

    def run():
        try:
            barrier.wait()
            work()
        except Exception as error:  # noqa: BLE001 — reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_workers_delivering_the_same_notifications_send_each_once():
    people = [UserFactory() for _ in range(PEOPLE)]
    notify("tests.happened", recipients=people, context={"title": "x"})
    ids = list(Notification.objects.values_list("pk", flat=True))
    mail.outbox.clear()
    at_once(lambda: deliver(ids))
    sent = Counter(message.to[0] for message in mail.outbox)
    assert sent == Counter({person.email: 1 for person in people})
    assert Delivery.objects.filter(sent_at__isnull=False).count() == PEOPLE


def test_workers_running_the_same_digest_send_each_once():
    people = [UserFactory() for _ in range(PEOPLE)]
    notify("tests.weekly", recipients=people, context={"title": "x"})
    mail.outbox.clear()
    now = timezone.now() + timedelta(minutes=1)
    at_once(lambda: digests.run_digest(registry.WEEKLY, now, batch_size=5))
    sent = Counter(message.to[0] for message in mail.outbox)
    assert sent == Counter({person.email: 1 for person in people})
    assert DigestDelivery.objects.filter(sent_at__isnull=False).count() == PEOPLE
