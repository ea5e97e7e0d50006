"""The document library (issue 15, item 1): the type read from the content, the size limit, versions,
who sees and changes what, audit rows, the territory's library and bounded query counts."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from concertation.core.audit import AuditEvent
from concertation.core.errors import DomainError
from concertation.knowledge import filetypes
from concertation.knowledge.models import Document, DocumentVersion
from concertation.knowledge.selectors_documents import documents_visible_to
from concertation.knowledge.services import documents as services

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
GIF = b"GIF89a" + b"\x00" * 32
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 64


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
PPTX = zipped({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"})
ODT = zipped({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"})
ODS = zipped({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<office/>"})
ZIP = zipped({"readme.txt": b"hello"})
CSV = "nom;montant\nMarmite;1 200 $\nCafé «Hérons»;300 $\n".encode()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def library_url(space, **extra) -> str:
    return reverse("documents:library", kwargs={"territory": space.territory.slug, "space": space.slug})


def doc_url(document, name="documents:document", **extra) -> str:
    return reverse(name, kwargs={"territory": document.space.territory.slug, "space": document.space.slug,
                                 "pk": document.pk, **extra})


def add(space, by, *, title="Rapport annuel", content=PDF, name="rapport.pdf", **options) -> Document:
    return services.document_add(space=space, by=by, title=title, file=upload(name, content), **options)


TOKENS = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": "|nonce=")[^"]*')


def same_page(response, url: str) -> str:
    """The page with the per-request tokens and its own address set aside."""
    return TOKENS.sub(r"\1…", response.content.decode().replace(url, "<url>"))


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# The type, from the content -------------------------------------------------------------------------

@pytest.mark.parametrize("name,content,content_type", [
    ("a.pdf", PDF, "application/pdf"),
    ("a.png", PNG, "image/png"),
    ("photo.jpeg", JPEG, "image/jpeg"),
    ("a.gif", GIF, "image/gif"),
    ("a.webp", WEBP, "image/webp"),
    ("a.docx", DOCX, filetypes.DOCX.content_type),
    ("a.xlsx", XLSX, filetypes.XLSX.content_type),
    ("a.pptx", PPTX, filetypes.PPTX.content_type),
    ("a.odt", ODT, "application/vnd.oasis.opendocument.text"),
    ("a.ods", ODS, "application/vnd.oasis.opendocument.spreadsheet"),
    ("a.xls", OLE2, "application/vnd.ms-excel"),
    ("a.doc", OLE2, "application/msword"),
    ("budget.csv", CSV, "text/csv"),
    ("notes.txt", b"Compte rendu\n", "text/plain"),
    ("a.rtf", b"{\\rtf1\\ansi Bonjour}", "application/rtf"),
])
def test_the_type_is_read_from_the_content(name, content, content_type):
    assert filetypes.sniff(io.BytesIO(content), name).content_type == content_type


@pytest.mark.parametrize("name,content,reason", [
    ("rapport.pdf", EXE, "executable"),
    ("photo.png", ELF, "executable"),
    ("budget.csv", b"#!/bin/sh\nrm -rf /\n", "executable"),
    ("page.txt", b"<html><script>alert(1)</script></html>", "markup"),
    ("image.png", b"<svg onload=alert(1)>", "markup"),
    ("logo.svg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "markup"),
    ("liste.csv", b"\xef\xbb\xbf \r\n\t<html><body onload=alert(1)>", "markup"),  # BOM and blanks first
    ("page.csv", "<html>".encode("utf-16"), "unknown"),  # UTF-16: NUL bytes, never text
    ("archive.docx", ZIP, "unknown"),
    ("binaire.pdf", b"\x00\x01\x02\x03binary", "unknown"),
    ("vide.pdf", b"", "unknown"),
])
def test_what_is_not_a_document_is_refused_whatever_its_name(name, content, reason):
    with pytest.raises(filetypes.Refused) as refused:
        filetypes.sniff(io.BytesIO(content), name)
    assert refused.value.reason == reason


def test_the_download_name_matches_the_content():
    assert filetypes.download_name("budget.exe", filetypes.PDF) == "budget.exe.pdf"
    assert filetypes.download_name("budget.PDF", filetypes.PDF) == "budget.PDF"
    assert filetypes.download_name("photo.jpeg", filetypes.JPEG) == "photo.jpeg"


def test_a_renamed_executable_is_refused_and_nothing_is_stored(world, client_for, settings):
    client = client_for(world.delegate)
    before = stored_files(settings)
    response = client.post(reverse("documents:add", kwargs={"territory": "pointe-test", "space": "assemblee"}),
                           {"title": "Rapport", "kind": "report", "visibility": "public",
                            "file": upload("rapport.pdf", EXE)})
    assert response.status_code == 200
    assert "Ce fichier est un programme" in response.content.decode()
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    assert stored_files(settings) == before
    with pytest.raises(DomainError):
        services.document_version_add(document=add(world.assembly, world.delegate), by=world.delegate,
                                      file=upload("v2.pdf", EXE))
    assert DocumentVersion.objects.count() == 1


@pytest.mark.parametrize("language,message", [
    ("fr", r"Ce fichier est trop volumineux \(1[\u00a0 ]Mo au plus\)\."),
    ("en", r"This file is too large \(1[\u00a0 ]MB at most\)\."),
])
def test_an_oversized_file_is_refused_with_a_clear_message_and_nothing_stored(world, client_for, settings,
                                                                              language, message):
    settings.MAX_UPLOAD_SIZE = 1024 * 1024
    world.delegate.preferred_language = language
    world.delegate.save()
    client = client_for(world.delegate)
    before = stored_files(settings)
    big = PDF + b"0" * (1024 * 1024 + 1024)
    response = client.post(reverse("documents:add", kwargs={"territory": "pointe-test", "space": "assemblee"}),
                           {"title": "Gros rapport", "kind": "report", "visibility": "public",
                            "file": upload("gros.pdf", big)})
    assert response.status_code == 200
    assert re.search(message, response.content.decode())
    assert "Gros rapport" in response.content.decode()  # nothing typed is lost
    assert not Document.objects.exists() and stored_files(settings) == before


def test_the_default_limit_is_20_mb_and_the_middleware_lets_it_through():
    from concertation.core import uploads

    assert services.max_size() == 20 * 1024 * 1024
    assert uploads.max_file_bytes() > 20 * 1024 * 1024


def test_a_file_and_a_link_together_or_neither_are_refused(world):
    with pytest.raises(DomainError):
        services.document_add(space=world.assembly, by=world.delegate, title="Les deux",
                               url="https://exemple.org/a", file=upload("a.pdf", PDF))
    with pytest.raises(DomainError):
        services.document_add(space=world.assembly, by=world.delegate, title="Aucun")
    assert not Document.objects.exists()


# Versions -----------------------------------------------------------------------------------------

def test_a_new_upload_keeps_the_earlier_versions_each_downloadable(world, client_for):
    document = add(world.assembly, world.delegate, content=PDF + b"v1", name="rapport.pdf")
    second = services.document_version_add(document=document, by=world.coordinator,
                                           file=upload("rapport-final.pdf", PDF + b"v2"))
    assert second.number == 2 and second.uploaded_by == world.coordinator
    client = client_for(world.citizen)
    page = client.get(doc_url(document)).content.decode()
    assert doc_url(document, "documents:download", number=1) in page
    assert doc_url(document, "documents:download", number=2) in page
    assert page.index("rapport-final.pdf") < page.index("rapport.pdf")  # newest first
    first = client.get(doc_url(document, "documents:download", number=1))
    latest = client.get(doc_url(document, "documents:download", number=2))
    assert body(first) == PDF + b"v1" and body(latest) == PDF + b"v2"
    assert latest["Content-Disposition"] == 'inline; filename="rapport-final.pdf"'
    assert client.get(doc_url(document, "documents:download", number=3)).status_code == 404


def test_a_version_is_posted_from_the_documents_page(world, client_for):
    document = add(world.assembly, world.delegate)
    response = client_for(world.delegate).post(doc_url(document, "documents:version_add"),
                                               {"file": upload("v2.pdf", PDF + b"2")})
    assert response.status_code == 302
    assert list(document.versions.values_list("number", flat=True)) == [2, 1]


def test_a_link_has_no_versions(world):
    document = services.document_add(space=world.assembly, by=world.delegate, title="Guide",
                                     url="https://exemple.org/guide")
    with pytest.raises(DomainError):
        services.document_version_add(document=document, by=world.delegate, file=upload("a.pdf", PDF))


# Who sees what --------------------------------------------------------------------------------------

KINDS = ("anonymous", "outsider", "foreigner", "observer", "delegate", "citizen", "facilitator", "coordinator",
         "admin")
# space × visibility → who sees the document (listing, page and download alike).
ASSEMBLY_MEMBERS = {"observer", "delegate", "citizen", "coordinator", "admin"}
IN_TERRITORY = {"observer", "delegate", "citizen", "facilitator", "coordinator", "admin"}
SEEN_BY = {
    ("assembly", "public"): set(KINDS),
    ("assembly", "territory"): IN_TERRITORY,
    ("assembly", "space"): ASSEMBLY_MEMBERS,
    ("group", "public"): IN_TERRITORY,  # a territory-wide space
    ("group", "territory"): IN_TERRITORY,
    ("group", "space"): {"facilitator", "coordinator", "admin"},
    ("committee", "public"): {"delegate", "coordinator", "admin"},  # a members-only space
    ("committee", "territory"): {"delegate", "coordinator", "admin"},
    ("committee", "space"): {"delegate", "coordinator", "admin"},
}


@pytest.mark.parametrize("space_name,visibility", sorted(SEEN_BY))
def test_each_visibility_for_each_kind_of_user(world, client_for, space_name, visibility):
    space = getattr(world, space_name)
    title = f"Document-{space_name}-{visibility}"
    document = add(space, world.coordinator, title=title, visibility=visibility)
    for kind in KINDS:
        client = client_for(world.users[kind])
        seen = kind in SEEN_BY[(space_name, visibility)]
        listing = client.get(library_url(space))
        territory = client.get(reverse("territory_documents:library", kwargs={"territory": "pointe-test"}))
        page = client.get(doc_url(document))
        download = client.get(doc_url(document, "documents:download", number=1))
        assert (title in listing.content.decode()) == seen, (kind, "listing")
        assert (title in territory.content.decode()) == seen, (kind, "territory")
        assert (page.status_code == 200) == seen, (kind, "page")
        assert (download.status_code == 200 and body(download) == PDF) == seen, (kind, "download")
        if not seen:
            assert page.status_code in (302, 404) and PDF not in body(download)


def test_a_refused_document_looks_exactly_like_a_missing_one(world, client_for):
    document = add(world.assembly, world.coordinator, visibility="space")
    client = client_for(world.facilitator)
    for name, extra in (("documents:document", {}), ("documents:download", {"number": 1})):
        url = doc_url(document, name, **extra)
        other = url.replace(f"/{document.pk}/", "/99999/")
        refused, missing = client.get(url), client.get(other)
        assert refused.status_code == missing.status_code == 404
        assert same_page(refused, url) == same_page(missing, other)


def test_documents_visible_to_is_filtered_by_kind(world):
    portrait = add(world.assembly, world.coordinator, title="Portrait", kind="portrait", visibility="public")
    add(world.assembly, world.coordinator, title="Rapport", kind="report", visibility="public")
    add(world.committee, world.coordinator, title="Portrait du comité", kind="portrait", visibility="public")
    assert list(documents_visible_to(None, world.territory, kind="portrait")) == [portrait]
    assert len(documents_visible_to(world.delegate, world.territory, kind="portrait")) == 2


def test_the_library_filters_by_kind_newest_first(world, client_for):
    add(world.assembly, world.coordinator, title="Ancien guide", kind="guide", visibility="public")
    add(world.assembly, world.coordinator, title="Nouveau guide", kind="guide", visibility="public")
    add(world.assembly, world.coordinator, title="Un rapport", kind="report", visibility="public")
    page = client_for(None).get(library_url(world.assembly) + "?type=guide").content.decode()
    assert "Un rapport" not in page
    assert page.index("Nouveau guide") < page.index("Ancien guide")


# Who adds and changes -------------------------------------------------------------------------------

def test_members_add_and_authors_or_runners_change(world, client_for):
    add_url = reverse("documents:add", kwargs={"territory": "pointe-test", "space": "assemblee"})
    data = {"title": "Lien utile", "kind": "guide", "visibility": "public", "url": "https://exemple.org/guide"}
    assert client_for(world.outsider).post(add_url, data).status_code == 404
    assert client_for(world.facilitator).post(add_url, data).status_code == 404  # not in the assembly
    assert client_for(world.observer).post(add_url, data).status_code == 302
    document = Document.objects.get()
    assert document.author == world.observer and document.url == "https://exemple.org/guide"
    edit = doc_url(document, "documents:edit")
    changed = {**data, "title": "Lien renommé"}
    assert client_for(world.delegate).post(edit, changed).status_code == 404  # a member, not its author
    assert client_for(world.observer).post(edit, changed).status_code == 302
    assert client_for(world.coordinator).post(doc_url(document, "documents:delete")).status_code == 302
    assert not Document.objects.exists()


def test_adding_changing_and_deleting_are_audited(world, django_capture_on_commit_callbacks, settings):
    document = add(world.assembly, world.delegate)
    services.document_version_add(document=document, by=world.delegate, file=upload("v2.pdf", PDF))
    services.document_update(document=document, by=world.delegate, title="Nouveau titre", kind="report",
                             visibility="territory")
    names = [version.file.name for version in document.versions.all()]
    with django_capture_on_commit_callbacks(execute=True):
        services.document_delete(document=document, by=world.coordinator)
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-4:] == ["document.added", "document.version_added", "document.changed", "document.deleted"]
    assert all(not (Path(settings.MEDIA_ROOT) / name).exists() for name in names)


# Query counts --------------------------------------------------------------------------------------

def _grow(world, count: int) -> None:
    for n in range(count):
        for space, visibility in ((world.assembly, "public"), (world.group, "territory"), (world.committee, "space")):
            document = add(space, world.coordinator, title=f"Document {n}", visibility=visibility)
            services.document_version_add(document=document, by=world.coordinator, file=upload("v2.pdf", PDF))
    # The discussion on the document's page: comments and replies by several people, at each size.
    from concertation.knowledge.discussions_registry import target
    from concertation.knowledge.services.discussions import comment_post

    document = Document.objects.filter(space=world.assembly).first()
    for n in range(count):
        for author in (world.delegate, world.citizen, world.coordinator):
            first = comment_post(entry=target("document"), obj=document, author=author, body=f"Avis {n}.")
            comment_post(entry=target("document"), obj=document, author=world.citizen, body="Réponse.", parent=first)


@pytest.mark.parametrize("size", [2, 12])
def test_the_library_pages_keep_their_query_count(world, client_for, django_assert_max_num_queries, size):
    _grow(world, size)
    document = Document.objects.filter(space=world.assembly).first()
    client = client_for(world.delegate)
    for url in (library_url(world.assembly), reverse("territory_documents:library", kwargs={"territory": "pointe-test"}),
                doc_url(document)):
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200, url



def test_the_library_pages_read_the_same_queries_at_two_sizes(world, client_for):
    """Issue 20: the cards are read as values, one page of rows in one query whatever the library's size."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.delegate)
    urls = (library_url(world.assembly), reverse("territory_documents:library", kwargs={"territory": "pointe-test"}))
    counts = []
    for size in (1, 30):
        _grow(world, size)
        for url in urls:
            client.get(url)
        with CaptureQueriesContext(connection) as queries:
            for url in urls:
                assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_card_links_the_document_and_names_its_latest_version(world, client_for):
    document = add(world.assembly, world.coordinator, title="Rapport versionné", visibility="public")
    services.document_version_add(document=document, by=world.coordinator, file=upload("v2.pdf", PDF * 100))
    link = services.document_add(space=world.group, by=world.coordinator, title="Lien utile",
                                 url="https://exemple.org/guide", visibility="territory")
    html = client_for(world.delegate).get(
        reverse("territory_documents:library", kwargs={"territory": "pointe-test"})).content.decode()
    assert f'<a href="{doc_url(document)}">Rapport versionné</a>' in html
    assert f'<a href="{doc_url(link)}">Lien utile</a>' in html
    assert "Version 2, 3,5\xa0Kio · " in html  # the latest version, its size as |filesizeformat writes it
    assert html.index("Lien utile") < html.index("Rapport versionné")  # newest first

# Hostile input --------------------------------------------------------------------------------------

def test_hostile_titles_and_descriptions_are_shown_as_text(world, client_for):
    from tests.security.payloads import XSS, tagged

    title, description = tagged("T001", 200), tagged("D001")
    document = services.document_add(space=world.assembly, by=world.coordinator, title=title,
                                      description=description, url="https://exemple.org/x", visibility="public")
    client = client_for(None)
    for url in (library_url(world.assembly), doc_url(document),
                reverse("territory_documents:library", kwargs={"territory": "pointe-test"})):
        html = client.get(url).content.decode()
        assert "T001" in html, url
        for payload in XSS.values():
            if "<" in payload:  # markup: shown escaped, never as is
                assert payload not in html, (url, payload)


def test_a_title_with_invisible_characters_is_refused(world, client_for):
    from tests.security.payloads import REVERSED

    response = client_for(world.delegate).post(
        reverse("documents:add", kwargs={"territory": "pointe-test", "space": "assemblee"}),
        {"title": REVERSED, "kind": "report", "visibility": "public", "url": "https://exemple.org/r"})
    assert response.status_code == 200 and not Document.objects.exists()


def test_a_zip_bomb_named_odt_is_read_within_a_few_kilobytes():
    """Review: the « mimetype » entry of an OpenDocument was read whole, at the size its zip
    declares: 100 KB of zip inflated to 100 MB in memory at each upload attempt."""
    import tracemalloc

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", filetypes.ODT.content_type.encode() + b" " * (100 * 1024 * 1024))
        archive.writestr("content.xml", "<office:document-content/>")
    assert len(buffer.getvalue()) < 1024 * 1024
    tracemalloc.start()
    try:
        kind = filetypes.sniff(io.BytesIO(buffer.getvalue()), "rapport.odt")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert kind == filetypes.ODT
    assert peak < 5 * 1024 * 1024


@pytest.mark.parametrize("address", ["ftp://exemple.org/budget.pdf", "ftps://exemple.org/budget.pdf"])
def test_a_link_document_is_a_web_address_only(world, client_for, address):
    """Review: Django's URL field lets ftp:// and ftps:// through; a document's link is offered to
    everyone who sees it, so it is http(s) only, on the page, the attachment forms and the edit."""
    client = client_for(world.delegate)
    response = client.post(reverse("documents:add", kwargs={"territory": "pointe-test", "space": "assemblee"}),
                           {"title": "Lien", "kind": "report", "visibility": "public", "url": address})
    assert response.status_code == 200
    assert not Document.objects.exists()
    with pytest.raises(DomainError) as refused:
        services.document_add(space=world.assembly, by=world.delegate, title="Lien", url=address)
    assert refused.value.field == "url"
    document = services.document_add(space=world.assembly, by=world.delegate, title="Lien",
                                      url="https://exemple.org/budget.pdf")
    with pytest.raises(DomainError):
        services.document_update(document=document, by=world.delegate, title="Lien", kind=document.kind,
                                 visibility=document.visibility, url=address)
    document.refresh_from_db()
    assert document.url == "https://exemple.org/budget.pdf"
