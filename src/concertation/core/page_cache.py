"""Whole pages kept for as long as nothing in the database has changed (docs/decisions/0002).

The pages people read again and again (the governance overview, a space, a proposal, the
register…) are a function of the database, the person, the address, the language and the time.
`PageCacheMiddleware` keeps the HTML of those pages in the process's memory under a key made of
all of them: the data version (core.data_version: any committed write changes it), the person, the
browser's CSRF secret (so the forms' tokens stay valid), the full address (scheme and host
included), the language and the current minute (what a page says about time — « ferme dans
2 h », a vote still open — is at most a minute old). A write anywhere makes every cached page a miss: pages are never stale, only
recomputed.

Only the views named in CACHED_VIEWS are kept, only for GET, without htmx, with a 200 HTML answer
that sets no cookie, writes nothing and leaves no message to show. Pages with pending messages
are computed as usual.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils import timezone, translation

from concertation.core import data_version

# URL names of the pages kept (read-only pages, the same for the same person, data and minute).
CACHED_VIEWS = frozenset({
    "home",
    "spaces:territories", "spaces:territory", "spaces:organizations", "spaces:space",
    "spaces:members", "spaces:roles", "spaces:charter", "spaces:charter_version",
    "decisions:proposals", "decisions:proposal",
    "register:territory", "register:space",
    "meetings:list", "meetings:meeting", "meetings:live", "meetings:minutes", "meetings:follow_ups",
    "meetings:evaluation_results", "my:my_follow_ups",
    "planning:plans", "planning:plan", "planning:revisions", "planning:item_history",
    "planning:dashboard", "planning:bilan", "planning:indicator",
})
# A bigger page is computed each time rather than crowding the memory (the largest, the live page
# of a 560-member assembly, is 1.5 MB).
MAX_BYTES = 2_000_000
TIMEOUT = 120              # seconds; the minute in the key already retires entries
HEADER = "X-Concertation-Cache"
# The scripts' CSP nonce is each request's own: kept pages hold this in its place.
NONCE_PLACEHOLDER = b"@@concertation-csp-nonce@@"


def _cache():
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]


def enabled() -> bool:
    return getattr(settings, "PAGE_CACHE_ENABLED", True)


def page_key(request) -> str | None:
    """The page's key, or None when this request must be computed (and not kept)."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name not in CACHED_VIEWS:
        return None
    if request.method != "GET" or getattr(request, "htmx", False):
        return None
    # Read first, so that a page costs the same queries whether it may be kept or not.
    version = data_version.current()
    csrf_secret = request.META.get("CSRF_COOKIE")
    if not csrf_secret:
        return None  # the page would hand out a new secret: keep it for this browser only
    messages = getattr(request, "_messages", None)
    if messages is not None and len(messages):
        return None
    parts = (
        str(version),
        str(request.user.pk or 0),
        csrf_secret,
        request.scheme,
        request.get_host(),  # a page may show its own address (the live page, the register's feed)
        request.get_full_path(),
        translation.get_language() or "",
        timezone.now().strftime("%Y-%m-%dT%H:%M"),
    )
    return "page:" + hashlib.blake2b("\x1f".join(parts).encode(), digest_size=20).hexdigest()


def _keepable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    if "no-store" in response.get("Cache-Control", "") or len(response.content) > MAX_BYTES:
        return False
    messages = getattr(request, "_messages", None)
    if messages is not None and getattr(messages, "_queued_messages", None):
        return False  # the view left a message for the next page: its side effect must happen
    return True


class PageCacheMiddleware:
    """Serve a kept page when its key matches; keep the pages that may be kept. Last in MIDDLEWARE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        key = getattr(request, "_page_cache_key", None)
        if key and not getattr(request, "_page_cache_hit", False):
            wrote = data_version.writes_seen() != request._page_cache_writes
            if not wrote and _keepable(request, response):
                headers = [(name, value) for name, value in response.items() if name != HEADER]
                content = response.content
                nonce = getattr(request, "csp_nonce", "")
                if nonce:
                    content = content.replace(nonce.encode(), NONCE_PLACEHOLDER)
                _cache().set(key, (content, headers), TIMEOUT)
                response[HEADER] = "miss"
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not enabled():
            return None
        key = page_key(request)
        if key is None:
            return None
        request._page_cache_key = key
        kept = _cache().get(key)
        if kept is None:
            request._page_cache_writes = data_version.writes_seen()
            return None
        content, headers = kept
        response = HttpResponse(content.replace(NONCE_PLACEHOLDER, getattr(request, "csp_nonce", "").encode()))
        for name, value in headers:
            response[name] = value
        response[HEADER] = "hit"
        request._page_cache_hit = True
        return response
