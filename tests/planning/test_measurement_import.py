"""Importing measurements from CSV or XLSX: all or nothing, with the errors of each row."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from concertation.core.tabular import ImportRefused
from concertation.planning import services
from concertation.planning.measurements_import import MeasurementImport
from concertation.planning.models import Measurement, Revision
from tests.factories import DelegationFactory, MembershipFactory
from tests.planning.test_indicators import build, plain, text

CSV_OK = (
    "Indicateur;Date;Valeur;Note\n"
    "Ménages accompagnés;2024-06-30;250;Registre de la clinique\n"
    "menages ACCOMPAGNES;2025-06-30;1 262,5;\n"
    "Taux de décrochage scolaire;2025-06-30;18,4 %;Ministère\n"
)


@pytest.fixture
def plan(world):
    return build(world, adopt=True)


def run(plan, content, *, filename="mesures.csv", user=None):
    importer = MeasurementImport(plan.plan, user)
    table = importer.read(content, filename=filename)
    return importer, importer.preview(table), table


def xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_valid_csv_is_previewed_then_imported(plan, world):
    importer, preview, table = run(plan, CSV_OK.encode("utf-8"))
    assert preview.ok and len(preview.results) == 3
    assert plain(preview.results[1].actions[0]) == ("Ajouter à « Ménages accompagnés » : 1 262,5 ménages par année "
                                                    "le lundi 30 juin 2025")
    assert not Measurement.objects.exists()  # a preview writes nothing
    importer.apply(table, by=world.coordinator)
    assert importer.count == 3
    values = dict(Measurement.objects.values_list("indicator__name", "value").filter(date=date(2025, 6, 30)))
    assert values == {"Ménages accompagnés": Decimal("1262.5"), "Taux de décrochage scolaire": Decimal("18.4")}
    assert Measurement.objects.get(date=date(2024, 6, 30)).note == "Registre de la clinique"
    assert set(Measurement.objects.values_list("recorded_by", flat=True)) == {world.coordinator.pk}
    assert not Revision.objects.exists()  # measurements are not revisions


def test_a_valid_xlsx_with_english_headers_and_ids(plan, world):
    today = timezone.localdate()
    content = xlsx([
        ["Indicator", "Value", "Date", "Comment"],
        [str(plan.households.pk), 240, date(2024, 1, 31), "First"],
        ["Taux de décrochage scolaire", 18.7, "2024-06-30", None],
        [None, None, None, None],
        ["Ménages accompagnés", "245,5", today.isoformat(), ""],
    ])
    importer, preview, table = run(plan, content, filename="mesures.xlsx")
    assert table.format == "xlsx"
    assert preview.ok, [r.errors for r in preview.results]
    importer.apply(table, by=world.coordinator)
    assert Measurement.objects.count() == 3
    assert Measurement.objects.get(indicator=plan.dropout).value == Decimal("18.7")
    assert Measurement.objects.get(indicator=plan.households, date=date(2024, 1, 31)).note == "First"


def test_bad_rows_are_listed_and_nothing_is_imported(plan, world):
    services.measurement_add(indicator=plan.households, date=date(2024, 6, 30), value=250)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    content = (
        "Indicateur,Date,Valeur\n"
        "Ménages accompagnés,2025-06-30,262\n"          # 2: fine
        "Ménages accompagnés,2024-06-30,251\n"          # 3: that date already has its measurement
        "Logements sociaux,2025-06-30,12\n"             # 4: unknown indicator
        "Ménages accompagnés,30/06/2025,262\n"          # 5: not AAAA-MM-JJ
        "Ménages accompagnés,2025-06-30,263\n"          # 6: same indicator and date as line 2
        "Taux de décrochage scolaire,2025-06-30,bas\n"  # 7: not a number
        f"Taux de décrochage scolaire,{tomorrow},18\n"  # 8: in the future
        "Taux de décrochage scolaire,2025-03-31,\n"     # 9: no value
    ).encode()
    importer, preview, table = run(plan, content)
    assert not preview.ok
    errors = {result.row.number: plain(" | ".join(result.errors)) for result in preview.results}
    assert errors[2] == ""
    assert "Une mesure existe déjà pour « Ménages accompagnés »" in errors[3]
    assert errors[4].startswith("Indicateur inconnu « Logements sociaux ». Indicateurs de ce plan : "
                                "« Ménages accompagnés », « Taux de décrochage scolaire ».")
    assert "écrivez-la AAAA-MM-JJ" in errors[5]
    assert "La ligne 2 donne déjà une mesure de « Ménages accompagnés »" in errors[6]
    assert "« bas » n'est pas un nombre" in errors[7]
    assert "dans le futur" in errors[8]
    assert "indiquez la valeur mesurée" in errors[9]
    assert preview.error_count == 7
    with pytest.raises(ImportRefused):
        importer.apply(table, by=world.coordinator)
    assert Measurement.objects.count() == 1  # only the one recorded before


def test_a_file_not_in_utf8_is_refused_with_how_to_fix_it(plan):
    content = "Indicateur;Date;Valeur\nMénages accompagnés;2025-06-30;262\n".encode("cp1252")
    _importer, preview, table = run(plan, content)
    assert not preview.ok and not preview.results
    assert "n'est pas encodé en UTF-8" in plain(table.errors[0]) and "CSV UTF-8" in table.errors[0]


def test_a_missing_column_is_refused(plan):
    _importer, preview, table = run(plan, b"Indicateur;Date\nM\xc3\xa9nages accompagn\xc3\xa9s;2025-06-30\n")
    assert not preview.ok
    assert plain(table.errors[0]).startswith("Il manque la colonne obligatoire « Valeur ».")


def test_a_delegate_imports_only_the_indicators_of_their_organization(plan, world):
    membership = MembershipFactory(space=world.assembly, organization=plan.housing)
    DelegationFactory(membership=membership, person=world.citizen)
    _importer, preview, _table = run(plan, CSV_OK.encode("utf-8"), user=world.citizen)
    assert [bool(result.errors) for result in preview.results] == [False, False, True]
    assert "Vous ne pouvez pas saisir les mesures de « Taux de décrochage scolaire »" in plain(
        preview.results[2].errors[0])


# The pages: upload → preview → confirm ----------------------------------------------------------

def url(world, plan, name="measurement_import"):
    return reverse(f"planning:{name}", kwargs={"territory": world.territory.slug, "space": world.assembly.slug,
                                               "plan": plan.plan.pk})


def test_upload_preview_and_confirm_through_the_pages(plan, world, client_for):
    client = client_for(world.coordinator)
    page = client.get(url(world, plan))
    assert page.status_code == 200
    assert "Les colonnes" in text(page) and "Taux de décrochage scolaire" in text(page)
    upload = SimpleUploadedFile("mesures.csv", CSV_OK.encode("utf-8"), content_type="text/csv")
    preview = client.post(url(world, plan), {"step": "upload", "file": upload})
    assert preview.status_code == 200
    assert "Le fichier est valide : 3 mesures prêtes à importer." in text(preview)
    assert not Measurement.objects.exists()
    token = preview.context["token"]
    response = client.post(url(world, plan), {"step": "confirm", "token": token})
    assert response.status_code == 302
    assert response["Location"] == url(world, plan, "dashboard")
    assert Measurement.objects.count() == 3
    # The same confirmation twice does nothing more.
    client.post(url(world, plan), {"step": "confirm", "token": token})
    assert Measurement.objects.count() == 3


def test_a_file_with_errors_shows_them_and_offers_no_confirmation(plan, world, client_for):
    client = client_for(world.coordinator)
    content = "Indicateur;Date;Valeur\nInconnu;2025-06-30;1\nMénages accompagnés;2025-06-30;2\n".encode()
    response = client.post(url(world, plan), {"step": "upload",
                                              "file": SimpleUploadedFile("m.csv", content, content_type="text/csv")})
    page = text(response)
    assert "1 ligne sur 2 a une erreur." in page and "Indicateur inconnu « Inconnu »" in page
    assert 'value="confirm"' not in page
    assert not Measurement.objects.exists()


def test_the_templates_download_and_read_back(plan, world, client_for):
    client = client_for(world.coordinator)
    response = client.get(url(world, plan, "measurement_template_csv"))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbfIndicateur;Date;Valeur;Note")
    assert "Ménages accompagnés" in content.decode("utf-8-sig")
    response = client.get(url(world, plan, "measurement_template_xlsx"))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [cell.value for cell in workbook.active[1]] == ["Indicateur", "Date", "Valeur", "Note"]


def test_the_import_is_out_of_reach_for_a_member_who_records_nothing(plan, world, client_for):
    client = client_for(world.delegate)
    assert client.get(url(world, plan)).status_code == 404
    assert client.get(url(world, plan, "measurement_template_csv")).status_code == 404
