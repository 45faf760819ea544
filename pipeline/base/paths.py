"""How messages and reports name a file: relative to the working folder, escaped."""

from __future__ import annotations

import functools
import os
from pathlib import Path

from .errors import escaped_name


def display(path: Path) -> str:
    """Return how messages and reports name a path: relative to the working folder when inside
    it, escaped (see errors.escaped_name), so a file's name can never forge or garble a line."""
    if not path.is_absolute() and ".." not in path.parts:
        return escaped_name(str(path))  # what relpath gives, inside or (through a link) outside
    try:
        name = os.path.relpath(path) if path.resolve().is_relative_to(_working_folder(os.getcwd())) else str(path)
    except (OSError, ValueError):
        name = str(path)
    return escaped_name(name)


@functools.lru_cache(maxsize=4)
def _working_folder(cwd: str) -> Path:
    """Return the working folder resolved, once per folder (display runs for every path of a run)."""
    return Path(cwd).resolve()
