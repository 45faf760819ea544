"""Record a change to sources/: catch up with edits made outside the tool, write, commit who and what."""

from __future__ import annotations

import contextlib
from pathlib import Path

from . import changes
from .store import HistoryError, Store
from .who import OUTSIDE, Who

# What each kind of change is called in the history.
ACTIONS = {"save": "Saved", "publish": "Published", "draft": "Back to draft", "figures": "Shared figures changed",
           "import": "Imported", "restore": "Restored", "new": "Created", "outside": "Changed outside factsheets",
           "feed": "Figures updated from their feed", "approve": "Held figure change approved",
           "reject": "Held figure change rejected"}


@contextlib.contextmanager
def recording(files: list[Path], who: Who, action: str, project: Path, note: str = ""):
    """Around a write of `files`: first record what someone changed outside the tool, then the write itself.

    The write always goes ahead; when the history cannot be kept, HistoryError is raised after it.
    """
    store, problem, before = None, None, {}
    try:
        store = Store.open(files[0], project)
        catch_up(store, files)
        before = {file: file.read_bytes() if file.is_file() else None for file in files}
    except HistoryError as exc:
        problem = exc
    yield
    if problem is not None:
        raise problem
    commit(store, files, who, action, before, note)


def catch_up(store: Store, files: list[Path]) -> str | None:
    """Record the files that changed since their last version without the tool, as changed outside it."""
    found = store.unrecorded(files)
    if not found:
        return None
    head = store.head()
    before = {file: store.blob(head, store.relative(file)) if head else None for file in found}
    return commit(store, found, OUTSIDE, "outside", before)


def commit(store: Store, files: list[Path], who: Who, action: str, before: dict, note: str = "") -> str | None:
    """Commit the files with a summary and the changed fields in plain words."""
    what = []
    for file in files:
        lines = changes.described(before.get(file), file.read_bytes() if file.is_file() else None)
        if action == "outside" and before.get(file) is None and file.is_file():
            lines = ["first recorded: the file as it was found"]
        prefix = f"{file.name}: " if len(files) > 1 else ""
        what += [prefix + line for line in lines]
    names = ", ".join(store.relative(file) for file in files)
    summary = f"{ACTIONS.get(action, action)} {names}" + (f" ({note})" if note else "")
    return store.commit(files, who, summary, action, what)


def noted(file: Path, who: Who, action: str, project: Path, note: str = "") -> str:
    """Record a step that writes no file (a held feed change rejected) as a version of the file it is about."""
    store = Store.open(file, project)
    catch_up(store, [file])  # a data file never recorded is first recorded as it was found
    path = store.relative(file)
    return store.note(path, who, f"{ACTIONS.get(action, action)} {path}" + (f" ({note})" if note else ""), action, [])


def record(files: list[Path], who: Who, action: str, project: Path, before: dict, note: str = "") -> str | None:
    """Commit a change already written, given the files' bytes before it (for callers that wrote first)."""
    store = Store.open(files[0], project)
    return commit(store, files, who, action, before, note)


__all__ = ["ACTIONS", "HistoryError", "catch_up", "commit", "noted", "record", "recording"]
