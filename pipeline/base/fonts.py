"""The bundled fonts: where they are, what they cover, which family draws each piece of text, and
their ReportLab registration."""

from __future__ import annotations

import fnmatch
import functools
import hashlib
import struct
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import fontfaces
from .errors import ConfigError, Diagnostic, Location

FONT_DIR = Path(__file__).parent.parent / "fonts"  # package data, apart from this module


@dataclass(frozen=True, eq=False)  # one object per family: compared and hashed by identity
class Family:
    """One bundled family: its faces by (bold, italic), and what the .docx names for its text."""

    name: str  # ReportLab's family name; the faces are files named <face>.ttf
    faces: dict  # (bold, italic) -> face name
    word: str | None = None  # the font a .docx names for its text; None: the look's own font
    shaped: bool = False  # a complex script: shaped in the PDF, Word's complex-script font slot
    language: str | None = None  # the language of its script's text (BCP 47), for screen readers

    def face(self, bold: bool, italic: bool) -> str:
        """Return the face with these marks."""
        return self.faces[(bold, italic)]


def _noto(script: str, language: str) -> Family:
    """Return a Noto Serif family for a complex script: Regular and Bold, no italic."""
    name = f"NotoSerif{script}"
    # Noto Serif has no italic for these scripts: italic text prints them upright in both formats
    # (the .docx turns Word's complex-script italic off, so Word and LibreOffice do not slant them).
    regular, bold = f"{name}-Regular", f"{name}-Bold"
    return Family(name, {(False, False): regular, (True, False): bold, (False, True): regular, (True, True): bold},
                  word=f"Noto Serif {script}", shaped=True, language=language)


LATIN = Family("LiberationSerif", {  # the PDF's metric twin of Times New Roman
    (False, False): "LiberationSerif-Regular",
    (True, False): "LiberationSerif-Bold",
    (False, True): "LiberationSerif-Italic",
    (True, True): "LiberationSerif-BoldItalic",
})
# Every bundled family, in the order a character is given to one: Liberation Serif draws all it
# covers (Latin, Vietnamese, Greek, Cyrillic, punctuation, spaces), each Noto family its script.
FAMILIES = (LATIN, _noto("Lao", "lo-LA"), _noto("Khmer", "km-KH"), _noto("Thai", "th-TH"))
FAMILY = LATIN.name
FACES = LATIN.faces
# The bundled files exactly: a damaged or substituted font is refused, never used.
SHA256 = {
    "LiberationSerif-Regular": "29d12439831b7f59194efec85872f24f54eff05738933f9a860220d2abff88ba",
    "LiberationSerif-Bold": "446a4421f297698427170fd7db20e59169a4188baaaf940e9bea58af6341a723",
    "LiberationSerif-Italic": "c1830c433ab41379f1139fac388989d37c9f08c81e1bd643efdcc7946db30753",
    "LiberationSerif-BoldItalic": "36dd6965be8915f6d7efb259757f1f7546a7c6f72c53a20bbe4ae7092f2cd558",
    "NotoSerifLao-Regular": "18cecc9fc9ef0fe10f12cff8ddba88317d8b45fb1dfa2aa935d225184ad3893c",
    "NotoSerifLao-Bold": "0613b9803cc45e1794a0f87e79f5a70ff3119676509b6de8807540120107f4a0",
    "NotoSerifKhmer-Regular": "98a2e27f6bc1d6ed58e6c9d32d84b84aa9dae4cdf727f3b3f36d03f3c06ff123",
    "NotoSerifKhmer-Bold": "642cc0a8da68b6a2cb53017144eff68057c6731c42f5829601d15a25f28a9221",
    "NotoSerifThai-Regular": "8e1bcaa4fef346b247092cf4327c4744eda2fa72afed96e2145dc30a3b04fdd1",
    "NotoSerifThai-Bold": "befef873c46740e20a49e8762c151d5fe1dddd0ecdddaf48766c709eae51f086",
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
    for name in SHA256:
        _verified(name)


def verified_path(name: str) -> Path:
    """Return the file of a bundled face whose bytes match its checksum; ConfigError otherwise."""
    return _verified(name)


@functools.cache
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


@functools.cache
def _ttfont(name: str):
    """Return a loaded ReportLab TTFont for a bundled face; ConfigError if missing or damaged."""
    from reportlab.pdfbase.ttfonts import TTFError

    path = _verified(name)
    try:
        font = _nbsp_font_class().with_face(name, fontfaces.face(SHA256[name], path))
    except (OSError, TTFError) as exc:
        raise _font_error(path, f"cannot read the bundled font: {exc}")
    font.covered = frozenset(chr(cp) for cp in font.face.charToGlyph if _printable(cp))
    font.line_extent = _win_extent(font.face)
    for real, stand_in in STAND_INS.items():
        font.face.charWidths[stand_in] = font.face.charWidths.get(real, font.face.defaultWidth)
    if _family_of_face(name).shaped:
        _code_unmapped_glyphs(font)
    return font


def _win_extent(face) -> tuple[float, float]:
    """Return a face's line extent above and below the baseline in em, as Word and LibreOffice
    size a line in it (OS/2 usWinAscent and usWinDescent)."""
    win_ascent, win_descent = struct.unpack(">HH", face.get_table("OS/2")[74:78])
    return win_ascent / face.unitsPerEm, win_descent / face.unitsPerEm


def line_extent(face: str) -> tuple[float, float]:
    """Return the line extent (above, below the baseline) in em of a registered face."""
    return _ttfont(face).line_extent


def _printable(cp: int) -> bool:
    """Return False for code points a font may map but text never holds (controls, non-characters)."""
    return unicodedata.category(chr(cp)) not in ("Cc", "Cs", "Co") and (cp & 0xFFFE) != 0xFFFE


def _code_unmapped_glyphs(font) -> None:
    """Give every glyph that no character maps to its private-use code now, in glyph order."""
    # Shaping draws glyphs no character maps to (a ligature, a subscript form); ReportLab gives
    # each a private-use code when it first meets it, so the codes, and the bytes of a PDF, would
    # depend on what the process printed before. Assigned here, they are the same in every run.
    hb_font = font.hbFont(1000)  # also sets hbAddPrivate
    face = font.face
    for gid in range(face.numGlyphs):
        if gid not in face.glyphToChar:
            font.hbAddPrivate(hb_font.glyph_to_string(gid), gid, hb_font.get_glyph_h_advance(gid))


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

        @classmethod
        def with_face(cls, name: str, face) -> TTFont:
            """Return the font as TTFont(name, file) makes it, its face already parsed (fontfaces)."""
            from weakref import WeakKeyDictionary

            from reportlab import rl_config
            from reportlab.pdfbase.ttfonts import TTEncoding, unShapedFontGlob

            font = cls.__new__(cls)
            font.fontName, font.face, font.encoding = name, face, TTEncoding()
            font.state = WeakKeyDictionary()
            font._asciiReadable = rl_config.ttfAsciiReadable
            font.shapable = not any(fnmatch.fnmatch(name, glob) for glob in unShapedFontGlob)
            return font

        # Stock ReportLab prints U+00A0 with the space's code (same glyph), so copied or
        # extracted text gets a plain space; the line breaker already treats it as no-break.

        def splitString(self, text, doc, encoding="utf-8"):
            """Split as ReportLab does, but give U+00A0 its own code instead of a space's."""
            text = text.translate(_REAL)  # the stand-ins of LITERAL_SPACES print as themselves
            if "\xa0" not in text:
                return self._split(text, doc, encoding)
            nbsp = self._nbsp_code(doc)
            chunks: list[tuple[int, bytes]] = []
            for index, part in enumerate(text.split("\xa0")):
                if index:
                    chunks.append((nbsp >> 8, bytes([nbsp & 0xFF])))
                chunks.extend(self._split(part, doc, encoding) if part else [])
            return chunks  # the text object only switches font when the subset changes

        def _split(self, text, doc, encoding):
            """Split as ReportLab does; text whose characters all have codes of the first subset
            already (nearly every line after the first few) is translated in one C call."""
            state = self._assignState(doc)
            assigned = state.assignments
            # Assignments only grow, each with a new code (the U+00A0 relabel too): the pair
            # says whether the table below still describes them.
            version = (len(assigned), state.nextCode)
            kept = getattr(state, "_factsheets_first", None)
            if kept is None or kept[0] != version:
                first = {code: chr(n) for code, n in assigned.items() if n < 256}
                kept = state._factsheets_first = (version, frozenset(map(chr, first)), first)
            if text and isinstance(text, str) and kept[1].issuperset(text):
                return [(0, text.translate(kept[2]).encode("latin-1"))]
            return super().splitString(text, doc, encoding)

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


@functools.cache
def family_coverage() -> dict[str, frozenset[str]]:
    """Return, by family name, the characters every face of that family draws (from the coverage file)."""
    # Read from a small file rather than the fonts: validating a record or a data file must
    # not import ReportLab (a no-op build never does). A test keeps the file equal to the fonts.
    covered: dict[str, set[str]] = {}
    chars: set[str] = set()
    for line in COVERAGE_FILE.read_text(encoding="ascii").splitlines():
        if line.startswith("# "):
            chars = covered.setdefault(line[2:].strip(), set())
        elif line.strip():
            first, _, last = line.partition("-")
            chars.update(chr(cp) for cp in range(int(first, 16), int(last or first, 16) + 1))
    return {family.name: frozenset(covered.get(family.name, ())) for family in FAMILIES}


@functools.cache
def coverage() -> frozenset[str]:
    """Return the characters some bundled family draws with every one of its faces."""
    return frozenset().union(*family_coverage().values()) | _NOT_DRAWN


def measured_family_coverage() -> dict[str, frozenset[str]]:
    """Return what family_coverage() should hold, read from the fonts by ReportLab."""
    out = {}
    for family in FAMILIES:
        out[family.name] = frozenset.intersection(*(_ttfont(name).covered for name in set(family.faces.values())))
    return out


def measured_coverage() -> frozenset[str]:
    """Return the characters some bundled family draws with every face, read from the fonts."""
    return frozenset().union(*measured_family_coverage().values()) | _NOT_DRAWN


def coverage_file(per_family: dict[str, frozenset[str]]) -> str:
    """Return the coverage file's text: each family's name, then its characters as hex ranges."""
    return "".join(f"# {name}\n{coverage_ranges(chars)}" for name, chars in per_family.items())


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
    """Return the distinct characters of `text` that no bundled family covers, in order."""
    cover = coverage()
    return list(dict.fromkeys(ch for ch in text if ch not in cover))


# Zero-width non-joiner and joiner steer how the letters around them are shaped.
_JOINERS = frozenset("\u200c\u200d")
_MARKS = frozenset(("Mn", "Mc", "Me"))


def pieces(text: str) -> list[tuple[str, Family]]:
    """Split text into runs of characters that one family draws, in order; both writers use it.

    A character goes to the first family that covers it (Liberation Serif for everything it has:
    spaces, digits, punctuation, Latin and Vietnamese); a combining mark or a joiner stays with
    the complex-script letter before it when that font has it, so the cluster is shaped whole.
    """
    if text.isascii():  # the common case, and Liberation Serif covers all of printable ASCII
        return [(text, LATIN)] if text else []
    cover = family_coverage()
    if cover[LATIN.name].issuperset(text):  # dashes, quotes, accents: still one piece (LATIN comes first)
        return [(text, LATIN)]
    out: list[list] = []
    for ch in text:
        family = _family(ch, out[-1][1] if out else None, cover)
        if out and out[-1][1] is family:
            out[-1][0] += ch
        else:
            out.append([ch, family])
    return [(piece, family) for piece, family in out]


def _family(ch: str, before: Family | None, cover: dict[str, frozenset[str]]) -> Family:
    """Return the family that draws `ch`, after a character drawn by `before`."""
    if (before is not None and before.shaped and ch in cover[before.name]
            and (ch in _JOINERS or unicodedata.category(ch) in _MARKS)):
        return before
    for family in FAMILIES:
        if ch in cover[family.name]:
            return family
    return LATIN  # not drawn (a line break, a tab), or refused before any writer runs


def family_of_face(name: str) -> Family:
    """Return the family a face belongs to."""
    return _family_of_face(name)


def _family_of_face(name: str) -> Family:
    """Return the family a face belongs to."""
    return next(family for family in FAMILIES if name in family.faces.values())


@functools.cache
def register_pdf_fonts() -> str:
    """Register the Latin faces with ReportLab once; return the family name."""
    _register(LATIN)  # also maps <b>/<i> onto the bundled faces
    return FAMILY


def pdf_face(family: Family, bold: bool, italic: bool) -> str:
    """Return the registered face of `family` with these marks, registering the family on first use."""
    _register(family)
    return family.face(bold, italic)


@functools.cache
def _register(family: Family) -> None:
    """Register a family's faces with ReportLab (a face is embedded only in PDFs that draw it)."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics

    for (bold, italic), name in family.faces.items():
        pdfmetrics.registerFont(_ttfont(name))
        addMapping(family.name, int(bold), int(italic), name)


def text_width(text: str, size: float, bold: bool = False, italic: bool = False) -> float:
    """Return the advance width of `text` at `size` points, in the regular face or the one with these
    marks, each script's piece in its own family's face (as drawn before shaping)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    register_pdf_fonts()
    return sum(stringWidth(piece, pdf_face(family, bold, italic), size) for piece, family in pieces(text))
