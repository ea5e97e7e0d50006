"""What a notification shows is checked again when it is shown or sent: a person removed from a
members-only space, or a document whose visibility was narrowed since, no longer reads its title,
its space or its text in the centre, a digest or an e-mail (the events' ``visible`` hook)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from concertation.notifications import registry
from concertation.notifications.delivery import deliver
from concertation.notifications.digests import run_digest
from concertation.notifications.models import Delivery, Notification, Preference
from concertation.spaces.announcements import announcement_send
from concertation.spaces.models import Membership, Role, Space
from tests.factories import (
    MembershipFactory,
    RoleAssignmentFactory,
    RoleFactory,
    SpaceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
CENTRE = "/moi/notifications/"
SECRET = "Fermeture secrète du local"


@pytest.fixture
def private_space():
    space = SpaceFactory(visibility=Space.Visibility.MEMBERS, name="Cellule discrète")
    coordinator = UserFactory()
    RoleAssignmentFactory(role=RoleFactory(space=space, kind=Role.Kind.COORDINATION), person=coordinator)
    member = UserFactory(email="membre@example.org")
    MembershipFactory(space=space, organization=None, person=member)
    return space, coordinator, member


def announce(space, coordinator, title=SECRET, now=None):
    return announcement_send(space=space, by=coordinator, title=title, body="Détails réservés aux membres.", now=now)


def remove(space, member):
    Membership.objects.filter(space=space, person=member).delete()


def test_the_centre_hides_what_a_removed_member_may_no_longer_see(client, private_space):
    space, coordinator, member = private_space
    announce(space, coordinator)
    client.force_login(member)
    assert SECRET in client.get(CENTRE).content.decode()  # while a member
    remove(space, member)
    page = client.get(CENTRE).content.decode()
    assert SECRET not in page and "Cellule discrète" not in page and "/annonces/" not in page
    assert Notification.objects.filter(recipient=member).count() == 1  # kept, only not shown


def test_no_email_leaves_for_a_person_removed_before_the_worker_came(private_space):
    space, coordinator, member = private_space
    announce(space, coordinator)
    remove(space, member)
    mail.outbox.clear()
    assert deliver(Notification.objects.values_list("pk", flat=True)) == 0
    assert mail.outbox == []
    assert Delivery.objects.get(notification__recipient=member).sent_at is None


def test_a_digest_leaves_out_what_its_reader_may_no_longer_see(private_space):
    space, coordinator, member = private_space
    Preference.objects.create(person=member, category="announcements", delivery=registry.WEEKLY)
    announce(space, coordinator)
    announce(space, coordinator, title="Deuxième annonce")
    remove(space, member)
    mail.outbox.clear()
    run_digest(registry.WEEKLY, timezone.now() + timedelta(minutes=1))
    assert not any(SECRET in m.body or "Deuxième" in m.body for m in mail.outbox)
    assert not any(m.to == [member.email] for m in mail.outbox)


def test_a_space_made_members_only_hides_its_news_from_the_territory(client):
    space = SpaceFactory(visibility=Space.Visibility.TERRITORY, name="Table ouverte")
    coordinator, neighbour = UserFactory(), UserFactory()
    RoleAssignmentFactory(role=RoleFactory(space=space, kind=Role.Kind.COORDINATION), person=coordinator)
    MembershipFactory(space=SpaceFactory(territory=space.territory), organization=None, person=neighbour)
    space.territory.coordinators.add(coordinator)
    announcement_send(space=space, by=coordinator, title=SECRET, body="x", whole_territory=True)
    client.force_login(neighbour)
    assert SECRET in client.get(CENTRE).content.decode()
    Space.objects.filter(pk=space.pk).update(visibility=Space.Visibility.MEMBERS)
    assert SECRET not in client.get(CENTRE).content.decode()


def test_a_centre_of_hidden_and_shown_notifications_costs_the_same_few_queries(client, private_space,
                                                                             django_assert_max_num_queries):
    space, coordinator, member = private_space
    for number in range(60):
        announce(space, coordinator, title=f"Annonce {number}", now=timezone.now() - timedelta(days=60 - number))
    client.force_login(member)
    with django_assert_max_num_queries(16):
        client.get(CENTRE)
    remove(space, member)
    with django_assert_max_num_queries(16):
        page = client.get(CENTRE).content.decode()
    assert "Annonce 59" not in page


def test_a_meetings_news_follows_who_may_see_the_meeting(private_space):
    """The hook of the meetings' events: members see a convened meeting, not a draft; whoever runs
    the meeting is told even without a seat in the space (the notice's recipients); a removed
    member sees nothing."""
    from concertation.meetings.events import meeting_visible
    from concertation.spaces.access import forget_access
    from tests.factories import MeetingFactory

    space, coordinator, member = private_space
    runner = UserFactory()
    meeting = MeetingFactory(space=space, status="convened", facilitator=runner)
    context = {"meeting": meeting, "space": space}
    assert meeting_visible(member, context) and meeting_visible(runner, context)
    meeting.status = "draft"
    assert not meeting_visible(member, context) and meeting_visible(coordinator, context)
    meeting.status = "convened"
    remove(space, member)
    forget_access(member)
    assert not meeting_visible(member, context)
