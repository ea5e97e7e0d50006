"""The public window (issue 18, item 5): nothing private on any of its pages, a 404 where the
territory did not opt in, the coordinators' switch, the drawn image, bounded queries.

Every test that reads pages iterates over the app's URL patterns (``window_urls``): a new page is
covered without editing this file — unless it takes a parameter, which ``PARAMETERS`` must then fill.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from concertation.core.models import AuditEvent
from concertation.directory.models import Territory
from concertation.knowledge.models.practices import PracticeSheet
from concertation.meetings.models import Meeting
from concertation.planning import services as planning
from concertation.public import urls as public_urls
from concertation.public.services import ACTION
from tests.factories import MembershipFactory, OrganizationFactory, ProposalFactory, SpaceFactory
from tests.security.conftest import (
    DRAFT_MEETING_MARK,
    DRAFT_PROPOSAL_MARK,
    MEMBERS_ONLY_MARK,
    OTHER_MARK,
    PRIVATE_MARK,
)

from .conftest import (
    HIDDEN_COMMENT_MARK,
    PUBLIC_DOCUMENT,
    SECRET_BALLOT_MARK,
    TERRITORY_DOCUMENT_MARK,
    hidden_people,
)

pytestmark = pytest.mark.django_db

MARKS = (PRIVATE_MARK, OTHER_MARK, DRAFT_PROPOSAL_MARK, DRAFT_MEETING_MARK, MEMBERS_ONLY_MARK, HIDDEN_COMMENT_MARK,
         TERRITORY_DOCUMENT_MARK, SECRET_BALLOT_MARK,
         "Plan en préparation",  # a draft plan
         "Fiche à relire",       # a draft practice sheet
         "Un commentaire",       # comments are not shown on the window at all
         )
# URL parameters other than the territory, from the world (a new page with a parameter adds one).
PARAMETERS = {"plan": lambda w: w.public.plan.pk}


def window_urls(w, territory_slug: str) -> list[str]:
    urls = []
    for pattern in public_urls.urlpatterns:
        params = set(pattern.pattern.converters)
        assert params <= set(PARAMETERS), f"public_window:{pattern.name} needs its parameters in PARAMETERS"
        kwargs = {name: PARAMETERS[name](w) for name in params}
        urls.append(reverse(f"public_window:{pattern.name}", kwargs={"territory": territory_slug, **kwargs}))
    return urls


def client_for(user=None, language: str = "fr-ca") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


def text_of(response) -> str:
    if response["Content-Type"].startswith("image/"):
        image = Image.open(io.BytesIO(response.content))
        metadata = " ".join(f"{key}={value}" for key, value in image.info.items())
        return metadata + response.content.decode("latin-1")
    return response.content.decode()


@pytest.mark.parametrize("language", ["fr-ca", "en"])
@pytest.mark.parametrize("who", ["anonymous", "coordinator"])
def test_nothing_private_on_any_public_page(window_world, who, language):
    """Every page of the window, in both languages, to a visitor and to the coordinator (who sees
    what the public sees): none of the marks of private things, nobody who did not agree."""
    w = window_world
    viewer = None if who == "anonymous" else w.coordinator
    client = client_for(viewer, language)
    # (the header names the person signed in, to herself)
    people = [word for word in hidden_people(w) if viewer is None or word not in (viewer.email, viewer.display_name)]
    for url in window_urls(w, w.territory.slug):
        response = client.get(url)
        assert response.status_code == 200, url
        text = text_of(response)
        for mark in MARKS:
            assert mark not in text, f"{mark!r} on {url}"
        for word in people:
            assert not re.search(rf"{re.escape(word)}(?!\d)", text), f"{word!r} on {url}"


def test_the_public_things_are_there(window_world):
    w = window_world
    client = client_for()
    pages = {url: text_of(client.get(url)) for url in window_urls(w, w.territory.slug)}
    everything = "\n".join(pages.values())
    for shown in ("Décidée public", "Décision au scrutin secret", "Rencontre convoquée public",
                  "Rencontre tenue public", "Plan public", "Ménages accompagnés public", PUBLIC_DOCUMENT,
                  "Fiche public", "Repère public", w.org.name, "calendrier.ics", 'property="og:image"',
                  'name="description"', 'rel="canonical"', 'name="twitter:card"'):
        assert shown in everything, shown


def test_a_visitor_downloads_a_public_document(window_world):
    w = window_world
    documents = client_for().get(reverse("public_window:documents", kwargs={"territory": w.territory.slug})).content.decode()
    link = re.search(r'href="([^"]+/documents/\d+/v1/)"', documents).group(1)
    response = client_for().get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content if response.streaming else [response.content]) == b"%PDF-1.4 rapport"


def test_a_territory_that_did_not_opt_in_answers_404_everywhere(window_world):
    w = window_world
    Territory.objects.filter(pk=w.territory.pk).update(public_pages=False)
    clients = (client_for(), client_for(w.coordinator), client_for(w.admin))
    for slug in (w.territory.slug, w.other_territory.slug, "nulle-part"):
        for url in window_urls(w, slug):
            for client in clients:
                response = client.get(url)
                assert response.status_code == 404, url
                assert OTHER_MARK not in response.content.decode()


def test_another_territorys_plan_is_not_in_this_window(window_world):
    w = window_world
    for plan in (w.other.plan, w.private.plan, w.public.draft_plan):
        url = reverse("public_window:plan", kwargs={"territory": w.territory.slug, "plan": plan.pk})
        assert client_for().get(url).status_code == 404


def test_the_window_only_reads(window_world):
    response = client_for().post(reverse("public_window:home", kwargs={"territory": window_world.territory.slug}))
    assert response.status_code == 405


def test_the_image_is_drawn_and_cached(window_world):
    w = window_world
    url = reverse("public_window:og_image", kwargs={"territory": w.territory.slug})
    response = client_for().get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(response.content)).size == (1200, 630)
    assert "max-age" in response["Cache-Control"]
    again = client_for().get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    home = client_for().get(reverse("public_window:home", kwargs={"territory": w.territory.slug})).content.decode()
    assert f'content="http://testserver{url}"' in home


# The coordinators' switch ------------------------------------------------------------------------

def settings_url(w) -> str:
    return reverse("public_settings:settings", kwargs={"territory": w.territory.slug})


def test_coordinators_turn_the_window_off_and_on(window_world):
    w = window_world
    client = client_for(w.coordinator)
    assert client.get(settings_url(w)).status_code == 200
    response = client.post(settings_url(w), {})
    assert response.status_code == 302, re.findall(r'role="alert">(.*?)</div>', response.content.decode(), re.S)
    assert not Territory.objects.get(pk=w.territory.pk).public_pages
    assert client_for().get(reverse("public_window:home", kwargs={"territory": w.territory.slug})).status_code == 404
    client.post(settings_url(w), {"public_pages": "on"})
    assert Territory.objects.get(pk=w.territory.pk).public_pages
    events = AuditEvent.objects.filter(action=ACTION, territory_id=w.territory.pk).order_by("pk")
    assert [event.details["public_pages"] for event in events] == [False, True]
    client.post(settings_url(w), {"public_pages": "on"})  # no change: no line
    assert events.count() == 2


@pytest.mark.parametrize("who", ["delegate", "facilitator", "citizen", "outsider", "foreigner"])
def test_others_may_not_turn_it_off(window_world, who):
    w = window_world
    client = client_for(getattr(w, who))
    assert client.get(settings_url(w)).status_code == 404
    assert client.post(settings_url(w), {}).status_code == 404
    assert Territory.objects.get(pk=w.territory.pk).public_pages
    assert not AuditEvent.objects.filter(action=ACTION).exists()


def test_the_territory_links_to_its_window(window_world):
    w = window_world
    page = client_for().get(reverse("spaces:territory", kwargs={"territory": w.territory.slug})).content.decode()
    assert reverse("public_window:home", kwargs={"territory": w.territory.slug}) in page
    assert settings_url(w) not in page
    page = client_for(w.coordinator).get(reverse("spaces:territory", kwargs={"territory": w.territory.slug}))
    assert settings_url(w) in page.content.decode()


# Queries ------------------------------------------------------------------------------------------

MAX_QUERIES = 10


def grow(w, n: int = 12) -> None:
    """More of everything the window lists: spaces, organizations, decisions, meetings, documents,
    sheets, indicators."""
    from django.core.files.base import ContentFile

    from concertation.knowledge.services.documents import document_add

    now = timezone.now()
    for index in range(3):
        space = SpaceFactory(territory=w.territory, name=f"Espace ouvert {index}", slug=f"ouvert-{index}",
                             visibility="public")
        for _number in range(4):
            MembershipFactory(space=space, organization=OrganizationFactory(territory=w.territory))
    for index in range(n):
        ProposalFactory(space=w.assembly, author=w.coordinator, title=f"Décision {index}", decided=True,
                        decided_at=now - timedelta(days=index + 3), decided_by=w.coordinator)
        start = now + timedelta(days=index + 1) * (1 if index % 2 else -1)
        Meeting.objects.create(space=w.assembly, title=f"Rencontre {index}", starts_at=start,
                               ends_at=start + timedelta(hours=2), status=Meeting.Status.CONVENED)
        document_add(space=w.assembly, by=w.coordinator, title=f"Document {index}", visibility="public",
                     file=ContentFile(b"%PDF-1.4", name=f"d{index}.pdf"))
        PracticeSheet.objects.create(territory=w.territory, title=f"Fiche {index}", status="published",
                                     audience="public", published_at=now)
    for index in range(4):
        indicator = planning.indicator_add(
            plan=w.public.plan, by=w.coordinator, reason="Suivi plus fin.", decision=w.public.decided_proposal,
            objective=w.public.objective, name=f"Indicateur {index}", unit="ménages",
            baseline_value=Decimal(10), baseline_date=date(2024, 1, 1), target_value=Decimal(30),
            target_date=date(2030, 1, 1), frequency="yearly", responsible=w.org)
        planning.measurement_add(indicator=indicator, date=date(2025, 6, 30), value=12, by=w.coordinator)


def test_queries_do_not_grow_with_the_data(window_world, django_assert_max_num_queries):
    w = window_world
    client = client_for()
    counts = {}
    for size in ("small", "large"):
        if size == "large":
            grow(w)
        for url in window_urls(w, w.territory.slug):
            with django_assert_max_num_queries(MAX_QUERIES) as captured:
                assert client.get(url).status_code == 200
            counts.setdefault(url, []).append(len(captured))
    assert all(small == large for small, large in counts.values()), counts
