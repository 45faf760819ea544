"""Publishing files: write beside the target, then rename, so a reader never sees half a file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

TEMP_PREFIX = ".factsheets-"


class PartlyPublished(OSError):
    """Some files of a set were published before the rest failed; `done` names those published."""

    def __init__(self, done: list[Path], cause: OSError):
        super().__init__(cause.errno, cause.strerror or str(cause))
        self.done = done


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one step; on any failure the old file is untouched."""
    write_together({path: data})


def write_together(files: dict[Path, bytes]) -> None:
    """Publish files as one: all are written in full, and reach the disk, before any replaces its target.

    A full disk or a write error is found while writing, before anything is published: the old
    files all stay (OSError). Only a rename can fail after another succeeded, which is rare in one
    folder; then PartlyPublished says which files are new.
    """
    staged = stage(files)
    folders = list(dict.fromkeys(path.parent for path in files))
    try:
        for folder in folders:  # the files' data, all at once (see flush)
            flush(folder)
    except BaseException:
        discard(staged)
        raise
    publish(staged, durable=False)
    for folder in folders:  # the renames
        flush(folder)


Staged = list[tuple[str, Path]]  # (temporary file, the target it will replace)


def stage(files: dict[Path, bytes], durable: bool = False) -> Staged:
    """Write every file beside its target, all or none (OSError); `durable`: each flushed to disk.

    Files staged without `durable` must be flushed with `flush` before they are published.
    """
    staged: Staged = []
    try:
        for path, data in files.items():
            staged.append((_staged(path, data, durable), path))
    except BaseException:
        discard(staged)
        raise
    return staged


def publish(staged: Staged, durable: bool = True) -> None:
    """Rename staged files over their targets, then (`durable`) flush their folders' entries.

    Only a rename can fail after another succeeded, which is rare in one folder; then
    PartlyPublished says which files are new and the rest are discarded. Without `durable` the
    caller flushes the folder once for many files (see `flush`).
    """
    done: list[Path] = []
    for index, (temp, path) in enumerate(staged):
        try:
            os.replace(temp, path)
        except OSError as exc:
            discard(staged[index:])
            if done:
                raise PartlyPublished(done, exc) from None
            raise
        done.append(path)
    if durable:
        for folder in dict.fromkeys(path.parent for _, path in staged):
            _sync_dir(folder)


def discard(staged: Staged) -> None:
    """Delete staged files that will not be published."""
    _discard(temp for temp, _ in staged)


def flush(folder: Path) -> None:
    """Write every file staged in `folder`'s file system to disk at once; OSError if any write failed.

    One syncfs(2) costs about what one fsync does, where a sheet's two fsyncs and the folder's
    took most of its publishing time. Linux reports a failed write-back to syncfs since 5.8;
    elsewhere os.sync() is used and a failed write can only show at the next run's hash check.
    """
    fd = os.open(folder, os.O_RDONLY)
    try:
        _syncfs(fd)
    finally:
        os.close(fd)


def _syncfs(fd: int) -> None:
    """Call syncfs(2) where the C library has it, else os.sync(); OSError if it reports a failure."""
    import ctypes  # only a build that publishes needs it

    global _libc
    if _libc is None:
        try:
            _libc = ctypes.CDLL(None, use_errno=True).syncfs
        except (OSError, AttributeError):
            _libc = False
    if _libc is False:
        os.sync()
    elif _libc(fd) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))


_libc = None  # the C library's syncfs, found on first use (False: none)


def _staged(path: Path, data: bytes, durable: bool = True) -> str:
    """Write `data` to a new temporary file beside `path` (flushed to disk if `durable`); return its name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(temp, 0o644)  # mkstemp makes 0600; published sheets are for everyone
    except BaseException:
        _discard([temp])
        raise
    return temp


def _discard(temps) -> None:
    """Delete temporary files that will not be published."""
    for temp in temps:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)


def _sync_dir(folder: Path) -> None:
    """Flush the folder entry so the rename survives a power cut."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


EDITED = "edited"


def keep_edited(path: Path, found: str) -> Path:
    """Keep a hand-edited output as edited/<stem>.<8 hex of `found`><suffix>; return the copy's path.

    Nothing in edited/ is ever replaced or deleted: a copy of that name already holds these bytes.
    The copy is a hard link (the output is then replaced by rename, so the copy keeps the edit).
    """
    folder = path.parent / EDITED
    if folder.is_symlink():
        raise OSError(f"{folder} is a symbolic link; kept copies are written only into a real folder")
    folder.mkdir(exist_ok=True)
    stem = f"{path.stem}.{found.removeprefix('sha256:')[:8]}"
    for n in range(1, MAX_KEPT_NAMES + 1):
        # A name already taken by other bytes (a file put there by hand, or another edit whose hash
        # starts alike) is never the copy: the edit goes under the next free name, -2, -3, ….
        target = folder / f"{stem}{'' if n == 1 else f'-{n}'}{path.suffix}"
        if os.path.lexists(target):
            if _holds(target, found):
                return target
            continue
        if _link(path, target):
            _sync_dir(folder)
            return target
        if _holds(target, found):  # another run kept the same edit under this name meanwhile
            return target
    raise OSError(f"{folder} has {MAX_KEPT_NAMES} files named {stem}*{path.suffix}; the edit could not be kept")


MAX_KEPT_NAMES = 100


def _holds(target: Path, found: str) -> bool:
    """Return whether a kept copy's bytes are those of the edit (never opening a pipe put there)."""
    from .confine import NotARealFile, read_regular
    from .fingerprint import digest
    try:
        return digest(read_regular(target, follow=False)) == found
    except (OSError, NotARealFile):
        return False


def _link(path: Path, target: Path) -> bool:
    """Give the output a second name `target` (a hard link, else a full copy); False if the name is taken."""
    try:
        os.link(path, target, follow_symlinks=False)  # refuses to replace an existing name
        return True
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links: copy in full, then link the copy's name
        temp = _staged(target, path.read_bytes())
        try:
            os.link(temp, target)
            return True
        except FileExistsError:
            return False
        finally:
            _discard([temp])
