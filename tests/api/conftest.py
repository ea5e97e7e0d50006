"""The API's tests share the permission matrix's world (tests/security/conftest.py), built once per
module, and one token per kind of user."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings

from concertation.api.services import token_create
from tests.security.conftest import FAST_HASHERS, build_matrix_world, client_as, matrix_sessions  # noqa: F401 — fixtures

API = "/api/v1"


@pytest.fixture(scope="package")
def matrix_world(django_db_setup, django_db_blocker):
    """The permission matrix's world, built once for the API's modules (the security package
    builds its own once per module), in a transaction rolled back at the end."""
    storages = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS, STORAGES=storages):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_matrix_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="package")
def tokens(matrix_world, django_db_blocker):
    """{kind: (read token, read-write token)} for every signed-in kind of user of the world."""
    made = {}
    with django_db_blocker.unblock():
        for kind, user in matrix_world.users.items():
            if user is None:
                continue
            _read, read = token_create(owner=user, name=f"{kind} lecture", scope="read", days=30)
            _write, write = token_create(owner=user, name=f"{kind} écriture", scope="read_write", days=30)
            made[kind] = (read, write)
    return made


@pytest.fixture(autouse=True)
def _fresh_limits(settings):
    """No rate limit unless a test sets one (test_rate_limits…), and no counter left over."""
    settings.API_RATE_LIMITS = {}
    cache.clear()
    yield


class Api:
    """A test client that speaks to the API with a bearer token (or none)."""

    def __init__(self, token: str | None = None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path, **params):
        return self.client.get(API + path, params, headers=self.headers)

    def post(self, path, data=None):
        return self.client.post(API + path, data or {}, content_type="application/json", headers=self.headers)


@pytest.fixture
def api_as(db, tokens):
    """api_as(kind, write=False) → an API client with that kind's token (anonymous: no token)."""

    def make(kind, write=False):
        if kind == "anonymous":
            return Api()
        return Api(tokens[kind][1 if write else 0])

    return make
