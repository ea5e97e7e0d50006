"""The registry: the product's categories with their defaults; the apps' events name a known
category; the notifications app names no app above it (tests/core/test_layering.py)."""

import pytest
from django.utils import timezone

from concertation.notifications import registry
from concertation.notifications.api import notify, register_category, register_event
from concertation.notifications.models import DigestDelivery, Notification, Preference
from concertation.notifications.services import preference_set
from tests.factories import UserFactory


def test_the_products_categories_and_their_defaults():
    defaults = {c.key: (c.default, c.optional) for c in registry.categories()}
    for key in ("notices", "proposals", "mentions", "announcements"):
        assert defaults[key] == (registry.IMMEDIATE, True)
    for key in ("minutes", "followups", "roles", "plan", "documents"):
        assert defaults[key] == (registry.WEEKLY, True)
    assert defaults["invitations"] == defaults["account"] == (registry.IMMEDIATE, False)


def test_an_event_needs_a_known_category():
    with pytest.raises(ValueError):
        register_event("tests.orphan", category="nothing", label="x", template="x")


def test_a_category_needs_a_known_delivery():
    with pytest.raises(ValueError):
        register_category("tests.bad", label="x", default="hourly")


def test_an_unknown_event_is_a_lookup_error():
    with pytest.raises(LookupError):
        registry.event("tests.never_registered")


def test_the_notifications_app_registers_no_event_itself():
    """Events come from the apps' apps.py; the ones here are the tests' pretend app."""
    assert all(e.key.startswith("tests.") or not e.template.startswith("notifications/") for e in registry.events())


@pytest.mark.django_db
def test_erasing_an_account_erases_its_inbox_and_preferences():
    from concertation.accounts.services import user_erase

    person, other = UserFactory(), UserFactory()
    notify("tests.happened", recipients=[person, other], context={"title": "x"}, actor=person)
    preference_set(person=person, category="minutes", delivery="never")
    DigestDelivery.objects.create(person=person, period="weekly", period_key="2026-W50", until=timezone.now())
    user_erase(user=person, by=person)
    assert not Notification.objects.filter(recipient=person).exists()
    assert not Preference.objects.filter(person=person).exists()
    assert DigestDelivery.objects.filter(person=person).count() == 1  # dates and a count: nothing of the person
    assert Notification.objects.filter(recipient=other, actor=person).exists()  # the others' stay


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["delivery", "digestdelivery", "digestrun"])
def test_operators_see_the_deliveries_read_only(client, model):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert client.get(f"/admin/notifications/{model}/").status_code == 200
    assert client.get(f"/admin/notifications/{model}/add/").status_code == 403
