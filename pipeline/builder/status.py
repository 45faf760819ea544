"""output/status.json: the state of every sheet after the last run that changed anything.

A failed record keeps its previous, good sheets, which look current; the status says otherwise.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from ..base.confine import read_regular

NAME = "status.json"
FORMAT = 1
STATES = {"built": "built", "current": "up to date"}  # failed and stale are decided per sheet


def load(folder: Path) -> dict[str, dict]:
    """Return the sheets of the last status file, by record path; empty when missing or damaged."""
    return dict(load_body(folder).get("sheets", {}))


def load_body(folder: Path) -> dict:
    """Return the whole status file: sheets, and the feeds and last update `factsheets update` keeps."""
    try:
        body = json.loads(read_regular(folder / NAME))
        return body if body.get("status") == FORMAT and isinstance(body.get("sheets"), dict) else {}
    except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):  # a pipe, a nesting bomb
        return {}


def with_sections(folder: Path, **sections) -> dict[Path, bytes]:
    """Return status.json with these top-level sections replaced (the update's feeds), the rest kept."""
    body = {"status": FORMAT, "sheets": {}, **load_body(folder), **sections}
    return {folder / NAME: _encoded(body)}


def _encoded(body: dict) -> bytes:
    """Return the status file's bytes."""
    return json.dumps(body, indent=1, sort_keys=True, ensure_ascii=False).encode() + b"\n"


def sheets(previous: dict[str, dict], outcomes, run_at: dt.datetime) -> dict[str, dict]:
    """Return the status of every sheet: this run's outcomes over the previous status."""
    found = dict(previous)
    for outcome in outcomes:
        if outcome.status not in ("built", "current", "failed") or outcome.record_id is None and outcome.ok:
            continue
        before = previous.get(outcome.path, {})
        last_good = run_at.date().isoformat() if outcome.status == "built" else before.get("last_good")
        entry = {"id": outcome.record_id or before.get("id"), "state": _state(outcome), "last_good": last_good}
        if not outcome.ok:
            entry["error"] = str(outcome.diagnostics[0]).split("\n")[0]
        found[outcome.path] = entry
    return dict(sorted(found.items()))


def _state(outcome) -> str:
    """Return one sheet's state word."""
    if not outcome.ok:
        return "failed"
    return "stale" if outcome.stale else STATES[outcome.status]


def files(folder: Path, before: dict[str, dict], now: dict[str, dict], outcomes) -> dict[Path, bytes]:
    """Return the new status.json after a run that built or failed anything, or changed a state.

    A run that finds nothing to do writes nothing: 'built' turning 'up to date' is no news.
    """
    busy = any(o.status == "built" or not o.ok for o in outcomes)
    if not busy and _settled(before) == _settled(now):
        return {}
    # The update's sections (feeds, the last update) are kept: a build does not forget a failed feed.
    return {folder / NAME: _encoded({**load_body(folder), "status": FORMAT, "sheets": now})}


def _settled(sheets_now: dict[str, dict]) -> dict[str, dict]:
    """Return the sheets with 'built' read as 'up to date' (what it is after the run)."""
    return {path: {**sheet, "state": "up to date" if sheet["state"] == "built" else sheet["state"]}
            for path, sheet in sheets_now.items()}
