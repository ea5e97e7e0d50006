"""SQLite: the facts of each entry that the search filters and counts on (territory, audience, space,
author, kind, date), keyed by the entry's id, so that each match of FTS5 is looked up in this narrow
index (~3 MB at scale L) rather than in the table's rows with their bodies (~21 MB, more than the
page cache): ~0.8 ms of the ~12 ms a common word's statement costs at L. The selector names it
(``INDEXED BY``): without statistics the planner keeps the table. Not on PostgreSQL, whose search
reads the entries' generated vectors."""

from django.db import migrations

FORWARD = ("CREATE INDEX IF NOT EXISTS search_entry_facts "
           "ON search_entry (id, territory_id, audience, space_id, author_id, kind, date)")
BACKWARD = "DROP INDEX IF EXISTS search_entry_facts"


def _on_sqlite(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0003_recent_index")]

    operations = [migrations.RunPython(_on_sqlite(FORWARD), _on_sqlite(BACKWARD))]
