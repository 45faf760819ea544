"""The sheets the workspace shows: records found as `factsheets build` finds them, by sheet id."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from ..base import confine
from ..base.limits import MAX_FILE_BYTES
from ..base.paths import display
from ..builder import status
from ..builder.recipe import discover
from ..records.schema import ID_RE, RESERVED_IDS

STATUS_LINE = re.compile(r"^status:[ \t]*draft[ \t]*(#.*)?$", re.MULTILINE)
FINAL_LINE = re.compile(r"^status:[ \t]*final[ \t]*(#.*)?$", re.MULTILINE)
ANY_STATUS = re.compile(r"^status:", re.MULTILINE)


@dataclass
class Sheet:
    """One record as the gallery shows it."""

    id: str
    file: Path
    path: str
    title: str
    layout: str
    draft: bool
    state: str  # from output/status.json: built, up to date, stale, failed; 'never built'
    last_good: str | None
    error: str | None

    @property
    def stale(self) -> bool:
        """Return True when the last build printed a stale figure."""
        return self.state == "stale"


def text_hash(data: bytes) -> str:
    """Return the hash the editor keeps of the text it loaded, to find a save over someone else's."""
    return hashlib.sha256(data).hexdigest()


def valid_id(text: str) -> bool:
    """Return True when `text` can be a sheet id (URLs carry ids, never paths)."""
    return bool(ID_RE.match(text)) and text not in RESERVED_IDS


def find(sources: list[Path], out: Path) -> list[Sheet]:
    """Return every sheet of the records, in file order, with its last build's state."""
    built = status.load(out)
    found = []
    files = discover(sources)
    linked = {folder: _linked(folder) for folder in {file.parent for file in files}}
    for file in files:
        path = display(file)
        state = built.get(path, {})
        try:
            info = _real(file, linked[file.parent])  # a link is shown as refused, never read
        except OSError as exc:
            found.append(Sheet(file.stem, file, path, file.stem, "?", False, "failed", None,
                               f"{path}: {getattr(exc, 'reason', None) or exc}"))
            continue
        head = _head(str(file), info.st_mtime_ns, info.st_size)
        sheet_id = state.get("id") or head.get("id") or file.stem
        found.append(Sheet(sheet_id, file, path, head.get("title") or file.stem, head.get("layout") or "?",
                           head.get("status") == "draft", state.get("state", "never built"),
                           state.get("last_good"), state.get("error")))
    return found


def _real(file: Path, folder_linked: bool) -> os.stat_result:
    """Return a record's stat when it and its folder are real (no link); else confine's error for it."""
    # One lstat for the common case (1,000 cards: three stats each took a third of a search);
    # anything else goes through confine.real_file, which checks its folder too and says why.
    try:
        info = os.lstat(file)
    except OSError:
        info = None
    if info is None or not stat.S_ISREG(info.st_mode) or folder_linked:
        confine.real_file(file, file.parent)
        return file.stat()
    return info


def _linked(folder: Path) -> bool:
    """Return True when the folder itself is a symbolic link (or cannot be looked at)."""
    try:
        return stat.S_ISLNK(os.lstat(folder).st_mode)
    except OSError:
        return True


def by_id(sources: list[Path], out: Path, sheet_id: str) -> Sheet | None:
    """Return the sheet with this id, or None."""
    if not valid_id(sheet_id):
        return None
    return next((s for s in find(sources, out) if s.id == sheet_id), None)


# libyaml's loader where PyYAML has it: a gallery of 1,000 sheets read their heads in 5 s with the
# pure-Python one. Only for the cards: builds read records with the strict loader (records/yamlload).
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=4096)
def _head(path: str, mtime_ns: int, size: int) -> dict:
    """Return a record's id, title, layout and status, read leniently (a broken record still shows)."""
    try:
        raw = confine.read_bytes(Path(path), Path(path).parent, MAX_FILE_BYTES)
        if len(raw) > MAX_FILE_BYTES:
            return {}
        loaded = yaml.load(raw.decode("utf-8"), Loader=_FAST_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError):  # one bad file costs its own card
        return {}
    if not isinstance(loaded, dict):
        return {}
    return {key: str(loaded[key]) for key in ("id", "title", "layout", "status")
            if isinstance(loaded.get(key), (str, int, float, dt.date))}


def published(text: str) -> str | None:
    """Return the text with its `status: draft` line made final, or None when it has none."""
    if not STATUS_LINE.search(text):
        return None
    return STATUS_LINE.sub(lambda m: "status: final" + (f"  {m.group(1)}" if m.group(1) else ""), text, count=1)


def unpublished(text: str) -> str | None:
    """Return the text made a draft again (its `status: final` line, or a new line after `layout:`),
    or None when it is a draft already or its status is written some other way."""
    if FINAL_LINE.search(text):
        return FINAL_LINE.sub(lambda m: "status: draft" + (f"  {m.group(1)}" if m.group(1) else ""), text, count=1)
    if ANY_STATUS.search(text):
        return None
    added, count = re.subn(r"(?m)^(layout:[^\n]*\n)", r"\1status: draft\n", text, count=1)
    return added if count else "status: draft\n" + text
