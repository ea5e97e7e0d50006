"""The Open Graph image of a territory's window: a 1200 × 630 PNG drawn on the server with Pillow
(installed with WeasyPrint), with the territory's name and nothing else of its data.

DejaVu Sans (Debian's fonts-dejavu-core) when it is there, Pillow's own scalable font otherwise. The
image depends only on the name, the kind of territory and the language: its ETag is a hash of them,
so a browser or a social network asks again cheaply (304) and caches it for a day.
"""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
FONTS = Path("/usr/share/fonts/truetype/dejavu")
BACKGROUND = (0, 76, 109)     # the product's deep blue
ACCENT = (255, 196, 0)
TEXT = (255, 255, 255)
MARGIN = 80
VERSION = "1"  # raise when the drawing changes, so caches take the new one


@lru_cache(maxsize=8)
def _font(bold: bool, size: int):
    path = FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def etag(name: str, subtitle: str, footer: str) -> str:
    digest = hashlib.sha256("\x1f".join((VERSION, name, subtitle, footer)).encode()).hexdigest()[:32]
    return f'"{digest}"'


@lru_cache(maxsize=64)
def draw(name: str, subtitle: str, footer: str) -> bytes:
    """The PNG: the territory's name (as large as fits on three lines), a subtitle and a footer."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    canvas = ImageDraw.Draw(image)
    canvas.rectangle((0, HEIGHT - 24, WIDTH, HEIGHT), fill=ACCENT)
    small = _font(False, 36)
    canvas.text((MARGIN, MARGIN), subtitle, font=small, fill=ACCENT)
    size, lines = 96, []
    while size >= 40:
        font = _font(True, size)
        lines = _wrap(canvas, name, font, WIDTH - 2 * MARGIN)
        if len(lines) <= 3 and all(canvas.textlength(line, font=font) <= WIDTH - 2 * MARGIN for line in lines):
            break
        size -= 8
    font = _font(True, size)
    y = MARGIN + 80
    for line in lines[:3]:
        canvas.text((MARGIN, y), line, font=font, fill=TEXT)
        y += int(size * 1.2)
    canvas.text((MARGIN, HEIGHT - MARGIN - 40), footer, font=small, fill=TEXT)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
