"""The signed one-click unsubscribe link: a GET changes nothing, a POST (the button, or the mail
client's RFC 8058 one click) turns only its category to « never »; a forged token is refused."""

import json

import pytest
from django.core import signing

from concertation.notifications import registry
from concertation.notifications.models import Preference
from concertation.notifications.preferences import choices_of
from concertation.notifications.services import preference_set
from concertation.notifications.unsubscribe import SALT, make_token, read_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def url(token):
    return f"/moi/notifications/desabonnement/{token}/"


def deliveries(person):
    return {cat.key: choice for cat, choice in choices_of(person)}


def test_get_shows_a_button_and_changes_nothing(client):
    person = UserFactory()
    response = client.get(url(make_token(person, "minutes")))
    assert response.status_code == 200
    assert b"<form method=\"post\"" in response.content
    assert Preference.objects.count() == 0


def test_one_click_post_without_sign_in_changes_only_its_category(client):
    person = UserFactory()
    preference_set(person=person, category="plan", delivery=registry.DAILY)
    before = deliveries(person)
    response = client.post(url(make_token(person, "minutes")), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    after = deliveries(person)
    assert after["minutes"] == registry.NEVER
    assert {k: v for k, v in after.items() if k != "minutes"} == {k: v for k, v in before.items() if k != "minutes"}


def test_the_post_needs_no_csrf_token(client):
    from django.test import Client

    person = UserFactory()
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(url(make_token(person, "proposals")), {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert deliveries(person)["proposals"] == registry.NEVER


@pytest.mark.parametrize("forge", [
    lambda p: make_token(p, "minutes")[:-2] + "xx",  # tampered signature
    lambda p: signing.dumps([p.pk, "minutes"], salt="another.salt"),  # another salt
    lambda p: signing.dumps([p.pk + 1, "minutes"], salt=SALT)[:-1] + "A",
    lambda p: make_token(p, "account"),  # not optional
    lambda p: make_token(p, "invitations"),
    lambda p: signing.dumps(["x", "minutes"], salt=SALT),
    lambda p: "garbage",
])
def test_a_forged_token_is_refused_and_changes_nothing(client, forge):
    person = UserFactory()
    token = forge(person)
    for method in (client.get, client.post):
        response = method(url(token))
        assert response.status_code == 400
        assert "non valide" in response.content.decode()
    assert Preference.objects.count() == 0


def test_another_persons_category_cannot_be_reached_by_editing_the_token():
    person = UserFactory()
    token = make_token(person, "minutes")
    payload, stamp, signature = token.split(":")
    assert read_token(token) == (person.pk, "minutes")
    for other in ([person.pk, "plan"], [person.pk + 1, "minutes"]):
        forged = signing.b64_encode(json.dumps(other, separators=(",", ":")).encode()).decode()
        assert read_token(f"{forged}:{stamp}:{signature}") is None


def test_a_digests_link_turns_off_what_that_digest_held(client):
    person = UserFactory()
    preference_set(person=person, category="proposals", delivery=registry.WEEKLY)
    client.post(url(make_token(person, "digest:weekly")))
    after = deliveries(person)
    assert after["proposals"] == after["minutes"] == after["plan"] == registry.NEVER
    assert after["notices"] == registry.IMMEDIATE  # not in the weekly digest: unchanged


def test_an_inactive_account_is_refused(client):
    person = UserFactory(is_active=False)
    assert client.post(url(make_token(person, "minutes"))).status_code == 400


@pytest.mark.parametrize("category", ["account", "invitations", "nonsense", "digest:monthly"])
def test_a_signed_link_for_what_cannot_be_turned_off_is_refused(client, category):
    person = UserFactory()
    token = signing.dumps([person.pk, category], salt=SALT, compress=False)
    assert client.get(url(token)).status_code == 400
    assert client.post(url(token)).status_code == 400
    assert Preference.objects.count() == 0


def test_the_pages_never_show_whose_link_it_is(client):
    person = UserFactory(email="personne.secrete@example.org", display_name="Nom Secret")
    token = make_token(person, "minutes")
    for response in (client.get(url(token)), client.head(url(token)), client.post(url(token))):
        assert response.status_code == 200
        assert b"personne.secrete" not in response.content and b"Nom Secret" not in response.content
    assert deliveries(person)["minutes"] == registry.NEVER


def test_a_link_of_one_signing_purpose_does_not_unsubscribe(client):
    """A value signed for something else with the same key (another salt) is not a link."""
    person = UserFactory()
    other = signing.dumps([person.pk, "minutes"], compress=False)  # default salt
    assert client.post(url(other)).status_code == 400
    assert Preference.objects.count() == 0
