"""The site's navigation: the main menu, a space's tabs on every page of that space, and page titles
« Page — Espace — Concertation »."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from concertation.decisions import services as decision_services
from concertation.meetings.models import Meeting
from concertation.planning import services as plan_services

pytestmark = pytest.mark.django_db
T = {"territory": "pointe-test", "space": "assemblee"}


def title_of(html: str) -> str:
    return unescape(re.search(r"<title>(.*?)</title>", html, re.S).group(1))


def tabs_of(html: str) -> list[tuple[str, bool]]:
    """(label, is current) of each tab of the space's tab bar, or [] without one."""
    nav = re.search(r'<nav class="space-tabs".*?</nav>', html, re.S)
    if nav is None:
        return []
    return [(unescape(label), bool(current)) for current, label in
            re.findall(r'<a href="[^"]+"( aria-current="page")?>([^<]+)</a>', nav.group(0))]


@pytest.fixture
def pages(world):
    starts = timezone.now() + timedelta(days=5)
    meeting = Meeting.objects.create(space=world.assembly, title="Assemblée de décembre", starts_at=starts,
                                     ends_at=starts + timedelta(hours=2), status=Meeting.Status.CONVENED)
    proposal = decision_services.proposal_create(space=world.assembly, author=world.coordinator,
                                                 title="Prolonger la halte-garderie")
    plan = plan_services.plan_create(space=world.assembly, title="Plan de quartier", starts_on=timezone.localdate(),
                                     ends_on=timezone.localdate() + timedelta(days=900))
    return {
        "space": (reverse("spaces:space", kwargs=T), "Espace"),
        "meetings": (reverse("meetings:list", kwargs=T), "Rencontres"),
        "meeting": (reverse("meetings:meeting", kwargs={**T, "pk": meeting.pk}), "Rencontres"),
        "minutes": (reverse("meetings:minutes", kwargs={**T, "pk": meeting.pk}), "Rencontres"),
        "proposals": (reverse("decisions:proposals", kwargs=T), "Propositions"),
        "proposal": (reverse("decisions:proposal", kwargs={**T, "pk": proposal.pk}), "Propositions"),
        "plans": (reverse("planning:plans", kwargs=T), "Plan d'action"),
        "plan": (reverse("planning:plan", kwargs={**T, "plan": plan.pk}), "Plan d'action"),
        "documents": (reverse("documents:library", kwargs=T), "Documents"),
        "follow_ups": (reverse("meetings:follow_ups", kwargs=T), "Suivis"),
        "register": (reverse("register:space", kwargs=T), "Décisions"),
        "charter": (reverse("spaces:charter", kwargs=T), "Charte"),
        "members": (reverse("spaces:members", kwargs=T), "Membres"),
        "roles": (reverse("spaces:roles", kwargs=T), "Rôles et mandats"),
        "invitations": (reverse("spaces:invitations", kwargs=T), "Invitations"),
    }


def test_the_main_menu_leads_to_my_spaces_my_follow_ups_and_my_calendar(world, client_for):
    html = client_for(world.citizen).get(reverse("home")).content.decode()
    menu = re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)
    for name, label in (("home:my_spaces", "Mes espaces"), ("my:my_follow_ups", "Mes suivis"),
                        ("my_meetings:personal_feed_settings", "Mon calendrier")):
        assert f'<a href="{reverse(name)}">{label}</a>' in menu
    assert 'aria-current="page">Accueil</a>' in menu


def test_the_anonymous_menu_has_no_personal_links(client):
    menu = re.search(r'<nav class="site-nav".*?</nav>', client.get(reverse("home")).content.decode(), re.S).group(0)
    assert "Mes espaces" not in menu and "Mon calendrier" not in menu


def test_my_spaces_lists_the_spaces_by_territory(world, client_for):
    html = client_for(world.delegate).get(reverse("home:my_spaces")).content.decode()
    assert "Pointe-Test" in html and "Assemblée" in html and "Comité" in html and "Table d'ailleurs" not in html
    assert 'aria-current="page">Mes espaces</a>' in html


def test_my_spaces_offers_the_first_space_of_a_territory_coordinated_without_any(world, client_for):
    from tests.factories import TerritoryFactory

    empty = TerritoryFactory(name="Territoire & neuf", slug="neuf")
    empty.coordinators.add(world.coordinator)
    html = client_for(world.coordinator).get(reverse("home:my_spaces")).content.decode()
    assert html.index("Pointe-Test") < html.index("Territoire &amp; neuf")  # after those with spaces
    assert "Assemblée" in html and "Créez son premier espace" in html
    assert reverse("spaces:space_add", kwargs={"territory": "neuf"}) in html
    assert html.count("Créez son premier espace") == 1


def test_my_spaces_says_how_to_join_a_first_one(world, client_for):
    html = client_for(world.outsider).get(reverse("home:my_spaces")).content.decode()
    assert "Vous ne faites encore partie d'aucun espace" in html


def test_every_page_of_a_space_shows_its_tabs_with_the_current_one_marked(world, pages, client_for):
    client = client_for(world.coordinator)
    for key, (url, current) in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        tabs = tabs_of(response.content.decode())
        assert [label for label, is_current in tabs if is_current] == [current], key
        assert {"Espace", "Rencontres", "Propositions", "Plan d'action", "Membres"} <= {label for label, _ in tabs}


def test_a_member_sees_the_tabs_she_may_open_only(world, pages, client_for):
    tabs = [label for label, _current in tabs_of(client_for(world.citizen).get(pages["meetings"][0]).content.decode())]
    # (Santé de la gouvernance: she sits in the space, insights.view_space_health)
    assert tabs == ["Espace", "Rencontres", "Propositions", "Plan d'action", "Documents", "Suivis", "Décisions",
                    "Santé de la gouvernance", "Charte"]


def test_no_tabs_outside_a_space_nor_on_a_refusal(world, pages, client_for):
    assert tabs_of(client_for(world.citizen).get(reverse("home")).content.decode()) == []
    response = client_for(world.foreigner).get(reverse("spaces:space", kwargs={**T, "space": "comite"}))
    assert response.status_code == 404 and tabs_of(response.content.decode()) == []


@pytest.mark.parametrize("url,title", [
    ("/", "Accueil — Concertation"),
    ("/moi/suivis/", "Mes suivis — Concertation"),
    ("/moi/espaces/", "Mes espaces — Concertation"),
    ("/t/pointe-test/", "Pointe-Test — Concertation"),
    ("/t/pointe-test/e/assemblee/", "Assemblée — Concertation"),
    ("/t/pointe-test/e/assemblee/rencontres/", "Rencontres — Assemblée — Concertation"),
    ("/t/pointe-test/e/assemblee/propositions/", "Propositions — Assemblée — Concertation"),
    ("/t/pointe-test/e/assemblee/plan/", "Plans d'action — Assemblée — Concertation"),
    ("/t/pointe-test/e/assemblee/charte/", "Charte — Assemblée — Concertation"),
    ("/t/pointe-test/e/assemblee/rencontres/suivis/", "Suivis — Assemblée — Concertation"),
    ("/t/pointe-test/e/inconnu/", "Page introuvable — Concertation"),
])
def test_every_page_has_a_title_page_space_site(world, client_for, url, title):
    assert title_of(client_for(world.coordinator).get(url).content.decode()) == title


def test_a_meeting_title_names_its_space(world, pages, client_for):
    html = client_for(world.citizen).get(pages["meeting"][0]).content.decode()
    assert title_of(html) == "Assemblée de décembre — Assemblée — Concertation"


def test_the_sign_in_page_has_its_title(client):
    assert title_of(client.get(reverse("account_login")).content.decode()) == "Se connecter — Concertation"
