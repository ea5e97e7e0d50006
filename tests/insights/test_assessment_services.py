"""The self-assessment of a space: anonymous, once per person, results above a minimum, rounds
compared, « Donner suite », the notifications."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from concertation.core.errors import DomainError
from concertation.core.models import AuditEvent
from concertation.insights import events
from concertation.insights.assessments import selectors, services
from concertation.insights.assessments.themes import SCORE_FIELDS, answer_content
from concertation.insights.models import AssessmentAnswer, AssessmentReceipt, AssessmentRound
from concertation.meetings.models import FollowUp
from concertation.notifications.delivery import notification_email
from concertation.notifications.models import Notification

pytestmark = pytest.mark.django_db


def scores(value, **changes):
    answers = {name: value for name in SCORE_FIELDS}
    answers.update(changes)
    return answers


def open_round(world, *, days=14, title="Automne"):
    return services.round_open(space=world.assembly, title=title, closes_on=timezone.localdate() + timedelta(days=days),
                               by=world.coordinator)


def close(assessment_round):
    """End the round yesterday (its dates moved back: what a round looks like once over)."""
    today = timezone.localdate()
    AssessmentRound.objects.filter(pk=assessment_round.pk).update(opens_on=today - timedelta(days=20),
                                                                  closes_on=today - timedelta(days=1))
    assessment_round.refresh_from_db()
    return assessment_round


def physical_order(round_id) -> list[str]:
    order = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM insights_assessmentanswer WHERE round_id = %s ORDER BY {order}", [round_id])
        return [str(row[0]).replace("-", "") for row in cursor.fetchall()]


def test_an_answer_holds_no_link_to_the_person(world, crowd):
    user_model = settings.AUTH_USER_MODEL.lower()
    for field in AssessmentAnswer._meta.get_fields():
        if isinstance(field, models.ForeignKey | models.OneToOneField | models.ManyToManyField):
            assert field.related_model._meta.label_lower != user_model, field.name
            assert field.related_model is not AssessmentReceipt
    assert not [f for f in AssessmentReceipt._meta.get_fields()
                if getattr(f, "related_model", None) is AssessmentAnswer]

    assessment_round = open_round(world)
    people = [world.delegate, world.citizen, world.observer, *crowd]
    truth = {}
    for rank, person in enumerate(people):
        value = 5 - rank % 5  # 5, 4, 3, 2, 1, 5, …: the order of arrival is not the order of content
        truth[person.pk] = value
        services.answer_submit(assessment_round=assessment_round, person=person,
                               answers=scores(value, plus=f"Plus {rank}"))
        stored = list(AssessmentAnswer.objects.filter(round=assessment_round))
        # From the first answer on: physical order = content order, one time stamp for all (the round's opening).
        assert physical_order(assessment_round.pk) == [a.pk.hex for a in sorted(stored, key=answer_content)]
        assert {a.created_at for a in stored} == {a.updated_at for a in stored} == {assessment_round.created_at}
    # The pairing by rank: receipts in their order against answers in theirs tells nothing.
    receipts = list(AssessmentReceipt.objects.filter(round=assessment_round).order_by("pk")
                    .values_list("person_id", flat=True))
    by_id = [a.roles_clear for a in AssessmentAnswer.objects.filter(round=assessment_round).order_by("pk")]
    by_table = [a.roles_clear for a in sorted(AssessmentAnswer.objects.filter(round=assessment_round),
                                              key=answer_content)]
    assert dict(zip(receipts, by_table, strict=True)) != truth
    assert sorted(by_id) == sorted(truth.values())
    assert by_table == sorted(by_table)


def test_once_per_person_also_in_the_database(world):
    assessment_round = open_round(world)
    services.answer_submit(assessment_round=assessment_round, person=world.delegate, answers=scores(4))
    with pytest.raises(DomainError) as refused:
        services.answer_submit(assessment_round=assessment_round, person=world.delegate, answers=scores(1))
    assert "déjà répondu" in str(refused.value)
    assert AssessmentAnswer.objects.count() == 1 and AssessmentReceipt.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        AssessmentReceipt.objects.create(round=assessment_round, person=world.delegate)


def test_who_may_answer_and_when(world):
    assessment_round = open_round(world)
    for person in (world.outsider, world.coordinator, world.foreigner, world.facilitator):
        with pytest.raises(DomainError):
            services.answer_submit(assessment_round=assessment_round, person=person, answers=scores(3))
    with pytest.raises(DomainError):
        services.answer_submit(assessment_round=assessment_round, person=world.citizen, answers=scores(3, rules_known=6))
    close(assessment_round)
    with pytest.raises(DomainError) as refused:
        services.answer_submit(assessment_round=assessment_round, person=world.citizen, answers=scores(3))
    assert "terminée" in str(refused.value)
    assert not AssessmentAnswer.objects.exists() and not AssessmentReceipt.objects.exists()


def test_opening_a_round_is_for_who_facilitates_the_space(world):
    today = timezone.localdate()
    for person in (world.delegate, world.citizen, world.facilitator):  # the facilitator runs another space
        with pytest.raises(DomainError):
            services.round_open(space=world.assembly, title="Forgée", closes_on=today + timedelta(days=7), by=person)
    assert not AssessmentRound.objects.exists()
    with pytest.raises(DomainError):
        services.round_open(space=world.assembly, title="Hier", closes_on=today - timedelta(days=1), by=world.coordinator)
    opened = open_round(world)
    with pytest.raises(DomainError) as refused:
        open_round(world, title="Deuxième")
    assert "déjà prévue" in str(refused.value)
    later = services.round_open(space=world.assembly, title="Hiver", opens_on=today + timedelta(days=60),
                                closes_on=today + timedelta(days=70), by=world.coordinator)
    assert selectors.open_round(world.assembly) == opened and not later.is_open()
    assert AuditEvent.objects.filter(action="insights.round_opened", target_id=str(opened.pk)).exists()
    # The group's facilitator opens one in her space.
    services.round_open(space=world.group, title="Chantier", closes_on=today + timedelta(days=7), by=world.facilitator)


def test_opening_tells_who_takes_part_once_and_the_reminder_goes_to_who_has_not_answered(world):
    assessment_round = open_round(world, days=2)
    told = set(Notification.objects.filter(event="insights.round_opened").values_list("recipient__email", flat=True))
    assert told == {"delegue@example.org", "observateur@example.org", "citoyenne@example.org"}
    services.answer_submit(assessment_round=assessment_round, person=world.citizen, answers=scores(4))
    assert events.rounds_closing_sweep(timezone.now()) == 2
    assert events.rounds_closing_sweep(timezone.now()) == 0  # once
    reminded = set(Notification.objects.filter(event="insights.round_closing")
                   .values_list("recipient__email", flat=True))
    assert reminded == {"delegue@example.org", "observateur@example.org"}
    for row in Notification.objects.filter(event__startswith="insights."):  # each renders as its e-mail
        message = notification_email(row)
        assert message.subject and "\n" not in message.subject and "Automne" in message.body


def test_results_only_once_over_and_from_the_minimum(world, crowd, settings):
    settings.ASSESSMENT_MIN_ANSWERS = 5
    assessment_round = open_round(world)
    for person in crowd[:4]:
        services.answer_submit(assessment_round=assessment_round, person=person, answers=scores(4))
    close(assessment_round)
    result = selectors.one_round_result(assessment_round)
    assert result.count == 4 and not result.shown and result.averages == {}
    assert selectors.comments(result) == {"plus": [], "delta": []}

    AssessmentRound.objects.filter(pk=assessment_round.pk).update(closes_on=timezone.localdate() + timedelta(days=1))
    assessment_round.refresh_from_db()
    services.answer_submit(assessment_round=assessment_round, person=crowd[4], answers=scores(2, delta="Salle"))
    assert not selectors.one_round_result(assessment_round).shown  # still open: nothing moves under people's eyes
    close(assessment_round)
    result = selectors.one_round_result(assessment_round)
    assert result.count == 5 and result.shown
    assert result.averages["roles_clear"] == pytest.approx(3.6)
    assert selectors.comments(result) == {"plus": [], "delta": ["Salle"]}


def test_rounds_compared_by_theme_and_the_weak_point(world, crowd, settings):
    settings.ASSESSMENT_MIN_ANSWERS = 3
    first = open_round(world, title="Printemps")
    for person in crowd[:3]:
        services.answer_submit(assessment_round=first, person=person, answers=scores(3, welcome_warm=2,
                                                                                     logistics_ready=2))
    close(first)
    AssessmentRound.objects.filter(pk=first.pk).update(opens_on=timezone.localdate() - timedelta(days=200),
                                                       closes_on=timezone.localdate() - timedelta(days=180))
    second = open_round(world, title="Automne")
    for person in crowd[:4]:
        services.answer_submit(assessment_round=second, person=person, answers=scores(4, voices_heard=2,
                                                                                      minority_heard=3))
    close(second)
    table = selectors.theme_table(selectors.round_results(world.assembly))
    assert [r.title for r in table["rounds"]] == ["Printemps", "Automne"]
    rows = {row["theme"].key: row for row in table["rows"]}
    assert [cell["value"] for cell in rows["welcome"]["cells"]] == [2.0, 4.0]
    assert rows["welcome"]["change"] == 2.0
    assert rows["voice"]["latest"] == 2.5 and rows["voice"]["weak"]
    assert [key for key, row in rows.items() if row["weak"]] == ["voice"]


def test_donner_suite_creates_a_follow_up_through_meetings_with_an_audit_row(world):
    due = timezone.localdate() + timedelta(days=30)
    with pytest.raises(DomainError):
        services.follow_up_from_theme(space=world.assembly, theme="voice", what="Tour de table", person=world.citizen,
                                      by=world.delegate)
    with pytest.raises(DomainError):
        services.follow_up_from_theme(space=world.assembly, theme="nope", what="X", person=world.citizen,
                                      by=world.coordinator)
    assert not FollowUp.objects.exists()
    follow_up = services.follow_up_from_theme(space=world.assembly, theme="voice", what="Tour de table à chaque point",
                                              person=world.citizen, due_on=due, by=world.coordinator)
    assert (follow_up.space, follow_up.person, follow_up.due_on, follow_up.meeting) == (world.assembly, world.citizen,
                                                                                       due, None)
    event = AuditEvent.objects.get(action="insights.follow_up_from_theme")
    assert event.details["theme"] == "voice" and event.territory_id == world.territory.pk
    assert Notification.objects.filter(event="meetings.followup_assigned", recipient=world.citizen).exists()
