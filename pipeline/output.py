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
    """Publish files as one: all are written in full before any replaces its target.

    A full disk or a write error is found while writing, before anything is published: the old
    files all stay (OSError). Only a rename can fail after another succeeded, which is rare in one
    folder; then PartlyPublished says which files are new.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            staged.append((_staged(path, data), path))
    except BaseException:
        _discard(temp for temp, _ in staged)
        raise
    done: list[Path] = []
    for index, (temp, path) in enumerate(staged):
        try:
            os.replace(temp, path)
        except OSError as exc:
            _discard(temp for temp, _ in staged[index:])
            if done:
                raise PartlyPublished(done, exc) from None
            raise
        done.append(path)
    for folder in dict.fromkeys(path.parent for path in files):
        _sync_dir(folder)


def _staged(path: Path, data: bytes) -> str:
    """Write `data` to a new temporary file beside `path`, flushed to disk; return its name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
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
    target = folder / f"{path.stem}.{found.removeprefix('sha256:')[:8]}{path.suffix}"
    if os.path.lexists(target):
        return target
    try:
        os.link(path, target, follow_symlinks=False)  # refuses to replace an existing name
    except FileExistsError:
        return target
    except OSError:  # a file system without hard links: copy in full, then link the copy's name
        temp = _staged(target, path.read_bytes())
        try:
            os.link(temp, target)
        except FileExistsError:
            pass
        finally:
            _discard([temp])
    _sync_dir(folder)
    return target
