"""The change report: which sheets a run rebuilt, why, and which printed figures changed."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..base.confine import NotARealFile, read_regular
from ..base.errors import shown

JSON_NAME = "changes.json"
MARKDOWN_NAME = "CHANGES.md"
MARKDOWN_HEAD = "# Fact-sheet changes\n\nEach build that rebuilt a sheet adds a section; newest last.\n"


@dataclass(frozen=True)
class FigureChange:
    """One figure printed differently: `opium_ha 2018: 5,700 → 6,100`, or one of its printed
    attributes: `source of data.unodc.opium_ha: 'UNODC 2018' → 'UNODC 2024'`."""

    figure: str
    old: str
    new: str
    typed: bool = False  # old and new are text a person typed (a source, a label): escaped in Markdown

    def __str__(self) -> str:
        return f"{self.figure}: {self.old} → {self.new}"

    def markdown(self) -> str:
        """Return the change as a CHANGES.md line shows it."""
        return f"{self.figure}: {_md(self.old)} → {_md(self.new)}" if self.typed else str(self)


ATTRIBUTE_RE = re.compile(r"^(data\.[a-z][a-z0-9_]*\.[A-Za-z][A-Za-z0-9_]*)\.(label|unit|source|as_of)\Z")
ATTRIBUTE_SHOWN = 200  # characters of a changed source or label the report quotes


def figure_changes(old: dict[str, list[str]], new: dict[str, list[str]],
                   old_data: dict[str, str] | None = None, new_data: dict[str, str] | None = None
                   ) -> list[FigureChange]:
    """Return the figures whose printed form differs, in the new sheet's order, then removed ones;
    then the printed attributes (label, unit, source, as-of) of shared figures that differ."""
    forms = lambda printed: " / ".join(printed) if printed else "(not printed)"
    changes = []
    for key in [*new, *(k for k in old if k not in new)]:
        if old.get(key) != new.get(key):
            changes.append(FigureChange(key, forms(old.get(key)), forms(new.get(key))))
    return changes + attribute_changes(old_data or {}, new_data or {})


def attribute_changes(old: dict[str, str], new: dict[str, str]) -> list[FigureChange]:
    """Return the shared figures' printed attributes whose value differs between two builds' reads."""
    changes = []
    for key, value in new.items():
        match = ATTRIBUTE_RE.match(key)
        if match and key in old and old[key] != value:
            figure, attribute = match.groups()
            changes.append(FigureChange(f"{attribute} of {figure}", _quoted(old[key]), _quoted(value), True))
    return changes


def _quoted(value: str) -> str:
    """Return an attribute's canonical value as the report quotes it."""
    if value == "null":
        return "(none)"
    return shown(value, ATTRIBUTE_SHOWN)


def to_json(run_at: dt.datetime, rebuilt: list, failed: list[tuple[str, str]]) -> bytes:
    """Return the machine-readable report of one run; `failed` holds (record path, first error line)."""
    body = {
        "run": run_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "rebuilt": [{"record": o.path, "id": o.record_id, "reasons": o.reasons,
                     "figures": [{"figure": c.figure, "old": c.old, "new": c.new} for c in o.changes],
                     "outputs": [p.name for p in o.written], "kept": o.kept} for o in rebuilt],
        "failed": [{"record": path, "error": error} for path, error in failed],
    }
    return json.dumps(body, indent=1, ensure_ascii=False).encode() + b"\n"


def to_markdown(run_at: dt.datetime, rebuilt: list, failed: list[tuple[str, str]]) -> str:
    """Return the CHANGES.md section of one run."""
    lines = [f"\n## {run_at.strftime('%Y-%m-%d %H:%M')} UTC\n"]
    for o in rebuilt:
        # Only the path is the file maker's choice; ids, reasons and figure names are checked words.
        lines.append(f"- **{o.record_id}** ({_md(o.path)}): {'; '.join(o.reasons)}")
        lines.extend(f"  - {c.markdown()}" for c in o.changes)
        lines.extend(f"  - changed by hand before this build; kept as {_md(kept)}" for kept in o.kept)
    for path, error in failed:
        # The error quotes the record, so it is escaped like a path.
        lines.append(f"- failed, previous sheets kept: {_md(path)}: {_md(error)}")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Return text that Markdown shows as written: every mark it could read inside a line is escaped."""
    # File names are chosen by whoever made the file: '**', '[x](https://…)' or '<img>' in one
    # must not turn into emphasis, a link or HTML in CHANGES.md.
    return _MARKDOWN.sub(r"\\\g<0>", text)


_MARKDOWN = re.compile(r"[\\`*_\[\]<>&~|]")  # what acts inside a line ('#', '-' only start one)


def files(folder: Path, run_at: dt.datetime, rebuilt: list, failed: list[tuple[str, str]]) -> dict[Path, bytes]:
    """Return the new changes.json and CHANGES.md (this run appended), to be published together."""
    try:
        previous = read_regular(folder / MARKDOWN_NAME).decode("utf-8", "replace")
    except (FileNotFoundError, NotARealFile):  # a named pipe there holds no history; never wait on it
        previous = MARKDOWN_HEAD
    return {folder / JSON_NAME: to_json(run_at, rebuilt, failed),
            folder / MARKDOWN_NAME: (previous + to_markdown(run_at, rebuilt, failed)).encode()}
