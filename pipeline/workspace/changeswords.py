"""What a change changed, in the form's words: "Title ‘A’ → ‘B’", "Section 2 (Goals), text edited",
"Opium poppy cultivation in Laos, 2007: 1,500 → 1,234", "Status: draft → final (published)".

The history keeps each saved version (pipeline/history); this compares two of them field by field and
names each field as the form does (words.place), never by its path. The CLI keeps the paths.
"""

from __future__ import annotations

import re

import yaml

from ..figures.values import number
from ..history.changes import fields, ordered
from .words import place

SHORT = 60  # a value longer than this, or with a line break, is said "edited", not quoted
ENTRY = re.compile(r"^((?:sections|notes|cleared|figures)\[[0-9]+\])")  # a list entry added or removed as one


def described(old: bytes | None, new: bytes | None, data_file: bool = False) -> list[str]:
    """Return one line per change between two versions of a record (or of a shared-data file), in form words."""
    if old is None and new is None:
        return []
    if old is None:
        return ["Created"]
    if new is None:
        return ["Removed"]
    before, after = fields(old), fields(new)
    if before is None or after is None:
        return ["Text edited in the Advanced view (it could not be read field by field)"]
    text_old, text_new = old.decode("utf-8", "replace"), new.decode("utf-8", "replace")
    lines = _figure_lines(before, after, _labels(text_new)) if data_file else _record_lines(before, after,
                                                                                            text_old, text_new)
    if not lines and old != new:
        lines.append("Comments or spacing edited in the Advanced view; nothing printed changed")
    return lines


def _record_lines(before: dict, after: dict, text_old: str, text_new: str) -> list[str]:
    """Return a record's changes: status first, then each entry added or removed, then each field."""
    lines, said = [], set()
    status_old, status_new = _status(before), _status(after)
    if status_old != status_new:
        lines.append(f"Status: {status_old} → {status_new}" + (" (published)" if status_new == "final" else
                                                               " (back to draft)" if status_old == "final" else ""))
    for name in ordered(before, after):
        if name == "status" or before.get(name, _GONE) == after.get(name, _GONE):
            continue
        entry = ENTRY.match(name)
        whole = entry.group(1) if entry else None
        if whole and not _has(before, whole):
            line = f"{place(whole, text_new)} added"
        elif whole and not _has(after, whole):
            line = f"{place(whole, text_old)} removed"
        else:
            line = _field_line(place(name, text_new) or name, before.get(name, _GONE), after.get(name, _GONE))
        if line not in said:
            said.add(line)
            lines.append(line)
    return lines


def _figure_lines(before: dict, after: dict, labels: dict[str, str]) -> list[str]:
    """Return a shared-data file's changes: each figure by its label, each value old → new."""
    lines = []
    for name in ordered(before, after):
        if before.get(name, _GONE) == after.get(name, _GONE):
            continue
        key, _, rest = name.partition(".")
        label = labels.get(key) or key.replace("_", " ")
        part = rest.removeprefix("values.").replace("_", " ") if rest.startswith("values.") else \
            {"": "value", "value": "value", "as_of": "as of"}.get(rest, rest.replace("_", " "))
        lines.append(_field_line(f"{label}, {part}", before.get(name, _GONE), after.get(name, _GONE)))
    return lines


class _Gone:
    """A field that one of the two versions does not have."""


_GONE = _Gone()


def _field_line(where: str, old, new) -> str:
    """Return one field's change: quoted when short, 'edited' when long, 'added'/'removed' when one side is missing."""
    if isinstance(old, _Gone) or old in (None, ""):
        return f"{where} added: {_shown(new)}" if _short(new) else f"{where} added"
    if isinstance(new, _Gone) or new in (None, ""):
        return f"{where} removed (was {_shown(old)})" if _short(old) else f"{where} removed"
    if _short(old) and _short(new):
        return f"{where}: {_shown(old)} → {_shown(new)}"
    return f"{where} edited"


def _short(value) -> bool:
    return not isinstance(value, str) or (len(value) <= SHORT and "\n" not in value.strip())


def _shown(value) -> str:
    """Return a value as the sheet prints it: numbers with separators, text in quotes."""
    if isinstance(value, bool) or value is None:
        return {True: "yes", False: "no", None: "empty"}[value]
    if isinstance(value, (int, float)):
        return number(value)
    return f"‘{str(value).strip()}’"


def _status(flat: dict) -> str:
    """Return a record's status as the gallery badges it: draft, or final (a record without one is final)."""
    return "draft" if str(flat.get("status", "final")).strip().lower() == "draft" else "final"


def _has(flat: dict, entry: str) -> bool:
    """Return whether any field lies under a list entry ('sections[2]')."""
    return any(name == entry or name.startswith(entry + ".") or name.startswith(entry + "[") for name in flat)


def _labels(text: str) -> dict[str, str]:
    """Return each shared figure's label by its key, from a data file's text."""
    try:
        tree = yaml.safe_load(text)
    except yaml.YAMLError:
        return {}
    return {str(k): str(v["label"]) for k, v in (tree or {}).items() if isinstance(v, dict) and v.get("label")} \
        if isinstance(tree, dict) else {}
