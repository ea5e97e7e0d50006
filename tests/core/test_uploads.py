"""Oversized request bodies are refused before they are read (core/uploads.py).

The WSGI application is called directly with a ``wsgi.input`` that makes its bytes on demand and
counts how many were read: the assertions are on bytes read, never on time.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory
from django.urls import reverse

from concertation.core.uploads import UPLOAD_MARGIN, max_file_bytes, max_request_size
from tests.factories import TerritoryFactory, UserFactory

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
CHUNK = 64 * 1024  # Django's upload chunk (FileUploadHandler.chunk_size)
BOUNDARY = "----concertation-test"


class CountingInput(io.RawIOBase):
    """A request body of ``size`` bytes, made as it is read: ``head``, then filler, then ``tail``."""

    def __init__(self, size, head=b"", tail=b""):
        self.size, self.head, self.tail, self.read_bytes = size, head, tail, 0

    def readable(self):
        return True

    def _byte_range(self, start, stop):
        filler_end = self.size - len(self.tail)
        out = bytearray()
        if start < len(self.head):
            out += self.head[start:min(stop, len(self.head))]
            start = len(self.head)
        if start < min(stop, filler_end):
            out += b"x" * (min(stop, filler_end) - start)
            start = min(stop, filler_end)
        if start < stop:
            out += self.tail[start - filler_end:stop - filler_end]
        return bytes(out)

    def read(self, size=-1):
        stop = self.size if size is None or size < 0 else min(self.size, self.read_bytes + size)
        data = self._byte_range(self.read_bytes, stop)
        self.read_bytes += len(data)
        return data

    def readline(self, size=-1):
        return self.read(size)


def multipart(file_size):
    head = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nAnnexe\r\n"
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"annexe.pdf\"\r\n"
            "Content-Type: application/pdf\r\n\r\n").encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    return CountingInput(len(head) + file_size + len(tail), head, tail)


def call(body, *, declared=None, language=None, content_type=f"multipart/form-data; boundary={BOUNDARY}"):
    environ = RequestFactory()._base_environ(
        PATH_INFO="/", REQUEST_METHOD="POST", CONTENT_TYPE=content_type,
        CONTENT_LENGTH=str(body.size if declared is None else declared), **{"wsgi.input": body},
    )
    if language:
        environ["HTTP_COOKIE"] = f"concertation_language={language}"
    status = []
    chunks = WSGIHandler()(environ, lambda code, headers, exc_info=None: status.append(code))
    return status[0], b"".join(chunks).decode()


def test_a_declared_size_past_the_limit_is_refused_without_reading_a_byte():
    body = CountingInput(60 * MB)
    status, page = call(body)
    assert status.startswith("413")
    assert body.read_bytes == 0
    assert "Fichier trop volumineux" in page and "rien n'a été enregistré" in page


def test_the_refusal_is_in_the_persons_language():
    status, page = call(CountingInput(60 * MB), language="en")
    assert status.startswith("413")
    assert '<html lang="en"' in page


def test_an_upload_that_passes_the_limit_is_stopped_after_at_most_one_chunk_more(settings):
    settings.MAX_UPLOAD_SIZE = 1 * MB  # the declared body (4 MB) is under max_request_size (6 MB)
    body = multipart(4 * MB)
    assert body.size < max_request_size()
    status, page = call(body)
    assert status.startswith("413") and "Fichier trop volumineux" in page
    assert max_file_bytes() < body.read_bytes <= max_file_bytes() + len(body.head) + CHUNK


def test_an_upload_under_the_limit_is_read_whole_and_reaches_the_view(settings):
    settings.MAX_UPLOAD_SIZE = 1 * MB
    body = multipart(MB // 2)
    status, _page = call(body)
    assert not status.startswith("413")
    assert body.read_bytes == body.size


def test_a_form_without_a_file_is_not_limited_below_data_upload_max_memory_size(settings):
    settings.MAX_UPLOAD_SIZE = 1 * MB
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 3 * MB
    assert max_request_size() == 3 * MB + UPLOAD_MARGIN
    body = CountingInput(2 * MB, head=b"text=")
    status, _page = call(body, content_type="application/x-www-form-urlencoded")
    assert not status.startswith("413")


def test_the_import_page_answers_a_page_with_a_way_back_and_imports_nothing(client, settings):
    from concertation.directory.models import Organization

    settings.MAX_UPLOAD_SIZE = 1 * MB
    territory = TerritoryFactory(slug="pointe")
    coordinator = UserFactory()
    territory.coordinators.add(coordinator)
    client.force_login(coordinator)
    url = reverse("spaces:import", kwargs={"territory": "pointe"})
    data = b"Organisme\n" + b"Org\n" * (MB)  # 4 MB: past the 2 MB the handler reads
    response = client.post(url, {"step": "upload", "file": SimpleUploadedFile("membres.csv", data)},
                           HTTP_REFERER="http://testserver" + url, HTTP_HX_REQUEST="true")
    assert response.status_code == 413
    content = response.content.decode()
    assert "1\u00a0Mo au plus par fichier" in content or "1 Mo au plus par fichier" in content
    assert f'href="http://testserver{url}"' in content
    assert Organization.objects.count() == 0


def test_a_way_back_to_another_site_is_not_offered(client):
    response = client.post("/", data=b"x", content_type="application/octet-stream",
                           CONTENT_LENGTH=str(60 * MB), HTTP_REFERER="https://evil.example/")
    assert response.status_code == 413
    assert "evil.example" not in response.content.decode()
    assert f'href="{reverse("home")}"' in response.content.decode()
