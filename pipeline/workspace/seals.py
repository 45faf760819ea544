"""The seal or flag picture from the form: an upload checked as the build checks a seal, kept under the
project's assets/ by its content's hash, and the record's `seal:` lines written to name it with its
alt text (a text edit of the record, like every form edit; nothing is saved until Save)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from ..base.errors import Location, RecordError, shown
from ..base.limits import MAX_IMAGE_BYTES, MAX_IMAGE_SIDE
from ..base.output import write_atomic
from ..document import images
from ..records import fields as declared
from . import checks, edits, scalars
from .nodes import Source, child, root_of

FOLDER = "assets"
KINDS = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}
NO_ALT = "Seal or flag picture: type what the picture shows first; it is read aloud to readers who cannot see it"


def set_seal(text: str, file: str, alt: str) -> tuple[str, str]:
    """Return the text with the seal naming `file` and described by `alt`, and the id of the alt input."""
    alt = alt.strip()
    if not alt:
        raise ValueError(NO_ALT)
    root = root_of(text)
    node = child(root, "seal")
    if node is None:
        src = Source(edits._ended(text))
        lines = "".join(f"\n  {key}: {scalars.written(value, 2, None)[0]}" for key, value in (("file", file), ("alt", alt)))
        new = edits._insert_key(src, root, "seal", lines + "\n", declared.TOP)
        try:
            checks.compare(new, root, ["seal"], [("file", file), ("alt", alt)])
        except ValueError:
            raise ValueError("the form cannot add the seal here safely; add it in the Advanced view") from None
        return new, "f-seal.alt"
    return edits.set_field(edits.set_field(text, "seal.file", file), "seal.alt", alt), "f-seal.alt"


async def upload(state, request: Request) -> Response:
    """Take a picture posted as the request's body: refused in plain words unless the build would print it;
    answer with the project file that now holds it ({"file": "assets/seal-….png"})."""
    from .app import SESSION_COOKIE  # the app imports this module: read at call time

    session = request.cookies.get(SESSION_COOKIE, "")
    if not session or request.headers.get("x-csrf-token", "") != state._token(session):
        return PlainTextResponse("The workspace was restarted since this page was opened, so the picture was not "
                                 "taken. Reload the page (your changes are kept) and upload it again.", 403)
    if state._sheet(request) is None:
        return PlainTextResponse("There is no such sheet.", 404)
    name = request.query_params.get("name", "").strip() or "the file"
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_IMAGE_BYTES:
            return PlainTextResponse(f"“{name}” is larger than a picture may be ({MAX_IMAGE_BYTES:,} bytes): save it "
                                     f"smaller (at most {MAX_IMAGE_SIDE:,} pixels a side is plenty) and upload it "
                                     f"again.", 413)
    refused, kept = await run_in_threadpool(keep, bytes(data), name, Path.cwd())
    return PlainTextResponse(refused, 400) if refused else JSONResponse({"file": kept})


def keep(data: bytes, name: str, project: Path) -> tuple[str, str]:
    """Return ('', the picture's project file) once it is kept, or (why it is refused, '') in plain words."""
    kind = next((k for magic, k in KINDS.items() if data.startswith(magic)), None)
    if kind is None:
        return f"“{name}” is not a picture the sheet can print: save it as a PNG or JPEG picture and upload it again.", ""
    folder = project / FOLDER
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        return "The project’s assets folder is not an ordinary folder, so pictures cannot be kept: ask whoever " \
               "runs the workspace.", ""
    kept = f"{FOLDER}/seal-{hashlib.sha256(data).hexdigest()[:16]}.{kind}"
    target = project / kept
    made = not target.exists()
    if made:
        folder.mkdir(exist_ok=True)
        write_atomic(target, data)
    try:
        images.load(project, kept, "a seal", Location(kept, 1, 1))
    except RecordError as exc:
        if made:
            target.unlink(missing_ok=True)
        found = exc.diagnostics[0]
        said = found.message.replace(shown(kept), f"“{name}”")
        return f"{said[:1].upper()}{said[1:]}: {found.hint or 'choose another picture'}.", ""
    return "", kept
