"""The portrait's import: CSV and XLSX, French or English headers, row errors named by line, all or
nothing, figures of the same key replaced (the preview says which are new and which change)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from concertation.core.models import AuditEvent
from concertation.core.tabular import ImportRefused, template_csv
from concertation.knowledge.models import Figure
from concertation.knowledge.portrait_import import COLUMNS, FigureImport, template_examples

from .portrait_helpers import (
    EN_HEADER,
    FR_HEADER,
    GOOD_ROWS,
    csv_bytes,
    figure,
    make_world,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return make_world()


def run(territory, data, filename="portrait.csv"):
    importer = FigureImport(territory, filename=filename)
    return importer, importer.apply(importer.read(data, filename=filename))


def test_a_valid_csv_adds_every_figure(w):
    importer, preview = run(w.territory, csv_bytes(FR_HEADER, GOOD_ROWS))
    assert preview.applied and importer.added == 4 and importer.replaced == 0
    population = Figure.objects.get(territory=w.territory, label="Population totale", year=2021)
    assert population.value == Decimal("38200") and population.unit == "personnes"
    assert population.source_url.startswith("https://www12.statcan.gc.ca/")
    assert Figure.objects.get(label="Revenu médian des ménages").geography == ""
    event = AuditEvent.objects.get(action="portrait.imported")
    assert event.details["added"] == 4 and event.territory_id == w.territory.pk


def test_a_valid_xlsx_with_english_headers_is_read_the_same(w):
    rows = [[*row[:2], 38200 if n == 0 else row[2], *row[3:4], int(row[4]), *row[5:]]
            for n, row in enumerate(GOOD_ROWS)]
    importer, preview = run(w.territory, xlsx_bytes(EN_HEADER, rows), filename="portrait.xlsx")
    assert preview.table.format == "xlsx" and preview.applied
    assert Figure.objects.filter(territory=w.territory).count() == 4
    assert Figure.objects.get(label="Population totale", year=2021).value == Decimal("38200")


def test_row_errors_are_named_by_line_and_nothing_is_written(w):
    rows = [
        GOOD_ROWS[0],
        ["Logement", "", "72", "%", "2021", "", "", ""],                          # line 3: no label
        ["Logement", "Loyer médian", "beaucoup", "$", "2021", "", "", ""],        # line 4: not a number
        ["Logement", "Loyer médian", "950", "$", "21", "", "", ""],               # line 5: not a year
        ["Logement", "Loyer médian", "950", "$", "2021", "", "", "javascript:alert(1)"],  # line 6: a bad link
        GOOD_ROWS[0],                                                              # line 7: the same key again
        ["Logement", "Rapport \u202egpj.exe", "1", "", "2021", "", "", ""],      # line 8: an override
    ]
    with pytest.raises(ImportRefused) as refused:
        run(w.territory, csv_bytes(FR_HEADER, rows))
    errors = {result.row.number: " ".join(result.errors) for result in refused.value.preview.error_rows}
    assert sorted(errors) == [3, 4, 5, 6, 7, 8]
    assert "Libellé" in errors[3]
    assert "beaucoup" in errors[4] and "nombre" in errors[4]
    assert "année" in errors[5]
    assert "adresse web" in errors[6]
    assert "ligne 2" in errors[7].lower()
    assert not Figure.objects.exists()
    assert not AuditEvent.objects.filter(action="portrait.imported").exists()


def test_a_missing_required_column_refuses_the_file(w):
    with pytest.raises(ImportRefused) as refused:
        run(w.territory, csv_bytes(["Thème", "Libellé", "Valeur"], [["Logement", "Loyer", "950"]]))
    assert "Année" in " ".join(refused.value.preview.table.errors)
    assert not Figure.objects.exists()


def test_an_import_replaces_the_figure_of_the_same_key_and_the_preview_says_so(w):
    kept = figure(w.territory, label="Ménages locataires", value="70", year=2021, geography="Quartier")
    same = figure(w.territory, theme="Population", label="Population totale", value="38200", unit="personnes",
                  year=2021, geography="Quartier")
    other_year = figure(w.territory, label="Ménages locataires", value="68", year=2016, geography="Quartier")
    importer = FigureImport(w.territory)
    preview = importer.preview(importer.read(csv_bytes(FR_HEADER, GOOD_ROWS)))
    actions = {result.row.number: result.actions[0] for result in preview.results}
    assert actions[2].startswith("Déjà au portrait")
    assert actions[3].startswith("Nouveau chiffre")
    assert actions[4].startswith("Remplace") and "70" in actions[4] and "72" in actions[4]
    importer, applied = run(w.territory, csv_bytes(FR_HEADER, GOOD_ROWS))
    assert (importer.added, importer.replaced) == (2, 2)
    kept.refresh_from_db()
    same.refresh_from_db()
    other_year.refresh_from_db()
    assert kept.value == Decimal("72") and other_year.value == Decimal("68")
    assert Figure.objects.filter(territory=w.territory).count() == 5


def test_the_pages_preview_then_confirm(w, client):
    client.force_login(w.coordinator)
    url = reverse("portrait:import", kwargs={"territory": w.territory.slug})
    assert client.get(url).status_code == 200
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("portrait.csv", csv_bytes(FR_HEADER, GOOD_ROWS), content_type="text/csv")
    response = client.post(url, {"step": "upload", "file": upload})
    assert response.status_code == 200 and not Figure.objects.exists()
    token = response.context["token"]
    assert token and "Nouveau chiffre" in response.content.decode()
    response = client.post(url, {"step": "confirm", "token": token})
    assert response.status_code == 302
    assert response["Location"] == reverse("portrait:index", kwargs={"territory": w.territory.slug})
    assert Figure.objects.filter(territory=w.territory).count() == 4


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_templates_download_in_both_languages(w, client):
    client.force_login(w.coordinator)
    kwargs = {"territory": w.territory.slug}
    body = _body(client.get(reverse("portrait:template_csv", kwargs=kwargs)))
    assert body.decode("utf-8-sig").splitlines()[0].startswith("Thème;Libellé;Valeur")
    with translation.override("en"):
        english = template_csv(COLUMNS, template_examples()).decode("utf-8-sig")
    assert english.splitlines()[0].startswith("Theme,Label,Value")
    xlsx = client.get(reverse("portrait:template_xlsx", kwargs=kwargs))
    assert xlsx.status_code == 200 and _body(xlsx).startswith(b"PK")
    # The template, filled in as it is, imports.
    importer, preview = run(w.territory, body)
    assert preview.applied and importer.added == 2


@pytest.mark.parametrize("language, text, value", [
    ("fr", "12 345", "12345"), ("fr", "23,4", "23.4"), ("fr", "23,4 %", "23.4"), ("fr", "12\u00a0345,5", "12345.5"),
    ("en", "12,345", "12345"), ("en", "23.4", "23.4"), ("en", "1,234.5", "1234.5"), ("fr", "1 234,5 $", "1234.5"),
])
def test_values_are_read_as_people_write_them(language, text, value):
    from concertation.knowledge.services.portrait import parse_value

    with translation.override(language):
        assert parse_value(text) == Decimal(value)


def test_importing_the_same_file_twice_replaces_nothing(w):
    run(w.territory, csv_bytes(FR_HEADER, GOOD_ROWS))
    importer, preview = run(w.territory, csv_bytes(FR_HEADER, GOOD_ROWS))
    assert (importer.added, importer.replaced) == (0, 0)
    assert all(result.actions[0].startswith("Déjà au portrait") for result in preview.results)
    assert Figure.objects.filter(territory=w.territory).count() == 4
