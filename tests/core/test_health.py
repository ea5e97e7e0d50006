import pytest
from django.db.utils import OperationalError

pytestmark = pytest.mark.django_db


def test_healthz_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_503_with_the_reason_when_the_database_is_down(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(self, sql, params=None):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
    assert "Connection refused" in response.json()["reason"]


@pytest.mark.django_db(transaction=True)
def test_pages_answer_a_clear_503_while_the_database_is_unreachable_then_recover(monkeypatch):
    from django.test import Client

    client = Client(raise_request_exception=False)
    from django.db.backends.utils import CursorWrapper

    original = CursorWrapper.execute

    def broken(self, sql, params=None):
        raise OperationalError("connection to server was lost")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/territoires/")
    assert response.status_code == 503
    assert "indisponible" in response.content.decode()
    assert response["Retry-After"] == "30"
    monkeypatch.setattr(CursorWrapper, "execute", original)
    assert client.get("/territoires/").status_code == 200


def test_error_pages_are_translated(client):
    response = client.get("/nexiste-pas/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
    client.cookies["concertation_language"] = "en"
    response = client.get("/nexiste-pas/")
    assert "Page not found" in response.content.decode()


def test_the_browser_language_does_not_override_french(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="fr-ca">' in response.content.decode()


def test_security_headers_are_set(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_floor_page_makes_no_query(client, django_assert_num_queries):
    client.get("/_floor/")
    with django_assert_num_queries(0):
        assert client.get("/_floor/").status_code == 200
