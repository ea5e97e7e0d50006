"""A reference written as a bibliographic entry, the one way the product writes it.

The page, the « copier la référence » text and any later export all call ``citation_html`` or
``citation_text``, which share ``citation_parts``: author, year, title (in italics), publisher, the
chapter or pages to read, the link — in the order of an author-date entry (APA style):

    Bourque, D. (2008). *Concertation et partenariat…*. Presses de l'Université du Québec. À lire : chapitre 2. https://…

An article's title is in roman and its journal (written in the « éditeur » field) in italics.

The few words an entry adds (« s. d. » when the year is unknown, « À lire : ») follow the conventions
of the page's language, kept here like the formats of a locale rather than in the catalogs: French
puts a no-break space before the colon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from .models.references import WEB_SCHEMES

NBSP = "\u00a0"
_SPACES = re.compile(r"[ \t\r\n\f\v]+")


@dataclass(frozen=True)
class Conventions:
    no_date: str
    to_read: str  # before the chapter or pages


CONVENTIONS = {
    "fr": Conventions(no_date="s.\u00a0d.", to_read=f"À lire{NBSP}:"),
    "en": Conventions(no_date="n.d.", to_read="To read:"),
}


def conventions_for(language: str | None = None) -> Conventions:
    code = (language or get_language() or "fr").lower().split("-")[0]
    return CONVENTIONS.get(code, CONVENTIONS["fr"])


@dataclass(frozen=True)
class Part:
    text: str
    italic: bool = False
    link: bool = False


def _sentence(text: str) -> str:
    """A part of the entry ends with a period, unless it already ends with a punctuation mark."""
    text = _squash(text)
    return text if not text or text[-1] in ".?!…" else f"{text}."


def _squash(text: str | None) -> str:
    """Runs of spaces and line breaks as one space; a no-break space (« partenariat : ») is kept."""
    return _SPACES.sub(" ", text or "").strip(" ")


def _stop(text: str) -> str:
    return "" if text[-1:] in ".?!…" else "."


def web_address(url: str) -> str:
    """The address if it is a web one (http, https), else "" (never a javascript: link)."""
    url = (url or "").strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return ""
    return url if scheme in WEB_SCHEMES else ""


def citation_parts(reference, language: str | None = None) -> list[Part]:
    words = conventions_for(language)
    date = f"({reference.year})" if reference.year else f"({words.no_date})"
    authors = _squash(reference.authors)
    title = _squash(reference.title)
    publisher = _squash(reference.publisher)
    # An article: its title in roman, the journal (written in « éditeur ») in italics.
    in_journal = reference.kind == "article" and bool(publisher)
    parts: list[Part] = []
    if authors:
        parts += [Part(f"{authors} {date}."), Part(title, italic=not in_journal), Part(_stop(title))]
    else:
        parts += [Part(title, italic=not in_journal), Part(_stop(title)), Part(f" {date}.")]
    if in_journal:
        parts += [Part(" "), Part(publisher, italic=True), Part(_stop(publisher))]
    elif publisher:
        parts.append(Part(f" {_sentence(publisher)}"))
    if reference.pages.strip():
        parts.append(Part(f" {words.to_read} {_sentence(reference.pages)}"))
    address = web_address(reference.url)
    if address:
        parts += [Part(" "), Part(address, link=True)]
    # The parts carry their own spacing; the first one after the authors needs one.
    if authors:
        parts[0] = Part(parts[0].text + " ")
    return [part for part in parts if part.text]


def citation_text(reference, language: str | None = None) -> str:
    """The entry as plain text, to copy into a document."""
    return "".join(part.text for part in citation_parts(reference, language))


def citation_html(reference, language: str | None = None) -> SafeString:
    """The entry as HTML: every piece escaped, the title in <cite>, the web address as a link."""
    def piece(part: Part):
        if part.link:
            return format_html('<a href="{}" rel="noopener noreferrer nofollow">{}</a>', part.text, part.text)
        if part.italic:
            return format_html("<cite>{}</cite>", part.text)
        return format_html("{}", part.text)

    return format_html_join("", "{}", ((piece(part),) for part in citation_parts(reference, language)))
