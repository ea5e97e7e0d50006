"""The personal home: each block for a delegate, a citizen and a coordinator, the empty states, the
one-tap answer to a meeting through the meeting's own page, and a query count that does not grow
with the data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from concertation.decisions import ballots, services
from concertation.decisions.models import Proposal
from concertation.home import coordination, everyone, selectors, words
from concertation.meetings.models import FollowUp, Meeting, Minutes, Rsvp
from concertation.spaces import invitations
from concertation.spaces.models import RoleAssignment
from tests.factories import MeetingFactory, RoleFactory
from tests.planning.test_indicators import build, decided

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


def meeting(space, title, *, days, status=Meeting.Status.CONVENED):
    starts = timezone.now().replace(hour=18, minute=30, second=0, microsecond=0) + timedelta(days=days)
    return MeetingFactory(space=space, title=title, starts_at=starts, status=status)


def open_proposal(world, title, *, voting_unit="person", days=3):
    proposal = services.proposal_create(space=world.assembly, author=world.coordinator, title=title)
    Proposal.objects.filter(pk=proposal.pk).update(voting_unit=voting_unit, method="majority")
    proposal.refresh_from_db()
    return services.proposal_open(proposal=proposal, by=world.coordinator,
                                  closes_at=timezone.now() + timedelta(days=days, hours=1))


def follow_up(space, what, *, person=None, organization=None, due_in=None):
    due_on = timezone.localdate() + timedelta(days=due_in) if due_in is not None else None
    return FollowUp.objects.create(space=space, what=what, person=person, organization=organization, due_on=due_on)


def populate(world, n: int = 0):
    """One of everything the home shows (``n`` numbers a second, third… set for a larger territory)."""
    tag = f" {n}" if n else ""
    data = {}
    data["next"] = meeting(world.assembly, f"Assemblée de décembre{tag}", days=3 + n)
    Meeting.objects.filter(pk=data["next"].pk).update(meal="Soupe et sandwichs")
    Rsvp.objects.create(meeting=data["next"], person=world.citizen, answer=Rsvp.Answer.YES, diet="Végétarien")
    data["vote"] = open_proposal(world, f"Prolonger la halte-garderie{tag}")
    data["org_vote"] = open_proposal(world, f"Budget participatif{tag}", voting_unit="organization", days=10)
    data["late"] = follow_up(world.assembly, f"Envoyer le sondage{tag}", person=world.citizen, due_in=-3)
    data["soon"] = follow_up(world.assembly, f"Réserver la salle{tag}", person=world.citizen, due_in=10)
    data["undated"] = follow_up(world.assembly, f"Lire le rapport{tag}", person=world.citizen)
    data["org_task"] = follow_up(world.assembly, f"Présenter le bilan{tag}", organization=world.org, due_in=5)
    data["group_late"] = follow_up(world.group, f"Cartographier les locaux{tag}", person=world.facilitator,
                                  due_in=-8)
    data["decision"] = decided(world.assembly, f"Adopter le calendrier{tag}", when=timezone.now() - timedelta(days=2))
    held = meeting(world.assembly, f"Assemblée de novembre{tag}", days=-20, status=Meeting.Status.HELD)
    data["minutes"] = Minutes.objects.create(meeting=held, body="Procès-verbal.", status=Minutes.Status.CIRCULATED,
                                             circulated_at=timezone.now() - timedelta(days=1))
    data["draft"] = meeting(world.group, f"Chantier de janvier{tag}", days=30, status=Meeting.Status.DRAFT)
    data["unwritten"] = meeting(world.group, f"Chantier d'octobre{tag}", days=-40, status=Meeting.Status.HELD)
    role = RoleFactory(space=world.assembly, name=f"Trésorerie{tag}", kind="treasurer")
    data["term"] = RoleAssignment.objects.create(role=role, person=world.citizen,
                                                 start=timezone.localdate() - timedelta(days=300),
                                                 end=timezone.localdate() + timedelta(days=12))
    data["invitation"] = invitations.invitation_create(space=world.assembly, email=f"nouvelle{n}@example.org",
                                                       by=world.coordinator, rate_limited=False)
    return data


@pytest.fixture
def data(world):
    return populate(world)


def page(client_for, user) -> str:
    response = client_for(user).get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


# The citizen ---------------------------------------------------------------------------------------

def test_the_citizen_sees_her_next_meeting_with_her_answer_and_a_one_tap_answer(world, data, client_for):
    html = page(client_for, world.citizen)
    url = reverse("meetings:meeting", kwargs={"territory": "pointe-test", "space": "assemblee", "pk": data["next"].pk})
    assert "Assemblée de décembre" in html
    assert f"Votre réponse{NBSP}: <strong>Oui</strong>" in html
    assert f'action="{url}"' in html
    assert 'name="answer" value="no"' in html
    assert 'value="Végétarien"' in html  # the needs already given go back with the answer


def test_the_one_tap_answer_is_recorded_by_the_meeting_page_and_keeps_the_needs(world, data, client_for):
    client = client_for(world.citizen)
    url = reverse("meetings:meeting", kwargs={"territory": "pointe-test", "space": "assemblee", "pk": data["next"].pk})
    response = client.post(url, {"answer": "maybe", "childcare": "0", "diet": "Végétarien", "interpretation": "",
                                 "accessibility": ""})
    assert response.status_code == 302
    rsvp = Rsvp.objects.get(meeting=data["next"], person=world.citizen)
    assert (rsvp.answer, rsvp.diet) == ("maybe", "Végétarien")
    assert f"Votre réponse{NBSP}: <strong>Peut-être</strong>" in page(client_for, world.citizen)


def test_open_votes_say_when_they_close_and_whether_the_ballot_is_in(world, data, client_for):
    html = page(client_for, world.citizen)
    assert "Prolonger la halte-garderie" in html
    assert "Ferme dans 3" in html and "Vous n'avez pas encore voté" in html
    ballots.ballot_cast(proposal=data["vote"], person=world.citizen, value="yes")
    rows = {row["proposal"].pk: row for row in everyone.open_votes(world.citizen)}
    assert rows[data["vote"].pk]["voted"] is True
    assert rows[data["vote"].pk]["for_organization"] == ""
    assert "Votre vote est enregistré" in page(client_for, world.citizen)


def test_an_observer_is_not_asked_to_vote(world, data, client_for):
    assert everyone.open_votes(world.observer) == []
    assert "Aucun vote ouvert pour vous" in page(client_for, world.observer)


def test_her_follow_ups_come_overdue_first_then_by_due_date(world, data):
    rows = everyone.my_follow_ups(world.citizen)
    assert [row.what for row in rows] == ["Envoyer le sondage", "Réserver la salle", "Lire le rapport"]
    assert [row.overdue for row in rows] == [True, False, False]


def test_her_roles_say_when_a_term_ends_soon(world, data, client_for):
    html = page(client_for, world.citizen)
    assert "Trésorerie" in html and "Mandat qui se termine le" in html


def test_recent_decisions_and_minutes_to_read_in_her_spaces(world, data, client_for):
    html = page(client_for, world.citizen)
    assert "Adopter le calendrier" in html
    assert "Procès-verbal — Assemblée de novembre" in html and "vos commentaires sont attendus" in html


def test_a_member_has_no_to_do_list_of_coordination(world, data, client_for):
    assert selectors.runs_something(world.citizen) is False
    assert "À faire pour vos espaces" not in page(client_for, world.citizen)


# The delegate --------------------------------------------------------------------------------------

def test_the_delegate_sees_the_follow_ups_of_her_organization(world, data):
    assert [row.what for row in everyone.my_follow_ups(world.delegate)] == ["Présenter le bilan"]


def test_the_delegate_sees_that_her_organization_has_voted(world, data, client_for):
    ballots.ballot_cast(proposal=data["org_vote"], person=world.delegate, value="yes")
    rows = {row["proposal"].pk: row for row in everyone.open_votes(world.delegate)}
    assert rows[data["org_vote"].pk]["voted"] and rows[data["org_vote"].pk]["for_organization"] == "Comité logement"
    assert "Le vote de Comité logement est enregistré" in page(client_for, world.delegate)


def test_the_delegate_answers_for_the_meeting_she_has_not_answered_yet(world, data, client_for):
    html = page(client_for, world.delegate)
    assert "Assemblée de décembre" in html and "Vous n'avez pas encore répondu." in html


# Those who run spaces ------------------------------------------------------------------------------

def test_the_coordinator_sees_her_work_each_line_opening_its_page(world, data, client_for):
    plan = build(world, adopt=True)  # yearly indicators measured last in 2024: a measurement is due
    client = client_for(world.coordinator)
    html = client.get(reverse("home")).content.decode()
    assert "À faire pour vos espaces" in html
    assert "En attente depuis le " in html and "Attendue depuis" not in html  # a measurement is waiting
    home = selectors.home_for(world.coordinator)
    todo = home["todo"]
    assert [row["meeting"]["pk"] for row in todo["convene"]] == [data["draft"].pk]
    assert [row["meeting"]["pk"] for row in todo["minutes"]] == [data["unwritten"].pk]
    assert [row.what for row in todo["overdue"]] == ["Cartographier les locaux", "Envoyer le sondage"]
    assert {row["indicator"].pk for row in todo["measurements"]} == {plan.households.pk, plan.dropout.pk}
    assert [assignment.pk for assignment in todo["terms"]] == [data["term"].pk]
    assert [invitation.pk for invitation in todo["invitations"]] == [data["invitation"].pk]
    urls = [row["url"] for key in ("convene", "minutes", "measurements") for row in todo[key]]
    urls += [row.url for key in ("overdue", "terms", "invitations") for row in todo[key]]
    for url in urls:
        assert url in html.replace("&amp;", "&")
        assert client.get(url).status_code == 200, url


def test_the_facilitator_sees_the_work_of_her_working_group_only(world, data):
    todo = selectors.home_for(world.facilitator)["todo"]
    assert [row["meeting"]["pk"] for row in todo["convene"]] == [data["draft"].pk]
    assert [row.what for row in todo["overdue"]] == ["Cartographier les locaux"]
    assert todo["terms"] == [] and todo["invitations"] == []  # roles and invitations: coordination only


def test_nothing_to_do_says_what_will_appear_there(world, client_for):
    html = page(client_for, world.coordinator)
    assert "Rien à faire pour l'instant" in html and "mandats qui se terminent" in html


# Empty states ----------------------------------------------------------------------------------

def test_a_person_without_any_space_reads_what_each_block_will_hold(world, client_for):
    html = page(client_for, world.outsider)
    for text in ("Ici s'afficheront les prochaines rencontres de vos espaces",
                 "Ici s'afficheront les propositions sur lesquelles vous pouvez voter",
                 "Ici s'afficheront les tâches que les rencontres vous confient",
                 "Ici s'afficheront vos rôles", "Ici s'afficheront les décisions et les procès-verbaux de vos espaces des trois derniers mois"):
        assert text in html
    assert "À faire pour vos espaces" not in html


def test_the_anonymous_home_is_the_welcome(client):
    html = client.get(reverse("home")).content.decode()
    assert "Bienvenue sur Concertation" in html and "Mes prochaines rencontres" not in html
    assert "Mes suivis" not in html


def test_nothing_from_a_space_out_of_reach(world, data, client_for):
    html = page(client_for, world.foreigner)
    for text in ("Assemblée de décembre", "Prolonger la halte-garderie", "Adopter le calendrier", "Envoyer le sondage"):
        assert text not in html


# Query budget ------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["citizen", "delegate", "facilitator", "coordinator"])
def test_the_home_reads_as_many_queries_small_or_large(world, client_for, django_assert_max_num_queries, who):
    populate(world)
    build(world, adopt=True)
    client = client_for(world.users[who])
    client.get(reverse("home"))  # per-process caches
    counts = []
    for size in (1, 8):
        for n in range(len(counts) * 1 + 1, len(counts) * 1 + 1 + size):
            populate(world, n)
        build(world, adopt=True, tag=f" {size}")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("home")).status_code == 200
        counts.append(len(queries))
    with django_assert_max_num_queries(15):
        client.get(reverse("home"))
    assert counts[0] == counts[1], f"{who}: {counts[0]} queries, then {counts[1]} with more data"


# Words ---------------------------------------------------------------------------------------------

def test_closing_time_in_words_in_french_and_in_english():
    year = timezone.localdate().year
    now = timezone.make_aware(timezone.datetime(year, 12, 9, 9, 0))
    closes = timezone.make_aware(timezone.datetime(year, 12, 12, 17, 0))
    with translation.override("fr-ca"):
        assert words.closing_in_words(closes, now) == f"Ferme dans 3{NBSP}jours (le 12 décembre à 17{NBSP}h)"
        assert words.hour(closes.replace(minute=30)) == f"17{NBSP}h{NBSP}30"
    with translation.override("en"):
        assert words.hour(closes) == "5\u00a0p.m."


def test_a_day_of_another_year_says_its_year():
    this_year = timezone.localdate().year
    with translation.override("fr-ca"):
        assert words.day_of_date(timezone.datetime(this_year, 2, 15).date()) == "15 février"
        assert words.day_of_date(timezone.datetime(this_year - 1, 2, 15).date()) == f"15 février {this_year - 1}"


# The SQL narrowing of the measurements due -----------------------------------------------------------

@pytest.mark.parametrize("today", ["2026-01-31", "2026-02-28", "2026-03-31", "2024-02-29", "2026-07-15", "2026-12-01"])
def test_the_sql_narrowing_of_measurements_due_agrees_with_the_rule(today):
    """``possibly_due_q`` leaves out exactly what ``indicators.measurement_due`` refuses: for every
    frequency (and one outside the choices), each start date of the last 400 days is kept by the
    SQL filter if and only if a measurement counted from it is due."""
    from datetime import date

    from concertation.planning import indicators
    from concertation.planning.models import Indicator

    today = date.fromisoformat(today)
    for frequency in [value for value, _label in Indicator.Frequency.choices] + ["unknown"]:
        last = coordination._last_start_still_due(frequency, today)
        for days in range(0, 400):
            start = today - timedelta(days=days)
            due = indicators.measurement_due(coordination._Schedule(frequency=frequency, baseline_date=start), None,
                                             today=today)
            assert (start <= last) == due, (frequency, start)


def test_the_measurements_due_are_those_the_rule_finds_among_all_indicators(world):
    """The home reads only the indicators the SQL keeps: those the rule finds due among all."""
    from concertation.planning import indicators
    from concertation.planning.models import Indicator, Measurement

    today = timezone.localdate()
    plan = build(world, adopt=True)  # two yearly indicators measured last in 2024: both due
    Measurement.objects.create(indicator=plan.dropout, date=today, value=1)  # measured today: not due
    everything = list(Indicator.objects.filter(plan__status="adopted").select_related("plan"))
    due = {indicator.pk for indicator in everything if indicators.measurement_due(
        indicator, indicator.measurements.order_by("-date").values_list("date", flat=True).first(),
        plan_start=indicator.plan.starts_on, today=today)}
    assert due == {plan.households.pk}
    latest = Measurement.objects.filter(indicator=OuterRef("pk")).order_by("-date").values("date")[:1]
    kept = set(Indicator.objects.filter(plan__status="adopted")
               .annotate(schedule_start=Coalesce(Subquery(latest), "baseline_date", "plan__starts_on"))
               .filter(coordination.possibly_due_q(today)).values_list("pk", flat=True))
    assert kept == due
    assert [row["indicator"].pk for row in coordination.measurements_due(world.coordinator, today=today)] == [
        plan.households.pk]
