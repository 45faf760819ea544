"""Real clients: LibreOffice opens and converts every sample .docx; poppler reads every PDF."""

import shutil
import subprocess

import pytest
import readback
from conftest import RECORDS, SAMPLES
from sheets import document, furniture_lines

from pipeline.base.fonts import FAMILIES
from pipeline.document.tree import body_text

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
POPPLER = shutil.which("pdftotext") and shutil.which("pdffonts") and shutil.which("pdfinfo")
pytestmark = pytest.mark.slow  # a LibreOffice start per sheet


def assert_shows_the_sheet(text: str, record) -> None:
    """The text read from a PDF holds the sheet's title, first line and page furniture, whatever its layout."""
    doc = document(record.file)
    pages = text.count("\f")
    # Lines wrap where the client chooses: compare with runs of whitespace as one space.
    shown = readback.normalize(text)
    expected = [doc.meta.title, body_text(doc)[0], *sorted(furniture_lines(doc, pages))]
    assert pages >= 1 and [line for line in map(readback.normalize, expected) if not _shown(line, shown)] == []


def _shown(line: str, shown: str) -> bool:
    """Return whether pdftotext's text holds a line; it joins a line ending in a hyphen to the next
    as a hyphenated word, so a briefing paper's "-2-" over its banner reads "-2UNCLASSIFIED"."""
    return line in shown or (line.endswith("-") and line[:-1] in shown)


@pytest.mark.skipif(not SOFFICE, reason="LibreOffice (soffice) is not installed; .ci/run installs "
                                        "libreoffice-writer-nogui")
@pytest.mark.parametrize("record", RECORDS, ids=SAMPLES)
def test_libreoffice_converts_every_sample(built, tmp_path, record):
    """Each .docx opens in LibreOffice headless and converts to a PDF with the sheet's text."""
    sid = record.id
    result = subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                             "--convert-to", "pdf", "--outdir", str(tmp_path), str(built[sid]["docx"])],
                            capture_output=True, text=True, timeout=180)
    converted = tmp_path / f"{sid}.pdf"
    assert result.returncode == 0 and converted.exists(), result.stderr
    if POPPLER:
        text = subprocess.run(["pdftotext", str(converted), "-"], capture_output=True, text=True).stdout
        # The furniture includes "Page N of M" where the layout has one: fields a real client computed.
        assert_shows_the_sheet(text, record)


@pytest.mark.skipif(not POPPLER, reason="poppler-utils is not installed; .ci/run installs it")
@pytest.mark.parametrize("record", RECORDS, ids=SAMPLES)
def test_poppler_reads_every_pdf(built, record):
    """pdfinfo sees Letter pages and metadata; pdffonts sees only embedded bundled fonts."""
    sid = record.id
    info = subprocess.run(["pdfinfo", str(built[sid]["pdf"])], capture_output=True, text=True)
    assert info.returncode == 0 and "612 x 792 pts (letter)" in info.stdout
    assert "Author:" in info.stdout and "Title:" in info.stdout
    fonts = subprocess.run(["pdffonts", str(built[sid]["pdf"])], capture_output=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    bundled = tuple(family.name for family in FAMILIES)
    assert rows and all(row.split()[0].split("+")[-1].startswith(bundled) and " yes " in row for row in rows)
    text = subprocess.run(["pdftotext", str(built[sid]["pdf"]), "-"], capture_output=True, text=True).stdout
    assert_shows_the_sheet(text, record)
