"""Import of organizations and memberships: all or nothing, row errors, formats, pages."""

import html
import io
from datetime import date

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from concertation.core.tabular import ImportRefused, read_table
from concertation.directory.models import Organization, Sector
from concertation.spaces.imports import COLUMNS, OrganizationImport
from concertation.spaces.models import Delegation, Invitation, Membership, MembershipCategory
from tests.factories import (
    CollegeFactory,
    MembershipFactory,
    OrganizationFactory,
    RoleAssignmentFactory,
    RoleFactory,
    SectorFactory,
    SpaceFactory,
    TerritoryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SITE_URL = "https://concertation.test"  # the links of the invitations the import sends

FR_HEADER = ["Organisme", "Sigle", "Secteur", "Collège", "Espace", "Catégorie", "Courriel de la personne déléguée",
             "Personne déléguée", "Courriel du substitut", "Substitut", "Début"]
EN_HEADER = ["Organization", "Acronym", "Sector", "College", "Space", "Category", "Delegate e-mail",
             "Delegate name", "Alternate e-mail", "Alternate name", "Start date"]
GOOD_ROWS = [
    ["Carrefour familial des Hérons", "CFH", "Famille", "Communautaire", "assemblee", "votant",
     "marie@example.org", "Marie Tremblay", "karim@example.org", "Karim Benali", "2025-09-18"],
    ["Centraide", "", "Bailleur", "", "Assemblée des partenaires", "observatrice", "", "", "", "", ""],
    ["CLSC des Hérons", "CLSC", "Santé", "institutionnel", "comite", "invité", "existing@example.org", "",
     "", "", ""],
]


@pytest.fixture
def world():
    territory = TerritoryFactory(name="Pointe-aux-Hérons", slug="pointe")
    coordinator = UserFactory(email="coord@example.org")
    territory.coordinators.add(coordinator)
    assembly = SpaceFactory(territory=territory, name="Assemblée des partenaires", slug="assemblee")
    # A person of the territory (she holds a role there): named delegate at once.
    existing = UserFactory(email="existing@example.org", display_name="Personne existante")
    RoleAssignmentFactory(role=RoleFactory(space=assembly, name="Trésorerie"), person=existing)
    return type("World", (), {
        "territory": territory,
        "coordinator": coordinator,
        "assembly": assembly,
        "committee": SpaceFactory(territory=territory, name="Comité de coordination", slug="comite"),
        "community": CollegeFactory(territory=territory, name="Communautaire", slug="communautaire"),
        "institutional": CollegeFactory(territory=territory, name="Institutionnel", slug="institutionnel"),
        "family": SectorFactory(territory=territory, name="Famille"),
        "existing": existing,
    })


def csv_bytes(header, rows, delimiter=",", encoding="utf-8"):
    import csv

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(header, rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([date.fromisoformat(v) if i == len(row) - 1 and v else v for i, v in enumerate(row)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(territory, data, filename="membres.csv", by=None):
    importer = OrganizationImport(territory)
    return importer, importer.apply(importer.read(data, filename=filename), by=by)


def counts():
    return (Organization.objects.count(), Membership.objects.count(), Delegation.objects.count(),
            User.objects.count(), Sector.objects.count(), Invitation.objects.count())


def assert_good_rows_imported(world):
    cfh = Organization.objects.get(territory=world.territory, name="Carrefour familial des Hérons")
    assert (cfh.acronym, cfh.sector, cfh.college) == ("CFH", world.family, world.community)
    membership = Membership.objects.get(space=world.assembly, organization=cfh)
    assert membership.category == MembershipCategory.VOTING and membership.start == date(2025, 9, 18)
    # Marie and Karim are not people of the territory: they are invited, not enrolled, and no
    # account is made for them.
    assert not membership.delegations.exists()
    assert set(Invitation.objects.filter(space=world.assembly, organization=cfh, accepted_at__isnull=True)
               .values_list("email", "invited_as")) == {("marie@example.org", "delegate"),
                                                        ("karim@example.org", "alternate")}
    assert not User.objects.filter(email__in=["marie@example.org", "karim@example.org"]).exists()
    centraide = Membership.objects.get(space=world.assembly, organization__name="Centraide")
    assert centraide.category == MembershipCategory.OBSERVER and centraide.start == date.today()
    assert centraide.organization.sector.name == "Bailleur"  # a new sector is created
    clsc = Membership.objects.get(space=world.committee, organization__name="CLSC des Hérons")
    assert clsc.category == MembershipCategory.GUEST
    assert clsc.organization.college == world.institutional
    assert clsc.delegations.get().person == world.existing
    assert world.existing.display_name == "Personne existante"


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_valid_csv_imports_organizations_memberships_delegates_and_alternates(world, delimiter):
    importer, preview = run(world.territory, csv_bytes(FR_HEADER, GOOD_ROWS, delimiter))
    assert preview.applied and preview.error_count == 0
    assert_good_rows_imported(world)
    assert importer.stats == {"organizations_created": 3, "organizations_updated": 0, "memberships": 3,
                              "invitations": 2, "sectors": 2}


def test_english_headers_and_words(world):
    rows = [row[:] for row in GOOD_ROWS]
    rows[0][5], rows[1][5], rows[2][5] = "Voting", "observer", "GUEST"
    _importer, preview = run(world.territory, csv_bytes(EN_HEADER, rows))
    assert preview.applied
    assert_good_rows_imported(world)


def test_xlsx_imports_the_same(world):
    _importer, preview = run(world.territory, xlsx_bytes(EN_HEADER, GOOD_ROWS), filename="members.xlsx")
    assert preview.table.format == "xlsx" and preview.applied
    assert_good_rows_imported(world)


def test_three_bad_rows_give_three_row_errors_and_import_nothing(world):
    MembershipFactory(space=world.assembly, organization=OrganizationFactory(territory=world.territory,
                                                                             name="Déjà membre"))
    rows = GOOD_ROWS + [
        ["Mauvais courriel", "", "", "", "assemblee", "", "pas-un-courriel", "", "", "", ""],
        ["Espace inconnu", "", "", "", "nulle-part", "votant", "", "", "", "", ""],
        ["déjà MEMBRE", "", "", "", "assemblee", "", "", "", "", "", "18/09/2025"],
    ]
    before = counts()
    importer = OrganizationImport(world.territory)
    table = importer.read(csv_bytes(FR_HEADER, rows))
    preview = importer.preview(table)
    assert [result.row.number for result in preview.error_rows] == [5, 6, 7]
    assert preview.error_count == 3 and not preview.ok
    assert "pas-un-courriel" in preview.error_rows[0].errors[0]
    assert "nulle-part" in preview.error_rows[1].errors[0] and "Comité de coordination" in preview.error_rows[1].errors[0]
    assert any("AAAA-MM-JJ" in error for error in preview.error_rows[2].errors)
    assert any("déjà une adhésion" in error for error in preview.error_rows[2].errors)
    with pytest.raises(ImportRefused) as refused:
        importer.apply(table)
    assert refused.value.preview.error_count == 3
    assert counts() == before


@pytest.mark.parametrize("row, message", [
    (["Org", "", "", "Inconnu", "", "", "", "", "", "", ""], "Communautaire"),
    (["Org", "", "", "", "assemblee", "membre à vie", "", "", "", "", ""], "observateur"),
    (["Org", "", "", "", "", "votant", "", "", "", "", ""], "Espace"),
    (["Org", "", "", "", "assemblee", "", "a@example.org", "", "A@example.org", "", ""], "deux personnes"),
    (["Org", "", "", "", "assemblee", "", "", "Sans Courriel", "", "", ""], "Sans Courriel"),
    (["", "", "", "", "assemblee", "", "", "", "", "", ""], "nom de l'organisme"),
])
def test_row_errors_say_what_to_fix(world, row, message):
    importer = OrganizationImport(world.territory)
    with translation.override("fr-ca"):
        preview = importer.preview(importer.read(csv_bytes(FR_HEADER, [row])))
    assert preview.error_count == 1
    assert message in " ".join(preview.error_rows[0].errors)


def test_same_organization_in_two_spaces_but_not_twice_in_one(world):
    rows = [GOOD_ROWS[0], ["carrefour familial des herons", "", "", "", "comite", "", "", "", "", "", ""]]
    _importer, preview = run(world.territory, csv_bytes(FR_HEADER, rows))
    assert preview.applied
    organization = Organization.objects.get(name="Carrefour familial des Hérons")
    assert set(organization.memberships.values_list("space__slug", flat=True)) == {"assemblee", "comite"}

    importer = OrganizationImport(world.territory)
    rows = [GOOD_ROWS[1], ["CENTRAIDE", "", "Autre secteur", "", "assemblee", "", "", "", "", "", ""]]
    preview = importer.preview(importer.read(csv_bytes(FR_HEADER, rows)))
    assert [r.row.number for r in preview.error_rows] == [3]
    assert "ligne 2" in " ".join(preview.error_rows[0].errors)


def test_existing_organization_is_updated_not_duplicated(world):
    existing = OrganizationFactory(territory=world.territory, name="Carrefour familial des Hérons", acronym="",
                                   website="https://ancien.example.org")
    rows = [["CARREFOUR FAMILIAL DES HERONS", "CFH", "", "", "", "", "", "", "", "", ""]]
    importer = OrganizationImport(world.territory)
    preview = importer.preview(importer.read(csv_bytes(FR_HEADER, rows)))
    assert "Sigle" in preview.results[0].actions[0]
    importer.apply(importer.read(csv_bytes(FR_HEADER, rows)))
    existing.refresh_from_db()
    assert (existing.acronym, existing.website) == ("CFH", "https://ancien.example.org")
    assert Organization.objects.filter(territory=world.territory).count() == 1


def test_wrong_encoding_is_refused_and_nothing_imported(world):
    before = counts()
    with pytest.raises(ImportRefused) as refused:
        run(world.territory, csv_bytes(FR_HEADER, GOOD_ROWS, ";", encoding="cp1252"))
    assert "UTF-8" in refused.value.preview.table.errors[0]
    assert counts() == before


def test_missing_required_column_is_named(world):
    header = FR_HEADER[1:]
    rows = [row[1:] for row in GOOD_ROWS]
    with translation.override("fr-ca"), pytest.raises(ImportRefused) as refused:
        run(world.territory, csv_bytes(header, rows))
    assert "« Organisme »" in refused.value.preview.table.errors[0].replace("\u00a0", " ")
    with translation.override("en"), pytest.raises(ImportRefused) as refused:
        run(world.territory, csv_bytes(header, rows))
    assert "Organization" in refused.value.preview.table.errors[0]


def test_validation_queries_do_not_grow_with_rows(world, django_assert_max_num_queries):
    def rows(n):
        return [[f"Organisme {i}", "", "Famille", "Communautaire", "assemblee", "votant", f"d{i}@example.org",
                 f"Personne {i}", f"a{i}@example.org", "", "2025-01-01"] for i in range(n)]

    for n in (5, 50):
        importer = OrganizationImport(world.territory)
        table = importer.read(csv_bytes(FR_HEADER, rows(n)))
        with django_assert_max_num_queries(7):
            preview = importer.preview(table)
        assert preview.ok


# Pages ------------------------------------------------------------------------------------------

def url(world, name="spaces:import"):
    return reverse(name, kwargs={"territory": world.territory.slug})


def upload(client, world, data, name="membres.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(url(world), {"step": "upload", "file": SimpleUploadedFile(name, data)})


def test_upload_preview_then_confirm(world, client):
    client.force_login(world.coordinator)
    assert client.get(url(world)).status_code == 200
    before = counts()
    response = upload(client, world, csv_bytes(FR_HEADER, GOOD_ROWS, ";"))
    assert response.status_code == 200
    assert "Importer les 3 lignes" in response.content.decode()
    assert counts() == before  # the preview writes nothing
    token = response.context["token"]
    response = client.post(url(world), {"step": "confirm", "token": token}, follow=True)
    assert response.redirect_chain == [(reverse("spaces:organizations", args=["pointe"]), 302)]
    assert "3\u00a0organismes créés" not in response.content.decode()  # counts are plain numbers
    assert "3 organismes créés, 3 adhésions ajoutées, 2 invitations envoyées" in response.content.decode()
    assert_good_rows_imported(world)
    # The kept file is gone: confirming again imports nothing more.
    response = client.post(url(world), {"step": "confirm", "token": token})
    assert response.status_code == 302 and response.url == url(world)
    assert Membership.objects.count() == 3


def test_large_file_is_kept_in_storage_between_preview_and_confirm(world, client, settings):
    client.force_login(world.coordinator)
    # An ignored "Notes" column makes the file larger than what the session keeps.
    padding = [["", "", "", "", "", "", "", "", "", "", "", "x" * 5000]] * 250
    data = csv_bytes(FR_HEADER + ["Notes"], [row + [""] for row in GOOD_ROWS] + padding)
    assert len(data) > 1024 * 1024
    response = upload(client, world, data)
    assert response.context["preview"].ok
    stored = list((settings.MEDIA_ROOT / "imports").iterdir())
    assert len(stored) == 1
    response = client.post(url(world), {"step": "confirm", "token": response.context["token"]})
    assert response.status_code == 302
    assert_good_rows_imported(world)
    assert list((settings.MEDIA_ROOT / "imports").iterdir()) == []


def test_confirm_checks_again_and_imports_nothing_when_data_changed(world, client):
    client.force_login(world.coordinator)
    response = upload(client, world, csv_bytes(FR_HEADER, GOOD_ROWS))
    assert response.context["preview"].ok
    # Meanwhile, someone adds Centraide to the assembly.
    MembershipFactory(space=world.assembly, organization=OrganizationFactory(territory=world.territory,
                                                                             name="Centraide"))
    before = counts()
    response = client.post(url(world), {"step": "confirm", "token": response.context["token"]})
    assert response.status_code == 200
    preview = response.context["preview"]
    assert not preview.applied and [r.row.number for r in preview.error_rows] == [3]
    assert "Rien n'a été importé" in html.unescape(response.content.decode())
    assert counts() == before


def test_three_bad_rows_on_the_preview_page(world, client):
    client.force_login(world.coordinator)
    rows = GOOD_ROWS + [["", "", "", "", "assemblee", "", "", "", "", "", ""],
                        ["X", "", "", "Inconnu", "", "", "", "", "", "", ""],
                        ["Y", "", "", "", "assemblee", "membre", "", "", "", "", ""]]
    before = counts()
    response = upload(client, world, csv_bytes(FR_HEADER, rows, ";"))
    content = response.content.decode()
    assert content.count("badge-danger") == 3
    assert "3 lignes sur 6 ont une erreur." in content
    assert response.context["token"] is None
    assert counts() == before


def test_preview_page_with_errors_keeps_nothing_and_lists_every_row(world, client):
    client.force_login(world.coordinator)
    rows = GOOD_ROWS + [["Espace inconnu", "", "", "", "nulle-part", "", "", "", "", "", ""]]
    response = upload(client, world, csv_bytes(FR_HEADER, rows))
    content = response.content.decode()
    assert response.context["token"] is None
    assert 'id="ligne-5"' in content and 'id="ligne-2"' in content
    assert "nulle-part" in content
    assert "Importer les" not in content
    assert client.post(url(world), {"step": "confirm", "token": "x"}).status_code == 302
    assert Organization.objects.count() == 0


@pytest.mark.parametrize("name, data, message", [
    ("membres.xls", b"\xd0\xcf\x11\xe0", ".xlsx"),
    ("membres.pdf", b"%PDF-1.4", ".xlsx"),
    ("membres.csv", "Organisme\nÉcole\n".encode("latin-1"), "UTF-8"),
    ("membres.xlsx", b"Organisme\nEcole\n", "Excel"),
    ("membres.csv", b"Sigle\nCFH\n", "Organisme"),
])
def test_bad_files_get_a_clear_message_and_change_nothing(world, client, name, data, message):
    client.force_login(world.coordinator)
    response = upload(client, world, data, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Organization.objects.count() == 0


def test_file_too_large_is_refused(world, client, monkeypatch):
    monkeypatch.setattr("concertation.spaces.forms.MAX_BYTES", 100)
    client.force_login(world.coordinator)
    response = upload(client, world, csv_bytes(FR_HEADER, GOOD_ROWS * 5))
    assert "Mo" in response.content.decode() and response.context["form"].errors


@pytest.mark.parametrize("language", ["fr-ca", "en"])
@pytest.mark.parametrize("name", ["spaces:import_template_csv", "spaces:import_template_xlsx"])
def test_templates_download_in_the_persons_language_and_validate(world, client, name, language):
    world.coordinator.preferred_language = language
    world.coordinator.save()
    client.force_login(world.coordinator)
    response = client.get(url(world, name))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    with translation.override(language):
        table = read_table(data, columns=COLUMNS, filename=name[-4:])
        assert table.errors == [] and table.ignored_headers == []
        preview = OrganizationImport(world.territory).preview(table)
    assert preview.ok, [r.errors for r in preview.results]
    assert preview.results[0].data["space"] == world.assembly
    headers = openpyxl.load_workbook(io.BytesIO(data)).active[1] if name.endswith("xlsx") else None
    first = headers[0].value if headers else data.decode("utf-8-sig").split("\r\n")[0]
    assert first.startswith("Organization" if language == "en" else "Organisme")


def test_template_neutralizes_formula_cells(world, client):
    world.community.name = "+cmd|' /C calc'!A0"
    world.community.save()
    client.force_login(world.coordinator)
    data = b"".join(client.get(url(world, "spaces:import_template_csv")).streaming_content).decode("utf-8-sig")
    assert "'+cmd" in data and ";+cmd" not in data


def test_non_coordinator_gets_404(world, client):
    member = UserFactory()
    MembershipFactory(space=world.assembly, organization=None, person=member)
    client.force_login(member)
    for name in ("spaces:import", "spaces:import_template_csv", "spaces:import_template_xlsx"):
        assert client.get(url(world, name)).status_code == 404
    assert upload(client, world, csv_bytes(FR_HEADER, GOOD_ROWS)).status_code == 404
    assert Organization.objects.count() == 0


def test_anonymous_is_sent_to_sign_in(world, client):
    assert client.get(url(world)).status_code == 302


def test_coordinator_of_another_territory_gets_404(world, client):
    other = TerritoryFactory()
    client.force_login(world.coordinator)
    assert client.get(reverse("spaces:import", args=[other.slug])).status_code == 404


def test_preview_page_query_count_is_bounded(world, client, django_assert_max_num_queries):
    client.force_login(world.coordinator)

    def rows(n):
        return [[f"Organisme {i}", "", "Famille", "Communautaire", "assemblee", "votant", f"d{i}@example.org",
                 f"Personne {i}", "", "", "2025-01-01"] for i in range(n)]

    for n in (5, 50):
        data = csv_bytes(FR_HEADER, rows(n))
        with django_assert_max_num_queries(16):
            response = upload(client, world, data)
        assert response.context["preview"].ok


def test_no_header_alias_belongs_to_two_columns():
    from concertation.core.tabular import normalize

    seen = {}
    for column in COLUMNS:
        for header in column.headers:
            assert seen.setdefault(normalize(header), column.key) == column.key, header


def test_the_example_of_the_documentation_imports(world):
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "import.md").read_text(encoding="utf-8")
    example = doc.split("```csv\n", 1)[1].split("```", 1)[0]
    SpaceFactory(territory=world.territory, slug="comite-coordination", name="Comité de coordination 2")
    CollegeFactory(territory=world.territory, name="Bailleur de fonds", slug="bailleur")
    _importer, preview = run(world.territory, example.encode("utf-8"))
    assert preview.applied, [(r.row.number, r.errors) for r in preview.error_rows]
    cfh = Organization.objects.get(name="Carrefour familial des Hérons")
    assert cfh.memberships.count() == 2
    assert Organization.objects.get(name="Maison de jeunes L'Escale").memberships.count() == 0


def test_upload_page_and_templates_query_counts(world, client, django_assert_max_num_queries):
    client.force_login(world.coordinator)
    for name, budget in (("spaces:import", 8), ("spaces:import_template_csv", 9),
                         ("spaces:import_template_xlsx", 9)):
        with django_assert_max_num_queries(budget):
            assert client.get(url(world, name)).status_code == 200


def test_unclosed_quote_is_reported_with_its_line_on_the_preview_and_confirm_imports_nothing(world, client):
    # The reported defect: the preview said one valid row, confirming created one organization
    # named « Org ouverte;;;… Org Deux;;;… Org Trois… ».
    client.force_login(world.coordinator)
    good = csv_bytes(FR_HEADER, GOOD_ROWS[:1], ";").decode()
    data = (good + '"Org ouverte;;;;assemblee;;;;;;\r\nOrg Deux;;;;assemblee;;;;;;\r\n'
            "Org Trois;;;;assemblee;;;;;;\r\n").encode()
    before = counts()
    response = upload(client, world, data)
    content = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Ligne 3 du fichier : un guillemet ouvert n'est jamais refermé" in content
    assert "Rien n'a été importé" in content
    assert response.context["token"] is None and response.context["preview"].results == []
    response = client.post(url(world), {"step": "confirm", "token": "anything"})
    assert response.status_code == 302
    assert counts() == before
    assert not Organization.objects.filter(name__startswith="Org").exists()
