"""Documents are private files (issue 12, defect 6; since issue 15 in the space's library, agenda
documents included): stored under random names, sent only through the download view to those who
may see the document (404 like a missing file to anyone else), never by a /media/ address; the web
server may take over the sending; any storage works."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from concertation import config
from concertation.core.files import content_type_of, is_random_name, random_name, safe_filename
from concertation.knowledge.models import Document, DocumentVersion
from concertation.meetings import notice
from concertation.meetings.models import Meeting
from concertation.meetings.services import agenda as services

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 budget confidentiel du comite"
TOKENS = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": "|nonce=")[^"]*')


def local(day_offset: int, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=day_offset), time(hour)))


def committee_meeting(world, *, status=Meeting.Status.CONVENED) -> Meeting:
    """A meeting of the members-only committee (the delegate is its member), convened by default."""
    meeting = services.meeting_create(space=world.committee, by=world.coordinator, title="Comité d'octobre",
                                      starts_at=local(7, 9), ends_at=local(7, 11))
    Meeting.objects.filter(pk=meeting.pk).update(status=status)
    meeting.refresh_from_db()
    return meeting


def attach(meeting, *, name="budget-confidentiel.pdf", content=PDF, item=None, title="Budget") -> Document:
    item = item or services.item_add(meeting=meeting, by=meeting_runner(meeting), title="Enveloppe",
                                     minutes_allotted=20)
    return services.item_document_add(item=item, by=meeting_runner(meeting), title=title,
                                      file=SimpleUploadedFile(name, content))


def meeting_runner(meeting):
    return meeting.space.territory.coordinators.first()


def download_url(meeting, document_pk, number=1) -> str:
    space = meeting.space
    return f"/t/{space.territory.slug}/e/{space.slug}/documents/{document_pk}/v{number}/"


def page_url(meeting, document_pk) -> str:
    space = meeting.space
    return f"/t/{space.territory.slug}/e/{space.slug}/documents/{document_pk}/"


def version(document) -> DocumentVersion:
    return document.versions.get(number=1)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def comparable(response, url: str) -> tuple:
    """Status and page, the address itself and the per-request tokens set aside."""
    return response.status_code, TOKENS.sub(r"\1…", body(response).decode("utf-8", "replace").replace(url, "<url>"))


def same_answer(client, url: str, other_url: str) -> bool:
    return comparable(client.get(url), url) == comparable(client.get(other_url), other_url)


# Who gets the file ---------------------------------------------------------------------------------

def test_a_member_downloads_the_file_under_its_original_name(world, client_for):
    meeting = committee_meeting(world)
    document = attach(meeting)
    response = client_for(world.delegate).get(download_url(meeting, document.pk))
    assert response.status_code == 200
    assert body(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="budget-confidentiel.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_the_meeting_page_and_the_notice_link_to_the_documents_page(world, client_for):
    meeting = committee_meeting(world)
    document = attach(meeting)
    html = client_for(world.delegate).get(f"/t/pointe-test/e/comite/rencontres/{meeting.pk}/").content.decode()
    assert f'href="{page_url(meeting, document.pk)}"' in html
    assert version(document).file.name not in html and "/media/" not in html
    assert notice.document_url(document, "https://concertation.test", meeting) == (
        "https://concertation.test" + page_url(meeting, document.pk))
    page = client_for(world.delegate).get(page_url(meeting, document.pk)).content.decode()
    assert f'href="{download_url(meeting, document.pk)}"' in page


@pytest.mark.parametrize("who", ["anonymous", "outsider", "observer", "foreigner"])
def test_out_of_reach_looks_exactly_like_a_missing_document(world, client_for, who):
    """Whoever does not see the members-only committee gets the page of a document that does not exist."""
    meeting = committee_meeting(world)
    document = attach(meeting)
    client = client_for(world.users[who])
    refused = client.get(download_url(meeting, document.pk))
    # Anonymous visitors are sent to sign in (issue 13), the same way for a missing document.
    assert refused.status_code == (302 if who == "anonymous" else 404) and PDF not in body(refused)
    assert same_answer(client, download_url(meeting, document.pk), download_url(meeting, document.pk + 1000))


def test_a_missing_file_answers_like_a_missing_document(world, client_for):
    meeting = committee_meeting(world)
    document = attach(meeting)
    default_storage.delete(version(document).file.name)
    client = client_for(world.delegate)
    assert same_answer(client, download_url(meeting, document.pk), download_url(meeting, document.pk + 1000))
    assert client.get(download_url(meeting, document.pk)).status_code == 404


def test_a_stored_name_outside_the_storage_is_a_missing_file(world, client_for, settings):
    meeting = committee_meeting(world)
    document = attach(meeting)
    DocumentVersion.objects.filter(document=document).update(file="../../secret_key")
    client = client_for(world.delegate)
    assert client.get(download_url(meeting, document.pk)).status_code == 404
    settings.FILE_DOWNLOAD_HANDOFF = "x-sendfile"
    assert client.get(download_url(meeting, document.pk)).status_code == 404


def test_a_document_under_another_spaces_address_is_missing(world, client_for):
    meeting = committee_meeting(world)
    document = attach(meeting)
    url = download_url(meeting, document.pk).replace("/e/comite/", "/e/assemblee/")
    assert client_for(world.coordinator).get(url).status_code == 404


def test_a_link_only_document_has_no_download(world, client_for):
    meeting = committee_meeting(world)
    item = services.item_add(meeting=meeting, by=world.coordinator, title="Lien", minutes_allotted=5)
    document = services.item_document_add(item=item, by=world.coordinator, title="Ailleurs",
                                          url="https://docs.example.org/a.pdf")
    assert client_for(world.coordinator).get(download_url(meeting, document.pk)).status_code == 404


# No address serves the files -------------------------------------------------------------------------

def test_media_addresses_serve_nothing(world, client_for, settings):
    """Neither the old guessable path nor the random stored name answers under /media/."""
    meeting = committee_meeting(world)
    document = attach(meeting)
    old_style = "meetings/2025/10/budget-confidentiel.pdf"
    default_storage.save(old_style, ContentFile(PDF))
    client = client_for(world.delegate)
    for path in (old_style, version(document).file.name):
        response = client.get(f"{settings.MEDIA_URL}{path}")
        assert response.status_code == 404 and PDF not in body(response)
    # A guessed name in the download address is no better than a guessed id.
    assert client.get(download_url(meeting, "budget-confidentiel.pdf")).status_code == 404


# Random stored names ----------------------------------------------------------------------------------

def test_stored_names_are_random_and_the_original_name_is_kept_for_the_download(world):
    meeting = committee_meeting(world)
    first, second = attach(meeting), attach(meeting)
    first, second = version(first), version(second)
    for document in (first, second):
        assert "budget" not in document.file.name
        assert is_random_name(document.file.name) and document.file.name.startswith("documents/")
        assert document.file.name.endswith(".pdf")
        assert document.filename == document.download_name == "budget-confidentiel.pdf"
    assert first.file.name != second.file.name


def test_a_file_stored_before_random_names_still_downloads(world, client_for):
    meeting = committee_meeting(world)
    document = attach(meeting)
    old = default_storage.save("meetings/2025/10/vieux budget.pdf", ContentFile(PDF))
    DocumentVersion.objects.filter(document=document).update(file=old, filename="")
    response = client_for(world.delegate).get(download_url(meeting, document.pk))
    assert response.status_code == 200 and body(response) == PDF
    assert response["Content-Disposition"] == 'inline; filename="vieux budget.pdf"'


def test_removing_a_document_from_an_item_keeps_it_in_the_library(world):
    meeting = committee_meeting(world)
    document = attach(meeting)
    item = document.agenda_items.get()
    services.item_documents_remove(item=item, by=world.coordinator, ids=[document.pk])
    assert not item.documents.exists()
    assert Document.objects.filter(pk=document.pk).exists()
    assert default_storage.exists(version(document).file.name)


@pytest.mark.parametrize("original,expected", [
    ("budget-confidentiel.pdf", "budget-confidentiel.pdf"),
    ("C:\\Users\\moi\\Procès-verbal «2025».docx", "Procès-verbal «2025».docx"),
    ("../../etc/passwd", "passwd"),
    ('a"b\r\nc:d.txt', "a b c d.txt"),
    ("...", "document"),
    ("facture\u202efdp.exe", "facturefdp.exe"),  # right-to-left override: would read « factureexe.pdf »
    ("rap\u200bport\ufeff.pdf", "rapport.pdf"),  # zero-width space, BOM
    ("\u2066\u202e", "document"),
    ("x" * 300 + ".pdf", "x" * 146 + ".pdf"),
])
def test_download_names_are_cleaned_up(original, expected):
    assert safe_filename(original) == expected


def test_random_names_keep_only_a_plain_extension():
    assert re.fullmatch(r"meetings/[0-9a-f]{32}\.pdf", random_name("meetings", "Budget.PDF"))
    assert re.fullmatch(r"meetings/[0-9a-f]{32}", random_name("meetings", "budget.p d f"))


@pytest.mark.parametrize("name,content_type,disposition", [
    ("a.pdf", "application/pdf", "inline"),
    ("a.png", "image/png", "inline"),
    ("a.csv", "text/csv", "attachment"),
    ("a.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "attachment"),
    ("a.html", "application/octet-stream", "attachment"),  # stored before the extension check
    ("a.svg", "application/octet-stream", "attachment"),
    ("sans-extension", "application/octet-stream", "attachment"),
])
def test_only_harmless_types_open_in_the_browser(world, client_for, name, content_type, disposition):
    assert content_type_of(name) == content_type
    meeting = committee_meeting(world)
    document = attach(meeting)
    DocumentVersion.objects.filter(document=document).update(filename=name)
    response = client_for(world.delegate).get(download_url(meeting, document.pk))
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith(disposition)
    assert response["X-Content-Type-Options"] == "nosniff"


# Handing the sending over to the web server ----------------------------------------------------------

def test_x_accel_redirect_hands_the_file_to_nginx(world, client_for, settings):
    settings.FILE_DOWNLOAD_HANDOFF = "x-accel-redirect"
    settings.FILE_DOWNLOAD_HANDOFF_PREFIX = "/fichiers-internes/"
    meeting = committee_meeting(world)
    document = attach(meeting)
    client = client_for(world.delegate)
    response = client.get(download_url(meeting, document.pk))
    assert response.status_code == 200 and body(response) == b""
    assert response["X-Accel-Redirect"] == f"/fichiers-internes/{version(document).file.name}"
    assert response["Content-Disposition"] == 'inline; filename="budget-confidentiel.pdf"'
    assert response["Content-Type"] == "application/pdf"
    # Still checked by Django: out of reach or missing, nothing is handed over.
    refused = client_for(world.outsider).get(download_url(meeting, document.pk))
    assert refused.status_code == 404 and "X-Accel-Redirect" not in refused
    default_storage.delete(version(document).file.name)
    gone = client_for(world.delegate).get(download_url(meeting, document.pk))
    assert gone.status_code == 404 and "X-Accel-Redirect" not in gone


def test_x_sendfile_hands_the_files_path_to_the_web_server(world, client_for, settings):
    settings.FILE_DOWNLOAD_HANDOFF = "x-sendfile"
    meeting = committee_meeting(world)
    document = attach(meeting)
    response = client_for(world.delegate).get(download_url(meeting, document.pk))
    assert response.status_code == 200 and body(response) == b""
    assert response["X-Sendfile"] == default_storage.path(version(document).file.name)


# Any storage ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("handoff", ["", "x-sendfile", "x-accel-redirect"])
def test_the_download_works_without_a_filesystem(world, client_for, settings, handoff):
    """An in-memory storage (no disk) stands for object storage: the view only uses the storage's
    API; a hand-off, which needs the file on this machine's disk, falls back to streaming."""
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    settings.FILE_DOWNLOAD_HANDOFF = handoff
    meeting = committee_meeting(world)
    document = attach(meeting)
    stored = version(document).file
    assert type(stored.storage._wrapped).__name__ == "InMemoryStorage"
    assert not (settings.MEDIA_ROOT / stored.name).exists()
    response = client_for(world.delegate).get(download_url(meeting, document.pk))
    assert response.status_code == 200 and body(response) == PDF
    assert "X-Sendfile" not in response and "X-Accel-Redirect" not in response


def test_the_storage_comes_from_the_environment(monkeypatch):
    assert config.file_storage(None) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert config.file_handoff(" X-Accel-Redirect ") == "x-accel-redirect"
    with pytest.raises(config.ConfigurationError, match="FILE_DOWNLOAD_HANDOFF"):
        config.file_handoff("nginx")
    monkeypatch.setenv("S3_ENDPOINT_URL", "https://s3.example.org")
    monkeypatch.setenv("S3_PREFIX", "/concertation/")
    monkeypatch.setenv("S3_ACCESS_KEY_ID", "cle")
    monkeypatch.setenv("S3_SECRET_ACCESS_KEY", "secret")
    try:
        import boto3  # noqa: F401
        import storages  # noqa: F401
    except ImportError:
        with pytest.raises(config.ConfigurationError, match=r"concertation\[s3\]"):
            config.file_storage("documents")
        return
    storage = config.file_storage("documents")
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"] == {
        "bucket_name": "documents", "endpoint_url": "https://s3.example.org", "location": "concertation",
        "querystring_auth": True, "file_overwrite": False, "access_key": "cle",
        "secret_key": "secret"}
