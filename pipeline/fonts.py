"""The bundled fonts: where they are, what they cover, and their ReportLab registration."""

from __future__ import annotations

import functools
from pathlib import Path

FONT_DIR = Path(__file__).parent / "fonts"
FAMILY = "LiberationSerif"  # the PDF's metric twin of Times New Roman
FACES = {
    (False, False): "LiberationSerif-Regular",
    (True, False): "LiberationSerif-Bold",
    (False, True): "LiberationSerif-Italic",
    (True, True): "LiberationSerif-BoldItalic",
}
# Characters the writers never draw as glyphs, so the fonts need not cover them.
_NOT_DRAWN = frozenset("\n\t")


class FontError(Exception):
    """A bundled font is missing or unreadable."""


def face_name(bold: bool, italic: bool) -> str:
    """Return the registered name of the face with these marks."""
    return FACES[(bold, italic)]


def font_path(name: str) -> Path:
    """Return the file of a bundled face."""
    return FONT_DIR / f"{name}.ttf"


@functools.lru_cache(maxsize=None)
def _ttfont(name: str):
    """Return a loaded ReportLab TTFont for a bundled face; FontError if unreadable."""
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    path = font_path(name)
    try:
        return TTFont(name, str(path))
    except (OSError, TTFError) as exc:
        raise FontError(f"{path}: cannot read bundled font ({exc}); reinstall the package") from exc


@functools.lru_cache(maxsize=None)
def coverage() -> frozenset[str]:
    """Return the characters that every bundled face can draw."""
    covered = None
    for name in FACES.values():
        chars = {chr(cp) for cp in _ttfont(name).face.charToGlyph}
        covered = chars if covered is None else covered & chars
    return frozenset(covered | _NOT_DRAWN)


def uncovered(text: str) -> list[str]:
    """Return the distinct characters of `text` that no bundled face covers, in order."""
    cover = coverage()
    return list(dict.fromkeys(ch for ch in text if ch not in cover))


@functools.lru_cache(maxsize=None)
def register_pdf_fonts() -> str:
    """Register the bundled faces with ReportLab once; return the family name."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics

    for (bold, italic), name in FACES.items():
        pdfmetrics.registerFont(_ttfont(name))
        addMapping(FAMILY, int(bold), int(italic), name)
    return FAMILY
