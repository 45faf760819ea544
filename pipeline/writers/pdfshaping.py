"""Complex scripts in the PDF: shaping each complex-script piece of a word with its own font, and the
text that copying, searching and screen readers get back (/ActualText) where shaping changed it.

ReportLab 5 shapes a paragraph's words with HarfBuzz (uharfbuzz) when its style asks for
`shaping`, but shapes a whole word with the font of the word's first piece: "(ວຽງຈັນ)" would
shape the Lao letters with Liberation Serif's glyph numbers. `shape_word` takes ReportLab's
place in the paragraph module: it shapes each run of a word drawn in one complex-script face on
its own, with ReportLab's own shaper, and leaves Liberation Serif's text exactly as unshaped
paragraphs draw it (no kerning), so Latin lines keep their widths and breaks.

A shaped glyph may stand for several characters (Thai ำ drawn as two glyphs, a Khmer vowel drawn
before its consonant, a subscript consonant with no character of its own), and marks are moved
off their places. A glyph's own code cannot say that, so `format_shaped` wraps each shaped word
in a marked-content span whose /ActualText is the word's text, as the PDF standard provides for
this (poppler, Acrobat and screen readers read it; pypdf does not).
"""

from __future__ import annotations

import functools

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapeData, ShapedFragWord, ShapedStr, makeShapedFragWord, shapeFragWord
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import paragraph as _paragraph

from pipeline.base import fonts

_reportlab_shape = shapeFragWord  # ReportLab's shaper of one word in one font


def install() -> None:
    """Make ReportLab's paragraphs shape words with `shape_word` (idempotent)."""
    # The paragraph module calls the shaper it imported; paragraphs shape only when their style
    # says so, which the PDF writer does only for paragraphs holding complex-script text.
    _paragraph.shapeFragWord = shape_word


@functools.lru_cache(maxsize=1)
def _shaped_faces() -> frozenset[str]:
    """Return the names of the faces whose text is shaped."""
    return frozenset(name for family in fonts.FAMILIES if family.shaped for name in family.faces.values())


def _shaped(frag) -> bool:
    """Return whether a paragraph fragment is text in a complex-script face."""
    return not hasattr(frag, "cbDefn") and getattr(frag, "fontName", None) in _shaped_faces()


def shape_word(word):
    """Return a paragraph word with each complex-script run shaped in its own face, others untouched."""
    if isinstance(word, ShapedFragWord) or not any(_shaped(frag) for frag, _ in word[1:]):
        return word
    width, items, changed = word[0], [], False
    for group in _groups(word[1:]):
        if not _shaped(group[0][0]):
            items.extend(group)
            continue
        plain = sum(pdfmetrics.stringWidth(text, frag.fontName, frag.fontSize) for frag, text in group)
        unshaped = [plain, *group]
        shaped = _reportlab_shape(unshaped)
        if shaped is unshaped:  # HarfBuzz changed nothing
            items.extend(group)
            continue
        width += shaped[0] - plain
        items.extend(_with_cluster_text(shaped[1:], "".join(text for _, text in group)))
        changed = True
    return makeShapedFragWord(word)([width, *items]) if changed else word


def _groups(items) -> list[list]:
    """Split a word's (fragment, text) pieces into runs of one face (a complex-script face's runs shaped alone)."""
    groups: list[list] = []
    for frag, text in items:
        last = groups[-1][-1][0] if groups else None
        if (last is not None and _shaped(frag) and _shaped(last) and frag.fontName == last.fontName):
            groups[-1].append((frag, text))
        else:
            groups.append([(frag, text)])
    return groups


def _with_cluster_text(items, text: str) -> list:
    """Return shaped pieces whose glyphs know their cluster's text (its first glyph holds it, the others '')."""
    data = [sd for _, s in items if isinstance(s, ShapedStr) for sd in s.__shapeData__]
    starts = sorted({sd.cluster for sd in data})
    ends = dict(zip(starts, starts[1:] + [len(text)], strict=True))
    seen: set[int] = set()
    out = []
    for frag, s in items:
        if not isinstance(s, ShapedStr):
            out.append((frag, s))
            continue
        marked = []
        for sd in s.__shapeData__:
            copy = ShapeData(*sd)
            copy.text = "" if sd.cluster in seen else text[sd.cluster:ends[sd.cluster]]
            seen.add(sd.cluster)
            marked.append(copy)
        out.append((frag, ShapedStr(str(s), shapeData=marked)))
    return out


class ShapedText(PDFTextObject):
    """A text object that writes shaped text with the characters its glyph clusters stand for."""

    def _formatText(self, text):
        """Return the operators for text; a shaped cluster its glyphs' codes misread gets its /ActualText."""
        if isinstance(text, ShapedStr):
            return format_shaped(text, super()._formatText)
        return super()._formatText(text)

    def setRise(self, rise):
        """Move the baseline, remembering the new rise, also where it replaces the one just written."""
        # ReportLab's own fails when a piece of shaped text starts with a raised glyph (it looks at
        # the operator before), and when it replaces a rise just written (two raised marks in a
        # row) it forgets the new one, so it never lowers the baseline again: the text after it
        # was drawn raised, and poppler's reader, taking it for another line, dropped the marks.
        if self._code and self._code[-1].endswith(" Ts"):
            self._y += self._rise  # the rise replaced
            self._code[-1] = f"{fp_str(rise)} Ts"
        else:
            self._code.append(f"{fp_str(rise)} Ts")
        self._rise = rise
        self._y -= rise


def format_shaped(text: ShapedStr, write) -> str:
    """Return the operators `write` gives for shaped text, each shaped word in a span carrying its /ActualText."""
    return " ".join(span(actual, write(piece)) if actual is not None else write(piece)
                    for actual, piece in split_shaped(text))


def split_shaped(text: ShapedStr) -> list[tuple[str | None, ShapedStr]]:
    """Split shaped text into its shaped words, each with the text it stands for, and the rest (None)."""
    # A whole word, not each cluster: text extractors place an /ActualText by the box of what it
    # covers, and a raised or shifted mark on its own would be read as a word apart.
    data, out, index = text.__shapeData__, [], 0
    while index < len(text):
        shaped = _cluster_text(data[index]) is not None
        end = index + 1
        while end < len(text) and (_cluster_text(data[end]) is not None) == shaped:
            end += 1
        actual = "".join(_cluster_text(sd) for sd in data[index:end]) if shaped else None
        out.append((actual, text[index:end]))
        index = end
    return out


def span(actual: str, operators: str) -> str:
    """Return operators in a marked-content span whose /ActualText is `actual`."""
    return f"/Span <</ActualText {pdf_text(actual)}>> BDC {operators} EMC"


def _cluster_text(data) -> str | None:
    """Return the text a shaped glyph stands for ('' after its cluster's first glyph); None if unshaped."""
    return getattr(data, "text", None)


def pdf_text(text: str) -> str:
    """Return text as a PDF text string: UTF-16BE with its byte-order mark, in hex."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"
