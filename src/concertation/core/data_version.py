"""A counter raised by every committed write: cached pages are keyed on it (core.page_cache).

Every statement sent through Django's connections passes through `watch_writes` (installed on
each new connection by CoreConfig.ready). A statement that writes (INSERT, UPDATE, DELETE,
REPLACE) raises the counter once its transaction has committed — whatever
wrote it: a view, a service, `QuerySet.update()`, `bulk_create`, raw SQL, the worker's tasks, a
management command. Being that coarse is the point: no model has to remember to invalidate
anything, and a missed invalidation cannot leave a page stale.

Writes to the session table, the task queue's table and the counter itself do not count.
"""

from __future__ import annotations

import functools
import threading

from django.db import connections

TABLE = "core_dataversion"
# Sessions (signing in changes only the person, already in a page's key), the counter itself, and
# the task queue's bookkeeping (the worker claiming and finishing tasks; what a task changes is
# counted by its own writes).
IGNORED_TABLES = ("django_session", TABLE, "django_tasks_database_dbtaskresult")
# Schema changes come with a new release, and a restart empties the per-process page cache.
WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE")

_local = threading.local()


def writes_seen() -> int:
    """How many tracked writes this thread has sent so far (to notice a page that writes)."""
    return getattr(_local, "writes", 0)


def is_tracked_write(sql: str) -> bool:
    head = sql.lstrip()[:120]
    verb = head[:7].upper()
    if verb.startswith("WITH"):
        upper = sql.upper()
        writes = any(f" {word} " in upper for word in ("INSERT", "UPDATE", "DELETE"))
    else:
        writes = verb.startswith(WRITE_VERBS)
    if not writes:
        return False
    return not any(table in head for table in IGNORED_TABLES)


def suspend(suspended: bool) -> None:
    """Migrations write before the counter's table exists: they are not tracked (signals in apps)."""
    _local.suspended = suspended


def watch_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if not getattr(_local, "suspended", False) and isinstance(sql, str) and is_tracked_write(sql):
        _local.writes = writes_seen() + 1
        _changed(context["connection"])
    return result


def install(connection) -> None:
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


def _changed(connection) -> None:
    blocks = connection.atomic_blocks
    if not connection.in_atomic_block or getattr(blocks[0], "_from_testcase", False):
        # Autocommit: raised at once. Inside a test's wrapping transaction the commit callbacks
        # never run: raised at once too, within that transaction (and undone with a savepoint
        # that is rolled back, as the write itself is).
        bump(connection.alias)
        return
    callback = connection.__dict__.get("_concertation_bump")
    if callback is None:
        callback = connection._concertation_bump = functools.partial(bump, connection.alias)
    # Once per transaction, after the commit: a page read before then is keyed on the old value.
    if not any(entry[1] is callback for entry in connection.run_on_commit):
        connection.on_commit(callback)


def bump(alias: str = "default") -> None:
    # An upsert: the row comes back by itself after a flush of every table (transactional tests).
    with connections[alias].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (id, value) VALUES (1, 1) "
            f"ON CONFLICT (id) DO UPDATE SET value = {TABLE}.value + 1"
        )


def current(alias: str = "default") -> int:
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT value FROM {TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0
