"""`factsheets import figures`: a spreadsheet into a shared-data file, previewed first, comments kept."""

import csv

import pytest
from conftest import ROOT

from pipeline.builder.manifest import Manifest
from pipeline.figures import shared as data


def _a_series(project):
    """Return (file stem, figure name, year, value) of the first series figure in the shared data."""
    dataset = data.load(project / "sources" / "data", "sources/data")
    for stem, file in sorted(dataset.files.items()):
        for name, figure in file.figures.items():
            if figure.values:
                year = max(figure.values)
                return stem, name, year, figure.values[year]
    pytest.fail("the samples have no shared series figure")


def _csv(path, rows):
    """Write rows as a CSV file."""
    with open(path, "w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)


def test_dry_run_shows_the_sheets_and_numbers_then_write_keeps_comments(project, run_cli):
    """The preview names each sheet printing the figure, old → new; --write applies exactly that."""
    stem, name, year, old = _a_series(project)
    assert run_cli("build", "--out", "out", cwd=project).code == 0
    key = f"data.{stem}.{name} {year}"
    printing = sorted(e.id for e in Manifest.load(project / "out").entries.values() if key in e.printed)
    assert printing, "a sample prints the figure"
    target = project / "sources" / "data" / f"{stem}.yaml"
    before = target.read_text(encoding="utf-8")
    _csv(project / "new.csv", [["Figure", "Year", "Value"], [name, year, old + 400]])
    preview = run_cli("import", "figures", "new.csv", "--into", target.relative_to(project), "--out", "out",
                      cwd=project)
    assert preview.code == 0, preview.err
    assert target.read_text(encoding="utf-8") == before, "a dry run writes nothing"
    assert f"{name} {year}: {old:,} → {old + 400:,}" in preview.out
    would = sorted(line.split()[2] for line in preview.out.splitlines() if line.startswith("would change "))
    assert would == printing
    # Each sheet's line shows the number as that sheet prints it (number, money, …): old → new.
    shown = [line for line in preview.out.splitlines() if line.startswith(f"  {key}: ")]
    assert len(shown) == len(printing)
    assert all(f"{old:,}" in line.split("→")[0] and f"{old + 400:,}" in line.split("→")[1] for line in shown)
    applied = run_cli("import", "figures", "new.csv", "--into", target.relative_to(project), "--out", "out",
                      "--write", cwd=project)
    assert applied.code == 0, applied.err
    after = target.read_text(encoding="utf-8")
    assert [line for line in before.splitlines() if line.lstrip().startswith("#")] == \
        [line for line in after.splitlines() if line.lstrip().startswith("#")]
    assert data.load(target.parent, "d").files[stem].figures[name].values[year] == old + 400
    rebuilt = run_cli("build", "--out", "out", cwd=project)
    assert sorted(line.split()[1] for line in rebuilt.out.splitlines() if line.startswith("rebuilt ")) == printing


def test_a_new_data_file_is_created_from_an_excel_sheet(project, run_cli):
    """An .xlsx sheet with metadata columns becomes a data file that records can read."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Funding"
    sheet.append(["figure", "year", "value", "unit", "source", "as_of", "label"])
    sheet.append(["inl_funding", 2005, 1984000, "USD", "INL budget", "2009-09-30", "INL funding for Laos"])
    sheet.append(["inl_funding", 2006, 1485000.0, None, None, None, None])
    book.save(project / "funding.xlsx")
    result = run_cli("import", "figures", "funding.xlsx", "--into", "sources/data/funding.yaml", "--write",
                     cwd=project)
    assert result.code == 0, result.err
    figure = data.load(project / "sources" / "data", "d").files["funding"].figures["inl_funding"]
    assert figure.values == {2005: 1984000, 2006: 1485000} and figure.unit == "USD"
    assert str(figure.as_of) == "2009-09-30" and figure.label == "INL funding for Laos"


def test_bad_cells_are_refused_with_sheet_row_and_column(project, run_cli):
    """A word where a number belongs, a bad year and an unknown column: each named; nothing written."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Figures"
    book.active.append(["figure", "year", "value", "units"])
    book.active.append(["ok_figure", 2018, 5, None])
    book.active.append(["bad_value", 2018, "n/a", None])
    book.active.append(["bad_year", "FY18", 7, None])
    book.save(project / "bad.xlsx")
    result = run_cli("import", "figures", "bad.xlsx", "--into", "sources/data/new.yaml", "--write", cwd=project)
    assert result.code == 1 and not (project / "sources" / "data" / "new.yaml").exists()
    lines = [line for line in result.err.splitlines() if not line.startswith("  ")]
    assert lines == [
        "bad.xlsx:1:4: error: sheet 'Figures', cell D1: unknown column 'units' — did you mean 'unit'?",
        "bad.xlsx:3:3: error: sheet 'Figures', cell C3: the value must be a number, found 'n/a'",
        "bad.xlsx:4:2: error: sheet 'Figures', cell B4: the year must be written like 2018, found 'FY18'",
    ]


def test_csv_cells_are_named_by_row_and_column(project, run_cli):
    """In a CSV file the same rules hold; the cell is named like a spreadsheet's (C2)."""
    _csv(project / "bad.csv", [["figure", "value"], ["x_total", "$1,984,000"]])
    result = run_cli("import", "figures", "bad.csv", "--into", "sources/data/new.yaml", cwd=project)
    assert result.code == 1
    assert result.err.startswith("bad.csv:2:2: error: cell B2: the value must be a number, found '$1,984,000'")


def test_the_import_command_is_documented():
    """README and docs/importing.md describe import figures."""
    assert "import figures" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "--write" in (ROOT / "docs" / "importing.md").read_text(encoding="utf-8")


def test_a_semicolon_csv_is_refused_naming_the_separator(project, run_cli):
    """On the old code the file gave four errors (unknown column, no 'figure', no 'value', no figures)
    and none said that the columns were separated by ';'."""
    _csv(project / "semi.csv", [["figure;year;value"], ["x_total;2018;1984000"]])
    result = run_cli("import", "figures", "semi.csv", "--into", "sources/data/new.yaml", cwd=project)
    assert result.code == 1
    lines = [line for line in result.err.splitlines() if ": error: " in line]
    assert lines == ["semi.csv:1:1: error: the columns are separated by ';', not ','; a spreadsheet set up for a "
                     "language that writes 12,5 saves CSV that way"]
    assert "CSV UTF-8 (Comma delimited)" in result.err


@pytest.mark.slow
def test_the_preview_names_a_changed_source_on_every_sheet_citing_it(project, run_cli):
    """A new source is previewed as 'source of data.x.y: old → new' for each sheet whose Sources note
    prints it (before, a source change showed no sheet at all)."""
    stem, name, year, value = _a_series(project)
    assert run_cli("build", "--out", "out", cwd=project).code == 0
    key = f"data.{stem}.{name}.source"
    citing = sorted(e.id for e in Manifest.load(project / "out").entries.values() if key in e.data)
    assert citing, "a sample cites the figure's source"
    old = data.load(project / "sources" / "data", "sources/data").files[stem].figures[name].source
    _csv(project / "new.csv", [["figure", "year", "value", "source"], [name, year, value, "UNODC 2024"]])
    preview = run_cli("import", "figures", "new.csv", "--into", f"sources/data/{stem}.yaml", "--out", "out",
                      cwd=project)
    assert preview.code == 0, preview.err
    named = sorted(line.split()[2] for line in preview.out.splitlines() if line.startswith("would change "))
    assert named == citing
    assert preview.out.count(f"  source of data.{stem}.{name}: '{old}' → 'UNODC 2024'") == len(citing)
