"""Faster answers to questions ReportLab's paragraphs ask for every paragraph and word: the same answers.

Breaking a paragraph of several fragments (bold words, links) asks, word by word, whether a
word's fragment has the same style as the one before (`sameFrag`) and how far its font reaches
above and below the baseline (`getAscentDescent`). Both are slow for a reason that does not
change the answer: `sameFrag` (compiled, in rl_accel) looks up eight attributes on both
fragments and most are absent, each absence an exception raised and cleared; and
`getAscentDescent` asks a TrueType font for an `ascent` it keeps on its face, again through an
exception. Here the fragment's attributes are read from its dictionary, and a font's ascent and
descent are read once per font. The width of every word (`stringWidth`, three calls deep to
rl_accel) is kept per font and size: a sheet's words repeat, and so do the sheets' words.
Only the paragraph module's own names are replaced.

Most of a sheet's paragraphs are plain text, or text with bold and italic words (no other tag, no
entity), yet each is parsed as markup (`html.parser` under ReportLab's ParaParser), 20-90 µs a
paragraph. `plain_frags` gives such text the fragments the parser gives it, copied from those of
its shape (the same tags around one-letter texts) in the same font, size and colour, parsed once.
The PDF is the same bytes (tests/writers/test_pdf_caches.py compares every sample with and without
these, and every sample paragraph's fragments with the parser's).
"""

from __future__ import annotations

import re

from reportlab.lib import rl_accel
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import paragraph as _paragraph
from reportlab.platypus.paraparser import ParaFrag, ParaParser

# What rl_accel's sameFrag compares (rl_accel 0.9.1, src/_rl_accel.c), and what makes it say no.
_STYLE = ("fontName", "fontSize", "textColor", "rise", "us_lines", "link", "backColor", "nobr")
_NEVER_SAME = ("cbDefn", "lineBreak")
_ABSENT = object()
_original_same = rl_accel.sameFrag
_original_extent = pdfmetrics.getAscentDescent
_original_width = pdfmetrics.stringWidth
# A fragment's attributes are all in its dictionary when its class defines none of these names.
_PLAIN = frozenset(cls for cls in (ParaFrag,)
                   if not any(hasattr(cls, name) for name in (*_STYLE, *_NEVER_SAME, "__getattr__")))
_extents: dict[str, tuple[object, float, float]] = {}  # font name -> (font, ascent, descent) per 1000
_WIDTHS_KEPT = 20_000  # words kept with their width (a few MB at most); then all are dropped
_widths: dict[tuple, tuple[object, float]] = {}  # (text, font name, size, encoding) -> (font, width)
_TEMPLATES_KEPT = 256  # a sheet's styles use a handful of (font, size, colour)
_templates: dict[tuple, list[ParaFrag]] = {}  # (shape, font name, size, colour's id) -> its fragments
_TAGS = re.compile(r"(<[^<>]*>)")
_SIMPLE_TAGS = frozenset(("<b>", "</b>", "<i>", "</i>"))  # the PDF writer's own bold and italic


def same_frag(f, g) -> bool:
    """Return whether two fragments have one style, as rl_accel's sameFrag answers."""
    if type(f) not in _PLAIN or type(g) not in _PLAIN:
        return _original_same(f, g)
    fd, gd = f.__dict__, g.__dict__
    if "cbDefn" in fd or "cbDefn" in gd or "lineBreak" in fd or "lineBreak" in gd:
        return False
    for name in _STYLE:
        a, b = fd.get(name, _ABSENT), gd.get(name, _ABSENT)
        # rl_accel: both absent is the same, one absent is not, else a != b (identity first).
        if a is not b and (a is _ABSENT or b is _ABSENT or a != b):
            return False
    return True


def ascent_descent(fontName, fontSize=None):  # ReportLab's parameter names
    """Return a font's ascent and descent at `fontSize` (per 1000 without one), as pdfmetrics does."""
    font = pdfmetrics.getFont(fontName)
    kept = _extents.get(fontName)
    if kept is None or kept[0] is not font:  # a name registered again is a new font
        kept = (font, *_original_extent(fontName))
        _extents[fontName] = kept
    _, ascent, descent = kept
    if fontSize:
        norm = fontSize / 1000.0
        return ascent * norm, descent * norm
    return ascent, descent


def string_width(text, fontName, fontSize, encoding="utf8"):  # ReportLab's parameter names
    """Return the width of `text` in points, as pdfmetrics.stringWidth does; kept per font and size."""
    if type(text) is not str:  # a hyphenation or split piece: a str subclass, measured as ReportLab does
        return _original_width(text, fontName, fontSize, encoding)
    key = (text, fontName, fontSize, encoding)
    kept = _widths.get(key)
    if kept is not None and pdfmetrics._fonts.get(fontName) is kept[0]:  # not a name registered again
        return kept[1]
    font = pdfmetrics.getFont(fontName)
    width = font.stringWidth(text, fontSize, encoding=encoding)
    if len(_widths) >= _WIDTHS_KEPT:
        _widths.clear()
    _widths[key] = (font, width)
    return width


def plain_frags(text: str, style) -> list | None:
    """Return the fragments ReportLab's parser makes of already cleaned text in `style`, or None
    where that takes the parser: an entity (&), a tag other than <b> and <i>, no text, or a style
    that transforms text."""
    if not text or "&" in text or style.textTransform:
        return None
    parts = _TAGS.split(text)  # text, tag, text, tag, …, text
    if any(tag not in _SIMPLE_TAGS for tag in parts[1::2]):
        return None
    # A shape: the same tags, each piece of text one letter. The parser makes one fragment of each
    # piece of text between tags (an entity would make more), so the shape's fragments, given
    # the paragraph's pieces, are the paragraph's.
    shape = "".join(part if index % 2 or not part else "x" for index, part in enumerate(parts))
    pieces = [part for part in parts[::2] if part]
    # The style's own colour object (kept alive by the templates, so its id is not reused).
    key = (shape, style.fontName, style.fontSize, id(style.textColor))
    templates = _templates.get(key)
    if templates is None or templates[0].textColor is not style.textColor:
        templates = _parsed(shape, style)
        if templates is None or len(templates) != len(pieces):
            return None
        if len(_templates) >= _TEMPLATES_KEPT:
            _templates.clear()
        _templates[key] = templates
    # Each paragraph has its own link and line lists (its fragments share them, as the parser's
    # do); nothing else in a fragment of plain, bold or italic text is mutable.
    lists: dict[int, list] = {}
    out = []
    for template, piece in zip(templates, pieces, strict=True):
        frag = template.clone(text=piece)
        for name in ("link", "us_lines"):
            kept = getattr(template, name)
            setattr(frag, name, lists.setdefault(id(kept), list(kept)))
        out.append(frag)
    return out


def _parsed(markup: str, style) -> list[ParaFrag] | None:
    """Return the fragments ReportLab's parser makes of markup; None where it fails (the paragraph's
    own parsing then says why, in its own words)."""
    try:
        _, frags, _ = ParaParser().parse(markup, style)
    except Exception:  # any failure: the paragraph's own parse raises it again
        return None
    return frags


def install() -> None:
    """Answer the paragraph module's questions here, and plain text without the parser (idempotent)."""
    _paragraph.sameFrag = same_frag
    _paragraph.getAscentDescent = ascent_descent
    _paragraph.stringWidth = string_width


def uninstall() -> None:
    """Put ReportLab's own functions and parsing back (the tests compare the two)."""
    _paragraph.sameFrag = _original_same
    _paragraph.getAscentDescent = _original_extent
    _paragraph.stringWidth = _original_width


def installed() -> bool:
    """Return whether the faster answers are in use (pdfflow's paragraphs ask before skipping the parser)."""
    return _paragraph.sameFrag is same_frag
