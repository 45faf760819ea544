"""Unsaved text kept on the server, per sheet and per user, until it is saved or discarded: it survives
a restarted server, an expired session and a reloaded or closed browser (the browser's own copy,
drafts.js, does not survive a change of browser or a cleared cache).

Drafts live in the project's private folder (.factsheets/drafts/, beside the history), never in
sources/, never committed (the folder ignores itself) and never published; each is written whole
(write_atomic), at most a record's size, and a user keeps at most PER_USER of them (the oldest go).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from pathlib import Path

from ..base import limits
from ..base.output import write_atomic

FOLDER = Path(".factsheets") / "drafts"
PER_USER = 200  # drafts kept for one user; the oldest is dropped past it


class TooLarge(ValueError):
    """A draft over the record size limit."""


class Drafts:
    """The kept drafts of a project, one file per user and sheet."""

    def __init__(self, project: Path):
        self.folder = project / FOLDER

    def _file(self, user: str, sheet_id: str) -> Path:
        """Return a draft's file: the user by a hash of their name (no name in a path), the sheet by its id."""
        return self.folder / hashlib.sha256(user.encode("utf-8")).hexdigest()[:24] / f"{sheet_id}.json"

    def keep(self, user: str, sheet_id: str, text: str, loaded: str, saved: str) -> None:
        """Keep a sheet's unsaved text for a user; text equal to the saved one removes the draft instead."""
        if text == saved:
            self.discard(user, sheet_id)
            return
        body = json.dumps({"text": text, "loaded": loaded, "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")},
                          ensure_ascii=False).encode("utf-8")
        if len(text.encode("utf-8")) > limits.MAX_FILE_BYTES:
            raise TooLarge(f"this text is larger than a record may be ({limits.MAX_FILE_BYTES:,} bytes)")
        file = self._file(user, sheet_id)
        self._private()
        file.parent.mkdir(exist_ok=True)
        write_atomic(file, body)
        now = time.time_ns()  # the file system's clock is coarser: drafts kept in one tick stay in order
        os.utime(file, ns=(now, now))
        self._bounded(file.parent)

    def kept(self, user: str, sheet_id: str, saved: str) -> dict | None:
        """Return a user's kept draft of a sheet ({text, loaded, at}), None when there is none or it is the saved text."""
        file = self._file(user, sheet_id)
        try:
            if file.stat().st_size > 2 * limits.MAX_FILE_BYTES + 1024:  # not one of ours: never read whole
                return None
            found = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(found, dict) or not isinstance(found.get("text"), str) or found["text"] == saved:
            return None
        return {"text": found["text"], "loaded": str(found.get("loaded", "")), "at": str(found.get("at", ""))}

    def discard(self, user: str, sheet_id: str) -> None:
        """Remove a user's draft of a sheet (saved or discarded)."""
        self._file(user, sheet_id).unlink(missing_ok=True)

    def _private(self) -> None:
        """Make the drafts folder, ignored by git (a project kept in git never commits a draft)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        ignore = self.folder / ".gitignore"
        if not ignore.exists():
            write_atomic(ignore, b"*\n")

    @staticmethod
    def _bounded(folder: Path) -> None:
        """Drop a user's oldest drafts past PER_USER."""
        found = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
        for old in found[:-PER_USER]:
            old.unlink(missing_ok=True)
