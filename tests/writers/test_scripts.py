"""Lao, Khmer, Thai and Vietnamese: the font per script in both formats, shaping, the text read back.

The words are real names: Vientiane (ວຽງຈັນ), Luang Prabang (ຫຼວງພະບາງ), Phnom Penh (ភ្នំពេញ), Khmer
(ខ្មែរ), Bangkok (กรุงเทพมหานคร), Hà Nội. A few carry what shaping must handle: Lao and Thai marks
placed over and under their letters (ນ້ຳ, น้ำ, ปู่, ที่, ผู้), a Khmer vowel drawn before its consonant and a
subscript consonant with no character of its own (ខ្មែរ), a Khmer mark moved down after a subscript moved
down (ភ្នំ), a Thai letter whose descender is cut for the vowel under it (ฎู).
"""

import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pikepdf
import pytest
import readback
import tagged
from conftest import examples
from docx import Document as WordDocument
from docx.oxml.ns import qn
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sheets import document

from pipeline.base import fonts
from pipeline.records import charset
from pipeline.writers import docx as docx_writer
from pipeline.writers import pdf as pdf_writer
from pipeline.writers import pdfshaping

ROOT = Path(__file__).resolve().parents[2]
PDFTOTEXT = shutil.which("pdftotext")
LAO, KHMER, THAI = "ວຽງຈັນ", "ខ្មែរ", "กรุงเทพมหานคร"
LEAD = ("Vientiane (ວຽງຈັນ) and Luang Prabang (ຫຼວງພະບາງ, ນ້ຳ ຄຳ), Phnom Penh (ភ្នំពេញ, ភ្នំ) in Cambodia "
        "(ខ្មែរ), Bangkok (กรุงเทพมหานคร, น้ำ ปู่ ฎู ที่ ผู้) and Hà Nội (Thủ đô Hà Nội, Đà Nẵng, Hồ Chí Minh).")
BOLD_ITALIC = "A **bold ວຽງຈັນ ភ្នំពេញ กรุงเทพฯ** and *italic ວຽງຈັນ ភ្នំពេញ กรุงเทพฯ* end."
BOLD_ITALIC_TEXT = "A bold ວຽງຈັນ ភ្នំពេញ กรุงเทพฯ and italic ວຽງຈັນ ភ្នំពេញ กรุงเทพฯ end."
RECORD = f"""layout: inl-country-program
title: Place names {LAO}
issuer: Bureau of Scripts
date: 2026-11-22
lead: "{LEAD}"
sections:
  - heading: Capitals {LAO} {KHMER} {THAI}
    text: "{BOLD_ITALIC}"
"""
VIETNAMESE = [chr(cp) for cp in range(0x1EA0, 0x1EFA)] + list("đĐơƠưƯăĂâÂêÊôÔ")
PIECE_OF = {"NotoSerifLao": LAO, "NotoSerifKhmer": KHMER, "NotoSerifThai": THAI}


@pytest.fixture(scope="module")
def sheet(tmp_path_factory):
    """Return the mixed-script record's .pdf and .docx, rendered in this process."""
    folder = tmp_path_factory.mktemp("scripts")
    record = folder / "scripts.yaml"
    record.write_text(RECORD, encoding="utf-8")
    doc = document(record)
    (folder / "scripts.pdf").write_bytes(pdf_writer.render(doc))
    (folder / "scripts.docx").write_bytes(docx_writer.render(doc))
    return {"pdf": folder / "scripts.pdf", "docx": folder / "scripts.docx", "doc": doc}


# --- what records may hold ------------------------------------------------------------------------

@pytest.mark.parametrize("text", [LEAD, BOLD_ITALIC_TEXT, "ປະເທດລາວ", "ព្រះរាជាណាចក្រកម្ពុជា", "ประเทศไทย",
                                  "".join(VIETNAMESE)])
def test_lao_khmer_thai_and_vietnamese_are_accepted(text):
    """The preflight covers every bundled family: these print."""
    assert charset.refused(text) is None


@pytest.mark.parametrize("text, char", [("Vientiane (ວຽງຈັນ) and Kunming (昆明)", "昆"),
                                        ("Seoul (서울)", "서"), ("Yangon (ရန်ကုန်)", "ရ")])
def test_characters_no_bundled_font_covers_are_still_refused(text, char):
    """CJK, Hangul, Myanmar: refused with the clear coverage error, naming the first character."""
    where, what, hint = charset.refused(text)
    assert where == char and "which no bundled font can print" in what and "ask for a font" in hint


@pytest.mark.parametrize("text", ["Cairo (القاهرة)", "Jerusalem (ירושלים)"])
def test_right_to_left_scripts_stay_refused(text):
    """Arabic and Hebrew letters are refused as right-to-left text, as before."""
    where, what, _ = charset.refused(text)
    assert unicodedata.bidirectional(where) in charset.REORDERING and "right-to-left" in what


def test_liberation_serif_covers_vietnamese():
    """Every precomposed Vietnamese letter (U+1EA0-U+1EF9, đ, ơ, ư, ă, â, ê, ô) is in all four
    Liberation Serif faces, so Vietnamese stays in the Latin font in both formats."""
    latin = fonts.measured_family_coverage()[fonts.LATIN.name]
    assert [ch for ch in VIETNAMESE if ch not in latin] == []
    assert fonts.pieces("Thủ đô Hà Nội, Đà Nẵng, Hồ Chí Minh") == [("Thủ đô Hà Nội, Đà Nẵng, Hồ Chí Minh", fonts.LATIN)]


def test_text_splits_into_one_piece_per_font():
    """Each script's letters go to its family; spaces and punctuation stay in Liberation Serif;
    a mark or a joiner stays with the letter before it, so the cluster is shaped whole."""
    lao, khmer, thai = fonts.FAMILIES[1:]
    assert fonts.pieces("Vientiane (ວຽງຈັນ), ភ្នំពេញ กรุงเทพฯ") == [
        ("Vientiane (", fonts.LATIN), ("ວຽງຈັນ", lao), ("), ", fonts.LATIN), ("ភ្នំពេញ", khmer),
        (" ", fonts.LATIN), ("กรุงเทพฯ", thai)]
    assert fonts.pieces("ក\u200dខ") == [("ក\u200dខ", khmer)]  # the joiner, which Liberation also has
    assert fonts.pieces("a\u0331ก\u0331") == [("a\u0331", fonts.LATIN), ("ก\u0331", thai)]


def test_every_bundled_face_is_pinned_and_licensed():
    """Each family's faces are files in pipeline/fonts/ with a checksum pin, nothing else ships
    unpinned, and each family's licence is beside them (Liberation and Noto: SIL OFL 1.1)."""
    faces = {name for family in fonts.FAMILIES for name in family.faces.values()}
    assert faces == set(fonts.SHA256) == {path.stem for path in fonts.FONT_DIR.glob("*.ttf")}
    fonts.verify()
    for licence, names in (("LICENSE-OFL.txt", "Liberation Serif"), ("LICENSE-Noto-OFL.txt", "Noto Serif Lao")):
        text = (fonts.FONT_DIR / licence).read_text(encoding="utf-8")
        assert names in text and "SIL OPEN FONT LICENSE Version 1.1" in text


def test_text_widths_measure_each_script_in_its_own_face():
    """Table columns and the watermark are sized by fonts.text_width: Lao is measured in Noto Serif
    Lao (bold in its bold face), not as Liberation Serif's missing-glyph boxes."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lao = fonts.text_width(LAO, 12)
    assert lao == stringWidth(LAO, "NotoSerifLao-Regular", 12) != stringWidth(LAO, "LiberationSerif-Regular", 12)
    assert fonts.text_width(f"Vientiane ({LAO})", 12) == fonts.text_width("Vientiane (", 12) + lao + fonts.text_width(")", 12)
    assert fonts.text_width(LAO, 12, bold=True) == stringWidth(LAO, "NotoSerifLao-Bold", 12)


# --- both formats --------------------------------------------------------------------------------

@pytest.mark.skipif(not PDFTOTEXT, reason="poppler (pdftotext) is not installed; .ci/run installs it")
def test_mixed_script_text_round_trips_in_both_formats(sheet):
    """The .docx's text and the PDF's extracted text are the record's text, letter for letter."""
    paragraphs = readback.docx_paragraphs(sheet["docx"])
    assert LEAD in paragraphs and BOLD_ITALIC_TEXT in paragraphs
    assert f"Capitals {LAO} {KHMER} {THAI}" in paragraphs
    pdf_text = readback.normalize(subprocess.run([PDFTOTEXT, str(sheet["pdf"]), "-"], check=True,
                                                 capture_output=True, text=True).stdout)
    for text in (LEAD, BOLD_ITALIC_TEXT, f"Capitals {LAO} {KHMER} {THAI}"):
        assert text in pdf_text


def test_the_docx_names_the_noto_font_in_the_complex_script_slot(sheet):
    """Lao, Khmer and Thai runs name their Noto Serif family as w:cs with w:hint="cs", bold as w:bCs,
    and upright (w:iCs off, as in the PDF); Vietnamese and Latin runs name no font of their own."""
    runs = [run for p in WordDocument(str(sheet["docx"])).paragraphs for run in p.runs]
    named = {}
    for run in runs:
        r_fonts = run._r.rPr.find(qn("w:rFonts")) if run._r.rPr is not None else None
        key = None if r_fonts is None else (r_fonts.get(qn("w:cs")), r_fonts.get(qn("w:hint")))
        named.setdefault(key, set()).add(run.text)
    assert named[("Noto Serif Lao", "cs")] >= {LAO, "ຫຼວງພະບາງ", "ນ້ຳ"}
    assert named[("Noto Serif Khmer", "cs")] >= {KHMER, "ភ្នំពេញ"}
    assert named[("Noto Serif Thai", "cs")] >= {THAI, "กรุงเทพฯ", "ฎู"}
    assert not any(re.search(r"[\u0e00-\u0eff\u1780-\u17ff]", text) for text in named[None])
    assert any("Hà Nội" in text for text in named[None])
    bold = [run for run in runs if run.text == LAO and run.bold]
    italic = [run for run in runs if run.text == LAO and run.italic]
    assert bold and all(run._r.rPr.find(qn("w:bCs")) is not None for run in bold)
    assert italic and all(run._r.rPr.find(qn("w:iCs")).get(qn("w:val")) == "0" for run in italic)


def test_the_pdf_draws_each_script_in_its_noto_face(sheet):
    """Every shaped word is drawn in the Noto Serif face of its script, bold where the text is bold."""
    words = shaped_words(sheet["pdf"])
    faces = {(word.text, word.font) for word in words}
    for family, word in PIECE_OF.items():
        # In the lead (regular) and in the heading (bold by its style).
        assert {(word, f"{family}-Regular"), (word, f"{family}-Bold")} <= faces
    # A bold run and an italic run (no italic face: upright regular).
    assert {("ភ្នំពេញ", "NotoSerifKhmer-Bold"), ("ភ្នំពេញ", "NotoSerifKhmer-Regular")} <= faces
    assert all(word.font.startswith(tuple(PIECE_OF)) for word in words)


def test_shaping_reorders_substitutes_and_places_glyphs(sheet):
    """The glyphs drawn are HarfBuzz's, not the characters: Khmer ែ is drawn before its consonant,
    the subscript ្ម is a glyph no character maps to (a private-use code), Thai ฎ under ู is another
    glyph, and marks are moved by position adjustments; /ActualText gives the characters back."""
    words = {(word.text, word.font): word for word in shaped_words(sheet["pdf"])}
    khmer = words[(KHMER, "NotoSerifKhmer-Regular")]
    assert khmer.glyphs[0] == "ែ" and khmer.glyphs[1] == "ខ"  # logical order is ខ ្ ម ែ រ
    assert any(unicodedata.category(ch) == "Co" for ch in khmer.glyphs) and len(khmer.glyphs) == 4
    thai = words[("ฎู", "NotoSerifThai-Regular")]
    assert unicodedata.category(thai.glyphs[0]) == "Co"  # not the cmap's ฎ: its short form
    lao = words[(LAO, "NotoSerifLao-Regular")]
    assert lao.glyphs == LAO and lao.adjusted  # same glyphs, the mark over ຈ moved into place


def test_shaped_words_are_tagged_content_of_their_element(sheet):
    """Each shaped word is a marked-content sequence of its paragraph or heading (an MCID the structure
    tree reaches), not nested in another; nothing is drawn outside the tags or the artifacts."""
    with pikepdf.open(sheet["pdf"]) as pdf:
        reached = tagged.reached_mcids(pdf)
        for index, page in enumerate(pdf.pages):
            marks = tagged.page_marks(page)
            assert marks.untagged == [] and set(marks.mcids) == reached.get(index, set())
            spans = [operands[1] for operands, op in pikepdf.parse_content_stream(page)
                     if str(op) == "BDC" and "/ActualText" in operands[1]]
            assert spans and all("/MCID" in props for props in spans)


def test_latin_only_sheets_embed_no_noto_face_and_no_actual_text(tmp_path):
    """A sheet without complex-script text embeds Liberation Serif only and has no shaped words."""
    record = tmp_path / "latin.yaml"
    record.write_text(RECORD.replace(LEAD, "Hà Nội and Đà Nẵng").replace(BOLD_ITALIC, "Plain **bold**")
                      .replace(f" {LAO} {KHMER} {THAI}", "").replace(f" {LAO}", ""), encoding="utf-8")
    pdf = tmp_path / "latin.pdf"
    pdf.write_bytes(pdf_writer.render(document(record)))
    with pikepdf.open(pdf) as opened:
        names = {str(font.BaseFont).split("+")[-1] for page in opened.pages for font in page.Resources.Font.values()}
    assert names and all(name.startswith("LiberationSerif") for name in names)
    assert b"ActualText" not in pdf.read_bytes() and shaped_words(pdf) == []


def test_shaped_pdfs_do_not_depend_on_what_the_process_printed_before(tmp_path):
    """Glyphs without a character get their codes when the font loads: a sheet's bytes are the same
    whether the process first printed other shaped text or not."""
    first, second = tmp_path / "first.yaml", tmp_path / "second.yaml"
    first.write_text(RECORD.replace(LEAD, "น้ำ ปู่").replace(BOLD_ITALIC, "ฎู"), encoding="utf-8")
    second.write_text(RECORD.replace(LEAD, "ฎู ปู่ น้ำ"), encoding="utf-8")
    script = ("import sys; sys.path.insert(0, 'tests'); from pathlib import Path; from sheets import document;"
              "from pipeline.writers import pdf\n"
              "for name in sys.argv[1:-1]: pdf.render(document(Path(name)))\n"
              "sys.stdout.buffer.write(pdf.render(document(Path(sys.argv[-1]))))")
    alone = subprocess.run([sys.executable, "-c", script, str(second)], cwd=ROOT, check=True, capture_output=True)
    after = subprocess.run([sys.executable, "-c", script, str(first), str(second)], cwd=ROOT, check=True,
                           capture_output=True)
    assert alone.stdout.startswith(b"%PDF") and alone.stdout == after.stdout


# Letters and marks of the three shaped scripts (what only their Noto faces draw), with spaces and
# a few Latin letters between, in any order: lone marks, stacked marks, broken clusters included.
SHAPED_ALPHABET = sorted({ch for family in fonts.FAMILIES[1:] for ch in fonts.family_coverage()[family.name]}
                         - fonts.family_coverage()[fonts.LATIN.name]) + list("  ab")


@pytest.mark.slow
@pytest.mark.skipif(not PDFTOTEXT, reason="poppler (pdftotext) is not installed; .ci/run installs it")
@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(alphabet=SHAPED_ALPHABET, min_size=1, max_size=40))
# Two raised Khmer marks in a row: ReportLab left the baseline raised after them, so the "a" was
# drawn half a point high and poppler, taking the marks for another line, dropped them.
@example(text="\u0e47\u17b8\u17c6a")
def test_any_lao_khmer_or_thai_text_round_trips(tmp_path_factory, text):
    """Whatever the letters and marks, the sheet builds, and the .docx and the PDF's extracted text
    (through /ActualText) hold them unchanged (spaces aside: lines wrap at them)."""
    text = " ".join(text.split())
    if not text:
        return
    folder = tmp_path_factory.mktemp("shaped")
    record = folder / "shaped.yaml"
    record.write_text(RECORD.replace(LEAD, text.replace('"', "")), encoding="utf-8")
    doc = document(record)
    (folder / "shaped.pdf").write_bytes(pdf_writer.render(doc))
    (folder / "shaped.docx").write_bytes(docx_writer.render(doc))
    assert text in readback.docx_paragraphs(folder / "shaped.docx")
    extracted = subprocess.run([PDFTOTEXT, str(folder / "shaped.pdf"), "-"], check=True, capture_output=True,
                               text=True).stdout
    assert readback.squash(text) in readback.squash(extracted)


def test_a_rise_that_replaces_the_one_just_written_is_kept():
    """Two raised marks in a row: the second rise replaces the first's reset and is remembered,
    so the baseline is lowered again after them (ReportLab's own forgot it)."""
    import io

    from reportlab.pdfgen.canvas import Canvas

    text = pdfshaping.ShapedText(Canvas(io.BytesIO()))
    text.setRise(-3.048)
    text._code.append("[(x)] TJ")
    text.setRise(0)
    text.setRise(0.504)
    assert (text._code[-2:], text._rise) == (["[(x)] TJ", ".504 Ts"], 0.504)


# --- reading the PDF's shaped words ------------------------------------------------------------

class ShapedWord:
    """A word drawn inside a span with /ActualText: its text, its face, the glyphs' own characters."""

    def __init__(self, text: str, font: str):
        """Start a word; glyphs are added as they are drawn."""
        self.text, self.font, self.glyphs, self.adjusted = text, font, "", False

    def __repr__(self):
        """Show the word for a failing assertion."""
        return f"ShapedWord({self.text!r}, {self.font!r}, {self.glyphs!r}, adjusted={self.adjusted})"


def shaped_words(path: Path) -> list[ShapedWord]:
    """Return every span with /ActualText in a PDF, with the glyphs drawn in it read through the
    font's ToUnicode map (one byte a glyph, as ReportLab subsets fonts)."""
    words: list[ShapedWord] = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            fonts_on_page = page.Resources.Font
            current, word, depth = None, None, 0
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op == "Tf":
                    current = fonts_on_page[operands[0]]
                elif op == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/ActualText" in operands[1]:
                    word, depth = ShapedWord(str(operands[1].ActualText), ""), 0
                    words.append(word)
                elif op in ("BDC", "BMC") and word is not None:
                    depth += 1
                elif op == "EMC" and word is not None:
                    word, depth = (None, 0) if depth == 0 else (word, depth - 1)
                elif op in ("Tj", "TJ") and word is not None:
                    word.font = str(current.BaseFont).split("+")[-1]
                    items = operands[0] if op == "TJ" else [operands[0]]
                    for item in items:
                        if isinstance(item, pikepdf.String):
                            word.glyphs += "".join(_to_unicode(current).get(code, "?") for code in bytes(item))
                        elif float(item):
                            word.adjusted = True
    return words


def _to_unicode(font) -> dict[int, str]:
    """Return a simple font's ToUnicode map: code → text."""
    cmap = font.ToUnicode.read_bytes().decode("ascii")
    return {int(code, 16): bytes.fromhex(text).decode("utf-16-be")
            for code, text in re.findall(r"<([0-9A-Fa-f]{2})>\s*<([0-9A-Fa-f]+)>", cmap.split("beginbfchar", 1)[1])}
