"""Announcements (issue 16, item 6): a coordinator sends a short bulletin to a space, or a
territory's coordinator to the whole territory; kept and listed on the space's page, newest first;
hostile text stays text in the page and in the e-mail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from concertation.core.errors import DomainError
from concertation.core.models import AuditEvent
from concertation.notifications.delivery import deliver
from concertation.notifications.models import Notification
from concertation.spaces.announcements import RECENT, announcement_send
from concertation.spaces.models import Announcement, Role
from tests.factories import RoleAssignmentFactory, RoleFactory, UserFactory
from tests.security.payloads import XSS
from tests.security.test_hostile_input import ALL_PAYLOADS, dangerous_markup

pytestmark = pytest.mark.django_db


@pytest.fixture
def space_coordinator(world):
    person = UserFactory(email="coordination@example.org", display_name="Coordination de l'assemblée")
    RoleAssignmentFactory(role=RoleFactory(space=world.assembly, name="Coordination", kind=Role.Kind.COORDINATION),
                          person=person)
    return person


def page(space) -> str:
    return reverse("spaces:space", kwargs={"territory": space.territory.slug, "space": space.slug})


def list_page(space) -> str:
    return reverse("spaces:announcements", kwargs={"territory": space.territory.slug, "space": space.slug})


def post(client, space, **data):
    return client.post(list_page(space), {f"annonce-{name}": value for name, value in data.items()})


def test_a_space_coordinator_publishes_from_the_space_page(world, client, space_coordinator):
    client.force_login(space_coordinator)
    html = client.get(page(world.assembly)).content.decode()
    assert "Publier une annonce" in html and 'name="annonce-title"' in html
    assert 'name="annonce-whole_territory"' not in html  # the territory is not theirs
    response = post(client, world.assembly, title="Assemblée générale", body="Le **12 juin**.")
    assert response.status_code == 302 and response["Location"] == list_page(world.assembly)
    announcement = Announcement.objects.get()
    assert (announcement.scope, announcement.author, announcement.title) == ("space", space_coordinator,
                                                                              "Assemblée générale")
    assert AuditEvent.objects.filter(action="announcement.sent", actor=space_coordinator).count() == 1
    html = client.get(page(world.assembly)).content.decode()
    assert "Assemblée générale" in html and "<strong>12 juin</strong>" in html


def test_members_read_them_but_do_not_see_the_form_and_cannot_post(world, client):
    announcement_send(space=world.assembly, by=world.coordinator, title="Bienvenue", body="Bonjour à toutes et à tous.")
    client.force_login(world.delegate)
    html = client.get(page(world.assembly)).content.decode()
    assert "Bienvenue" in html and 'name="annonce-title"' not in html
    assert post(client, world.assembly, title="Forgée", body="Non.").status_code == 404
    assert Announcement.objects.count() == 1


def test_only_the_territorys_coordination_writes_to_the_whole_territory(world, client, space_coordinator):
    with pytest.raises(DomainError):
        announcement_send(space=world.assembly, by=space_coordinator, title="À tous", body="Texte.",
                          whole_territory=True)
    # The box is not offered to them; ticking it anyway changes nothing: the space only.
    client.force_login(space_coordinator)
    post(client, world.assembly, title="À tous", body="Texte.", whole_territory="on")
    assert Announcement.objects.get().scope == "space"
    client.force_login(world.coordinator)
    assert 'name="annonce-whole_territory"' in client.get(page(world.assembly)).content.decode()
    post(client, world.assembly, title="Au territoire", body="Texte.", whole_territory="on")
    assert Announcement.objects.get(title="Au territoire").scope == "territory"


def test_a_whole_territory_announcement_is_not_posted_in_a_members_only_space(world):
    with pytest.raises(DomainError) as refused:
        announcement_send(space=world.committee, by=world.coordinator, title="À tous", body="Texte.",
                          whole_territory=True)
    assert refused.value.field == "whole_territory"
    assert not Announcement.objects.exists() and not Notification.objects.exists()


def test_an_empty_or_overlong_announcement_is_refused_next_to_its_field(world, client, space_coordinator):
    client.force_login(space_coordinator)
    response = post(client, world.assembly, title="   ", body="")
    assert response.status_code == 400
    assert response.context["form"].errors.keys() >= {"title", "body"}
    response = post(client, world.assembly, title="T" * 151, body="Texte gardé")
    assert "title" in response.context["form"].errors and "Texte gardé" in response.content.decode()
    assert not Announcement.objects.exists()


def test_the_space_page_shows_the_newest_few_and_the_list_shows_them_all(world, client):
    now = timezone.now()
    for n in range(RECENT + 2):
        announcement_send(space=world.assembly, by=world.coordinator, title=f"Annonce numéro {n}", body="Texte.",
                          now=now - timedelta(days=10 - n))
    client.force_login(world.citizen)
    html = client.get(page(world.assembly)).content.decode()
    newest = f"Annonce numéro {RECENT + 1}"
    assert newest in html and "Annonce numéro 0" not in html
    assert html.index(newest) < html.index(f"Annonce numéro {RECENT}")
    assert "Voir toutes les annonces" in html
    listing = client.get(list_page(world.assembly)).content.decode()
    assert all(f"Annonce numéro {n}" in listing for n in range(RECENT + 2))


def test_an_announcement_is_delivered_by_each_persons_preference(world, space_coordinator,
                                                                  django_capture_on_commit_callbacks, settings):
    from concertation.notifications.services import preference_set

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "QUEUES": ["default", "email"]}}
    preference_set(person=world.delegate, category="announcements", delivery="weekly")
    with django_capture_on_commit_callbacks(execute=True):
        announcement_send(space=world.assembly, by=space_coordinator, title="Assemblée", body="Texte.")
    # Everyone of the space is told; the delegate chose the weekly digest, so no e-mail now.
    assert Notification.objects.filter(event="spaces.announcement", recipient=world.delegate).exists()
    assert sorted(message.to[0] for message in mail.outbox) == ["citoyenne@example.org", "observateur@example.org"]


def test_hostile_title_and_body_stay_text_in_the_page_and_the_email(world, client, space_coordinator):
    title = (XSS["script"] + XSS["attr_double"])[:150]
    announcement_send(space=world.assembly, by=space_coordinator, title=title, body=ALL_PAYLOADS[:5000])
    client.force_login(world.citizen)
    for url in (page(world.assembly), list_page(world.assembly)):
        html = client.get(url).content.decode()
        assert "window.__xss++" in html  # the text is there…
        assert [found for found in dangerous_markup(html) if "__xss" in found] == []  # …but as text
    centre = client.get(reverse("notifications:centre")).content.decode()  # the one-line summary
    assert "window.__xss++" in centre and [found for found in dangerous_markup(centre) if "__xss" in found] == []
    deliver(Notification.objects.filter(event="spaces.announcement").values_list("pk", flat=True))
    assert mail.outbox
    for message in mail.outbox:
        assert "\n" not in message.subject
        assert dangerous_markup(message.alternatives[0][0]) == []


@pytest.mark.parametrize("count", [3, 40])
def test_the_pages_have_a_bounded_query_count(world, client, count, django_assert_max_num_queries):
    Announcement.objects.bulk_create([
        Announcement(space=world.assembly, title=f"Annonce {n}", body="Texte **gras**.", author=world.coordinator)
        for n in range(count)
    ])
    client.force_login(world.citizen)
    with django_assert_max_num_queries(30):
        assert client.get(page(world.assembly)).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(list_page(world.assembly)).status_code == 200


def test_a_space_publishes_a_few_announcements_a_day_and_the_next_is_refused_without_a_sound(world, client):
    """A coordinator who sends 100 announcements: 5 in 24 hours leave, the rest are refused and tell
    no one (each would be an e-mail to every member); the next day, one may be sent again."""
    from concertation.spaces.announcements import PER_SPACE_PER_DAY

    now = timezone.now()
    for n in range(PER_SPACE_PER_DAY):
        announcement_send(space=world.assembly, by=world.coordinator, title=f"Nouvelle {n}", body="Texte.", now=now)
    told = Notification.objects.count()
    with pytest.raises(DomainError) as refused:
        announcement_send(space=world.assembly, by=world.coordinator, title="Une de trop", body="Texte.", now=now)
    assert refused.value.code == "rate_limited"
    assert Notification.objects.count() == told and not Announcement.objects.filter(title="Une de trop").exists()
    client.force_login(world.coordinator)
    response = post(client, world.assembly, title="Encore une", body="Texte.")
    assert response.status_code == 400 and not Announcement.objects.filter(title="Encore une").exists()
    announcement_send(space=world.group, by=world.coordinator, title="Autre espace", body="Texte.", now=now)
    announcement_send(space=world.assembly, by=world.coordinator, title="Le lendemain", body="Texte.",
                      now=now + timedelta(hours=25))


def test_a_territory_receives_few_territory_wide_announcements_a_day(world):
    from concertation.spaces.announcements import TERRITORY_WIDE_PER_DAY

    now = timezone.now()
    spaces = [world.assembly, world.group]
    for n in range(TERRITORY_WIDE_PER_DAY):
        announcement_send(space=spaces[n % 2], by=world.coordinator, title=f"À tous {n}", body="Texte.",
                          whole_territory=True, now=now)
    with pytest.raises(DomainError) as refused:
        announcement_send(space=world.group, by=world.coordinator, title="À tous encore", body="Texte.",
                          whole_territory=True, now=now)
    assert refused.value.field == "whole_territory"
    # to the space's own members it still goes
    announcement_send(space=world.group, by=world.coordinator, title="Aux membres", body="Texte.", now=now)
