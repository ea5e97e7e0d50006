"""The self-assessment's pages: who reaches what, answering through the form, « Donner suite »,
bounded queries at two sizes, the summary for the health page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from concertation.insights.assessments import selectors, services
from concertation.insights.assessments.themes import SCORE_FIELDS
from concertation.insights.models import AssessmentAnswer, AssessmentReceipt, AssessmentRound
from concertation.meetings.models import FollowUp
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(world, name, **kwargs):
    return reverse(f"assessments:{name}", kwargs={"territory": world.territory.slug, "space": world.assembly.slug,
                                                  **kwargs})


def answers(value, **more):
    return {**{name: str(value) for name in SCORE_FIELDS}, **more}


def past_round(world, people, value, *, title, days_ago):
    """A round answered by ``people``, then over ``days_ago`` days ago."""
    assessment_round = services.round_open(space=world.assembly, title=title, by=world.coordinator,
                                           closes_on=timezone.localdate() + timedelta(days=1))
    for person in people:
        services.answer_submit(assessment_round=assessment_round, person=person, answers=answers(value, plus="Bien"))
    today = timezone.localdate()
    AssessmentRound.objects.filter(pk=assessment_round.pk).update(
        opens_on=today - timedelta(days=days_ago + 14), closes_on=today - timedelta(days=days_ago))
    return assessment_round


def test_who_reaches_the_pages(world, client_for):
    assessment_round = services.round_open(space=world.assembly, title="Automne", by=world.coordinator,
                                           closes_on=timezone.localdate() + timedelta(days=7))
    pages = [url(world, "index"), url(world, "round", pk=assessment_round.pk),
             url(world, "answer", pk=assessment_round.pk)]
    runner_pages = [url(world, "open"), url(world, "follow_up", theme="voice")]
    for kind in ("anonymous", "outsider", "facilitator", "citizen", "coordinator"):
        user = world.users[kind]
        client = client_for(user)
        takes_part = kind in {"delegate", "citizen", "observer"}
        runs = kind in {"coordinator", "admin"}
        for page in pages:
            expected = 302 if user is None else 200 if takes_part or runs else 404
            assert client.get(page).status_code == expected, (kind, page)
        for page in runner_pages:
            expected = 302 if user is None else 200 if runs else 404
            assert client.get(page).status_code == expected, (kind, page)
    assert client_for(world.coordinator).get(url(world, "follow_up", theme="nothing")).status_code == 404


def test_a_member_answers_once_through_the_form(world, client_for):
    assessment_round = services.round_open(space=world.assembly, title="Automne", by=world.coordinator,
                                           closes_on=timezone.localdate() + timedelta(days=7))
    client = client_for(world.citizen)
    page = client.get(url(world, "answer", pk=assessment_round.pk))
    assert "Clarté des rôles et des responsabilités" in page.content.decode()
    bad = client.post(url(world, "answer", pk=assessment_round.pk), answers(4, roles_clear=""))
    assert bad.status_code == 400 and not AssessmentAnswer.objects.exists()
    done = client.post(url(world, "answer", pk=assessment_round.pk), answers(4, delta="Collation"), follow=True)
    assert "sans votre nom" in done.content.decode()
    again = client.post(url(world, "answer", pk=assessment_round.pk), answers(1))
    assert again.status_code == 400
    assert AssessmentAnswer.objects.get().delta == "Collation" and AssessmentReceipt.objects.count() == 1
    # The coordinator sees the space but takes no part in it: told why, nothing written.
    refused = client_for(world.coordinator).post(url(world, "answer", pk=assessment_round.pk), answers(4))
    assert refused.status_code == 400 and AssessmentReceipt.objects.count() == 1


def test_the_coordinator_opens_a_round_and_gives_a_theme_a_follow_up(world, client_for):
    client = client_for(world.coordinator)
    closes = (timezone.localdate() + timedelta(days=10)).isoformat()
    today = timezone.localdate().isoformat()
    assert client.post(url(world, "open"), {"title": "", "opens_on": today, "closes_on": closes}).status_code == 400
    assert client.post(url(world, "open"), {"title": "Automne", "opens_on": today, "closes_on": closes}
                       ).status_code == 302
    assert AssessmentRound.objects.get().title == "Automne"
    form = client.get(url(world, "follow_up", theme="welcome")).content.decode()
    assert "Accueil et logistique : " in form
    response = client.post(url(world, "follow_up", theme="welcome"),
                           {"kind": "follow_up", "what": "Accueil et logistique : une collation santé",
                            "person": world.citizen.pk})
    assert response.status_code == 302
    assert FollowUp.objects.get().what == "Accueil et logistique : une collation santé"
    forged = client_for(world.delegate).post(url(world, "follow_up", theme="welcome"),
                                             {"kind": "follow_up", "what": "Forgé", "person": world.delegate.pk})
    assert forged.status_code == 404 and FollowUp.objects.count() == 1


def test_results_show_from_the_minimum_with_donner_suite(world, client_for, settings):
    settings.ASSESSMENT_MIN_ANSWERS = 3
    few = past_round(world, [world.delegate, world.citizen], 4, title="Printemps", days_ago=100)
    page = client_for(world.citizen).get(url(world, "round", pk=few.pk)).content.decode()
    assert "2 réponses" in page and "à partir de 3 réponses" in page
    enough = past_round(world, [world.delegate, world.citizen, world.observer], 2, title="Automne", days_ago=2)
    member = client_for(world.citizen).get(url(world, "index")).content.decode()
    assert "Automne" in member and "Point faible" in member and "Donner suite" not in member
    runner = client_for(world.coordinator).get(url(world, "index")).content.decode()
    assert runner.count("Donner suite") >= 6
    detail = client_for(world.citizen).get(url(world, "round", pk=enough.pk)).content.decode()
    assert "2,0\u00a0/\u00a05" in detail and "Bien" in detail


def build(world, size):
    people = [UserFactory() for _ in range(size)]
    for person in people:
        MembershipFactory(space=world.assembly, organization=None, person=person)
    for n in range(size // 3):
        past_round(world, people, 1 + n % 5, title=f"Tour {n}", days_ago=400 - 30 * n)
    services.round_open(space=world.assembly, title="Ouverte", by=world.coordinator,
                        closes_on=timezone.localdate() + timedelta(days=7))


@pytest.mark.parametrize("size", [3, 12])
def test_pages_read_a_bounded_number_of_queries(world, client_for, django_assert_max_num_queries, settings, size):
    settings.ASSESSMENT_MIN_ANSWERS = 1
    build(world, size)
    latest = AssessmentRound.objects.filter(closes_on__lt=timezone.localdate()).first()
    client = client_for(world.coordinator)
    for page in (url(world, "index"), url(world, "round", pk=latest.pk)):
        with django_assert_max_num_queries(9):  # 8 at both sizes (session, user, access, space, rounds…)
            assert client.get(page).status_code == 200


def test_the_summary_for_the_health_page(world, settings):
    settings.ASSESSMENT_MIN_ANSWERS = 2
    assert selectors.summary_for(world.assembly, world.outsider) == {}
    past_round(world, [world.delegate, world.citizen], 3, title="Printemps", days_ago=3)
    summary = selectors.summary_for(world.assembly, world.citizen)
    assert summary["latest"].round.title == "Printemps" and len(summary["rows"]) == 6
    html = render_to_string("insights/assessments/_summary.html", {"summary": summary})
    assert "Printemps" in html and "3,0" in html


def test_donner_suite_as_a_proposed_revision_of_the_adopted_plan(world, client_for):
    from concertation.decisions.models import Proposal
    from tests.factories import PlanFactory

    client = client_for(world.coordinator)
    page = client.get(url(world, "follow_up", theme="leadership")).content.decode()
    assert "révision du plan" not in page  # no adopted plan: a follow-up only
    refused = client.post(url(world, "follow_up", theme="leadership"), {"kind": "plan_revision", "what": "Rotation"})
    assert refused.status_code == 400 and not Proposal.objects.exists()
    PlanFactory(space=world.assembly, adopted=True)
    assert "révision du plan" in client.get(url(world, "follow_up", theme="leadership")).content.decode()
    done = client.post(url(world, "follow_up", theme="leadership"),
                       {"kind": "plan_revision", "what": "Ajouter une action : la rotation des rôles."})
    assert done.status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.space, proposal.status, proposal.title) == (world.assembly, Proposal.Status.DRAFT,
                                                                 "Révision du plan d'action — Leadership partagé")
    assert "rotation des rôles" in proposal.body
