"""The fonts a .docx embeds draw its Lao, Khmer and Thai where they are not installed: LibreOffice,
given Liberation Serif alone, lays the sheets out in the embedded Noto Serif faces, and each
script's words ink the pixels they do with the fonts installed (before: DejaVu Sans, or nothing)."""

import re
import shutil

import parity
import pytest
from conftest import RECORDS
from sheets import document
from test_scripts import RECORD

from pipeline.base import fonts
from pipeline.writers import docx as docx_writer
from pipeline.writers import pdf as pdf_writer

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not parity.SOFFICE, reason="LibreOffice (soffice) is not installed; .ci/run "
                                                  "installs libreoffice-writer-nogui"),
    pytest.mark.skipif(not parity.PDFTOTEXT, reason="poppler (pdftotext) is not installed; .ci/run "
                                                    "installs poppler-utils"),
]

SHAPED = fonts.FAMILIES[1:]
SCRIPT = {family.name: re.compile("[" + "".join(sorted(fonts.family_coverage()[family.name]
                                                        - fonts.family_coverage()[fonts.LATIN.name])) + "]")
          for family in SHAPED}


@pytest.fixture(scope="module")
def sheets(tmp_path_factory):
    """Render every sample with complex-script text and the mixed-script record in both formats, and
    convert each .docx twice: with the system's fonts and Liberation Serif only ("embedded"), and
    with every bundled font installed ("installed"); return {id: {"pdf", "embedded", "installed"}}.

    One LibreOffice run for all the files of each kind: a LibreOffice process keeps the first
    embedded font of a name it meets, which is right since every sheet carries the whole face.
    """
    folder = tmp_path_factory.mktemp("wordfonts-lo")
    latin = folder / "liberation-only"
    latin.mkdir()
    for face in fonts.LATIN.faces.values():
        shutil.copy(fonts.font_path(face), latin)
    mixed = folder / "scripts.yaml"
    mixed.write_text(RECORD, encoding="utf-8")
    files = {}
    for record in [r.file for r in RECORDS] + [mixed]:
        doc, pdf = document(record), folder / f"{record.stem}.pdf"
        pdf.write_bytes(pdf_writer.render(doc))
        if not any(name.startswith("Noto") for name, _ in parity.embedded_fonts(pdf)):
            continue  # it prints no Lao, Khmer or Thai
        docx = pdf.with_suffix(".docx")
        docx.write_bytes(docx_writer.render(doc))
        files[docx] = pdf
    embedded = parity.convert(list(files), folder / "embedded", fonts=latin)
    installed = parity.convert(list(files), folder / "installed")
    return {docx.stem: {"pdf": pdf, "embedded": embedded[docx], "installed": installed[docx]}
            for docx, pdf in files.items()}


def test_a_sample_and_the_mixed_record_have_complex_script_text(sheets):
    """The Lao sample (sources/laos-embassy-inl.yaml) and the mixed-script record are both here."""
    assert "scripts" in sheets and len(sheets) >= 2


def test_libreoffice_draws_with_the_embedded_faces(sheets):
    """LibreOffice's PDF embeds the same Noto Serif faces as the PDF writer's, and no substitute
    (without the embedded fonts: DejaVu Sans for Lao, nothing for Khmer)."""
    bundled = tuple(family.name for family in fonts.FAMILIES)
    for sid, files in sheets.items():
        faces = parity.embedded_fonts(files["embedded"])
        assert all(name.startswith(bundled) for name, _ in faces), (sid, faces)
        assert ({name for name, _ in faces if name.startswith("Noto")}
                == {name for name, _ in parity.embedded_fonts(files["pdf"]) if name.startswith("Noto")}), sid


# The PDF writer draws Khmer marks higher than HarfBuzz places them (the nikahit of ភ្នំ by 140 units
# of 1000, which LibreOffice applies): its Khmer is compared with LibreOffice's installed fonts only.
AS_THE_PDF = ("NotoSerifLao", "NotoSerifThai")


def test_each_script_looks_as_with_the_fonts_installed_and_as_in_the_pdf(sheets):
    """The last two words of each script (in the mixed record: bold and regular, on its last line)
    ink the same pixels (cells of 4 px at 300 dpi) in LibreOffice without the fonts as with them
    installed and, for Lao and Thai, as in the PDF writer's file."""
    compared = set()
    for sid, files in sheets.items():
        for family, pattern in SCRIPT.items():
            for page, word in _occurrences(files["pdf"], pattern)[-2:]:
                ink = {kind: _ink(files[kind], page, word, pattern) for kind in ("embedded", "installed", "pdf")}
                assert ink["embedded"] and ink["installed"], (sid, family, word.text)
                assert _alike(ink["embedded"], ink["installed"]), (sid, family, word.text)
                if family in AS_THE_PDF:
                    assert _alike(ink["embedded"], ink["pdf"]), (sid, family, word.text)
                compared.add(family)
    assert compared == {family.name for family in SHAPED}


def _occurrences(pdf, pattern) -> list:
    """Return (page, word) for every word in pdftotext's boxes with a character of `pattern`."""
    return [(page, word) for page, words in enumerate(parity.page_words(pdf), start=1)
            for word in words if pattern.search(word.text)]


def _ink(pdf, page: int, word, pattern, half: float = 12.0):
    """Return the ink of a word of the PDF writer's file at its place in `pdf`: its columns, and 12 pt
    around the middle of the nearest word there with the same script (text extraction splits words
    and sizes lines differently in each producer; the columns agree)."""
    there = min((w for w in parity.page_words(pdf)[page - 1] if pattern.search(w.text)),
                key=lambda w: abs(w.x0 - word.x0) + abs(w.middle - word.middle), default=None)
    if there is None:
        return []
    return parity.word_ink(pdf, page, (word.x0 - 1, there.middle - half, word.x1 + 1, there.middle + half))


def _alike(ours, theirs) -> bool:
    """Return whether two inked regions have the same size (4 px) and mostly the same cells (a pixel
    of antialiasing more at an edge moves every cell: the same glyphs score 0.85 to 1, another
    face under 0.5)."""
    return (abs(len(ours) - len(theirs)) <= 4 and abs(len(ours[0]) - len(theirs[0])) <= 4
            and parity.ink_similarity(ours, theirs) > 0.8)
