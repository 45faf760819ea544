"""Every shaped glyph of the PDF is drawn where HarfBuzz places it, and the text around it on its baseline.

Read from the content stream (tests/drawn.py plays its text operators through), for the words of the
samples that hold Lao, Khmer or Thai, of the mixed-script record of test_scripts and of the generated
record of test_languages. On the old code a word whose marks are moved up or down one after the other
(Khmer ភ្នំ: the subscript ្ន 0.192 pt down, then ំ 1.512 pt down) left the last rise on: the glyphs after
it in the word (ពេញ), the Latin text after it and the next Khmer word's base letters were drawn 1.512 pt
low, so a mark sat 1.5 pt high above its base (ReportLab's own setRise forgot a rise it replaced).
"""

import unicodedata

import drawn
import pytest
from sheets import document
from test_languages import generated_record, samples
from test_scripts import RECORD

from pipeline.writers import pdf as pdf_writer

SCRIPTS = {"NotoSerifLao": "Lao", "NotoSerifKhmer": "Khmer", "NotoSerifThai": "Thai"}
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

