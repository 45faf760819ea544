"""ReportLab's parsed TrueType faces, kept in the user's cache: parsing the four Liberation Serif
faces took about 25 ms of every one-shot command, reading them back about 8.

A face is ReportLab's `TTFontFace` after it read the font's tables (names, metrics, the character
map, the glyphs' widths and places). What is kept is that state, keyed by the face's pinned
checksum (the file was verified against it before), ReportLab's and Python's versions; the file's
bytes are read again, and the one function ReportLab makes while parsing (the scale to 1,000 units)
is made again the same way. The cache is the private one of the chart pictures (diskcache): pickled
state is read back only from a folder of the user's own, closed to others.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from . import diskcache

KIND, LIMIT = "faces", 16 * 1024 * 1024  # about 100 kB a face
_MADE_AGAIN = ("_pdfScale", "_ttf_data")  # a function, and the file's bytes


def face(checksum: str, path: Path):
    """Return ReportLab's parsed face of a verified font file, from the cache when it was parsed before."""
    import pickle  # only a build that lays out a PDF loads faces

    from reportlab import Version
    from reportlab.pdfbase.ttfonts import TTFontFace

    key = diskcache.key("ttf-face", checksum, Version, sys.version)
    kept = diskcache.get(KIND, key)
    if kept is not None:
        with contextlib.suppress(Exception):  # unreadable: parsed afresh below
            return _restored(TTFontFace, pickle.loads(kept), path)
    parsed = TTFontFace(str(path))
    state = {name: value for name, value in parsed.__dict__.items() if name not in _MADE_AGAIN}
    diskcache.put(KIND, key, pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL), LIMIT)
    return parsed


def _restored(kind: type, state: dict, path: Path):
    """Return a face made from kept state, with what was not kept made again as ReportLab makes it."""
    restored = kind.__new__(kind)
    restored.__dict__.update(state)
    restored._ttf_data = path.read_bytes()
    units = restored.unitsPerEm
    if units == 1000:
        restored._pdfScale = lambda x: x
    else:
        per_1000 = 1000 / units
        restored._pdfScale = lambda x: x * per_1000
    return restored
