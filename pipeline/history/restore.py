"""Restore an earlier version: its text, checked as `factsheets check` checks a record, written as a new version."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..base.errors import Diagnostic
from ..builder.recipe import Options, check
from .store import Store, UnknownVersion


def old_text(store: Store, file: Path, version: str) -> tuple[str, bytes]:
    """Return a version's full id and the file's bytes in it; UnknownVersion when it did not exist there."""
    commit = store.resolve(file, version)
    text = store.blob(commit, store.relative(file))
    if text is None:
        raise UnknownVersion(f"{store.relative(file)} did not exist in version {version}")
    return commit, text


def problems(file: Path, text: bytes, templates: Path, data: Path) -> list[Diagnostic]:
    """Return what `factsheets check` finds in the text as this record (errors first); none for shared data."""
    if file.parent.name == "data":
        return []
    with tempfile.TemporaryDirectory(prefix="factsheets-restore-") as scratch:
        copy = Path(scratch) / file.name
        copy.write_bytes(text)
        report = check([copy], Options(templates=templates, data=data))
    found = [*report.errors, *(d for o in report.outcomes for d in o.diagnostics)]
    return found if (report.failed or report.errors) else []
