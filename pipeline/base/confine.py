"""Project files are read and written only as real files: never through a symbolic link, never a pipe.

A link committed into sources/, sources/data/ or assets/ (or one of those folders being a link)
could point at any file the run can read, a key or a password file, and have it shown, printed or
copied into the project. A named pipe or a device put in place of a file would stall whoever opens
it. Every path that reads or writes a project file goes through `real_file`: the folder the user
named, every folder below it and the file itself must be real (no link at any step), and the file,
if it exists, a regular one. Builds apply the same rule to records and shared data when they open them
(records/yamlload.py opens with O_NOFOLLOW, the shared-data folder by its descriptor).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class NotARealFile(OSError):
    """A project path refused: a symbolic link at some step, not a regular file, or outside its folder."""

    def __init__(self, path: Path, reason: str, hint: str):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason, self.hint = path, reason, hint


LINK_HINT = "replace the link by a copy of what it points to; factsheets reads and writes only real files"


def real_file(path: Path, root: Path, *, must_exist: bool = True) -> Path:
    """Return `path` when it is a regular file under `root` reached through no symbolic link; else NotARealFile.

    `root` is the folder the user named (sources/, sources/data, assets/, output/); it must not be a
    link either. With `must_exist` False a missing file passes (a file about to be written).
    """
    path, root = Path(path), Path(root)
    try:
        steps = path.relative_to(root).parts
    except ValueError:
        raise NotARealFile(path, f"the file is not inside {root}", "name a file inside that folder") from None
    if ".." in steps or not steps:
        raise NotARealFile(path, f"the file is not inside {root}", "name a file inside that folder")
    at = root
    for step in (None, *steps):
        at = at if step is None else at / step
        info = _lstat(at)
        if info is None:
            if must_exist or step != steps[-1]:
                raise NotARealFile(path, "no such file", "check the name")
            return path
        if stat.S_ISLNK(info.st_mode):
            what = "the file" if step == steps[-1] else f"the folder {at}"
            raise NotARealFile(path, f"{what} is a symbolic link", LINK_HINT)
    if not stat.S_ISREG(info.st_mode):
        raise NotARealFile(path, "this is not a regular file (a folder, device or named pipe)",
                           "remove it, or put an ordinary file in its place")
    return path


def read_bytes(path: Path, root: Path, limit: int | None = None) -> bytes:
    """Return a project file's bytes (at most `limit` + 1), by the rule of `real_file`; NotARealFile or OSError."""
    real_file(path, root)
    return read_regular(path, limit, follow=False)


def read_regular(path: Path, limit: int | None = None, *, follow: bool = True) -> bytes:
    """Return a file's bytes (at most `limit` + 1) if it is a regular file; NotARealFile for a pipe or device.

    For files the run writes itself (output/, its manifest): a named pipe put there is never opened
    for reading, which would wait for a writer for ever while the run holds the lock.
    """
    # O_NONBLOCK keeps a pipe from stalling the open itself; the type is checked on the open file,
    # so a pipe swapped in after any earlier check is refused too.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | (0 if follow else os.O_NOFOLLOW))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotARealFile(path, "this is not a regular file (a folder, device or named pipe)",
                               "remove it, or put an ordinary file in its place")
        return handle.read(-1 if limit is None else limit + 1)


def is_real_file(path: Path, root: Path) -> bool:
    """Return whether `path` passes `real_file` (for listings that skip what they may not read)."""
    try:
        real_file(path, root)
    except OSError:
        return False
    return True


def _lstat(path: Path) -> os.stat_result | None:
    """Return the path's own status (a link's, not its target's), or None if it is missing."""
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None
