"""Discussion pages: bounded queries whatever the size of the discussion; hostile text rendered
inert through the body and the reason of a hidden comment."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from concertation.knowledge.discussions_registry import target
from concertation.knowledge.models import Comment
from concertation.knowledge.services.discussions import comment_hide
from tests.factories import UserFactory
from tests.knowledge.conftest import KINDS, comment_url, post, thread_url
from tests.security.payloads import XSS

pytestmark = pytest.mark.django_db


def grow(obj, world, count: int) -> None:
    """``count`` more top-level comments, each with two replies (one hidden), by new people."""
    entry = target(next(k for k in KINDS if isinstance(obj, target(k).model)))
    space = entry.space_of(obj)
    for _n in range(count):
        person = UserFactory()
        first = Comment.objects.create(territory_id=space.territory_id, space=space, target_kind=entry.kind,
                                       target_id=obj.pk, author=person, body="Un avis **important**.")
        Comment.objects.create(territory_id=space.territory_id, space=space, target_kind=entry.kind,
                               target_id=obj.pk, author=world.citizen, parent=first, body="D'accord.")
        reply = Comment.objects.create(territory_id=space.territory_id, space=space, target_kind=entry.kind,
                                       target_id=obj.pk, author=person, parent=first, body="Hors sujet.")
        comment_hide(comment=reply, entry=entry, obj=obj, by=world.coordinator, reason="Hors sujet.")


def page_urls(obj, kind):
    urls = [thread_url(obj)]
    if target(kind).shown_on_page:
        urls.append(target(kind).url_of(obj))
    return urls


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("viewer", ["anonymous", "citizen", "coordinator"])
def test_discussion_queries_do_not_grow_with_the_comments(world, targets, client_for, kind, viewer):
    obj = getattr(targets, kind)["assembly"]
    client = client_for(world.users[viewer])
    for url in page_urls(obj, kind):
        client.get(url)  # warm the caches
    counts = []
    for size in (3, 40):  # 3 threads, then 43 (more than a page of the discussion's own page)
        grow(obj, world, size)
        sizes = []
        for url in page_urls(obj, kind):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200
            sizes.append(len(queries))
        counts.append(sizes)
    assert counts[0] == counts[1], f"{counts[0]} queries with 3 threads, {counts[1]} with 43"
    with CaptureQueriesContext(connection) as queries:
        client.get(thread_url(obj))
    assert len(queries) <= 16, [q["sql"] for q in queries.captured_queries]


def test_the_discussion_page_paginates_and_the_object_page_shows_the_latest(world, targets, client_for):
    proposal = targets.proposal["assembly"]
    grow(proposal, world, 35)
    latest = Comment.objects.filter(parent=None).latest("created_at", "pk")
    oldest = Comment.objects.filter(parent=None).earliest("created_at", "pk")
    client = client_for(world.citizen)
    on_page = client.get(target("proposal").url_of(proposal)).content.decode()
    assert f'id="commentaire-{latest.pk}"' in on_page and f'id="commentaire-{oldest.pk}"' not in on_page
    assert "Voir toute la discussion" in on_page
    first_page = client.get(thread_url(proposal)).content.decode()
    assert f'id="commentaire-{oldest.pk}"' in first_page and f'id="commentaire-{latest.pk}"' not in first_page
    assert f'id="commentaire-{latest.pk}"' in client.get(thread_url(proposal) + "?page=2").content.decode()


HOSTILE = "\n\n".join(XSS.values())


class Dangers(HTMLParser):
    """What would run in a browser: script elements with a payload, event handlers, javascript:
    URLs, htmx script attributes, frames and SVG."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found, self.in_script = [], False

    def handle_starttag(self, tag, attrs):
        if tag in {"iframe", "object", "embed", "svg", "math", "base"}:
            self.found.append(tag)
        self.in_script = tag == "script"
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on") or name.startswith("hx-on") or value.startswith("javascript:") or \
                    (name == "hx-vals" and "js:" in value):
                self.found.append(f"{tag} {name}={value}")

    def handle_data(self, data):
        if self.in_script and "__xss" in data:
            self.found.append("script")

    def handle_endtag(self, tag):
        self.in_script = False


def dangers(page: str) -> list[str]:
    parser = Dangers()
    parser.feed(page)
    return parser.found


def test_hostile_text_is_rendered_inert_in_body_reply_and_reason(world, targets, client_for):
    proposal = targets.proposal["assembly"]
    client = client_for(world.citizen)
    assert client.post(thread_url(proposal), {"body": HOSTILE}).status_code == 302
    first = Comment.objects.get()
    assert client.post(thread_url(proposal), {"body": HOSTILE, "parent": first.pk}).status_code == 302
    hidden = post(proposal, world.delegate, HOSTILE)
    assert client_for(world.coordinator).post(comment_url("hide", hidden),
                                              {"reason": XSS["script"] + XSS["img_onerror"]}).status_code == 302
    assert client_for(world.citizen).post(comment_url("edit", first), {"body": HOSTILE + "\n\n@[" + XSS["attr_double"] + "]"}
                       ).status_code == 302
    for viewer in (world.citizen, world.coordinator):
        for url in (thread_url(proposal), target("proposal").url_of(proposal), comment_url("history", first)):
            page = client_for(viewer).get(url).content.decode()
            assert "window.__xss" in page  # the text is there…
            assert dangers(page) == [], url  # …and nothing of it would run
        fragment = client_for(viewer).post(thread_url(proposal), {"body": ""}, HTTP_HX_REQUEST="true").content.decode()
        assert "window.__xss" in fragment and dangers(fragment) == []
    # The reason shows escaped to everyone else.
    page = client_for(world.observer).get(thread_url(proposal)).content.decode()
    assert "&lt;script&gt;window.__xss++&lt;/script&gt;" in page
