"""A preview's page images, made in a worker: each page drawn, named by a hash of its pixels, and
encoded only when that name is new.

Drawing a page at 96 dpi and hashing its pixels take a few milliseconds; encoding it as an image
took most of a preview's time, so a page that looks exactly as before (the same pixels) is not encoded or sent again: the
browser keeps it under the same name. Pages are stored as 256-colour PNGs (a fast octree palette):
a third of the bytes of full-colour ones and no visible difference on text, rules and charts.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field

SCALE = 96 / 72  # page images at 96 dpi: sharp on an office screen, small to send
KEY_CHARS = 32  # a page's name: 128 bits of SHA-256 (done in hardware: 7× BLAKE2b's speed) over its pixels


@dataclass
class Pages:
    """Each page's name and text (the image's alt text), and the images of the names not known before."""

    keys: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    images: dict[str, bytes] = field(default_factory=dict)
    sizes: list[tuple[int, int]] = field(default_factory=list)  # each image's pixels: its place is kept

    def shown(self) -> list[tuple[str, str, tuple[int, int]]]:
        """Return each page's name, text and size, in page order."""
        return list(zip(self.keys, self.texts, self.sizes, strict=True))


def page_key(width: int, height: int, pixels) -> str:
    """Return the name of a page image: a hash of its size and pixels (the same look, the same name)."""
    digest = hashlib.sha256(f"{width}x{height}:".encode())
    digest.update(pixels)
    return digest.hexdigest()[:KEY_CHARS]


def draw(pdf: bytes, known: frozenset[str] = frozenset(), scale: float = SCALE) -> Pages:
    """Draw every page of a PDF; encode only the pages whose name is not in `known` (runs in a worker)."""
    import pypdfium2  # only workers draw: pdfium is not safe to share between threads

    found = Pages()
    document = pypdfium2.PdfDocument(pdf)
    try:
        for page in document:
            bitmap = page.render(scale=scale)
            key = page_key(bitmap.width, bitmap.height, bitmap.buffer)
            found.keys.append(key)
            found.sizes.append((bitmap.width, bitmap.height))
            if key not in known and key not in found.images:
                found.images[key] = _png(bitmap.to_pil())
            textpage = page.get_textpage()
            found.texts.append(" ".join(textpage.get_text_range().split()))
            textpage.close()
        return found
    finally:
        document.close()


def _png(image) -> bytes:
    """Return a page image as a small PNG: 256 colours (fast octree, not dithered), light compression."""
    from PIL import Image

    buffer = io.BytesIO()
    image.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(
        buffer, format="PNG", compress_level=1)
    return buffer.getvalue()
