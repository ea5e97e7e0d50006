"""Worlds for the search tests, each built once per module in a transaction rolled back at its end."""

from __future__ import annotations

from contextlib import contextmanager

from django.conf import settings
from django.db import transaction
from django.test import override_settings

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@contextmanager
def module_world(django_db_blocker):
    storages = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS, STORAGES=storages):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
