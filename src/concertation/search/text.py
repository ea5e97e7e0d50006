"""French words for the search: folding, stemming, the query's grammar and excerpts.

Both engines see the same words: accents and case folded away (« Évaluation » → « evaluation »),
then stemmed by Snowball's French stemmer (« logements » → « logement » → « log »). Folding comes
first, so that a word typed without its accents stems exactly like the written one. English words
go through the same stemmer: « meetings » and « meeting » still meet.

A query is a list of terms, all required: a word (matched by its stem), a phrase in quotes (its
stems in order), a prefix (« logem* », matched on the folded words, unstemmed). The last word of a
query typed as one goes also matches as a prefix (type-ahead). Nothing the person typed reaches an
engine as syntax: terms hold only folded word characters, and each engine writes its own quotes.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer

WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 10
MAX_WORD = 40
MIN_PREFIX = 2
BODY_LIMIT = 100_000  # characters of one object's text kept in the index

# Words too common to search for (a short list, French then English): dropped from queries, kept
# in phrases.
STOP_WORDS = frozenset("""
a au aux avec ce ces dans de des du elle en et eux il ils je la le les leur lui ma mais me meme mes moi
mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos
votre vous c d j l m n s t y ete etee etees etes etant suis es est sommes etes sont serai sera avons
avez ont avais avait avions aviez avaient eu ai as cet cette
the an and or of to in on for is are was were be by with at as it its this that from
""".split())

_stemmer = snowballstemmer.stemmer("french")


def fold(text: str) -> str:
    """Lowercase, without accents (« Évaluation » → « evaluation »; « œ » stays a letter)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The stem of one folded word."""
    return _stemmer.stemWord(word)


def words(text: str) -> list[str]:
    """The folded words of a text, in order."""
    return WORD.findall(fold(text or ""))


def stems_text(text: str) -> str:
    """A text as its stems, space-separated (what SQLite's FTS5 indexes)."""
    return " ".join(stem(w) for w in words(text))


_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_SIGNS = re.compile(r"(^|\s)[#>*\-+]+\s|[*_`]{1,3}|<[^>]{0,200}>")


def plain(text: str) -> str:
    """Rich text (Markdown) as words to index and show in an excerpt: links by their words, no signs."""
    text = _MARKDOWN_LINK.sub(r"\1", text or "")
    text = _MARKDOWN_SIGNS.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()[:BODY_LIMIT]


# The query ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Alternative:
    """One way a term matches: ``stem`` (its folded words, one or several in order for a phrase,
    matched by their stems) or ``prefix`` (one folded word, matched unstemmed)."""

    kind: str  # "stem" | "prefix"
    tokens: tuple[str, ...]

    @property
    def stems(self) -> tuple[str, ...]:
        return tuple(stem(token) for token in self.tokens)


# Words that ask for the same thing (folded words whose stems differ): « décidé » finds decisions.
SYNONYMS = {
    "decide": ("decision",), "decider": ("decision",), "decidee": ("decision",), "decides": ("decisions",),
    "decision": ("decide",), "decisions": ("decide",),
}
YEAR = re.compile(r"^(19|20|21)\d\d$")


@dataclass
class Query:
    terms: list[tuple[Alternative, ...]] = field(default_factory=list)  # all required; any alternative
    stems: set[str] = field(default_factory=set)                        # to mark excerpts
    prefixes: set[str] = field(default_factory=set)
    year: int | None = None  # « logement 2024 »: a year among other words is the period asked
    # Words of the excerpts already tested against the query (``_matches``): a page's 20 excerpts
    # and titles repeat their words, each folded and stemmed once.
    matched: dict[str, bool] = field(default_factory=dict, repr=False, compare=False)

    def __bool__(self) -> bool:
        return bool(self.terms)


_PHRASE = re.compile(r'"([^"]*)"?')


def parse(raw: str, *, type_ahead: bool = True) -> Query:
    """The terms of what the person typed (any text: never an error)."""
    raw = (raw or "")[:300]
    query = Query()
    phrases = [m.group(1) for m in _PHRASE.finditer(raw)]
    rest = _PHRASE.sub(" ", raw)
    for phrase in phrases:
        tokens = tuple(w[:MAX_WORD] for w in words(phrase))
        if len(tokens) == 1:
            if tokens[0] not in STOP_WORDS:
                query.terms.append((Alternative("stem", tokens),))
        elif tokens:
            query.terms.append((Alternative("stem", tokens),))
        query.stems.update(stem(token) for token in tokens)
    pieces = re.findall(r"\w+\*?", fold(rest))
    typed_last = not phrases and raw == raw.rstrip()
    for index, piece in enumerate(pieces):
        word = piece.rstrip("*")[:MAX_WORD]
        if piece.endswith("*"):
            if len(word) >= MIN_PREFIX:
                query.terms.append((Alternative("prefix", (word,)),))
                query.prefixes.add(word)
            continue
        if word in STOP_WORDS:
            continue
        if YEAR.match(word) and len(pieces) > 1 and query.year is None:
            query.year = int(word)
            continue
        alternatives = [Alternative("stem", (w,)) for w in (word, *SYNONYMS.get(word, ()))]
        query.stems.update(stem(a.tokens[0]) for a in alternatives)
        if type_ahead and typed_last and index == len(pieces) - 1 and len(word) >= 3:
            alternatives.append(Alternative("prefix", (word,)))
            query.prefixes.add(word)
        query.terms.append(tuple(alternatives))
    if not query.terms and query.year is not None:  # « en 2024 »: the year is the words sought
        query.terms.append((Alternative("stem", (str(query.year),)),))
        query.year = None
    # The same term twice is one term; a query past MAX_TERMS keeps its first terms.
    unique = list(dict.fromkeys(query.terms))[:MAX_TERMS]
    query.terms = unique
    return query


# Excerpts -------------------------------------------------------------------------------------

def _matches(word: str, query: Query) -> bool:
    found = query.matched.get(word)
    if found is None:
        folded = fold(word)
        found = query.matched[word] = (stem(folded) in query.stems
                                       or any(folded.startswith(p) for p in query.prefixes))
    return found


def highlight(text: str, query: Query) -> str:
    """``text`` escaped, with the words of the query in ``<mark>``: escape first, then mark."""
    out, last = [], 0
    for match in WORD.finditer(text):
        if _matches(match.group(), query):
            out.append(html.escape(text[last:match.start()]))
            out.append(f"<mark>{html.escape(match.group())}</mark>")
            last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def excerpt(text: str, query: Query, *, width: int = 240) -> str:
    """About ``width`` characters of ``text`` around its first matched word, escaped and marked."""
    text = text or ""
    start = 0
    for match in WORD.finditer(text):
        if _matches(match.group(), query):
            start = max(0, match.start() - width // 3)
            break
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    piece = highlight(text[start:end], query)
    return ("… " if start else "") + piece + (" …" if end < len(text) else "")
