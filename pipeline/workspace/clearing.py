"""Publish only what is cleared: the workspace's side of factsheets.toml's [clearance] rules."""

from __future__ import annotations

from pathlib import Path

from ..history import clearance
from ..history.record import catch_up
from ..history.store import HistoryError, Store


def publish_refusal(file: Path, text: str) -> str | None:
    """Return why a sheet's `text` may not be published yet, naming whose clearances are missing; None when it may."""
    try:
        rules = clearance.rules(Path.cwd())
        if rules.off or not rules.layouts:
            return None
        store = Store.open(file, Path.cwd())
        catch_up(store, [file])
        found = clearance.state(store, file, rules)
    except HistoryError as exc:
        return f"Not published: the clearances could not be read ({exc})."
    if found.rule is not None and text != file.read_text(encoding="utf-8"):
        return ("Not published: the text has changes that were not saved and cleared. "
                "Save it and have this version cleared first.")
    if found.publishable:
        return None
    return (f"Not published: this version still needs clearance from {', '.join(found.missing)}. "
            "A change after a clearance withdraws it; ask them to clear this version.")
