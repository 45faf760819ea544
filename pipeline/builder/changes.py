"""The change report: which sheets a run rebuilt, why, and which printed figures changed."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..base.confine import NotARealFile, read_regular

JSON_NAME = "changes.json"
MARKDOWN_NAME = "CHANGES.md"
MARKDOWN_HEAD = "# Fact-sheet changes\n\nEach build that rebuilt a sheet adds a section; newest last.\n"


@dataclass(frozen=True)
class FigureChange:
    """One figure printed differently: `opium_ha 2018: 5,700 → 6,100`."""

    figure: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.figure}: {self.old} → {self.new}"


def figure_changes(old: dict[str, list[str]], new: dict[str, list[str]]) -> list[FigureChange]:
    """Return the figures whose printed form differs, in the new sheet's order, then removed ones."""
    shown = lambda forms: " / ".join(forms) if forms else "(not printed)"
    changes = []
    for key in [*new, *(k for k in old if k not in new)]:
        if old.get(key) != new.get(key):
            changes.append(FigureChange(key, shown(old.get(key)), shown(new.get(key))))
    return changes


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
        lines.extend(f"  - {c}" for c in o.changes)
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
