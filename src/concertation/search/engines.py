"""The two full-text engines behind one interface (issue 17).

- ``SqliteEngine``: an FTS5 table ``search_fts`` (rowid = the entry's id) holding, for each entry,
  the stems of its title and of its body and its folded words (``text.py`` stems in Python;
  FTS5's ``unicode61 remove_diacritics 2`` only splits them). A trigger removes the FTS5 row with
  its entry, however the entry goes (a cascade, a queryset delete).
- ``PostgresEngine``: two generated ``tsvector`` columns of ``search_entry``: ``vector_fr`` through the
  ``concertation_fr`` configuration (unaccent, then Snowball French, no stop words: the query drops
  its own) and ``vector_words`` through ``concertation_words`` (unaccent, no stemming) for prefixes.

``match(query)`` returns SQL fragments for the selector's one statement: a join, a condition, its
parameters, and the relevance order. Nothing of the person's text is written into SQL or into a
MATCH expression: terms hold only folded word characters, quoted by the engine, and are passed as
parameters.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from . import text
from .text import Query


@dataclass
class Match:
    join: str
    where: str
    params: list
    order: str
    order_params: list


class SqliteEngine:
    vendor = "sqlite"

    def write(self, rows) -> None:
        """(id, title, body) of entries just written: their FTS5 rows, replaced."""
        rows = list(rows)
        if not rows:
            return
        with connection.cursor() as cursor:
            ids = [row[0] for row in rows]
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                cursor.execute(f"DELETE FROM search_fts WHERE rowid IN ({', '.join(['%s'] * len(chunk))})", chunk)
            cursor.executemany(
                "INSERT INTO search_fts (rowid, title, body, words) VALUES (%s, %s, %s, %s)",
                [(pk, text.stems_text(title), text.stems_text(body), " ".join(text.words(f"{title} {body}")))
                 for pk, title, body in rows],
            )

    @staticmethod
    def _phrase(tokens) -> str:
        return '"' + " ".join(token.replace('"', '""') for token in tokens) + '"'

    def expression(self, query: Query) -> str:
        """The MATCH expression, built only from quoted folded tokens."""
        parts = []
        for alternatives in query.terms:
            options = []
            for alternative in alternatives:
                if alternative.kind == "prefix":
                    options.append(f"words : {self._phrase(alternative.tokens)} *")
                else:
                    options.append("{title body} : " + self._phrase(alternative.stems))
            parts.append("(" + " OR ".join(options) + ")")
        return " AND ".join(parts)

    def match(self, query: Query) -> Match:
        return Match(
            join="JOIN search_fts ON search_fts.rowid = e.id",
            where="search_fts MATCH %s",
            params=[self.expression(query)],
            order="bm25(search_fts, 5.0, 1.0, 0.5)",
            order_params=[],
        )


class PostgresEngine:
    vendor = "postgresql"

    def write(self, rows) -> None:
        """Nothing to do: the vectors are generated columns of the entry."""

    @staticmethod
    def _tsquery(alternative) -> str:
        # Tokens are folded word characters only; quoted as tsquery lexemes all the same.
        quoted = [f"'{token}'" for token in alternative.tokens if token]
        if alternative.kind == "prefix":
            return f"{quoted[0]}:*"
        return " <-> ".join(quoted)

    def match(self, query: Query) -> Match:
        conditions, params = [], []
        for alternatives in query.terms:
            options = []
            for alternative in alternatives:
                if alternative.kind == "prefix":
                    options.append("e.vector_words @@ to_tsquery('concertation_words', %s)")
                else:
                    options.append("e.vector_fr @@ to_tsquery('concertation_fr', %s)")
                params.append(self._tsquery(alternative))
            conditions.append("(" + " OR ".join(options) + ")")
        stems = [a for alternatives in query.terms for a in alternatives if a.kind == "stem"]
        if not stems:
            return Match(join="", where=" AND ".join(conditions), params=params, order="e.id DESC", order_params=[])
        ranked = " | ".join(f"({self._tsquery(a)})" for a in stems)
        return Match(
            join="",
            where=" AND ".join(conditions),
            params=params,
            order="ts_rank(e.vector_fr, to_tsquery('concertation_fr', %s)) DESC",
            order_params=[ranked],
        )


def engine():
    return PostgresEngine() if connection.vendor == "postgresql" else SqliteEngine()
