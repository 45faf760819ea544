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
from ..builder.recipe import RECORD_SUFFIXES, discover
from ..records.schema import ID_RE, RESERVED_IDS

STATUS_LINE = re.compile(r"^status:[ \t]*draft[ \t]*(#.*)?$", re.MULTILINE)
FINAL_LINE = re.compile(r"^status:[ \t]*final[ \t]*(#.*)?$", re.MULTILINE)
ANY_STATUS = re.compile(r"^status:", re.MULTILINE)


@dataclass(frozen=True)  # shared by the answers until its record or status changes (find)
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
    version: tuple[int, int] | None = None  # the record file's (mtime_ns, size) when the sheet was found

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


# The sheets of the last listing, by what they were made from: the folders' names, each record's lstat
# (mtime, size, inode), status.json's and the working folder. A gallery of 1,000 sheets made them again
# for every search (a third of its answer); the records' heads were already kept per version (_head).
_last: list = [(None, [])]  # one (key, sheets) pair, replaced whole: a thread never sees half of one


def find(sources: list[Path], out: Path) -> list[Sheet]:
    """Return every sheet of the records, in file order, with its last build's state."""
    listed = _listed(sources)
    key = _key(listed, out)
    seen, sheets = _last[0]
    if key is not None and key == seen:
        return list(sheets)  # the same sheets (frozen): nothing they were made from has changed
    built = status.load(out)
    found = [_sheet(folder / name, info, built) for folder, name, info in listed]
    _last[0] = (key, found)
    return list(found)


def _sheet(file: Path, info: os.stat_result | None, built: dict) -> Sheet:
    """Return the sheet of one record file, as its head and the last build's status say."""
    path = display(file)
    state = built.get(path, {})
    try:
        info = _real(file, info)  # a link is shown as refused, never read
    except OSError as exc:
        return Sheet(file.stem, file, path, file.stem, "?", False, "failed", None,
                     f"{path}: {getattr(exc, 'reason', None) or exc}")
    head = _head(str(file), info.st_mtime_ns, info.st_size)
    sheet_id = state.get("id") or head.get("id") or file.stem
    return Sheet(sheet_id, file, path, head.get("title") or file.stem, head.get("layout") or "?",
                 head.get("status") == "draft", state.get("state", "never built"),
                 state.get("last_good"), state.get("error"), (info.st_mtime_ns, info.st_size))


def _key(listed: list[tuple[Path, str, os.stat_result | None]], out: Path) -> tuple | None:
    """Return what the sheets of a listing are made from; None when a record is not a plain file
    (its card says why, looked at afresh every time)."""
    if any(info is None for _, _, info in listed):
        return None
    try:
        written = os.stat(out / status.NAME)
        made = (written.st_mtime_ns, written.st_size, written.st_ino)
    except OSError:
        made = None
    records = tuple((str(folder), name, info.st_mtime_ns, info.st_size, info.st_ino) for folder, name, info in listed)
    return os.getcwd(), str(out), made, records


def _listed(sources: list[Path]) -> list[tuple[Path, str, os.stat_result | None]]:
    """Return the record files as a build finds them (recipe.discover), as (folder, name, lstat), the
    lstat None when it is not a regular file in a real folder (to be looked at closely)."""
    # One pass of os.scandir a folder, its lstat kept, and no path made: 1,000 records listed, then
    # looked at again file by file, took a third of a search's answer. Anything else: discover.
    if not sources or not all(_plain_folder(folder) for folder in sources):
        return [(file.parent, file.name, None) for file in discover(sources)]
    listed: dict[tuple[tuple[str, ...], str], tuple[Path, os.stat_result | None]] = {}
    for folder in sources:
        parts = folder.parts
        with os.scandir(folder) as entries:
            for entry in entries:
                if os.path.splitext(entry.name)[1] in RECORD_SUFFIXES and entry.is_file():
                    listed.setdefault((parts, entry.name), (folder, _lstat(entry)))
    # discover's order (by the path's parts) and its one entry per file: sources/ named twice, once.
    return [(folder, name, info) for (_, name), (folder, info) in sorted(listed.items())]


def _lstat(entry: os.DirEntry) -> os.stat_result | None:
    """Return a listed file's lstat, None when it is a link or went away since the listing."""
    try:
        return None if entry.is_symlink() else entry.stat(follow_symlinks=False)
    except OSError:
        return None


def _plain_folder(folder: Path) -> bool:
    """Return True when the path is a folder and not a symbolic link."""
    try:
        return stat.S_ISDIR(os.lstat(folder).st_mode)
    except OSError:
        return False


def _real(file: Path, info: os.stat_result | None) -> os.stat_result:
    """Return a record's stat when it and its folder are real (no link); else confine's error for it."""
    if info is not None and stat.S_ISREG(info.st_mode):
        return info
    confine.real_file(file, file.parent)  # it checks the folder too, and says why
    return file.stat()


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
