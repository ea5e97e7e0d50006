"""The notification centre: the person's own, newest first by day, mark one or all as read with
htmx and without JavaScript; the unread count in the header; bounded queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from concertation.notifications.api import Group, notify
from concertation.notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
CENTRE = "/moi/notifications/"


def tell(person, title, **kwargs):
    notify("tests.happened", recipients=[person], context={"title": title}, link=f"/x/{title}/", **kwargs)


def test_anonymous_is_asked_to_sign_in(client):
    response = client.get(CENTRE)
    assert response.status_code == 302 and "/compte/login/" in response["Location"]


def test_lists_only_ones_own_newest_first_with_links(client):
    me, other = UserFactory(), UserFactory()
    tell(me, "ancien", group=Group("space:1", "Comité", "/t/x/"))
    tell(me, "récent")
    tell(other, "secret")
    Notification.objects.filter(context__title="ancien").update(created_at=timezone.now() - timedelta(days=3))
    client.force_login(me)
    page = client.get(CENTRE).content.decode()
    assert "secret" not in page
    assert page.index("récent") < page.index("ancien")
    assert 'href="/x/récent/"' in page and "Comité" in page
    assert page.count('class="notification-day"') == 2


def test_header_shows_the_unread_count(client):
    me = UserFactory()
    tell(me, "a")
    tell(me, "b")
    client.force_login(me)
    page = client.get("/").content.decode()
    assert 'class="badge badge-count">2<' in page


def test_mark_one_read_without_javascript(client):
    me, other = UserFactory(), UserFactory()
    tell(me, "a")
    tell(other, "b")
    mine, theirs = Notification.objects.get(recipient=me), Notification.objects.get(recipient=other)
    client.force_login(me)
    response = client.post(f"{CENTRE}{mine.pk}/lu/")
    assert response.status_code == 302 and response["Location"] == CENTRE
    client.post(f"{CENTRE}{theirs.pk}/lu/")  # someone else's: nothing happens
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None


def test_mark_read_with_htmx_returns_the_list(client):
    me = UserFactory()
    tell(me, "a")
    notification = Notification.objects.get()
    client.force_login(me)
    response = client.post(f"{CENTRE}{notification.pk}/lu/", HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert response.status_code == 200 and 'id="notification-list"' in content and "<html" not in content
    assert "notification-unread" not in content
    assert '<span id="unread-count" hx-swap-oob="true">' in content  # the header's count, updated


def test_mark_all_read(client):
    me, other = UserFactory(), UserFactory()
    tell(me, "a")
    tell(me, "b")
    tell(other, "c")
    client.force_login(me)
    client.post(f"{CENTRE}tout-lu/")
    assert Notification.objects.filter(recipient=me, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 1


def test_get_never_marks_read(client):
    me = UserFactory()
    tell(me, "a")
    client.force_login(me)
    assert client.get(f"{CENTRE}tout-lu/").status_code == 405
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_a_deleted_object_shows_deleted(client):
    me, owner = UserFactory(), UserFactory()
    notify("tests.happened", recipients=[me], context={"title": "x", "owner": owner})
    owner.delete()
    client.force_login(me)
    assert "(supprimé)" in client.get(CENTRE).content.decode()


def test_empty_centre_explains_itself(client):
    client.force_login(UserFactory())
    assert "Aucune notification" in client.get(CENTRE).content.decode()


@pytest.mark.parametrize("count", [3, 60])
def test_bounded_queries(client, django_assert_max_num_queries, count):
    me = UserFactory()
    owners = [UserFactory() for _ in range(3)]
    for i in range(count):
        notify("tests.happened", recipients=[me], context={"title": f"n{i}", "owner": owners[i % 3]},
               group=Group(f"space:{i % 4}", f"Espace {i % 4}"))
    client.force_login(me)
    with django_assert_max_num_queries(10):
        response = client.get(CENTRE)
    assert response.status_code == 200
    if count == 60:
        assert "?page=2" in response.content.decode()


def test_an_event_without_its_line_shows_its_label(client):
    from concertation.notifications.api import register_event

    register_event("tests.lineless", category="minutes", label="Sans ligne", template="tests_notifications/none")
    me = UserFactory()
    notify("tests.lineless", recipients=[me], context={})
    client.force_login(me)
    assert "Sans ligne" in client.get(CENTRE).content.decode()


def test_the_headers_count_stops_at_99_and_its_query_is_bounded(client):
    """A person who rarely signs in and has piled up notifications: every page's header counts no
    further than « 99+ » (a COUNT over at most 100 rows), the centre says how many exactly."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    me = UserFactory()
    Notification.objects.bulk_create([Notification(recipient=me, event="tests.happened", category="proposals",
                                                   context={"title": str(n)}) for n in range(120)])
    client.force_login(me)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/").content.decode()
    assert 'class="badge badge-count">99+<' in page
    (count,) = [q["sql"] for q in queries if "notifications_notification" in q["sql"] and "COUNT" in q["sql"]]
    assert "LIMIT 100" in count
    assert "120 notifications non lues" in client.get(CENTRE).content.decode()


@pytest.mark.parametrize("page", ["9" * 40, "-3", "abc", "1e9"])
def test_any_page_number_answers_a_page_not_an_error(client, page):
    me = UserFactory()
    tell(me, "a")
    client.force_login(me)
    assert client.get(f"{CENTRE}?page={page}").status_code == 200


def test_marking_one_read_on_a_later_page_stays_on_that_page(client):
    me = UserFactory()
    for n in range(60):
        tell(me, f"n{n:02d}")
    oldest = Notification.objects.get(context__title="n00")
    client.force_login(me)
    page = client.get(f"{CENTRE}?page=2").content.decode()
    assert f'hx-post="{CENTRE}{oldest.pk}/lu/?page=2"' in page
    fragment = client.post(f"{CENTRE}{oldest.pk}/lu/?page=2", headers={"HX-Request": "true"}).content.decode()
    assert "n00" in fragment and "n59" not in fragment  # page 2, not page 1
    response = client.post(f"{CENTRE}{oldest.pk}/lu/?page=2")
    assert response["Location"] == f"{CENTRE}?page=2"
