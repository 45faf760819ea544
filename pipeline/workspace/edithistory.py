"""The Changes page's edits: every recorded change to the sheets and the shared figures, newest first,
a page at a time, each said in the form's words (changeswords)."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ..history.record import ACTIONS
from ..history.store import HistoryError, Store, _clean_env
from . import changeswords

PER_PAGE = 50
SEPARATOR = "\x1e"


@dataclass
class Edit:
    """One recorded change: who, when, what kind, and per file its lines in plain words."""

    when: str
    who: str
    action: str
    files: list[dict] = field(default_factory=list)  # {"sheet": id or "", "data": name or "", "lines": [...]}


def page(sources: Path, project: Path, number: int) -> tuple[list[Edit], int]:
    """Return one page of the edits (newest first) and how many pages there are; HistoryError if unreadable."""
    store = Store.open(sources, project)
    if store.head() is None:
        return [], 1
    folder = store.relative(sources if sources.is_dir() else sources.parent)
    scope = ["--", folder] if folder not in ("", ".") else []
    total = int(store.git("rev-list", "--count", "HEAD", *scope).strip() or 0)
    pages = max(1, -(-total // PER_PAGE))
    number = min(max(number, 1), pages)
    out = store.git("log", f"--skip={(number - 1) * PER_PAGE}", f"--max-count={PER_PAGE}", "--name-only",
                    f"--format={SEPARATOR}%H%x1f%P%x1f%an%x1f%aI%x1f%B%x1f", "HEAD", *scope)
    entries = [_entry(chunk) for chunk in out.split(SEPARATOR) if chunk.strip()]
    blobs = _blobs(store, [(rev, path) for e in entries for rev, path in e.pop("wanted")])
    return [_edit(e, blobs, folder) for e in entries], pages


def _entry(chunk: str) -> dict:
    """Return a log entry's fields and the (revision, path) blobs its comparison needs."""
    commit, parents, who, when, message, changed = chunk.strip("\n").split("\x1f", 5)
    lines = message.splitlines()
    action = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("Factsheets-Action:")), "")
    paths = [p for p in changed.split("\n") if p.strip()]
    parent = parents.split()[0] if parents.split() else None
    wanted = [(commit, p) for p in paths] + ([(parent, p) for p in paths] if parent else [])
    return {"commit": commit, "parent": parent, "who": who, "when": when, "action": action,
            "summary": lines[0] if lines else "", "paths": paths, "wanted": wanted}


def _edit(entry: dict, blobs: dict, folder: str) -> Edit:
    """Return an Edit with each file's changes in form words (a step that wrote nothing: its summary)."""
    said = ACTIONS.get(entry["action"], entry["action"] or "Changed with git")
    edit = Edit(entry["when"][:16].replace("T", " "), entry["who"], said)
    for path in entry["paths"]:
        data = path.rsplit("/", 2)[-2:-1] == ["data"]
        old = blobs.get((entry["parent"], path)) if entry["parent"] else None
        stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        lines = changeswords.described(old, blobs.get((entry["commit"], path)), data)
        if entry["action"] == "outside" and old is None:  # the history's first copy of a file it found
            lines = ["First recorded, as it was found"]
        edit.files.append({"sheet": "" if data else stem, "data": stem if data else "", "lines": lines})
    if not entry["paths"]:  # a clearance step or a rejection: recorded without a file's change
        edit.files.append({"sheet": "", "data": "", "lines": [entry["summary"]]})
    return edit


def _blobs(store: Store, wanted: list[tuple[str, str]]) -> dict[tuple[str, str], bytes | None]:
    """Return the bytes of many files at revisions from one `git cat-file --batch` (None when missing)."""
    if not wanted:
        return {}
    request = "".join(f"{rev}:{path}\n" for rev, path in wanted).encode()
    try:
        done = subprocess.run(["git", f"--git-dir={store.git_dir}", "cat-file", "--batch"], input=request,
                              capture_output=True, cwd=store.top, env=_clean_env(), check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        raise HistoryError(f"the history could not be read: {exc}") from None
    found, out, at = {}, done.stdout, 0
    for key in wanted:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        if header[-1] == b"missing":
            found[key], at = None, end + 1
            continue
        size = int(header[2])
        found[key], at = out[end + 1:end + 1 + size], end + 1 + size + 1
    return found
