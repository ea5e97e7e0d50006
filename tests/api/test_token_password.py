"""A new password cuts off the API tokens the old one let a person create (issue 19)."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from concertation.api.models import AccessToken
from concertation.api.services import token_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OLD, NEW = "ancien-mot-de-passe-123", "nouveau-mot-de-passe-456"


def _api(secret) -> int:
    return Client().get("/api/v1/territories", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code


def test_changing_the_password_revokes_every_token_and_says_so():
    person = UserFactory(password=OLD)
    other = UserFactory(password=OLD)
    _token, secret = token_create(owner=person, name="Tableur", scope="read", days=30)
    _token2, secret2 = token_create(owner=person, name="Script", scope="read_write", days=30)
    _token3, others = token_create(owner=other, name="Le sien", scope="read", days=30)
    assert _api(secret) == 200 and _api(secret2) == 200
    client = Client()
    client.force_login(person)
    response = client.post(reverse("account_change_password"),
                           {"oldpassword": OLD, "password1": NEW, "password2": NEW}, follow=True)
    assert response.status_code == 200
    assert "vos 2 jetons d'accès à l'API ont été révoqués" in html.unescape(response.content.decode())
    assert _api(secret) == 401 and _api(secret2) == 401
    assert not AccessToken.objects.filter(owner=person, revoked_at__isnull=True).exists()
    assert _api(others) == 200  # another person's token is hers


def test_a_reset_password_revokes_them_too():
    from allauth.account import signals

    person = UserFactory(password=OLD)
    _token, secret = token_create(owner=person, name="Tableur", scope="read", days=30)
    signals.password_reset.send(sender=type(person), request=None, user=person)
    assert _api(secret) == 401
