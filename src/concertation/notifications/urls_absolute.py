"""Absolute links for e-mails: SITE_URL (or the first allowed host) before the path."""

from __future__ import annotations

from django.conf import settings


def base_url() -> str:
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/")
    hosts = [h for h in settings.ALLOWED_HOSTS if h and not h.startswith(".") and h != "*"]
    protocol = getattr(settings, "ACCOUNT_DEFAULT_HTTP_PROTOCOL", "https")
    return f"{protocol}://{hosts[0] if hosts else 'localhost'}"


def absolute(link: str) -> str:
    if not link:
        return ""
    if "://" in link:
        return link
    return base_url() + ("" if link.startswith("/") else "/") + link
