"""Content hashes of what a sheet is built from: record bytes, layout files, fonts, pipeline code."""

from __future__ import annotations

import functools
import hashlib
import os
import stat
from pathlib import Path

from .. import __version__

PACKAGE = Path(__file__).parent.parent  # the whole pipeline package


def digest(data: bytes) -> str:
    """Return the hash the manifest records for some bytes."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str | None:
    """Return the hash of a file's bytes, or None when it cannot be read (missing, a folder, a pipe…)."""
    try:
        # Never blocking: a named pipe in place of an output or a layout file would stall the run.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return "sha256:" + hashlib.file_digest(handle, "sha256").hexdigest()


def _tree_digest(files: list[tuple[str, Path]]) -> str:
    """Return one hash over named files: names and contents both count."""
    h = hashlib.sha256()
    for name, path in sorted(files):
        h.update(name.encode() + b"\0" + (file_digest(path) or "missing").encode() + b"\n")
    return "sha256:" + h.hexdigest()


def _files_under(folder: Path, prefix: str) -> list[tuple[str, Path]]:
    """Return every file below `folder` with its name relative to it (hidden files skipped)."""
    if not folder.is_dir():
        return []
    return [(prefix + p.relative_to(folder).as_posix(), p) for p in folder.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)]


class Fingerprints:
    """The run-wide input hashes, each computed once per run."""

    def __init__(self, templates: Path):
        self.templates = templates

    @functools.cached_property
    def _shared_templates(self) -> list[tuple[str, Path]]:
        """Return the files at the top of the templates folder (stylesheet, macros)."""
        if not self.templates.is_dir():
            return []
        return [(p.name, p) for p in self.templates.iterdir() if p.is_file() and not p.name.startswith(".")]

    @functools.cache  # noqa: B019 (one Fingerprints a run: the cache ends with it)
    def layout(self, name: str) -> str:
        """Return the hash of a layout's folder plus the shared template files."""
        return _tree_digest(self._shared_templates + _files_under(self.templates / name, f"{name}/"))

    @functools.cached_property
    def all_layouts(self) -> str:
        """Return the hash of the whole templates folder (for a record whose layout is unknown)."""
        return _tree_digest(_files_under(self.templates, ""))

    @functools.cached_property
    def fonts(self) -> str:
        """Return the hash of the bundled fonts, from their pinned checksums."""
        # A face that differs from its pin is refused before rendering (fonts.verify), so the
        # pins identify the fonts without reading 1.6 MB on every run.
        from .fonts import COVERAGE_FILE, SHA256
        pins = "".join(f"{name}={pin}\n" for name, pin in sorted(SHA256.items()))
        return digest(pins.encode() + COVERAGE_FILE.read_bytes())

    @property
    def pipeline(self) -> str:
        """Return the pipeline's version and a hash of its code: new code may print differently."""
        return pipeline_digest()


@functools.cache
def pipeline_digest() -> str:
    """Return the pipeline's version and a hash of its code, once a process (its code does not change
    under it; the build daemon ends when the code on disk does)."""
    code = [(n, p) for n, p in _files_under(PACKAGE, "") if p.suffix == ".py"]
    return f"{__version__}+{_tree_digest(code)[7:23]}"
