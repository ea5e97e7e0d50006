"""Run by test_demo_round_trip.py in a subprocess: build the demo in a fresh SQLite database of
the data directory given, export it to ARCHIVE and write its canonical dump to DUMP.

    python tests/portability/sqlite_export.py ARCHIVE DUMP   (CONCERTATION_DATA_DIR set, no DATABASE_URL)
"""

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concertation.settings")
os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402


def main(archive: str, dump: str) -> None:
    assert connection.vendor == "sqlite", connection.vendor
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    from concertation.demo.loader import TERRITORY_SLUG, load_demo
    from concertation.directory.models import Territory
    from concertation.portability.archive import export_territory
    from concertation.portability.canonical import canonical_dump

    load_demo()
    territory = Territory.objects.get(slug=TERRITORY_SLUG)
    export_territory(territory, archive)
    with open(dump, "w", encoding="utf-8") as out:
        json.dump(canonical_dump(territory), out)


if __name__ == "__main__":
    main(*sys.argv[1:3])
