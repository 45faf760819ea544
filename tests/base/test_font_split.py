"""The PDF fonts' text splitting (subset codes per character) gives exactly ReportLab's chunks."""

import random

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from pipeline.base import fonts


class _Doc:
    """A stand-in PDF document: the fonts keep their codes per document, by weak reference."""


def _font():
    """Return the registered body face (the project's TTFont subclass)."""
    fonts.register_pdf_fonts()
    return pdfmetrics.getFont(fonts.face_name(False, False))


def _texts() -> list[str]:
    """Return texts that assign codes, reuse them, pass 256 characters and hold ones the face lacks."""
    rng = random.Random(27)
    alphabet = [chr(c) for c in range(0x21, 0x17F) if c != 0xA0] + ["\u4e2d", "\U0001f600"]
    texts = ["Laos", "Laos", "", "Vientiane, Laos", "aaaa", "Lao PDR \u00e9t\u00e9"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(300)]
    return texts + texts[:50]  # the same again, every code assigned by now


def test_split_as_reportlab():
    """Fed the same texts in the same order, the project's split and ReportLab's give the same chunks
    and leave the same codes and subsets (the kept table is rebuilt as codes are assigned)."""
    font = _font()
    ours, theirs = _Doc(), _Doc()  # two documents: each its own codes
    for text in _texts():
        assert font.splitString(text, ours) == TTFont.splitString(font, text, theirs), text
    assert font.state[ours].assignments == font.state[theirs].assignments
    assert font.state[ours].subsets == font.state[theirs].subsets


def test_split_with_no_break_space_keeps_its_own_code():
    """A no-break space gets a code of its own; the stand-in character it was taken from is then
    split as ReportLab would split it, not with the relabelled code."""
    font = _font()
    doc = _Doc()
    font.splitString("A B", doc)
    chunks = font.splitString("A\u00a0B", doc)
    nbsp = font.state[doc].assignments[0xA0]
    assert (0, bytes([nbsp & 0xFF])) in chunks
    stand_in = min(cp for cp in font.face.charToGlyph if cp > 0x20 and cp != 0xA0 and cp not in (0x41, 0x42))
    split = font.splitString(chr(stand_in), doc)
    assert split == [(0, bytes([font.state[doc].assignments[stand_in]]))]
    assert font.state[doc].assignments[stand_in] != nbsp
