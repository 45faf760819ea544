"""Real clients: LibreOffice opens and converts every sample .docx; poppler reads every PDF."""

import shutil
import subprocess

import pytest

from conftest import SAMPLES

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
POPPLER = shutil.which("pdftotext") and shutil.which("pdffonts") and shutil.which("pdfinfo")


@pytest.mark.skipif(not SOFFICE, reason="LibreOffice (soffice) is not installed; .ci/run installs "
                                        "libreoffice-writer-nogui")
@pytest.mark.parametrize("sid", SAMPLES)
def test_libreoffice_converts_every_sample(built, tmp_path, sid):
    """Each .docx opens in LibreOffice headless and converts to a PDF with the sheet's text."""
    result = subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                             "--convert-to", "pdf", "--outdir", str(tmp_path), str(built[sid]["docx"])],
                            capture_output=True, text=True, timeout=180)
    converted = tmp_path / f"{sid}.pdf"
    assert result.returncode == 0 and converted.exists(), result.stderr
    if POPPLER:
        text = subprocess.run(["pdftotext", str(converted), "-"], capture_output=True, text=True).stdout
        assert "United States Department of State" in text
        assert "Page 1 of" in text  # the PAGE/NUMPAGES fields were computed by a real client


@pytest.mark.skipif(not POPPLER, reason="poppler-utils is not installed; .ci/run installs it")
@pytest.mark.parametrize("sid", SAMPLES)
def test_poppler_reads_every_pdf(built, sid):
    """pdfinfo sees Letter pages and metadata; pdffonts sees only embedded Liberation Serif."""
    info = subprocess.run(["pdfinfo", str(built[sid]["pdf"])], capture_output=True, text=True)
    assert info.returncode == 0 and "612 x 792 pts (letter)" in info.stdout
    assert "Author:" in info.stdout and "Title:" in info.stdout
    fonts = subprocess.run(["pdffonts", str(built[sid]["pdf"])], capture_output=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all("LiberationSerif" in row and " yes " in row for row in rows)
    text = subprocess.run(["pdftotext", str(built[sid]["pdf"]), "-"], capture_output=True, text=True).stdout
    assert "United States Department of State" in text
