"""Request counters, read with allauth's rate syntax: "600/m/key" per person or token, "120/m/ip"
per address. Used by the API (api/auth.py) and the search (search/views.py).

Kept where the sign-in limits are (settings.CACHES): in Redis when REDIS_URL is set (several
hosts), else in the database, in a table of their own (``core.RateCounter``) rather than the
database cache: one atomic upsert counts a request (the cache's get-then-set took five queries,
and two racing requests could be counted once)."""

from __future__ import annotations

import datetime
import hashlib
import time

from allauth.core.internal.ratelimit import get_ip, parse_rates
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from .models import RateCounter


def over_limit(request, scope: str, rates: str | None, key: str) -> int | None:
    """Count this request against each of ``rates``; the seconds to wait when one is exceeded, else None."""
    for rate in parse_rates(rates):
        who = key if rate.per != "ip" else get_ip(request)
        window = int(time.time() // rate.duration)
        digest = hashlib.sha256(f"{who}".encode()).hexdigest()[:32]
        name = f"{scope}:rl:{rate}:{digest}:{window}"
        window_ends = (window + 1) * rate.duration
        if count_request(name, window_ends) > rate.amount:
            return int(window_ends - time.time()) + 1
    return None


def _in_redis() -> bool:
    return "redis" in settings.CACHES["default"]["BACKEND"].lower()


def count_request(name: str, window_ends: float) -> int:
    """Add one to the counter ``name`` of a window ending at ``window_ends`` (epoch seconds); its new value."""
    if _in_redis():
        try:
            return cache.incr(name)  # atomic in Redis
        except ValueError:
            return 1 if cache.add(name, 1, timeout=int(window_ends - time.time()) + 1) else cache.incr(name)
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    name_col, count_col, expires_col = (connection.ops.quote_name(column) for column in ("name", "count", "expires"))
    expires = datetime.datetime.fromtimestamp(window_ends, tz=datetime.UTC)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({name_col}, {count_col}, {expires_col}) VALUES (%s, 1, %s) "
            f"ON CONFLICT ({name_col}) DO UPDATE SET {count_col} = {table}.{count_col} + 1 RETURNING {count_col}",
            [name, connection.ops.adapt_datetimefield_value(expires)],
        )
        count = cursor.fetchone()[0]
    if count == 1:
        # A window opened: the windows that ended go (once per person and window, by an index).
        RateCounter.objects.filter(expires__lt=timezone.now()).delete()
    return count
