"""The demo territory has its references (repères), and the instance's, as bibliographic entries; a
reset does not duplicate the instance's."""

import pytest
from django.urls import reverse

from concertation.demo.loader import ACCOUNT_EMAILS, TERRITORY_SLUG, load_demo
from concertation.knowledge.models import Reference, ReferenceGroup

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_demo_territory_has_references_in_the_four_groups(client):
    load_demo()
    own = Reference.objects.filter(territory__slug=TERRITORY_SLUG)
    instance = Reference.objects.filter(territory__isnull=True)
    assert 6 <= own.count() + instance.count() <= 10
    assert own.exists() and instance.exists()
    groups = set(own.values_list("group", flat=True)) | set(instance.values_list("group", flat=True))
    assert groups == set(ReferenceGroup.values)
    for reference in Reference.objects.all():
        assert reference.authors and reference.title and reference.url.startswith("https://")
        reference.full_clean()

    body = client.get(reverse("references:list", kwargs={"territory": TERRITORY_SLUG})).content.decode()
    assert "Bourque, D. (2008). <cite>Concertation et partenariat\u00a0: entre levier et piège du développement des " \
           "communautés</cite>. Presses de l&#x27;Université du Québec." in body
    assert "Commun à tous les territoires" in body and "Choisi par le territoire" in body


def test_a_reset_does_not_duplicate_the_instances_references():
    load_demo()
    count = Reference.objects.count()
    load_demo(reset=True)
    assert Reference.objects.count() == count


def test_the_coordinator_reaches_the_references_from_the_territory_page(client):
    from django.contrib.auth import get_user_model

    load_demo()
    client.force_login(get_user_model().objects.get(email=ACCOUNT_EMAILS["coordinator"]))
    page = client.get(reverse("spaces:territory", kwargs={"territory": TERRITORY_SLUG})).content.decode()
    references = reverse("references:list", kwargs={"territory": TERRITORY_SLUG})
    assert references in page
    assert reverse("references:add", kwargs={"territory": TERRITORY_SLUG}) in client.get(references).content.decode()
