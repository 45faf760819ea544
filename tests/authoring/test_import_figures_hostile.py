"""`import figures` never drops a cell: it imports it, or refuses the file naming the cell."""

import openpyxl
import pytest

from pipeline.authoring.figureimport import MAX_ROWS, merged_text, read_figures
from pipeline.base.errors import RecordError


def _csv(tmp_path, text):
    path = tmp_path / "f.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _refused(path) -> str:
    with pytest.raises(RecordError) as info:
        read_figures(path, path.name)
    return "\n".join(str(d) for d in info.value.diagnostics)


def test_rows_past_the_limit_are_refused_not_cut(tmp_path):
    """Before: rows past 10,001 were left out without a word."""
    rows = "".join(f"f{n},{n}\n" for n in range(MAX_ROWS + 1))
    assert "more than 10,000 rows" in _refused(_csv(tmp_path, "figure,value\n" + rows))


def test_a_second_column_of_the_same_name_is_refused(tmp_path):
    """Before: the second 'value' column hid the first's numbers."""
    assert "cell C1: a second column named 'value'" in _refused(_csv(tmp_path, "figure,value,value\na,1,2\n"))


@pytest.mark.parametrize("text, cell", [("figure,,value\na,9,1\n", "cell B2"),  # under an unnamed column
                                        ("figure,value\na,1,9\n", "cell C2")])  # past the header
def test_a_value_under_no_column_name_is_refused(tmp_path, text, cell):
    """Before: data under an unnamed column, or extra cells, were dropped."""
    assert f"{cell}: a value in a column with no name in the header row" in _refused(_csv(tmp_path, text))


def test_a_short_row_is_told_at_its_own_cell_not_at_a_question_mark(tmp_path):
    """Before: the missing 'value' cell of a short row was placed at '?:1:1'."""
    message = _refused(_csv(tmp_path, "figure,year,value\na,2018\n"))
    assert "f.csv:2:3: error: cell C2: the value is missing" in message and "?:" not in message


def test_a_cell_over_the_csv_field_limit_is_refused_without_a_traceback(tmp_path):
    """Before: csv.Error ('field larger than field limit') reached the user as a traceback."""
    message = _refused(_csv(tmp_path, "figure,value,label\na,1," + "x" * 200_000 + "\n"))
    assert "line 2 cannot be read as CSV" in message


def _xlsx(tmp_path, cells, formats=None):
    book = openpyxl.Workbook()
    ws = book.active
    for row in cells:
        ws.append(row)
    for at, fmt in (formats or {}).items():
        ws[at].number_format = fmt
    path = tmp_path / "f.xlsx"
    book.save(path)
    return path


def test_a_formula_with_no_saved_value_is_refused(tmp_path):
    """Before: a label or source computed by a formula never saved (openpyxl writes none) was dropped."""
    path = _xlsx(tmp_path, [["figure", "value", "label"], ["a", 1, '=CONCAT("x","y")']])
    assert "cell C2: the formula '=CONCAT(\"x\",\"y\")' has no saved value" in _refused(path)


def test_a_percent_cell_is_the_percentage_and_the_change_says_so(tmp_path):
    """Before: a cell showing 12.5% was imported as 0.125 without a word."""
    path = _xlsx(tmp_path, [["figure", "year", "value"], ["share", 2018, 0.125], ["share", 2019, 0.07]],
                 {"C2": "0.0%", "C3": "0%"})
    figures = read_figures(path, path.name)
    assert figures["share"].values == {2018: 12.5, 2019: 7}
    _, changed = merged_text("", figures)
    assert all("a percent cell: the figure holds the percentage" in line for line in changed), changed


def _rewritten(tmp_path, sheet_xml) -> object:
    """Return a workbook whose first sheet's XML is rewritten by `sheet_xml` (a hostile file)."""
    import io
    import zipfile
    source = _xlsx(tmp_path, [["figure", "value"], ["a", 1]])
    data, out = zipfile.ZipFile(source), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info in data.infolist():
            body = data.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = sheet_xml(body.decode()).encode()
            package.writestr(info.filename, body)
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(out.getvalue())
    return path


def test_a_workbook_claiming_every_column_is_read_in_bounded_memory(tmp_path):
    """Before: a 4.8 KB file declaring A1:XFD1048576, with one row far below, used 2 GB and ran out of memory.
    The read runs in a process held to 600 MB, so the old code fails (MemoryError) instead of taking the machine."""
    import re
    import subprocess
    import sys
    path = _rewritten(tmp_path, lambda x: re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', x)
                      .replace("</sheetData>", '<row r="10001"><c r="A10001" t="inlineStr"><is><t>b</t></is></c>'
                                               '</row></sheetData>'))
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (600_000_000, 600_000_000))\n"
            "from pathlib import Path\nfrom pipeline.authoring.figureimport import read_figures\n"
            "from pipeline.base.errors import RecordError\n"
            f"try:\n    read_figures(Path({str(path)!r}), 'hostile.xlsx')\n"
            "except RecordError as exc:\n    print(exc.diagnostics[0])\n")
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert ran.returncode == 0, ran.stderr[-500:]
    assert "hostile.xlsx:10001:2: error: sheet 'Sheet', cell B10001: the value is missing" in ran.stdout


def test_a_workbook_that_unpacks_past_the_limit_is_refused_before_unpacking(tmp_path):
    from pipeline.authoring.figureimport import MAX_XLSX_UNPACKED
    big = '<row r="3"><c r="C3" t="inlineStr"><is><t>' + "x" * (MAX_XLSX_UNPACKED + 1) + "</t></is></c></row>"
    path = _rewritten(tmp_path, lambda x: x.replace("</sheetData>", big + "</sheetData>"))
    assert f"an import reads at most {MAX_XLSX_UNPACKED:,}" in _refused(path)


def test_a_row_past_the_last_readable_column_is_refused(tmp_path):
    path = _rewritten(tmp_path, lambda x: x.replace("</sheetData>", '<row r="3"><c r="XFD3"/></row></sheetData>'))
    assert "row 3 has cells past column CV" in _refused(path)


@pytest.mark.parametrize("indent, newline, bom", [("    ", "\n", ""), ("  ", "\r\n", "\ufeff"),
                                                  ("    ", "\r\n", "\ufeff")], ids=["4-spaces", "crlf-bom", "both"])
def test_write_rewrites_only_the_lines_whose_values_change(indent, newline, bom):
    """Before: a 4-space file came back with 2 spaces on every line; CRLF and a BOM were lost or mixed."""
    import difflib

    from pipeline.authoring.figureimport import Figure
    lines = ["# Opium", "laos_opium_ha:", f"{indent}label: Opium poppy cultivation", f"{indent}unit: ha",
             f"{indent}values: {{2007: 1500, 2018: 5700}}", "other:", f"{indent}value: 3   # a note",
             f"{indent}notes:", f"{indent * 2}- a", f"{indent * 2}- b"]
    old = bom + newline.join(lines) + newline
    figure = Figure("laos_opium_ha", values={2019: 6000})
    new, _ = merged_text(old, {"laos_opium_ha": figure})
    changed = [line for line in difflib.ndiff(old.splitlines(True), new.splitlines(True)) if line[0] in "+-"]
    assert changed == [f"- {indent}values: {{2007: 1500, 2018: 5700}}{newline}",
                       f"+ {indent}values: {{2007: 1500, 2018: 5700, 2019: 6000}}{newline}"]
