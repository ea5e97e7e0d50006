import pytest
from django.utils import translation

from concertation.directory.models import College
from concertation.spaces.charter_text import rule_sentence
from concertation.spaces.models import Charter
from tests.factories import CollegeFactory, SpaceFactory

pytestmark = pytest.mark.django_db


def plain(text):
    return text.replace("\u00a0", " ")


@pytest.fixture
def demo_like_charter():
    space = SpaceFactory()
    college = CollegeFactory(territory=space.territory, slug="citoyen", name="Citoyen", kind=College.Kind.CITIZEN)
    charter = Charter.objects.create(
        space=space, version=1, in_force=True, method="consensus", fallback_method="majority",
        threshold="two_thirds", base="present", voting_unit="organization", quorum_kind="majority",
        college_minimums={"citoyen": 1},
    )
    return charter, {"citoyen": college}


def test_rule_sentence_in_french(demo_like_charter):
    charter, colleges = demo_like_charter
    with translation.override("fr-ca"):
        sentence = rule_sentence(charter, colleges)
    assert plain(sentence) == (
        "Décisions : consensus; à défaut, vote aux deux tiers des membres votants présents; une voix par "
        "organisme; quorum : 50 % + 1 des membres votants, dont au moins une citoyenne ou un citoyen."
    )
    assert "\u00a0:" in sentence  # a non-breaking space before the colon, as French typography wants


def test_rule_sentence_in_english(demo_like_charter):
    charter, colleges = demo_like_charter
    with translation.override("en"):
        sentence = rule_sentence(charter, colleges)
    assert plain(sentence) == (
        "Decisions: consensus; failing that, a two-thirds vote of voting members present; one vote per "
        "organization; quorum: 50% + 1 of voting members, including at least one citizen."
    )


def test_rule_sentence_variants():
    space = SpaceFactory()
    charter = Charter(space=space, version=1, method="consent", fallback_method="", voting_unit="person",
                      quorum_kind="count", quorum_count=5, threshold="simple", base="cast")
    with translation.override("fr-ca"):
        assert plain(rule_sentence(charter)) == (
            "Décisions : consentement; une voix par personne; quorum : 5 membres votants."
        )
    with translation.override("fr-ca"):
        assert "pas encore de charte" in rule_sentence(None)
