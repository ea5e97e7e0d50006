"""The hits and the space filter written by search/results_html.py are, byte for byte, what the
template's loops wrote (kept here), in French and in English."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from django.template import engines
from django.utils import translation

from concertation.search.labels import KINDS
from concertation.search.pages import Group
from concertation.search.results_html import groups_html, space_options
from concertation.search.selectors import Hit

GROUPS_LOOP = """{% for group in groups %}
    <section aria-labelledby="resultats-{{ group.kind }}">
      <h2 id="resultats-{{ group.kind }}">{{ group.label }}</h2>
      <ul class="search-hits">
        {% for hit in group.hits %}
        <li class="card">
          <h3><a href="{{ hit.url }}">{{ hit.title|safe }}</a></h3>
          <p class="muted">{% if hit.space_name %}{{ hit.space_name }}{% endif %}{% if hit.space_name and hit.date %} — {% endif %}{% if hit.date %}<time datetime="{{ hit.date|date:'Y-m-d' }}">{{ hit.date|day }}</time>{% endif %}</p>
          {% if hit.excerpt %}<p>{{ hit.excerpt|safe }}</p>{% endif %}
        </li>
        {% endfor %}
      </ul>
    </section>
    {% empty %}EMPTY{% endfor %}"""

OPTIONS_LOOP = """{% for s in spaces %}<option value="{{ s.slug }}"{% if space and s.pk == space.pk %} selected{% endif %}>{{ s.name }}</option>{% endfor %}"""


def _groups():
    hits = [
        Hit("decision", 1, "Les <mark>loyers</mark> &amp; co", "… un <mark>loyer</mark> «&nbsp;x&nbsp;» …",
            "/t/x/e/a/propositions/1/?a=1&b=2", date(2025, 9, 1), "Comité <A&B> \"quoted\""),
        Hit("decision", 2, "Sans espace", "", "/t/x/2/", date(2024, 1, 31), ""),
        Hit("document", 3, "Sans date", "extrait", "/t/x/3/", None, "Assemblée"),
        Hit("document", 4, "Rien", "", "/t/x/4/", None, ""),
    ]
    groups: dict[str, Group] = {}
    for hit in hits:
        groups.setdefault(hit.kind, Group(hit.kind, KINDS[hit.kind], [])).hits.append(hit)
    return list(groups.values())


@pytest.mark.parametrize("language", ["fr-ca", "en"])
def test_groups_as_the_template_wrote_them(language):
    template = engines["django"].from_string(GROUPS_LOOP)
    with translation.override(language):
        for groups in (_groups(), _groups()[:1], []):
            expected = template.render({"groups": groups})
            written = groups_html(groups) if groups else "EMPTY"
            assert written == expected


def test_space_options_as_the_template_wrote_them():
    spaces = [SimpleNamespace(pk=n, slug=f"espace-{n}", name=f"Espace <{n}> & « co »") for n in range(1, 5)]
    template = engines["django"].from_string(OPTIONS_LOOP)
    for space in (None, spaces[2]):
        assert space_options(spaces, space) == template.render({"spaces": spaces, "space": space})
