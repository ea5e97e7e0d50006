"""Request bodies larger than the site accepts are refused before they are read, not after.

Two guards, both ending in the same translated 413 page (``too_large``):

- ``UploadLimitMiddleware`` answers at once when the declared Content-Length passes
  ``max_request_size()``: not one byte of the body is read. For a multipart body under that size, it
  has the upload handlers parse the body right away (CSRF would do it a moment later anyway), so
  that an upload stopped by ``LimitedUploadHandler`` never reaches a view with a missing file.
- ``LimitedUploadHandler``, first of ``FILE_UPLOAD_HANDLERS``, counts the file bytes as they arrive
  and stops reading (``StopUpload(connection_reset=True)``: the rest of the body is not drained) as
  soon as they pass ``max_file_bytes()``. Nothing past that point reaches memory or disk.

Both limits include ``UPLOAD_MARGIN`` above ``MAX_UPLOAD_SIZE``: a file slightly too large still
reaches its form, which says the limit in place (« trop volumineux (20 Mo au plus) »); anything
larger is stopped here. The margin also covers the form's other fields and the multipart framing.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import QueryDict, UnreadablePostError
from django.shortcuts import render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.http import url_has_allowed_host_and_scheme

logger = logging.getLogger("concertation")

UPLOAD_MARGIN = 1024 * 1024
DEFAULT_MAX_UPLOAD_SIZE = 20 * 1024 * 1024


def max_upload_size() -> int:
    return getattr(settings, "MAX_UPLOAD_SIZE", DEFAULT_MAX_UPLOAD_SIZE)


def max_file_bytes() -> int:
    """The file bytes of one request past which reading stops."""
    return max_upload_size() + UPLOAD_MARGIN


def max_request_size() -> int:
    """The declared body size past which a request is refused unread: the largest file or the
    largest form without a file (DATA_UPLOAD_MAX_MEMORY_SIZE), plus the margin."""
    return max(max_upload_size(), settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0) + UPLOAD_MARGIN


def declared_length(request) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


class LimitedUploadHandler(FileUploadHandler):
    """Counts the bytes of every file of the request; stops reading once they pass the limit."""

    received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > max_request_size():  # the middleware's check, for requests it did not see
            _mark(self.request)
            return QueryDict(encoding=encoding), MultiValueDict()  # parsed as empty: nothing is read
        return None

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > max_file_bytes():
            _mark(self.request)
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers keep the file


def _mark(request) -> None:
    if request is not None:
        request.upload_too_large = True


class UploadLimitMiddleware:
    """Refuse an oversized body before the view (and before CSRF's own reading of the form)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        size = declared_length(request)
        if size > max_request_size():
            logger.warning("request body refused unread: %s bytes declared for %s", size, request.path)
            return too_large(request)
        if size and request.content_type == "multipart/form-data":
            try:
                request.POST  # noqa: B018 — parse now, under LimitedUploadHandler's limit
            except UnreadablePostError:
                pass  # the client went away: CSRF answers as it always does
            if getattr(request, "upload_too_large", False):
                logger.warning("upload stopped after %s bytes for %s", max_file_bytes(), request.path)
                return too_large(request)
        return self.get_response(request)


def too_large(request):
    """A page in the person's language that says the limit and leads back to the form."""
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = reverse("home")
    response = render(request, "413.html", {"max_mb": max(1, max_upload_size() // (1024 * 1024)), "back": back},
                      status=413)
    response["Cache-Control"] = "no-store"
    return response
