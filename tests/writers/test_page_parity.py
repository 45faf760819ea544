"""Page parity: the PDF and LibreOffice's layout of the .docx break pages at the same words."""

import re

import parity
import pytest

from pipeline.base.fonts import FAMILIES

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
