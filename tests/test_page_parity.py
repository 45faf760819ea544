"""Page parity: the PDF and LibreOffice's layout of the .docx break pages at the same words."""

import shutil

import pytest

import parity
from conftest import ROOT
from pipeline import cli
from sheets import document

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not parity.SOFFICE, reason="LibreOffice (soffice) is not installed; .ci/run "
                                                  "installs libreoffice-writer-nogui"),
    pytest.mark.skipif(not parity.PDFTOTEXT, reason="poppler (pdftotext) is not installed; .ci/run "
                                                    "installs poppler-utils"),
]

SAMPLES = [f.stem for f in parity.sample_files()]
GENERATED = [f"generated-{n}-page{'s' * (n > 1)}" for n in parity.GENERATED_PAGES]


@pytest.fixture(scope="module")
def sheets(tmp_path_factory):
    """Build the samples and the generated sheets, convert every .docx in one LibreOffice run.

    Returns {sheet id: (pdf, LibreOffice's pdf, document tree)}.
    """
    base = tmp_path_factory.mktemp("parity")
    sources = base / "sources"
    shutil.copytree(ROOT / "sources", sources)
    generated = parity.write_generated(sources, lambda f: parity.pdf_page_count(f, sources))
    assert sorted(f.stem for f in generated.values()) == sorted(GENERATED)
    out = base / "out"
    # The CLI in-process, as conftest's run_cli does; absolute paths, so the cwd does not matter.
    assert cli.main(["build", str(sources), "--out", str(out), "--templates", str(ROOT / "templates")]) == 0
    ids = SAMPLES + GENERATED
    converted = parity.convert([out / f"{sid}.docx" for sid in ids], base / "lo")
    return {sid: (out / f"{sid}.pdf", converted[out / f"{sid}.docx"],
                  document(sources / f"{sid}.yaml", ROOT / "templates", sources / "data"))
            for sid in ids}


def test_libreoffice_lays_out_with_the_bundled_liberation_serif(sheets):
    """LibreOffice embeds Liberation Serif, the PDF's own font, and nothing else."""
    for sid, (_, converted, _) in sheets.items():
        fonts = parity.embedded_fonts(converted)
        assert fonts and all(name.startswith("LiberationSerif") and embedded
                             for name, embedded in fonts), (sid, fonts)


def test_generated_sheets_have_their_page_counts(sheets):
    """Each generated sheet's PDF has the number of pages its name says."""
    for n, sid in zip(parity.GENERATED_PAGES, GENERATED):
        assert len(parity.body_lines(sheets[sid][0])) == n


@pytest.mark.parametrize("sid", SAMPLES + GENERATED)
def test_same_page_breaks(sheets, sid):
    """Same page count and the same first and last body word on every page, in both formats."""
    pdf, converted, tree = sheets[sid]
    result = parity.compare(parity.body_lines(pdf, tree.page), parity.body_lines(converted, tree.page))
    if not result.ok:  # pytest.fail: the report, without pytest's dump of the whole fixture
        pytest.fail(f"{sid}: page breaks differ\n{result.describe()}", pytrace=False)
