"""Font subsets kept per process: the same face and characters give the same font program, made once.

Every PDF embeds, for each face it uses, a subset of the TrueType font holding the characters the
sheet draws, in the order it first drew them, compressed with zlib: about 1.5 ms a face on this
machine, redone for every sheet. A sheet drawn again (the workspace's previews, the daemon, a
worker building many records of one layout) usually draws the same characters in the same order,
so its subsets are the same bytes. They are kept here, keyed by the face and the exact list of
characters, with their compressed form; so is each subset's ToUnicode map (the text that copying
and screen readers read the characters from), compressed too. The PDF is the same bytes with or
without the cache (tests/writers/test_pdf_caches.py).
"""

from __future__ import annotations

import threading
import zlib

from reportlab.pdfbase import pdfdoc, ttfonts

KEPT_PER_FACE = 16  # subsets kept for each face; about 50 KB each (program and compressed form)
KEPT_MAPS = 64  # ToUnicode maps kept, of every face; a few KB each
_original_make = ttfonts.TTFontFile.makeSubset
_original_map = ttfonts.makeToUnicodeCMap
_maps: dict[tuple, CMapText] = {}  # (subset font name, characters) -> its map, least recently used first
_original_encode = pdfdoc.PDFStreamFilterZCompress.encode
_lock = threading.Lock()  # the workspace renders in threads


class FontProgram(bytes):
    """A font subset's bytes that remember their zlib-compressed form once it is made."""

    compressed: bytes | None = None

    def deflated(self) -> bytes:
        """Return zlib.compress of these bytes, computed once (the level ReportLab uses: the default)."""
        if self.compressed is None:
            self.compressed = zlib.compress(bytes(self))
        return self.compressed


class CMapText(str):
    """A ToUnicode map's text that remembers its zlib-compressed form (as ReportLab encodes it) once made."""

    compressed: bytes | None = None

    def deflated(self) -> bytes:
        """Return zlib.compress of the map's UTF-8 bytes, computed once."""
        if self.compressed is None:
            self.compressed = zlib.compress(str(self).encode("utf8"))
        return self.compressed


def make_map(fontname, subset):  # ReportLab's parameter names
    """Return the ToUnicode map of a subset font's characters, from the cache when it was made before."""
    with _lock:
        return _kept(_maps, (fontname, tuple(subset)), lambda: CMapText(_original_map(fontname, subset)), KEPT_MAPS)


def make_subset(self, subset):
    """Return the face's subset for these characters, from the cache when it was made before."""
    with _lock:
        kept = self.__dict__.setdefault("_factsheets_subsets", {})
        return _kept(kept, tuple(subset), lambda: FontProgram(_original_make(self, subset)), KEPT_PER_FACE)


def _kept(store: dict, key, make, limit: int):
    """Return store[key], made by make() when absent; the store keeps the `limit` most recently used."""
    found = store.pop(key, None)  # taken out and put back: the dict's order is the use order
    if found is None:
        found = make()
        while len(store) >= limit:
            del store[next(iter(store))]  # the least recently used
    store[key] = found
    return found


def encode(self, text):
    """Compress a stream as ReportLab does; a kept font program's compressed form is reused."""
    if type(text) is FontProgram or type(text) is CMapText:
        return text.deflated()
    return _original_encode(self, text)


def install() -> None:
    """Keep font subsets in this process (idempotent)."""
    ttfonts.TTFontFile.makeSubset = make_subset
    ttfonts.makeToUnicodeCMap = make_map
    pdfdoc.PDFStreamFilterZCompress.encode = encode


def uninstall() -> None:
    """Make every subset afresh again (the tests compare the two)."""
    ttfonts.TTFontFile.makeSubset = _original_make
    ttfonts.makeToUnicodeCMap = _original_map
    pdfdoc.PDFStreamFilterZCompress.encode = _original_encode
