"""PostgreSQL: the entries newest first, so that a very common word's page of hits (ordered by date
past ``selectors.RANK_LIMIT`` hits) reads its 20 rows from this index instead of fetching and
sorting every match (63 ms → 0.2 ms for 10 808 hits at scale L). Not on SQLite: FTS5 enumerates
the matches itself, and a date index there would tempt the planner to probe FTS5 row by row."""

from django.db import migrations

FORWARD = "CREATE INDEX IF NOT EXISTS search_entry_recent ON search_entry (date DESC NULLS LAST, id DESC)"
BACKWARD = "DROP INDEX IF EXISTS search_entry_recent"


def _on_postgresql(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_engines")]

    operations = [migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD))]
