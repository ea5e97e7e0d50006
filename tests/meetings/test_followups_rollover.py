"""Issue 13, item 8: the follow-ups of earlier meetings roll into the next meeting (agenda page, notice
e-mail and PDF, live page) where the facilitator marks each done, dropped or carried over; « mark
present everyone who answered yes »; opening a meeting before its day asks for confirmation; a
decision taken in a meeting names its meeting and item on its own page."""

from __future__ import annotations

import io
import re
from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from pypdf import PdfReader

from concertation.core.errors import DomainError
from concertation.meetings import followups, minutes, notice
from concertation.meetings.models import (
    AgendaItem,
    Attendance,
    FollowUp,
    FollowUpReview,
    Meeting,
    Rsvp,
)
from concertation.meetings.selectors import accepted_items
from concertation.meetings.services import agenda
from concertation.meetings.services import followups as followups_svc
from concertation.meetings.services import meeting as meeting_svc
from concertation.meetings.services import votes as live
from concertation.meetings.services.attendance import attendance_mark_yes
from concertation.notifications.delivery import deliver
from concertation.notifications.models import Notification

from .test_live import Room

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
NBSP = "\u00a0"
LETTER = "Écrire la lettre d&#x27;appui"  # as a page shows it (escaped)


def at(days: int, hour: int = 18) -> datetime:
    """A moment ``days`` from today at ``hour`` (local time)."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


class Cycle(Room):
    """The room's space with three meetings of the standard agenda: one held two weeks ago, the next
    one next week, and the one after."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.first = self.standard("Rencontre de septembre", -14)
        self.second = self.standard("Rencontre d'octobre", 7)
        self.third = self.standard("Rencontre de novembre", 21)
        Meeting.objects.filter(pk=self.first.pk).update(status=Meeting.Status.IN_PROGRESS)
        self.first.refresh_from_db()
        item = accepted_items(self.first)[-3]
        self.room_booking = followups_svc.follow_up_add(item=item, by=self.secretary, what="Réserver la salle du CLSC",
                                                        person=self.delegates[0], organization=self.organizations[0])
        self.letter = followups_svc.follow_up_add(item=item, by=self.secretary, what="Écrire la lettre d'appui",
                                                  organization=self.organizations[1],
                                                  due_on=timezone.localdate(self.first.starts_at) + timedelta(days=3))
        self.survey = followups_svc.follow_up_add(item=item, by=self.secretary, what="Lancer le sondage",
                                                  person=self.citizens[0])
        Meeting.objects.filter(pk=self.first.pk).update(status=Meeting.Status.HELD)

    def standard(self, title, days):
        return agenda.meeting_create(space=self.space, by=self.facilitator, title=title, starts_at=at(days),
                                     ends_at=at(days, 20), secretary=self.secretary)

    def follow_ups_item(self, meeting) -> AgendaItem:
        return AgendaItem.objects.get(meeting=meeting, standard_role=AgendaItem.Role.FOLLOW_UPS)

    def page(self, name, meeting, **extra):
        return reverse(f"meetings:{name}", kwargs={"territory": self.territory.slug, "space": self.space.slug,
                                                   "pk": meeting.pk, **extra})

    def live_url(self, meeting):
        return self.page("live", meeting) + f"?point={self.follow_ups_item(meeting).pk}"

    def review_url(self, meeting, follow_up):
        return self.page("follow_up_review", meeting, fu=follow_up.pk)

    def start(self, meeting):
        agenda.meeting_convene(meeting=meeting, by=self.facilitator, base_url="https://concertation.test")
        meeting_svc.meeting_open(meeting=meeting, by=self.facilitator, confirm_early=True)
        meeting.refresh_from_db()


@pytest.fixture
def cycle():
    return Cycle()


@pytest.fixture
def room():
    return Room()


def item_block(html: str, item: AgendaItem) -> str:
    """The agenda page's block of one item (up to the next item)."""
    start = html.index(f'id="point-{item.pk}"')
    end = html.find('id="point-', start + 10)
    return html[start:end if end > 0 else len(html)]


# Rolling into the next meeting ---------------------------------------------------------------------

def test_an_open_follow_up_appears_under_the_next_meetings_follow_ups_item_on_its_agenda_page(cycle, client):
    client.force_login(cycle.facilitator)
    html = client.get(cycle.page("meeting", cycle.second)).content.decode()
    block = item_block(html, cycle.follow_ups_item(cycle.second))
    assert "Réserver la salle du CLSC" in block and LETTER in block
    assert "Organisme 01" in block  # who
    # Only there: not under another item.
    assert html.count("Réserver la salle du CLSC") == 1
    # A member sees it too (the agenda is theirs).
    Meeting.objects.filter(pk=cycle.second.pk).update(status=Meeting.Status.CONVENED)
    client.force_login(cycle.delegates[2])
    assert "Réserver la salle du CLSC" in client.get(cycle.page("meeting", cycle.second)).content.decode()


def test_the_notice_email_and_pdf_list_them_under_the_follow_ups_item(cycle, settings):
    settings.SITE_URL = "https://concertation.test"
    agenda.meeting_convene(meeting=cycle.second, by=cycle.facilitator, base_url=settings.SITE_URL)
    mail.outbox.clear()
    deliver(Notification.objects.filter(event="meetings.convened").values_list("pk", flat=True))
    message = next(m for m in mail.outbox if m.to == [cycle.delegates[0].email])
    text = message.body
    heading = text.index("Suivis de la rencontre précédente")
    after = text.index("Tour de table", heading)  # the next item
    section = text[heading:after]
    assert f"Suivis des rencontres précédentes, encore à faire{NBSP}:" in section
    assert "- Réserver la salle du CLSC — Déléguée 0 (Organisme 00)" in section
    assert "- Écrire la lettre d'appui — Organisme 01 — d'ici le" in section
    html = message.alternatives[0][0]
    assert html.index("Suivis de la rencontre précédente") < html.index("Réserver la salle du CLSC") \
        < html.index("Tour de table")

    items = accepted_items(cycle.second)
    pdf = PdfReader(io.BytesIO(notice.notice_pdf(cycle.second, items, base_url=settings.SITE_URL)))
    pdf_text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pdf.pages))
    assert pdf_text.index("Suivis de la rencontre précédente") < pdf_text.index("Réserver la salle du CLSC") \
        < pdf_text.index("Tour de table")
    assert "Lancer le sondage" in pdf_text


def test_the_live_page_lists_them_under_the_follow_ups_item_with_the_three_buttons(cycle, client):
    cycle.start(cycle.second)
    client.force_login(cycle.facilitator)
    html = client.get(cycle.live_url(cycle.second)).content.decode()
    assert 'id="suivis-precedents"' in html
    for follow_up in (cycle.room_booking, cycle.letter, cycle.survey):
        assert f'id="revue-{follow_up.pk}"' in html
        assert f'action="{cycle.review_url(cycle.second, follow_up)}"' in html
    assert html.count('name="outcome" value="carried"') == 3
    # Not under another item.
    other = AgendaItem.objects.get(meeting=cycle.second, title="Tour de table")
    html = client.get(cycle.page("live", cycle.second) + f"?point={other.pk}").content.decode()
    assert "Réserver la salle du CLSC" not in html


# Marking them at the meeting ---------------------------------------------------------------------

def test_marking_records_who_and_what_and_carried_over_comes_back_at_the_meeting_after(cycle, client):
    cycle.start(cycle.second)
    client.force_login(cycle.facilitator)
    response = client.post(cycle.review_url(cycle.second, cycle.room_booking), {"outcome": "carried"})
    assert response.status_code == 302 and response["Location"].endswith("#suivis-precedents")
    response = client.post(cycle.review_url(cycle.second, cycle.letter), {"outcome": "done"}, **HTMX)
    assert response.status_code == 200
    row = response.content.decode()
    assert row.lstrip().startswith(f'<li id="revue-{cycle.letter.pk}"') and "<html" not in row
    assert 'aria-pressed="true" class="button button-small"><span aria-hidden="true">✓ </span>Fait' in row
    assert "noté par Animation" in row
    client.post(cycle.review_url(cycle.second, cycle.survey), {"outcome": "dropped"})

    reviews = {review.follow_up_id: review for review in FollowUpReview.objects.filter(meeting=cycle.second)}
    assert {pk: review.outcome for pk, review in reviews.items()} == {
        cycle.room_booking.pk: "carried", cycle.letter.pk: "done", cycle.survey.pk: "dropped"}
    assert all(review.by == cycle.facilitator and review.created_at for review in reviews.values())
    for follow_up in (cycle.room_booking, cycle.letter, cycle.survey):
        follow_up.refresh_from_db()
    assert cycle.room_booking.status == FollowUp.Status.OPEN
    assert cycle.letter.status == FollowUp.Status.DONE
    assert cycle.letter.done_on == timezone.localdate(cycle.second.starts_at)
    assert cycle.survey.status == FollowUp.Status.DROPPED and cycle.survey.done_on is None

    # The meeting after: only the one carried over, with the meeting that carried it.
    rows = followups.review_rows(cycle.third)
    assert rows == [cycle.room_booking]
    assert [review.meeting for review in rows[0].carried] == [cycle.second]
    html = client.get(cycle.page("meeting", cycle.third)).content.decode()
    block = item_block(html, cycle.follow_ups_item(cycle.third))
    assert "Réserver la salle du CLSC" in block
    agenda_html = html.split('id="ordre-du-jour"', 1)[1]
    assert LETTER not in agenda_html and "Lancer le sondage" not in agenda_html
    # The second meeting still shows what it did with each one (its page, its minutes).
    html = client.get(cycle.live_url(cycle.second)).content.decode()
    assert html.count('aria-pressed="true"') == 3
    text = minutes.minutes_generate(cycle.second)
    assert "Écrire la lettre d'appui — Organisme 01 — d'ici le" in text and "— fait" in text
    assert "— reporté" in text and "— abandonné" in text


def test_a_second_mark_corrects_the_review(cycle):
    cycle.start(cycle.second)
    followups_svc.follow_up_review(meeting=cycle.second, follow_up=cycle.letter, outcome="done", by=cycle.secretary)
    followups_svc.follow_up_review(meeting=cycle.second, follow_up=cycle.letter, outcome="carried",
                                   by=cycle.facilitator)
    review = FollowUpReview.objects.get(follow_up=cycle.letter)
    assert (review.meeting, review.outcome, review.by) == (cycle.second, "carried", cycle.facilitator)
    cycle.letter.refresh_from_db()
    assert cycle.letter.status == FollowUp.Status.OPEN and cycle.letter.done_on is None
    assert cycle.letter in followups.follow_ups_for_meeting(cycle.third)


def test_marking_is_refused_before_the_meeting_opens_and_for_what_it_does_not_review(cycle, client):
    agenda.meeting_convene(meeting=cycle.second, by=cycle.facilitator, base_url="https://concertation.test")
    with pytest.raises(DomainError, match="pendant la rencontre"):
        followups_svc.follow_up_review(meeting=cycle.second, follow_up=cycle.letter, outcome="done")
    meeting_svc.meeting_open(meeting=cycle.second, by=cycle.facilitator, confirm_early=True)
    with pytest.raises(DomainError, match="fait, abandonné ou reporté"):
        followups_svc.follow_up_review(meeting=cycle.second, follow_up=cycle.letter, outcome="maybe")
    decided_here = followups_svc.follow_up_add(item=accepted_items(cycle.second)[-4], by=cycle.secretary,
                                               what="Décidé aujourd'hui", person=cycle.delegates[0])
    with pytest.raises(DomainError, match="ne fait pas partie"):
        followups_svc.follow_up_review(meeting=cycle.second, follow_up=decided_here, outcome="done")
    assert not FollowUpReview.objects.exists()
    # Another space's follow-up answers like a missing one; a member who does not run it, 404 too.
    other = Cycle()
    client.force_login(cycle.facilitator)
    assert client.post(cycle.review_url(cycle.second, other.letter), {"outcome": "done"}).status_code == 404
    client.force_login(cycle.delegates[0])
    assert client.post(cycle.review_url(cycle.second, cycle.letter), {"outcome": "done"}).status_code == 404
    cycle.letter.refresh_from_db()
    assert cycle.letter.status == FollowUp.Status.OPEN and not FollowUpReview.objects.exists()


def test_the_follow_ups_item_of_the_live_page_keeps_a_bounded_query_count(cycle, client,
                                                                           django_assert_max_num_queries):
    cycle.start(cycle.second)
    item = AgendaItem.objects.get(meeting=cycle.first, title="Tour de table")
    for n in range(30):
        followups_svc.follow_up_add(item=item, by=cycle.secretary, what=f"Suivi {n}", person=cycle.delegates[n % 3])
    followups_svc.follow_up_review(meeting=cycle.second, follow_up=cycle.letter, outcome="carried")
    client.force_login(cycle.facilitator)
    with django_assert_max_num_queries(18):
        response = client.get(cycle.live_url(cycle.second))
    assert response.content.decode().count('name="outcome" value="done"') == 33


def test_the_meeting_page_reads_the_rolled_follow_ups_in_the_same_queries_with_none_and_many(
        cycle, client, django_assert_max_num_queries):
    """Issue 20: the reviews of the rolled follow-ups were prefetched twice, and only when there were
    rows (14 queries without, 16 with). Now the same count whatever the data."""
    page = cycle.page("meeting", cycle.third)
    client.force_login(cycle.facilitator)
    client.get(page)  # warm per-process caches
    FollowUp.objects.filter(space=cycle.space).update(status=FollowUp.Status.DONE)
    with CaptureQueriesContext(connection) as none:
        assert LETTER not in client.get(page).content.decode()
    FollowUp.objects.filter(space=cycle.space).update(status=FollowUp.Status.OPEN)
    item = AgendaItem.objects.get(meeting=cycle.first, title="Tour de table")
    for n in range(20):
        followups_svc.follow_up_add(item=item, by=cycle.secretary, what=f"Suivi {n}", person=cycle.delegates[n % 3])
    cycle.start(cycle.second)
    followups_svc.follow_up_review(meeting=cycle.second, follow_up=cycle.letter, outcome="carried")
    followups_svc.follow_up_review(meeting=cycle.second, follow_up=cycle.survey, outcome="carried")
    with django_assert_max_num_queries(len(none)):
        html = client.get(page).content.decode()
    assert LETTER in html and "Suivi 19" in html
    assert len(none) <= 15


# Attendance: mark present everyone who answered yes, counts, filter --------------------------------------

def test_mark_present_everyone_who_answered_yes(room, client):
    answers = {room.delegates[0]: "yes", room.citizens[0]: "yes", room.delegates[1]: "yes", room.delegates[2]: "no",
               room.facilitator: "yes"}  # the facilitator does not sit in the space
    for person, answer in answers.items():
        Rsvp.objects.create(meeting=room.meeting, person=person, answer=answer)
    room.attend(room.delegates[1], status=Attendance.Status.ABSENT)  # noted already: stays as it is
    client.force_login(room.facilitator)
    html = client.get(room.url("live")).content.decode()
    assert "Marquer présentes toutes les personnes qui ont répondu oui" in html
    assert "2 personnes ont répondu oui et ne sont pas encore notées." in html
    assert f"Présence{NBSP}: <strong>0</strong>" in html

    response = client.post(room.url("attendance_yes"))
    assert response.status_code == 302 and response["Location"].endswith("#presences")
    noted = {a.person_id: (a.status, a.organization_id) for a in Attendance.objects.filter(meeting=room.meeting)}
    assert noted == {room.delegates[0].pk: ("present", room.organizations[0].pk),
                     room.citizens[0].pk: ("present", None),
                     room.delegates[1].pk: ("absent", room.organizations[1].pk)}
    html = client.get(room.url("live")).content.decode()
    assert "2 personnes qui ont répondu oui sont notées présentes." in html
    assert f"Présence{NBSP}: <strong>2</strong>" in html and f"Absence{NBSP}: <strong>1</strong>" in html
    assert "Marquer présentes toutes les personnes" not in html  # nobody left to mark
    assert room.quorum().present == 2  # the quorum counts them
    assert attendance_mark_yes(meeting=room.meeting) == 0  # a second time: nothing to do
    # Only those who run the meeting.
    client.force_login(room.delegates[2])
    assert client.post(room.url("attendance_yes")).status_code == 404


def test_mark_present_waits_for_the_notice(room):
    room.meeting.status = Meeting.Status.DRAFT
    room.meeting.save()
    Rsvp.objects.create(meeting=room.meeting, person=room.delegates[0], answer="yes")
    with pytest.raises(DomainError, match="convoquée"):
        attendance_mark_yes(meeting=room.meeting)
    assert not Attendance.objects.exists()


def test_the_attendance_list_filters_by_name_and_status_without_and_with_javascript(room, client):
    room.attend(room.delegates[1], status=Attendance.Status.LATE)
    client.force_login(room.facilitator)
    html = client.get(room.url("live") + "?nom=organisme 01").content.decode()
    assert html.count('<tbody id="membre-') == 1 and f'membre-o-{room.organizations[1].pk}"' in html
    assert "1 membre affiché sur 4." in html
    html = client.get(room.url("live") + "?nom=CITOYENNE").content.decode()  # case and accents ignored
    assert html.count('<tbody id="membre-') == 1 and f'membre-u-{room.citizens[0].pk}"' in html
    html = client.get(room.url("live") + "?presence=late").content.decode()
    assert html.count('<tbody id="membre-') == 1
    html = client.get(room.url("live") + "?presence=aucune").content.decode()
    assert html.count('<tbody id="membre-') == 4  # every member has someone not noted yet
    # With htmx, the filter typed answers with the table alone.
    response = client.get(room.url("live") + "?nom=Déléguée 2", HTTP_HX_TARGET="presences-liste", **HTMX)
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<div id="presences-liste">') and "<html" not in fragment
    assert fragment.count('<tbody id="membre-') == 1
    # A button of the table refreshes the counts with the quorum (out of band).
    response = client.post(room.url("attendance"), {"presence": f"{room.citizens[0].pk}::present"}, **HTMX)
    answer = response.content.decode()
    assert 'id="presences-comptes" hx-swap-oob="innerHTML"' in answer
    assert f"Présence{NBSP}: <strong>1</strong>" in answer and f"Retard{NBSP}: <strong>1</strong>" in answer
    # And so does the live page's quorum poll.
    poll = client.get(room.url("quorum") + "?presences=1", **HTMX).content.decode()
    assert 'id="presences-comptes"' in poll and f"Présence{NBSP}: <strong>1</strong>" in poll


# Opening before the day --------------------------------------------------------------------------------

def test_opening_before_the_day_asks_for_confirmation(cycle, client):
    agenda.meeting_convene(meeting=cycle.second, by=cycle.facilitator, base_url="https://concertation.test")
    with pytest.raises(DomainError, match="cochez «\u00a0Je confirme ouvrir la rencontre avant la date prévue"):
        meeting_svc.meeting_open(meeting=cycle.second, by=cycle.facilitator)
    cycle.second.refresh_from_db()
    assert cycle.second.status == Meeting.Status.CONVENED and cycle.second.opened_at is None

    client.force_login(cycle.facilitator)
    html = client.get(cycle.page("live", cycle.second)).content.decode()
    assert 'name="confirm_early" value="1" required' in html
    assert "Je confirme ouvrir la rencontre avant la date prévue" in html
    response = client.post(cycle.page("open", cycle.second), follow=True)
    assert "Pour l&#x27;ouvrir dès maintenant, cochez" in response.content.decode()
    cycle.second.refresh_from_db()
    assert cycle.second.status == Meeting.Status.CONVENED

    client.post(cycle.page("open", cycle.second), {"confirm_early": "1"})
    cycle.second.refresh_from_db()
    assert cycle.second.status == Meeting.Status.IN_PROGRESS and cycle.second.opened_at


def test_a_meeting_of_today_opens_without_confirmation(room, client):
    client.force_login(room.facilitator)
    assert 'name="confirm_early"' not in client.get(room.url("live")).content.decode()
    client.post(room.url("open"))
    room.meeting.refresh_from_db()
    assert room.meeting.status == Meeting.Status.IN_PROGRESS


# A meeting's decision on its own page ------------------------------------------------------------------

def proposal_page(room, client, proposal) -> str:
    client.force_login(room.delegates[0])
    return client.get(reverse("decisions:proposal", kwargs={
        "territory": room.territory.slug, "space": room.space.slug, "pk": proposal.pk})).content.decode()


def test_a_show_of_hands_decision_names_its_meeting_and_item_and_has_no_online_vote(room, client):
    room.open()
    room.reach_quorum()
    proposal = live.record_show_of_hands(item=room.item, by=room.secretary, yes=2, no=0, abstain=1,
                                         outcome="La table appuie le projet.")
    html = proposal_page(room, client, proposal)
    meeting_url = reverse("meetings:meeting", kwargs={"territory": room.territory.slug, "space": room.space.slug,
                                                      "pk": room.meeting.pk})
    date = room.meeting.starts_at
    assert "Décision prise en rencontre" in html
    assert f'<a href="{meeting_url}">{room.meeting.title}, ' in html
    assert f'point 2 — <a href="{meeting_url}#point-{room.item.pk}">Appui au projet de logement</a>' in html
    assert f"{room.meeting.title}, {date_format(timezone.localtime(date), 'DATE_FORMAT')}</a>" in html
    assert "(vote à main levée)" in html
    assert 'id="vote-titre"' not in html and "Vérifier un reçu de vote" not in html
    assert "Participation" not in html and "Vote à main levée pendant la rencontre" in html


def test_an_electronic_vote_in_a_meeting_says_it_was_held_in_the_meeting(room, client):
    room.open()
    room.reach_quorum()
    proposal = live.vote_open(item=room.item, by=room.secretary)
    html = proposal_page(room, client, proposal)
    assert "À l&#x27;ordre du jour de la rencontre" in html or "À l'ordre du jour de la rencontre" in html
    assert "Vote électronique tenu pendant la rencontre" in html and 'id="vote-titre"' in html
    for delegate, organization in zip(room.delegates, room.organizations, strict=True):
        client.force_login(delegate)
        client.post(reverse("decisions:vote", kwargs={"territory": room.territory.slug, "space": room.space.slug,
                                                       "pk": proposal.pk}),
                    {"voter": f"o:{organization.pk}", f"v-o-{organization.pk}-choice": "yes"})
    live.vote_close(item=room.item, by=room.secretary)
    room.item.refresh_from_db()
    live.decision_record(item=room.item, by=room.secretary, outcome="Adopté.")
    html = proposal_page(room, client, proposal)
    assert "Décision prise en rencontre" in html and "(vote électronique tenu pendant la rencontre)" in html
    assert "point 2 —" in html


def test_an_online_proposal_says_nothing_of_a_meeting(room, client):
    from concertation.decisions.services import proposal_create, proposal_open

    proposal = proposal_create(space=room.space, author=room.facilitator, title="En ligne")
    proposal_open(proposal=proposal, by=room.facilitator)
    html = proposal_page(room, client, proposal)
    assert 'class="meeting-origin"' not in html and "Décision prise en rencontre" not in html
    assert 'id="vote-titre"' in html
