"""Page parity: the PDF and LibreOffice's layout of the .docx break pages at the same words.

On every sample, the generated sheets of 1 to 5 pages, and generated sheets of 3, 5 and 10 pages
of every layout in templates/ (tests/longsheets.py; a layout that cannot grow long is excused with
the reason longsheets.excused states).
"""

import re

import longsheets
import parity
import pytest

from pipeline.base.fonts import FAMILIES
from pipeline.layouts.loader import load_layouts

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not parity.SOFFICE, reason="LibreOffice (soffice) is not installed; .ci/run "
                                                  "installs libreoffice-writer-nogui"),
    pytest.mark.skipif(not parity.PDFTOTEXT, reason="poppler (pdftotext) is not installed; .ci/run "
                                                    "installs poppler-utils"),
]

SAMPLES = [f.stem for f in parity.sample_files()]  # every record in sources/, never a fixed list
GENERATED = [f"generated-{n}-page{'s' * (n > 1)}" for n in parity.GENERATED_PAGES]
EXCUSED = longsheets.excused(parity.ROOT / "sources")
LONG = [longsheets.long_id(name, n) for name in sorted(load_layouts(parity.TEMPLATES)) if name not in EXCUSED
        for n in longsheets.LONG_PAGES]


@pytest.fixture(scope="module")
def sheets(tmp_path_factory):
    """Build samples and generated sheets (CLI in-process) and convert all .docx in one LibreOffice run."""
    built = parity.build_sheets(tmp_path_factory.mktemp("parity"), long_pages=longsheets.LONG_PAGES)
    return {sheet.id: sheet for sheet in built}


def test_every_sheet_was_built_and_converted(sheets):
    """Each sample and each generated sheet has its PDF and LibreOffice's PDF of its .docx."""
    assert sorted(sheets) == sorted(SAMPLES + GENERATED + LONG)


def test_every_layout_has_long_sheets_or_a_stated_reason():
    """Each layout in templates/ gets its 3-, 5- and 10-page sheets, or the reason it cannot grow long."""
    for name in load_layouts(parity.TEMPLATES):
        has = {sid for sid in LONG if sid.startswith(f"long-{name}-")}
        assert len(has) == len(longsheets.LONG_PAGES) or (not has and EXCUSED.get(name)), name


@pytest.mark.parametrize("sid", LONG)
def test_long_sheets_have_their_page_counts(sheets, sid):
    """Each long sheet's PDF has the number of pages its name says."""
    wanted = int(sid.rsplit("-", 2)[1])
    assert len(parity.body_lines(sheets[sid].pdf, sheets[sid].tree.page)) == wanted


@pytest.mark.parametrize("sid", SAMPLES + GENERATED + LONG)
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


def test_libreoffice_lays_out_with_the_bundled_fonts(sheets):
    """LibreOffice embeds the PDF's own fonts, Liberation Serif and, for Lao, Noto Serif Lao, and no
    substitute; each sheet the same faces as the PDF writer's file."""
    bundled = tuple(family.name for family in FAMILIES)
    for sid, sheet in sheets.items():
        fonts = parity.embedded_fonts(sheet.converted)
        assert fonts and all(name.startswith(bundled) and embedded for name, embedded in fonts), (sid, fonts)
        scripts = {name.split("-")[0] for name, _ in fonts} - {"LiberationSerif"}
        assert scripts == {name.split("-")[0] for name, _ in parity.embedded_fonts(sheet.pdf)} - {"LiberationSerif"}


LAO_WORD = re.compile(r"[\u0e80-\u0eff]+")


def test_a_lao_word_looks_the_same_in_both_formats(sheets):
    """The first Lao word of every sample that has one, rendered from the PDF and from LibreOffice's
    layout of the .docx, inks the same pixels (cells of 4 px at 300 dpi) — and unlike a Latin
    word of the same line, so the measure tells glyphs apart."""
    compared = 0
    for sid, sheet in sheets.items():
        found = [_lao_word_boxes(pdf) for pdf in (sheet.pdf, sheet.converted)]
        if not found[0]:
            continue
        (page, lao, latin), (other_page, other_lao, _) = found[0], found[1]
        ours, theirs = parity.word_ink(sheet.pdf, page, lao), parity.word_ink(sheet.converted, other_page, other_lao)
        assert page == other_page and ours and theirs
        assert abs(len(ours) - len(theirs)) <= 4 and abs(len(ours[0]) - len(theirs[0])) <= 4, sid
        assert parity.ink_similarity(ours, theirs) > 0.8, sid
        assert parity.ink_similarity(ours, parity.word_ink(sheet.pdf, page, latin)) < 0.5, sid
        compared += 1
    assert compared  # the Lao sample (sources/laos-embassy-inl.yaml) has one


def _lao_word_boxes(pdf, width: float = 50.0):
    """Return (page, box from the first word holding Lao on, box as wide from a later Latin word) from
    pdftotext's boxes, 3 pt taller for marks; None if the PDF has no Lao. The box is wider than the
    Lao word, so what follows it on the line must also sit where it does in the other format."""
    for page, words in enumerate(parity.page_words(pdf), start=1):
        for index, word in enumerate(words):
            if LAO_WORD.search(word.text):
                latin = next(w for w in words[index + 1:] if w.text.isascii() and len(w.text) > 3)
                return (page, (word.x0 - 1, word.y0 - 3, word.x0 - 1 + width, word.y1 + 3),
                        (latin.x0 - 1, latin.y0 - 3, latin.x0 - 1 + width, latin.y1 + 3))
    return None
