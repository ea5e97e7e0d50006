"""Request counters in the shared store of the sign-in limits (settings.CACHES: the database, or
Redis when REDIS_URL is set), read with allauth's rate syntax: "600/m/key" per person or token,
"120/m/ip" per address. Used by the API (api/auth.py) and the search (search/views.py)."""

from __future__ import annotations

import hashlib
import time

from allauth.core.internal.ratelimit import get_ip, parse_rates
from django.core.cache import cache


def over_limit(request, scope: str, rates: str | None, key: str) -> int | None:
    """Count this request against each of ``rates``; the seconds to wait when one is exceeded, else None.

    A counter per window in the shared cache: ``incr`` (atomic on Redis), ``add`` when the window
    opens. Five queries a request on the database cache, half of what allauth's locked history
    costs; two requests racing on the database cache may both be counted once (the limit then
    lets one more through), never refused wrongly."""
    for rate in parse_rates(rates):
        who = key if rate.per != "ip" else get_ip(request)
        window = int(time.time() // rate.duration)
        digest = hashlib.sha256(f"{who}".encode()).hexdigest()[:32]
        cache_key = f"{scope}:rl:{rate}:{digest}:{window}"
        try:
            count = cache.incr(cache_key)
        except ValueError:
            count = 1 if cache.add(cache_key, 1, timeout=int(rate.duration) + 1) else cache.incr(cache_key)
        if count > rate.amount:
            return int((window + 1) * rate.duration - time.time()) + 1
    return None
