"""Preferences per person and category: the defaults of issue 16, each choice respected."""

import pytest
from django.core import mail

from concertation.notifications import digests, registry
from concertation.notifications.api import notify
from concertation.notifications.delivery import deliver
from concertation.notifications.models import Notification, Preference
from concertation.notifications.preferences import choices_of, delivery_for
from concertation.notifications.services import preference_set
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_sensible_defaults():
    person = UserFactory()
    defaults = {cat.key: choice for cat, choice in choices_of(person)}
    assert defaults["notices"] == defaults["proposals"] == defaults["mentions"] == registry.IMMEDIATE
    for key in ("minutes", "followups", "roles", "plan", "documents"):
        assert defaults[key] == registry.WEEKLY
    assert "account" not in defaults and "invitations" not in defaults  # not optional
    assert delivery_for(person, "account") == registry.IMMEDIATE


@pytest.mark.parametrize("choice, at_once, daily, weekly", [
    ("immediate", 1, 0, 0), ("daily", 0, 1, 0), ("weekly", 0, 0, 1), ("never", 0, 0, 0)])
def test_each_choice_is_respected(choice, at_once, daily, weekly):
    person = UserFactory()
    preference_set(person=person, category="proposals", delivery=choice)
    notify("tests.happened", recipients=[person], context={"title": "x"})
    deliver(Notification.objects.values_list("pk", flat=True))
    assert len(mail.outbox) == at_once
    assert digests.run_digest(registry.DAILY) == daily
    assert digests.run_digest(registry.WEEKLY) == weekly
    assert Notification.objects.count() == 1  # the centre keeps it whatever the choice


def test_not_optional_categories_cannot_be_turned_off():
    with pytest.raises(ValueError):
        preference_set(person=UserFactory(), category="account", delivery="never")


def test_the_page_saves_every_category(client):
    person = UserFactory()
    client.force_login(person)
    response = client.get("/moi/notifications/preferences/")
    assert response.status_code == 200
    page = response.content.decode()
    for cat in registry.optional_categories():
        assert f'name="{cat.key}"' in page
    data = {cat.key: registry.WEEKLY for cat in registry.optional_categories()}
    data["notices"] = registry.NEVER
    response = client.post("/moi/notifications/preferences/", data)
    assert response.status_code == 302
    assert dict(Preference.objects.filter(person=person).values_list("category", "delivery"))["notices"] == "never"


def test_the_page_refuses_an_unknown_choice_and_keeps_what_was_typed(client):
    person = UserFactory()
    client.force_login(person)
    data = {cat.key: registry.WEEKLY for cat in registry.optional_categories()}
    data["notices"] = "hourly"
    response = client.post("/moi/notifications/preferences/", data)
    assert response.status_code == 200
    assert Preference.objects.count() == 0


def test_the_page_in_english(client):
    person = UserFactory(preferred_language="en")
    client.force_login(person)
    page = client.get("/moi/notifications/preferences/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in page
