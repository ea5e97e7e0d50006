"""Statements written out by hand: their text and converters are worked out once per connection,
and the values read back are the ORM's."""

from datetime import UTC, datetime

from django.db import connection, connections

from concertation.core.written_sql import convert, converters_of, plan
from concertation.decisions.models import Proposal


def test_a_plan_is_built_once_per_connection():
    built = []

    def build(conn):
        built.append(conn)
        return f"plan of {conn.alias}"

    real = connections["default"]
    assert plan(real, "tests.once", build) == plan(real, "tests.once", build) == "plan of default"
    assert built == [real]
    assert plan(real, "tests.other", build) == "plan of default" and len(built) == 2


def test_values_read_back_are_converted_as_the_orm_converts_them(db):
    fields = [Proposal._meta.get_field(name) for name in ("closes_at", "method_settings", "anonymous", "title")]
    moment = datetime(2026, 5, 4, 10, 30, tzinfo=UTC)
    stored = (connection.ops.adapt_datetimefield_value(moment), fields[1].get_db_prep_save({"seats": 2}, connection),
              True, "Budget")
    with connection.cursor() as cursor:  # the database's own types, as a SELECT gives them back
        cursor.execute("SELECT %s, %s, %s, %s", list(stored))
        row = cursor.fetchone()
    closes_at, settings, anonymous, title = convert(row, converters_of(connection, fields), connection)
    assert closes_at == moment and closes_at.tzinfo is not None
    assert settings == {"seats": 2} and anonymous is True and title == "Budget"


def test_a_connection_that_is_let_go_is_freed_with_its_plans(db):
    """Review: the plans, whose converters hold the connection, once kept it (and on SQLite its open
    database) alive after its thread was done with it."""
    import gc
    import weakref

    from django.db.utils import ConnectionHandler

    handler = ConnectionHandler(connections.settings)
    wrapper = handler["default"]
    plan(wrapper, "tests.converters", lambda conn: converters_of(conn, [Proposal._meta.get_field("closes_at")]))
    freed = weakref.ref(wrapper)
    wrapper.close()
    del wrapper, handler
    gc.collect()
    assert freed() is None


def _from_db_and_loader(names, values):
    from concertation.core.written_sql import loader

    return Proposal.from_db("default", names, values), loader(Proposal, "default")(names, values)


def test_an_instance_loaded_directly_is_the_one_from_db_gives():
    names = ["id", "space_id", "title", "method_settings", "decided_at"]
    values = [7, 3, "Budget", {"seats": 2}, datetime(2026, 5, 4, 10, 30, tzinfo=UTC)]
    orm, direct = _from_db_and_loader(names, values)
    assert type(direct) is Proposal and direct.pk == orm.pk == 7
    assert {name: getattr(direct, name) for name in names} == {name: getattr(orm, name) for name in names}
    assert direct.get_deferred_fields() == orm.get_deferred_fields() and "outcome" in direct.get_deferred_fields()
    assert (direct._state.adding, direct._state.db) == (orm._state.adding, orm._state.db) == (False, "default")
    assert direct == orm


def test_a_model_with_init_listeners_is_loaded_through_from_db():
    from django.db.models.signals import post_init

    seen = []

    def listener(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(listener, sender=Proposal)
    try:
        orm, direct = _from_db_and_loader(["id", "title"], [8, "Parc"])
    finally:
        post_init.disconnect(listener, sender=Proposal)
    assert seen == [orm, direct] and direct.title == "Parc"
