"""The text of documents, read at upload for the search (issue 17): PDF, OOXML, OpenDocument, CSV
and plain text; bounded in characters, pages and inflated bytes (a zip bomb stops at the budget); a
file that cannot be read has no text and its upload goes on."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import Workbook

from concertation.knowledge import filetypes, text_extraction
from concertation.knowledge.models import DocumentVersion
from concertation.knowledge.services import documents as services
from concertation.knowledge.text_extraction import extract_text


def pdf_bytes(pages: list[str]) -> bytes:
    """A small PDF with one line of text a page (Helvetica), written by hand: fast and exact."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", None, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for line in pages:
        stream = f"BT /F1 12 Tf 72 720 Td ({line}) Tj ET".encode("latin-1")
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream.decode('latin-1')}\nendstream")
        content = len(objects)
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content} 0 R "
                       "/Resources << /Font << /F1 3 0 R >> >> >>")
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def zip_bytes(entries: dict[str, bytes | str], *, mimetype: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if mimetype:
            archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
CONTENT_TYPES = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def docx_bytes(paragraphs: list[str]) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    return zip_bytes({"[Content_Types].xml": CONTENT_TYPES,
                      "word/document.xml": f'<?xml version="1.0"?><w:document {W}><w:body>{body}</w:body></w:document>'})


def odt_bytes(paragraphs: list[str]) -> bytes:
    body = "".join(f"<text:p>{p}</text:p>" for p in paragraphs)
    content = ('<?xml version="1.0"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
               f'<text:h>Titre</text:h>{body}<text:p>a<text:s/>b<text:span>c</text:span></text:p>'
               '</office:text></office:body></office:document-content>')
    return zip_bytes({"content.xml": content}, mimetype="application/vnd.oasis.opendocument.text")


def pptx_bytes(slides: list[str]) -> bytes:
    a = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
    entries = {"[Content_Types].xml": CONTENT_TYPES}
    for number, words in enumerate(slides, start=1):
        entries[f"ppt/slides/slide{number}.xml"] = f'<sld {a}><a:p><a:r><a:t>{words}</a:t></a:r></a:p></sld>'
    return zip_bytes(entries)


def xlsx_bytes() -> bytes:
    book = Workbook()
    book.active.append(["Organisme", "Montant"])
    book.active.append(["Comité logement", 1200])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read(data: bytes, name: str) -> str:
    upload = SimpleUploadedFile(name, data)
    kind = filetypes.sniff(upload, name)
    return extract_text(upload, kind.content_type)


def test_pdf_text():
    text = read(pdf_bytes(["Portrait du quartier", "Logement social"]), "portrait.pdf")
    assert "Portrait du quartier" in text and "Logement social" in text


def test_pdf_stops_after_its_page_budget(monkeypatch):
    monkeypatch.setattr(text_extraction, "PDF_PAGES", 3)
    text = read(pdf_bytes([f"Page{n}" for n in range(1, 11)]), "long.pdf")
    assert "Page3" in text and "Page4" not in text


def test_office_documents_text():
    assert read(docx_bytes(["Ordre du jour", "Budget 2026"]), "a.docx") == "Ordre du jour\nBudget 2026"
    odt = read(odt_bytes(["Procès-verbal"]), "a.odt")
    assert "Titre" in odt and "Procès-verbal" in odt and "a bc" in odt
    assert read(pptx_bytes(["Première", "Deuxième"]), "a.pptx") == "Première\nDeuxième"
    xlsx = read(xlsx_bytes(), "a.xlsx")
    assert "Organisme" in xlsx and "Comité logement" in xlsx


def test_csv_and_text_decoded_safely():
    assert read(b"nom;montant\nCuisine collective;300\n", "a.csv") == "nom;montant\nCuisine collective;300"
    # A byte that is not UTF-8 after the sniffed head is replaced, never an error.
    assert read(b"bonjour " * 2000 + b"\xff fin", "a.txt").endswith("\ufffd fin")


def test_text_is_bounded(monkeypatch):
    monkeypatch.setattr(text_extraction, "MAX_CHARS", 50)
    assert len(read(b"mot " * 1000, "a.txt")) <= 50
    assert len(read(docx_bytes(["mot " * 100] * 10), "a.docx")) <= 50


def test_a_zip_bomb_is_read_within_its_budget(monkeypatch):
    """A part that inflates to 64 MB (from about 64 kB of zip) is read up to the budget only."""
    monkeypatch.setattr(text_extraction, "ZIP_BYTES", 1024 * 1024)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        with archive.open("word/document.xml", "w", force_zip64=True) as entry:
            entry.write(f'<w:document {W}><w:body><w:p><w:t>'.encode())
            block = b" " * (1024 * 1024)
            for _ in range(64):
                entry.write(block)
    assert len(out.getvalue()) < 1024 * 1024
    assert read(out.getvalue(), "bomb.docx") == ""


def test_entities_are_refused():
    laughs = ('<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;">]>'
              f'<w:document {W}><w:body><w:p><w:t>&b;</w:t></w:p></w:body></w:document>')
    data = zip_bytes({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": laughs})
    assert read(data, "laughs.docx") == ""


@pytest.mark.parametrize("data, content_type", [
    (b"%PDF-1.4 pas vraiment un pdf", "application/pdf"),
    (b"PK\x03\x04 tronque", filetypes.DOCX.content_type),
    (zip_bytes({"word/document.xml": "<w:document"}), filetypes.DOCX.content_type),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
])
def test_a_broken_or_wordless_file_has_no_text(data, content_type):
    assert extract_text(io.BytesIO(data), content_type) == ""


@pytest.mark.django_db
def test_the_text_lands_on_the_version_at_upload(world):
    document = services.document_add(space=world.assembly, by=world.coordinator, title="Portrait",
                                      file=SimpleUploadedFile("portrait.pdf", pdf_bytes(["Sécurité alimentaire"])))
    version = document.versions.get()
    assert "alimentaire" in version.text
    version.file.open("rb")
    assert version.file.read().startswith(b"%PDF")  # the stored file is whole, read from its start
    version.file.close()
    second = services.document_version_add(document=document, by=world.coordinator,
                                           file=SimpleUploadedFile("v2.docx", docx_bytes(["Nouvelle version"])))
    assert second.text == "Nouvelle version"
    broken = services.document_add(space=world.assembly, by=world.coordinator, title="Cassé",
                                    file=SimpleUploadedFile("casse.pdf", b"%PDF-1.4 rien"))
    assert broken.versions.get().text == ""


@pytest.mark.django_db
def test_the_command_fills_existing_versions(world):
    document = services.document_add(space=world.assembly, by=world.coordinator, title="Ancien",
                                      file=SimpleUploadedFile("ancien.docx", docx_bytes(["Mémoire collective"])))
    DocumentVersion.objects.filter(document=document).update(text="")
    out = io.StringIO()
    call_command("documents_extract_text", stdout=out)
    assert document.versions.get().text == "Mémoire collective"
    assert "versions read: 1" in out.getvalue()
    call_command("documents_extract_text", stdout=out)  # again: nothing left to read
    assert "versions read: 0" in out.getvalue()
