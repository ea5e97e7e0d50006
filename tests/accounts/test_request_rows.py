"""The rows read on every request (the session, its person) come from a statement compiled once
(core/one_row.py): the same instances as the ORM's ``get``, the same answers when missing or
expired, and every check of Django's authentication still made on them."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from concertation.accounts.sessions import SessionStore
from concertation.core.one_row import get_one

from ..factories import TerritoryFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def fields_of(instance):
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def test_a_person_by_key_is_the_orm_s_instance_field_for_field():
    person = UserFactory(display_name="Anne", is_staff=True, shown_publicly=True)
    person.last_login = timezone.now()
    person.save()
    ours = User.objects.get(pk=person.pk)
    orms = User.objects.filter(pk=person.pk).get()
    assert type(ours) is User and fields_of(ours) == fields_of(orms)
    assert ours.last_login.tzinfo is not None and ours.is_staff is True and ours._state.adding is False
    assert ours._state.db == "default"


def test_a_missing_person_raises_does_not_exist_and_a_bad_key_the_orm_s_error():
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=987654)
    with pytest.raises(ValueError):
        User.objects.get(pk="abc")
    person = UserFactory(email="x@example.org")
    assert User.objects.get(email="x@example.org") == person  # any other get: the ORM as usual


def test_the_statement_is_the_orm_s_get_one_query():
    person = UserFactory()
    with CaptureQueriesContext(connection) as ours:
        User.objects.get(pk=person.pk)
    with CaptureQueriesContext(connection) as orms:
        User.objects.filter(pk=person.pk).get()
    assert [q["sql"] for q in ours] == [q["sql"] for q in orms]


def test_a_session_row_is_read_while_valid_and_not_once_expired():
    store = SessionStore()
    store["answer"] = 42
    store.save()
    key = store.session_key
    now = timezone.now()
    assert get_one(Session, "default", session_key=key, expire_date__gt=now) == Session.objects.get(
        session_key=key, expire_date__gt=now)
    assert SessionStore(key).load() == {"answer": 42}
    Session.objects.filter(session_key=key).update(expire_date=now - timedelta(seconds=1))
    reread = SessionStore(key)
    assert reread.load() == {} and reread.session_key is None
    assert SessionStore("nosuchkeynosuchkeynosuchkey12345").load() == {}


def test_signed_in_pages_still_check_the_session_and_the_person(client):
    person = UserFactory()
    client.force_login(person)
    assert client.get("/_floor/").context["user"] == person
    # A new password ends the other sessions (the session's hash no longer matches).
    person.set_password("un-autre-mot-de-passe-99")
    person.save()
    assert not client.get("/_floor/").context["user"].is_authenticated
    client.force_login(person)
    User.objects.filter(pk=person.pk).update(is_active=False)
    assert not client.get("/_floor/").context["user"].is_authenticated
    User.objects.filter(pk=person.pk).update(is_active=True)
    client.force_login(person)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert not client.get("/_floor/").context["user"].is_authenticated


def test_a_related_manager_s_get_keeps_its_relation_s_filter(monkeypatch):
    """``territory.coordinators`` is a subclass of UserManager made by Django: its ``get(pk=…)`` must
    not take the plain statement, which would find anyone (a coordinator check answered yes)."""
    from concertation.core import one_row

    calls = []
    real = one_row.get_one
    monkeypatch.setattr(one_row, "get_one", lambda *a, **k: calls.append(k) or real(*a, **k))
    person, other = UserFactory(), UserFactory()
    territory = TerritoryFactory()
    territory.coordinators.add(person)
    assert territory.coordinators.get(pk=person.pk) == person
    with pytest.raises(User.DoesNotExist):
        territory.coordinators.get(pk=other.pk)
    assert calls == []
    assert User.objects.get(pk=other.pk) == other
    assert calls == [{"pk": other.pk}]
