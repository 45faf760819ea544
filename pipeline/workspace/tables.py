"""Form edits of a table's rows and columns, as text edits of the record; and the one entry point of the
form's table, series (series.py) and seal (seals.py) edits.

A cell, a column's heading, a caption or a chart's title is one value: edits.set_field writes it.
What changes the shape (a table added or removed, a row or column added, removed or moved) is done
here, entry by entry (itemedits.py), and the result is
checked whole: it must load and mean the old record with exactly that change (checks.compare), or
it is refused in words that name the place as the form shows it, and the text stays as it was.
"""

from __future__ import annotations

from ..records.yamlload import Mapping, Sequence
from . import edits, itemedits, scalars, seals, series
from .nodes import Source, child, find, path, root_of, steps
from .tablewords import place

PLACEHOLDER = "<<the column’s heading>>"  # check refuses it until it is typed over, as `factsheets new`
KEEP_FOCUS = series.KEEP_FOCUS
CHART_FIGURE, CHART_TITLE = "<<the figure it draws>>", "<<the chart’s title>>"
# Form buttons: the key a button posts, and what it does with the path it names.
OPS = ("table_add", "table_remove", "chart_add", "chart_remove", "row_add", "row_remove", "row_up", "row_down", "col_add", "col_remove",
       "col_left", "col_right", "point_add", "point_remove")


def edit(text: str, form: dict[str, str]) -> tuple[str, str] | None:
    """Return the text after the table or series edit a form asked for and the id of the input to focus
    after ('' for a value typed: the form is not drawn again); None when it asked for none of them."""
    for op in OPS:
        if op in form:
            return _OPS[op](text, form[op])
    if "seal_file" in form:
        return seals.set_seal(text, form["seal_file"], form.get("seal_alt", ""))
    typed = [(k.split(":", 1)[1], v) for k, v in form.items() if k.startswith("chartfig:")]
    for chart, value in typed[:1]:  # another series: its points (or the Figures page link) are drawn again
        return edits.set_field(text, f"{chart}.figure", value), KEEP_FOCUS
    typed = [(k.split(":", 1)[1], v) for k, v in form.items() if k.startswith("point:")]
    for name, value in typed[:1]:
        return series.set_point(text, name, value.replace("\r\n", "\n")), ""
    typed = [(k.split(":", 1)[1], v) for k, v in form.items() if k.startswith("figpart:")]
    for name, value in typed[:1]:
        return series.set_figure_part(text, name, value.replace("\r\n", "\n"))
    return None


# --- tables --------------------------------------------------------------------------------------

def _table(text: str, table: str) -> tuple[list, Mapping, list, list]:
    """Return a table's steps, the record's root, its columns and its rows; ValueError when it is not
    written as columns and rows the form can change."""
    found, root = steps(table), root_of(text)
    node = find(root, found)
    columns, rows = child(node, "columns"), child(node, "rows")
    if not isinstance(columns, Sequence) or not isinstance(rows, Sequence) \
            or not all(isinstance(r, Sequence) for r in rows.items):
        raise ValueError(f"{place(table, text)} is not written as columns and rows of cells; change it in the "
                         f"Advanced view")
    return found, root, columns.items, rows.items


def add_table(text: str, section: str) -> tuple[str, str]:
    """Return the text with a table of two columns (headings to type) and one empty row last in a section,
    and the id of its first heading's input."""
    found, root = steps(section), root_of(text)
    node = find(root, found)
    said = place_of_section(found)
    if not isinstance(node, Mapping) or child(node, "table") is not None:
        raise ValueError(f"{said} has a table already, or is written in a way the form cannot add one to; "
                         f"add it in the Advanced view")
    src = Source(itemedits.ended(text))
    column = src.column(node.items[0][0].start) + 2
    heading = scalars.quoted(PLACEHOLDER)
    lines = f"\n{' ' * column}columns: [{heading}, {heading}]\n{' ' * column}rows:\n{' ' * (column + 2)}- [\"\", \"\"]\n"
    new = edits._insert_key(src, node, "table", lines, tuple(k.value for k, _ in node.items) + ("table",))
    itemedits.check_whole(new, root, [*found, "table"], lambda _: [("columns", [PLACEHOLDER] * 2), ("rows", [["", ""]])], said)
    return new, f"f-{section}.table.columns[0]"


def add_chart(text: str, section: str) -> tuple[str, str]:
    """Return the text with a bar chart last in a section, its figure and title placeholders to choose and
    type, and the id of its figure's choice."""
    found, root = steps(section), root_of(text)
    node = find(root, found)
    said = place_of_section(found)
    if not isinstance(node, Mapping) or child(node, "chart") is not None:
        raise ValueError(f"{said} has a chart already, or is written in a way the form cannot add one to; "
                         f"add it in the Advanced view")
    src = Source(itemedits.ended(text))
    column = src.column(node.items[0][0].start) + 2
    parts = (("figure", CHART_FIGURE), ("kind", "bar"), ("title", CHART_TITLE))
    lines = "".join(f"\n{' ' * column}{key}: {scalars.quoted(value) if '<<' in value else value}" for key, value in parts)
    new = edits._insert_key(src, node, "chart", lines + "\n", tuple(k.value for k, _ in node.items) + ("chart",))
    itemedits.check_whole(new, root, [*found, "chart"], lambda _: list(parts), said)
    return new, f"f-{section}.chart.figure"


def remove_table(text: str, table: str, kind: str = "table") -> tuple[str, str]:
    """Return the text without a section's table (or chart: `kind`), not when it is all the section holds."""
    found, root = steps(table), root_of(text)
    node = find(root, found[:-1])
    if found[-1] != kind or not isinstance(node, Mapping) or child(node, kind) is None:
        raise ValueError(f"there is no {kind} in {place_of_section(found)}: the sheet changed; look at the form again")
    if len(node.items) == 1:
        raise ValueError(f"{place(table, text)} is all that {place_of_section(found)} holds: remove the section instead")
    new = edits._remove_key(Source(itemedits.ended(text)), node, kind, table)
    itemedits.check_whole(new, root, found, lambda _: None, place(table, text))
    return new, f"{kind}_add-{path(found[:-1])}"


def place_of_section(found: list) -> str:
    """Return 'Section 3' for a path into the third section."""
    return f"Section {found[1] + 1}"


def _item(text: str, item: str, removed: str | None = None) -> tuple:
    """Return a row's or column's table, index, path, root, columns and rows; ValueError when it is gone,
    or when `removed` ("row" or "column") and it is the table's only one."""
    table, index = itemedits.split(item)
    found, root, columns, rows = _table(text, table)
    items = columns if item.rsplit("[", 1)[0].endswith(".columns") else rows
    itemedits.exists(index, items, item, text)
    if removed and len(items) == 1:
        raise ValueError(f"{place(item, text)} is the table’s only {removed}: a table needs one; remove the "
                         f"whole table in the Advanced view")
    return table, index, found, root, columns, rows


def _neighbour(index: int, step: int, count: int, item: str, text: str, kind: str) -> int:
    """Return the index `step` away from `index`; ValueError at the first or last (`kind`: row or column)."""
    other = index + step
    if not 0 <= other < count:
        raise ValueError(f"{place(item, text)} is already the {'first' if step < 0 else 'last'} {kind}")
    return other


def add_row(text: str, table: str) -> tuple[str, str]:
    """Return the text with an empty row after the table's last, and the id of its first cell."""
    found, root, columns, rows = _table(text, table)
    new = itemedits.append(text, [*found, "rows"], "[" + ", ".join('""' for _ in columns) + "]")
    itemedits.check_whole(new, root, [*found, "rows"], lambda old: [*old, [""] * len(columns)], place(table, text))
    return new, f"f-{table}.rows[{len(rows)}][0]"


def remove_row(text: str, row: str) -> tuple[str, str]:
    """Return the text without one row of a table (not its only one)."""
    table, index, found, root, _, rows = _item(text, row, "row")
    new = itemedits.cut(text, [*found, "rows"], index)
    itemedits.check_whole(new, root, [*found, "rows"], lambda old: old[:index] + old[index + 1:], place(row, text))
    return new, f"row_add-{table}"


def move_row(text: str, row: str, step: int) -> tuple[str, str]:
    """Return the text with a row swapped with the one above (-1) or below (+1), and its button's id."""
    table, index, found, root, _, rows = _item(text, row)
    other = _neighbour(index, step, len(rows), row, text, "row")
    new = itemedits.swap(text, [*found, "rows"], min(index, other))
    itemedits.check_whole(new, root, [*found, "rows"], lambda old: _swapped(old, min(index, other)), place(row, text))
    return new, f"row_{_enabled(('up', 'down'), step, other, len(rows))}-{table}.rows[{other}]"


def add_column(text: str, table: str) -> tuple[str, str]:
    """Return the text with a column after the last (its heading a placeholder, its cells empty), and
    the id of its heading's input."""
    found, root, columns, rows = _table(text, table)
    new = itemedits.edit_many(text, [("append", [*found, "columns"], scalars.quoted(PLACEHOLDER))]
                              + [("append", [*found, "rows", i], '""') for i in range(len(rows))])
    itemedits.check_whole(new, root, found, lambda old: _each_list(old, lambda cells, head: [*cells, PLACEHOLDER if head else ""]),
           place(table, text))
    return new, f"f-{table}.columns[{len(columns)}]"


def remove_column(text: str, column: str) -> tuple[str, str]:
    """Return the text without one column: its heading and its cell in every row (not the only column)."""
    table, index, found, root, columns, rows = _item(text, column, "column")
    new = itemedits.edit_many(text, [("cut", [*found, "columns"], index)]
                              + [("cut", [*found, "rows", i], index) for i, row in enumerate(rows) if index < len(row.items)])
    itemedits.check_whole(new, root, found, lambda old: _each_list(old, lambda cells, _: cells[:index] + cells[index + 1:]),
           place(column, text))
    return new, f"col_add-{table}"


def move_column(text: str, column: str, step: int) -> tuple[str, str]:
    """Return the text with a column swapped with the one on its left (-1) or right (+1): its heading
    and its cell in every row; and the id of its button."""
    table, index, found, root, columns, rows = _item(text, column)
    other = _neighbour(index, step, len(columns), column, text, "column")
    low = min(index, other)
    new = itemedits.edit_many(text, [("swap", [*found, "columns"], low)]
                              + [("swap", [*found, "rows", i], low) for i, row in enumerate(rows) if low + 1 < len(row.items)])
    itemedits.check_whole(new, root, found, lambda old: _each_list(old, lambda cells, _: _swapped(cells, low)), place(column, text))
    return new, f"col_{_enabled(('left', 'right'), step, other, len(columns))}-{table}.columns[{other}]"


def _each_list(table: list, change) -> list:
    """Return a plain table with `change(cells, is_heading)` applied to its columns and to every row."""
    out = []
    for key, value in table:
        if key == "columns":
            value = change(value, True)
        elif key == "rows":
            value = [change(row, False) if isinstance(row, list) else row for row in value]
        out.append((key, value))
    return out


# --- shared --------------------------------------------------------------------------------------

def _enabled(ways: tuple[str, str], step: int, at: int, count: int) -> str:
    """Return which of an entry's two move buttons keeps the focus after a move: the one pressed, unless
    the entry is now at that end (its button disabled), then the other."""
    if step < 0:
        return ways[0] if at > 0 else ways[1]
    return ways[1] if at < count - 1 else ways[0]


def _swapped(items: list, low: int) -> list:
    return items[:low] + [items[low + 1], items[low]] + items[low + 2:]


_OPS = {
    "table_add": add_table, "table_remove": remove_table,
    "chart_add": add_chart, "chart_remove": lambda text, chart: remove_table(text, chart, "chart"),
    "row_add": add_row, "row_remove": remove_row,
    "row_up": lambda text, row: move_row(text, row, -1), "row_down": lambda text, row: move_row(text, row, 1),
    "col_add": add_column, "col_remove": remove_column,
    "col_left": lambda text, col: move_column(text, col, -1), "col_right": lambda text, col: move_column(text, col, 1),
    "point_add": series.add_point, "point_remove": series.remove_point,
}
