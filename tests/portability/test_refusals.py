"""An archive that is damaged, changed, from a newer version, or for a slug already taken is
refused with a clear message, and nothing is imported: no row, no file."""

import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from django.conf import settings

from concertation.portability.restore import import_territory
from concertation.portability.rows import ArchiveError

from .conftest import export_to, media_files, rewrite, row_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(small, tmp_path):
    path = export_to(small.territory, tmp_path / "pointe.zip")
    small.territory.slug = "ancienne"  # the archive's slug is free again
    small.territory.save(update_fields=["slug"])
    return path


def refused(path, match, **kwargs):
    counts, files = row_counts(), media_files(settings.MEDIA_ROOT)
    with pytest.raises(ArchiveError, match=match):
        import_territory(path, **kwargs)
    assert row_counts() == counts
    assert media_files(settings.MEDIA_ROOT) == files


def test_a_truncated_archive_is_refused(archive):
    content = archive.read_bytes()
    archive.write_bytes(content[: len(content) // 2])
    refused(archive, "incomplète ou a été modifiée")


def test_a_changed_member_is_refused(archive):
    with zipfile.ZipFile(archive) as source:
        rows = json.loads(source.read("data/decisions.Ballot.json"))
    rows[0]["fields"]["value"] = ["1"]
    refused(rewrite(archive, "data/decisions.Ballot.json", json.dumps(rows).encode(), fix_manifest=False),
            "empreinte différente pour data/decisions.Ballot.json")


def test_a_changed_file_is_refused(archive):
    with zipfile.ZipFile(archive) as source:
        name = next(n for n in source.namelist() if n.startswith("files/"))
    refused(rewrite(archive, name, b"%PDF-1.4 autre", fix_manifest=False), "empreinte différente")


def test_a_missing_member_is_refused(archive):
    refused(rewrite(archive, "data/spaces.Space.json", None), "membre manquant")


def test_bad_json_is_refused_even_with_its_hash(archive):
    refused(rewrite(archive, "data/spaces.Space.json", b"[{\"pk\": 1,"), "JSON illisible")


def test_a_reference_to_a_missing_row_is_refused_after_the_files_were_written(archive):
    """The archive is consistent to the hash but names a space it does not hold: the transaction
    fails once the files are in the storage; they are removed."""
    with zipfile.ZipFile(archive) as source:
        rows = json.loads(source.read("data/knowledge.Document.json"))
    rows[0]["fields"]["space"] = 999999
    refused(rewrite(archive, "data/knowledge.Document.json", json.dumps(rows).encode()), "knowledge.Document")


def test_a_newer_format_is_refused(archive):
    with zipfile.ZipFile(archive) as source:
        manifest = json.loads(source.read("manifest.json"))
    manifest["format_version"] = 99
    refused(rewrite(archive, "people.json", None, manifest=manifest), "version plus récente")


def test_a_newer_migration_is_refused(archive):
    with zipfile.ZipFile(archive) as source:
        manifest = json.loads(source.read("manifest.json"))
    manifest["migrations"]["decisions"].append("9999_from_the_future")
    refused(rewrite(archive, "people.json", None, manifest=manifest), "decisions.9999_from_the_future")


def test_an_unknown_field_is_refused(archive):
    with zipfile.ZipFile(archive) as source:
        rows = json.loads(source.read("data/spaces.Space.json"))
    rows[0]["fields"]["colour"] = "vert"
    refused(rewrite(archive, "data/spaces.Space.json", json.dumps(rows).encode()), "spaces.Space.colour")


def test_a_slug_already_taken_is_refused_unless_another_is_given(archive, small):
    small.territory.slug = "pointe-test"
    small.territory.save(update_fields=["slug"])
    refused(archive, "existe déjà")
    territory = import_territory(archive, as_slug="pointe-copie")
    assert territory.slug == "pointe-copie" and territory.pk != small.territory.pk


def test_the_message_is_in_the_operators_language(archive, small):
    from django.utils import translation

    small.territory.slug = "pointe-test"
    small.territory.save(update_fields=["slug"])
    with translation.override("en"), pytest.raises(ArchiveError) as refusal:
        import_territory(archive)
    with translation.override("fr-ca"), pytest.raises(ArchiveError) as refus:
        import_territory(archive)
    assert "pointe-test" in str(refusal.value) and "existe déjà" in str(refus.value)


def test_a_file_outside_the_storage_is_refused(archive):
    """A member named to climb out of the storage (``files/../x``) never lands anywhere."""
    with zipfile.ZipFile(archive) as source:
        manifest = json.loads(source.read("manifest.json"))
        contents = {name: source.read(name) for name in source.namelist() if name != "manifest.json"}
    climbing = "files/../../escape.txt"
    contents[climbing] = b"hors du stockage"
    manifest["members"][climbing] = {"sha256": hashlib.sha256(b"hors du stockage").hexdigest(),
                                     "size": len(b"hors du stockage")}
    out = archive.with_name("climbing.zip")
    with zipfile.ZipFile(out, "w") as target:
        for name, content in contents.items():
            target.writestr(name, content)
        target.writestr("manifest.json", json.dumps(manifest))
    refused(out, "incomplète ou a été modifiée")
    assert not (Path(settings.MEDIA_ROOT) / "../../escape.txt").resolve().exists()


def test_a_value_of_the_wrong_type_is_refused(archive):
    with zipfile.ZipFile(archive) as source:
        rows = json.loads(source.read("data/decisions.Proposal.json"))
    rows[0]["fields"]["closes_at"] = "demain"
    refused(rewrite(archive, "data/decisions.Proposal.json", json.dumps(rows).encode()), "incomplète")


def test_a_malformed_manifest_is_refused(archive):
    with zipfile.ZipFile(archive) as source:
        manifest = json.loads(source.read("manifest.json"))
    manifest["migrations"] = ["decisions"]
    refused(rewrite(archive, "people.json", None, manifest=manifest), "manifeste mal formé")
