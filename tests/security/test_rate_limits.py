"""Sign-in rate limits hold (issue 12, defect 4): page traffic never pushes the counters out, and
two workers share them (a real `concertation serve` with two gunicorn workers).

The counters live in the cache (settings.CACHES), which holds nothing but security counters: the
database by default, Redis when REDIS_URL is set (ADR 0003).
"""

from __future__ import annotations

import html
import re
import secrets
import sys
import threading
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from concertation import config
from tests.security.test_reliability import cli, serving, subprocess_env

pytestmark = pytest.mark.django_db

TOO_MANY = "too_many_login_attempts"


def failed_limit() -> int:
    """The configured number of failed sign-ins before refusal (the smallest of its rates)."""
    return min(int(rate.split("/")[0]) for rate in settings.ACCOUNT_RATE_LIMITS["login_failed"].split(","))


def refused_for_too_many(response) -> bool:
    form = response.context["form"]
    return form.has_error("__all__", TOO_MANY) or any(TOO_MANY in str(e) for e in form.non_field_errors().data)


# In process: page traffic does not evict the counters --------------------------------------------

def test_page_traffic_between_wrong_passwords_does_not_lift_the_limit(world):
    """The review's attack: wrong passwords, then anonymous reads of the home page, each with a new
    CSRF cookie (each used to add an entry to the 500-entry cache the counters shared), then more
    wrong passwords."""
    attacker = Client()
    visitor = Client()
    outcomes = []
    for attempt in range(failed_limit() + 3):
        if attempt == failed_limit():
            for _ in range(500):
                visitor.cookies[settings.CSRF_COOKIE_NAME] = secrets.token_hex(16)  # 32 characters
                assert visitor.get("/").status_code == 200
        response = attacker.post("/compte/login/", {"login": world.coordinator.email, "password": f"faux-{attempt}"})
        assert response.status_code == 200
        outcomes.append(refused_for_too_many(response))
    assert outcomes == [False] * failed_limit() + [True] * 3


def test_the_counters_live_in_a_store_every_worker_shares():
    backend = settings.CACHES["default"]["BACKEND"]
    assert backend == "django.core.cache.backends.db.DatabaseCache"  # not per process (LocMemCache)
    assert settings.CACHES["default"]["OPTIONS"]["MAX_ENTRIES"] >= 100_000
    assert config.cache("") == config.cache(None) == settings.CACHES["default"]


def test_redis_is_used_when_redis_url_is_set(monkeypatch):
    monkeypatch.setitem(sys.modules, "redis", type(sys)("redis"))  # the package, when installed
    cache = config.cache("redis://cache.internal:6379/2")
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://cache.internal:6379/2"
    with pytest.raises(config.ConfigurationError, match="REDIS_URL"):
        config.cache("http://cache.internal/")


def test_redis_url_without_the_redis_package_is_one_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "redis", None)  # import fails
    with pytest.raises(config.ConfigurationError, match="pip install redis"):
        config.cache("redis://cache.internal:6379/0")


# Two real workers share the limit ------------------------------------------------------------------

def too_many_message() -> str:
    from allauth.account.adapter import get_adapter

    with translation.override("fr-ca"):
        return str(get_adapter().error_messages[TOO_MANY])


def sign_in_attempt(base: str, email: str, password: str, results: list, lock: threading.Lock) -> None:
    """One wrong sign-in on a fresh connection: the form's CSRF cookie and token, then the POST."""
    with urllib.request.urlopen(base + "/compte/login/", timeout=20) as response:  # noqa: S310 — loopback
        page = response.read().decode()
        cookie = response.headers["Set-Cookie"].split(";")[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"login": email, "password": password, "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(base + "/compte/login/", data=body, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 — loopback
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode()
    with lock:
        results.append((status, html.unescape(text)))


def served_by(log: Path) -> set[str]:
    """The worker pids that answered a sign-in POST (the access log's first field, `<pid>`)."""
    return {line.split()[0] for line in log.read_text().splitlines()
            if line.startswith("<") and " POST /compte/login/ " in line}


def test_the_sign_in_limit_holds_across_two_real_workers(tmp_path):
    """`concertation serve --workers 2` on a fresh SQLite database: more wrong sign-ins than the
    limit, two at a time on fresh connections so that both workers answer; exactly the limit gets
    through, whatever worker answered."""
    data = tmp_path / "data"
    data.mkdir()
    env = subprocess_env(data)
    env["GUNICORN_CMD_ARGS"] = "--access-logfile - --access-logformat '%(p)s %(m)s %(U)s %(s)s'"
    cli(env, "migrate", "-v", "0")  # also creates the cache's table: nothing else to do
    log = tmp_path / "serve.log"
    limit, attempts = failed_limit(), failed_limit() * 2 + 2
    with serving(env, log, workers=2) as (base, server):
        results: list = []
        lock = threading.Lock()
        for pair in range(attempts // 2):
            threads = [threading.Thread(target=sign_in_attempt,
                                        args=(base, "personne@example.org", f"faux-{pair}-{n}", results, lock))
                       for n in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
        assert server.poll() is None, log.read_text()
    assert len(results) == attempts and {status for status, _text in results} == {200}, log.read_text()
    refused = [too_many_message() in text for _status, text in results]
    assert refused.count(False) == limit, (refused, log.read_text()[-2000:])
    assert len(served_by(log)) == 2, log.read_text()  # both workers answered sign-ins
