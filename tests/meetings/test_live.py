"""During the meeting: who runs it, its states, attendance, decisions (never without quorum),
conflicts, follow-ups, the live page's query budget and the attendance sheet."""

import io
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from concertation.core.errors import DomainError
from concertation.decisions import ballots
from concertation.decisions.explain import explain
from concertation.decisions.models import Proposal, Recusal
from concertation.decisions.services import proposal_create
from concertation.meetings.live_forms import WhoList
from concertation.meetings.models import (
    AgendaItem,
    Attendance,
    ConflictDeclaration,
    FollowUp,
    Meeting,
)
from concertation.meetings.pages import live as live_page
from concertation.meetings.services import meeting as meeting_svc
from concertation.meetings.services import votes as live
from concertation.spaces.models import Charter, Role
from tests.factories import RoleAssignmentFactory, RoleFactory, UserFactory

from .test_quorum import Table

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


class Room(Table):
    """A table with a facilitator (by role), a meeting secretary and two items, one of them a decision."""

    def __init__(self, **kwargs):
        kwargs.setdefault("organizations", 3)
        super().__init__(**kwargs)
        self.facilitator = UserFactory(display_name="Animation")
        role = RoleFactory(space=self.space, name="Animation", kind=Role.Kind.FACILITATION)
        RoleAssignmentFactory(role=role, person=self.facilitator)
        self.secretary = UserFactory(display_name="Secrétariat")
        self.meeting.secretary = self.secretary
        self.meeting.status = Meeting.Status.CONVENED
        self.meeting.save()
        self.info = AgendaItem.objects.create(meeting=self.meeting, title="Tour de table", position=1)
        self.item = AgendaItem.objects.create(meeting=self.meeting, title="Appui au projet de logement",
                                              kind=AgendaItem.Kind.DECISION, position=2)

    def url(self, name, item=None, **extra):
        kwargs = {"territory": self.territory.slug, "space": self.space.slug, "pk": self.meeting.pk, **extra}
        if item is not None:
            kwargs["item"] = item.pk
        return reverse(f"meetings:{name}", kwargs=kwargs)

    def open(self):
        meeting_svc.meeting_open(meeting=self.meeting, by=self.facilitator)

    def reach_quorum(self):
        for person in self.delegates[: len(self.delegates) // 2 + 1]:
            self.attend(person)
        for person in self.citizens:
            self.attend(person)


@pytest.fixture
def room():
    return Room()


# States and who may change them ------------------------------------------------------------------

def test_the_meeting_opens_then_closes(room):
    room.open()
    room.meeting.refresh_from_db()
    assert room.meeting.status == Meeting.Status.IN_PROGRESS and room.meeting.opened_at
    with pytest.raises(DomainError, match="déjà en cours"):
        room.open()
    meeting_svc.meeting_close(meeting=room.meeting, by=room.secretary)
    room.meeting.refresh_from_db()
    assert room.meeting.status == Meeting.Status.HELD and room.meeting.closed_at
    with pytest.raises(DomainError, match="levée"):
        meeting_svc.meeting_close(meeting=room.meeting, by=room.secretary)


def test_a_draft_meeting_cannot_open_and_a_convened_one_cannot_close(room):
    with pytest.raises(DomainError, match="pas encore ouverte"):
        meeting_svc.meeting_close(meeting=room.meeting, by=room.facilitator)
    room.meeting.status = Meeting.Status.DRAFT
    room.meeting.save()
    with pytest.raises(DomainError, match="pas encore convoquée"):
        room.open()


@pytest.mark.parametrize("who", ["facilitator", "secretary"])
def test_facilitation_and_secretary_run_the_meeting(room, client, who):
    client.force_login(getattr(room, who))
    assert client.get(room.url("live")).status_code == 200
    response = client.post(room.url("open"))
    assert response.status_code == 302
    room.meeting.refresh_from_db()
    assert room.meeting.status == Meeting.Status.IN_PROGRESS
    client.post(room.url("close"))
    room.meeting.refresh_from_db()
    assert room.meeting.status == Meeting.Status.HELD


def test_a_delegate_cannot_run_the_meeting_everything_answers_404(room, client):
    client.force_login(room.delegates[0])
    assert client.get(room.url("live")).status_code == 404
    assert client.get(room.url("attendance_sheet")).status_code == 404
    for name in ("open", "close", "attendance"):
        assert client.post(room.url(name)).status_code == 404
    for name in ("item_notes", "conflict", "decision", "open_vote", "follow_up_add"):
        assert client.post(room.url(name, room.item), {"notes-notes": "x"}).status_code == 404
    room.meeting.refresh_from_db()
    assert room.meeting.status == Meeting.Status.CONVENED
    # Members may read the quorum, though.
    assert client.get(room.url("quorum")).status_code == 200


def test_strangers_get_404_and_anonymous_are_sent_to_sign_in(room, client):
    response = client.get(room.url("live"))
    assert response.status_code == 302 and "/compte/login/" in response["Location"]
    client.force_login(UserFactory())
    assert client.get(room.url("live")).status_code == 404
    assert client.get(room.url("quorum")).status_code == 404


def test_a_meeting_of_another_space_is_not_found_here(room, client):
    other = Room()
    client.force_login(room.facilitator)
    url = reverse("meetings:live", kwargs={"territory": room.territory.slug, "space": room.space.slug,
                                           "pk": other.meeting.pk})
    assert client.get(url).status_code == 404


# Attendance from the page ------------------------------------------------------------------------

def test_before_attendance_a_member_is_not_counted_yet_and_only_marked_ones_are_excluded(room, client):
    room.open()
    room.attend(room.delegates[0], status=Attendance.Status.ABSENT)
    client.force_login(room.facilitator)
    html = text(client.get(room.url("live")))
    assert html.count('<span class="badge">pas encore compté</span>') == len(room.organizations) - 1 + len(room.citizens)
    assert html.count('<span class="badge badge-warn">pas compté au quorum</span>') == 1
    # Counts: « Présence : 0 », with the no-break space of French before the colon.
    assert "Présence\u00a0: <strong>" in client.get(room.url("live")).content.decode()


def test_attendance_counts_have_an_english_colon_in_english(room, client):
    room.open()
    room.facilitator.preferred_language = "en"
    room.facilitator.save(update_fields=["preferred_language"])
    client.force_login(room.facilitator)
    html = client.get(room.url("live")).content.decode()
    assert '<html lang="en' in html
    counts = html[html.index('class="inline-list attendance-counts"'):]
    counts = counts[:counts.index("</ul>")]
    assert counts.count(": <strong>") == 5 and "\u00a0:" not in counts and " : " not in counts


def test_attendance_buttons_swap_the_member_and_the_quorum_banner(room, client):
    client.force_login(room.secretary)
    organization = room.organizations[0]
    response = client.post(room.url("attendance"), {"person": room.alternates[0].pk,
                                                     "organization": organization.pk, "status": "present"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tbody id="membre-o-{organization.pk}"')
    assert 'hx-swap-oob="innerHTML"' in html and "Quorum non atteint" in html
    assert 'aria-pressed="true"' in html and "compté au quorum" in html
    assert Attendance.objects.get(person=room.alternates[0]).status == "present"


def test_attendance_without_javascript_redirects_to_the_table(room, client):
    client.force_login(room.secretary)
    response = client.post(room.url("attendance"), {"person": room.citizens[0].pk, "status": "late"})
    assert response.status_code == 302 and response["Location"].endswith("#presences")
    assert Attendance.objects.get(person=room.citizens[0]).status == "late"
    response = client.post(room.url("attendance"), {"person": UserFactory().pk, "status": "present"},
                           follow=True)
    assert "ne siège pas" in response.content.decode()


def test_the_table_buttons_submit_the_pages_one_attendance_form(room, client):
    room.open()
    client.force_login(room.secretary)
    html = client.get(room.url("live")).content.decode()
    # One form (one CSRF token) for the whole table; each button names its person, member and status.
    assert html.count('<form id="presences-formulaire"') == 1
    organization, person = room.organizations[0], room.delegates[0]
    value = f"{person.pk}:{organization.pk}:present"
    assert f'form="presences-formulaire" name="presence" value="{value}" hx-post="{room.url("attendance")}"' in html
    assert f'aria-label="Présence de {person.display_name}"' in html
    assert '<table hx-target="closest tbody" hx-swap="outerHTML">' in html  # with htmx: the member's rows
    response = client.post(room.url("attendance"), {"presence": value}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tbody id="membre-o-{organization.pk}"') and 'aria-pressed="true"' in html
    assert Attendance.objects.get(meeting=room.meeting, person=person).status == "present"
    # Without JavaScript: the same button, then back to the table.
    citizen = room.citizens[0]
    response = client.post(room.url("attendance"), {"presence": f"{citizen.pk}::late"})
    assert response.status_code == 302 and response["Location"].endswith("#presences")
    assert Attendance.objects.get(meeting=room.meeting, person=citizen).status == "late"
    # A forged value is refused, nothing recorded.
    response = client.post(room.url("attendance"), {"presence": "x:y"}, follow=True)
    assert "Choisissez la personne" in response.content.decode()
    assert Attendance.objects.filter(meeting=room.meeting).count() == 2


def test_the_attendance_table_escapes_names(room, client):
    room.delegates[0].display_name = 'Zoé <b>"Tremblay"</b>'
    room.delegates[0].save()
    room.open()
    client.force_login(room.secretary)
    html = client.get(room.url("live")).content.decode()
    assert "Zoé &lt;b&gt;&quot;Tremblay&quot;&lt;/b&gt;" in html and "<b>\"Tremblay\"" not in html


def test_a_large_roster_gives_name_fields_and_one_list_instead_of_select_lists(room, client, monkeypatch):
    monkeypatch.setattr(WhoList, "SELECT_MAX", 3)  # the room has 10 people and organizations
    room.alternates[1].display_name = "Déléguée 0"  # two people of the same name
    room.alternates[1].save()
    room.open()
    client.force_login(room.secretary)
    html = client.get(room.url("live") + f"?point={room.item.pk}").content.decode()
    assert html.count('<datalist id="qui-liste">') == 1 and html.count('list="qui-liste"') == 3
    assert 'name="conflit-who"' in html and '<select name="conflit-who"' not in html
    assert '<select name="suivi-person"' not in html and '<option value="Organisme 01">organisme</option>' in html
    namesake = room.alternates[1]
    assert f'<option value="Déléguée 0 (n° {namesake.pk})">personne</option>' in html
    # A conflict by the organization's name (any case).
    response = client.post(room.url("conflict", room.item), {"conflit-who": "organisme 01"})
    assert response.status_code == 302
    assert ConflictDeclaration.objects.filter(item=room.item, organization=room.organizations[1]).exists()
    # A follow-up by names; a namesake by the name the list gives.
    response = client.post(room.url("follow_up_add", room.item), {
        "suivi-what": "Écrire au CLSC", "suivi-person": f"Déléguée 0 (n° {namesake.pk})",
        "suivi-organization": "Organisme 02",
    })
    assert response.status_code == 302
    follow_up = FollowUp.objects.get(what="Écrire au CLSC")
    assert (follow_up.person, follow_up.organization) == (namesake, room.organizations[2])
    # A name that is not in the list, or not of the right kind, is refused next to its field.
    response = client.post(room.url("follow_up_add", room.item), {
        "suivi-what": "Autre chose", "suivi-person": "Organisme 02", "suivi-organization": "Personne inconnue",
    })
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choisissez une personne de la liste." in html and "Choisissez un organisme de la liste." in html
    response = client.post(room.url("conflict", room.item), {"conflit-who": "Personne inconnue"})
    html = response.content.decode()
    assert response.status_code == 200 and "Choisissez un organisme ou une personne de la liste." in html
    assert FollowUp.objects.count() == 1 and ConflictDeclaration.objects.count() == 1


def test_the_live_page_shows_the_quorum_and_why_it_is_not_met(room, client):
    room.open()
    client.force_login(room.facilitator)
    html = text(client.get(room.url("live")))
    assert 'role="status"' in html
    assert "aucune citoyenne ni aucun citoyen présent" not in html  # no citizen minimum here
    assert re.search("Quorum non atteint : 0 membres? votants? sur 4, il en faut 3", html)
    room.reach_quorum()
    html = text(client.get(room.url("quorum"), **HTMX))
    assert "Quorum atteint : 3 membres votants sur 4" in html


# Notes, conflicts, follow-ups --------------------------------------------------------------------

def test_notes_save_as_they_are_typed_and_with_the_button(room, client):
    room.open()
    client.force_login(room.secretary)
    response = client.post(room.url("item_notes", room.info),
                           {"notes-notes": "Chaque membre présente ses nouvelles.", "notes-dissent": ""}, **HTMX)
    assert "Notes enregistrées à" in response.content.decode()
    room.info.refresh_from_db()
    assert room.info.notes == "Chaque membre présente ses nouvelles."
    response = client.post(room.url("item_notes", room.info), {"notes-notes": "Version finale", "notes-dissent": ""})
    assert response.status_code == 302
    room.info.refresh_from_db()
    assert room.info.notes == "Version finale"


def test_notes_wait_for_the_meeting_to_open(room, client):
    client.force_login(room.secretary)
    response = client.post(room.url("item_notes", room.info), {"notes-notes": "Trop tôt"}, **HTMX)
    assert "pas encore ouverte" in response.content.decode()
    room.info.refresh_from_db()
    assert room.info.notes == ""


def test_a_conflict_on_an_item_with_a_proposal_recuses_from_its_vote(room, client):
    room.item.proposal = proposal_create(space=room.space, author=room.facilitator, title="Appui")
    room.item.save()
    room.open()
    client.force_login(room.facilitator)
    organization = room.organizations[1]
    response = client.post(room.url("conflict", room.item), {"conflit-who": f"o:{organization.pk}",
                                                              "conflit-reason": "Porteur du projet"})
    assert response.status_code == 302
    assert ConflictDeclaration.objects.filter(item=room.item, organization=organization).exists()
    assert Recusal.objects.filter(proposal=room.item.proposal, organization=organization).exists()
    html = client.get(room.url("live") + f"?point={room.item.pk}").content.decode()
    assert "se retire de ce point" in html and "Porteur du projet" in html


def test_follow_ups_are_recorded_on_the_item(room, client):
    room.open()
    client.force_login(room.secretary)
    due = (timezone.localdate() + timedelta(days=14)).isoformat()
    response = client.post(room.url("follow_up_add", room.info), {
        "suivi-what": "Envoyer le portrait au CLSC", "suivi-person": room.delegates[0].pk,
        "suivi-organization": room.organizations[0].pk, "suivi-due_on": due,
    })
    assert response.status_code == 302
    client.post(room.url("follow_up_add", room.info), {"suivi-what": "Réserver la salle",
                                                        "suivi-organization": room.organizations[2].pk})
    follow_ups = list(FollowUp.objects.order_by("id"))
    assert [f.what for f in follow_ups] == ["Envoyer le portrait au CLSC", "Réserver la salle"]
    first = follow_ups[0]
    assert (first.space, first.meeting, first.item, first.person, first.organization) == (
        room.space, room.meeting, room.info, room.delegates[0], room.organizations[0])
    assert first.due_on.isoformat() == due
    # Nobody in charge: refused next to the field, nothing typed is lost.
    response = client.post(room.url("follow_up_add", room.info), {"suivi-what": "Sans personne"})
    html = response.content.decode()
    assert response.status_code == 200 and "Indiquez qui s" in html and 'value="Sans personne"' in html
    assert FollowUp.objects.count() == 2


# Decisions -----------------------------------------------------------------------------------------

def test_no_decision_is_recorded_without_quorum(room, client):
    room.open()
    room.attend(room.delegates[0])
    with pytest.raises(DomainError, match="sans quorum") as refused:
        live.record_show_of_hands(item=room.item, by=room.secretary, yes=1, no=0, abstain=0, outcome="Adopté")
    assert "il en faut 3" in str(refused.value)
    with pytest.raises(DomainError, match="sans quorum"):
        live.vote_open(item=room.item, by=room.secretary)
    client.force_login(room.secretary)
    response = client.post(room.url("decision", room.item), {
        "action": "hands", "mains-yes": 1, "mains-no": 0, "mains-abstain": 0, "mains-outcome": "Adopté"})
    html = response.content.decode()
    assert response.status_code == 200 and "Aucune décision ne peut être consignée sans quorum" in html
    assert 'Adopté</textarea>' in html
    assert not Proposal.objects.exists()


def test_a_citizen_minimum_refuses_the_decision_and_says_so():
    room = Room(organizations=2, citizens=1, college_minimums={"citoyen": 1})
    room.open()
    for person in room.delegates:
        room.attend(person)
    with pytest.raises(DomainError, match="aucune citoyenne ni aucun citoyen présent"):
        live.record_show_of_hands(item=room.item, by=room.secretary, yes=2, no=0, abstain=0, outcome="Adopté")


def text(response) -> str:
    """The page's text with non-breaking spaces as plain ones, to compare with readable strings."""
    return response.content.decode().replace("\u00a0", " ")


def test_a_show_of_hands_is_stored_explained_and_enters_the_register(room, client):
    room.open()
    room.reach_quorum()
    client.force_login(room.secretary)
    response = client.post(room.url("decision", room.item), {
        "action": "hands", "mains-yes": 2, "mains-no": 1, "mains-abstain": 0,
        "mains-outcome": "La Table appuie le projet de logement.", "mains-dissent": "Organisme 02 est en désaccord.",
    })
    assert response.status_code == 302
    room.item.refresh_from_db()
    proposal = room.item.proposal
    assert proposal.status == Proposal.Status.DECIDED and proposal.origin == Proposal.Origin.MEETING
    assert proposal.outcome == "La Table appuie le projet de logement."
    assert proposal.dissent == room.item.dissent == "Organisme 02 est en désaccord."
    assert proposal.decided_by == room.secretary and proposal.result["show_of_hands"]
    assert proposal.result["counts"] == {"yes": 2, "no": 1, "abstain": 0}
    assert proposal.result["quorum"]["met"] and proposal.result["quorum"]["present"] == 3
    assert explain(proposal).replace("\u00a0", " ") == ("Adoptée : 2 pour, 1 contre, 0 abstentions; majorité simple (plus de « pour » "
                                 "que de « contre ») atteinte (2 > 1); quorum atteint : 3 membres votants sur 4.")
    html = client.get(room.url("live") + f"?point={room.item.pk}").content.decode()
    assert "La Table appuie le projet de logement." in html and "Adoptée" in html
    client.force_login(room.delegates[0])  # a member reads the register
    register = client.get(reverse("register:space", kwargs={"territory": room.territory.slug,
                                                            "space": room.space.slug})).content.decode()
    assert "La Table appuie le projet de logement." in register and room.meeting.title in register


def test_a_show_of_hands_uses_the_proposals_threshold_and_the_members_present():
    room = Room(organizations=6, citizens=0, threshold=Charter.Threshold.TWO_THIRDS, base=Charter.Base.PRESENT)
    room.open()
    for person in room.delegates:
        room.attend(person)
    proposal = live.record_show_of_hands(item=room.item, by=room.secretary, yes=3, no=0, abstain=3,
                                         outcome="Rejetée faute des deux tiers")
    assert proposal.result["adopted"] is False
    assert proposal.result["explanation"]["required"] == 4  # ⅔ of the 6 present
    with pytest.raises(DomainError, match="déjà décidé"):
        live.record_show_of_hands(item=room.item, by=room.secretary, yes=6, no=0, abstain=0, outcome="Encore")


def test_a_show_of_hands_cannot_count_more_hands_than_members_present(room):
    room.open()
    room.reach_quorum()
    with pytest.raises(DomainError, match="dépasse"):
        live.record_show_of_hands(item=room.item, by=room.secretary, yes=5, no=0, abstain=0, outcome="Adopté")


def test_an_electronic_vote_is_opened_from_the_item_then_closed_with_the_meetings_quorum(room, client):
    room.open()
    room.reach_quorum()
    client.force_login(room.facilitator)
    response = client.post(room.url("open_vote", room.item))
    assert response.status_code == 302
    room.item.refresh_from_db()
    proposal = room.item.proposal
    assert proposal.status == Proposal.Status.OPEN and proposal.origin == Proposal.Origin.MEETING
    assert proposal.closes_at >= room.meeting.ends_at
    html = client.get(room.url("live") + f"?point={room.item.pk}").content.decode()
    proposal_url = reverse("decisions:proposal", kwargs={"territory": room.territory.slug,
                                                         "space": room.space.slug, "pk": proposal.pk})
    results_url = reverse("decisions:results", kwargs={"territory": room.territory.slug,
                                                       "space": room.space.slug, "pk": proposal.pk})
    assert proposal_url in html and f'hx-get="{results_url}"' in html and 'hx-trigger="load, every 10s"' in html
    # Members vote on their phones; only one of the three present does before the vote closes.
    ballots.ballot_cast(proposal=proposal, person=room.delegates[0], value="yes")
    with pytest.raises(DomainError, match="encore ouvert"):
        meeting_svc.meeting_close(meeting=room.meeting, by=room.facilitator)
    response = client.post(room.url("decision", room.item), {"action": "close"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.CLOSED
    # The quorum is the meeting's (3 of 4 present), not the participation (1 of 4).
    assert proposal.result["quorum"]["present"] == 3 and proposal.result["adopted"] is True
    assert "no_decision" not in proposal.result
    response = client.post(room.url("decision", room.item), {"action": "record",
                                                              "decision-outcome": "Appui accordé."})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DECIDED and proposal.outcome == "Appui accordé."


def test_a_vote_closed_without_quorum_cannot_be_recorded(room):
    room.open()
    room.reach_quorum()
    proposal = live.vote_open(item=room.item, by=room.facilitator)
    Attendance.objects.filter(meeting=room.meeting).update(status=Attendance.Status.ABSENT)
    with pytest.raises(DomainError, match="sans quorum"):
        live.vote_close(item=room.item, by=room.facilitator)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.OPEN


def test_dissent_typed_with_the_notes_follows_a_recorded_decision(room):
    room.open()
    room.reach_quorum()
    live.record_show_of_hands(item=room.item, by=room.secretary, yes=3, no=0, abstain=0, outcome="Adopté")
    room.item.refresh_from_db()
    meeting_svc.item_notes_save(item=room.item, by=room.secretary, notes="Débat court.", dissent="Réserve du CLSC.")
    room.item.proposal.refresh_from_db()
    assert room.item.proposal.dissent == "Réserve du CLSC."


# Pages: query budget, summary, attendance sheet --------------------------------------------------------

@pytest.mark.parametrize("size", [5, 50])
def test_the_live_page_costs_the_same_queries_for_5_or_50_members(client, size, django_assert_max_num_queries,
                                                                   monkeypatch):
    monkeypatch.setattr(live_page, "ROSTER_PAGE_SIZE", 1000)  # every member on the page (102 people at 50)
    room = Room(organizations=size, citizens=2, college_minimums={"citoyen": 1})
    room.open()
    for person in room.delegates[::2]:
        room.attend(person)
    ConflictDeclaration.objects.create(item=room.item, organization=room.organizations[0])
    room.item.proposal = proposal_create(space=room.space, author=room.facilitator, title="Appui")
    room.item.save()
    FollowUp.objects.create(space=room.space, meeting=room.meeting, item=room.item, what="Suivre",
                            organization=room.organizations[1])
    client.force_login(room.facilitator)
    url = room.url("live") + f"?point={room.item.pk}"
    with django_assert_max_num_queries(15):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<tbody id=\"membre-") == size + 2
    # The rows, put in once the page is rendered, sit in the attendance table.
    table = html[html.index("</thead>", html.index('<div id="presences-liste">')):]
    assert table[:table.index("</table>")].count("<tbody id=\"membre-") == size + 2


def test_the_meeting_page_summary_costs_at_most_two_queries(room, django_assert_max_num_queries):
    room.open()
    meeting = Meeting.objects.select_related("space__territory").get(pk=room.meeting.pk)
    request = RequestFactory().get("/")
    request.user = room.facilitator
    request.htmx = False
    assert request.user.has_perm("meetings.view_meeting", meeting)  # the meeting page checked it already
    with django_assert_max_num_queries(2):  # the page's check (``can_run``, done once for the page) included
        can_run = request.user.has_perm("meetings.run_meeting", meeting)
        html = render_to_string("meetings/live/_summary.html", {"meeting": meeting, "request": request,
                                                                "can_run": can_run})
    assert room.url("live") in html and room.url("quorum") in html and "En cours" in html
    request.user = room.delegates[0]
    assert request.user.has_perm("meetings.view_meeting", meeting)
    with CaptureQueriesContext(connection) as queries:
        can_run = request.user.has_perm("meetings.run_meeting", meeting)
        html = render_to_string("meetings/live/_summary.html", {"meeting": meeting, "request": request,
                                                                "can_run": can_run})
    assert len(queries) <= 2
    assert room.url("live") not in html


def test_the_attendance_sheet_lists_members_people_and_a_signature_column(room, client):
    client.force_login(room.secretary)
    response = client.get(room.url("attendance_sheet"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = re.sub(r"\s+", " ", text)
    for expected in ("Feuille de présence", "Organisme 00", "Déléguée 0", "Substitut 0", "Citoyenne 0",
                     "Signature", "personne déléguée", "substitut"):
        assert expected in text


def test_a_proposal_between_options_is_not_decided_by_a_show_of_hands(room):
    Charter.objects.filter(pk=room.charter.pk).update(proposals_may_override=True)
    room.open()
    room.reach_quorum()
    room.item.proposal = proposal_create(space=room.space, author=room.facilitator, title="Choisir la date",
                                         options=["Mardi", "Jeudi"], method="approval")
    room.item.save()
    with pytest.raises(DomainError, match="oui ou non"):
        live.record_show_of_hands(item=room.item, by=room.secretary, yes=3, no=0, abstain=0, outcome="Mardi")


def test_a_consensus_not_reached_in_the_room_opens_the_fallback_vote_on_the_item():
    room = Room(method="consensus", fallback_method="majority")
    room.open()
    room.reach_quorum()
    first = live.vote_open(item=room.item, by=room.facilitator)
    ConflictDeclaration.objects.create(item=room.item, organization=room.organizations[2])
    Recusal.objects.create(proposal=first, organization=room.organizations[2])
    ballots.ballot_cast(proposal=first, person=room.delegates[0], value="disagree")
    live.vote_close(item=room.item, by=room.facilitator)
    first.refresh_from_db()
    room.item.refresh_from_db()
    fallback = room.item.proposal
    assert first.status == Proposal.Status.CLOSED and first.result["quorum"]["met"]
    assert first.result["fallback_required"] and first.result["fallback_proposal"] == fallback.pk
    assert fallback.follows == first and fallback.status == Proposal.Status.OPEN and fallback.method == "majority"
    assert fallback.recusals.filter(organization=room.organizations[2]).exists()
