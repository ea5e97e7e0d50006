"""The items of a meeting's agenda (``meeting.html#agenda``), each written here rather than by the
template: its title, time slot, kind, presenter, expected outcome, description, proposal, the
follow-ups it reviews and its documents.

The template engine spent about 0.1 ms an item on lookups, ``{% url %}``, translations and the
documents' loop, and the page converts the agenda once per request. Here every label is translated
once per page (a translated literal of the templates is not escaped: the catalog is ours), each
value escaped as it is written, addresses built from one reversed URL, and the markup is the one
``meeting.html`` wrote for an item up to its facilitators' actions (which stay in the template),
byte for byte (tests/meetings/test_agenda_html.py keeps the template's output for items with every
case).
"""

from __future__ import annotations

from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from concertation.knowledge.models import Document

from .models import AgendaItem


def _prefix(name: str, **kwargs) -> tuple[str, str]:
    """The address of ``name`` for the pk 1, cut around the pk: (before, after), escaped."""
    sample = reverse(name, kwargs={**kwargs, "pk": 1})
    head, tail = sample.rsplit("/1/", 1)
    return escape(head + "/"), escape("/" + tail)


class Labels:
    """What every item of a page writes the same way."""

    def __init__(self, territory: str, space: str):
        self.kinds = {value: escape(str(label)) for value, label in AgendaItem.Kind.choices}
        self.document_kinds = {value: escape(str(label)) for value, label in Document.Kind.choices}
        self.presented_by = _("Présenté par")
        self.outcome = _("Résultat attendu : %(outcome)s")
        self.proposal = _("Proposition :")
        self.proposal_url = _prefix("decisions:proposal", territory=territory, space=space)
        self.document_urls: dict[tuple[str, str], tuple[str, str]] = {}

    def document_url(self, document) -> str:
        if document.url:
            return escape(document.url)
        space = document.space
        key = (space.territory.slug, space.slug)
        if key not in self.document_urls:
            self.document_urls[key] = _prefix("documents:document", territory=key[0], space=key[1])
        head, tail = self.document_urls[key]
        return f"{head}{document.pk}{tail}"


def _documents(documents, labels: Labels) -> str:
    if not documents:
        return ""
    lines = []
    for document in documents:
        rel = ' rel="noopener noreferrer nofollow"' if document.url else ""
        kind = labels.document_kinds.get(document.kind) or escape(str(document.kind))
        lines.append(f'<li><a href="{labels.document_url(document)}"{rel}>{escape(document.title)}</a>'
                     f' <span class="muted">({kind})</span></li>')
    return f'\n<ul class="documents">{"".join(lines)}</ul>\n'


def rolled_follow_ups(lines) -> str:
    """The list of the follow-ups the item reviews (``lines``, written by ``pages.agenda``), as the
    template ``_rolled_follow_ups.html`` wrote it (written once a page)."""
    if not lines:
        none = _("Aucun suivi ouvert des rencontres précédentes.")
        return f'\n\n<p class="muted">{none}</p>\n\n'
    title = _("Suivis des rencontres précédentes, à passer en revue :")
    items = "".join(f"\n  <li>{line}</li>\n  " for line in lines)
    return f'\n\n<p>{title}</p>\n<ul class="rolled-follow-ups">\n  {items}\n</ul>\n\n'


def item_html(row: dict, labels: Labels, rolled: str = "") -> SafeString:
    """An item of ``agenda_context``'s rows (``item``, ``slot``, ``presenter``, ``description_html``,
    ``documents``, ``reviews_follow_ups``), up to its facilitators' actions; ``rolled``, the
    follow-ups' list it reviews, already written."""
    item = row["item"]
    presenter = row["presenter"]
    presenter = f"<p>{labels.presented_by} {escape(presenter)}</p>" if presenter else ""
    outcome = (f"<p>{labels.outcome % {'outcome': escape(item.expected_outcome)}}</p>"
               if item.expected_outcome else "")
    proposal = item.proposal
    if proposal:
        head, tail = labels.proposal_url
        proposal = f'<p>{labels.proposal} <a href="{head}{proposal.pk}{tail}">{escape(proposal.title)}</a></p>'
    else:
        proposal = ""
    kind = labels.kinds.get(item.kind) or escape(str(item.kind))
    return mark_safe(  # noqa: S308 — every value escaped as it is written, the description sanitized
        f'<li id="point-{item.pk}" class="card agenda-item">\n      <h3>{escape(item.title)}</h3>\n'
        f'      <p><span class="muted">{row["slot"]}</span>\n        <span class="badge">{kind}</span></p>\n'
        f'      {presenter}\n      {outcome}\n      {row["description_html"]}\n      {proposal}\n'
        f'      {rolled if row["reviews_follow_ups"] else ""}\n'
        f'      {_documents(row["documents"], labels)}')
