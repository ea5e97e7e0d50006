"""Preparing a meeting: the standard agenda, items added, moved, proposed and accepted, the timebox,
convening, updating and cancelling, who may do what, and bounded pages."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from concertation.core.errors import DomainError
from concertation.meetings.models import AgendaItem, Meeting, Rsvp
from concertation.meetings.services import agenda as services
from concertation.notifications.models import Notification
from concertation.spaces.models import Charter
from tests.factories import DelegationFactory, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

T = "/t/pointe-test/e"
NBSP = "\u00a0"
Role = AgendaItem.Role


def local(day_offset: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=day_offset)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def make_meeting(world, space=None, *, by=None, title="Rencontre d'automne", hours=2, **fields) -> Meeting:
    return services.meeting_create(space=space or world.assembly, by=by or world.coordinator, title=title,
                                   starts_at=local(7, 18, 30), ends_at=local(7, 18 + hours, 30), **fields)


def titles(meeting) -> list[str]:
    return list(meeting.items.filter(status="accepted").order_by("position").values_list("title", flat=True))


def url(meeting, suffix="") -> str:
    return f"/t/{meeting.space.territory.slug}/e/{meeting.space.slug}/rencontres/{meeting.pk}/{suffix}"


# The standard agenda ----------------------------------------------------------------------------

def test_a_new_meeting_starts_from_the_standard_agenda(world):
    meeting = make_meeting(world)
    assert meeting.status == Meeting.Status.DRAFT
    assert titles(meeting) == [
        "Accueil et mot de bienvenue", "Animation et secrétariat de la rencontre", "Adoption de l'ordre du jour",
        "Adoption du procès-verbal de la rencontre précédente", "Suivis de la rencontre précédente",
        "Tour de table", "Varia", "Évaluation de la rencontre", "Date de la prochaine rencontre",
        "Levée de la rencontre",
    ]
    roles = dict(meeting.items.exclude(standard_role="").values_list("standard_role", "kind"))
    assert roles == {"adopt_agenda": "decision", "adopt_minutes": "decision", "follow_ups": "follow_up",
                     "evaluation": "evaluation"}
    assert list(meeting.items.order_by("position").values_list("position", flat=True)) == list(range(1, 11))


def test_a_meeting_may_start_with_an_empty_agenda(world):
    meeting = make_meeting(world, standard_agenda=False)
    assert titles(meeting) == []


def test_a_meeting_ends_after_it_starts(world):
    with pytest.raises(DomainError) as error:
        services.meeting_create(space=world.assembly, by=world.coordinator, title="À l'envers",
                                starts_at=local(3, 20), ends_at=local(3, 18))
    assert error.value.field == "ends_at"


def test_a_new_item_goes_before_the_round_table_and_can_be_moved(world):
    meeting = make_meeting(world)
    item = services.item_add(meeting=meeting, by=world.coordinator, title="Enveloppe de 120 000 $", kind="decision",
                             minutes_allotted=30)
    assert titles(meeting)[5:7] == ["Enveloppe de 120 000 $", "Tour de table"]
    assert item.position == 6
    second = services.item_add(meeting=meeting, by=world.coordinator, title="Portrait de santé",
                               minutes_allotted=20)
    assert titles(meeting)[5:8] == ["Enveloppe de 120 000 $", "Portrait de santé", "Tour de table"]

    assert services.item_move(item=second, by=world.coordinator, direction="up") == 6
    assert titles(meeting)[5:7] == ["Portrait de santé", "Enveloppe de 120 000 $"]
    services.item_move(item=second, by=world.coordinator, direction="down")
    assert titles(meeting)[5:7] == ["Enveloppe de 120 000 $", "Portrait de santé"]
    services.item_move(item=second, by=world.coordinator, to=1)
    assert titles(meeting)[0] == "Portrait de santé"
    # Beyond the ends: stays first (or last).
    assert services.item_move(item=second, by=world.coordinator, direction="up") == 1
    assert services.item_move(item=second, by=world.coordinator, to=99) == 12
    positions = list(meeting.items.order_by("position").values_list("position", flat=True))
    assert positions == list(range(1, 13))


def test_deleting_an_item_renumbers_the_agenda(world):
    meeting = make_meeting(world)
    services.item_delete(item=meeting.items.get(title="Varia"), by=world.coordinator)
    assert "Varia" not in titles(meeting)
    assert list(meeting.items.order_by("position").values_list("position", flat=True)) == list(range(1, 10))


def test_the_agenda_of_a_held_or_cancelled_meeting_no_longer_changes(world):
    meeting = make_meeting(world)
    services.meeting_cancel(meeting=meeting, by=world.coordinator)
    with pytest.raises(DomainError):
        services.item_add(meeting=meeting, by=world.coordinator, title="Trop tard")
    with pytest.raises(DomainError):
        services.item_move(item=meeting.items.first(), by=world.coordinator, direction="down")


def test_the_timebox_total_is_compared_to_the_meeting_length(world, client):
    meeting = make_meeting(world, hours=1)  # 60 minutes; the standard agenda takes 53
    box = services.timebox(meeting, list(meeting.items.all()))
    assert box == {"total": 53, "length": 60, "over": False, "excess": 0}
    services.item_add(meeting=meeting, by=world.coordinator, title="Long point", minutes_allotted=27)
    box = services.timebox(meeting, list(meeting.items.all()))
    assert box["over"] and box["excess"] == 20
    client.force_login(world.coordinator)
    html = client.get(url(meeting)).content.decode()
    assert f"Dépassement de 20{NBSP}min" in html
    assert f"80{NBSP}min sur 60{NBSP}min" in html


# Items proposed by members ----------------------------------------------------------------------

def test_a_voting_member_proposes_an_item_the_facilitator_accepts(world):
    meeting = make_meeting(world)
    item = services.item_propose(meeting=meeting, by=world.delegate, title="Logement social", kind="consultation",
                                 minutes_allotted=15)
    assert item.status == AgendaItem.Status.PROPOSED and item.proposed_by == world.delegate
    assert "Logement social" not in titles(meeting)
    services.item_accept(item=item, by=world.coordinator)
    assert titles(meeting)[5] == "Logement social"


def test_the_facilitator_declines_a_proposed_item(world):
    meeting = make_meeting(world)
    item = services.item_propose(meeting=meeting, by=world.citizen, title="Hors sujet")
    services.item_decline(item=item, by=world.coordinator)
    item.refresh_from_db()
    assert item.status == AgendaItem.Status.DECLINED
    assert "Hors sujet" not in titles(meeting)


@pytest.mark.parametrize("rule,who,allowed", [
    ("voting", "delegate", True), ("voting", "citizen", True), ("voting", "observer", False),
    ("all_members", "observer", True), ("coordination", "delegate", False), ("coordination", "coordinator", True),
    ("all_members", "outsider", False),
])
def test_who_may_propose_items_follows_the_charter(world, rule, who, allowed):
    Charter.objects.filter(space=world.assembly).update(agenda_proposers=rule)
    meeting = make_meeting(world)
    user = world.users[who]
    assert services.may_propose_items(user, meeting) is allowed
    if allowed:
        services.item_propose(meeting=meeting, by=user, title="Un point")
    else:
        with pytest.raises(DomainError):
            services.item_propose(meeting=meeting, by=user, title="Un point")


def test_a_member_proposes_an_item_through_the_page(world, client):
    meeting = make_meeting(world)
    services.meeting_convene(meeting=meeting, by=world.coordinator, base_url="https://x.example")
    client.force_login(world.delegate)
    page = client.get(url(meeting)).content.decode()
    assert "Proposer un point" in page
    response = client.post(url(meeting, "points/proposer/"),
                           {"title": "Jardin collectif", "kind": "information", "minutes_allotted": 10})
    assert response.status_code == 302
    item = meeting.items.get(title="Jardin collectif")
    assert item.status == "proposed"
    client.force_login(world.coordinator)
    page = client.get(url(meeting)).content.decode()
    assert "Jardin collectif" in page and "Ajouter à l'ordre du jour" in page
    assert client.post(url(meeting, f"points/{item.pk}/accepter/")).status_code == 302
    item.refresh_from_db()
    assert item.status == "accepted"


def test_an_observer_cannot_propose_when_only_voting_members_may(world, client):
    meeting = make_meeting(world)
    services.meeting_convene(meeting=meeting, by=world.coordinator, base_url="https://x.example")
    client.force_login(world.observer)
    assert "Proposer un point" not in client.get(url(meeting)).content.decode()
    assert client.get(url(meeting, "points/proposer/")).status_code == 404


# Reordering without JavaScript, and with htmx ---------------------------------------------------

def test_moving_an_item_with_a_plain_form_redirects_to_it(world, client):
    meeting = make_meeting(world)
    item = meeting.items.get(title="Varia")
    client.force_login(world.coordinator)
    response = client.post(url(meeting, f"points/{item.pk}/deplacer/"), {"direction": "up"})
    assert response.status_code == 302 and response["Location"].endswith(f"#point-{item.pk}")
    assert titles(meeting)[5] == "Varia"


def test_moving_an_item_with_htmx_returns_the_agenda_only(world, client):
    meeting = make_meeting(world)
    item = meeting.items.get(title="Varia")
    client.force_login(world.coordinator)
    response = client.post(url(meeting, f"points/{item.pk}/deplacer/"), {"direction": "down"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="ordre-du-jour"') and "<h1>" not in html
    assert f"«{NBSP}Varia{NBSP}» est maintenant le point 8." in html
    assert "autofocus" in html
    assert titles(meeting)[7] == "Varia"


def test_the_meeting_page_offers_keyboard_reachable_move_buttons(world, client):
    meeting = make_meeting(world)
    client.force_login(world.coordinator)
    html = client.get(url(meeting)).content.decode()
    assert html.count('name="direction" value="up"') == 10
    assert "Monter" in html and "Descendre" in html and 'type="submit"' in html


# Convening, updating, cancelling ----------------------------------------------------------------

def test_convening_creates_one_answer_per_person_and_queues_the_notice_after_commit(
        world, django_capture_on_commit_callbacks):
    alternate = UserFactory(email="substitut@example.org")
    DelegationFactory(membership=world.org_in_assembly, person=alternate, kind="alternate")
    # The delegate also represents a second organization: one notice only.
    second = MembershipFactory(space=world.assembly, organization=OrganizationFactory(territory=world.territory))
    DelegationFactory(membership=second, person=world.delegate)
    meeting = make_meeting(world)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        count = services.meeting_convene(meeting=meeting, by=world.coordinator, base_url="https://x.example")
    assert len(callbacks) == 1
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CONVENED and meeting.convened_at is not None
    people = set(Rsvp.objects.filter(meeting=meeting).values_list("person__email", flat=True))
    assert people == {"delegue@example.org", "substitut@example.org", "observateur@example.org",
                      "citoyenne@example.org"}
    assert count == 4
    notices = Notification.objects.filter(event="meetings.convened", context__meeting_id=meeting.pk)
    assert set(notices.values_list("recipient__email", flat=True)) == people
    task = DBTaskResult.objects.get()
    assert task.queue_name == "email" and task.task_path.endswith("deliver_notifications")
    assert sorted(task.args_kwargs["args"][0]) == sorted(notices.values_list("pk", flat=True))


def test_a_meeting_is_convened_once_and_not_in_the_past(world):
    meeting = make_meeting(world)
    services.meeting_convene(meeting=meeting, by=world.coordinator)
    with pytest.raises(DomainError):
        services.meeting_convene(meeting=meeting, by=world.coordinator)
    past = services.meeting_create(space=world.assembly, by=world.coordinator, title="Hier",
                                   starts_at=local(-1, 18), ends_at=local(-1, 20))
    with pytest.raises(DomainError):
        services.meeting_convene(meeting=past, by=world.coordinator)


def test_a_convened_meeting_that_changes_raises_its_sequence_and_sends_an_update(
        world, django_capture_on_commit_callbacks):
    meeting = make_meeting(world)
    assert services.meeting_update(meeting=meeting, by=world.coordinator, room="Salle 2") == ["room"]
    meeting.refresh_from_db()
    assert meeting.sequence == 0  # a draft changes quietly
    services.meeting_convene(meeting=meeting, by=world.coordinator)
    DBTaskResult.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        changed = services.meeting_update(meeting=meeting, by=world.coordinator, starts_at=local(8, 9),
                                          ends_at=local(8, 11), room="Salle 2")
    assert changed == ["starts_at", "ends_at"]
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    updates = Notification.objects.filter(event="meetings.changed", context__meeting_id=meeting.pk)
    assert updates.count() == 3 and {row.once_key for row in updates} == {f"meeting:{meeting.pk}:1"}
    assert sorted(DBTaskResult.objects.get().args_kwargs["args"][0]) == sorted(updates.values_list("pk", flat=True))
    # Nothing changed: no update, no new sequence.
    assert services.meeting_update(meeting=meeting, by=world.coordinator, room="Salle 2") == []
    meeting.refresh_from_db()
    assert meeting.sequence == 1


def test_cancelling_a_convened_meeting_sends_a_cancellation(world, django_capture_on_commit_callbacks):
    meeting = make_meeting(world)
    services.meeting_convene(meeting=meeting, by=world.coordinator)
    DBTaskResult.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.meeting_cancel(meeting=meeting, by=world.coordinator, reason="Tempête de neige") is True
    meeting.refresh_from_db()
    assert meeting.status == "cancelled" and meeting.sequence == 1 and meeting.cancelled_reason == "Tempête de neige"
    cancellations = Notification.objects.filter(event="meetings.cancelled", context__meeting_id=meeting.pk)
    assert cancellations.count() == 3  # everyone the notice went to
    assert sorted(DBTaskResult.objects.get().args_kwargs["args"][0]) == sorted(
        cancellations.values_list("pk", flat=True))
    with pytest.raises(DomainError):
        services.meeting_cancel(meeting=meeting, by=world.coordinator)
    with pytest.raises(DomainError):
        services.meeting_update(meeting=meeting, by=world.coordinator, title="Autre")


def test_cancelling_a_draft_sends_nothing(world, django_capture_on_commit_callbacks):
    meeting = make_meeting(world)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert services.meeting_cancel(meeting=meeting, by=world.coordinator) is False
    assert callbacks == [] and not DBTaskResult.objects.exists()


# Pages and forms --------------------------------------------------------------------------------

def test_a_facilitator_creates_a_meeting_with_the_form(world, client):
    client.force_login(world.coordinator)
    assert client.get(f"{T}/assemblee/rencontres/nouvelle/").status_code == 200
    day = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = client.post(f"{T}/assemblee/rencontres/nouvelle/", {
        "title": "Assemblée d'automne", "kind": "regular", "date": day, "start_time": "18:30", "end_time": "20:30",
        "address": "1000, rue des Hérons", "room": "Salle communautaire", "childcare": "on", "meal": "Collation",
        "facilitator": world.delegate.pk,
    })
    assert response.status_code == 302
    meeting = Meeting.objects.get(title="Assemblée d'automne")
    assert timezone.localtime(meeting.starts_at).strftime("%H:%M") == "18:30"
    assert str(timezone.localtime(meeting.starts_at).tzinfo) == "America/Montreal"
    assert meeting.facilitator == world.delegate and meeting.childcare
    assert meeting.items.count() == 10
    html = client.get(response["Location"]).content.decode()
    html = html.replace("\xa0", " ").replace("&nbsp;", " ")
    assert "18 h 30" in html and "Salle communautaire" in html and "Accueil et mot de bienvenue" in html


def test_the_form_refuses_an_end_before_the_start_and_keeps_what_was_typed(world, client):
    client.force_login(world.coordinator)
    day = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = client.post(f"{T}/assemblee/rencontres/nouvelle/", {
        "title": "À l'envers", "kind": "regular", "date": day, "start_time": "20:00", "end_time": "18:00"})
    html = response.content.decode()
    assert response.status_code == 200 and "L&#x27;heure de fin doit suivre l&#x27;heure de début." in html
    assert 'value="À l&#x27;envers"' in html


def test_editing_an_item_adds_and_removes_a_document(world, client):
    meeting = make_meeting(world)
    item = services.item_add(meeting=meeting, by=world.coordinator, title="Portrait", minutes_allotted=20)
    client.force_login(world.coordinator)
    assert client.get(url(meeting, f"points/{item.pk}/")).status_code == 200
    response = client.post(url(meeting, f"points/{item.pk}/"), {
        "title": "Portrait de santé", "kind": "information", "minutes_allotted": 25,
        "description": "**Faits saillants** du CLSC", "document_title": "Profil 2025",
        "document_url": "https://clsc.example.org/profil.pdf",
    })
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "Portrait de santé" and item.minutes_allotted == 25
    document = item.documents.get()
    html = client.get(url(meeting)).content.decode()
    assert "<strong>Faits saillants</strong>" in html and "https://clsc.example.org/profil.pdf" in html
    client.post(url(meeting, f"points/{item.pk}/"), {
        "title": "Portrait de santé", "kind": "information", "minutes_allotted": 25,
        "remove_documents": [document.pk]})
    assert not item.documents.exists()


def test_a_member_answers_from_the_meeting_page(world, client):
    meeting = make_meeting(world, childcare=True)
    services.meeting_convene(meeting=meeting, by=world.coordinator)
    client.force_login(world.citizen)
    response = client.post(url(meeting), {"answer": "yes", "childcare": 2, "accessibility": "Ascenseur"})
    assert response.status_code == 302
    answer = Rsvp.objects.get(meeting=meeting, person=world.citizen)
    assert (answer.answer, answer.childcare, answer.accessibility) == ("yes", 2, "Ascenseur")
    client.force_login(world.coordinator)
    html = client.get(url(meeting)).content.decode()
    assert f"Oui{NBSP}: 1" in html and "2 enfants à faire garder" in html and "Ascenseur" in html


# Who may do what --------------------------------------------------------------------------------

@pytest.mark.parametrize("who,status", [
    ("anonymous", 404), ("outsider", 404), ("delegate", 404), ("citizen", 404), ("facilitator", 404),
    ("coordinator", 200), ("admin", 200),
])
def test_a_draft_is_seen_only_by_those_who_run_the_space(world, client_for, who, status):
    meeting = make_meeting(world)
    assert client_for(world.users[who]).get(url(meeting)).status_code == status


@pytest.mark.parametrize("who,status", [
    ("anonymous", 200), ("outsider", 200), ("foreigner", 200), ("delegate", 200), ("coordinator", 200),
])
def test_a_convened_meeting_of_a_public_space_is_public(world, client_for, who, status):
    meeting = make_meeting(world)
    services.meeting_convene(meeting=meeting, by=world.coordinator)
    assert client_for(world.users[who]).get(url(meeting)).status_code == status


@pytest.mark.parametrize("who,status", [
    ("anonymous", 302), ("outsider", 404), ("citizen", 404), ("delegate", 200), ("coordinator", 200),
])  # anonymous visitors are sent to sign in (issue 13)
def test_a_members_only_space_hides_its_meetings(world, client_for, who, status):
    meeting = make_meeting(world, world.committee)
    services.meeting_convene(meeting=meeting, by=world.coordinator)
    client = client_for(world.users[who])
    assert client.get(url(meeting)).status_code == status
    assert client.get(f"{T}/comite/rencontres/").status_code == status


@pytest.mark.parametrize("who,allowed", [
    ("delegate", False), ("citizen", False), ("observer", False), ("outsider", False), ("coordinator", True),
])
def test_only_those_who_run_the_meeting_edit_convene_and_reorder(world, client_for, who, allowed):
    meeting = make_meeting(world)
    services.meeting_convene(meeting=meeting, by=world.coordinator)
    item = meeting.items.get(title="Varia")
    client = client_for(world.users[who])
    expected = 200 if allowed else 404
    assert client.get(url(meeting, "modifier/")).status_code == expected
    assert client.get(url(meeting, "points/ajouter/")).status_code == expected
    assert client.get(url(meeting, f"points/{item.pk}/")).status_code == expected
    moved = client.post(url(meeting, f"points/{item.pk}/deplacer/"), {"direction": "up"})
    assert moved.status_code == (302 if allowed else 404)
    cancelled = client.post(url(meeting, "annuler/"))
    assert cancelled.status_code == (302 if allowed else 404)
    meeting.refresh_from_db()
    assert (meeting.status == "cancelled") is allowed


def test_the_meeting_facilitator_runs_their_meeting(world, client):
    meeting = make_meeting(world, world.group, by=world.facilitator, facilitator=world.facilitator)
    client.force_login(world.facilitator)
    assert client.post(url(meeting, "convoquer/")).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "convened"


def test_only_facilitation_may_create_a_meeting(world, client_for):
    assert client_for(world.delegate).get(f"{T}/assemblee/rencontres/nouvelle/").status_code == 404
    assert client_for(world.facilitator).get(f"{T}/chantier/rencontres/nouvelle/").status_code == 200
    assert client_for(world.facilitator).get(f"{T}/assemblee/rencontres/nouvelle/").status_code == 404


def test_the_list_shows_upcoming_and_past_meetings_and_hides_drafts_from_members(world, client_for):
    upcoming = make_meeting(world, title="Prochaine")
    services.meeting_convene(meeting=upcoming, by=world.coordinator)
    make_meeting(world, title="Brouillon secret")
    past = services.meeting_create(space=world.assembly, by=world.coordinator, title="Passée",
                                   starts_at=local(-30, 18), ends_at=local(-30, 20))
    Meeting.objects.filter(pk=past.pk).update(status="held")
    html = client_for(world.delegate).get(f"{T}/assemblee/rencontres/").content.decode()
    assert "Prochaine" in html and "Passée" in html and "Brouillon secret" not in html
    assert "Nouvelle rencontre" not in html
    html = client_for(world.coordinator).get(f"{T}/assemblee/rencontres/").content.decode()
    assert "Brouillon secret" in html and "Nouvelle rencontre" in html


# Bounded pages ----------------------------------------------------------------------------------

def grow_meeting(world, meeting, count):
    """`count` more items (with a document each) and `count` more members who answered."""
    for n in range(count):
        item = services.item_add(meeting=meeting, by=world.coordinator, title=f"Point {n}", minutes_allotted=1,
                                 presenter=world.delegate, presenter_organization=world.org)
        services.item_document_add(item=item, by=world.coordinator, title=f"Doc {n}",
                                   url=f"https://example.org/{n}.pdf")
        services.item_propose(meeting=meeting, by=world.delegate, title=f"Proposé {n}")
        person = UserFactory()
        MembershipFactory(space=meeting.space, organization=None, person=person)
        Rsvp.objects.create(meeting=meeting, person=person, answer="yes", accessibility=f"Besoin {n}",
                            answered_at=timezone.now())


@pytest.mark.parametrize("who", ["coordinator", "delegate"])
@pytest.mark.parametrize("page", ["meeting", "list"])
def test_pages_have_a_bounded_query_count(world, client, django_assert_max_num_queries, who, page):
    meeting = make_meeting(world)
    services.meeting_convene(meeting=meeting, by=world.coordinator)
    client.force_login(world.users[who])
    target = url(meeting) if page == "meeting" else f"{T}/assemblee/rencontres/"
    client.get(target)  # warm per-process caches
    counts = []
    for size in (5, 45):  # 5, then 50 items, proposals and answers
        grow_meeting(world, meeting, size)
        if page == "list":
            for n in range(size):
                services.meeting_create(space=world.assembly, by=world.coordinator, title=f"R{n}",
                                        starts_at=local(-n - 2, 9), ends_at=local(-n - 2, 10))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(target)
        assert response.status_code == 200
        counts.append(len(queries))
    with django_assert_max_num_queries(15):
        client.get(target)
    assert counts[0] == counts[1], f"{page}: {counts[0]} queries with 5, {counts[1]} with 50"


@pytest.mark.parametrize("page", ["modifier/", "points/ajouter/"])
def test_forms_have_a_bounded_query_count(world, client, django_assert_max_num_queries, page):
    meeting = make_meeting(world)
    grow_meeting(world, meeting, 20)
    client.force_login(world.coordinator)
    with django_assert_max_num_queries(15):
        assert client.get(url(meeting, page)).status_code == 200


def test_a_document_file_is_attached_and_a_web_page_is_refused(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    meeting = make_meeting(world)
    item = services.item_add(meeting=meeting, by=world.coordinator, title="Portrait", minutes_allotted=20)
    client.force_login(world.coordinator)
    fields = {"title": "Portrait", "kind": "information", "minutes_allotted": 20, "document_title": "Profil"}
    refused = client.post(url(meeting, f"points/{item.pk}/"), {
        **fields, "document_file": SimpleUploadedFile("profil.html", b"<script>alert(1)</script>", "text/html")})
    assert refused.status_code == 200 and not item.documents.exists()
    accepted = client.post(url(meeting, f"points/{item.pk}/"), {
        **fields, "document_file": SimpleUploadedFile("profil.pdf", b"%PDF-1.4 test", "application/pdf")})
    assert accepted.status_code == 302
    document = item.documents.get()
    assert document.versions.get().file.name.endswith(".pdf") and document.title == "Profil"


def test_a_document_without_title_is_refused_and_the_item_is_not_added_twice(world, client):
    meeting = make_meeting(world)
    client.force_login(world.coordinator)
    response = client.post(url(meeting, "points/ajouter/"), {
        "title": "Nouveau", "kind": "information", "minutes_allotted": 10,
        "document_url": "https://example.org/a.pdf"})
    assert response.status_code == 200 and "Donnez un titre au document." in response.content.decode()
    assert not meeting.items.filter(title="Nouveau").exists()
