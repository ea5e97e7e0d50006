"""The register's rows read by ``ROWS_SQL`` agree with the ORM form of the same rule
(``register.decisions``: ``_with_counts``, participants of the proposal's round and recusals) over
generated decisions, for several filters and pages."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from concertation.decisions import register
from concertation.decisions.models import Participation, Proposal, Recusal
from tests.factories import (
    OrganizationFactory,
    ProposalFactory,
    SpaceFactory,
    TerritoryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def generated(seed: int):
    """Decisions in three spaces, some of them over two rounds, with participations in each round,
    recusals of people and organizations, the same day for several (the order's second key)."""
    rng = random.Random(seed)
    territory = TerritoryFactory()
    spaces = [SpaceFactory(territory=territory) for _ in range(3)]
    people = [UserFactory() for _ in range(6)]
    organizations = [OrganizationFactory(territory=territory) for _ in range(3)]
    start = timezone.make_aware(datetime(2025, 1, 6, 19))
    for n in range(rng.randint(18, 30)):
        adopted = rng.random() < 0.7
        result = {"method": "majority", "adopted": adopted, "counts": {"yes": 3, "no": 1, "abstain": 0},
                  "quorum": {"kind": "none"}, "participants": rng.randint(0, 9), "eligible": 9}
        if not adopted and rng.random() < 0.4:
            result["no_decision"] = True
        proposal = ProposalFactory(
            space=rng.choice(spaces), title=f"Décision {n} {rng.choice(['logement', 'parc', 'école'])}",
            decided=True, decided_at=start + timedelta(days=rng.randint(0, 40)), result=result,
            round=rng.choice([1, 1, 2]), dissent=rng.choice(["", "Réserve."]),
            outcome=rng.choice(["Adoptée.", "Renvoyée au comité."]))
        for round_number in (1, 2):
            for index in rng.sample(range(len(people)), rng.randint(0, len(people))):
                Participation.objects.create(proposal=proposal, round=round_number, voter_key=f"k{index}",
                                             person=people[index])
        for person in rng.sample(people, rng.randint(0, 2)):
            Recusal.objects.create(proposal=proposal, person=person)
        if rng.random() < 0.3:
            Recusal.objects.create(proposal=proposal, organization=rng.choice(organizations))
    ProposalFactory(space=spaces[0], decided=False, title="Pas encore décidée")  # never in the register
    return territory, spaces


FILTERS = [
    {},
    {"status": "adopted"},
    {"status": "rejected"},
    {"status": "no_decision"},
    {"q": "parc"},
    {"from": "2025-01-20", "to": "2025-02-05"},
]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_written_rows_agree_with_the_orm_form(seed):
    territory, spaces = generated(seed)
    ids = [space.pk for space in spaces]
    for params in [*FILTERS, {"space": spaces[1].slug}]:
        filters = register.parse_filters(params, spaces)
        expected = list(register.decisions(ids, filters))
        assert expected or params, "the generated data gives a register"
        for start, stop in ((0, 7), (7, 14), (0, 50)):
            written = register.decisions_among(register.decided(ids, filters)[start:stop])
            orm = expected[start:stop]
            assert [p.pk for p in written] == [p.pk for p in orm], params
            for got, want in zip(written, orm, strict=True):
                assert (got.participant_count, got.recusal_count) == (want.participant_count, want.recusal_count)
                for name in register.ROW_FIELDS:
                    field = Proposal._meta.get_field(name)
                    assert getattr(got, field.attname) == getattr(want, field.attname), (name, params)
                assert got.register_relations == {name: [] for name in got.register_relations}


def test_counts_are_those_of_the_proposals_round():
    territory, spaces = generated(4)
    proposal = Proposal.objects.filter(status=Proposal.Status.DECIDED).order_by("pk").first()
    Participation.objects.filter(proposal=proposal).delete()
    Recusal.objects.filter(proposal=proposal).delete()
    proposal.round = 2
    proposal.save()
    person = UserFactory()
    Participation.objects.create(proposal=proposal, round=1, voter_key="a", person=person)
    Participation.objects.create(proposal=proposal, round=2, voter_key="a", person=person)
    Participation.objects.create(proposal=proposal, round=2, voter_key="b")
    Recusal.objects.create(proposal=proposal, person=person)
    row = next(p for p in register.decisions_among(register.decided([s.pk for s in spaces])) if p.pk == proposal.pk)
    assert (row.participant_count, row.recusal_count) == (2, 1)


def orm_attach_relations(proposals) -> dict:
    """The ORM form ``register_relations.attach_relations`` replaced: {proposal pk: {name: [instances]}}."""
    from concertation.decisions.register_relations import (
        RELATION_FIELDS,
        has_field,
        reverse_relation,
    )

    pks = [proposal.pk for proposal in proposals]
    found = {}
    for name, (fields, relation, relation_fields) in RELATION_FIELDS.items():
        model = reverse_relation(name)
        key = Proposal._meta.get_field(name).field
        queryset = model.objects.filter(**{f"{key.name}__in": pks})
        only = [key.name, *(field for field in fields if has_field(model, field))]
        queryset = queryset.select_related(relation)
        related = model._meta.get_field(relation).related_model
        only += [relation, *(f"{relation}__{field}" for field in relation_fields if has_field(related, field))]
        by_proposal = found[name] = {}
        for instance in queryset.only(*only):
            by_proposal.setdefault(getattr(instance, key.attname), []).append(instance)
    return {pk: {name: by.get(pk, []) for name, by in found.items()} for pk in pks}


def loaded(instance) -> dict:
    deferred = instance.get_deferred_fields()
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields
            if field.attname not in deferred}


def test_the_written_relations_are_those_the_orm_reads_in_its_order():
    from concertation.decisions.register_relations import attach_relations
    from concertation.planning.models import Revision
    from tests.factories import AgendaItemFactory, MeetingFactory, PlanFactory

    territory, spaces = generated(5)
    proposals = list(Proposal.objects.filter(status=Proposal.Status.DECIDED).order_by("pk")[:6])
    start = timezone.make_aware(datetime(2025, 3, 3, 18))
    meetings = [MeetingFactory(space=spaces[0], starts_at=start + timedelta(days=7 * n),
                               ends_at=start + timedelta(days=7 * n, hours=2)) for n in (2, 0, 1)]
    plans = [PlanFactory(space=spaces[0]) for _ in range(2)]
    for index, proposal in enumerate(proposals[:4]):
        for meeting in meetings[: index + 1]:  # several meetings: the most recent comes first
            AgendaItemFactory(meeting=meeting, proposal=proposal, title=f"Point {index}")
        for n in range(index % 3):
            Revision.objects.create(plan=plans[n % 2], item_type="activity", item_id=n, item_label=f"Activité {n}",
                                    action="edit", reason="Décision", decision=proposal,
                                    made_at=start + timedelta(days=n * (-1) ** index))
    AgendaItemFactory(meeting=meetings[0], proposal=None, title="Sans proposition")
    expected = orm_attach_relations(proposals)
    attach_relations(proposals)
    compared = 0
    for proposal in proposals:
        assert set(proposal.register_relations) == set(expected[proposal.pk])
        for name, instances in proposal.register_relations.items():
            want = expected[proposal.pk][name]
            assert [loaded(got) for got in instances] == [loaded(item) for item in want], name
            joined = "meeting" if name == "agenda_items" else "plan"
            assert [loaded(getattr(got, joined)) for got in instances] == \
                [loaded(getattr(item, joined)) for item in want], name
            compared += len(instances)
    assert compared > 8
    attach_relations([])  # no proposal: no query, nothing attached
