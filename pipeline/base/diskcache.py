"""A private cache of computed bytes shared by every process and run of one user (a chart's picture).

Entries are files named by the hash of everything that shapes their bytes (the caller builds the key),
each written whole to a temporary name and then renamed, so concurrent builds never read half an
entry; each carries the hash of its own bytes and is ignored unless it matches. The folder is
$FACTSHEETS_CACHE_DIR, else $XDG_CACHE_HOME/factsheets, else ~/.cache/factsheets; it must belong to
this user and be closed to others, or nothing is cached (the bytes are computed, as without a cache).
FACTSHEETS_NO_CACHE=1 turns it off. The least recently used entries go when a kind passes its size,
looked at once a process has stored a 64th of that size since it last looked (and at its first
entry): listing a folder of thousands of entries at every one cost more than a picture.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
import time
from pathlib import Path

FOLDER_VARIABLE = "FACTSHEETS_CACHE_DIR"
OFF_VARIABLE = "FACTSHEETS_NO_CACHE"
_DIGEST = 32  # bytes of sha256 in front of each entry's bytes
_TEMP_PREFIX = ".tmp-"
STRAY_AGE = 3600  # seconds after which a temporary file is a killed writer's, not one being written
PRUNE_SHARE = 64  # a process looks at a kind's size after storing this share of it: the most it can overshoot
_stored: dict[Path, int] = {}  # bytes this process stored in each kind's folder since it last pruned it


def key(*parts: object) -> str:
    """Return the hex hash of the parts' texts, the name of the entry they shape."""
    h = hashlib.sha256()
    for part in parts:
        h.update(str(part).encode("utf-8", "surrogateescape") + b"\0")
    return h.hexdigest()


def folder(kind: str) -> Path | None:
    """Return the private folder of one kind of entry (created if need be), or None: no caching."""
    if os.environ.get(OFF_VARIABLE):
        return None
    chosen = os.environ.get(FOLDER_VARIABLE)
    if chosen:
        root = Path(chosen)
    else:
        base = os.environ.get("XDG_CACHE_HOME")
        base_path = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
        root = base_path / "factsheets"
    try:
        for place in (root, root / kind):
            with contextlib.suppress(FileExistsError):
                place.mkdir(mode=0o700, parents=place is root)
            if not _private(place):
                return None
    except (OSError, RuntimeError):  # no home folder, a read-only disk: build without the cache
        return None
    return root / kind


def _private(place: Path) -> bool:
    """Return True for a real folder of this user's that others cannot enter."""
    info = os.lstat(place)
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077


def get(kind: str, name: str) -> bytes | None:
    """Return the entry's bytes, or None when absent or damaged."""
    place = folder(kind)
    if place is None:
        return None
    path = place / name
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        data = handle.read()
    body = data[_DIGEST:]
    if len(data) < _DIGEST or hashlib.sha256(body).digest() != data[:_DIGEST]:
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # used now: the last to go when the kind is pruned
    return body


def put(kind: str, name: str, data: bytes, limit: int) -> None:
    """Store the entry atomically, pruning the kind to `limit` bytes now and then; a failure only skips caching."""
    place = folder(kind)
    if place is None:
        return
    try:
        fd, temporary = tempfile.mkstemp(prefix=_TEMP_PREFIX, dir=place)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(hashlib.sha256(data).digest() + data)
            os.replace(temporary, place / name)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        stored = _stored.get(place, limit) + _DIGEST + len(data)  # a process's first entry: look at once
        if stored >= limit // PRUNE_SHARE:
            prune(place, limit)
            stored = 0
        _stored[place] = stored
    except OSError:
        pass


def prune(place: Path, limit: int) -> None:
    """Remove the least recently used entries until the folder holds at most `limit` bytes."""
    entries = []
    with os.scandir(place) as listing:
        for entry in listing:
            with contextlib.suppress(OSError):
                if not entry.is_file(follow_symlinks=False):
                    continue
                info = entry.stat(follow_symlinks=False)
                if not entry.name.startswith(_TEMP_PREFIX):
                    entries.append((info.st_mtime_ns, info.st_size, entry.path))
                elif time.time() - info.st_mtime > STRAY_AGE:  # left by a process killed mid-write
                    os.unlink(entry.path)
    total = sum(size for _, size, _ in entries)
    for _, size, path in sorted(entries):
        if total <= limit:
            break
        with contextlib.suppress(OSError):
            os.unlink(path)
        total -= size
