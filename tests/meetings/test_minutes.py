"""Minutes: generated from the meeting, edited, circulated, adopted by the next meeting, then locked."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from concertation.core.errors import DomainError
from concertation.decisions.models import Proposal
from concertation.meetings import minutes as services
from concertation.meetings.models import (
    AgendaItem,
    Attendance,
    ConflictDeclaration,
    FollowUp,
    Meeting,
    Minutes,
    MinutesComment,
)
from concertation.meetings.services import minutes as minutes_svc
from concertation.meetings.services.agenda import meeting_create
from concertation.spaces.models import Delegation, Membership
from tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


def moment(year, month, day, hour=18, minute=30):
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def plain(text: str) -> str:
    return text.replace(NBSP, " ")


def make_meeting(world, space=None, *, when=None, title="Assemblée d'automne", status=Meeting.Status.HELD):
    when = when or moment(2025, 9, 18)
    meeting = meeting_create(space=space or world.assembly, by=world.coordinator, title=title, starts_at=when,
                             ends_at=when + timedelta(hours=2, minutes=30))
    Meeting.objects.filter(pk=meeting.pk).update(status=status, closed_at=when + timedelta(hours=2, minutes=25))
    meeting.refresh_from_db()
    return meeting


def members_since(day):
    """The world's memberships began long before the 2025 meetings of these tests."""
    Membership.objects.update(start=day)
    Delegation.objects.update(start=day)


def decided_proposal(space, title, outcome, *, when):
    result = {"method": "consensus", "adopted": True, "counts": {"agree": 2, "stand_aside": 0, "disagree": 0,
                                                                 "block": 0},
              "quorum": {"kind": "majority", "met": True, "present": 2, "eligible": 2, "required": 2,
                         "missing_colleges": []},
              "participants": 2, "eligible": 2}
    return ProposalFactory(
        space=space, title=title, outcome=outcome, method="consensus", fallback_method="majority",
        threshold="two_thirds", base="present", voting_unit="organization", decided=True, result=result,
        origin=Proposal.Origin.MEETING, opens_at=None, closes_at=None, closed_at=when, decided_at=when,
    )


@pytest.fixture
def held(world):
    """A held assembly meeting: attendance, notes, a decision with a conflict and dissent, follow-ups."""
    members_since(date(2020, 1, 1))
    meeting = make_meeting(world)
    Meeting.objects.filter(pk=meeting.pk).update(facilitator=world.coordinator, secretary=world.facilitator)
    meeting.refresh_from_db()
    Attendance.objects.create(meeting=meeting, person=world.delegate, organization=world.org)
    Attendance.objects.create(meeting=meeting, person=world.citizen, status=Attendance.Status.LATE)
    Attendance.objects.create(meeting=meeting, person=world.observer, organization=world.observer_org,
                              status=Attendance.Status.EXCUSED)
    proposal = decided_proposal(world.assembly, "Plan de quartier 2025-2030",
                                "Le plan de quartier 2025-2030 est adopté par consensus.", when=meeting.starts_at)
    item = AgendaItem.objects.create(
        meeting=meeting, position=6, kind=AgendaItem.Kind.DECISION, title="Adoption du plan de quartier",
        proposal=proposal, notes="La coordination présente les trois priorités.", dissent="Le CLSC s'abstient.",
    )
    ConflictDeclaration.objects.create(item=item, organization=world.observer_org, reason="Bailleur du plan")
    FollowUp.objects.create(space=world.assembly, meeting=meeting, item=item, what="Publier le plan sur le site",
                            person=world.coordinator, due_on=date(2025, 10, 15))
    FollowUp.objects.create(space=world.assembly, meeting=meeting, item=item, what="Écrire aux bailleurs",
                            organization=world.org, due_on=date(2025, 11, 1))
    return meeting


def url(world, name, meeting, space=None):
    space = space or world.assembly
    return reverse(f"meetings:{name}", kwargs={"territory": world.territory.slug, "space": space.slug,
                                                "pk": meeting.pk})


# Generation ----------------------------------------------------------------------------------

def test_generated_minutes_hold_attendance_quorum_items_decisions_and_follow_ups(world, held):
    text = plain(services.minutes_generate(held))
    # Attendance, by college and organization; excused apart.
    assert "## Présences" in text
    assert f"{world.delegate} (Comité logement)" in text
    assert "Collège Communautaire" in text and "Collège Citoyen" in text
    assert f"{world.citizen} — arrivée en retard" in text
    assert "### Personnes excusées" in text and f"{world.observer} (Centraide)" in text
    assert "Quorum atteint" in text
    assert f"Animation : {world.coordinator}" in text
    # The standard agenda and the decision item.
    assert "Adoption de l'ordre du jour" in text and "Adoption du plan de quartier" in text
    assert "La coordination présente les trois priorités." in text
    assert "**Décision :** Le plan de quartier 2025-2030 est adopté par consensus." in text
    assert "Règle : consensus; à défaut, vote aux deux tiers des membres votants présents; une voix par organisme." \
        in text
    assert "Consensus atteint" in text
    assert "Centraide déclare un conflit d'intérêts et se retire" in text
    assert "**Dissidence :** Le CLSC s'abstient." in text
    # Follow-ups under the item and in the table; the decision log.
    assert "Publier le plan sur le site" in text and "Écrire aux bailleurs — Comité logement" in text
    assert "## Registre des décisions" in text
    assert "| 7. Adoption du plan de quartier | Le plan de quartier 2025-2030 est adopté par consensus. |" in text


def test_the_next_meeting_reviews_open_follow_ups_and_adopts_the_previous_minutes(world, held):
    minutes_svc.minutes_save_draft(meeting=held, body="Procès-verbal.")
    later = make_meeting(world, when=moment(2025, 11, 25), title="Plénière")
    minutes_svc.minutes_adopt(minutes=held.minutes, at_meeting=later)
    FollowUp.objects.filter(what="Écrire aux bailleurs").update(status=FollowUp.Status.DONE)
    text = plain(services.minutes_generate(later))
    assert "Le procès-verbal de la rencontre du jeudi 18 septembre 2025 est adopté." in text
    assert "Suivis des rencontres précédentes, encore à faire :" in text
    assert "Publier le plan sur le site" in text
    assert "Écrire aux bailleurs" not in text


# Adoption and lock ---------------------------------------------------------------------------

def test_adopted_minutes_are_locked_and_the_adopted_version_is_kept(world, held):
    minutes = minutes_svc.minutes_save_draft(meeting=held, body="# Version adoptée")
    minutes = minutes_svc.minutes_circulate(minutes=minutes)
    minutes_svc.minutes_comment(minutes=minutes, author=world.delegate, body="Ajouter le nom du CLSC.")
    later = make_meeting(world, when=moment(2025, 11, 25), title="Plénière", status=Meeting.Status.IN_PROGRESS)
    minutes = minutes_svc.minutes_adopt(minutes=minutes, at_meeting=later, by=world.coordinator)

    minutes.refresh_from_db()
    held.refresh_from_db()
    assert minutes.status == Minutes.Status.ADOPTED
    assert minutes.adopted_body == "# Version adoptée"
    assert minutes.adopted_at_meeting == later and minutes.adopted_at is not None
    assert held.status == Meeting.Status.MINUTES_ADOPTED

    for attempt in (
        lambda: minutes_svc.minutes_save_draft(meeting=held, body="Autre chose"),
        lambda: minutes_svc.minutes_regenerate(meeting=held),
        lambda: minutes_svc.minutes_circulate(minutes=minutes),
        lambda: minutes_svc.minutes_comment(minutes=minutes, author=world.delegate, body="Trop tard"),
        lambda: minutes_svc.minutes_adopt(minutes=minutes, at_meeting=later),
    ):
        with pytest.raises(DomainError) as refused:
            attempt()
        assert plain(str(refused.value)) == "Ce procès-verbal est adopté : il ne peut plus être modifié."
    minutes.refresh_from_db()
    assert minutes.body == minutes.adopted_body == "# Version adoptée"
    assert MinutesComment.objects.filter(minutes=minutes).count() == 1


def test_adoption_only_by_a_later_meeting_of_the_same_space_with_the_item(world, held):
    minutes = minutes_svc.minutes_save_draft(meeting=held, body="Texte")
    earlier = make_meeting(world, when=moment(2025, 6, 5), title="Printemps")
    elsewhere = make_meeting(world, world.committee, when=moment(2025, 11, 25), title="Comité")
    without_item = make_meeting(world, when=moment(2025, 10, 30), title="Sans adoption")
    AgendaItem.objects.filter(meeting=without_item, standard_role=AgendaItem.Role.ADOPT_MINUTES).delete()
    cancelled = make_meeting(world, when=moment(2025, 11, 2), title="Annulée", status=Meeting.Status.CANCELLED)
    for meeting in (held, earlier, elsewhere, without_item, cancelled):
        with pytest.raises(DomainError):
            minutes_svc.minutes_adopt(minutes=minutes, at_meeting=meeting)
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.DRAFT and minutes.adopted_body == ""

    later = make_meeting(world, when=moment(2025, 11, 25), title="Plénière", status=Meeting.Status.CONVENED)
    assert list(services.adopting_meetings(held)) == [later]
    minutes_svc.minutes_adopt(minutes=minutes, at_meeting=later)
    assert Minutes.objects.get(pk=minutes.pk).status == Minutes.Status.ADOPTED


def test_minutes_of_a_meeting_not_held_are_neither_circulated_nor_adopted(world):
    meeting = make_meeting(world, status=Meeting.Status.IN_PROGRESS)
    minutes = minutes_svc.minutes_save_draft(meeting=meeting, body="Notes")
    later = make_meeting(world, when=moment(2025, 11, 25), title="Plénière")
    with pytest.raises(DomainError):
        minutes_svc.minutes_circulate(minutes=minutes)
    with pytest.raises(DomainError):
        minutes_svc.minutes_adopt(minutes=minutes, at_meeting=later)
    with pytest.raises(DomainError):
        minutes_svc.minutes_save_draft(meeting=make_meeting(world, status=Meeting.Status.CANCELLED,
                                                         when=moment(2025, 8, 1)), body="x")


# PDF -----------------------------------------------------------------------------------------

def pdf_text(content: bytes) -> str:
    return plain(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


def test_the_minutes_pdf_contains_the_agenda_items_and_the_decisions(world, held, client_for):
    minutes_svc.minutes_regenerate(meeting=held)
    response = client_for(world.coordinator).get(url(world, "minutes_pdf", held))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content).split())
    assert "Adoption de l'ordre du jour" in text
    assert "Adoption du plan de quartier" in text
    assert "Le plan de quartier 2025-2030 est adopté par consensus." in text
    assert "Publier le plan sur le site" in text
    assert "Projet de procès-verbal" in text


def test_the_pdf_of_a_draft_is_not_shown_to_members(world, held, client_for):
    minutes_svc.minutes_save_draft(meeting=held, body="Brouillon")
    assert client_for(world.delegate).get(url(world, "minutes_pdf", held)).status_code == 404
    minutes_svc.minutes_circulate(minutes=held.minutes)
    assert client_for(world.delegate).get(url(world, "minutes_pdf", held)).status_code == 200


# Pages ---------------------------------------------------------------------------------------

def test_the_secretary_sees_a_generated_draft_then_saves_circulates_and_adopts(world, held, client_for,
                                                                              django_assert_max_num_queries):
    client = client_for(world.coordinator)
    with django_assert_max_num_queries(25):
        response = client.get(url(world, "minutes", held))
    assert response.status_code == 200
    page = plain(response.content.decode())
    assert "Le plan de quartier 2025-2030 est adopté par consensus." in page
    assert "pas encore enregistré" in page

    response = client.post(url(world, "minutes", held), {"body": "# PV\n\nTexte **relu**.", "action": "preview"})
    assert response.status_code == 200 and "<strong>relu</strong>" in response.content.decode()
    assert not Minutes.objects.filter(meeting=held).exists()

    response = client.post(url(world, "minutes", held), {"body": "# PV\n\nTexte relu.", "action": "save"})
    assert response.status_code == 302
    assert Minutes.objects.get(meeting=held).body == "# PV\n\nTexte relu."

    assert client.post(url(world, "minutes_generate", held)).status_code == 302
    assert "Registre des décisions" in Minutes.objects.get(meeting=held).body

    assert client.post(url(world, "minutes_circulate", held)).status_code == 302
    assert Minutes.objects.get(meeting=held).status == Minutes.Status.CIRCULATED

    later = make_meeting(world, when=moment(2025, 11, 25), title="Plénière", status=Meeting.Status.IN_PROGRESS)
    response = client.post(url(world, "minutes_adopt", held), {"at_meeting": held.pk})
    assert response.status_code == 400
    assert "rencontre suivante du même espace" in plain(response.content.decode())
    response = client.post(url(world, "minutes_adopt", held), {"at_meeting": later.pk})
    assert response.status_code == 302
    assert Minutes.objects.get(meeting=held).status == Minutes.Status.ADOPTED

    response = client.post(url(world, "minutes", held), {"body": "Changé", "action": "save"})
    assert response.status_code == 400
    assert "il ne peut plus être modifié" in plain(response.content.decode())
    assert Minutes.objects.get(meeting=held).adopted_body.startswith("# Procès-verbal")
    response = client.get(url(world, "minutes", held))
    page = plain(response.content.decode())
    assert "Adopté le" in page and "Plénière" in page and "<textarea" not in page


def test_members_read_and_comment_circulated_minutes_only(world, held, client_for, django_assert_max_num_queries):
    minutes_svc.minutes_save_draft(meeting=held, body="Brouillon secret")
    client = client_for(world.delegate)
    response = client.get(url(world, "minutes", held))
    assert response.status_code == 200 and "Brouillon secret" not in response.content.decode()
    assert client.post(url(world, "minutes", held), {"body": "x", "action": "save"}).status_code == 404
    assert client.post(url(world, "minutes_generate", held)).status_code == 404
    assert client.post(url(world, "minutes_comment", held), {"body": "Un mot"}).status_code == 404

    minutes_svc.minutes_circulate(minutes=held.minutes)
    with django_assert_max_num_queries(14):
        response = client.get(url(world, "minutes", held))
    assert "Brouillon secret" in response.content.decode() and "Envoyer mon commentaire" in response.content.decode()
    response = client.post(url(world, "minutes_comment", held), {"body": "Corriger le nom du CLSC."})
    assert response.status_code == 302
    assert MinutesComment.objects.get(minutes=held.minutes).author == world.delegate
    assert client.post(url(world, "minutes_comment", held), {"body": ""}).status_code == 400
    # Someone outside the space does not even see the meeting.
    assert client_for(world.outsider).post(url(world, "minutes_comment", held), {"body": "x"}).status_code == 404


def test_the_summary_block_for_the_meeting_page_costs_two_queries_at_most(world, held, rf,
                                                                         django_assert_max_num_queries):
    from django.template.loader import render_to_string

    from concertation.meetings.pages.agenda import after_meeting
    from concertation.spaces.access import access_for

    minutes_svc.minutes_save_draft(meeting=held, body="Texte")
    FollowUp.objects.create(space=world.assembly, meeting=held, what="Un de plus", person=world.delegate)
    request = rf.get("/")
    request.user = world.coordinator
    access_for(world.coordinator)  # computed once per request by the page itself
    meeting = Meeting.objects.get(pk=held.pk)
    meeting.space = world.assembly  # as the meeting page loads it
    with django_assert_max_num_queries(2):  # what the page's context reads for it (after_meeting, can_run) included
        html = render_to_string("meetings/minutes/_summary.html", {
            "meeting": meeting, "territory": world.territory, "space": world.assembly, "user": world.coordinator,
            "can_run": world.coordinator.has_perm("meetings.run_meeting", meeting), **after_meeting(meeting),
        }, request=request)
    assert "Brouillon" in html and "3 suivis" in html and "Évaluer la rencontre" in html
    assert url(world, "minutes", held) in html and url(world, "evaluation_results", held) in html
