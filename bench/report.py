"""The bench's summary table: one row per target (and its breakdown), MET / NOT MET, and the doc."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

BEGIN = "<!-- begin: written by bench/targets.py --write-doc; edit the prose outside these marks -->"
END = "<!-- end: written by bench/targets.py --write-doc -->"


@dataclass
class Row:
    """One line of the table: a measure, its target, the values measured, the anchors and ratio."""

    measure: str
    target: str = ""
    unit: str = "ms"
    values: tuple[float, ...] = ()
    limit: float | None = None  # the target in `unit`: the median must be at most this
    anchor: str = ""  # the anchors measured in the same run, as text
    ratio: float | None = None  # median / anchor
    ratio_limit: float | None = None  # the target as a ratio: the ratio must be at most this
    info: bool = False  # a breakdown or context line: no verdict
    missing: str = ""  # why it was not measured
    wrong: str = ""  # a correctness failure that makes the row NOT MET whatever the time
    scaled: str = ""  # how the run is smaller than the target's size (fewer records), said by the verdict

    @property
    def median(self) -> float | None:
        """Return the median of the values, or None."""
        return statistics.median(self.values) if self.values else None

    def verdict(self) -> str:
        """Return MET, NOT MET, 'not judged', 'not measured', or '' for a line without a target.

        A scaled row (fewer records than the target's) over its limit is NOT MET: a time or a memory
        only grows with the records. Under it, it says nothing of the target's size: 'not judged'. Its
        ratio to an anchor measured on the same records is judged as any other."""
        if self.missing:
            return "not measured"
        if self.info or not self.values:
            return ""
        over = self.limit is not None and self.median > self.limit
        ratio_over = self.ratio_limit is not None and self.ratio is not None and self.ratio > self.ratio_limit
        if over or ratio_over or self.wrong:
            return "NOT MET"
        if self.scaled and self.limit is not None:
            return "not judged"
        return "MET"


def number(value: float | None, unit: str) -> str:
    """Return a value with a sensible number of digits for its unit."""
    if value is None:
        return "–"
    if unit == "s":
        return f"{value:.2f} s"
    if unit in ("MB", "kB"):
        return f"{value:.0f} {unit}"
    return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"


def cells(row: Row) -> list[str]:
    """Return the table cells of one row."""
    values = row.values
    why = "; ".join(filter(None, (row.missing or row.wrong, row.scaled)))
    verdict = row.verdict() + (f" ({why})" if why else "")
    return [row.measure, row.target, number(row.median, row.unit),
            number(min(values), row.unit) if values else "–", number(max(values), row.unit) if values else "–",
            str(len(values)) if values else "–", row.anchor or "–",
            f"{row.ratio:.2f}×" if row.ratio is not None else "–", verdict or "–"]


HEADER = ["measure", "target", "median", "min", "max", "runs", "anchors (same run)", "ratio", "verdict"]


def table(rows: list[Row]) -> str:
    """Return the rows as a Markdown table (readable as plain text too)."""
    lines = [HEADER, *(cells(row) for row in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADER))]
    text = ["| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |" for line in lines]
    text.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(text)


def write_doc(path: Path, block: str) -> None:
    """Replace the part of docs/performance.md between the marks with `block`."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if BEGIN not in text or END not in text:
        raise ValueError(f"{path} has no place for the table: it needs the lines\n{BEGIN}\n{END}")
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    path.write_text(f"{head}{BEGIN}\n{block.strip()}\n{END}{tail}", encoding="utf-8")
