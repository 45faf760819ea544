"""Where a PDF draws its glyphs: the text operators of a page's content stream played through, with the
graphics and text state they change, and HarfBuzz's own layout of a shaped word to compare with.

Only what the PDF writer emits is followed (q/Q, cm, BT/ET, Tm, Td, TD, T*, TL, Tf, Tc, Tw, Tz, Ts,
Tj, TJ, ', " and marked content); fonts are the simple, one-byte-a-glyph fonts ReportLab embeds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
import uharfbuzz

from pipeline.base import fonts

# What ReportLab asks HarfBuzz for when it shapes a word (its shapeFragWord's default).
FEATURES = {"kern": True, "liga": True, "dlig": True}
IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass
class Glyph:
    """One glyph drawn: its font (subset tag dropped) and size, its character (ToUnicode), its origin on
    the page (points, y upwards) and the text rise it was drawn at."""

    font: str
    size: float
    char: str
    x: float
    y: float
    rise: float


@dataclass
class Span:
    """A marked-content span with /ActualText: its text, where the pen stood on the baseline when it
    began (points), and the glyphs drawn inside it."""

    text: str
    x: float
    y: float
    glyphs: list[Glyph] = field(default_factory=list)


@dataclass
class Page:
    """A page's glyphs outside any /ActualText span, and its spans."""

    plain: list[Glyph] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)


def multiply(m, n):
    """Return the matrix product m × n (PDF's row-vector convention)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def translate(x: float, y: float):
    """Return a translation matrix."""
    return (1.0, 0.0, 0.0, 1.0, x, y)


class _Fonts:
    """The page's fonts: name, widths (per 1000 of the size) and ToUnicode map of each code."""

    def __init__(self, resources):
        """Read the page's font resources lazily."""
        self._resources, self._cache = resources, {}

    def __getitem__(self, key: str):
        """Return (name, {code: width}, {code: text}) of a font resource."""
        if key not in self._cache:
            font = self._resources.Font[key]
            first = int(font.get("/FirstChar", 0))
            widths = {first + i: float(w) for i, w in enumerate(font.get("/Widths", []))}
            self._cache[key] = (str(font.BaseFont).split("+")[-1], widths, _to_unicode(font))
        return self._cache[key]


def _to_unicode(font) -> dict[int, str]:
    """Return a simple font's ToUnicode map: code → text ('' without one)."""
    if "/ToUnicode" not in font:
        return {}
    cmap = font.ToUnicode.read_bytes().decode("ascii")
    pairs = re.findall(r"<([0-9A-Fa-f]{2})>\s*<([0-9A-Fa-f]+)>", cmap.split("beginbfchar", 1)[-1])
    return {int(code, 16): bytes.fromhex(text).decode("utf-16-be") for code, text in pairs}


class _Player:
    """The state a content stream changes, played operator by operator."""

    def __init__(self, page):
        """Start at the page's default state."""
        self.fonts, self.out = _Fonts(page.Resources), Page()
        self.ctm, self.stack = IDENTITY, []
        self.text = {"Tc": 0.0, "Tw": 0.0, "Th": 1.0, "TL": 0.0, "Ts": 0.0, "font": None, "size": 0.0}
        self.tm = self.tlm = IDENTITY
        self.marks: list[Span | None] = []

    def play(self, operands, op: str) -> None:
        """Apply one operator."""
        handler = getattr(self, "op_" + {"'": "quote", '"': "dquote", "T*": "Tstar"}.get(op, op), None)
        if handler:
            handler(*operands)

    # Graphics state
    def op_q(self):
        self.stack.append((self.ctm, dict(self.text)))

    def op_Q(self):
        self.ctm, self.text = self.stack.pop()

    def op_cm(self, *m):
        self.ctm = multiply(tuple(map(float, m)), self.ctm)

    # Text objects and positioning
    def op_BT(self):
        self.tm = self.tlm = IDENTITY

    def op_Tm(self, *m):
        self.tm = self.tlm = tuple(map(float, m))

    def op_Td(self, x, y):
        self.tm = self.tlm = multiply(translate(float(x), float(y)), self.tlm)

    def op_TD(self, x, y):
        self.text["TL"] = -float(y)
        self.op_Td(x, y)

    def op_Tstar(self):
        self.op_Td(0, -self.text["TL"])

    # Text state
    def op_Tf(self, name, size):
        self.text["font"], self.text["size"] = str(name), float(size)

    def op_TL(self, value):
        self.text["TL"] = float(value)

    def op_Tc(self, value):
        self.text["Tc"] = float(value)

    def op_Tw(self, value):
        self.text["Tw"] = float(value)

    def op_Tz(self, value):
        self.text["Th"] = float(value) / 100

    def op_Ts(self, value):
        self.text["Ts"] = float(value)

    # Showing text
    def op_Tj(self, string):
        self.show(bytes(string))

    def op_TJ(self, items):
        for item in items:
            if isinstance(item, pikepdf.String):
                self.show(bytes(item))
            else:
                self._advance(-float(item) / 1000 * self.text["size"] * self.text["Th"])

    def op_quote(self, string):
        self.op_Tstar()
        self.op_Tj(string)

    def op_dquote(self, word_space, char_space, string):
        self.text["Tw"], self.text["Tc"] = float(word_space), float(char_space)
        self.op_quote(string)

    def show(self, codes: bytes) -> None:
        """Draw each one-byte code at the pen, then move the pen by its width."""
        name, widths, unicode = self.fonts[self.text["font"]]
        size, span = self.text["size"], next((s for s in reversed(self.marks) if s is not None), None)
        for code in codes:
            x, y = self._point(self.text["Ts"])
            glyph = Glyph(name, size, unicode.get(code, ""), x, y, self.text["Ts"])
            (span.glyphs if span else self.out.plain).append(glyph)
            spacing = self.text["Tc"] + (self.text["Tw"] if code == 32 else 0.0)
            self._advance((widths.get(code, 0.0) / 1000 * size + spacing) * self.text["Th"])

    def _advance(self, tx: float) -> None:
        self.tm = multiply(translate(tx, 0.0), self.tm)

    def _point(self, rise: float) -> tuple[float, float]:
        """Return the page point of the text space point (0, rise)."""
        _, _, _, _, x, y = multiply(multiply(translate(0.0, rise), self.tm), self.ctm)
        return x, y

    # Marked content
    def op_BDC(self, tag, props):
        if isinstance(props, pikepdf.Dictionary) and "/ActualText" in props:
            span = Span(str(props.ActualText), *self._point(0.0))
            self.out.spans.append(span)
            self.marks.append(span)
        else:
            self.marks.append(None)

    def op_BMC(self, tag):
        self.marks.append(None)

    def op_EMC(self):
        self.marks.pop()


def pages(path: Path) -> list[Page]:
    """Return every page's glyphs and /ActualText spans, with where each glyph is drawn."""
    found = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            player = _Player(page)
            for operands, operator in pikepdf.parse_content_stream(page):
                player.play(operands, str(operator))
            found.append(player.out)
    return found


def drawn_layout(span: Span) -> list[tuple[str, float, float]]:
    """Return a span's glyphs as (character, x, y) from where the span began (points)."""
    return [(g.char, g.x - span.x, g.y - span.y) for g in span.glyphs]


def harfbuzz_layout(text: str, face: str, size: float) -> list[tuple[int, float, float]]:
    """Return HarfBuzz's glyphs for text in a bundled face: (glyph id, x, y) from the pen's start
    (points at `size`): each glyph at the pen plus its offset, the pen moved by each advance."""
    font = _hb_font(face)
    buffer = uharfbuzz.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    uharfbuzz.shape(font, buffer, FEATURES)
    scale, pen, out = size / font.face.upem, 0, []
    for info, pos in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True):
        out.append((info.codepoint, (pen + pos.x_offset) * scale, pos.y_offset * scale))
        pen += pos.x_advance
    return out


def nominal_glyph(face: str, char: str) -> int | None:
    """Return the glyph a face's character map gives a character (None: no character of its own)."""
    return _hb_font(face).get_nominal_glyph(ord(char)) if len(char) == 1 else None


_FONTS: dict[str, uharfbuzz.Font] = {}


def _hb_font(face: str) -> uharfbuzz.Font:
    """Return a HarfBuzz font of a bundled face (at its units per em)."""
    if face not in _FONTS:
        _FONTS[face] = uharfbuzz.Font(uharfbuzz.Face(uharfbuzz.Blob.from_file_path(str(fonts.font_path(face)))))
    return _FONTS[face]
