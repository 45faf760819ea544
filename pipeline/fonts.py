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
NBSP = 0xA0


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
    from reportlab.pdfbase.ttfonts import TTFError

    path = font_path(name)
    try:
        return _nbsp_font_class()(name, str(path))
    except (OSError, TTFError) as exc:
        raise FontError(f"{path}: cannot read bundled font ({exc}); reinstall the package") from exc


@functools.lru_cache(maxsize=1)
def _nbsp_font_class():
    """Return a TTFont subclass that keeps U+00A0 in the PDF (built lazily: imports reportlab)."""
    from reportlab.pdfbase.ttfonts import TTFont

    class _NbspTTFont(TTFont):
        """A TTFont that writes U+00A0 as its own code, so text extraction keeps it."""

        # Stock ReportLab prints U+00A0 with the space's code (same glyph), so copied or
        # extracted text gets a plain space; the line breaker already treats it as no-break.

        def splitString(self, text, doc, encoding="utf-8"):
            """Split as ReportLab does, but give U+00A0 its own code instead of a space's."""
            if "\xa0" not in text:
                return super().splitString(text, doc, encoding)
            nbsp = self._nbsp_code(doc)
            chunks: list[tuple[int, bytes]] = []
            for index, part in enumerate(text.split("\xa0")):
                if index:
                    chunks.append((nbsp >> 8, bytes([nbsp & 0xFF])))
                chunks.extend(super().splitString(part, doc, encoding) if part else [])
            return chunks  # the text object only switches font when the subset changes

        def _nbsp_code(self, doc) -> int:
            """Return the subset code of U+00A0 in `doc`, assigning one on first use."""
            state = self._assignState(doc)
            if NBSP not in state.assignments:  # ReportLab itself never assigns U+00A0
                # Let ReportLab allocate a code for an unused stand-in character, then relabel
                # that code as U+00A0 (same glyph as space); the stand-in stays unassigned.
                stand_in = min(cp for cp in self.face.charToGlyph
                               if cp > 0x20 and cp != NBSP and cp not in state.assignments)
                super().splitString(chr(stand_in), doc)
                code = state.assignments.pop(stand_in)
                state.subsets[code >> 8][code & 0xFF] = NBSP
                state.assignments[NBSP] = code
            return state.assignments[NBSP]

    return _NbspTTFont


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
