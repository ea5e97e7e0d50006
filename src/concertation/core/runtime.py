"""Process-level tuning shared by the web workers and the in-process page benchmark."""

from __future__ import annotations

import gc


def tune_garbage_collector() -> None:
    """Keep the cyclic garbage collector's full collections off the requests' path.

    Once Django and the URL configuration are loaded the process holds 100 000+ long-lived
    objects that every full collection would scan again: 55–80 ms each, every few requests on
    the larger pages (docs/performance.md). `gc.freeze()` moves them to the permanent generation,
    where collections no longer look; what a request creates is still collected as usual.
    """
    gc.collect()
    gc.freeze()
