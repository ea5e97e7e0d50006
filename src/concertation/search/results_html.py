"""The search page's hits and its space filter, written in Python once per page, every value escaped,
instead of a template loop with a lookup and a filter per value (issue 20: the 20 hits and the 50
options of the space filter cost ~2 ms of the page at scale L through the templates).

``groups_html`` gives, byte for byte, what the loop over the groups of ``search/page.html`` gave
(tests/search/test_results_html.py renders that loop, kept there, against it); ``space_options``
the ``<option>`` of the space filter after its « whole territory » one.
"""

from __future__ import annotations

from django.utils.html import conditional_escape as escape
from django.utils.safestring import mark_safe

from concertation.core import formatting


def _hit(hit) -> str:
    # Title and excerpt are HTML already (``text.highlight``: escaped, then marked).
    muted = escape(hit.space_name) if hit.space_name else ""
    if hit.date:
        if hit.space_name:
            muted += " — "
        muted += f'<time datetime="{hit.date.isoformat()}">{escape(formatting.day(hit.date))}</time>'
    excerpt = f"<p>{hit.excerpt}</p>" if hit.excerpt else ""
    return (
        '\n        <li class="card">\n'
        f'          <h3><a href="{escape(hit.url)}">{hit.title}</a></h3>\n'
        f'          <p class="muted">{muted}</p>\n'
        f"          {excerpt}\n"
        "        </li>\n        "
    )


def groups_html(groups) -> str:
    """The sections of the hits, one per kind (``pages.Group``), as the template wrote them."""
    out = []
    for group in groups:
        kind = escape(group.kind)
        out.append(
            f'\n    <section aria-labelledby="resultats-{kind}">\n'
            f'      <h2 id="resultats-{kind}">{escape(group.label)}</h2>\n'
            '      <ul class="search-hits">\n        '
        )
        out.extend(_hit(hit) for hit in group.hits)
        out.append("\n      </ul>\n    </section>\n    ")
    return mark_safe("".join(out))


def space_options(spaces, selected) -> str:
    """The ``<option>`` of the space filter: ``selected`` (a space or None) marked."""
    selected_pk = selected.pk if selected is not None else None
    return mark_safe("".join(
        f'<option value="{escape(space.slug)}"{" selected" if space.pk == selected_pk else ""}>'
        f"{escape(space.name)}</option>"
        for space in spaces))
