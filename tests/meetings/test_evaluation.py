"""The evaluation of a meeting: anonymous, once per person, attendees only; averages and trend."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation

from concertation.core.errors import DomainError
from concertation.meetings import evaluation
from concertation.meetings.models import Attendance, Evaluation, EvaluationReceipt, Meeting
from concertation.meetings.services import evaluation as evaluation_svc
from tests.factories import MeetingFactory, UserFactory

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


def moment(year, month, day, hour=18):
    return timezone.make_aware(datetime(year, month, day, hour, 30))


def meeting(space, when, title="Rencontre", status=Meeting.Status.HELD):
    return MeetingFactory(space=space, title=title, starts_at=when, status=status)


def attend(meeting_, *people, status=Attendance.Status.PRESENT):
    for person in people:
        Attendance.objects.create(meeting=meeting_, person=person, status=status)


def answers(a, b, c, plus="", delta=""):
    return {"objectives_met": a, "everyone_could_speak": b, "useful_to_my_organization": c, "plus": plus,
            "delta": delta}


@pytest.fixture
def plenary(world):
    held = meeting(world.assembly, moment(2025, 11, 25), "Plénière")
    attend(held, world.delegate, world.citizen)
    attend(held, world.observer, status=Attendance.Status.LATE)
    attend(held, world.coordinator, status=Attendance.Status.EXCUSED)
    return held


def test_an_evaluation_holds_no_link_to_the_person(world, plenary):
    user_model = settings.AUTH_USER_MODEL.lower()
    for field in Evaluation._meta.get_fields():
        if isinstance(field, models.ForeignKey | models.OneToOneField | models.ManyToManyField):
            assert field.related_model._meta.label_lower != user_model, field.name
            assert field.related_model is not EvaluationReceipt
    assert not [f for f in EvaluationReceipt._meta.get_fields() if getattr(f, "related_model", None) is Evaluation]

    evaluation_svc.evaluation_submit(meeting=plenary, person=world.delegate, answers=answers(5, 4, 3, "Accueil"))
    stored = Evaluation.objects.get()
    receipt = EvaluationReceipt.objects.get()
    assert receipt.person == world.delegate
    # Written in the same transaction, but the answers' stamps say nothing about when the person answered.
    assert stored.created_at == plenary.ends_at and stored.updated_at == plenary.ends_at
    assert (stored.objectives_met, stored.everyone_could_speak, stored.useful_to_my_organization) == (5, 4, 3)


def test_once_per_person(world, plenary):
    evaluation_svc.evaluation_submit(meeting=plenary, person=world.delegate, answers=answers(5, 5, 5))
    with pytest.raises(DomainError) as refused:
        evaluation_svc.evaluation_submit(meeting=plenary, person=world.delegate, answers=answers(1, 1, 1))
    assert "déjà évalué" in str(refused.value)
    assert Evaluation.objects.count() == 1 and EvaluationReceipt.objects.count() == 1
    assert not evaluation.may_evaluate(plenary, world.delegate)


def test_only_attendees_of_a_held_meeting(world, plenary):
    for person in (world.coordinator, world.outsider, UserFactory()):  # excused, absent, unknown
        with pytest.raises(DomainError):
            evaluation_svc.evaluation_submit(meeting=plenary, person=person, answers=answers(4, 4, 4))
    evaluation_svc.evaluation_submit(meeting=plenary, person=world.observer, answers=answers(4, 4, 4))  # late counts
    upcoming = meeting(world.assembly, moment(2025, 12, 9), status=Meeting.Status.IN_PROGRESS)
    attend(upcoming, world.delegate)
    with pytest.raises(DomainError) as refused:
        evaluation_svc.evaluation_submit(meeting=upcoming, person=world.delegate, answers=answers(4, 4, 4))
    assert "terminée" in str(refused.value)
    with pytest.raises(DomainError):
        evaluation_svc.evaluation_submit(meeting=plenary, person=world.delegate, answers=answers(6, 4, 4))
    assert Evaluation.objects.count() == 1 and not EvaluationReceipt.objects.filter(person=world.delegate).exists()


def test_averages_to_one_decimal_and_the_trend_across_meetings(world, plenary):
    for person, scores in ((world.delegate, (5, 4, 4)), (world.citizen, (4, 5, 4)), (world.observer, (4, 4, 5))):
        evaluation_svc.evaluation_submit(meeting=plenary, person=person, answers=answers(*scores))
    averages = evaluation.meeting_averages(plenary)
    assert averages.count == 3
    assert [round(value, 1) for _label, value, _display in averages.rows()] == [4.3, 4.3, 4.3]
    assert averages.overall == 4.3
    with translation.override("fr-ca"):
        assert averages.overall_display == f"4,3{NBSP}/{NBSP}5"
    with translation.override("en"):
        assert averages.overall_display == f"4.3{NBSP}/{NBSP}5"

    september = meeting(world.assembly, moment(2025, 9, 18), "Septembre")
    attend(september, world.delegate)
    evaluation_svc.evaluation_submit(meeting=september, person=world.delegate, answers=answers(3, 3, 4))
    meeting(world.assembly, moment(2025, 10, 1), "Sans évaluation")
    other = meeting(world.committee, moment(2025, 10, 7), "Comité")
    attend(other, world.delegate)
    evaluation_svc.evaluation_submit(meeting=other, person=world.delegate, answers=answers(1, 1, 1))
    trend = evaluation.space_trend(world.assembly)
    assert [(point.meeting.title, point.averages.count, point.averages.overall) for point in trend] == [
        ("Septembre", 1, 3.3), ("Plénière", 3, 4.3)]


def test_comments_are_shown_without_their_order_of_arrival(world, plenary):
    evaluation_svc.evaluation_submit(meeting=plenary, person=world.delegate, answers=answers(5, 5, 5, "Zut", "Salle"))
    evaluation_svc.evaluation_submit(meeting=plenary, person=world.citizen, answers=answers(5, 5, 5, "Accueil", ""))
    assert evaluation.meeting_comments(plenary) == {"plus": ["Accueil", "Zut"], "delta": ["Salle"]}


# Pages ---------------------------------------------------------------------------------------

def url(world, name, meeting_):
    return reverse(f"meetings:{name}", kwargs={"territory": world.territory.slug, "space": world.assembly.slug,
                                               "pk": meeting_.pk})


def test_an_attendee_answers_the_form_once(world, plenary, client_for, django_assert_max_num_queries):
    client = client_for(world.citizen)
    with django_assert_max_num_queries(15):
        response = client.get(url(world, "evaluate", plenary))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('type="radio"') == 15 and "Un plus" in page and "Envoyer mon évaluation" in page
    response = client.post(url(world, "evaluate", plenary), {"objectives_met": "5", "everyone_could_speak": "4"})
    assert response.status_code == 400 and Evaluation.objects.count() == 0
    response = client.post(url(world, "evaluate", plenary), {
        "objectives_met": "5", "everyone_could_speak": "4", "useful_to_my_organization": "4", "plus": "Collation",
    })
    assert response.status_code == 302 and Evaluation.objects.get().plus == "Collation"
    response = client.get(url(world, "evaluate", plenary))
    assert "déjà évalué" in response.content.decode() and 'type="radio"' not in response.content.decode()
    assert client.post(url(world, "evaluate", plenary), {
        "objectives_met": "1", "everyone_could_speak": "1", "useful_to_my_organization": "1"}).status_code == 400
    assert Evaluation.objects.count() == 1


def test_who_was_not_there_is_told_why(world, plenary, client_for):
    response = client_for(world.coordinator).get(url(world, "evaluate", plenary))
    assert response.status_code == 200
    assert "Seules les personnes présentes" in response.content.decode()
    assert client_for(world.outsider).get(url(world, "evaluate", plenary)).status_code == 200  # public assembly
    assert client_for(world.outsider).post(url(world, "evaluate", plenary), {
        "objectives_met": "5", "everyone_could_speak": "5", "useful_to_my_organization": "5"}).status_code == 400
    assert Evaluation.objects.count() == 0


def test_organizers_see_averages_comments_and_the_trend(world, plenary, client_for, django_assert_max_num_queries):
    for person, scores in ((world.delegate, (5, 4, 4)), (world.citizen, (4, 5, 4)), (world.observer, (4, 4, 5))):
        evaluation_svc.evaluation_submit(meeting=plenary, person=person, answers=answers(*scores, plus="Bon rythme"))
    results = url(world, "evaluation_results", plenary)
    assert client_for(world.delegate).get(results).status_code == 404
    client = client_for(world.coordinator)
    with django_assert_max_num_queries(15):
        response = client.get(results)
    page = response.content.decode().replace(NBSP, " ")
    assert response.status_code == 200
    assert "Moyenne générale : 4,3 / 5 (3 réponses)." in page
    assert "Bon rythme" in page and "<svg" in page and 'role="img"' in page
    assert "Tendance des rencontres" in page
    # The chart's coordinates are numbers an SVG reads (never « 52,5 » in French).
    assert not re.search(r'(?:x|y|width|height)="-?\d+,\d', page)
    assert re.search(r'<rect x="[\d.]+" y="[\d.]+"', page)
