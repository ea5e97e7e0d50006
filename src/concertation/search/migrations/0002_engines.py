"""The full-text structures of each engine (engines.py): an FTS5 table on SQLite; on PostgreSQL,
unaccent, two text search configurations and two generated tsvector columns with their GIN indexes.
Each half is a no-op on the other database."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(title, body, words, "
    "tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS search_entry_fts_delete AFTER DELETE ON search_entry "
    "BEGIN DELETE FROM search_fts WHERE rowid = old.id; END",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS search_entry_fts_delete", "DROP TABLE IF EXISTS search_fts"]

TOKENS = "asciiword, asciihword, hword_asciipart, word, hword, hword_part, numword, numhword, hword_numpart"
POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    # Snowball French without its stop words: the query drops its own (text.STOP_WORDS), so that a
    # word the person typed is never silently emptied by the database.
    "CREATE TEXT SEARCH DICTIONARY concertation_french_stem (TEMPLATE = snowball, Language = french)",
    "CREATE TEXT SEARCH CONFIGURATION concertation_fr (COPY = french)",
    f"ALTER TEXT SEARCH CONFIGURATION concertation_fr ALTER MAPPING FOR {TOKENS} WITH unaccent, concertation_french_stem",
    "CREATE TEXT SEARCH CONFIGURATION concertation_words (COPY = simple)",
    f"ALTER TEXT SEARCH CONFIGURATION concertation_words ALTER MAPPING FOR {TOKENS} WITH unaccent, simple",
    "ALTER TABLE search_entry ADD COLUMN vector_fr tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('concertation_fr'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('concertation_fr'::regconfig, coalesce(body, '')), 'B')) STORED",
    "ALTER TABLE search_entry ADD COLUMN vector_words tsvector GENERATED ALWAYS AS ("
    "to_tsvector('concertation_words'::regconfig, coalesce(title, '') || ' ' || coalesce(body, ''))) STORED",
    "CREATE INDEX search_entry_vector_fr ON search_entry USING gin (vector_fr)",
    "CREATE INDEX search_entry_vector_words ON search_entry USING gin (vector_words)",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS search_entry_vector_words",
    "DROP INDEX IF EXISTS search_entry_vector_fr",
    "ALTER TABLE search_entry DROP COLUMN IF EXISTS vector_words",
    "ALTER TABLE search_entry DROP COLUMN IF EXISTS vector_fr",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS concertation_words",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS concertation_fr",
    "DROP TEXT SEARCH DICTIONARY IF EXISTS concertation_french_stem",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        for statement in statements:
            schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_entry")]

    operations = [
        migrations.RunPython(_run({"sqlite": SQLITE, "postgresql": POSTGRES}),
                             _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE})),
    ]
