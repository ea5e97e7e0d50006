"""Secret ballots once closed, receipts, and evaluations: nothing in the database pairs a person or
an organization with a choice (issue 12, defects 1, 2 and 11).

Each test tries the pairings an outside review used on the code before sealing (ids, the table's
physical order, time stamps, receipts, colleges) and a few more (every other table and column),
on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from concertation.decisions import ballots, services
from concertation.decisions.models import Ballot, Participation, Proposal
from concertation.decisions.secrecy import ballot_content_key
from concertation.meetings import evaluation
from concertation.meetings.models import Attendance, Evaluation, EvaluationReceipt, Meeting
from concertation.meetings.services import evaluation as evaluation_svc
from concertation.spaces.models import Delegation
from tests.decisions.test_ballots import make_proposal
from tests.factories import DelegationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

#: the order the voters vote in, and what they choose: never the order of the content
CHOICES = ["yes", "no", "abstain", "yes", "no", "no", "yes", "abstain", "yes", "no"]


def physical_order(table: str, where: str, params: list) -> list:
    """The rows' ids in the order the database keeps them (rowid on SQLite, ctid on PostgreSQL)."""
    order = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} WHERE {where} ORDER BY {order}", params)
        return [row[0] for row in cursor.fetchall()]


def tables_holding(text: str, *, besides: set[str]) -> list[str]:
    """Every table.column (other than ``besides``) whose content contains ``text``."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table in besides:
                continue
            for column in connection.introspection.get_table_description(cursor, table):
                name = connection.ops.quote_name(column.name)
                cursor.execute(
                    f"SELECT 1 FROM {connection.ops.quote_name(table)} WHERE CAST({name} AS TEXT) LIKE %s LIMIT 1",
                    [f"%{text}%"],
                )
                if cursor.fetchone():
                    found.append(f"{table}.{column.name}")
    return found


@pytest.fixture
def secret_vote(world):
    """A secret, per-person vote by double majority of colleges, ten voters and one who leaves."""
    people = []
    for n, choice in enumerate(CHOICES):
        person = UserFactory(email=f"votante{n}@example.org")
        college = world.citizen_college if n % 2 else world.community
        MembershipFactory(space=world.assembly, organization=None, person=person, college=college)
        people.append((person, choice))
    leaving = UserFactory(email="partie@example.org")
    leaving_membership = MembershipFactory(space=world.assembly, organization=None, person=leaving,
                                           college=world.citizen_college)
    proposal = make_proposal(world, voting_unit="person", anonymous=True, double_majority=True)
    truth = {}
    for person, choice in people:
        ballots.ballot_cast(proposal=proposal, person=person, value=choice)
        truth[person.pk] = choice
    left = ballots.ballot_cast(proposal=proposal, person=leaving, value="yes")
    # Her membership ends before the vote closes: her ballot is not counted.
    leaving_membership.end = timezone.localdate() - timedelta(days=1)
    leaving_membership.save()
    receipts = {person.pk: Ballot.objects.get(proposal=proposal, person=person).receipt for person, _ in people}
    return proposal, truth, receipts, left.receipt


def close_by_the_page(client, world, proposal) -> Proposal:
    client.force_login(world.coordinator)
    url = reverse("decisions:proposal_close", kwargs={"territory": world.territory.slug,
                                                      "space": world.assembly.slug, "pk": proposal.pk})
    assert client.post(url).status_code == 302
    closed = Proposal.objects.get(pk=proposal.pk)
    assert closed.status == Proposal.Status.CLOSED
    return closed


def test_a_closed_secret_vote_keeps_no_column_that_names_a_voter(client, world, secret_vote):
    proposal, truth, _receipts, _left = secret_vote
    proposal = close_by_the_page(client, world, proposal)
    sealed = list(Ballot.objects.filter(proposal=proposal))
    participants = set(Participation.objects.filter(proposal=proposal).values_list("voter_key", flat=True))

    assert len(sealed) == len(truth)
    assert all(b.person_id is None and b.organization_id is None and b.cast_by_id is None for b in sealed)
    assert all(b.college_slug == "" for b in sealed)
    assert not participants & {b.voter_key for b in sealed}
    # One time stamp for all: no time can be matched with a participation's.
    assert len({b.cast_at for b in sealed}) == 1
    assert len({b.created_at for b in sealed}) == 1 and len({b.updated_at for b in sealed}) == 1
    firsts = set(Participation.objects.filter(proposal=proposal).values_list("first_cast_at", flat=True))
    assert not firsts & {b.cast_at for b in sealed}


def test_ids_and_physical_order_of_sealed_ballots_follow_their_content_only(client, world, secret_vote):
    proposal, truth, _receipts, _left = secret_vote
    proposal = close_by_the_page(client, world, proposal)
    by_content = [b.pk for b in sorted(Ballot.objects.filter(proposal=proposal), key=ballot_content_key)]
    assert sorted(by_content) == by_content, "ids are given in the order of the content"
    assert physical_order("decisions_ballot", "proposal_id = %s", [proposal.pk]) == by_content

    # The pairings of the review: by id, and by rank of insertion, against the participation list.
    participations = list(Participation.objects.filter(proposal=proposal).order_by("pk"))
    ballots_by_id = list(Ballot.objects.filter(proposal=proposal).order_by("pk"))
    by_rank = {p.person_id: b.value for p, b in zip(participations, ballots_by_id, strict=False)}
    assert by_rank != truth
    by_id = dict(Ballot.objects.filter(proposal=proposal, pk__in=[p.pk for p in participations])
                 .values_list("pk", "value"))
    assert {p.person_id: by_id.get(p.pk) for p in participations} != truth


def test_receipts_and_voters_appear_nowhere_else_once_sealed(client, world, secret_vote):
    proposal, _truth, receipts, left_receipt = secret_vote
    proposal = close_by_the_page(client, world, proposal)
    for receipt in receipts.values():
        assert tables_holding(receipt, besides={"decisions_ballot"}) == []
    # The uncounted ballot is gone: next to her participation, it would give her choice away.
    assert not Ballot.objects.filter(receipt=left_receipt).exists()
    assert tables_holding(left_receipt, besides=set()) == []
    # Nothing in the ballots names a voter's key.
    for key in Participation.objects.filter(proposal=proposal).values_list("voter_key", flat=True):
        assert not Ballot.objects.filter(proposal=proposal, voter_key=key).exists()


def test_a_recount_of_sealed_ballots_gives_the_stored_result(client, world, secret_vote):
    proposal, truth, _receipts, _left = secret_vote
    proposal = close_by_the_page(client, world, proposal)
    stored = proposal.result
    recount = services.recount(proposal)
    assert recount["participants"] == stored["participants"] == len(truth)
    assert {key: recount[key] for key in ("counts", "winners", "rounds")} == \
        {key: stored[key] for key in ("counts", "winners", "rounds")}
    assert stored["counts"] == {"yes": 4, "no": 4, "abstain": 2}
    # Each college's figures the double majority needs are kept as counts, not on the ballots.
    assert set(stored["colleges"]) == {"communautaire", "citoyen"}
    assert sum(sum(item["counts"].values()) for item in stored["colleges"].values()) == len(truth)


def test_an_open_vote_keeps_its_voters_and_marks_what_counted(world):
    proposal = make_proposal(world, voting_unit="person")
    ballots.ballot_cast(proposal=proposal, person=world.citizen, value="yes")
    services.proposal_close(proposal=proposal, by=world.coordinator)
    ballot = Ballot.objects.get(proposal=proposal)
    assert (ballot.person, ballot.counted) == (world.citizen, True)


# -- receipts ---------------------------------------------------------------------------------------

def receipt_url(world, proposal):
    return reverse("decisions:receipt", kwargs={"territory": world.territory.slug, "space": world.assembly.slug,
                                                "pk": proposal.pk})


def test_anyone_checks_that_a_secret_receipt_was_counted_without_seeing_the_choice(client, world, secret_vote):
    proposal, truth, receipts, left_receipt = secret_vote
    proposal = close_by_the_page(client, world, proposal)
    client.logout()  # the assembly is public: an observer who is not signed in checks too
    page = client.get(reverse("decisions:proposal", kwargs={"territory": world.territory.slug,
                                                            "space": world.assembly.slug, "pk": proposal.pk}))
    assert "Vérifier un reçu de vote" in page.content.decode()

    person_id, receipt = next(iter(receipts.items()))
    loose = f"{receipt[:4].lower()}-{receipt[4:]}"
    answer = client.post(receipt_url(world, proposal), {"code": loose}).content.decode()
    assert "bulletin compté dans le résultat" in answer
    assert "Contenu du bulletin" not in answer

    unknown = client.post(receipt_url(world, proposal), {"code": "ABCDEF123456"}, HTTP_HX_REQUEST="true")
    text = unknown.content.decode()
    assert "Aucun bulletin de cette proposition ne porte ce code" in text
    assert "<html" not in text  # htmx: the section alone
    assert "Aucun bulletin" in client.post(receipt_url(world, proposal), {"code": left_receipt}).content.decode()
    empty = client.post(receipt_url(world, proposal), {"code": ""}).content.decode()
    assert "Ce champ est obligatoire" in empty


def test_a_receipt_of_a_vote_that_is_not_secret_shows_what_the_ballot_holds(client, world):
    proposal = make_proposal(world, voting_unit="person")
    receipt = ballots.ballot_cast(proposal=proposal, person=world.citizen, value="no", reason="Trop cher.").receipt
    services.proposal_close(proposal=proposal, by=world.coordinator)
    answer = client.post(receipt_url(world, proposal), {"code": receipt}).content.decode()
    assert "bulletin compté dans le résultat" in answer
    assert "Contenu du bulletin" in answer and "Contre" in answer and "Trop cher." in answer


def test_the_receipt_check_is_not_offered_while_the_vote_is_open(client, world):
    proposal = make_proposal(world, voting_unit="person")
    page = client.get(reverse("decisions:proposal", kwargs={"territory": world.territory.slug,
                                                            "space": world.assembly.slug, "pk": proposal.pk}))
    assert "Vérifier un reçu de vote" not in page.content.decode()


def test_a_hidden_proposal_answers_the_receipt_check_with_a_404(client, world):
    proposal = make_proposal(world, space=world.committee, voting_unit="person")
    services.proposal_close(proposal=proposal, by=world.coordinator)
    url = reverse("decisions:receipt", kwargs={"territory": world.territory.slug, "space": world.committee.slug,
                                               "pk": proposal.pk})
    assert client.post(url, {"code": "ABCDEF123456"}).status_code == 404


# -- the alternate knows the rule before voting -----------------------------------------------------

def test_the_alternate_sees_who_voted_for_the_organization_and_that_a_new_ballot_replaces_it(client, world):
    alternate = UserFactory(email="substitut@example.org", display_name="Sam Substitut")
    DelegationFactory(membership=world.org_in_assembly, person=alternate, kind=Delegation.Kind.ALTERNATE)
    world.delegate.display_name = "Dana Déléguée"
    world.delegate.save()
    proposal = make_proposal(world, anonymous=True)
    url = reverse("decisions:proposal", kwargs={"territory": world.territory.slug, "space": world.assembly.slug,
                                                "pk": proposal.pk})
    client.force_login(alternate)
    before = client.get(url).content.decode()
    assert "Un seul bulletin compte par organisme" in before

    ballots.ballot_cast(proposal=proposal, person=world.delegate, value="yes")
    page = client.get(url).content.decode()
    assert "a déjà voté : bulletin déposé par Dana Déléguée le" in page
    assert "votre bulletin remplacera le sien" in page
    client.force_login(world.delegate)
    assert "Vous avez voté au nom de" in client.get(url).content.decode()


# -- evaluations ------------------------------------------------------------------------------------

def test_evaluations_carry_no_order_from_the_first_answer(world):
    when = timezone.now() - timedelta(days=1)
    held = Meeting.objects.create(space=world.assembly, title="Plénière", starts_at=when,
                                  ends_at=when + timedelta(hours=2), status=Meeting.Status.HELD)
    people = [UserFactory(email=f"presente{n}@example.org") for n in range(6)]
    for person in people:
        Attendance.objects.create(meeting=held, person=person, status=Attendance.Status.PRESENT)
    scores = [5, 1, 4, 2, 3, 1]
    for person, score in zip(people, scores, strict=True):
        evaluation_svc.evaluation_submit(meeting=held, person=person, answers={
            "objectives_met": score, "everyone_could_speak": score, "useful_to_my_organization": score,
            "plus": f"plus {score}", "delta": ""})
        stored = list(Evaluation.objects.filter(meeting=held))
        by_content = sorted(stored, key=evaluation.answer_content)
        # From the first answer on: physical order = content order, one time stamp (the meeting's end).
        kept = [str(pk).replace("-", "") for pk in physical_order("meetings_evaluation", "meeting_id = %s",
                                                                  [held.pk])]
        assert kept == [e.pk.hex for e in by_content]
        assert {e.created_at for e in stored} == {e.updated_at for e in stored} == {held.ends_at}
    assert EvaluationReceipt.objects.filter(meeting=held).count() == len(people)
    receipts_order = list(EvaluationReceipt.objects.filter(meeting=held).order_by("pk")
                          .values_list("person_id", flat=True))
    answers_order = [e.objectives_met for e in sorted(Evaluation.objects.filter(meeting=held),
                                                      key=evaluation.answer_content)]
    by_rank = dict(zip(receipts_order, answers_order, strict=True))
    assert by_rank != {person.pk: score for person, score in zip(people, scores, strict=True)}
    assert json.dumps(sorted(answers_order)) == json.dumps(sorted(scores))


@pytest.mark.django_db(transaction=True)
def test_after_commit_the_freed_rows_are_scrubbed(world):
    """Outside a transaction, closing a secret vote asks the database to drop the former rows'
    dead versions (VACUUM on PostgreSQL; a truncated write-ahead log on SQLite)."""
    proposal = make_proposal(world, voting_unit="person", anonymous=True)
    ballots.ballot_cast(proposal=proposal, person=world.citizen, value="yes")
    services.proposal_close(proposal=proposal, by=world.coordinator)
    assert Ballot.objects.get(proposal=proposal).person_id is None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute("SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = 'decisions_ballot'")
            assert cursor.fetchone()[0] is not None
