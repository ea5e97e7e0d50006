"""`concertation demo` serves the product's own error pages, never Django's technical ones (issue 13),
with its static files."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import include, path

from concertation.demo.loader import DemoSummary
from concertation.demo.management.commands import demo as demo_command


def failing_view(request):
    raise RuntimeError("une panne")


# The project's addresses, plus one that fails.
urlpatterns = [path("panne-de-test/", failing_view), path("", include("concertation.urls"))]
handler404 = "concertation.core.views.error_404"
handler500 = "concertation.core.views.error_500"


@pytest.mark.parametrize("addrport, host", [("127.0.0.1:8123", "127.0.0.1"), ("localhost:9000", "localhost"),
                                            ("0.0.0.0:8000", "127.0.0.1"), ("[::1]:8000", "[::1]"),
                                            ("192.168.1.20:8000", "192.168.1.20")])
def test_the_host_of_the_address_is_allowed(settings, addrport, host):
    settings.DEBUG = True
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
    demo_command.serve_as_the_product(addrport)
    assert settings.DEBUG is False
    assert host in settings.ALLOWED_HOSTS and settings.ALLOWED_HOSTS.count(host) == 1


@pytest.mark.django_db
def test_the_served_demo_answers_with_the_products_error_pages(settings, monkeypatch):
    settings.DEBUG = True  # as `concertation demo` starts (cli.LOCAL_COMMANDS)
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    # Before serving, DEBUG shows Django's technical page (what the demo showed).
    assert b"URLconf" in client.get("/nexiste-pas/").content
    served = {}

    def fake_call_command(name, *args, **kwargs):
        if name == "runserver":  # the server itself is not started: ask what it would answer
            served["debug"] = settings.DEBUG
            served["missing"] = client.get("/nexiste-pas/")
            served["failing"] = client.get("/panne-de-test/")
            served["static"] = Client().get("/static/css/app.css")
            return None
        if name == "migrate":
            return None
        return call_command(name, *args, **kwargs)

    monkeypatch.setattr(demo_command, "call_command", fake_call_command)
    monkeypatch.setattr(demo_command, "load_demo", lambda **kwargs: DemoSummary(organizations=15))
    call_command("demo", "--addrport", "127.0.0.1:8123", stdout=StringIO(), stderr=StringIO())

    assert served["debug"] is False
    missing, failing = served["missing"], served["failing"]
    assert missing.status_code == 404 and failing.status_code == 500
    for response in (missing, failing):
        page = response.content.decode()
        assert "URLconf" not in page and "Traceback" not in page and "une panne" not in page
        assert "SECRET_KEY" not in page and "DEBUG = True" not in page
        assert '<html lang="fr' in page  # the product's layout
    assert "Page introuvable" in missing.content.decode()
    assert served["static"].status_code == 200
