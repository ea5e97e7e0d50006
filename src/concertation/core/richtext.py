"""User text → safe HTML: Markdown rendered, then sanitized by nh3 (an allow-list).

Nothing a person types reaches a page without going through ``render_markdown`` (rich text) or
Django's autoescaping (plain text).
"""

from __future__ import annotations

import re
import threading

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "s", "code", "pre", "blockquote", "ul", "ol", "li",
    "h2", "h3", "h4", "h5", "h6", "a", "hr", "table", "thead", "tbody", "tr", "th", "td", "sup",
    "sub", "abbr", "del", "ins",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}, "td": set()}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


_parsers = threading.local()


def _parser() -> markdown.Markdown:
    """One Markdown parser a thread, reset between texts: building one (its extensions, patterns)
    cost more than converting a short text, and a meeting's agenda converts one text an item."""
    parser = getattr(_parsers, "markdown", None)
    if parser is None:
        parser = _parsers.markdown = markdown.Markdown(extensions=["sane_lists", "tables"], output_format="html")
    return parser.reset()


# A line of plain words: it starts with a letter, and holds only letters, digits, spaces and
# punctuation that Markdown leaves as it is (nothing it reads as emphasis, a link, code, HTML, an
# entity, an escape, a list, a heading or a table) and that the sanitizer writes back unchanged.
_PLAIN = re.compile(r"[^\W\d_](?:[^\W_]|[ .,;:!?'’\"()«»\-–—/%$+@])*")


def render_markdown(text: str | None) -> SafeString:
    if not text:
        return mark_safe("")
    if text[-1] != " " and _PLAIN.fullmatch(text):
        # What Markdown then nh3 make of it, without running them (a paragraph, 0.1 ms less a text;
        # tests/core/test_richtext.py checks both agree over generated lines).
        return mark_safe(f"<p>{text}</p>")  # noqa: S308 — no character that HTML reads as markup
    html = _parser().convert(text)
    return mark_safe(sanitize_html(html))  # noqa: S308 — sanitized by nh3 just above
