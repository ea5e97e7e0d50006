"""Behind a reverse proxy or load balancer every request comes from the proxy's address: with
TRUSTED_PROXY_COUNT (ALLAUTH_TRUSTED_PROXY_COUNT) the per-address sign-in limit counts each client,
read from X-Forwarded-For, instead of counting everybody as one (benchmarks/multihost.py, check 2b).
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, override_settings

from tests.security.test_rate_limits import failed_limit, refused_for_too_many

pytestmark = pytest.mark.django_db


def attempts_behind_the_proxy(world) -> bool:
    """Wrong passwords for unknown addresses from one client, then one wrong password for a real
    account from another client, both through the same proxy: is the second refused for too many?"""
    attacker = Client(HTTP_X_FORWARDED_FOR="203.0.113.7")
    for attempt in range(failed_limit()):
        response = attacker.post("/compte/login/", {"login": f"inconnu{attempt}@example.org", "password": "faux-mot"})
        assert response.status_code == 200
    person = Client(HTTP_X_FORWARDED_FOR="198.51.100.9")
    response = person.post("/compte/login/", {"login": world.coordinator.email, "password": "faux-mot-de-passe"})
    assert response.status_code == 200
    return refused_for_too_many(response)


def test_by_default_the_connection_address_counts():
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0


def test_without_a_trusted_proxy_every_client_behind_it_shares_one_counter(world):
    assert attempts_behind_the_proxy(world)


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_with_one_trusted_proxy_each_client_has_its_own_counter(world):
    assert not attempts_behind_the_proxy(world)
