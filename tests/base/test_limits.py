"""Bounded work: each limit accepts a record at the limit and refuses one past it, with a located error."""


import benchcode
import docx
import pypdf
import pytest
import readback
from conftest import ROOT

from pipeline.base import limits
from pipeline.base.errors import RecordError
from pipeline.records.yamlload import parse

HEAD = "layout: inl-country-program\ntitle: T\nissuer: I\ndate: 2003-03-11\n"
DOC = ROOT / "docs" / "limits-and-threat-model.md"


def check(run_cli, tmp_path, text: str):
    """Validate one record (rendered to the tree, not written); return the CLI result."""
    record = tmp_path / "r.yaml"
    record.write_text(text, encoding="utf-8")
    return run_cli("check", "r.yaml", "--templates", ROOT / "templates", cwd=tmp_path)


def table(rows: int, columns: int, cell: str = "x") -> str:
    """Return a section with one table."""
    head = ", ".join(f"c{i}" for i in range(columns))
    body = "".join(f"        - [{', '.join([cell] * columns)}]\n" for _ in range(rows))
    return f"sections:\n  - table:\n      columns: [{head}]\n      rows:\n{body}"


def test_every_limit_is_documented_with_its_value():
    """docs/limits-and-threat-model.md names each limit of pipeline/limits.py and its number."""
    doc = DOC.read_text(encoding="utf-8")
    names = [name for name in vars(limits) if name.isupper()]
    assert len(names) >= 9
    for name in names:
        assert f"`{name}`" in doc and f"{getattr(limits, name):,}" in doc, name


LIMITS = {  # name: (record at the limit, record one past it, the error)
    "line": (HEAD.replace("title: T", "title: " + "t" * limits.MAX_LINE_CHARS),
             HEAD.replace("title: T", "title: " + "t" * (limits.MAX_LINE_CHARS + 1)),
             "r.yaml:2:8: error: 'title' is 201 characters long; it may hold at most 200"),
    "text": (HEAD + "lead: " + "x" * limits.MAX_TEXT_CHARS + "\n",
             HEAD + "lead: " + "x" * (limits.MAX_TEXT_CHARS + 1) + "\n",
             "r.yaml:5:7: error: 'lead' is 20,001 characters long; it may hold at most 20,000"),
    "cell": (HEAD + table(1, 1, "y" * limits.MAX_CELL_CHARS), HEAD + table(1, 1, "y" * (limits.MAX_CELL_CHARS + 1)),
             "r.yaml:9:12: error: 'sections[0].table.rows[0][0]' is 1,001 characters long; it may hold at most 1,000"),
    "rows": (HEAD + table(limits.MAX_TABLE_ROWS, 2), HEAD + table(limits.MAX_TABLE_ROWS + 1, 2),
             "r.yaml:9:9: error: 'sections[0].table.rows' has 1,001 rows; a table holds at most 1,000"),
    "columns": (HEAD + table(1, limits.MAX_TABLE_COLUMNS), HEAD + table(1, limits.MAX_TABLE_COLUMNS + 1),
                "r.yaml:7:16: error: 'sections[0].table.columns' has 9 columns; a table holds at most 8"),
    "record": (HEAD + "sections:\n  - bullets:\n" + "      - " + "z" * 19_998 + "\n"
               + "".join("      - " + "z" * 20_000 + "\n" for _ in range(9)),
               HEAD + "sections:\n  - bullets:\n" + "      - " + "z" * 19_999 + "\n"
               + "".join("      - " + "z" * 20_000 + "\n" for _ in range(9)),
               "r.yaml:16:9: error: the record holds more than 200,000 characters of text (the limit is "
               "passed in 'sections[0].bullets[9]')"),
    "file": (HEAD + "#" * (limits.MAX_FILE_BYTES - len(HEAD) - 1) + "\n",
             HEAD + "#" * (limits.MAX_FILE_BYTES - len(HEAD)) + "\n",
             "r.yaml:1:1: error: the file is larger than 1,000,000 bytes"),
}


@pytest.mark.parametrize("limit", sorted(LIMITS))
def test_at_the_limit_passes_and_past_it_is_refused(limit, run_cli, tmp_path):
    """One character, row, column or byte more turns a valid record into one located error."""
    at, past, error = LIMITS[limit]
    result = check(run_cli, tmp_path, at)
    assert (result.code, result.err) == (0, "")
    result = check(run_cli, tmp_path, past)
    assert result.code == 1
    assert result.err.splitlines()[0] == error
    assert result.err.count(": error: ") == 1


@pytest.mark.parametrize("depth, ok", [(limits.MAX_DEPTH, True), (limits.MAX_DEPTH + 1, False)])
def test_nesting_limit(depth, ok):
    """Lists nested to the limit parse; one level more is refused where it starts."""
    text = "[" * depth + "]" * depth
    if ok:
        parse(text, "r.yaml")
    else:
        with pytest.raises(RecordError, match=f"r.yaml:1:{depth}: error: the record nests deeper than 32"):
            parse(text, "r.yaml")


@pytest.mark.parametrize("count, ok", [(limits.MAX_NODES - 1, True), (limits.MAX_NODES, False)])
def test_values_limit(count, ok):
    """A list plus its items may make up to MAX_NODES values."""
    text = "[" + ",".join(["x"] * count) + "]"
    if ok:
        parse(text, "r.yaml")
    else:
        with pytest.raises(RecordError, match="error: the record holds more than 20,000 values"):
            parse(text, "r.yaml")


def test_figures_may_make_a_title_longer_than_a_docx_property(run_cli, tmp_path):
    """A title within its limit that figures expand past 255 characters prints in full; the .docx
    title property (at most 255) is cut with an ellipsis; the PDF's keeps it all (was a crash)."""
    record = tmp_path / "long.yaml"
    record.write_text(HEAD.replace("title: T", "title: '" + "{{b}}" * 40 + "'") + "figures:\n  b: 123456789012345\n",
                      encoding="utf-8")  # 200 characters written, 600 printed
    assert run_cli("build", record, "--out", tmp_path / "out").code == 0
    title = "123,456,789,012,345" * 40  # a figure without a filter prints in house style
    assert title in readback.docx_text(tmp_path / "out" / "long.docx")
    assert docx.Document(str(tmp_path / "out" / "long.docx")).core_properties.title == title[:254] + "…"
    assert pypdf.PdfReader(str(tmp_path / "out" / "long.pdf")).metadata.title == title


def test_a_row_taller_than_a_page_splits_without_losing_or_repeating_text(run_cli, tmp_path):
    """Cells of 1,000-letter words in eight columns run over pages: every letter printed once."""
    letters = "αβγδεζηθ"  # found nowhere else on the sheet
    cells = [letter * limits.MAX_CELL_CHARS for letter in letters]
    record = tmp_path / "tall.yaml"
    record.write_text(HEAD + table(0, 8).replace("rows:\n", f"rows:\n        - [{', '.join(cells)}]\n"),
                      encoding="utf-8")
    result = run_cli("build", record, "--out", tmp_path / "out")
    assert (result.code, result.err) == (0, "")
    pages = readback.pdf_pages(tmp_path / "out" / "tall.pdf")
    assert len(pages) >= 3
    assert all("".join(pages).count(letter) == limits.MAX_CELL_CHARS for letter in letters)
    assert all(cell in readback.docx_paragraphs(tmp_path / "out" / "tall.docx") for cell in cells)


@pytest.mark.slow
def test_the_largest_record_of_each_kind_builds(run_cli, tmp_path):
    """Records at several limits at once build in both formats (bench/limits.py times them)."""
    bench = benchcode.load("limits")
    for index, text in enumerate(bench.cases().values()):
        record = tmp_path / f"case-{index}.yaml"
        record.write_text(text, encoding="utf-8")
    # No time limit: this proves they build; how fast is measured by bench/limits.py, not on a loaded machine.
    result = run_cli("build", tmp_path, "--out", tmp_path / "out", "--time-limit", "0")
    assert (result.code, result.err) == (0, "")
    sheets = [p for p in (tmp_path / "out").iterdir() if p.suffix in (".docx", ".pdf")]
    assert len(sheets) == 2 * len(bench.cases())
