"""Pictures a user supplies (a seal or flag): found through assets.embeddable, checked, never invented.

Only PNG and JPEG files are taken, recognised by their first bytes (not their names), with their
size in bytes and in pixels bounded (pipeline/limits.py). The pixel size is read from the file's
header here, so checking a picture needs no image library.
"""

from __future__ import annotations

import struct
from pathlib import Path

from ..base import confine
from ..base.assets import embeddable
from ..base.errors import Diagnostic, Location, RecordError, shown
from ..base.fingerprint import digest
from ..base.limits import MAX_IMAGE_BYTES, MAX_IMAGE_SIDE
from .tree import Image

_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
# JPEG markers that start a frame and carry its size (baseline, progressive, lossless…).
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def load(project: Path, name: str, alt: str, loc: Location) -> tuple[Image, str]:
    """Return the Image node of a supplied picture and the hash of its bytes; RecordError at `loc`."""
    path = embeddable(project, name, loc)
    fail = lambda message, hint: RecordError([Diagnostic(loc, message, hint)])
    try:  # never past the limit into memory, never blocking on a pipe swapped in since the check
        data = confine.read_bytes(path, path.parent, MAX_IMAGE_BYTES)
    except OSError as exc:
        raise fail(f"{shown(name)} cannot be read: {getattr(exc, 'reason', None) or exc.strerror or exc}",
                   "put an ordinary PNG or JPEG file there") from None
    if len(data) > MAX_IMAGE_BYTES:
        size = path.stat().st_size
        raise fail(f"{shown(name)} is {size:,} bytes; a picture may be at most {MAX_IMAGE_BYTES:,} bytes",
                   f"save it smaller (at most {MAX_IMAGE_SIDE:,} pixels a side is plenty for print)")
    kind = "png" if data.startswith(_PNG) else "jpeg" if data.startswith(_JPEG) else None
    if kind is None:
        raise fail(f"{shown(name)} is not a PNG or JPEG picture", "save the picture as PNG or JPEG")
    damaged = fail(f"{shown(name)} is a damaged {kind.upper()} file (it cannot be read as a picture)",
                   "open it in an image editor and save it again")
    pixels = _png_size(data) if kind == "png" else _jpeg_size(data)
    if pixels is None or min(pixels) < 1:
        raise damaged
    if max(pixels) > MAX_IMAGE_SIDE:  # checked from the header, before any pixel is decoded
        raise fail(f"{shown(name)} is {pixels[0]:,} × {pixels[1]:,} pixels; a picture may be at most "
                   f"{MAX_IMAGE_SIDE:,} pixels a side", "scale it down; the sheet prints it about an inch wide")
    if not _decodes(data):  # else a writer would fail on it, after the record passed its checks
        raise damaged
    return Image(data, kind, pixels, alt, name), digest(data)


def _decodes(data: bytes) -> bool:
    """Return True if the whole picture decodes (Pillow, which ReportLab itself reads pictures with)."""
    import io

    from PIL import Image as PILImage

    try:
        with PILImage.open(io.BytesIO(data)) as picture:
            picture.load()
    except Exception:  # any decoder complaint means the file is damaged
        return False
    return True


def _png_size(data: bytes) -> tuple[int, int] | None:
    """Return (width, height) from a PNG's IHDR chunk, or None."""
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Return (width, height) from a JPEG's frame header, walking its segments; None if there is none."""
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            at += 2
            continue
        length = struct.unpack(">H", data[at + 2:at + 4])[0]
        if marker in _SOF and at + 9 <= len(data):
            height, width = struct.unpack(">HH", data[at + 5:at + 9])
            return width, height
        at += 2 + length
    return None
