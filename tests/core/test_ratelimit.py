"""The request counters of core.ratelimit: one atomic upsert a request in the database, windows
that ended removed, and the same answers when the counters live in a shared cache (Redis)."""

import time

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from concertation.core import ratelimit
from concertation.core.models import RateCounter

pytestmark = pytest.mark.django_db


def test_a_counter_goes_up_by_one_a_request_in_one_query():
    ends = time.time() + 60
    assert ratelimit.count_request("t:a", ends) == 1
    with CaptureQueriesContext(connection) as captured:
        assert ratelimit.count_request("t:a", ends) == 2
    assert len(captured.captured_queries) == 1
    assert ratelimit.count_request("t:a", ends) == 3
    assert ratelimit.count_request("t:b", ends) == 1
    assert dict(RateCounter.objects.values_list("name", "count")) == {"t:a": 3, "t:b": 1}


def test_the_windows_that_ended_go_when_a_window_opens():
    ratelimit.count_request("t:old", time.time() - 1)
    ratelimit.count_request("t:current", time.time() + 60)
    ratelimit.count_request("t:new", time.time() + 60)
    assert set(RateCounter.objects.values_list("name", flat=True)) == {"t:current", "t:new"}


def test_past_the_rate_the_seconds_to_wait_are_given_per_person_and_per_address():
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.7")
    assert ratelimit.over_limit(request, "test", "2/m/key", "person-1") is None
    assert ratelimit.over_limit(request, "test", "2/m/key", "person-1") is None
    wait = ratelimit.over_limit(request, "test", "2/m/key", "person-1")
    assert wait is not None and 1 <= wait <= 61
    assert ratelimit.over_limit(request, "test", "2/m/key", "person-2") is None
    assert ratelimit.over_limit(request, "other", "2/m/key", "person-1") is None  # scopes apart
    assert ratelimit.over_limit(request, "test", "1/m/ip", "") is None
    other_address = RequestFactory().get("/", REMOTE_ADDR="192.0.2.8")
    assert ratelimit.over_limit(other_address, "test", "1/m/ip", "") is None
    assert ratelimit.over_limit(request, "test", "1/m/ip", "") is not None
    assert not RateCounter.objects.filter(name__contains="person-1").exists()  # digests, not who


def test_with_a_shared_cache_the_counters_live_there(monkeypatch, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    monkeypatch.setattr(ratelimit, "_in_redis", lambda: True)
    from django.core.cache import cache

    cache.clear()
    request = RequestFactory().get("/")
    assert ratelimit.over_limit(request, "test", "1/m/key", "p") is None
    assert ratelimit.over_limit(request, "test", "1/m/key", "p") is not None
    assert not RateCounter.objects.exists()
