"""The workspace's "Upload the Word file": the same reading as `factsheets import docx`, for one sheet."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..authoring import docximport, docxread
from ..base.errors import RecordError
from ..base.paths import display

SECTIONS = (("Note", "notes"), ("Changes to the record", "changes"), ("Figures", "figures"),
            ("Tracked changes (proposals, not taken)", "proposals"), ("Comments", "comments"),
            ("Not taken (do these by hand)", "unmapped"))


class TooLarge(Exception):
    """The uploaded file is larger than a Word file is read."""


async def body(request) -> bytes:
    """Return the uploaded file's bytes, refusing more than the import reads (TooLarge)."""
    declared = request.headers.get("content-length")
    if declared and (not declared.isdigit() or int(declared) > docxread.MAX_FILE):
        raise TooLarge()
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > docxread.MAX_FILE:
            raise TooLarge()
    return bytes(data)


def plan(data: bytes, record: Path, opts) -> tuple[docximport.Plan | None, list[str]]:
    """Return the import's plan for an uploaded file into `record`, or the problems that refuse it."""
    with tempfile.TemporaryDirectory(prefix="factsheets-word-") as scratch:
        path = Path(scratch) / "uploaded.docx"
        path.write_bytes(data)
        try:
            return docximport.import_docx(path, opts, record, "none"), []
        except RecordError as exc:
            return None, [f"{d.message}{' — ' + d.hint if d.hint else ''}" for d in exc.diagnostics]


def shown(found: docximport.Plan) -> dict:
    """Return what the page shows of a plan."""
    return {"record_name": display(found.record), "record_id": found.record_id, "text": found.text,
            "sections": [(title, getattr(found, name)) for title, name in SECTIONS]}
