"""Which record field a place in a YAML file points into ('sections[1].bullets[0]'), and the file's text."""

from __future__ import annotations

import bisect
from functools import lru_cache
from pathlib import Path

from ..base.errors import PipelineError


def source_text(path: str) -> str | None:
    """Return a small text file's text, read once per version of the file (watch runs for hours)."""
    try:
        info = Path(path).stat()
    except OSError:
        return None
    return _read(str(Path(path).resolve()), info.st_mtime_ns, info.st_size)


@lru_cache(maxsize=64)
def _read(path: str, mtime_ns: int, size: int) -> str | None:
    """Return the text of a file of this version; None when it is not small UTF-8 text."""
    if size > 1_000_000:
        return None
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def field_at(path: str, line: int, column: int) -> str | None:
    """Return the record field a location points into ('sections[1].bullets[0]'), if the file is YAML."""
    anchors = _anchors(path)
    if not anchors:
        return None
    # Anchors are (start, field) in file order; the last one starting at or before the place wins,
    # which is the innermost value, or the key the place is on.
    at = bisect.bisect_right([start for start, _ in anchors], (line, column)) - 1
    return anchors[at][1] if at >= 0 else None


def field_in(text: str, path: str, line: int, column: int) -> str | None:
    """Return the record field a location points into, in a YAML text not saved yet (the workspace's editor)."""
    anchors = _parsed_anchors(text, path)
    if not anchors:
        return None
    at = bisect.bisect_right([start for start, _ in anchors], (line, column)) - 1
    return anchors[at][1] if at >= 0 else None


def _anchors(path: str) -> tuple | None:
    """Return the (start, field) of every key and value of a YAML file, in file order."""
    text = source_text(path) if path.endswith((".yaml", ".yml")) else None
    return None if text is None else _parsed_anchors(text, path)


@lru_cache(maxsize=64)
def _parsed_anchors(text: str, path: str) -> tuple | None:
    """Return the anchors of one YAML text; None when it does not parse."""
    from . import yamlload  # only when a JSON diagnostic asks for its field
    try:
        root = yamlload.parse(text, path)
    except PipelineError:
        return None
    found: list = []
    _walk(root, "", found, yamlload)
    return tuple(sorted(found, key=lambda a: a[0]))


def _walk(node, field: str, found: list, yamlload) -> None:
    """Add the anchors of a node and its children, named by their field path."""
    here = (node.loc.line, node.loc.column)
    if isinstance(node, yamlload.Mapping):
        for key, value in node.items:
            name = f"{field}.{key.value}" if field else key.value
            found.append(((key.loc.line, key.loc.column), name))
            _walk(value, name, found, yamlload)
    elif isinstance(node, yamlload.Sequence):
        for i, item in enumerate(node.items):
            _walk(item, f"{field}[{i}]", found, yamlload)
    elif field:
        found.append((here, field))
