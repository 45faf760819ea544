"""The routes of the drafts kept on the server (serverdrafts): keep, offer, discard. A mixin of app._State."""

from __future__ import annotations

from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from ..base import confine, limits
from .serverdrafts import Drafts, TooLarge


class DraftPages:
    """Keep a sheet's unsaved text for its user; offer it when the sheet is opened again."""

    def _drafts(self) -> Drafts:
        return Drafts(Path.cwd())  # the project's folder, as the history's (.factsheets/)

    def _user(self, request: Request) -> str:
        who = self.who(request)
        return who.name if who else "local user"

    def _saved_text(self, sheet) -> str | None:
        """Return the sheet's saved text, None when it cannot be read (a link, a pipe: never a draft's business)."""
        try:
            return confine.read_bytes(sheet.file, sheet.file.parent, limits.MAX_FILE_BYTES).decode("utf-8", "replace")
        except OSError:
            return None

    async def draft_kept(self, request: Request) -> Response:
        """Answer the editor's question on opening: is there a kept draft of this sheet for this user?"""
        sheet = self._sheet(request)
        saved = self._saved_text(sheet) if sheet else None
        if saved is None:
            return PlainTextResponse("no such sheet", 404)
        found = await run_in_threadpool(self._drafts().kept, self._user(request), sheet.id, saved)
        return JSONResponse(found or {}, headers={"Cache-Control": "no-store"})

    async def draft_keep(self, request: Request) -> Response:
        """Keep the text being edited (or remove the draft when it is the saved text, or discard is asked)."""
        form, sheet, refused = await self._posted_sheet(request)
        if refused:
            return refused
        saved = self._saved_text(sheet)
        if saved is None:
            return PlainTextResponse("no such sheet", 404)
        drafts, user = self._drafts(), self._user(request)
        if form.get("discard"):
            await run_in_threadpool(drafts.discard, user, sheet.id)
            return JSONResponse({"kept": False})
        text = form.get("text", "").replace("\r\n", "\n")
        try:
            await run_in_threadpool(drafts.keep, user, sheet.id, text, form.get("loaded", ""), saved)
        except TooLarge as exc:
            return PlainTextResponse(f"Not kept: {exc}.", 413)
        except OSError as exc:
            return PlainTextResponse(f"Not kept on the server ({exc.strerror or exc}); this browser keeps a copy.",
                                     507)
        return JSONResponse({"kept": text != saved})  # the saved text itself: the draft was removed
