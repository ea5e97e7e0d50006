"""Safe defaults (issue 8, item 3): the headers of a page, HTTPS and secure cookies in production,
optional TOTP two-factor authentication (allauth MFA).

Already tested elsewhere, not repeated here: `check --deploy --fail-level WARNING` is clean
(tests/core/test_config.py), sign-in attempts are rate limited and common passwords refused
(tests/accounts/test_accounts.py), invitations are rate limited (tests/spaces/test_invitations.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import struct
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "motdepasse-solide-123"
CSP_SCRIPT = re.compile(r"script-src ([^;]*)")


def directives(csp: str) -> dict[str, list[str]]:
    result = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            result[words[0]] = words[1:]
    return result


# Headers of a real page ---------------------------------------------------------------------------

def test_a_page_carries_a_strict_content_security_policy_with_a_fresh_nonce(world, client):
    client.force_login(world.coordinator)
    first = client.get(f"/t/{world.territory.slug}/")
    second = client.get(f"/t/{world.territory.slug}/")
    assert first.status_code == 200
    policy = directives(first["Content-Security-Policy"])
    scripts = policy["script-src"]
    assert "'self'" in scripts and "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    nonces = [source for source in scripts if source.startswith("'nonce-")]
    assert len(nonces) == 1 and len(nonces[0]) > len("'nonce-'") + 16
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    # The page's scripts carry that nonce, and a new one comes with every response.
    html = first.content.decode()
    for nonce in re.findall(r'<script\b[^>]*\bnonce="([^"]+)"', html):
        assert f"'nonce-{nonce}'" in scripts
    assert CSP_SCRIPT.search(second["Content-Security-Policy"]).group(1) != " ".join(scripts)


def test_a_page_forbids_framing_sniffing_and_leaking_the_address(world, client):
    response = client.get(f"/t/{world.territory.slug}/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.parametrize("path", ["/", "/territoires/", "/compte/login/", "/compte/profil/",
                                  "/t/pointe-test/", "/t/pointe-test/e/assemblee/membres/",
                                  "/t/pointe-test/journal/", "/compte/2fa/", "/compte/effacer/"])
def test_pages_have_no_inline_script_nor_inline_style(world, client, path):
    client.force_login(world.coordinator)
    html = client.get(path).content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag, f"inline script on {path}: {tag}"
    assert not re.search(r"\sstyle\s*=", html), f"inline style attribute on {path}"
    assert not re.search(r"\son[a-z]+\s*=", html), f"inline event handler on {path}"


def test_session_and_csrf_cookies_are_http_only_and_same_site(world, client):
    verified(world.coordinator)
    response = client.get("/compte/login/")
    csrf = response.cookies[django_settings.CSRF_COOKIE_NAME]
    assert csrf["samesite"] == "Lax" and csrf["httponly"]
    response = client.post("/compte/login/", {"login": world.coordinator.email, "password": PASSWORD})
    session = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert session["httponly"] and session["samesite"] == "Lax"


# Production (DEBUG off) ---------------------------------------------------------------------------

def production_env(tmp_path, **overrides) -> dict:
    """The environment of a production start: DEBUG off, a key and a host, nothing else set."""
    env = {key: value for key, value in os.environ.items()
           if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DATABASE_URL", "EMAIL_URL", "SECURE_SSL_REDIRECT",
                          "SECURE_COOKIES", "STATIC_MANIFEST", "DJANGO_SETTINGS_MODULE", "SECURE_HSTS_SECONDS",
                          "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update({"DEBUG": "false", "SECRET_KEY": "k8s9-long-random-" + "x" * 50,
                "ALLOWED_HOSTS": "concertation.example.org", "CONCERTATION_DATA_DIR": str(tmp_path),
                "STATIC_MANIFEST": "false", "DJANGO_SETTINGS_MODULE": "concertation.settings", **overrides})
    return env


PROBE = r"""
import json
import django
django.setup()
from django.conf import settings
from django.test import Client

client = Client(HTTP_HOST="concertation.example.org")
plain = client.get("/_floor/")
secure = client.get("/_floor/", secure=True)
print(json.dumps({
    "debug": settings.DEBUG,
    "plain_status": plain.status_code, "plain_location": plain.get("Location", ""),
    "secure_status": secure.status_code, "headers": dict(secure.headers),
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE, "csrf_cookie_secure": settings.CSRF_COOKIE_SECURE,
    "language_cookie_secure": settings.LANGUAGE_COOKIE_SECURE,
    "session_cookie_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "validators": [v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS],
    "rate_limits": settings.ACCOUNT_RATE_LIMITS,
    "mfa": settings.MFA_SUPPORTED_TYPES,
}))
"""


def test_with_debug_off_http_is_redirected_to_https_with_hsts_and_secure_cookies(tmp_path):
    result = subprocess.run([sys.executable, "-c", PROBE], env=production_env(tmp_path), capture_output=True,
                            text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["debug"] is False
    assert probe["plain_status"] == 301 and probe["plain_location"] == "https://concertation.example.org/_floor/"
    assert probe["secure_status"] == 200
    headers = probe["headers"]
    hsts = headers["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts and "preload" in hsts
    assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "'unsafe-inline'" not in CSP_SCRIPT.search(headers["Content-Security-Policy"]).group(1)
    assert probe["session_cookie_secure"] and probe["csrf_cookie_secure"] and probe["language_cookie_secure"]
    assert probe["session_cookie_httponly"]
    assert "CommonPasswordValidator" in probe["validators"]
    assert {"login_failed", "signup", "reset_password"} <= set(probe["rate_limits"])
    assert "totp" in probe["mfa"] and "recovery_codes" in probe["mfa"]


def test_with_debug_off_the_secure_cookie_flag_is_set_on_a_real_response(world, settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    verified(world.coordinator)
    client = Client()
    response = client.get("/compte/login/", secure=True)
    assert response.cookies[settings.CSRF_COOKIE_NAME]["secure"]
    response = client.post("/compte/login/", {"login": world.coordinator.email, "password": PASSWORD}, secure=True)
    assert response.cookies[settings.SESSION_COOKIE_NAME]["secure"]


# Two-factor authentication (TOTP) -----------------------------------------------------------------

def totp_now(secret: str, *, period: int = 30, digits: int = 6, at: float | None = None) -> str:
    """RFC 6238 (HMAC-SHA1, 30 s, 6 digits), written out so the test does not trust allauth's own code."""
    counter = int((time.time() if at is None else at) // period)
    key = base64.b32decode(secret.encode("ascii"), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10 ** digits:0{digits}d}"


def fresh_code(secret: str) -> str:
    """A code that stays valid for the next few seconds (wait out the end of a 30-second step)."""
    if 30 - time.time() % 30 < 3:
        time.sleep(30 - time.time() % 30 + 0.1)
    return totp_now(secret)


def verified(user):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user


@pytest.mark.parametrize("kind", ["coordinator", "admin"])
def test_a_coordinator_or_an_admin_turns_on_totp_and_the_next_sign_in_asks_for_the_code(world, kind):
    from allauth.mfa.models import Authenticator

    cache.clear()  # rate-limit counters of other tests
    person = verified(getattr(world, kind))
    client = Client()
    response = client.post("/compte/login/", {"login": person.email, "password": PASSWORD})
    assert response.status_code == 302

    # Managing second factors asks for the password again (allauth's reauthentication).
    response = client.get("/compte/2fa/totp/activate/")
    assert response.status_code == 302 and response["Location"].startswith("/compte/reauthenticate/")
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/compte/2fa/totp/activate/"
    response = client.get("/compte/2fa/totp/activate/")
    assert response.status_code == 200
    secret = response.context["form"].secret
    assert secret and len(base64.b32decode(secret)) >= 20
    # A wrong code is refused, the right one turns two-factor authentication on.
    wrong = f"{(int(totp_now(secret)) + 1) % 1_000_000:06d}"
    response = client.post("/compte/2fa/totp/activate/", {"code": wrong})
    assert response.status_code == 200 and not Authenticator.objects.filter(user=person).exists()
    response = client.post("/compte/2fa/totp/activate/", {"code": fresh_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=person, type=Authenticator.Type.RECOVERY_CODES).exists()

    client.post("/compte/logout/")
    client = Client()
    response = client.post("/compte/login/", {"login": person.email, "password": PASSWORD})
    # The password alone is not enough any more: the code is asked for.
    assert response.status_code == 302 and response["Location"] == "/compte/2fa/authenticate/"
    assert client.get("/compte/profil/").status_code == 302  # not signed in yet
    wrong = f"{(int(totp_now(secret)) + 1) % 1_000_000:06d}"
    response = client.post("/compte/2fa/authenticate/", {"code": wrong})
    assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated
    response = client.post("/compte/2fa/authenticate/", {"code": fresh_code(secret)})
    assert response.status_code == 302
    assert client.get("/compte/profil/").status_code == 200


def test_two_factor_is_optional(world):
    cache.clear()
    person = verified(world.coordinator)
    client = Client()
    response = client.post("/compte/login/", {"login": person.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/compte/2fa/").status_code == 200
