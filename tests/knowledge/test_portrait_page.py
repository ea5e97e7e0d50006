"""The portrait page: who sees it, figures by theme as a chart and a table with the years compared,
numbers formatted for fr-CA, filters, a bounded number of queries; figures added, changed and
removed by hand by the territory's coordinators."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from concertation.core.formatting import NBSP
from concertation.core.models import AuditEvent
from concertation.knowledge.models import Figure
from concertation.knowledge.pages_portrait import ALL_THEMES_UP_TO
from tests.security.payloads import XSS

from .portrait_helpers import figure, make_world

pytestmark = pytest.mark.django_db


def url(territory, name="portrait:index", **kwargs):
    return reverse(name, kwargs={"territory": territory.slug, **kwargs})


@pytest.fixture
def w():
    return make_world()


def fill(territory, count: int) -> None:
    """``count`` figures over five themes and two census years."""
    themes = ["Population", "Revenu et pauvreté", "Logement", "Scolarité", "Santé"]
    Figure.objects.bulk_create([
        Figure(territory=territory, theme=themes[n % 5], label=f"Chiffre {n // 2}", value=Decimal(1000 + n),
               unit="%" if n % 3 == 0 else "personnes", year=2016 if n % 2 else 2021, geography="Quartier",
               position=n, source="Statistique Canada", source_url="https://www.statcan.gc.ca/")
        for n in range(count)
    ])


def test_the_page_shows_each_theme_as_a_chart_and_a_table_with_years_compared(w, client):
    figure(w.territory, theme="Population", label="Population totale", value="38200", unit="personnes",
           year=2021, source="Statistique Canada, Recensement de 2021", source_url="https://www12.statcan.gc.ca/")
    figure(w.territory, theme="Population", label="Population totale", value="36950", unit="personnes", year=2016)
    figure(w.territory, theme="Logement", label="Ménages locataires", value="72", unit="%", year=2021, position=1)
    figure(w.territory, theme="Logement", label="Ménages locataires", value="69.5", unit="%", year=2016, position=1)
    figure(w.territory, theme="Revenu et pauvreté", label="Revenu médian", value="48500", unit="$", year=2021,
           position=2)
    body = client.get(url(w.territory)).content.decode()
    assert body.count('<svg class="portrait-chart"') == 3
    assert body.count("<table") == 3
    assert f"38{NBSP}200{NBSP}personnes" in body and f"36{NBSP}950{NBSP}personnes" in body
    assert f"+1{NBSP}250{NBSP}personnes" in body                       # the change, 2016 → 2021
    assert f"72{NBSP}%" in body and f"69,5{NBSP}%" in body and "+2,5" in body
    assert f"48{NBSP}500{NBSP}$" in body
    assert 'href="https://www12.statcan.gc.ca/"' in body
    assert re.search(r'<svg[^>]*role="img"[^>]*aria-labelledby="graphique-1-title graphique-1-desc"', body)
    # The chart's coordinates are written with a point, whatever the language.
    assert not re.search(r'(width|x|y)="\d+,\d+"', body)
    # Themes in the order of their figures; no « Ajouter » for a visitor.
    assert body.index("Population") < body.index("Logement") < body.index("Revenu et pauvreté")
    assert url(w.territory, "portrait:figure_add") not in body


def test_the_page_filters_by_theme_and_by_territory_covered(w, client):
    figure(w.territory, theme="Population", label="Population totale", value="38200", geography="Quartier")
    figure(w.territory, theme="Logement", label="Ménages locataires", value="72", geography="Arrondissement")
    body = client.get(url(w.territory), {"theme": "Logement"}).content.decode()
    assert "Ménages locataires" in body and "Population totale" not in body
    body = client.get(url(w.territory), {"territoire": "Quartier"}).content.decode()
    assert "Population totale" in body and "Ménages locataires" not in body
    # An unknown filter shows everything rather than an error.
    body = client.get(url(w.territory), {"theme": "<b>rien</b>"}).content.decode()
    assert "Population totale" in body and "Ménages locataires" in body


def test_an_empty_portrait_says_what_it_will_hold_and_offers_the_first_step(w, client):
    client.force_login(w.coordinator)
    body = client.get(url(w.territory)).content.decode()
    assert "Le portrait rassemblera" in body
    assert url(w.territory, "portrait:import") in body and url(w.territory, "portrait:figure_add") in body


def test_the_portrait_of_a_territory_without_a_public_space_is_for_its_people_only(client):
    w = make_world(public=False)
    figure(w.territory, label="Chiffre interne")
    assert client.get(url(w.territory)).status_code in (302, 404)
    client.force_login(w.outsider)
    assert client.get(url(w.territory)).status_code == 404
    client.force_login(w.member)
    assert "Chiffre interne" in client.get(url(w.territory)).content.decode()


def test_the_territory_page_links_to_the_portrait(w, client):
    body = client.get(reverse("spaces:territory", kwargs={"territory": w.territory.slug})).content.decode()
    assert url(w.territory) in body


def test_the_page_reads_the_same_number_of_queries_at_two_sizes(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for slug, size in (("petit", 10), ("grand", 400)):
        w = make_world(slug=slug)
        fill(w.territory, size)
        diagnosis(w, size // 20)  # the diagnosis documents beside the figures: 0 and 20
        client.force_login(w.coordinator)
        client.get(url(w.territory))  # the session and the caches settle first
        with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as queries:
            response = client.get(url(w.territory))
        assert response.status_code == 200
        page = response.content.decode()
        # Small: every theme on the page; large (over ALL_THEMES_UP_TO): the summary and one theme.
        assert page.count('<svg class="portrait-chart"') == (5 if size <= ALL_THEMES_UP_TO else 1)
        assert ('id="portrait-themes"' in page) == (size > ALL_THEMES_UP_TO)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_large_portrait_shows_the_summary_of_its_themes_and_one_theme_at_a_time(w, client):
    """Issue 20: 600 figures drawn on one page took 100 ms; a large portrait shows one theme at a time,
    each reached from the summary (and from the filter), with its chart and its table."""
    fill(w.territory, ALL_THEMES_UP_TO + 80)
    client.force_login(w.member)
    page = html.unescape(client.get(url(w.territory)).content.decode())
    assert page.count('<svg class="portrait-chart"') == 1 and 'aria-current="true">Population</a>' in page
    for theme in ("Population", "Revenu et pauvreté", "Logement", "Scolarité", "Santé"):
        assert f">{theme}</a>" in page
    housing = client.get(url(w.territory), {"theme": "Logement"}).content.decode()
    assert housing.count('<svg class="portrait-chart"') == 1 and 'id="portrait-themes"' not in housing
    shown = Figure.objects.filter(territory=w.territory, theme="Logement").count()
    assert housing.count("<tr>") - 1 == shown  # every figure of the theme (here one a row), after the header


def diagnosis(w, count: int, visibility: str = "territory") -> list:
    from concertation.knowledge.services.documents import document_add

    return [document_add(space=w.assembly, by=w.member, title=f"Diagnostic partagé {n}", kind="portrait",
                         visibility=visibility, url=f"https://example.org/diagnostic-{n}") for n in range(count)]


def test_the_diagnosis_documents_are_beside_the_figures_for_who_may_see_them(w, client):
    (members_only,) = diagnosis(w, 1, visibility="space")
    from concertation.knowledge.services.documents import document_add

    document_add(space=w.assembly, by=w.member, title="Un autre rapport", kind="report", visibility="public",
                 url="https://example.org/rapport")
    client.force_login(w.member)
    body = client.get(url(w.territory)).content.decode()
    assert "Diagnostic partagé 0" in body and "Un autre rapport" not in body
    assert reverse("documents:document", kwargs={"territory": w.territory.slug, "space": w.assembly.slug,
                                                 "pk": members_only.pk}) in body
    assert reverse("territory_documents:library", kwargs={"territory": w.territory.slug}) + "?type=portrait" in body
    client.logout()
    body = client.get(url(w.territory)).content.decode()
    assert "Diagnostic partagé 0" not in body and 'id="diagnostic-partage"' not in body


def test_the_coordinator_adds_changes_and_removes_a_figure(w, client):
    client.force_login(w.coordinator)
    response = client.post(url(w.territory, "portrait:figure_add"), {
        "theme": "Logement", "label": "Loyer médian", "value": "1 050", "unit": "$", "year": "2021",
        "geography": "Quartier", "source": "SCHL", "source_url": "https://www.cmhc-schl.gc.ca/"})
    assert response.status_code == 302
    added = Figure.objects.get(territory=w.territory, label="Loyer médian")
    assert added.value == Decimal("1050")
    # The same key again is refused next to the field, nothing typed is lost.
    response = client.post(url(w.territory, "portrait:figure_add"), {
        "theme": "Logement", "label": "Loyer médian", "value": "999", "unit": "$", "year": "2021",
        "geography": "Quartier"})
    assert response.status_code == 200 and "déjà" in response.content.decode()
    assert Figure.objects.filter(label="Loyer médian").count() == 1
    edit = url(w.territory, "portrait:figure_edit", pk=added.pk)
    assert 'value="1050"' in client.get(edit).content.decode()
    response = client.post(edit, {"theme": "Logement", "label": "Loyer médian", "value": "1 075,50", "unit": "$",
                                  "year": "2021", "geography": "Quartier"})
    assert response.status_code == 302
    added.refresh_from_db()
    assert added.value == Decimal("1075.5") and added.source == ""
    response = client.post(url(w.territory, "portrait:figure_delete", pk=added.pk))
    assert response.status_code == 302 and not Figure.objects.filter(pk=added.pk).exists()
    actions = list(AuditEvent.objects.filter(territory_id=w.territory.pk).order_by("id")
                   .values_list("action", flat=True))
    assert actions == ["portrait.figure_added", "portrait.figure_changed", "portrait.figure_deleted"]


def test_a_member_may_not_change_the_portrait(w, client):
    kept = figure(w.territory)
    client.force_login(w.member)
    assert client.get(url(w.territory, "portrait:figure_add")).status_code == 404
    assert client.post(url(w.territory, "portrait:figure_delete", pk=kept.pk)).status_code == 404
    assert Figure.objects.filter(pk=kept.pk).exists()
    assert url(w.territory, "portrait:figure_add") not in client.get(url(w.territory)).content.decode()


def test_hostile_text_in_every_field_is_shown_escaped_in_the_chart_and_the_table(w, client):
    payload = XSS["svg_script"] + XSS["attr_double"]
    for year in (2016, 2021):
        figure(w.territory, theme=payload[:120], label=("L " + payload)[:250], unit=payload[:40], year=year,
               geography=("G " + payload)[:160], source=("S " + payload)[:250],
               source_url="https://exemple.org/?q=%22%3E%3Cscript%3E")
    client.force_login(w.coordinator)
    body = client.get(url(w.territory)).content.decode()
    assert "<script>window.__xss++" not in body
    assert "onerror=window.__xss++>" not in body.replace("&gt;", "")  # only ever as escaped text
    assert "<img src=x" not in body
    assert html.escape("<svg><script>", quote=False) in body or "&lt;svg&gt;&lt;script&gt;" in body
    # Inside the SVG too: the chart's text is escaped.
    chart = body[body.index('<svg class="portrait-chart"'):body.index("</svg>")]
    assert "&lt;svg&gt;" in chart and "<script" not in chart


def test_a_look_alike_label_is_refused(w, client):
    client.force_login(w.coordinator)
    response = client.post(url(w.territory, "portrait:figure_add"), {
        "theme": "Logement", "label": "Ménages\u200blocataires", "value": "72", "year": "2021"})
    assert response.status_code == 200 and not Figure.objects.exists()


def test_a_citation_source_is_counted_for_the_spaces_the_reader_may_open_in_the_same_queries(client, monkeypatch):
    """Issue 20: with a source (figure → citing space), the portrait counts the citations with the
    territory's spaces it reads anyway: the same queries whether a figure shown is cited or not."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from concertation.knowledge import portrait_citations
    from concertation.spaces.models import Space
    from tests.factories import SpaceFactory

    w = make_world()
    committee = SpaceFactory(territory=w.territory, slug="comite", visibility=Space.Visibility.MEMBERS)
    cited = figure(w.territory, label="Sorties sans diplôme", value="19")
    citations: list[tuple[int, int]] = []
    monkeypatch.setattr(portrait_citations, "_counters", [])
    monkeypatch.setattr(portrait_citations, "_sources", [
        lambda ids: [(figure_id, space_id) for figure_id, space_id in citations if figure_id in ids]])

    def page(user=None) -> tuple[str, int]:
        client.logout()
        if user is not None:
            client.force_login(user)
        client.get(url(w.territory))
        with CaptureQueriesContext(connection) as queries:
            body = client.get(url(w.territory)).content.decode()
        return body, len(queries)

    _body, without = page(w.coordinator)
    citations += [(cited.pk, w.assembly.pk), (cited.pk, w.assembly.pk), (cited.pk, committee.pk)]
    body, with_citations = page(w.coordinator)
    assert "Cité par 3 éléments du plan" in body and with_citations == without
    assert "Cité par 2 éléments du plan" in page()[0]  # a visitor: not the members-only committee's
