"""The search page: bounded queries at two data sizes, the htmx partial, the header's box."""

from __future__ import annotations

import pytest
from django.urls import reverse

from concertation.decisions import services as decisions

pytestmark = pytest.mark.django_db


def _proposals(w, count, start=0):
    for n in range(start, start + count):
        proposal = decisions.proposal_create(space=w.assembly, author=w.coordinator, title=f"Logement {n}",
                                             body="Des logements abordables <b>pour tous</b>.")
        decisions.proposal_open(proposal=proposal, by=w.coordinator)


def test_page_queries_bounded_at_two_sizes(world, client_for, django_assert_max_num_queries):
    url = reverse("search:search", kwargs={"territory": world.territory.slug})
    client = client_for(world.citizen)
    for total in (3, 30):
        _proposals(world, total - (3 if total == 30 else 0), start=3 if total == 30 else 0)
        # 10 for the page and its search, 5 for the rate limit's counter on the database cache.
        with django_assert_max_num_queries(15):
            response = client.get(url, {"q": "logements"})
        assert response.status_code == 200
        html = response.content.decode()
        assert 'role="search"' in html and 'role="status"' in html
        assert "<mark>Logement</mark>" in html
        assert "pour tous" in html
        assert "<b>pour tous</b>" not in html


def test_htmx_partial_and_header_box(world, client_for):
    _proposals(world, 2)
    url = reverse("search:search", kwargs={"territory": world.territory.slug})
    client = client_for(None)
    partial = client.get(url, {"q": "logement"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "Logement" in partial
    preview = client.get(url, {"q": "logement", "apercu": "1"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Tous les résultats" in preview
    page = client.get(reverse("spaces:space", kwargs={"territory": world.territory.slug,
                                                      "space": world.assembly.slug})).content.decode()
    assert f'action="{url}"' in page and 'name="espace" value="assemblee"' in page
    assert 'hx-trigger="input changed delay:300ms' in page
    scoped = client.get(url, {"q": "logement", "espace": "assemblee"}).content.decode()
    assert "chercher dans tout le territoire" in scoped


def test_bad_filters_are_ignored(world, client_for):
    url = reverse("search:search", kwargs={"territory": world.territory.slug})
    response = client_for(None).get(url, {"q": '"', "du": "pas-une-date", "au": "2024-13-45", "page": "x",
                                         "type": "<script>", "espace": "comite"})
    assert response.status_code == 200


def test_past_the_rate_limit_the_page_says_to_wait_and_reads_no_index(world, client_for, settings):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    settings.SEARCH_RATE_LIMITS = {"person": "2/m/key", "anonymous": "1/m/ip"}
    _proposals(world, 1)
    url = reverse("search:search", kwargs={"territory": world.territory.slug})
    citizen = client_for(world.citizen)
    for _ in range(2):
        assert "<mark>Logement</mark>" in citizen.get(url, {"q": "logement"}).content.decode()
    assert citizen.get(url).status_code == 200  # the empty page is not a search
    with CaptureQueriesContext(connection) as captured:
        refused = citizen.get(url, {"q": "logement"})
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "attendez une minute" in html and "<mark>" not in html and 'value="logement"' in html
    assert not [q for q in captured.captured_queries if "search_entry" in q["sql"]]
    preview = citizen.get(url, {"q": "logement", "apercu": "1"}, HTTP_HX_REQUEST="true")
    assert preview.status_code == 200 and "attendez une minute" in preview.content.decode()
    # Another person is counted apart; visitors who are not signed in, by address.
    assert client_for(world.delegate).get(url, {"q": "logement"}).status_code == 200
    visitor = client_for(None)
    assert visitor.get(url, {"q": "logement"}).status_code == 200
    assert visitor.get(url, {"q": "logement"}).status_code == 429
