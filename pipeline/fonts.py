"""The bundled fonts: where they are, what they cover, and their ReportLab registration."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from .errors import ConfigError, Diagnostic, Location

FONT_DIR = Path(__file__).parent / "fonts"
FAMILY = "LiberationSerif"  # the PDF's metric twin of Times New Roman
FACES = {
    (False, False): "LiberationSerif-Regular",
    (True, False): "LiberationSerif-Bold",
    (False, True): "LiberationSerif-Italic",
    (True, True): "LiberationSerif-BoldItalic",
}
# The bundled files exactly: a damaged or substituted font is refused, never used.
SHA256 = {
    "LiberationSerif-Regular": "29d12439831b7f59194efec85872f24f54eff05738933f9a860220d2abff88ba",
    "LiberationSerif-Bold": "446a4421f297698427170fd7db20e59169a4188baaaf940e9bea58af6341a723",
    "LiberationSerif-Italic": "c1830c433ab41379f1139fac388989d37c9f08c81e1bd643efdcc7946db30753",
    "LiberationSerif-BoldItalic": "36dd6965be8915f6d7efb259757f1f7546a7c6f72c53a20bbe4ae7092f2cd558",
}
CAP_HEIGHT = 0.655  # Liberation Serif's capital height in em (OS/2 sCapHeight 1341 of 2048 units)
# Characters the writers never draw as glyphs, so the fonts need not cover them.
_NOT_DRAWN = frozenset("\n\t")
NBSP = 0xA0
# ReportLab's line breaker takes these for word spaces and prints a plain space instead, so a
# thin or narrow no-break space would change in the PDF. The PDF writer hands it private-use
# stand-ins (records cannot hold private-use characters), which the font measures and prints
# as the real character.
LITERAL_SPACES = "".join(map(chr, range(0x2000, 0x200C))) + "\u202f"
STAND_INS = {ord(ch): 0xF0000 + i for i, ch in enumerate(LITERAL_SPACES)}  # a str.translate table
_REAL = {stand_in: chr(real) for real, stand_in in STAND_INS.items()}


def face_name(bold: bool, italic: bool) -> str:
    """Return the registered name of the face with these marks."""
    return FACES[(bold, italic)]


def font_path(name: str) -> Path:
    """Return the file of a bundled face."""
    return FONT_DIR / f"{name}.ttf"


def verify() -> None:
    """Check every bundled face's checksum; ConfigError naming the font file if missing or damaged."""
    # Checksums only: loading the faces would import ReportLab, which a no-op build must not do.
    for name in FACES.values():
        _verified(name)


@functools.lru_cache(maxsize=None)
def _verified(name: str) -> Path:
    """Return the file of a bundled face whose bytes match its checksum; ConfigError otherwise."""
    path = font_path(name)
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise _font_error(path, f"cannot read the bundled font: {exc.strerror or exc}")
    if digest != SHA256[name]:
        raise _font_error(path, "the bundled font is damaged or was replaced (its checksum differs)")
    return path


@functools.lru_cache(maxsize=None)
def _ttfont(name: str):
    """Return a loaded ReportLab TTFont for a bundled face; ConfigError if missing or damaged."""
    from reportlab.pdfbase.ttfonts import TTFError

    path = _verified(name)
    try:
        font = _nbsp_font_class()(name, str(path))
    except (OSError, TTFError) as exc:
        raise _font_error(path, f"cannot read the bundled font: {exc}")
    for real, stand_in in STAND_INS.items():
        font.face.charWidths[stand_in] = font.face.charWidths.get(real, font.face.defaultWidth)
    return font


def _font_error(path: Path, message: str) -> ConfigError:
    """Return the error for an unusable bundled font: nothing is rendered with a substitute."""
    return ConfigError([Diagnostic(Location(str(path)), message,
                                   "reinstall factsheets (make clean && make run) to restore its fonts")])


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
            text = text.translate(_REAL)  # the stand-ins of LITERAL_SPACES print as themselves
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


COVERAGE_FILE = FONT_DIR / "coverage.txt"


@functools.lru_cache(maxsize=None)
def coverage() -> frozenset[str]:
    """Return the characters that every bundled face can draw (from the cached coverage file)."""
    # Read from a small file rather than the fonts: validating a record or a data file must
    # not import ReportLab (a no-op build never does). A test keeps the file equal to the fonts.
    chars = set()
    for line in COVERAGE_FILE.read_text(encoding="ascii").split():
        first, _, last = line.partition("-")
        chars.update(chr(cp) for cp in range(int(first, 16), int(last or first, 16) + 1))
    return frozenset(chars | _NOT_DRAWN)


def measured_coverage() -> frozenset[str]:
    """Return the characters every bundled face draws, read from the fonts by ReportLab."""
    covered = None
    for name in FACES.values():
        chars = {chr(cp) for cp in _ttfont(name).face.charToGlyph}
        covered = chars if covered is None else covered & chars
    return frozenset(covered | _NOT_DRAWN)


def coverage_ranges(chars) -> str:
    """Return code points as the coverage file writes them: one hex range per line."""
    points = sorted(ord(ch) for ch in chars if ch not in _NOT_DRAWN)
    lines, start = [], None
    for index, cp in enumerate(points):
        start = cp if start is None else start
        if index + 1 == len(points) or points[index + 1] != cp + 1:
            lines.append(f"{start:04X}" if start == cp else f"{start:04X}-{cp:04X}")
            start = None
    return "\n".join(lines) + "\n"


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


def text_width(text: str, size: float, bold: bool = False, italic: bool = False) -> float:
    """Return the advance width of `text` at `size` points, in the regular face or the one with these marks."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    register_pdf_fonts()
    return stringWidth(text, face_name(bold, italic), size)
