"""Samples for the form's tables, charts, figures and clearance list, taken from sources/ (never listed):
which samples hold what, and a sample's chart made to draw a series of the sheet's own figures."""

import re
from pathlib import Path

import yaml
from conftest import RECORDS, ROOT

DATA = ROOT / "sources" / "data"


def record(file: Path) -> dict:
    return yaml.safe_load(file.read_text(encoding="utf-8"))


def sections_with(kind: str) -> list[tuple]:
    """Return (sample, section index) for every section of every sample holding a `kind` (table, chart)."""
    return [(r, i) for r in RECORDS for i, s in enumerate(record(r.file).get("sections") or [])
            if isinstance(s, dict) and kind in s]


def holding(key: str) -> list:
    """Return the samples with a top-level `key` (figures, cleared, seal)."""
    return [r for r in RECORDS if key in record(r.file)]


def with_own_series(text: str) -> tuple[str, str]:
    """Return a sample's text whose first chart draws a copy of its shared series as the sheet's own figure
    (a `figures:` block before `sections:`), and that figure's name."""
    match = re.search(r"(?m)^(\s*figure: )data\.([a-z0-9_]+)\.([A-Za-z0-9_]+)\s*$", text)
    shared = yaml.safe_load((DATA / f"{match.group(2)}.yaml").read_text(encoding="utf-8"))[match.group(3)]
    name = "own_" + match.group(3)
    block = f"figures:\n  {name}:  # copied from the shared figure\n" + "".join(
        f"    {key}: {value if key != 'values' else '{' + ', '.join(f'{y}: {v}' for y, v in value.items()) + '}'}\n"
        for key, value in shared.items())
    text = text[:match.start()] + match.group(1) + name + text[match.end():]
    return re.sub(r"(?m)^sections:", block + "\nsections:", text, count=1), name
