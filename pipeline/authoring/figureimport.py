"""`factsheets import figures`: a CSV or Excel sheet of figures into a shared-data file.

Rows name a figure, optionally a year, and a value; unit, source, as_of and label columns set the
figure's metadata. The data file is rewritten with a round-trip YAML writer, so its comments and
order stay as the user wrote them; what it would change on the sheets is previewed first.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..base import confine
from ..base.errors import Collector, ConfigError, Diagnostic, Location, RecordError, did_you_mean, shown
from ..base.paths import display

COLUMNS = ("figure", "year", "value", "unit", "source", "as_of", "label")
META = ("label", "unit", "source", "as_of")
NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}\Z")
FEED_KEY = "feed"  # a data file's feed declaration (figures/shared.py), never a figure
NUMBER_RE = re.compile(r"^-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?\Z|^-?[0-9]+(\.[0-9]+)?\Z")
MAX_ROWS = 10_000
MAX_COLUMNS = 100  # seven are meaningful; a workbook's own notes may sit beside them
MAX_XLSX_UNPACKED = 20_000_000  # bytes a workbook's parts may unpack to (10,000 rows take about 2 MB)
PERCENT_NOTE = " (a percent cell: the figure holds the percentage; print it with {{ name | percent }})"


@dataclass
class Cell:
    """One cell's value and where it is, for messages."""

    value: object
    loc: Location
    name: str  # 'C7', or 'sheet Funding, cell C7'
    percent: bool = False  # an Excel cell formatted as a percentage: 12.5% is stored as 0.125


@dataclass
class Figure:
    """What the rows say about one figure: its values by year (None: a single value) and metadata."""

    name: str
    values: dict[int | None, int | float] = field(default_factory=dict)
    meta: dict[str, object] = field(default_factory=dict)
    percent: set[int | None] = field(default_factory=set)  # the years whose value came from a percent cell


@dataclass
class Mapping:
    """How a feed's columns map to the import's: `columns` renames a feed's column to figure, year,
    value, unit, source, as_of or label; `names` maps the figure column's words to figure names (rows
    with other words are left out); `where` keeps only the rows with these values in these columns."""

    columns: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    where: dict[str, str] = field(default_factory=dict)


def read_figures(file: Path, shown_as: str, sheet: str | None = None) -> dict[str, Figure]:
    """Return the figures of a .csv or .xlsx file; RecordError naming each bad cell."""
    rows = xlsx_cells(file, shown_as, sheet) if file.suffix.lower() == ".xlsx" else _csv_rows(file, shown_as)
    return figures_from_rows(rows, shown_as)


def figures_from_rows(rows: list[list[Cell]], shown_as: str, mapping: Mapping | None = None) -> dict[str, Figure]:
    """Return the figures of a table's rows (the first names the columns); RecordError naming each bad cell."""
    c = Collector()
    raw = [str(cell.value or "").strip() for cell in rows[0]] if rows else []
    header = _header(rows[0] if rows else [], shown_as, c) if mapping is None else \
        _mapped_header(raw, mapping, shown_as, c)
    figures: dict[str, Figure] = {}
    for row in rows[1:]:
        if not any(cell.value not in (None, "") for cell in row):
            continue
        if mapping is not None and not _kept(dict(zip(raw, row, strict=False)), mapping):
            continue
        # A feed's columns it does not map are left out on purpose; a file's unnamed ones are errors.
        cells = _named(header, row, c, strict=mapping is None)
        if mapping is not None and mapping.names and not _renamed(cells, mapping.names):
            continue
        _row(cells, figures, c)
    named = mapping is not None and mapping.names  # a feed then says which of its figures vanished
    if not figures and not c.diagnostics and not named:
        c.error(Location(shown_as), "no figures found", "put a header row (figure, year, value, …) and one row per value")
    c.raise_if_any()
    return figures


def _named(header: list[str | None], row: list[Cell], c: Collector, strict: bool = True) -> dict[str | None, Cell]:
    """Return a row's cells by column name; (`strict`) a value past the header or under an unnamed column is an error."""
    for col, cell in enumerate(row):
        if strict and cell.value not in (None, "") and (col >= len(header) or header[col] is None):
            c.error(cell.loc, f"{cell.name}: a value in a column with no name in the header row",
                    f"name the column ({', '.join(COLUMNS)}) in the first row, or clear the cell")
    # A short row's missing cells are empty cells at their own place, so a message can point there.
    prefix, line = row[0].name.rsplit("cell ", 1)[0], row[0].loc.line
    padded = row + [Cell("", Location(row[0].loc.path, line, col), f"{prefix}cell {_column(col)}{line}")
                    for col in range(len(row) + 1, len(header) + 1)]
    return dict(zip(header, padded, strict=False))


def _mapped_header(raw: list[str], mapping: Mapping, shown_as: str, c: Collector) -> list[str | None]:
    """Return the import's column names for a feed's header row; a mapped column that is missing
    (renamed at the source) is an error, other columns are left out."""
    for wanted in [*mapping.columns, *mapping.where]:
        if wanted not in raw:
            c.error(Location(shown_as), f"the file has no column {shown(wanted)}{did_you_mean(wanted, raw)}",
                    f"its columns: {', '.join(raw) or 'none'}; if the publisher renamed it, change the "
                    f"feed's 'columns' to match")
    names = [mapping.columns.get(name) for name in raw]
    for name, column in enumerate(raw):
        normal = re.sub(r"[\s-]+", "_", column.lower())
        if names[name] is None and normal in COLUMNS and normal not in mapping.columns.values():
            names[name] = normal
    for needed in ("figure", "value"):
        if needed not in names:
            c.error(Location(shown_as), f"no column is mapped to '{needed}'",
                    "map one in the feed's 'columns', e.g. {Country: figure}")
    return names


def _kept(cells: dict[str, Cell], mapping: Mapping) -> bool:
    """Return True when a row has the values the feed's `where` asks for."""
    return all(str(cells[column].value if column in cells else "").strip() == str(value)
               for column, value in mapping.where.items())


def _renamed(cells: dict[str | None, Cell], names: dict[str, str]) -> bool:
    """Give the row's figure its name in the data file; False when the feed does not map it."""
    cell = cells.get("figure")
    word = str(cell.value or "").strip() if cell else ""
    if word not in names:
        return False
    cells["figure"] = Cell(names[word], cell.loc, cell.name)
    return True


def _csv_rows(file: Path, shown_as: str) -> list[list[Cell]]:
    """Return the cells of a CSV file (UTF-8, a spreadsheet's byte-order mark allowed)."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise RecordError([Diagnostic(Location(shown_as), "the file is not UTF-8 text",
                                      "save it as 'CSV UTF-8' from your spreadsheet program")]) from None
    return csv_cells(text, shown_as)


def csv_cells(text: str, shown_as: str) -> list[list[Cell]]:
    """Return the cells of CSV text, named by row and column; more than MAX_ROWS rows are refused, not cut."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > MAX_ROWS + 1:
                raise _too_many(shown_as)
    except csv.Error as exc:  # a cell over the csv module's field limit (128 KB), a NUL byte…
        raise RecordError([Diagnostic(Location(shown_as, reader.line_num), f"line {reader.line_num} cannot be "
                                      f"read as CSV: {exc}", "a figure's cells hold a name, a number or a short "
                                      "label; save the sheet again as 'CSV UTF-8'")]) from None
    if rows and len(rows[0]) == 1 and rows[0][0].count(";") >= 1:  # every column read as one: the header says why
        raise RecordError([Diagnostic(Location(shown_as, 1, 1), "the columns are separated by ';', not ','; "
                                      "a spreadsheet set up for a language that writes 12,5 saves CSV that way",
                                      "save it again as 'CSV UTF-8 (Comma delimited)', or import the .xlsx "
                                      "workbook itself")])
    return [[Cell(value.strip(), Location(shown_as, r, col), f"cell {_column(col)}{r}")
             for col, value in enumerate(row, 1)] for r, row in enumerate(rows, 1)]


def _too_many(shown_as: str) -> RecordError:
    """Return the error for a file with more rows than an import takes (none is dropped)."""
    return RecordError([Diagnostic(Location(shown_as, MAX_ROWS + 2), f"the file has more than {MAX_ROWS:,} rows "
                                   "of figures; none was imported", "split it into files of fewer rows")])


def xlsx_cells(file, shown_as: str, sheet: str | None) -> list[list[Cell]]:
    """Return the cells of one worksheet of an Excel file, a path or a binary file object (the first
    worksheet unless `sheet` names one)."""
    import openpyxl  # only for Excel files
    _check_package(file, shown_as)
    try:
        book = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise RecordError([Diagnostic(Location(shown_as), f"cannot read the Excel file: {exc}",
                                      "save it again as an Excel workbook (.xlsx)")]) from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise RecordError([Diagnostic(Location(shown_as), f"the workbook has no sheet {shown(sheet)}"
                                          f"{did_you_mean(sheet, book.sheetnames)}",
                                          f"its sheets: {', '.join(book.sheetnames)}")])
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        rows, blanks = [], []
        for r, row in enumerate(_bounded_rows(ws, shown_as), 1):
            rows.append([_xlsx_cell(cell, Location(shown_as, r, col), f"sheet {shown(ws.title)}, cell "
                                    f"{_column(col)}{r}") for col, cell in enumerate(row, 1)])
            blanks.extend(cell for cell in rows[-1] if cell.value is None)
        _refuse_unsaved_formulas(file, ws.title, blanks, shown_as)
        return rows
    finally:
        book.close()


def _check_package(file: Path, shown_as: str) -> None:
    """Refuse a workbook whose parts unpack to more than MAX_XLSX_UNPACKED bytes, before anything is unpacked."""
    import zipfile
    try:
        with zipfile.ZipFile(file) as package:
            unpacked = sum(info.file_size for info in package.infolist())  # sizes as declared: reading stops there
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        raise RecordError([Diagnostic(Location(shown_as), f"cannot read the Excel file: {exc}",
                                      "save it again as an Excel workbook (.xlsx)")]) from None
    if unpacked > MAX_XLSX_UNPACKED:
        raise RecordError([Diagnostic(Location(shown_as), f"the workbook unpacks to {unpacked:,} bytes; an import "
                                      f"reads at most {MAX_XLSX_UNPACKED:,}", "save the figures alone in a new "
                                      "workbook, or as 'CSV UTF-8'")])


def _bounded_rows(ws, shown_as: str):
    """Yield a read-only worksheet's rows, at most MAX_ROWS + 1 and MAX_COLUMNS wide, or refuse the sheet."""
    # The size a sheet declares is not trusted: openpyxl pads every row, and the rows missing between
    # two, to it, so 'A1:XFD1048576' in a 1.5 KB file asked for millions of cells.
    ws.reset_dimensions()
    for r, row in enumerate(ws.iter_rows(max_row=MAX_ROWS + 2), 1):
        if r > MAX_ROWS + 1:
            raise _too_many(shown_as)
        if len(row) > MAX_COLUMNS:
            raise RecordError([Diagnostic(Location(shown_as, r, MAX_COLUMNS + 1), f"row {r} has cells past column "
                                          f"{_column(MAX_COLUMNS)}; an import reads at most {MAX_COLUMNS} columns "
                                          f"({', '.join(COLUMNS)})", "delete the columns (even empty, formatted "
                                          "ones) to the right of the figures")])
        yield row


def _xlsx_cell(cell, loc: Location, name: str) -> Cell:
    """Return one worksheet cell's value (text stripped), noting a percentage format."""
    value = getattr(cell, "value", None)
    percent = isinstance(value, (int, float)) and "%" in (getattr(cell, "number_format", "") or "")
    return Cell(value.strip() if isinstance(value, str) else value, loc, name, percent)


def _refuse_unsaved_formulas(file: Path, title: str, blanks: list[Cell], shown_as: str) -> None:
    """Refuse formula cells with no saved value (a file written by a program that does not compute them)."""
    if not blanks:
        return
    import openpyxl
    book = openpyxl.load_workbook(file, read_only=True, data_only=False)
    try:
        formulas = {(r, col): cell.value for r, row in enumerate(_bounded_rows(book[title], shown_as), 1)
                    for col, cell in enumerate(row, 1)
                    if isinstance(getattr(cell, "value", None), str) and cell.value.startswith("=")}
    finally:
        book.close()
    found = [cell for cell in blanks if (cell.loc.line, cell.loc.column) in formulas]
    if found:
        raise RecordError([Diagnostic(cell.loc, f"{cell.name}: the formula {shown(formulas[cell.loc.line, cell.loc.column])} "
                                                "has no saved value, so its number is not in the file",
                                      "open the file in Excel and save it (Excel stores each formula's value), "
                                      "or paste the values in place of the formulas") for cell in found])


def _column(number: int) -> str:
    """Return a spreadsheet column's letters: 1 → A, 28 → AB."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _header(row: list[Cell], shown_as: str, c: Collector) -> list[str | None]:
    """Return the column names of the header row; unknown or missing columns are errors."""
    names = []
    for cell in row:
        name = re.sub(r"[\s-]+", "_", str(cell.value or "").strip().lower()) or None
        if name is not None and name not in COLUMNS:
            c.error(cell.loc, f"{cell.name}: unknown column {shown(str(cell.value))}{did_you_mean(name, COLUMNS)}",
                    f"the columns are: {', '.join(COLUMNS)}")
        elif name is not None and name in names:  # the second would hide the first's cells
            c.error(cell.loc, f"{cell.name}: a second column named '{name}'", "name each column once")
        names.append(name)
    for needed in ("figure", "value"):
        if needed not in names:
            c.error(Location(shown_as), f"the header row has no '{needed}' column",
                    f"the first row names the columns: {', '.join(COLUMNS)}")
    return names


def _row(cells: dict[str | None, Cell], figures: dict[str, Figure], c: Collector) -> None:
    """Add one row to `figures`, or report its bad cells."""
    name_cell = cells.get("figure")
    name = str(name_cell.value or "").strip() if name_cell else ""
    if not NAME_RE.match(name) or name == FEED_KEY:
        where = name_cell or next(iter(cells.values()))
        c.error(where.loc, f"{where.name}: {shown(name)} cannot be a figure name",
                "use letters, digits and underscores, starting with a letter, e.g. laos_opium_ha")
        return
    value = _number(cells.get("value"), c)
    year = _year(cells.get("year"), c)
    if value is None or year is False:
        return
    figure = figures.setdefault(name, Figure(name))
    if year in figure.values:
        c.error(cells["value"].loc, f"{cells['value'].name}: a second value for {name}"
                                    f"{'' if year is None else ' ' + str(year)}", "keep one row per figure and year")
        return
    if figure.values and (year is None) != (None in figure.values):
        c.error(cells["value"].loc, f"{cells['value'].name}: {name} has rows with and without a year",
                "give every row of a series its year, or use one row for a single number")
        return
    figure.values[year] = value
    if cells["value"].percent:
        figure.percent.add(year)
    for key in META:
        _meta(figure, key, cells.get(key), c)


def _number(cell: Cell | None, c: Collector) -> int | float | None:
    """Return a cell's number; commas as thousands separators are allowed."""
    value = cell.value if cell else None
    if isinstance(value, bool) or value in (None, ""):
        c.error(cell.loc if cell else Location("?"), f"{cell.name if cell else 'a row'}: the value is missing",
                "write the number, e.g. 5700")
        return None
    if isinstance(value, (int, float)) and cell.percent:  # figures hold the percentage: 12.5% is 12.5
        value = float(decimal.Decimal(repr(value)) * 100)
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() and abs(value) < 1e15 else value
    text = str(value)
    if not NUMBER_RE.match(text):
        c.error(cell.loc, f"{cell.name}: the value must be a number, found {shown(text)}",
                "write digits only, e.g. 1984000 (no $, %, units or words; units go in the 'unit' column)")
        return None
    number = float(text.replace(",", ""))
    return int(number) if number.is_integer() and "." not in text else number


def _year(cell: Cell | None, c: Collector) -> int | None | bool:
    """Return a cell's year, None when there is none, False when it is wrong."""
    value = cell.value if cell else None
    if value in (None, ""):
        return None
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    if not re.fullmatch(r"(19|20)[0-9]{2}", text):
        c.error(cell.loc, f"{cell.name}: the year must be written like 2018, found {shown(text)}",
                "write the four-digit year, or leave the cell empty for a single number")
        return False
    return int(text)


def _meta(figure: Figure, key: str, cell: Cell | None, c: Collector) -> None:
    """Set one metadata field of a figure from a cell; rows must agree on it."""
    value = cell.value if cell else None
    if value in (None, ""):
        return
    if key == "as_of":
        value = _date(cell, c)
        if value is None:
            return
    else:
        value = str(value)
    if figure.meta.setdefault(key, value) != value:
        c.error(cell.loc, f"{cell.name}: {figure.name} has {key} {shown(str(figure.meta[key]))} on an earlier row",
                f"give every row of {figure.name} the same {key}, or leave the cell empty")


def _date(cell: Cell, c: Collector) -> str | None:
    """Return a cell's date as YYYY-MM-DD (a spreadsheet date, or text written that way)."""
    value = cell.value
    if isinstance(value, (dt.datetime, dt.date)):
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        c.error(cell.loc, f"{cell.name}: as_of must be a date written YYYY-MM-DD, found {shown(str(value))}",
                "for example: 2018-12-31")
        return None


def merged_text(old_text: str, figures: dict[str, Figure]) -> tuple[str, list[str]]:
    """Return the data file's new text and one line per value changed; comments and order are kept."""
    from ruamel.yaml import YAML  # only for imports: a round-trip writer keeps comments
    from ruamel.yaml.comments import CommentedMap

    # The file's own byte-order mark, line ends and indentation are kept, so that only the lines
    # whose values change are rewritten (a diff, a review, a commit show just those).
    bom, old_text = old_text.startswith("\ufeff"), old_text.removeprefix("\ufeff")
    crlf, old_text = "\r\n" in old_text, old_text.replace("\r\n", "\n")
    yaml = YAML(typ="rt")
    yaml.width = 4096  # never fold a long source line: diagnostics point at lines
    yaml.preserve_quotes = True
    yaml.indent(**_indents(old_text))
    doc = yaml.load(old_text) if old_text.strip() else None
    doc = CommentedMap() if doc is None else doc
    if not isinstance(doc, CommentedMap):
        raise ConfigError([Diagnostic(Location("?"), "the data file is not a mapping of figures",
                                      "fix the data file first (factsheets check shows how)")])
    changed = []
    for figure in figures.values():
        changed.extend(_merge(doc, figure, CommentedMap))
    out = io.StringIO()
    yaml.dump(doc, out)
    text = out.getvalue().replace("\n", "\r\n") if crlf else out.getvalue()
    return ("\ufeff" if bom else "") + text, changed


def _indents(text: str) -> dict[str, int]:
    """Return the indentation a YAML text uses (ruamel's mapping, sequence and offset), 2/2/0 if it shows none."""
    found = {"mapping": 2, "sequence": 2, "offset": 0}
    nested = re.search(r"(?m)^( *)[^\s#-][^\n]*:[ \t]*(#[^\n]*)?\n( +)[^\s#-]", text)
    if nested and len(nested[3]) > len(nested[1]):
        found["mapping"] = len(nested[3]) - len(nested[1])
    listed = re.search(r"(?m)^( *)[^\s#-][^\n]*:[ \t]*(#[^\n]*)?\n( *)- ", text)
    if listed and len(listed[3]) >= len(listed[1]):
        found["offset"] = len(listed[3]) - len(listed[1])
        found["sequence"] = found["offset"] + 2
    return found


def _merge(doc, figure: Figure, CommentedMap) -> list[str]:
    """Write one figure's values and metadata into the document; return the changes as lines."""
    entry = doc.get(figure.name)
    changed = []
    if None in figure.values and not figure.meta and not isinstance(entry, dict):
        new = figure.values[None]  # a bare number stays a bare number
        if entry != new:
            changed.append(f"{figure.name}: {_shown(entry)} → {_shown(new)}{PERCENT_NOTE if figure.percent else ''}")
            doc[figure.name] = new
        return changed
    if not isinstance(entry, dict):
        old_value = entry
        entry = CommentedMap()
        if old_value is not None and None in figure.values:
            entry["value"] = old_value
        doc[figure.name] = entry
    for key, value in figure.meta.items():
        if key == "as_of":
            value = dt.date.fromisoformat(value)
        if entry.get(key) != value:
            changed.append(f"{figure.name}.{key}: {_shown(entry.get(key))} → {_shown(value)}")
            entry[key] = value
    if None in figure.values:
        if entry.get("value") != figure.values[None]:
            changed.append(f"{figure.name}: {_shown(entry.get('value'))} → {_shown(figure.values[None])}"
                           f"{PERCENT_NOTE if figure.percent else ''}")
            entry["value"] = figure.values[None]
        return changed
    values = entry.get("values")
    if values is None:
        values = CommentedMap()
        values.fa.set_flow_style()  # {2007: 1500, 2018: 5700}, as the samples write series
        entry["values"] = values
    for year, value in sorted(figure.values.items()):
        if values.get(year) != value:
            changed.append(f"{figure.name} {year}: {_shown(values.get(year))} → {_shown(value)}"
                           f"{PERCENT_NOTE if year in figure.percent else ''}")
            if year in values:
                values[year] = value
            else:  # keep the years in order
                at = sum(1 for y in values if isinstance(y, int) and y < year)
                values.insert(at, year, value)
    return changed


def _shown(value) -> str:
    """Return a value as the change lines show it."""
    if value is None:
        return "(none)"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


@dataclass
class Plan:
    """What an import would do: the data file's new text, its value changes and the sheets' changes."""

    target: Path
    text: str
    changed: list[str]
    report: object  # build.Report of a preview against the last build
    unbuilt: list[str]  # records with no last build to compare with

    def apply(self) -> None:
        """Write the data file in one step (the old one stays whole if that fails)."""
        from ..base.output import write_atomic
        write_atomic(self.target, self.text.encode("utf-8"))


def import_figures(file: Path, target: Path, sheet: str | None, opts, records: Path) -> Plan:
    """Return the plan of importing `file` into the data file `target`; RecordError on bad cells or data."""
    from ..figures import shared as data

    if target.suffix != ".yaml" or not data.NAME_RE.match(target.stem):
        raise ConfigError([Diagnostic(Location(display(target)), "a shared-data file is named like "
                                      "sources/data/name.yaml (lowercase letters, digits, underscores)",
                                      "for example: --into sources/data/unodc.yaml")])
    if not file.is_file():
        raise ConfigError([Diagnostic(Location(display(file)), "no such file", "name a .csv or .xlsx file")])
    return plan_figures(read_figures(file, display(file), sheet), target, opts, records)


def _old_text(target: Path) -> str:
    """Return the data file's text ('' if new), read by the rule of every project file: never through a link."""
    try:
        confine.real_file(target, target.parent, must_exist=False)
        if not os.path.lexists(target):
            return ""
        return confine.read_bytes(target, target.parent).decode("utf-8")
    except confine.NotARealFile as exc:
        raise ConfigError([Diagnostic(Location(display(target)), exc.reason, exc.hint)]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([Diagnostic(Location(display(target)), f"cannot read the file: {exc}",
                                      "save it as UTF-8 text, or name another file")]) from None


def plan_figures(figures: dict[str, Figure], target: Path, opts, records: Path | list[Path]) -> Plan:
    """Return the plan of writing `figures` into the data file `target` (import, or the workspace's edit);
    `records` is the records' folder, or the record files to compare (the workspace: those printing it)."""
    import shutil
    import tempfile

    from ..builder import recipe as build
    from ..figures import shared as data

    old = _old_text(target)
    try:
        text, changed = merged_text(old, figures)
    except ConfigError as exc:
        raise RecordError([Diagnostic(Location(display(target)), d.message, d.hint) for d in exc.diagnostics])
    with tempfile.TemporaryDirectory(prefix="factsheets-import-") as scratch:
        folder = Path(scratch) / "data"
        folder.mkdir()
        if target.parent.is_dir():
            for other in target.parent.glob("*.yaml"):
                if other.name != target.name and confine.is_real_file(other, target.parent):
                    shutil.copyfile(other, folder / other.name)
        (folder / target.name).write_text(text, encoding="utf-8")
        # The new file is read as a build will read it, and its errors shown at its real name.
        dataset = data.load(folder, display(target.parent))
        problems = dataset.files[target.stem].diagnostics
        if problems:
            raise RecordError(problems)
        files = build.discover(records) if isinstance(records, list) else \
            build.discover([records]) if records.is_dir() else []
        manifest = build.Manifest.load(opts.out)
        unbuilt = [display(f) for f in files if display(f) not in manifest.entries]
        report = build.preview(files, _with_data(opts, folder))
    return Plan(target, text, changed, report, unbuilt)


def _with_data(opts, folder: Path):
    """Return build options reading shared data from `folder`."""
    import dataclasses
    return dataclasses.replace(opts, data=folder)
