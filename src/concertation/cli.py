"""The ``concertation`` command: django-admin with the project's settings preset.

Configuration problems stop the start with one clear line (no traceback), so that whoever
deploys sees at once what to fix.
"""

from __future__ import annotations

import os
import sys

# Commands that start something long-lived or write the database: they must not start against a
# database they cannot reach.
COMMANDS_NEEDING_DATABASE = {"demo", "serve", "worker", "runserver", "migrate", "db_worker",
                             "export", "import"}
# Commands meant for a local or developer machine: DEBUG defaults to on for them only (so they
# work without a production SECRET_KEY); `check --deploy`, `serve` and `migrate` stay strict.
LOCAL_COMMANDS = {"demo", "runserver", "makemigrations", "makemessages", "compilemessages"}


def fail(message: str, code: int = 2) -> None:
    sys.stderr.write(f"concertation: {message}\n")
    raise SystemExit(code)


def check_database() -> None:
    from django.db import connection
    from django.db.utils import OperationalError

    try:
        connection.ensure_connection()
    except OperationalError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        settings_dict = connection.settings_dict
        where = settings_dict.get("HOST") or settings_dict.get("NAME")
        fail(f"cannot reach the database ({where}): {first_line}. Check DATABASE_URL.")
    finally:
        # Never hand an open connection to processes forked later (gunicorn's workers would share
        # one socket and read each other's answers).
        connection.close()


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    command = argv[1] if len(argv) > 1 else ""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concertation.settings")
    if command in LOCAL_COMMANDS:
        os.environ.setdefault("DEBUG", "true")

    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as exc:
        fail(str(exc).splitlines()[0])

    if command in COMMANDS_NEEDING_DATABASE:
        check_database()

    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
