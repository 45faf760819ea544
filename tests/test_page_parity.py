"""Page parity: the PDF and LibreOffice's layout of the .docx break pages at the same words."""

import pytest

import parity

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not parity.SOFFICE, reason="LibreOffice (soffice) is not installed; .ci/run "
                                                  "installs libreoffice-writer-nogui"),
    pytest.mark.skipif(not parity.PDFTOTEXT, reason="poppler (pdftotext) is not installed; .ci/run "
                                                    "installs poppler-utils"),
]

SAMPLES = [f.stem for f in parity.sample_files()]  # every record in sources/, never a fixed list
GENERATED = [f"generated-{n}-page{'s' * (n > 1)}" for n in parity.GENERATED_PAGES]


@pytest.fixture(scope="module")
def sheets(tmp_path_factory):
    """Build samples and generated sheets (CLI in-process) and convert all .docx in one LibreOffice run."""
    built = parity.build_sheets(tmp_path_factory.mktemp("parity"))
    return {sheet.id: sheet for sheet in built}


def test_every_sheet_was_built_and_converted(sheets):
    """Each sample and each generated sheet has its PDF and LibreOffice's PDF of its .docx."""
    assert sorted(sheets) == sorted(SAMPLES + GENERATED)


def test_libreoffice_lays_out_with_the_bundled_liberation_serif(sheets):
    """LibreOffice embeds Liberation Serif, the PDF's own font, and no substitute."""
    for sid, sheet in sheets.items():
        fonts = parity.embedded_fonts(sheet.converted)
        assert fonts and all(name.startswith("LiberationSerif") and embedded
                             for name, embedded in fonts), (sid, fonts)


def test_generated_sheets_have_their_page_counts(sheets):
    """Each generated sheet's PDF has the number of pages its name says."""
    for n, sid in zip(parity.GENERATED_PAGES, GENERATED):
        assert len(parity.body_lines(sheets[sid].pdf)) == n


@pytest.mark.parametrize("sid", SAMPLES + GENERATED)
def test_same_page_breaks(sheets, sid):
    """Same page count and the same first and last body word on every page, in both formats."""
    result = sheets[sid].parity()
    if not result.ok:  # pytest.fail: the report, without pytest's dump of the whole fixture
        pytest.fail(f"{sid}: page breaks differ\n{result.describe()}", pytrace=False)


def test_lines_break_identically(sheets):
    """Over every sheet, more than 95% of lines hold the same words on the same page in both formats."""
    results = [sheet.parity() for sheet in sheets.values()]
    same, total = sum(r.same_lines for r in results), sum(r.total_lines for r in results)
    assert total > 0 and same / total > 0.95, f"{same}/{total} lines identical"
