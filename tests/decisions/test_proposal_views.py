"""The proposal screens: writing, opening, voting through the page, results as the rules allow,
closing, deciding, amending, discussing, recusals, permissions and bounded query counts."""

import html
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from concertation.decisions import services
from concertation.decisions.forms import VoteForm
from concertation.decisions.models import Ballot, Option, Participation, Proposal, Recusal
from concertation.knowledge.models import Comment
from concertation.spaces.models import Charter
from tests.factories import CharterFactory, MembershipFactory, UserFactory

NBSP = "\u00a0"
SAVED = "Votre vote est enregistré. Vous pouvez le changer jusqu'à la fermeture."


def url(name, proposal=None, space=None, **extra):
    space = space or proposal.space
    kwargs = {"territory": space.territory.slug, "space": space.slug, **extra}
    if proposal is not None:
        kwargs["pk"] = proposal.pk
    return reverse(f"decisions:{name}", kwargs=kwargs)


def text(response) -> str:
    return html.unescape(response.content.decode()).replace(NBSP, " ")


def make(world, *, space=None, author=None, open_it=True, **kwargs):
    """A proposal of the assembly (consensus, one vote per organization) unless told otherwise."""
    kwargs.setdefault("title", "Adopter le plan de quartier")
    kwargs.setdefault("body", "Le plan **2025-2030**.")
    proposal = services.proposal_create(space=space or world.assembly, author=author or world.coordinator, **kwargs)
    if open_it:
        proposal = services.proposal_open(proposal=proposal, by=world.coordinator)
    return Proposal.objects.get(pk=proposal.pk)


def voter_prefix(user=None, organization=None) -> str:
    return f"v-o-{organization.pk}" if organization is not None else f"v-u-{user.pk}"


def cast(client, proposal, prefix, *, htmx=False, **fields):
    data = {"voter": prefix[2:].replace("-", ":", 1)}
    data.update({f"{prefix}-{name}": value for name, value in fields.items()})
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(url("vote", proposal), data, **headers)


# Writing a proposal --------------------------------------------------------------------------

def test_member_writes_a_draft_that_follows_the_charter(world, client_for):
    client = client_for(world.delegate)
    page = client.get(url("proposal_add", space=world.assembly))
    assert page.status_code == 200
    html = text(page)
    assert 'name="method"' not in html and 'name="options"' not in html  # the charter fixes them
    assert "La charte fixe la méthode" in html
    response = client.post(url("proposal_add", space=world.assembly), {
        "title": "Adopter le plan", "body": "Texte", "results_visibility": "after_voting",
        "closes_at": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
    })
    proposal = Proposal.objects.get(title="Adopter le plan")
    assert response.status_code == 302 and response["Location"] == url("proposal", proposal)
    assert proposal.status == "draft" and proposal.author == world.delegate
    assert (proposal.method, proposal.voting_unit, proposal.threshold) == ("consensus", "organization", "two_thirds")
    assert proposal.versions.count() == 1


def test_an_override_is_refused_when_the_charter_forbids_it(world, client_for):
    client = client_for(world.coordinator)
    client.post(url("proposal_add", space=world.assembly), {
        "title": "Forcée", "method": "approval", "options": "A\nB", "threshold": "simple",
        "results_visibility": "always",
    })
    proposal = Proposal.objects.get(title="Forcée")
    assert proposal.method == "consensus" and proposal.threshold == "two_thirds"
    assert not proposal.options.exists()


def test_overrides_and_method_settings_where_the_charter_allows_them(world, client_for):
    Charter.objects.filter(space=world.assembly).update(proposals_may_override=True)
    client = client_for(world.coordinator)
    html = text(client.get(url("proposal_add", space=world.assembly)))
    assert 'name="method"' in html and 'name="max_choices"' in html
    response = client.post(url("proposal_add", space=world.assembly), {
        "title": "Choisir un projet", "method": "approval", "options": "Parc\nPiscine\n\nBibliothèque",
        "threshold": "two_thirds", "base": "present", "results_visibility": "always", "max_choices": "2",
        "seats": "3",
    })
    assert response.status_code == 302
    proposal = Proposal.objects.get(title="Choisir un projet")
    assert proposal.method == "approval" and proposal.method_settings == {"max_choices": 2}
    assert list(proposal.options.values_list("label", flat=True)) == ["Parc", "Piscine", "Bibliothèque"]

    response = client.post(url("proposal_add", space=world.assembly), {
        "title": "Classement", "method": "irv", "options": "Seule", "threshold": "simple", "base": "cast",
        "results_visibility": "always",
    })
    assert response.status_code == 200
    assert "au moins deux options" in text(response)
    response = client.post(url("proposal_add", space=world.assembly), {
        "title": "Passée", "method": "majority", "threshold": "simple", "base": "cast",
        "results_visibility": "always", "closes_at": "2001-01-01T10:00",
    })
    assert "dans le futur" in text(response)


# Opening, voting, changing a vote --------------------------------------------------------------

def test_open_then_a_citizen_votes_and_changes_the_vote(world, client_for):
    proposal = make(world, open_it=False)
    client = client_for(world.coordinator)
    assert "Ouvrir le vote" in text(client.get(url("proposal", proposal)))
    response = client.post(url("proposal_open", proposal))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "open" and proposal.closes_at is not None

    client = client_for(world.citizen)
    html = text(client.get(url("proposal", proposal)))
    assert "Consensus : la proposition est adoptée" in html
    assert "Je suis d'accord" in html and "Je bloque" in html
    assert 'name="weight"' not in html
    assert "<strong>2025-2030</strong>" in html  # the text is rendered Markdown
    prefix = voter_prefix(world.citizen)
    response = cast(client, proposal, prefix, choice="agree")
    assert response.status_code == 302
    ballot = Ballot.objects.get(proposal=proposal)
    assert (ballot.voter_key, ballot.value, ballot.weight) == (f"u:{world.citizen.pk}", "agree", 1)
    page = text(client.get(response["Location"]))
    assert SAVED in page and ballot.receipt in page
    assert "Votre choix actuel : <strong>Je suis d'accord</strong>" in page
    assert "Changer mon vote" in page

    cast(client, proposal, prefix, choice="disagree", reason="Trop vite.")
    ballot = Ballot.objects.get(proposal=proposal)
    assert ballot.value == "disagree" and ballot.reason == "Trop vite."
    assert Ballot.objects.filter(proposal=proposal).count() == 1
    assert Participation.objects.filter(proposal=proposal).count() == 1


def test_htmx_vote_returns_the_fragment_with_results_out_of_band(world, client_for):
    proposal = make(world, results_visibility="after_voting")
    client = client_for(world.citizen)
    response = cast(client, proposal, voter_prefix(world.citizen), htmx=True, choice="agree")
    assert response.status_code == 200
    html = text(response)
    assert "<html" not in html and 'id="vote"' in html and SAVED in html
    assert 'hx-swap-oob="true"' in html and "Décompte partiel" in html
    assert "Participation : 1 vote sur 2 possibles." in html
    assert Ballot.objects.get(proposal=proposal).value == "agree"


def test_a_refused_ballot_shows_the_error_next_to_the_form_and_keeps_the_choice(world, client_for):
    proposal = make(world)
    client = client_for(world.citizen)
    prefix = voter_prefix(world.citizen)
    response = cast(client, proposal, prefix, choice="block")
    assert response.status_code == 200
    html = text(response)
    assert "Expliquez votre blocage" in html
    assert 'checked' in html.split('value="block"')[1].split(">")[0]
    assert not Ballot.objects.exists()

    response = cast(client, proposal, prefix, htmx=True, choice="block")
    assert "<html" not in text(response) and "Expliquez votre blocage" in text(response)


def test_a_weight_or_any_extra_field_sent_by_the_browser_is_ignored(world, client_for):
    proposal = make(world)
    client = client_for(world.citizen)
    prefix = voter_prefix(world.citizen)
    cast(client, proposal, prefix, choice="agree", weight="50")
    client.post(url("vote", proposal), {"voter": f"u:{world.citizen.pk}", f"{prefix}-choice": "agree",
                                        "weight": "9", "voter_key": "o:1", "person": str(world.coordinator.pk)})
    ballot = Ballot.objects.get(proposal=proposal)
    assert ballot.weight == 1 and ballot.person == world.citizen and ballot.cast_by == world.citizen


def test_a_delegate_votes_for_the_organization(world, client_for):
    proposal = make(world)
    client = client_for(world.delegate)
    html = text(client.get(url("proposal", proposal)))
    assert "Au nom de Comité logement" in html
    cast(client, proposal, voter_prefix(organization=world.org), choice="stand_aside")
    ballot = Ballot.objects.get(proposal=proposal)
    assert ballot.voter_key == f"o:{world.org.pk}" and ballot.organization == world.org
    assert ballot.cast_by == world.delegate


def test_a_forged_organization_is_refused(world, client_for):
    proposal = make(world)
    client = client_for(world.delegate)
    response = client.post(url("vote", proposal), {"voter": f"o:{world.observer_org.pk}",
                                                   f"v-o-{world.observer_org.pk}-choice": "agree"}, follow=True)
    assert "Vous ne pouvez pas voter au nom de cet organisme" in text(response)
    assert not Ballot.objects.exists()


def test_an_observer_cannot_vote_and_is_told_why(world, client_for):
    proposal = make(world)
    client = client_for(world.observer)
    html = text(client.get(url("proposal", proposal)))
    assert "Enregistrer mon vote" not in html
    assert "ne donne pas le droit de vote" in html
    response = client.post(url("vote", proposal), {"voter": f"o:{world.observer_org.pk}",
                                                   f"v-o-{world.observer_org.pk}-choice": "agree"}, follow=True)
    assert "ne donne pas le droit de vote" in text(response)
    assert not Ballot.objects.exists()


def test_anonymous_visitors_read_a_public_proposal_and_are_invited_to_sign_in(world, client):
    proposal = make(world)
    html = text(client.get(url("proposal", proposal)))
    assert "Connectez-vous pour voter." in html and "Enregistrer mon vote" not in html
    response = client.post(url("vote", proposal), {"voter": f"u:{world.citizen.pk}"})
    assert response.status_code == 302 and "/compte/login/" in response["Location"]
    assert not Ballot.objects.exists()


def test_ranked_vote_through_the_page_with_duplicate_ranks_refused(world, client_for):
    # The committee has no charter: a proposal may use any method; one vote per person.
    proposal = make(world, space=world.committee, method="irv", options=["Parc", "Piscine", "Bibliothèque"],
                    results_visibility="always")
    park, pool, library = proposal.options.all()
    client = client_for(world.delegate)
    html = text(client.get(url("proposal", proposal)))
    assert "Rang de « Parc »" in html and "Non classée" in html
    prefix = voter_prefix(world.delegate)
    response = cast(client, proposal, prefix, **{f"rank_{park.pk}": "1", f"rank_{pool.pk}": "1"})
    assert "Deux options ont le même rang (1)" in text(response)
    assert not Ballot.objects.exists()
    cast(client, proposal, prefix, **{f"rank_{park.pk}": "3", f"rank_{library.pk}": "1"})
    assert Ballot.objects.get().value == [str(library.pk), str(park.pk)]
    html = text(client.get(url("proposal", proposal)))
    assert "1. Bibliothèque, 2. Parc" in html
    assert "Tours de dépouillement" in html and "Premiers choix" in html


@pytest.mark.parametrize("method,fields,shown", [
    ("majority", {"choice": "yes"}, "Pour"),
    ("consent", {"choice": "objection", "reason": "Pas le mardi."}, "J'ai une objection"),
    ("gradients", {"choice": "3"}, "3 — J'appuie, avec des réserves"),
    ("approval", {"approved": [0, 2]}, "Parc, Bibliothèque"),
    ("score", {"score_0": "4", "score_1": "1"}, "Parc : 4, Piscine : 1"),
    ("dot", {"dots_0": "5", "dots_2": "3"}, "Parc : 5, Bibliothèque : 3"),
    ("borda", {"rank_1": "1", "rank_0": "2"}, "1. Piscine, 2. Parc"),
    ("schulze", {"rank_2": "1", "rank_0": "2"}, "1. Bibliothèque, 2. Parc"),
    ("stv", {"rank_0": "1", "rank_1": "2"}, "1. Parc, 2. Piscine"),
    ("time_poll", {"slot_0": "yes", "slot_1": "if_need_be", "slot_2": "no"}, "Parc : Oui, Piscine : Au besoin"),
    ("advice", {"advice": "Pensez aux poussettes."}, "Pensez aux poussettes."),
])
def test_every_method_votes_and_shows_its_results_through_the_page(world, client_for, method, fields, shown):
    options = ["Parc", "Piscine", "Bibliothèque"] if method not in {"majority", "consent", "gradients", "advice"} else []
    proposal = make(world, space=world.committee, method=method, options=options, results_visibility="always",
                    method_settings={"seats": 2} if method == "stv" else None)
    keys = [str(pk) for pk in proposal.options.values_list("pk", flat=True)]

    def field_name(name):
        kind, _sep, index = name.partition("_")
        return f"{kind}_{keys[int(index)]}" if index else name

    data = {field_name(name): ([keys[n] for n in value] if isinstance(value, list) else value)
            for name, value in fields.items()}
    client = client_for(world.delegate)
    assert client.get(url("proposal", proposal)).status_code == 200
    response = cast(client, proposal, voter_prefix(world.delegate), **data)
    assert response.status_code == 302, text(response)
    html = text(client.get(url("proposal", proposal)))
    assert shown in html
    assert "Résultats partiels" in html
    services.proposal_close(proposal=proposal)
    html = text(client.get(url("proposal", proposal)))
    assert "Le vote est fermé." in html
    assert {"advice": "Avis reçus", "time_poll": "Disponibilités"}.get(method, "Décompte") in html
    if method in {"irv", "stv"}:
        assert "Tours de dépouillement" in html
    if method == "schulze":
        assert "Duels" in html


# Results as the rules allow ---------------------------------------------------------------------

def test_after_voting_hides_results_until_this_voter_has_voted(world, client_for):
    proposal = make(world, results_visibility="after_voting")
    client_for(world.delegate)
    cast(client_for(world.delegate), proposal, voter_prefix(organization=world.org), choice="agree")
    client = client_for(world.citizen)
    html = text(client.get(url("proposal", proposal)))
    assert "Décompte partiel" not in html and "une fois votre vote enregistré" in html
    assert "Participation : 1 vote sur 2 possibles." in html
    cast(client, proposal, voter_prefix(world.citizen), choice="agree")
    html = text(client.get(url("proposal", proposal)))
    assert "Résultats partiels" in html and "Décompte partiel" in html and "Consensus atteint" in html
    assert 'hx-trigger="every 10s"' in html


def test_after_closing_hides_results_until_the_vote_is_closed(world, client_for):
    proposal = make(world, results_visibility="after_closing")
    client = client_for(world.citizen)
    cast(client, proposal, voter_prefix(world.citizen), choice="agree")
    html = text(client.get(url("proposal", proposal)))
    assert "Décompte" not in html and "publiés à la fermeture" in html
    assert 'hx-trigger="every 10s"' not in html
    client_for(world.coordinator).post(url("proposal_close", proposal))
    html = text(client_for(world.citizen).get(url("proposal", proposal)))
    assert "Décompte" in html and "quorum" in html


def test_results_fragment_for_htmx_polling(world, client_for):
    proposal = make(world, results_visibility="always")
    client = client_for(world.citizen)
    response = client.get(url("results", proposal), HTTP_HX_REQUEST="true")
    html = text(response)
    assert response.status_code == 200 and "<html" not in html
    assert 'id="resultats"' in html and 'hx-trigger="every 10s"' in html
    response = client.get(url("results", proposal))
    assert response.status_code == 302 and response["Location"].endswith("#resultats")


def test_a_proposal_past_its_closing_time_closes_when_its_page_opens(world, client_for):
    proposal = make(world, results_visibility="after_closing")
    cast(client_for(world.citizen), proposal, voter_prefix(world.citizen), choice="agree")
    Proposal.objects.filter(pk=proposal.pk).update(opens_at=timezone.now() - timedelta(hours=1),
                                                   closes_at=timezone.now() - timedelta(minutes=1))
    html = text(client_for(world.citizen).get(url("proposal", proposal)))
    proposal.refresh_from_db()
    assert proposal.status == "closed" and proposal.result["participants"] == 1
    assert "Décompte" in html and "Le vote est fermé." in html


@pytest.mark.parametrize("method,rules,values", [
    ("majority", {"threshold": "two_thirds", "base": "eligible", "double_majority": True},
     ["yes", "yes", "no", "abstain", "yes"]),
    ("consent", {}, ["consent", "stand_aside", "consent", "consent", "consent"]),
    ("irv", {}, [[2, 0], [1, 2], [0], [2, 1, 0], [1]]),
    ("schulze", {}, [[0, 1], [1, 2], [2], [0, 2, 1], [1]]),
    ("stv", {"method_settings": {"seats": 2}}, [[0, 1], [0, 2], [2], [0, 2, 1], [1]]),
    ("approval", {}, [[0, 1], [1], [2], [0, 1, 2], [1]]),
    ("time_poll", {}, [{0: "yes"}, {0: "no", 1: "yes"}, {2: "if_need_be"}, {1: "yes"}, {1: "no"}]),
])
def test_the_live_count_is_the_count_made_at_closing(world, method, rules, values):
    from concertation.decisions.ballots import ballot_cast
    from concertation.decisions.eligibility import eligible_voters
    from concertation.decisions.page import live_result

    people = [UserFactory() for _n in range(5)]
    for n, person in enumerate(people):
        MembershipFactory(space=world.committee, organization=None, person=person,
                          college=world.citizen_college if n % 2 else world.community)
    options = ["Parc", "Piscine", "Bibliothèque"] if method not in {"majority", "consent"} else []
    proposal = make(world, space=world.committee, method=method, options=options, quorum_kind="count",
                    quorum_count=3, **rules)
    keys = [str(pk) for pk in proposal.options.values_list("pk", flat=True)]

    def value_of(raw):
        if isinstance(raw, list):
            return [keys[n] for n in raw]
        if isinstance(raw, dict):
            return {keys[n]: answer for n, answer in raw.items()}
        return raw

    for person, raw in zip(people, values, strict=True):
        ballot_cast(proposal=proposal, person=person, value=value_of(raw))
    proposal = Proposal.objects.prefetch_related("options", "recusals").get(pk=proposal.pk)
    proposal.tie_seed = "seed"
    live = live_result(proposal, voters=eligible_voters(proposal), ballots=list(proposal.ballots.all()),
                       options=list(proposal.options.all()))
    closing = services.compute_result(proposal)
    for key, item in live.items():
        assert item == closing[key], key


# Closing, deciding, withdrawing, amending ------------------------------------------------------

def test_close_then_write_the_decision(world, client_for):
    proposal = make(world)
    cast(client_for(world.citizen), proposal, voter_prefix(world.citizen), choice="agree")
    cast(client_for(world.delegate), proposal, voter_prefix(organization=world.org), choice="agree")
    client = client_for(world.coordinator)
    response = client.post(url("proposal_close", proposal))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "closed"
    html = text(client.get(url("proposal", proposal)))
    assert "Consensus atteint : 2 d'accord" in html and "Écrire la décision" in html
    form = text(client.get(url("proposal_decide", proposal)))
    assert "Consensus atteint" in form
    response = client.post(url("proposal_decide", proposal), {"outcome": "Le plan est adopté.", "dissent": ""})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "decided" and proposal.outcome == "Le plan est adopté."
    assert "Le plan est adopté." in text(client.get(url("proposal", proposal)))
    response = client.post(url("proposal_decide", proposal), {"outcome": "  "})
    assert response.status_code == 200


def test_withdraw(world, client_for):
    proposal = make(world)
    client_for(world.coordinator).post(url("proposal_withdraw", proposal))
    proposal.refresh_from_db()
    assert proposal.status == "withdrawn"
    response = client_for(world.coordinator).post(url("proposal_close", proposal), follow=True)
    assert "Impossible" in text(response)


def test_amending_a_consent_proposal_opens_a_new_round_and_keeps_the_old_one(world, client_for):
    CharterFactory(space=world.group, method="consent", fallback_method="", voting_unit="person",
                   quorum_kind="none", threshold="simple", base="cast")
    proposal = make(world, space=world.group, author=world.facilitator, title="Horaire des rencontres")
    client = client_for(world.facilitator)
    cast(client, proposal, voter_prefix(world.facilitator), choice="objection", reason="Le mardi ne va pas.")
    assert "Le mardi ne va pas." in text(client.get(url("proposal", proposal)))
    page = client.get(url("proposal_amend", proposal))
    assert page.status_code == 200 and "nouveau tour" in text(page)
    response = client.post(url("proposal_amend", proposal), {
        "title": "Horaire des rencontres (jeudi)", "body": "Le jeudi.", "reason": "Répondre à l'objection.",
    }, follow=True)
    html = text(response)
    proposal.refresh_from_db()
    assert (proposal.version, proposal.round, proposal.title) == (2, 2, "Horaire des rencontres (jeudi)")
    assert "Un nouveau tour de vote commence" in html
    assert "Tour 1 (version 1)" in html and "Objection soulevée" in html
    assert "Version 1 du" in html and "Répondre à l'objection." in html
    assert "Votre choix actuel" not in html  # a new round: a new vote
    assert Ballot.objects.filter(proposal=proposal, round=1).count() == 1


# Discussion and recusals ----------------------------------------------------------------------

def discussion_url(proposal) -> str:
    return reverse("discussions:thread", kwargs={"territory": proposal.space.territory.slug, "kind": "proposal",
                                                 "object_id": proposal.pk})


def test_members_comment_and_others_cannot(world, client_for):
    """The proposal's discussion (knowledge's discussions; tests/knowledge/test_discussions*.py go on)."""
    proposal = make(world)
    client = client_for(world.citizen)
    response = client.post(discussion_url(proposal), {"body": "Et le budget?"}, follow=True)
    assert "Et le budget?" in text(response) and "Votre commentaire est publié." in text(response)
    assert Comment.objects.get().author == world.citizen
    outsider = client_for(world.outsider)
    assert 'name="body"' not in text(outsider.get(url("proposal", proposal)))
    assert outsider.post(discussion_url(proposal), {"body": "Spam"}).status_code == 404
    assert Comment.objects.count() == 1


def test_a_voter_declares_a_conflict_of_interest(world, client_for):
    proposal = make(world)
    client = client_for(world.citizen)
    cast(client, proposal, voter_prefix(world.citizen), choice="agree")
    response = client.post(url("recusal", proposal), {"voter": f"u:{world.citizen.pk}", "reason": "Je siège au CA."},
                           follow=True)
    html = text(response)
    assert "Votre conflit d'intérêts est noté" in html and "Je siège au CA." in html
    assert Recusal.objects.get(proposal=proposal).person == world.citizen
    assert not Ballot.objects.exists()
    assert "Enregistrer mon vote" not in html and "conflit d'intérêts a été déclaré" in html


def test_a_manager_records_someone_elses_recusal_and_a_member_cannot(world, client_for):
    proposal = make(world)
    client = client_for(world.citizen)
    client.post(url("recusal", proposal), {"voter": f"o:{world.org.pk}"})
    assert not Recusal.objects.exists()
    client = client_for(world.coordinator)
    assert "Noter le conflit d'intérêts d'un membre" in text(client.get(url("proposal", proposal)))
    client.post(url("recusal", proposal), {"voter": f"o:{world.org.pk}", "reason": "Financement demandé"})
    assert Recusal.objects.get(proposal=proposal).organization == world.org


# Permissions -------------------------------------------------------------------------------------

def test_a_members_only_space_hides_its_proposals(world, client_for):
    proposal = make(world, space=world.committee)
    for user in (world.outsider, world.citizen, world.foreigner, None):
        client = client_for(user)
        refused = 302 if user is None else 404  # anonymous visitors are asked to sign in (issue 13)
        assert client.get(url("proposal", proposal)).status_code == refused
        assert client.get(url("proposals", space=world.committee)).status_code == refused
        assert client.get(url("results", proposal), HTTP_HX_REQUEST="true").status_code == refused
    client = client_for(world.outsider)
    assert client.post(url("vote", proposal), {}).status_code == 404
    assert client.post(discussion_url(proposal), {"body": "x"}).status_code == 404
    assert client_for(world.delegate).get(url("proposal", proposal)).status_code == 200


def test_only_those_who_run_the_space_manage_a_proposal(world, client_for):
    proposal = make(world)
    for user in (world.delegate, world.citizen, world.outsider):
        client = client_for(user)
        assert client.post(url("proposal_close", proposal)).status_code == 404
        assert client.get(url("proposal_decide", proposal)).status_code == 404
        assert client.get(url("proposal_amend", proposal)).status_code == 404
        assert client.post(url("proposal_withdraw", proposal)).status_code == 404
    assert "Fermer le vote maintenant" not in text(client_for(world.citizen).get(url("proposal", proposal)))
    proposal.refresh_from_db()
    assert proposal.status == "open"
    assert client_for(world.outsider).get(url("proposal_add", space=world.assembly)).status_code == 404


def test_state_changes_are_post_only(world, client_for):
    proposal = make(world)
    client = client_for(world.coordinator)
    for name in ("vote", "proposal_open", "proposal_close", "proposal_withdraw", "recusal"):
        assert client.get(url(name, proposal)).status_code == 405, name


def test_drafts_are_seen_by_their_author_and_managers_only(world, client_for):
    draft = make(world, author=world.delegate, open_it=False, title="Mon brouillon")
    make(world, title="Ouverte")
    assert client_for(world.citizen).get(url("proposal", draft)).status_code == 404
    assert "Mon brouillon" not in text(client_for(world.citizen).get(url("proposals", space=world.assembly)))
    for user in (world.delegate, world.coordinator):
        client = client_for(user)
        assert client.get(url("proposal", draft)).status_code == 200
        html = text(client.get(url("proposals", space=world.assembly)))
        assert html.index("Ouverte") < html.index("Mon brouillon")
    # The author of a draft may open it.
    client_for(world.delegate).post(url("proposal_open", draft))
    draft.refresh_from_db()
    assert draft.status == "open"


# The vote form, method by method ----------------------------------------------------------------

def _proposal(method, labels=("A", "B", "C"), **settings):
    proposal = Proposal(pk=1, method=method, method_settings=settings)
    options = [Option(pk=10 + n, proposal=proposal, label=label) for n, label in enumerate(labels)]
    return proposal, options


@pytest.mark.parametrize("method,data,expected", [
    ("majority", {"choice": "yes"}, "yes"),
    ("consent", {"choice": "stand_aside"}, "stand_aside"),
    ("gradients", {"choice": "5"}, 5),
    ("approval", {"approved": ["10", "12"]}, ["10", "12"]),
    ("score", {"score_10": "5", "score_11": "", "score_12": "0"}, {"10": 5, "12": 0}),
    ("dot", {"dots_10": "3", "dots_11": "0", "dots_12": "5"}, {"10": 3, "12": 5}),
    ("borda", {"rank_10": "2", "rank_11": "", "rank_12": "1"}, ["12", "10"]),
    ("schulze", {"rank_10": "2", "rank_11": "1", "rank_12": "3"}, ["11", "10", "12"]),
    ("time_poll", {"slot_10": "yes", "slot_12": "if_need_be"}, {"10": "yes", "12": "if_need_be"}),
    ("advice", {"advice": "  Allez-y.  "}, "Allez-y."),
])
def test_vote_form_builds_the_ballot_of_each_method(method, data, expected):
    proposal, options = _proposal(method)
    post = {**data, "weight": "7", "voter_key": "o:3"}
    form = VoteForm(post, proposal=proposal, options=options)
    assert form.is_valid(), form.errors
    assert "weight" not in form.fields
    assert form.ballot_value() == expected


@pytest.mark.parametrize("method,data,message", [
    ("irv", {"rank_10": "1", "rank_11": "1"}, "même rang"),
    ("irv", {}, "Classez au moins une option"),
    ("dot", {"dots_10": "5", "dots_11": "4"}, "Vous avez placé 9 gommettes, pour 8 permises."),
    ("dot", {"dots_10": "-1"}, "supérieure ou égale à 0"),
    ("score", {"score_10": "6"}, "choix valide"),
    ("consent", {"choice": "objection"}, "Expliquez votre objection"),
    ("consensus", {"choice": "veto"}, "choix valide"),
    ("approval", {"approved": ["10", "99"]}, "choix valide"),
    ("time_poll", {}, "au moins un des moments"),
])
def test_vote_form_refuses_bad_input(method, data, message):
    proposal, options = _proposal(method)
    form = VoteForm(data, proposal=proposal, options=options)
    assert not form.is_valid()
    assert message in " ".join(str(error) for errors in form.errors.values() for error in errors).replace(NBSP, " ")


def test_vote_form_respects_the_dot_budget_and_approval_limits():
    proposal, options = _proposal("dot", dots=3)
    assert not VoteForm({"dots_10": "4"}, proposal=proposal, options=options).is_valid()
    assert VoteForm({"dots_10": "2", "dots_11": "1"}, proposal=proposal, options=options).is_valid()
    proposal, options = _proposal("approval", max_choices=1)
    assert not VoteForm({"approved": ["10", "11"]}, proposal=proposal, options=options).is_valid()


def test_vote_form_shows_the_current_ballot():
    proposal, options = _proposal("irv")
    form = VoteForm(proposal=proposal, options=options, initial_value=["12", "10"])
    assert form["rank_12"].value() == "1" and form["rank_10"].value() == "2" and form["rank_11"].value() == ""


# Bounded query counts -----------------------------------------------------------------------------

def grow(world, proposal, count):
    """``count`` more citizens of the assembly, each with a ballot and a comment."""
    for _n in range(count):
        person = UserFactory()
        MembershipFactory(space=world.assembly, organization=None, person=person, college=world.citizen_college)
        Ballot.objects.create(proposal=proposal, voter_key=f"u:{person.pk}", person=person, cast_by=person,
                              college_slug="citoyen", value="agree")
        Participation.objects.create(proposal=proposal, voter_key=f"u:{person.pk}", person=person,
                                     college_slug="citoyen")
        Comment.objects.create(territory=proposal.space.territory, space=proposal.space, target_kind="proposal",
                               target_id=proposal.pk, author=person, body="D'accord.")


@pytest.mark.parametrize("viewer", ["citizen", "coordinator", "observer", "anonymous"])
def test_proposal_page_queries_are_bounded(world, client_for, django_assert_max_num_queries, viewer):
    proposal = make(world, results_visibility="always")
    client = client_for(world.users[viewer])
    if viewer == "citizen":
        cast(client, proposal, voter_prefix(world.citizen), choice="agree")
    client.get(url("proposal", proposal))
    counts = []
    for size in (5, 45):  # 5, then 50 ballots and comments
        grow(world, proposal, size)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url("proposal", proposal))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], f"{counts[0]} queries with 5 ballots, {counts[1]} with 50"
    with django_assert_max_num_queries(15):
        client.get(url("proposal", proposal))


def test_closed_proposal_page_queries_are_bounded(world, client_for, django_assert_max_num_queries):
    proposal = make(world)
    grow(world, proposal, 50)
    services.proposal_close(proposal=proposal)
    client = client_for(world.citizen)
    with django_assert_max_num_queries(15):
        response = client.get(url("proposal", proposal))
    assert "Décompte" in text(response)


def test_list_page_queries_are_bounded(world, client_for, django_assert_max_num_queries):
    client = client_for(world.coordinator)
    counts = []
    for size in (5, 45):
        for n in range(size):
            make(world, title=f"Proposition {size}-{n}", open_it=n % 2 == 0)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url("proposals", space=world.assembly))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(12):
        response = client.get(url("proposals", space=world.assembly) + "?page=2")
    assert "Page 2 sur 2" in text(response)


def test_the_closing_sentence_ends_with_one_full_stop_in_english_after_p_m(world, client_for):
    five_pm = (timezone.localtime() + timedelta(days=5)).replace(hour=17, minute=0, second=0, microsecond=0)
    proposal = make(world, closes_at=five_pm)
    world.delegate.preferred_language = "en"
    world.delegate.save(update_fields=["preferred_language"])
    client = client_for(world.delegate)
    for page in (url("proposal", proposal), url("proposals", space=world.assembly)):
        shown = text(client.get(page))
        assert "5 p.m." in shown and "p.m.." not in shown, page
    world.delegate.preferred_language = "fr-ca"
    world.delegate.save(update_fields=["preferred_language"])
    shown = text(client_for(world.delegate).get(url("proposal", proposal)))
    assert "à 17 h." in shown  # French keeps its full stop
