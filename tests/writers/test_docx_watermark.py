"""The .docx watermark as LibreOffice reads and draws it: described, no Fontwork, no text, and drawn
where the PDF draws its own.

LibreOffice's accessibility check reports a drawing that is Fontwork (a custom shape of a
`fontwork-*` type), a floating object holding text, or one with neither title nor description.
It runs only in its dialog, so these tests read what LibreOffice imported (the .docx saved as
.odt) against those three rules. On the old code (VML WordArt with `alt`) the shape was
`fontwork-plain-text` with text and no description: all three failed.
"""

import os
import re
import subprocess
import tempfile
import zipfile
from pathlib import Path

import parity
import pytest
import records
from sheets import document

from pipeline.writers import docx as docx_writer
from pipeline.writers import pdf as pdf_writer

DRAFTS = [s for s in records.samples() if "status: draft" in s.file.read_text(encoding="utf-8")]
SHAPE = re.compile(r"<draw:(custom-shape|frame|rect|path)\b.*?</draw:\1>", re.S)


@pytest.fixture(scope="module")
def draft(tmp_path_factory):
    """Return a draft sample's folder with its PDF, .docx, LibreOffice's PDF of the .docx and its .odt."""
    folder = tmp_path_factory.mktemp("draft")
    doc = document(DRAFTS[0].file)
    (folder / "sheet.pdf").write_bytes(pdf_writer.render(doc))
    (folder / "sheet.docx").write_bytes(docx_writer.render(doc))
    parity.convert([folder / "sheet.docx"], folder / "lo")
    _convert_to_odt(folder / "sheet.docx", folder / "odt")
    return folder


def _convert_to_odt(docx, outdir) -> None:
    """Save a .docx as .odt with LibreOffice, as parity.convert makes its PDF."""
    with tempfile.TemporaryDirectory(prefix="odt-lo-") as scratch:
        scratch = Path(scratch)
        env = {**os.environ, "FONTCONFIG_FILE": str(parity.write_fonts_conf(scratch)), "HOME": str(scratch)}
        subprocess.run([parity.SOFFICE, f"-env:UserInstallation={(scratch / 'profile').as_uri()}", "--headless",
                        "--norestore", "--convert-to", "odt", "--outdir", str(outdir), str(docx)],
                       env=env, capture_output=True, timeout=180, check=True)


def test_a_sample_is_a_draft():
    assert DRAFTS


@pytest.mark.slow
def test_libreoffice_reads_a_described_shape_that_is_not_fontwork_and_holds_no_text(draft):
    with zipfile.ZipFile(draft / "odt" / "sheet.odt") as package:
        styles = package.read("styles.xml").decode("utf-8")  # headers live with the page styles
    shapes = [m.group(0) for m in SHAPE.finditer(styles)]
    assert shapes, "no drawing in the headers"
    for shape in shapes:
        assert "<svg:desc>DRAFT</svg:desc>" in shape
        assert not re.search(r'draw:type="fontwork-', shape)
        assert not re.sub(r"<[^>]+>", "", shape.split("</svg:desc>", 1)[1]).strip()  # no text of its own


def _light_cells(pdf, page: int, dpi: int = 36, cell: int = 4) -> set:
    """Return the cells of a page holding light grey pixels (the watermark; text is black, paper white)."""
    gray = subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), str(pdf)],
                          capture_output=True, check=True).stdout
    _, width, height, _, pixels = gray.split(maxsplit=4)
    width = int(width)
    return {(i // width // cell, i % width // cell) for i, v in enumerate(pixels[:width * int(height)])
            if 150 < v < 245}


@pytest.mark.slow
def test_libreoffice_draws_the_mark_on_every_page_where_the_pdf_does(draft):
    """Light grey ink in the page centre on every page, in the same places as the PDF's mark (the
    letters' outline at the PDF's size; the old WordArt stretched its letters to its box)."""
    ours, theirs = draft / "sheet.pdf", draft / "lo" / "sheet.pdf"
    pages = len(parity.page_words(ours))
    assert pages == len(parity.page_words(theirs))
    for page in range(1, pages + 1):
        mine, lo = _light_cells(ours, page), _light_cells(theirs, page)
        rows = max(r for r, _ in mine)
        assert any(abs(r - rows / 2) <= 2 for r, _ in lo), page  # ink across the page's middle
        assert len(mine & lo) / len(mine | lo) > 0.85, page  # the old WordArt, stretched: 0.81 on page 2
