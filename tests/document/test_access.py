"""The accessibility gate: a sheet a screen reader could not follow is refused at its record's line."""

import dataclasses

import badlook
import docsample
import pytest

from pipeline.base.errors import Location, RecordError
from pipeline.document import access
from pipeline.document.tree import Heading, Paragraph, Run, Table

CASES = badlook.cases(badlook.ACCESS_CASES)
HERE, LAYOUT = Location("r.yaml", 2, 8), Location("r.yaml", 1, 9)


def test_there_are_golden_cases():
    assert len(CASES) >= 3 and all(case.with_suffix(".expected").exists() for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_check_and_build_refuse_the_sheet_and_write_nothing(case, tmp_path):
    """`check` and `build` print the golden refusal (exit 1); neither format of the sheet is written."""
    folder = badlook.project_with(case, tmp_path)
    expected = case.with_suffix(".expected").read_text(encoding="utf-8")
    args = badlook.check_args(case)
    checked = badlook.run(folder, *args)
    built = badlook.run(folder, "build", "--out", "out", *args[1:])
    for result in (checked, built):
        assert (result.returncode, result.stderr.split("\nfactsheets:")[0]) == (1, expected.split("\nfactsheets:")[0])
    assert "error: the sheet would not be accessible:" in expected and "  hint: the layout template" in expected
    written = {p.suffix for p in (folder / "out").glob("*")} if (folder / "out").exists() else set()
    assert not written & {".pdf", ".docx"}


def refused(doc) -> list[str]:
    """Return the gate's messages for a tree (none when it passes)."""
    try:
        access.check(doc, HERE, LAYOUT, "templates/x/sheet.xml.j2")
    except RecordError as exc:
        return [str(d) for d in exc.diagnostics]
    return []


def test_the_project_sample_tree_passes():
    assert refused(docsample.sample_document()) == []


def test_a_table_without_a_header_row_is_refused():
    doc = docsample.sample_document()
    table = Table(columns=((Run(""),), (Run(" "),)), rows=(((Run("FY 2005"),), (Run("$1"),)),))
    (message,) = refused(dataclasses.replace(doc, body=(*doc.body, table)))
    assert message.startswith("r.yaml:1:9: error: the sheet would not be accessible: a table (first cell "
                              "'FY 2005') has no header row")


def test_headings_that_skip_and_a_second_title_are_refused():
    doc = docsample.sample_document()
    title = next(n for n, block in enumerate(doc.body) if getattr(block, "style", "") == "Title")
    body = (*doc.body[:title + 1], Heading(2, (Run("Deep"),)), Paragraph("Title", (Run("Again"),)))
    messages = refused(dataclasses.replace(doc, body=body))
    assert any("'Deep' is level 3 after level 1" in m for m in messages)
    assert any("it has 2 titles" in m for m in messages)


def test_an_empty_title_is_reported_on_the_title_line():
    doc = docsample.sample_document()
    body = tuple(Paragraph("Title", (Run("  "),)) if getattr(b, "style", "") == "Title" else b for b in doc.body)
    (message,) = refused(dataclasses.replace(doc, body=body))
    assert message.startswith("r.yaml:2:8: error: the sheet would not be accessible: it has no title")


def test_a_chart_or_picture_without_alt_text_is_refused():
    """A Figure without a text alternative never reaches either format."""
    doc = docsample.sample_document()
    body = (*doc.body, dataclasses.replace(docsample.CHART, alt=" "), dataclasses.replace(docsample.seal(), alt=""))
    messages = refused(dataclasses.replace(doc, body=body))
    assert any("the chart 'Opium poppy cultivation in Laos' has no alt text" in m for m in messages)
    assert any("the picture assets/seal.png has no alt text" in m for m in messages)
    assert refused(doc) == []  # the sample's own chart and picture have theirs


def test_text_in_a_script_without_a_language_is_refused(monkeypatch):
    """Lao text whose font family knows no language (so neither writer could mark it) is refused;
    with its language (lo-LA) it passes. On the old code the gate never looked at runs' scripts."""
    from pipeline.base import fonts

    doc = docsample.sample_document()
    lao = dataclasses.replace(doc, body=(*doc.body, Paragraph("Normal", (Run("Vientiane (ວຽງຈັນ)"),))))
    assert refused(lao) == []
    unknown = tuple(dataclasses.replace(f, language=None) if f.language == "lo-LA" else f for f in fonts.FAMILIES)
    monkeypatch.setattr(fonts, "FAMILIES", unknown)
    (message,) = refused(lao)
    assert "the text 'ວຽງຈັນ' has no language of its own" in message
