"""Small real files for the demo's agenda documents: a one-page PDF written by hand (a few hundred
bytes, no WeasyPrint: loading the demo stays fast) and plain text."""

from __future__ import annotations

import textwrap


def _pdf_text(text: str) -> bytes:
    # Helvetica with WinAnsiEncoding: cp1252 holds the accents and « guillemets » of French.
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def simple_pdf(title: str, paragraphs: list[str]) -> bytes:
    """A valid one-page PDF (US Letter) with a title and wrapped paragraphs."""
    lines = [b"BT", b"/F1 16 Tf", b"72 720 Td", b"(" + _pdf_text(title) + b") Tj", b"/F2 11 Tf", b"0 -14 TL"]
    for paragraph in paragraphs:
        lines.append(b"T*")
        for line in textwrap.wrap(paragraph, 90) or [""]:
            lines.append(b"T* (" + _pdf_text(line) + b") Tj")
    lines.append(b"ET")
    content = b"\n".join(lines)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> "
        b"/Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Title (" + _pdf_text(title) + b") /Producer (Concertation) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, len(objects), xref)
    return bytes(out)


def document_bytes(filename: str, title: str, paragraphs: list[str]) -> bytes:
    if filename.lower().endswith(".pdf"):
        return simple_pdf(title, paragraphs)
    return ("\n\n".join([title, *paragraphs]) + "\n").encode("utf-8")
