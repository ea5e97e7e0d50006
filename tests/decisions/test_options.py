"""Options belong to the methods that choose between them: a method that decides on the proposal
itself (consent, consensus, gradients, majority, advice) refuses them, in the form and in the
service, so that closing such a proposal can never fail on options it cannot count."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from concertation.core.errors import DomainError
from concertation.decisions import ballots, services
from concertation.decisions.models import Option, Proposal
from concertation.spaces.models import Space
from tests.factories import CharterFactory, MembershipFactory, SpaceFactory, UserFactory

REFUSED = "laissez les options vides"


@pytest.fixture
def table(world):
    """A public space whose charter lets a proposal choose its method, with one voting citizen."""
    space = SpaceFactory(territory=world.territory, name="Table libre", slug="table-libre",
                         visibility=Space.Visibility.PUBLIC)
    CharterFactory(space=space, method="majority", fallback_method="", voting_unit="person", quorum_kind="none",
                   proposals_may_override=True)
    world.voter = UserFactory()
    MembershipFactory(space=space, organization=None, person=world.voter)
    world.table = space
    return world


def test_the_single_proposal_methods_are_those_of_the_registry_without_options():
    assert services.single_proposal_methods() == {"consent", "consensus", "gradients", "majority", "advice"}
    assert not services.single_proposal_methods() & services.choice_methods()


@pytest.mark.parametrize("method", sorted(services.single_proposal_methods()))
def test_a_method_on_the_proposal_itself_refuses_options(table, method):
    with pytest.raises(DomainError) as refused:
        services.proposal_create(space=table.table, author=table.coordinator, title="Budget", method=method,
                                 options=["Parc", "Piscine"])
    assert refused.value.field == "options" and REFUSED in str(refused.value.message)
    assert not Proposal.objects.filter(title="Budget").exists()
    # Blank lines are no options.
    proposal = services.proposal_create(space=table.table, author=table.coordinator, title="Budget", method=method,
                                        options=["", "  "])
    assert not proposal.options.exists()


@pytest.mark.parametrize("method", sorted(services.choice_methods()))
def test_a_choice_method_keeps_its_options(table, method):
    proposal = services.proposal_create(space=table.table, author=table.coordinator, title="Budget", method=method,
                                        options=["Parc", "Piscine"])
    assert list(proposal.options.values_list("label", flat=True)) == ["Parc", "Piscine"]


def test_the_form_refuses_options_for_such_a_method_and_takes_them_for_a_choice(table, client_for):
    client = client_for(table.coordinator)
    path = reverse("decisions:proposal_add", kwargs={"territory": table.territory.slug, "space": table.table.slug})
    data = {"title": "Budget", "options": "Parc\nPiscine", "method": "consent", "threshold": "simple", "base": "cast",
            "results_visibility": "after_voting"}
    response = client.post(path, data)
    assert response.status_code == 200 and REFUSED in response.content.decode()
    assert not Proposal.objects.filter(title="Budget").exists()
    response = client.post(path, {**data, "method": "approval"})
    assert response.status_code == 302
    assert list(Proposal.objects.get(title="Budget").options.values_list("label", flat=True)) == ["Parc", "Piscine"]


def test_a_proposal_on_itself_with_options_written_before_the_fix_still_closes(table, client_for):
    proposal = services.proposal_create(space=table.table, author=table.coordinator, title="Budget",
                                        results_visibility="always")
    Option.objects.bulk_create([Option(proposal=proposal, label=label, position=n)
                                for n, label in enumerate(["Oui", "Non", "Peut-être"])])
    proposal = services.proposal_open(proposal=proposal, by=table.coordinator)
    ballots.ballot_cast(proposal=Proposal.objects.get(pk=proposal.pk), person=table.voter, value="yes")
    Proposal.objects.filter(pk=proposal.pk).update(opens_at=timezone.now() - timedelta(hours=1),
                                                   closes_at=timezone.now() - timedelta(minutes=1))
    path = reverse("decisions:proposal", kwargs={"territory": table.territory.slug, "space": table.table.slug,
                                                 "pk": proposal.pk})
    response = client_for(table.voter).get(path)  # the lazy close: no 500
    assert response.status_code == 200
    proposal.refresh_from_db()
    assert proposal.status == "closed" and proposal.result["counts"]["yes"] == 1 and proposal.result["adopted"]
