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
from ..base.limits import MAX_IMAGE_BYTES, MAX_IMAGE_DECODED, MAX_IMAGE_SIDE, MAX_JPEG_SCANS
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
    decoded = pixels[0] * pixels[1] * (_png_depth(data) if kind == "png" else _jpeg_depth(data))
    if decoded > MAX_IMAGE_DECODED:  # the memory its pixels take once decoded, from the header too
        raise fail(f"{shown(name)} would take {decoded:,} bytes once decoded ({pixels[0]:,} × {pixels[1]:,} "
                   f"pixels); a picture may take at most {MAX_IMAGE_DECODED:,}",
                   "scale it down, or save it with 8 bits a channel; the sheet prints it about an inch wide")
    if kind == "jpeg" and data.count(b"\xff\xda") > MAX_JPEG_SCANS:  # each scan is a pass over every pixel
        raise fail(f"{shown(name)} is a JPEG of more than {MAX_JPEG_SCANS} scans, which would take minutes to "
                   "decode", "save it again as an ordinary (baseline) JPEG or as PNG")
    if not _decodes(data):  # else a writer would fail on it, after the record passed its checks
        raise damaged
    if kind == "jpeg" and not placeable_jpeg(data):
        # CMYK, or no JFIF/Exif header: Word's writer cannot place it; both writers can place a PNG
        # of the same pixels (lossless, and the same bytes from the same file every time).
        data, kind = as_png(data), "png"
    return Image(data, kind, pixels, alt, name), digest(data)


def _png_depth(data: bytes) -> int:
    """Return the bytes a decoded pixel of a PNG takes, from its IHDR (a palette counts as RGB)."""
    channels = {0: 1, 2: 3, 3: 3, 4: 2, 6: 4}.get(data[25], 4) if len(data) > 25 else 4
    return channels * (2 if len(data) > 24 and data[24] > 8 else 1)


def _jpeg_depth(data: bytes) -> int:
    """Return the bytes a decoded pixel of a JPEG takes, from its frame header (components, precision)."""
    frame = _jpeg_frame(data)
    if frame is None:
        return 4
    return data[frame + 9] * (2 if data[frame + 4] > 8 else 1) if frame + 9 < len(data) else 4


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
    """Return (width, height) from a JPEG's frame header; None if there is none."""
    frame = _jpeg_frame(data)
    if frame is None:
        return None
    height, width = struct.unpack(">HH", data[frame + 5:frame + 9])
    return width, height


def placeable_jpeg(data: bytes) -> bool:
    """Return whether both writers place this JPEG as it is: RGB or grey, with a JFIF or Exif header."""
    frame = _jpeg_frame(data)
    if frame is None or frame + 9 >= len(data) or data[frame + 9] not in (1, 3):
        return False  # CMYK (4 components) prints in false colours or not at all
    # python-docx reads a JPEG's size from its JFIF (APP0) or Exif (APP1) segment, and refuses one without.
    return data[2:4] == b"\xff\xe0" and data[6:11] == b"JFIF\0" or data[2:4] == b"\xff\xe1" and data[6:10] == b"Exif"


def as_png(data: bytes) -> bytes:
    """Return a picture as an RGB PNG (deterministic: the same bytes from the same picture)."""
    import io

    from PIL import Image as PILImage

    with PILImage.open(io.BytesIO(data)) as picture:
        out = io.BytesIO()
        picture.convert("RGB").save(out, "PNG", optimize=False)
    return out.getvalue()


def _jpeg_frame(data: bytes) -> int | None:
    """Return the offset of a JPEG's frame header (SOF) marker, walking its segments; None if there is none."""
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
            return at
        at += 2 + length
    return None
