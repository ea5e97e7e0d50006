"""Middleware of the project shell: a clear 503 when the database is down, security headers."""

from __future__ import annotations

import logging
import secrets

from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger("concertation")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def database_unavailable_response(reason: str = "", status: int = 503) -> HttpResponse:
    """A page that needs no database: neither session, nor user, nor context processors."""
    html = render_to_string("503.html", {"reason": reason, "status": status})
    response = HttpResponse(html, status=status)
    response["Retry-After"] = "30"
    return response


class DatabaseUnavailableMiddleware:
    """Answer 503 with a clear page (not a 500 traceback) while the database is unreachable.

    The broken connection is closed so that the next request reconnects: the server recovers by
    itself once the database is back, without a restart.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except (OperationalError, InterfaceError) as exc:
            if not _looks_like_unreachable(exc):
                raise
            logger.error("database unavailable: %s", exc)
            reset_connections()
            return database_unavailable_response()

    def process_exception(self, request, exception):
        # Exceptions raised inside views reach here before Django turns them into a 500.
        if isinstance(exception, (OperationalError, InterfaceError)) and _looks_like_unreachable(exception):
            logger.error("database unavailable: %s", exception)
            reset_connections()
            return database_unavailable_response()
        return None


def reset_connections() -> None:
    """Close every connection so that the next request opens a fresh one."""
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
        except Exception:  # noqa: BLE001 — closing a dead connection may fail too
            pass


def is_database_unavailable(exception) -> bool:
    return isinstance(exception, (OperationalError, InterfaceError)) and _looks_like_unreachable(exception)


def _looks_like_unreachable(exc: Exception) -> bool:
    text = str(exc).lower()
    markers = (
        "connection", "could not connect", "server closed", "unable to open database",
        "terminating", "timeout", "no such host", "refused", "disk i/o", "connect",
    )
    return isinstance(exc, InterfaceError) or any(marker in text for marker in markers)


class SecurityHeadersMiddleware:
    """Content-Security-Policy with a per-request nonce, and a Permissions-Policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        response.headers.setdefault(
            "Content-Security-Policy", CONTENT_SECURITY_POLICY.format(nonce=request.csp_nonce)
        )
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        return response


class LanguageMiddleware:
    """French (fr-CA) unless the person chose otherwise: the browser's Accept-Language is ignored.

    Many members in Québec run an English operating system yet work in French; the language is the
    one chosen with the switch (a cookie, and on the account once signed in).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Vary", "Cookie")
        return response
