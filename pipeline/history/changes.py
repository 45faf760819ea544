"""What a change changed, in plain words: the fields and figures of a record or shared-data file."""

from __future__ import annotations

import yaml

SHORT = 60  # a value longer than this is named, not quoted


def described(old: bytes | None, new: bytes | None) -> list[str]:
    """Return one line per changed field ('title: "A" → "B"', 'sections[2] added'), in file order."""
    if old is None and new is None:
        return []
    if old is None:
        return ["the file was created"]
    if new is None:
        return ["the file was removed"]
    before, after = fields(old), fields(new)
    if before is None or after is None:
        return ["the text changed (it is not readable YAML, so the fields cannot be named)"]
    lines = []
    for name in ordered(before, after):
        if name not in before:
            lines.append(f"{name} added: {_shown(after[name])}")
        elif name not in after:
            lines.append(f"{name} removed (was {_shown(before[name])})")
        elif before[name] != after[name]:
            lines.append(f"{name}: {_shown(before[name])} → {_shown(after[name])}")
    if not lines and old != new:
        lines.append("comments or layout of the text changed; no field changed")
    return lines


def fields(data: bytes) -> dict[str, object] | None:
    """Return a YAML file's scalar values by field path (sections[0].heading), or None if it does not load."""
    try:
        tree = yaml.safe_load(data.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return None
    flat: dict[str, object] = {}
    _flatten(tree, "", flat)
    return flat


def _flatten(node, name: str, flat: dict) -> None:
    """Put every scalar under `node` into `flat` by its path."""
    if isinstance(node, dict):
        for key, value in node.items():
            _flatten(value, f"{name}.{key}" if name else str(key), flat)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _flatten(value, f"{name}[{i}]", flat)
    else:
        flat[name or "(the whole file)"] = node


def ordered(before: dict, after: dict) -> list[str]:
    """Return the field names of both, in the new file's order, removed ones where they were."""
    names = list(after)
    for i, name in enumerate(before):
        if name not in after:
            names.insert(min(i, len(names)), name)
    return names


def _shown(value) -> str:
    """Return a value as a short quotation, or a word count for long text."""
    if isinstance(value, str):
        text = " ".join(value.split())
        return f'"{text}"' if len(text) <= SHORT else f'"{text[:SHORT - 1]}…" ({len(text.split())} words)'
    return "empty" if value is None else str(value)
