"""The meetings' PDF documents are drawn by ``core.pdf`` (shared with the practice sheets)."""

from concertation.core.pdf import PDF_CONTENT_TYPE, pdf_response, render_pdf

__all__ = ["PDF_CONTENT_TYPE", "pdf_response", "render_pdf"]
