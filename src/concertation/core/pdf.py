"""PDF documents (notice, minutes, attendance sheet, practice sheet…), drawn by WeasyPrint from ordinary templates.

``render_pdf(template, context, request)`` is shared by every printed document (notice, minutes,
attendance sheet). PDF templates carry their own ``<style>`` (a PDF is not a page: the CSP does not
apply) and load nothing from the network: only ``file:`` and ``data:`` addresses are fetched.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify

PDF_CONTENT_TYPE = "application/pdf"


def render_pdf(template: str, context: dict, request=None) -> bytes:
    """Render ``template`` with ``context`` and return the PDF's bytes."""
    import weasyprint  # imported late: loading Pango costs time that most requests never need

    html = render_to_string(template, context, request=request)
    fetcher = weasyprint.urls.URLFetcher(allowed_protocols={"file", "data"})
    base_url = (settings.BASE_DIR / "static").as_uri() + "/"
    return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()


def pdf_response(template: str, context: dict, request=None, *, filename: str = "document") -> HttpResponse:
    """An inline PDF response named ``<filename>.pdf``."""
    response = HttpResponse(render_pdf(template, context, request), content_type=PDF_CONTENT_TYPE)
    name = slugify(filename) or "document"
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response
