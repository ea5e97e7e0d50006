"""User text → safe HTML: Markdown rendered, then sanitized by nh3 (an allow-list).

Nothing a person types reaches a page without going through ``render_markdown`` (rich text) or
Django's autoescaping (plain text).
"""

from __future__ import annotations

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


def render_markdown(text: str | None) -> SafeString:
    if not text:
        return mark_safe("")
    html = _parser().convert(text)
    return mark_safe(sanitize_html(html))  # noqa: S308 — sanitized by nh3 just above
