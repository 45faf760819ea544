"""Compare two versions of a file: each changed field, and who (among the versions between) changed it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from . import changes
from .redline import FieldChange, Signed
from .store import Store


def field_changes(store: Store, file: Path, a: str, b: str) -> list[FieldChange]:
    """Return the fields that differ between versions a and b (full ids) of a file, in the newer one's order."""
    path = store.relative(file)

    @cache
    def fields(commit: str) -> dict[str, str]:
        data = store.blob(commit, path)
        found = changes.fields(data) if data is not None else {}
        return {name: _text(value) for name, value in (found or {"(the text)": data.decode("utf-8", "replace")}).items()}

    between = store.git("rev-list", f"{a}..{b}", "--", path).split()  # newest first
    old, new = fields(a), fields(b)
    found = []
    for name in changes.ordered(old, new):
        if old.get(name) != new.get(name):
            found.append(FieldChange(name, old.get(name), new.get(name), _who(store, between, name, fields, b)))
    return found


def signed(store: Store, commit: str) -> Signed:
    """Return the author and date of a commit."""
    author, date = store.git("log", "-1", "--format=%an%x1f%aI", commit).strip().split("\x1f")
    return Signed(author, date)


def _who(store: Store, between: list[str], name: str, fields, b: str) -> Signed:
    """Return who made the newest change to a field among the versions between (b's author when none is found)."""
    for commit in between:
        parents = store.git("rev-list", "--parents", "-n", "1", commit).split()[1:]
        before = fields(parents[0]).get(name) if parents else None
        if fields(commit).get(name) != before:
            return signed(store, commit)
    return signed(store, b)


def _text(value) -> str:
    """Return a field's value as the text a reader compares."""
    if value is None:
        return ""
    if isinstance(value, str):
        return " ".join(value.split()) if "\n" in value else value
    return str(value)
