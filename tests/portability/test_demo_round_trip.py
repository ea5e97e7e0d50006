"""The demo territory out and back in, compared by its canonical dump (every id changes; nothing
else does). In the SQLite run: SQLite → SQLite. In the PostgreSQL run: SQLite → PostgreSQL (a
SQLite subprocess builds the demo and writes the archive), then PostgreSQL → PostgreSQL from the
territory imported (the demo is built once per run)."""

import difflib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from concertation.demo.loader import TERRITORY_SLUG, load_demo
from concertation.directory.models import Territory
from concertation.portability.archive import export_territory
from concertation.portability.canonical import canonical_dump
from concertation.portability.restore import import_territory

from .conftest import wipe

pytestmark = pytest.mark.django_db


def assert_same(after: dict, before: dict) -> None:
    if after != before:
        diff = difflib.unified_diff(json.dumps(before, indent=1, sort_keys=True).splitlines(),
                                    json.dumps(after, indent=1, sort_keys=True).splitlines(), lineterm="", n=2)
        pytest.fail("the imported territory differs:\n" + "\n".join(list(diff)[:80]))


def round_trip(territory, path: Path, before: dict) -> None:
    """Export ``territory``, delete it, import it back: the same canonical dump, other ids."""
    assert len(before["knowledge.DocumentVersion"]) >= 5 and len(before["decisions.Ballot"]) >= 20
    assert all(v["file"].startswith("sha256:") for v in before["knowledge.DocumentVersion"])
    old_pk = territory.pk
    export_territory(territory, path)
    wipe(territory)

    imported = import_territory(path)

    assert imported.pk != old_pk
    assert_same(canonical_dump(imported), before)


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the PostgreSQL run starts from SQLite's archive")
def test_the_demo_comes_back_identical(tmp_path):
    load_demo()
    territory = Territory.objects.get(slug=TERRITORY_SLUG)
    round_trip(territory, tmp_path / "demo.zip", canonical_dump(territory))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite → PostgreSQL runs in the PostgreSQL run")
def test_an_archive_from_sqlite_comes_into_postgresql_and_back(tmp_path):
    archive, dump = tmp_path / "demo.zip", tmp_path / "dump.json"
    env = {**os.environ, "CONCERTATION_DATA_DIR": str(tmp_path / "sqlite"), "DEBUG": "true"}
    env.pop("DATABASE_URL", None)
    script = Path(__file__).with_name("sqlite_export.py")
    done = subprocess.run([sys.executable, str(script), str(archive), str(dump)], env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]

    imported = import_territory(archive)

    before = json.loads(dump.read_text(encoding="utf-8"))
    assert_same(canonical_dump(imported), before)
    round_trip(imported, tmp_path / "again.zip", before)
