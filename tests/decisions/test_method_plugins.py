"""Decision methods are plugins: a method registered from outside (here, from the test) is offered by
the proposal form, takes ballots, is counted, presented and explained, without editing any file; and
no method key is written outside the method registry."""

import ast
import re
from pathlib import Path

import pytest
from django.urls import reverse

from concertation.decisions import methods, services
from concertation.decisions.explain import explain
from concertation.decisions.forms import ProposalForm, VoteForm, method_explanation
from concertation.decisions.methods.base import gettext_noop
from concertation.decisions.methods.choice import Approval
from concertation.decisions.models import Proposal
from concertation.decisions.results import present_results
from concertation.spaces.decision_methods import method_choices
from concertation.spaces.models import Charter

from .test_options import table  # noqa: F401  (the fixture)

SRC = Path(__file__).resolve().parents[2] / "src" / "concertation"
KEYS = set(methods.METHOD_KEYS)

#: literals equal to a method key that are not one, each with its reason
NOT_A_METHOD = {
    ("meetings/minutes.py", "score"): "a placeholder of a message",
    ("spaces/models.py", "majority"): "a kind of quorum (50 % + 1), not a decision method",
    ("decisions/explain.py", "consent"): "a placeholder of an existing message",
    ("decisions/forms.py", "advice"): "the advice form field's name, posted by the page",
    ("decisions/page.py", "advice"): "the page's list of advice received (a template name)",
}


def _python_files():
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if "/migrations/" in relative or relative.startswith("decisions/methods/"):
            continue
        yield relative, path


def test_no_method_key_is_written_outside_the_method_registry():
    found = []
    for relative, path in _python_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and node.value in KEYS and (relative, node.value) not in NOT_A_METHOD:
                found.append(f"{relative}:{node.lineno} {node.value!r}")
    for path in sorted((SRC / "templates").rglob("*.html")):
        for n, line in enumerate(path.read_text().splitlines(), start=1):
            for key in re.findall(r"""==\s*["']([a-z_]+)["']""", line):
                if key in KEYS:
                    found.append(f"{path.relative_to(SRC).as_posix()}:{n} {key!r}")
    assert not found, "method keys outside decisions/methods (ask the registry): " + ", ".join(found)


class ApprovalToy(Approval):
    """Approval under another name: the method a third party would add."""

    key = "approval-toy"
    title = gettext_noop("Approbation jouet")
    summary = gettext_noop("Approbation jouet : cochez ce qui vous plaît.")
    count_label = gettext_noop("Coches")


@pytest.fixture
def toy():
    methods.register(ApprovalToy)
    yield methods.REGISTRY[ApprovalToy.key]
    methods.unregister(ApprovalToy.key)


@pytest.mark.django_db
def test_a_method_registered_from_outside_is_offered_counted_presented_and_explained(toy, table, client_for):  # noqa: F811
    assert (ApprovalToy.key, "Approbation jouet") in [(key, str(label)) for key, label in method_choices()]
    form = ProposalForm(charter=Charter.objects.get(space=table.table))
    assert ApprovalToy.key in dict(form.fields["method"].choices)
    assert ApprovalToy.key in services.choice_methods()

    path = reverse("decisions:proposal_add", kwargs={"territory": table.territory.slug, "space": table.table.slug})
    response = client_for(table.coordinator).post(path, {
        "title": "Jouet", "options": "Parc\nPiscine\nBibliothèque", "method": ApprovalToy.key,
        "threshold": "simple", "base": "cast", "results_visibility": "always", "max_choices": 2,
    })
    assert response.status_code == 302
    proposal = Proposal.objects.get(title="Jouet")
    assert proposal.method == ApprovalToy.key and proposal.method_settings == {"max_choices": 2}
    proposal = services.proposal_open(proposal=proposal, by=table.coordinator)
    assert method_explanation(proposal) == "Approbation jouet : cochez ce qui vous plaît."

    options = list(proposal.options.order_by("position"))
    vote_form = VoteForm(proposal=proposal, options=options)
    assert "approved" in vote_form.fields and vote_form.method_family == "set"
    voter_key = f"u:{table.voter.pk}"
    page = reverse("decisions:vote", kwargs={"territory": table.territory.slug, "space": table.table.slug,
                                             "pk": proposal.pk})
    prefix = "v-" + voter_key.replace(":", "-")
    response = client_for(table.voter).post(page, {"voter": voter_key,
                                                   f"{prefix}-approved": [str(options[0].pk), str(options[2].pk)]})
    assert response.status_code in {200, 302}
    assert proposal.ballots.get().value == [str(options[0].pk), str(options[2].pk)]

    proposal = services.proposal_close(proposal=Proposal.objects.get(pk=proposal.pk), by=table.coordinator)
    assert proposal.result["method"] == ApprovalToy.key
    assert proposal.result["counts"] == {str(options[0].pk): 1, str(options[1].pk): 0, str(options[2].pk): 1}
    shown = present_results(proposal, proposal.result, options, {}, live=False)
    assert shown["count_label"] == "Coches" and [row["count"] for row in shown["rows"]][:2] == [1, 1]
    assert shown["rows"][0]["winner"] and not shown["by_position"]
    assert "Parc" in explain(proposal, {}) and "Bibliothèque" in explain(proposal, {})

    response = client_for(table.voter).get(reverse("decisions:proposal", kwargs={
        "territory": table.territory.slug, "space": table.table.slug, "pk": proposal.pk}))
    assert response.status_code == 200 and "Coches" in response.content.decode()


def test_a_method_taken_out_of_the_registry_leaves_the_charter_choices(toy):
    methods.unregister(ApprovalToy.key)
    assert ApprovalToy.key not in dict(method_choices())
    methods.register(ApprovalToy)  # the fixture takes it out again
    assert ApprovalToy.key in dict(method_choices())
