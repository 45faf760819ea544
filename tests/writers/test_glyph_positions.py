"""Every shaped glyph of the PDF is drawn where HarfBuzz places it, and the text around it on its baseline.

Read from the content stream (tests/drawn.py plays its text operators through), for the words of the
samples that hold Lao, Khmer or Thai, of the mixed-script record of test_scripts and of the generated
record of test_languages. On the old code a word whose marks are moved up or down one after the other
(Khmer ភ្នំ: the subscript ្ន 0.192 pt down, then ំ 1.512 pt down) left the last rise on: the glyphs after
it in the word (ពេញ), the Latin text after it and the next Khmer word's base letters were drawn 1.512 pt
low, so a mark sat 1.5 pt high above its base (ReportLab's own setRise forgot a rise it replaced).
"""

import re
import unicodedata

import drawn
import parity
import pytest
from sheets import document
from test_languages import generated_record, samples
from test_scripts import RECORD

from pipeline.writers import docx as docx_writer
from pipeline.writers import pdf as pdf_writer

SCRIPTS = {"NotoSerifLao": "Lao", "NotoSerifKhmer": "Khmer", "NotoSerifThai": "Thai"}
KHMER = re.compile(r"[\u1780-\u17ff]")
# ភ្នំ moves ្ន then ំ down; the word after it on the line is where the old code drew base letters low.
KHMER_LINE = """layout: inl-country-program
title: Khmer marks
issuer: Bureau of Scripts
date: 2026-11-22
lead: "Phnom Penh ភ្នំពេញ ភ្នំ and the hills."
"""
TOLERANCE = 0.01  # points: ReportLab writes positions to a thousandth of a point; a wrong rise is 0.19 pt or more


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict:
    """Return the pages (glyphs and spans) of each sheet holding shaped words, by name."""
    folder = tmp_path_factory.mktemp("positions")
    paths = list(samples())
    for name, text in {"scripts": RECORD, "generated": generated_record()}.items():
        paths.append(folder / f"{name}.yaml")
        paths[-1].write_text(text, encoding="utf-8")
    out = {}
    for path in paths:
        pdf = folder / f"{path.stem}.pdf"
        pdf.write_bytes(pdf_writer.render(document(path)))
        out[path.stem] = drawn.pages(pdf)
    return out


def test_every_shaped_glyph_is_drawn_where_harfbuzz_places_it(pdfs):
    """Each /ActualText span's glyphs are HarfBuzz's glyphs of its text, in its order, each drawn at the
    pen plus its offset (x and y) from where the span began on the baseline, to 0.01 pt."""
    checked = {script: 0 for script in SCRIPTS.values()}
    for name, pages in pdfs.items():
        for number, page in enumerate(pages, start=1):
            for span in page.spans:
                face, size = span.glyphs[0].font, span.glyphs[0].size
                expected = drawn.harfbuzz_layout(span.text, face, size)
                where = f"{name} page {number}: {span.text!r} in {face}"
                assert len(span.glyphs) == len(expected), where
                for glyph, (gid, x, y) in zip(span.glyphs, expected, strict=True):
                    assert glyph.font == face and glyph.size == size, where
                    assert _same_glyph(face, glyph.char, gid), (where, glyph.char, gid)
                    assert glyph.x - span.x == pytest.approx(x, abs=TOLERANCE), (where, glyph.char)
                    assert glyph.y - span.y == pytest.approx(y, abs=TOLERANCE), (where, glyph.char)
                checked[SCRIPTS[face.split("-")[0]]] += 1
    assert all(checked.values()), checked  # words of each script were compared


def _same_glyph(face: str, char: str, gid: int) -> bool:
    """Return whether a glyph drawn as `char` (its ToUnicode) is HarfBuzz's glyph `gid`: the face's own
    glyph of that character, or a private-use code for a glyph no character maps to."""
    nominal = drawn.nominal_glyph(face, char)
    return nominal == gid if nominal is not None else unicodedata.category(char) == "Co"


def test_text_outside_shaped_words_is_drawn_on_its_baseline(pdfs):
    """No rise set for a mark outlives its word: every glyph outside the spans is drawn at rise 0 (the
    writer raises nothing else), so Latin text after a Khmer word stays on the line."""
    for name, pages in pdfs.items():
        raised = [(g.char, g.rise) for page in pages for g in page.plain if g.rise]
        assert raised == [], name



@pytest.mark.slow
@pytest.mark.skipif(not parity.SOFFICE, reason="LibreOffice (soffice) is not installed; .ci/run installs it")
@pytest.mark.skipif(not parity.PDFTOTEXT, reason="poppler (pdftotext) is not installed; .ci/run installs it")
def test_khmer_words_with_marks_look_the_same_in_both_formats(tmp_path):
    """ភ្នំពេញ ភ្នំ rendered at 600 dpi from the PDF and from LibreOffice's layout of the .docx (which
    places glyphs as HarfBuzz does) inks the same cells of 4 px: 0.98 here; 0.57 on the old code,
    whose ពេញ and second ភ្នំ sat 1.5 pt low under their marks."""
    record = tmp_path / "khmer.yaml"
    record.write_text(KHMER_LINE, encoding="utf-8")
    tree = document(record)
    (tmp_path / "khmer.pdf").write_bytes(pdf_writer.render(tree))
    (tmp_path / "khmer.docx").write_bytes(docx_writer.render(tree))
    converted = parity.convert([tmp_path / "khmer.docx"], tmp_path / "libreoffice")[tmp_path / "khmer.docx"]
    (page, ours), (other_page, theirs) = _khmer_box(tmp_path / "khmer.pdf"), _khmer_box(converted)
    mine, other = parity.word_ink(tmp_path / "khmer.pdf", page, ours, 600), parity.word_ink(converted, other_page, theirs, 600)
    assert page == other_page and mine and other
    assert abs(len(mine) - len(other)) <= 4 and abs(len(mine[0]) - len(other[0])) <= 4
    assert parity.ink_similarity(mine, other) > 0.9


def _khmer_box(pdf):
    """Return (page, box) of the Khmer words: from the first to the Latin word after them, as high as
    the Latin word before them and 6 pt more each way (marks above, subscripts below)."""
    for page, words in enumerate(parity.page_words(pdf), start=1):
        for index, word in enumerate(words):
            if KHMER.search(word.text):
                before, after = words[index - 1], next(w for w in words[index:] if w.text == "and")
                return page, (word.x0 - 1, before.y0 - 6, after.x0 - 1, before.y1 + 6)
    raise AssertionError(f"no Khmer word in {pdf}")
