"""Kept pages (core/page_cache.py) are served only while nothing they show can have changed."""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext

from concertation.core import data_version
from concertation.core.page_cache import HEADER
from concertation.spaces.models import Space
from tests.factories import OrganizationFactory

T = "/t/pointe-test"
SPACE = f"{T}/e/assemblee/"


def visit(client, path=SPACE, **headers):
    """GET the page the way a browser does: the CSRF cookie from an earlier page is sent back."""
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    return response


@pytest.fixture
def reader(client, world):
    client.force_login(world.delegate)
    client.get("/")  # the browser gets its CSRF cookie, as after any first page
    return client


def same_page(body: bytes) -> str:
    """The page without what is each request's own: the CSP nonce and the masked CSRF tokens."""
    text = re.sub(r'nonce="[^"]+"', 'nonce=""', body.decode())
    text = re.sub(r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+"', r'\1"', text)
    return text


def nonce_of(response) -> str:
    return re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)


def test_a_page_read_twice_is_served_from_memory_with_three_queries(reader):
    first = visit(reader)
    assert first[HEADER] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = visit(reader)
    assert second[HEADER] == "hit"
    assert same_page(second.content) == same_page(first.content)
    # The kept page carries this request's nonce, the one its CSP header allows.
    assert f'nonce="{nonce_of(second)}"'.encode() in second.content
    assert nonce_of(second) != nonce_of(first)
    # The session, the person and the data version: nothing of the page itself.
    assert len(queries) == 3, [q["sql"] for q in queries]


@pytest.mark.parametrize("write", ["save", "update", "bulk_create", "delete", "raw_sql", "transaction"])
def test_any_write_makes_the_kept_page_a_miss_and_the_change_shows(reader, world, write):
    visit(reader)
    assert visit(reader)[HEADER] == "hit"
    before = data_version.current()
    if write == "save":
        world.assembly.name = "Assemblée renommée"
        world.assembly.save()
        expected = "Assemblée renommée"
    elif write == "update":
        Space.objects.filter(pk=world.assembly.pk).update(name="Assemblée par update")
        expected = "Assemblée par update"
    elif write == "bulk_create":
        organization = OrganizationFactory.build(territory=world.territory, name="Organisme en vrac")
        type(organization).objects.bulk_create([organization])
        expected = None
    elif write == "delete":
        world.observer_membership.delegations.all().delete()
        expected = None
    elif write == "raw_sql":
        with connection.cursor() as cursor:
            cursor.execute("UPDATE spaces_space SET name = %s WHERE id = %s", ["Assemblée brute", world.assembly.pk])
        expected = "Assemblée brute"
    else:
        with transaction.atomic():
            Space.objects.filter(pk=world.assembly.pk).update(name="Assemblée atomique")
        expected = "Assemblée atomique"
    assert data_version.current() > before
    response = visit(reader)
    assert response[HEADER] == "miss"
    if expected:
        assert expected in response.content.decode()


def test_a_rolled_back_write_keeps_the_version(reader, world):
    before = data_version.current()
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            Space.objects.filter(pk=world.assembly.pk).update(name="Jamais")
            raise RuntimeError
    assert data_version.current() == before
    assert "Jamais" not in visit(reader).content.decode()


def test_reading_the_session_does_not_count_as_a_write(reader):
    before = data_version.current()
    session = reader.session
    session["anything"] = 1
    session.save()
    assert data_version.current() == before


def test_each_person_and_each_language_get_their_own_page(client, world):
    client.force_login(world.delegate)
    client.get("/")
    delegate_page = visit(client)
    client.force_login(world.coordinator)
    client.get("/")
    coordinator_page = visit(client)
    assert coordinator_page[HEADER] == "miss"
    assert same_page(delegate_page.content) != same_page(coordinator_page.content)
    client.logout()
    client.get("/")
    visit(client)
    assert visit(client)[HEADER] == "hit"  # the public assembly, anonymously
    client.cookies["concertation_language"] = "en"
    english = visit(client)
    assert english[HEADER] == "miss"
    assert english["Content-Language"] == "en"


def test_without_a_csrf_cookie_the_page_is_computed_and_not_kept(client, world):
    client.force_login(world.delegate)
    first = visit(client)  # the first page of this browser: it receives its CSRF secret
    assert HEADER not in first
    assert "csrftoken" in first.cookies


def test_htmx_requests_are_computed(reader):
    visit(reader)
    assert visit(reader)[HEADER] == "hit"
    assert HEADER not in visit(reader, HX_Request="true")


def test_a_page_with_a_message_waiting_is_computed_and_shows_it(reader, rf):
    visit(reader)
    assert visit(reader)[HEADER] == "hit"
    # A message left by the previous page (cookie storage, as after a form's redirect).
    request = rf.get(SPACE)
    storage = CookieStorage(request)
    storage.add(constants.SUCCESS, "Message à ne pas perdre")
    carrier = HttpResponse()
    storage.update(carrier)
    reader.cookies["messages"] = carrier.cookies["messages"].value
    page = visit(reader)
    assert HEADER not in page
    assert "Message à ne pas perdre" in page.content.decode()
    assert visit(reader)[HEADER] == "hit"  # shown once; then the kept page again


def test_a_forbidden_page_stays_forbidden(client, world):
    client.force_login(world.outsider)
    client.get("/")
    committee = f"{T}/e/comite/"
    assert client.get(committee).status_code == 404
    assert client.get(committee).status_code == 404


def test_the_version_is_raised_once_per_committed_transaction(transactional_db):
    before = data_version.current()
    with transaction.atomic():
        for n in range(5):
            OrganizationFactory(name=f"Organisme {n}")
    assert data_version.current() == before + 1


def test_pages_kept_serve_the_same_bytes_the_page_would(reader, world):
    kept = visit(reader)
    visit(reader)
    from django.test import override_settings

    with override_settings(PAGE_CACHE_ENABLED=False):
        fresh = visit(reader)
    assert HEADER not in fresh
    assert same_page(kept.content) == same_page(fresh.content)


def test_a_rolled_back_transaction_does_not_raise_the_version(transactional_db):
    before = data_version.current()
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            OrganizationFactory(name="Jamais enregistré")
            raise RuntimeError
    assert data_version.current() == before


def test_the_version_comes_back_after_a_flush(transactional_db):
    from concertation.core.models import DataVersion

    DataVersion.objects.all().delete()
    OrganizationFactory(name="Après le vidage")
    assert data_version.current() >= 1


def test_what_counts_as_a_write():
    assert data_version.is_tracked_write('INSERT INTO "spaces_space" ("name") VALUES (%s)')
    assert data_version.is_tracked_write('  update "decisions_ballot" SET "value" = %s')
    assert data_version.is_tracked_write('DELETE FROM "meetings_attendance" WHERE id = %s')
    assert data_version.is_tracked_write('WITH x AS (SELECT 1) UPDATE "spaces_space" SET name = %s')
    assert not data_version.is_tracked_write('SELECT "spaces_space"."id" FROM "spaces_space"')
    assert not data_version.is_tracked_write('UPDATE "django_session" SET "session_data" = %s')
    assert not data_version.is_tracked_write('UPDATE "django_tasks_database_dbtaskresult" SET "status" = %s')


def test_each_host_gets_its_own_page(reader, settings):
    settings.ALLOWED_HOSTS = ["testserver", "concertation.example.org"]
    visit(reader)
    assert visit(reader)[HEADER] == "hit"
    other = reader.get(SPACE, headers={"host": "concertation.example.org"})
    assert other.status_code == 200
    assert other[HEADER] == "miss"
