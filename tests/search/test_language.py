"""French (and English) words found as people type them: accents both ways, plurals, phrases,
prefixes; hostile text as a query and as content never errs and stays escaped."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from concertation.decisions import services as decisions
from concertation.search.selectors import search
from tests.conftest import world as world_fixture
from tests.factories import ProposalFactory
from tests.security.payloads import INVISIBLE, SHORT, XSS

from .conftest import module_world

pytestmark = pytest.mark.django_db

TEXTS = {
    "logement": ("Les logements sociaux du quartier", "Une évaluation des besoins en habitation."),
    "droit": ("Droit au logement", "Le comité défend le droit au logement des locataires."),
    "english": ("Housing meetings", "The neighbourhood housing committee meets monthly."),
    "eleve": ("Évaluation élevée", "Des élèves évaluent l'école."),
}


@pytest.fixture(scope="module")
def lang(django_db_setup, django_db_blocker):
    with module_world(django_db_blocker):
        w = world_fixture.__wrapped__(None)

        w.proposals = {}
        for key, (title, body) in TEXTS.items():
            proposal = decisions.proposal_create(space=w.assembly, author=w.coordinator, title=title, body=body)
            decisions.proposal_open(proposal=proposal, by=w.coordinator)
            w.proposals[key] = proposal
        when = timezone.make_aware(datetime(2024, 5, 14, 19))
        w.decision_2024 = ProposalFactory(space=w.assembly, author=w.coordinator, title="Logement abordable",
                                          decided=True, decided_at=when, outcome="Le comité appuie le projet.")
        w.decision_2023 = ProposalFactory(space=w.assembly, author=w.coordinator, title="Logement étudiant",
                                          decided=True, decided_at=when.replace(year=2023), outcome="Reporté.")
        w.hostile = decisions.proposal_create(space=w.assembly, author=w.coordinator, title="Hostile " + XSS["script"],
                                              body=" ".join(SHORT) + INVISIBLE + " logement")
        decisions.proposal_open(proposal=w.hostile, by=w.coordinator)
        yield w


def found(w, q, user=None):
    results = search(user, w.territory, q)
    return {hit.object_id for hit in results.hits if hit.kind == "proposal"}


def ids(w, *keys):
    return {w.proposals[key].pk for key in keys}


@pytest.mark.parametrize("q, keys", [
    ("évaluation", {"logement", "eleve"}),
    ("evaluation", {"logement", "eleve"}),
    ("EVALUATION", {"logement", "eleve"}),
    ("élevée", {"eleve"}),
    ("elevee", {"eleve"}),
    ("logements", {"logement", "droit"}),
    ("logement", {"logement", "droit"}),
    ("locataire", {"droit"}),
    ('"droit au logement"', {"droit"}),
    ('"logement au droit"', set()),
    ("logem*", {"logement", "droit"}),
    ("habit", {"logement"}),  # the last word typed is also a prefix (type-ahead)
    ("housing", {"english"}),
    ("meeting", {"english"}),
    ("committee", {"english"}),
    ("sociaux quartier", {"logement"}),
    ("sociaux inexistant", set()),
])
def test_french_words(lang, q, keys):
    assert found(lang, q) - {lang.hostile.pk} == ids(lang, *keys)


def test_a_question_as_one_asks_it(lang):
    results = search(lang.coordinator, lang.territory, "Qu'avions-nous décidé sur le logement en 2024?")
    assert {(hit.kind, hit.object_id) for hit in results.hits} == {("decision", lang.decision_2024.pk)}
    assert results.query.year == 2024
    assert "<mark>Décision</mark>" in results.hits[0].excerpt


def test_marks_by_stem_in_escaped_text(lang):
    results = search(None, lang.territory, "logements")
    hits = {hit.object_id: hit for hit in results.hits}
    assert "<mark>logements</mark>" in hits[lang.proposals["logement"].pk].title
    assert "<mark>logement</mark>" in hits[lang.proposals["droit"].pk].excerpt
    hostile = hits[lang.hostile.pk]
    assert "<script" not in hostile.title and "<img" not in hostile.excerpt
    assert "&lt;script&gt;" in hostile.title
    assert "<mark>logement</mark>" in hostile.excerpt


@pytest.mark.parametrize("q", [*SHORT, INVISIBLE, '"', '"""', "*", "**", "a*", "NEAR(a b)", "a OR", "AND", "-x",
                               "title:x", "{title body}: x", "^x", "x'); DROP TABLE search_entry; --", "\x00",
                               "é" * 500, "mot " * 100, "'", ":*", "a & b | !c", "<->"])
def test_hostile_queries_answer_without_error(lang, q):
    results = search(None, lang.territory, q)
    for hit in results.hits:
        assert "<script" not in hit.title + hit.excerpt
        assert "<img" not in hit.title + hit.excerpt


@pytest.mark.parametrize("rank_limit, dense_hits", [(1000, 4000), (1, 4000), (1, 2)], ids=["ranked", "by-date", "by-date-dense"])
def test_past_the_rank_limit_the_most_recent_first_with_the_same_hits(lang, monkeypatch, rank_limit, dense_hits):
    """Relevance for a few hits; past RANK_LIMIT the most recent first, read on PostgreSQL either
    from the date index (many hits) or by sorting the gathered hits (fewer): the same hits, the
    same count, the pages in date order."""
    from concertation.search import selectors

    monkeypatch.setattr(selectors, "RANK_LIMIT", rank_limit)
    monkeypatch.setattr(selectors, "DENSE_HITS", dense_hits)
    everything = search(lang.coordinator, lang.territory, "logement", page_size=100)
    assert everything.ranked == (rank_limit == 1000)
    keys = {(hit.kind, hit.object_id) for hit in everything.hits}
    assert ("decision", lang.decision_2024.pk) in keys and ("proposal", lang.proposals["droit"].pk) in keys
    assert len(keys) == everything.total == sum(everything.counts.values())
    if not everything.ranked:
        dated = [hit.date for hit in everything.hits if hit.date]
        assert dated == sorted(dated, reverse=True)
    paged = [search(lang.coordinator, lang.territory, "logement", selectors.Filters(page=n), page_size=2)
             for n in range(1, -(-everything.total // 2) + 1)]
    assert {(hit.kind, hit.object_id) for page in paged for hit in page.hits} == keys
