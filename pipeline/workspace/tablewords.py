"""How the form names the places of tables, charts and series: 'Table 1, row 3, column 2',
'Chart 1, title', 'Figure “opium ha”, point 2' (numbering from 1, tables and charts counted over
the whole sheet, as the form shows them)."""

from __future__ import annotations

import re

import yaml

POINT = re.compile(r"figures\.([A-Za-z_][A-Za-z0-9_]*)\.values\.([0-9]+)")  # the validator's path of a point
STEP = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]+)\]")
PARTS = {"caption": "caption", "title": "title", "kind": "kind of chart", "alt": "description (alt text)",
         "figure": "figure"}


def place(name: str, text: str) -> str:
    """Return the place of a table's, chart's or series point's value in the form's words, else ''."""
    point = POINT.fullmatch(name)
    if point:
        return f"Figure “{point.group(1).replace('_', ' ')}”, the point for {point.group(2)}"
    found = [(key, int(index) if index else None) for key, index in STEP.findall(name)]
    if len(found) < 3 or found[0][0] != "sections" or found[2][0] not in ("table", "chart"):
        return ""
    kind, section = found[2][0], found[1][1] or 0
    said = f"{kind.capitalize()} {number(text, section, kind)}"
    rest = found[3:]
    if rest[:1] == [("rows", None)] and len(rest) >= 2:
        said += f", row {rest[1][1] + 1}" + (f", column {rest[2][1] + 1}" if len(rest) > 2 else "")
    elif rest[:1] == [("columns", None)] and len(rest) >= 2:
        said += f", heading of column {rest[1][1] + 1}"
    elif rest:
        said += f", {PARTS.get(rest[0][0], rest[0][0].replace('_', ' '))}"
    return said


def number(text: str, section: int, kind: str) -> int:
    """Return which table (or chart) of the sheet the one in section `section` (from 0) is, from 1."""
    try:
        record = yaml.safe_load(text)
    except yaml.YAMLError:
        record = None
    sections = record.get("sections") if isinstance(record, dict) else None
    if not isinstance(sections, list):
        return section + 1
    return sum(1 for s in sections[:section + 1] if isinstance(s, dict) and kind in s) or 1
