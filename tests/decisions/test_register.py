"""The decision register: per territory and per space, filters and search, CSV and Atom, visibility."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from concertation.decisions import services
from concertation.decisions.ballots import ballot_cast
from concertation.decisions.models import Proposal
from tests.factories import (
    DelegationFactory,
    MembershipFactory,
    OrganizationFactory,
    ProposalFactory,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
NBSP = "\u00a0"


def moment(year, month, day, hour=19):
    return timezone.make_aware(datetime(year, month, day, hour, 0))


def decided(space, title, *, outcome="Adoptée.", when=None, method="majority", adopted=True, no_decision=False,
            origin=Proposal.Origin.ONLINE, dissent=""):
    """A decided proposal written directly (the register only reads what the services stored)."""
    result = {"method": method, "adopted": adopted, "counts": {"yes": 3, "no": 0, "abstain": 0},
              "quorum": {"kind": "none"}, "participants": 3, "eligible": 3}
    if no_decision:
        result["no_decision"] = True
    return ProposalFactory(space=space, title=title, outcome=outcome, dissent=dissent, method=method, decided=True,
                           decided_at=when or moment(2025, 10, 7), result=result, origin=origin)


def territory_url(world, **params):
    return reverse("register:territory", kwargs={"territory": world.territory.slug})


def space_url(world, space, name="space"):
    return reverse(f"register:{name}", kwargs={"territory": world.territory.slug, "space": space.slug})


@pytest.fixture
def decisions(world):
    return {
        "public": decided(world.assembly, "Adoption du plan de quartier", when=moment(2025, 9, 18),
                          method="consensus", origin=Proposal.Origin.MEETING,
                          outcome="Le plan de quartier 2025-2030 est adopté par consensus."),
        "members": decided(world.committee, "Répartition de l'enveloppe", when=moment(2025, 10, 7),
                           outcome="L'Enveloppe de 120 000 $ est répartie entre trois projets."),
        "territory": decided(world.group, "Plan de porte-à-porte", when=moment(2025, 10, 21), method="consent",
                             adopted=False, outcome="Le plan est renvoyé au comité."),
    }


def titles(response):
    return [row.proposal.title for row in response.context["rows"]]


# Visibility ---------------------------------------------------------------------------------

def test_anonymous_visitors_see_the_decisions_of_public_spaces_only(world, decisions, client):
    response = client.get(territory_url(world))
    assert response.status_code == 200
    assert titles(response) == ["Adoption du plan de quartier"]
    html = response.content.decode()
    assert "Répartition" not in html and "porte-à-porte" not in html
    assert "Le plan de quartier 2025-2030 est adopté par consensus." in html


@pytest.mark.parametrize(("user", "expected"), [
    ("outsider", {"public"}),
    ("foreigner", {"public"}),
    ("observer", {"public", "territory"}),
    ("delegate", {"public", "members", "territory"}),
    ("coordinator", {"public", "members", "territory"}),
])
def test_each_person_sees_the_decisions_of_the_spaces_they_may_see(world, decisions, client_for, user, expected):
    response = client_for(world.users[user]).get(territory_url(world))
    assert response.status_code == 200
    assert set(titles(response)) == {decisions[key].title for key in expected}


def test_a_private_space_register_answers_404_like_a_missing_one(world, decisions, client_for):
    anonymous = client_for(None)
    for name in ("space", "space_csv", "space_feed"):
        # Anonymous visitors are sent to sign in (issue 13), for a private space as for a missing one.
        assert anonymous.get(space_url(world, world.committee, name)).status_code == 302
        missing = reverse(f"register:{name}", kwargs={"territory": world.territory.slug, "space": "nulle-part"})
        assert anonymous.get(missing).status_code == 302
    assert client_for(world.observer).get(space_url(world, world.committee)).status_code == 404
    response = client_for(world.delegate).get(space_url(world, world.committee))
    assert response.status_code == 200
    assert titles(response) == ["Répartition de l'enveloppe"]


def test_a_space_register_lists_only_that_space(world, decisions, client_for):
    response = client_for(None).get(space_url(world, world.assembly))
    assert response.status_code == 200
    assert titles(response) == ["Adoption du plan de quartier"]
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert 'type="application/atom+xml"' in html


def test_the_column_of_where_a_decision_was_taken_says_so(world, decisions, client_for):
    html = client_for(None).get(space_url(world, world.assembly)).content.decode()
    assert '<th scope="col">Prise à</th>' in html and 'data-label="Prise à"' in html
    assert '<th scope="col">Lieu</th>' not in html


def test_only_decided_proposals_enter_the_register(world, client_for):
    decided(world.assembly, "Décidée")
    for status in ("draft", "open", "closed", "withdrawn"):
        Proposal.objects.create(space=world.assembly, title=f"Pas décidée ({status})", status=status)
    response = client_for(None).get(territory_url(world))
    assert titles(response) == ["Décidée"]


def test_an_empty_register_explains_what_it_will_hold(world, client_for):
    response = client_for(None).get(territory_url(world))
    assert response.status_code == 200
    assert "Aucune décision n'est encore inscrite au registre" in response.content.decode()


# Filters and search -------------------------------------------------------------------------

def test_filters_by_space_period_method_and_result(world, decisions, client_for):
    client = client_for(world.coordinator)
    url = territory_url(world)
    assert titles(client.get(url, {"space": world.committee.slug})) == ["Répartition de l'enveloppe"]
    assert set(titles(client.get(url, {"from": "2025-10-01"}))) == {
        "Répartition de l'enveloppe", "Plan de porte-à-porte"}
    assert titles(client.get(url, {"from": "2025-10-07", "to": "2025-10-07"})) == ["Répartition de l'enveloppe"]
    assert titles(client.get(url, {"to": "2025-09-30"})) == ["Adoption du plan de quartier"]
    assert titles(client.get(url, {"method": "consent"})) == ["Plan de porte-à-porte"]
    assert set(titles(client.get(url, {"status": "adopted"}))) == {
        "Adoption du plan de quartier", "Répartition de l'enveloppe"}
    assert titles(client.get(url, {"status": "rejected"})) == ["Plan de porte-à-porte"]
    # Unknown or malformed values are ignored, never an error.
    response = client.get(url, {"space": "inconnu", "from": "pas-une-date", "method": "dés", "status": "x"})
    assert response.status_code == 200 and len(titles(response)) == 3


def test_a_decision_without_quorum_is_filtered_as_no_decision(world, client_for):
    decided(world.assembly, "Sans quorum", adopted=False, no_decision=True)
    decided(world.assembly, "Rejetée", adopted=False)
    client = client_for(None)
    assert titles(client.get(territory_url(world), {"status": "no_decision"})) == ["Sans quorum"]
    assert titles(client.get(territory_url(world), {"status": "rejected"})) == ["Rejetée"]


def test_search_reads_titles_and_outcomes_without_regard_to_case(world, decisions, client_for):
    client = client_for(world.coordinator)
    assert titles(client.get(territory_url(world), {"q": "ENVELOPPE"})) == ["Répartition de l'enveloppe"]
    assert titles(client.get(territory_url(world), {"q": "renvoyé au"})) == ["Plan de porte-à-porte"]
    assert titles(client.get(territory_url(world), {"q": "introuvable"})) == []
    response = client.get(territory_url(world), {"q": "introuvable"})
    assert "Aucune décision ne correspond à ces filtres" in response.content.decode()


def test_the_space_filter_never_reaches_a_space_out_of_sight(world, decisions, client_for):
    response = client_for(None).get(territory_url(world), {"space": world.committee.slug})
    # The committee is not among the anonymous visitor's spaces: the filter is ignored.
    assert titles(response) == ["Adoption du plan de quartier"]


def test_htmx_requests_get_the_table_only(world, decisions, client_for):
    response = client_for(None).get(territory_url(world), {"q": "plan"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="register-table"' in html
    assert "Adoption du plan de quartier" in html


def test_the_filter_form_works_without_javascript(world, decisions, client_for):
    html = client_for(None).get(territory_url(world)).content.decode()
    assert 'method="get"' in html and 'action="/t/pointe-test/decisions/"' in html
    for name in ("space", "from", "to", "method", "status", "q"):
        assert f'name="{name}"' in html
    assert "hx-push-url" in html


def test_the_register_paginates_by_50(world, client_for):
    for n in range(55):
        decided(world.assembly, f"Décision {n:02d}", when=moment(2025, 9, 1) + timedelta(hours=n))
    client = client_for(None)
    first = client.get(territory_url(world))
    assert len(first.context["rows"]) == 50 and first.context["rows"][0].proposal.title == "Décision 54"
    second = client.get(territory_url(world), {"page": 2})
    assert [row.proposal.title for row in second.context["rows"]] == [f"Décision {n:02d}" for n in range(4, -1, -1)]


# What each row tells -------------------------------------------------------------------------

def test_a_row_tells_date_place_rule_result_participants_recusals_and_dissent(world, client_for):
    """A decision taken through the services: two voters, one recused organization, a dissent."""
    conflicted = OrganizationFactory(territory=world.territory, name="Organisme en conflit", college=world.community)
    DelegationFactory(membership=MembershipFactory(space=world.assembly, organization=conflicted))
    proposal = services.proposal_create(space=world.assembly, author=world.coordinator, title="Lettre d'appui",
                                        origin=Proposal.Origin.MEETING)
    opened = moment(2025, 11, 25, 19)
    proposal = services.proposal_open(proposal=proposal, by=world.coordinator, now=opened,
                                      closes_at=opened + timedelta(hours=2))
    services.recusal_declare(proposal=proposal, by=world.coordinator, organization=conflicted, reason="Demandeur")
    ballot_cast(proposal=proposal, person=world.delegate, value="agree", organization=world.org,
                now=opened + timedelta(minutes=5))
    ballot_cast(proposal=proposal, person=world.citizen, value="stand_aside", now=opened + timedelta(minutes=6))
    services.proposal_close(proposal=proposal, by=world.coordinator, now=opened + timedelta(hours=1))
    services.proposal_decide(proposal=proposal, by=world.coordinator, now=opened + timedelta(hours=1),
                             outcome="L'Assemblée appuie la demande.", dissent="Amina se tient en retrait.")

    response = client_for(None).get(space_url(world, world.assembly))
    (row,) = response.context["rows"]
    assert (row.participants, row.recusals) == (2, 1)
    assert row.where.label == "En rencontre"
    assert row.method == "Consensus"
    assert row.rule == "une voix par organisme"
    assert row.result.replace(NBSP, " ").startswith("Consensus atteint : 1 d'accord, 1 en retrait")
    assert row.revisions == []
    html = response.content.decode()
    assert "mardi 25 novembre 2025" in html
    assert "Amina se tient en retrait." in html and "L&#x27;Assemblée appuie la demande." in html


def test_an_online_decision_says_so(world, client_for):
    decided(world.assembly, "Vote en ligne")
    (row,) = client_for(None).get(territory_url(world)).context["rows"]
    assert row.where.label == "En ligne"
    assert row.rule == "vote à la majorité simple des voix exprimées; une voix par personne"


def test_a_decision_taken_in_a_meeting_names_the_meeting_and_the_item(world, client_for):
    from concertation.meetings.models import AgendaItem, Meeting

    proposal = decided(world.assembly, "Adoption de la charte", origin=Proposal.Origin.MEETING)
    meeting = Meeting.objects.create(space=world.assembly, title="Assemblée des partenaires",
                                     starts_at=moment(2025, 9, 18, 18), ends_at=moment(2025, 9, 18, 21))
    AgendaItem.objects.create(meeting=meeting, title="Charte de l'Assemblée", kind="decision", proposal=proposal)
    (row,) = client_for(None).get(territory_url(world)).context["rows"]
    assert row.where.label == (f"Assemblée des partenaires du jeudi 18 septembre 2025, "
                               f"point «{NBSP}Charte de l'Assemblée{NBSP}»")


def test_the_rows_link_to_each_proposal_meeting_and_space_register_as_reverse_does(world, client_for):
    """The table's rows are written in Python (register_table.py) with addresses reversed once a
    page: each link is the one ``reverse`` gives, and what people wrote is escaped."""
    from concertation.meetings.models import AgendaItem, Meeting

    in_meeting = decided(world.assembly, "Adoption <b>de la charte</b>", origin=Proposal.Origin.MEETING,
                         outcome="Adoptée.\nAvec « modifications » & notes.", dissent="Un <i>retrait</i>.")
    meeting = Meeting.objects.create(space=world.assembly, title="Plénière & bilan",
                                     starts_at=moment(2025, 9, 18, 18), ends_at=moment(2025, 9, 18, 21))
    AgendaItem.objects.create(meeting=meeting, title="Charte", kind="decision", proposal=in_meeting)
    online = decided(world.group, "Vote du groupe", when=moment(2025, 10, 1))
    html = client_for(world.users["coordinator"]).get(territory_url(world)).content.decode()
    slug = world.territory.slug
    for proposal in (in_meeting, online):
        url = reverse("decisions:proposal", kwargs={"territory": slug, "space": proposal.space.slug,
                                                    "pk": proposal.pk})
        assert f'<a href="{url}"><strong>' in html
        register = reverse("register:space", kwargs={"territory": slug, "space": proposal.space.slug})
        assert f'<a href="{register}">{proposal.space.name}</a>' in html
    meeting_url = reverse("meetings:meeting", kwargs={"territory": slug, "space": world.assembly.slug,
                                                      "pk": meeting.pk})
    assert f'<a href="{meeting_url}">Plénière &amp; bilan du jeudi 18 septembre 2025, point' in html
    assert "Adoption &lt;b&gt;de la charte&lt;/b&gt;" in html and "<b>de la charte" not in html
    assert "<div>Adoptée.<br>Avec « modifications » &amp; notes.</div>" in html
    assert f"Dissidences{NBSP}: Un &lt;i&gt;retrait&lt;/i&gt;." in html


def test_plan_revisions_that_cite_a_decision_are_listed(world, client_for):
    from concertation.planning.models import Plan, Revision

    proposal = decided(world.assembly, "Ajustement du plan")
    plan = Plan.objects.create(space=world.assembly, title="Plan de quartier 2025-2030",
                               starts_on=moment(2025, 1, 1).date(), ends_on=moment(2030, 1, 1).date())
    Revision.objects.create(plan=plan, item_type="objective", item_id=1, item_label="Objectif 1.2", action="edit",
                            reason="Cible revue", decision=proposal, made_at=moment(2025, 10, 8))
    (row,) = client_for(None).get(territory_url(world)).context["rows"]
    assert row.revisions == [f"Plan de quartier 2025-2030{NBSP}: Modification «{NBSP}Objectif 1.2{NBSP}»"]
    assert "Objectif 1.2" in client_for(None).get(territory_url(world)).content.decode()


# Bounded queries ----------------------------------------------------------------------------

def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["anonymous", "coordinator"])
def test_the_register_page_costs_the_same_queries_for_5_or_50_decisions(world, client_for, who,
                                                                          django_assert_max_num_queries):
    client = client_for(world.users[who])
    for n in range(5):
        decided(world.assembly, f"Petite {n}")
    url = territory_url(world)
    client.get(url)  # warm up (session, caches)
    small = _count_queries(client, url)
    for n in range(45):
        decided(world.assembly if n % 2 else world.group, f"Grande {n}")
    large = _count_queries(client, url)
    # Meetings and plan revisions linked to decisions cost one query each, not one per row.
    from concertation.meetings.models import AgendaItem, Meeting

    meeting = Meeting.objects.create(space=world.assembly, title="Rencontre", starts_at=moment(2025, 9, 18, 18),
                                     ends_at=moment(2025, 9, 18, 21))
    for proposal in Proposal.objects.filter(space=world.assembly):
        AgendaItem.objects.create(meeting=meeting, title=f"Point {proposal.pk}", proposal=proposal)
    assert _count_queries(client, url) == large
    assert small == large
    with django_assert_max_num_queries(15):
        client.get(url)
    with django_assert_max_num_queries(15):
        client.get(space_url(world, world.assembly))


# CSV ----------------------------------------------------------------------------------------

def read_csv(response):
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, for Excel
    text = raw.decode("utf-8-sig")
    delimiter = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter)), delimiter


def test_the_csv_export_follows_the_filters_and_the_persons_language(world, decisions, client_for):
    client = client_for(world.coordinator)
    response = client.get(reverse("register:territory_csv", kwargs={"territory": world.territory.slug}),
                          {"method": "consensus"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows, delimiter = read_csv(response)
    assert delimiter == ";"  # French-language Excel
    assert rows[0][:4] == ["Date", "Espace", "Lieu de la décision", "Proposition"]
    assert len(rows) == 2
    assert rows[1][0] == "2025-09-18"
    assert rows[1][1] == "Assemblée" and rows[1][3] == "Adoption du plan de quartier"
    assert rows[1][-2] == "Le plan de quartier 2025-2030 est adopté par consensus."
    assert rows[1][-1].startswith("http://testserver/t/pointe-test/")

    world.coordinator.preferred_language = "en"
    world.coordinator.save()
    client = client_for(world.coordinator)
    rows, delimiter = read_csv(client.get(reverse("register:territory_csv",
                                                  kwargs={"territory": world.territory.slug})))
    assert delimiter == ","
    assert len(rows) == 4


def test_the_csv_export_neutralizes_formulas(world, client_for):
    formula = '=HYPERLINK("http://malveillant.example/","Cliquez ici")'
    decided(world.assembly, "+ titre qui commence par un signe", outcome=formula, dissent="@SOMME(A1:A3)")
    rows, _delimiter = read_csv(client_for(None).get(space_url(world, world.assembly, "space_csv")))
    (row,) = rows[1:]
    assert row[-2] == "'" + formula
    assert row[3] == "'+ titre qui commence par un signe"
    assert row[-3] == "'@SOMME(A1:A3)"
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)


def test_the_csv_export_of_anonymous_visitors_holds_public_decisions_only(world, decisions, client_for):
    rows, _delimiter = read_csv(client_for(None).get(
        reverse("register:territory_csv", kwargs={"territory": world.territory.slug})))
    assert [row[3] for row in rows[1:]] == ["Adoption du plan de quartier"]


# Atom ---------------------------------------------------------------------------------------

def parse_feed(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root


def test_the_atom_feed_is_valid_and_public_only_for_anonymous_readers(world, decisions, client_for):
    root = parse_feed(client_for(None).get(reverse("register:territory_feed",
                                                   kwargs={"territory": world.territory.slug})))
    for tag in ("id", "title", "updated", "link"):
        assert root.find(f"{ATOM}{tag}") is not None, tag
    assert root.find(f"{ATOM}author/{ATOM}name").text == "Pointe-Test"
    datetime.fromisoformat(root.find(f"{ATOM}updated").text)
    entries = root.findall(f"{ATOM}entry")
    assert [entry.find(f"{ATOM}title").text for entry in entries] == ["Adoption du plan de quartier"]
    entry = entries[0]
    assert entry.find(f"{ATOM}id").text.startswith("tag:testserver,2025-09-18:")
    updated = datetime.fromisoformat(entry.find(f"{ATOM}updated").text)
    assert updated >= decisions["public"].decided_at
    assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/")
    assert "adopté par consensus" in entry.find(f"{ATOM}summary").text


def test_the_atom_feed_has_one_unique_id_per_entry_and_stays_stable(world, decisions, client_for):
    url = reverse("register:territory_feed", kwargs={"territory": world.territory.slug})
    client = client_for(world.coordinator)
    first = parse_feed(client.get(url))
    ids = [entry.find(f"{ATOM}id").text for entry in first.findall(f"{ATOM}entry")]
    assert len(ids) == 3 and len(set(ids)) == 3
    decided(world.assembly, "Nouvelle décision", when=moment(2025, 11, 25))
    second = parse_feed(client.get(url))
    ids_after = [entry.find(f"{ATOM}id").text for entry in second.findall(f"{ATOM}entry")]
    assert ids_after[1:] == ids  # newest first; earlier entries keep their id
    for entry in second.findall(f"{ATOM}entry"):
        datetime.fromisoformat(entry.find(f"{ATOM}updated").text)


def test_the_atom_summary_escapes_what_people_wrote(world, client_for):
    decided(world.assembly, "Titre <b>gras</b>", outcome="<script>alert(1)</script> & fin")
    root = parse_feed(client_for(None).get(space_url(world, world.assembly, "space_feed")))
    entry = root.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == "Titre <b>gras</b>"  # plain text, escaped by the XML
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; fin" in summary.text
    assert "<script>" not in summary.text


def test_a_space_feed_holds_that_space_only(world, decisions, client_for):
    root = parse_feed(client_for(world.delegate).get(space_url(world, world.committee, "space_feed")))
    assert [entry.find(f"{ATOM}title").text for entry in root.findall(f"{ATOM}entry")] == [
        "Répartition de l'enveloppe"]
    assert "Comité" in root.find(f"{ATOM}title").text
