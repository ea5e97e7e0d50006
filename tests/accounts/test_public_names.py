"""Privacy on public pages (issue 13, item 11; Québec's Law 25): anonymous visitors see organizations,
not people, unless a person agreed to be shown (``User.shown_publicly``, off by default); signed-in
people see names as before; coordinators see who agreed."""

from __future__ import annotations

import re
from collections import deque
from html import unescape

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from concertation.accounts import privacy
from concertation.accounts.models import User
from tests.factories import UserFactory
from tests.security.conftest import populate

pytestmark = pytest.mark.django_db

# Distinct names, so that a page showing one is caught wherever it shows it.
HIDDEN = {
    "citizen": "Zénobie Quirion-Discrète",
    "delegate": "Ulysse Vachon-Réservé",
    "coordinator": "Octavie Lemieux-Privée",
}
AGREED = "Pascale Boisvert-Publique"  # the observer, who agreed to be named
HREF = re.compile(r'href="([^"#]+)')


@pytest.fixture
def named(world, monkeypatch):
    """The public assembly with every kind of object (tests/security/conftest.py), its people named."""
    for kind, name in HIDDEN.items():
        User.objects.filter(pk=getattr(world, kind).pk).update(display_name=name)
        getattr(world, kind).refresh_from_db()
    User.objects.filter(pk=world.observer.pk).update(display_name=AGREED, shown_publicly=True)
    world.observer.refresh_from_db()
    world.public = populate(world, world.assembly, member=world.citizen, organization=world.org,
                            runner=world.coordinator, attendees=[(world.citizen, None), (world.delegate, world.org),
                                                                 (world.observer, world.observer_org)],
                            voter_key=f"o:{world.org.pk}", tag="public")
    # The facilitator and the secretary of the convened meeting; the observer presents an item.
    meeting = world.public.convened_meeting
    meeting.facilitator, meeting.secretary = world.coordinator, world.delegate
    meeting.save(update_fields=["facilitator", "secretary"])
    world.public.agenda_item.presenter = world.observer
    world.public.agenda_item.save(update_fields=["presenter"])

    from concertation.core import pdf as core_pdf
    from concertation.meetings import pdf

    def html(template, context, request=None):
        from django.template.loader import render_to_string

        return render_to_string(template, context, request=request).encode()

    monkeypatch.setattr(pdf, "render_pdf", html)
    monkeypatch.setattr(core_pdf, "render_pdf", html)
    return world


def crawl(client, starts, prefix, limit=250):
    """Every page reachable from ``starts`` by links under ``prefix`` (GET), with its text."""
    seen, queue, pages = set(starts), deque(starts), {}
    while queue and len(pages) < limit:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code != 200:
            continue
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = unescape(body.decode("utf-8", "replace"))
        pages[url] = text
        if "html" not in response.get("Content-Type", ""):
            continue
        for link in HREF.findall(text):
            link = unescape(link)
            if link.startswith(prefix) and link not in seen and "/compte/" not in link:
                seen.add(link)
                queue.append(link)
    return pages


def public_addresses(w) -> list[str]:
    t, a = w.territory.slug, w.assembly.slug
    return [f"/t/{t}/", f"/t/{t}/e/{a}/", f"/t/{t}/e/{a}/?tous=1", f"/t/{t}/decisions/",
            f"/t/{t}/decisions/registre.csv", f"/t/{t}/decisions/registre.atom",
            f"/t/{t}/decisions/e/{a}/registre.csv", f"/t/{t}/decisions/e/{a}/registre.atom"]


def test_an_anonymous_crawl_of_the_public_pages_finds_no_name_of_who_did_not_agree(named):
    w = named
    pages = crawl(Client(), public_addresses(w), f"/t/{w.territory.slug}/")
    kinds = {url.rsplit(".", 1)[-1] for url in pages if url.endswith((".csv", ".atom", ".ics"))}
    assert {"csv", "atom", "ics"} <= kinds, sorted(pages)  # the exports and feeds were read too
    assert any("/proces-verbal/" in url for url in pages) and any("/propositions/" in url for url in pages)
    for url, text in pages.items():
        for name in HIDDEN.values():
            assert name not in text, f"{url} shows « {name} » to an anonymous visitor"
        for person in (w.citizen, w.delegate, w.coordinator):
            assert person.email not in text, url
    assert any(AGREED in text for text in pages.values()), "the name of who agreed is shown"
    # Where a person acts for an organization, the organization stands in for her.
    space_page = pages[f"/t/{w.territory.slug}/e/{w.assembly.slug}/"]
    assert w.org.name in space_page


def test_signed_in_members_still_see_names(named):
    w = named
    client = Client()
    client.force_login(w.citizen)
    t, a = w.territory.slug, w.assembly.slug
    space_page = client.get(f"/t/{t}/e/{a}/").content.decode()
    assert HIDDEN["delegate"] in space_page
    meeting = client.get(f"/t/{t}/e/{a}/rencontres/{w.public.convened_meeting.pk}/").content.decode()
    assert HIDDEN["coordinator"] in meeting and HIDDEN["delegate"] in meeting
    minutes = client.get(f"/t/{t}/e/{a}/rencontres/{w.public.held_meeting.pk}/proces-verbal/").content.decode()
    assert HIDDEN["citizen"] in minutes


def test_the_coordinator_sees_who_agreed(named):
    w = named
    client = Client()
    client.force_login(w.coordinator)
    page = client.get(f"/t/{w.territory.slug}/e/{w.assembly.slug}/membres/").content.decode()
    rows = {row for row in page.split("<tr>") if AGREED in row or HIDDEN["delegate"] in row}
    agreed = next(row for row in rows if AGREED in row)
    assert "Nom public" in agreed
    assert all("Nom public" not in row for row in rows if HIDDEN["delegate"] in row and AGREED not in row)


def test_the_setting_is_off_by_default_and_set_on_the_profile(client):
    person = UserFactory(display_name="Amina Belkacem")
    assert person.shown_publicly is False
    client.force_login(person)
    page = client.get("/compte/profil/").content.decode()
    assert "Afficher mon nom sur les pages publiques" in page
    response = client.post("/compte/profil/", {"display_name": "Amina Belkacem", "preferred_language": "fr-ca",
                                               "phone": "", "shown_publicly": "on"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.shown_publicly is True
    client.post("/compte/profil/", {"display_name": "Amina Belkacem", "preferred_language": "fr-ca", "phone": ""})
    person.refresh_from_db()
    assert person.shown_publicly is False


def test_display_name_for_follows_the_rule(world):
    anonymous, member = AnonymousUser(), world.citizen
    person = UserFactory(display_name="Rosalie Gagnon")
    assert privacy.display_name_for(person, member) == "Rosalie Gagnon"
    assert privacy.display_name_for(person, member, organization=world.org) == f"Rosalie Gagnon ({world.org.short_name})"
    assert privacy.display_name_for(person, anonymous) == "Une personne membre"
    assert privacy.display_name_for(person, None, organization=world.org) == world.org.name
    person.shown_publicly = True
    assert privacy.display_name_for(person, anonymous) == "Rosalie Gagnon"
    text = f"Présences : Rosalie Gagnon ({world.org.name}), Léo Roy."
    other = UserFactory(display_name="Léo Roy")
    assert privacy.redact(text, [(person, world.org), (other, None)], anonymous) == \
        f"Présences : Rosalie Gagnon ({world.org.name}), Une personne membre."
    person.shown_publicly = False
    assert privacy.redact(text, [(person, world.org), (other, None)], anonymous) == \
        f"Présences : {world.org.name}, Une personne membre."
    assert privacy.redact(text, [(person, world.org)], member) == text
