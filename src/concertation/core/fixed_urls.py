"""``reverse(name)`` for the addresses without arguments that every page's header and footer link
to (home, profile, sign out…), worked out once per URL configuration.

Such an address depends only on the URL configuration (code), the script prefix, the language and
the current application: it is kept with the resolver Django builds for that configuration (it
caches its own reverse tables there), so a test that swaps the configuration gets a new resolver
and new addresses. Nothing a request or the database can change is kept.
"""

from __future__ import annotations

import weakref

from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

_BY_RESOLVER: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def fixed_url(name: str, current_app: str | None = None) -> str:
    """``reverse(name, current_app=current_app)`` for a URL name that takes no argument."""
    urlconf = get_urlconf()
    resolver = get_resolver(urlconf)
    known = _BY_RESOLVER.get(resolver)
    if known is None:
        known = _BY_RESOLVER[resolver] = {}
    key = (urlconf, get_script_prefix(), get_language(), current_app, name)
    url = known.get(key)
    if url is None:
        url = known[key] = reverse(name, urlconf=urlconf, current_app=current_app)
    return url


def current_app(request) -> str | None:
    """The current application ``{% url %}`` passes to reverse() for this request."""
    try:
        return request.current_app
    except AttributeError:
        return getattr(getattr(request, "resolver_match", None), "namespace", None)
