"""Seconds for each table edit of the workspace's form on the largest table a record may hold
(pipeline/base/limits.py: MAX_TABLE_ROWS rows of MAX_TABLE_COLUMNS columns), median of 5.

Usage: .venv/bin/python bench/form_tables.py
Each edit is a text edit of the record checked whole (the new text loads and means the old record
with exactly that change), so its time grows with the record; a column's edit touches every row in
one reading of the text (itemedits.edit_many).
"""

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.base.limits import MAX_TABLE_COLUMNS, MAX_TABLE_ROWS
from pipeline.workspace import tables
from pipeline.workspace.edits import set_field

TABLE = "sections[0].table"


def record() -> str:
    """Return a record holding one table at the limits, written as the samples write theirs."""
    heads = ", ".join(f"Column {j + 1}" for j in range(MAX_TABLE_COLUMNS))
    rows = "".join("        - [" + ", ".join(f'"{i},{j:03d}"' for j in range(MAX_TABLE_COLUMNS)) + "]\n"
                   for i in range(MAX_TABLE_ROWS))
    return f"layout: x\ntitle: T\nsections:\n  - table:\n      columns: [{heads}]\n      rows:\n{rows}"


def main() -> None:
    text = record()
    middle = MAX_TABLE_ROWS // 2
    cases = {
        "a cell typed": lambda: set_field(text, f"{TABLE}.rows[{middle}][1]", "12,345"),
        "a row added": lambda: tables.add_row(text, TABLE),
        "a row removed": lambda: tables.remove_row(text, f"{TABLE}.rows[{middle}]"),
        "a row moved": lambda: tables.move_row(text, f"{TABLE}.rows[{middle}]", 1),
        "a column added": lambda: tables.add_column(text, TABLE),
        "a column removed": lambda: tables.remove_column(text, f"{TABLE}.columns[2]"),
        "a column moved": lambda: tables.move_column(text, f"{TABLE}.columns[2]", 1),
    }
    print(f"{MAX_TABLE_ROWS:,} rows × {MAX_TABLE_COLUMNS} columns, {len(text):,} characters")
    for name, edit in cases.items():
        times = []
        for _ in range(5):
            start = time.perf_counter()
            edit()
            times.append(time.perf_counter() - start)
        print(f"{name:>18}: {statistics.median(times):.2f} s")


if __name__ == "__main__":
    main()
