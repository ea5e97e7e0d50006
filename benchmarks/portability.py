"""Export and import of a territory: the demo, in a fresh database, exported and imported again as
copies beside it (``--as-slug``), each copy making the instance bigger.

    PYTHONPATH=src .venv/bin/python benchmarks/portability.py [--copies 5] [--data-dir DIR]

Uses a fresh SQLite database in a temporary data directory unless DATABASE_URL is set (then that
database must be empty and migrated). Prints the archive's size and the time of the canonical
dump, the export, the checks of the archive alone, and each import (checks included).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=5)
    parser.add_argument("--data-dir")
    args = parser.parse_args()
    os.environ["CONCERTATION_DATA_DIR"] = args.data_dir or tempfile.mkdtemp(prefix="concertation-portability-")
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concertation.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if "DATABASE_URL" not in os.environ:
        call_command("migrate", verbosity=0)
    from concertation.demo.loader import TERRITORY_SLUG, load_demo
    from concertation.directory.models import Territory
    from concertation.portability.archive import export_territory, read_archive
    from concertation.portability.canonical import canonical_dump
    from concertation.portability.restore import import_territory

    load_demo()
    territory = Territory.objects.get(slug=TERRITORY_SLUG)
    archive = Path(os.environ["CONCERTATION_DATA_DIR"]) / "demo.zip"

    def timed(label, func):
        start = time.perf_counter()
        result = func()
        print(f"{label:<28} {time.perf_counter() - start:7.3f} s")
        return result

    manifest = timed("canonical dump", lambda: canonical_dump(territory))
    manifest = timed("export", lambda: export_territory(territory, archive))
    rows = sum(n for label, n in manifest["counts"].items() if "." in label)
    print(f"archive: {archive.stat().st_size / 1024:.0f} KiB, {rows} rows, {manifest['counts']['files']} files")
    timed("checks only (read_archive)", lambda: read_archive(archive))
    for n in range(1, args.copies + 1):
        timed(f"import copy {n}", lambda n=n: import_territory(archive, as_slug=f"copie-{n}"))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
