"""The workspace's History tab: a sheet's versions, compare two (in the page, or as a Word redline),
restore one, and its clearance (send, clear, return). A mixin of app._State."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from ..base.output import write_atomic
from ..history import clearance, compare, redline, restore
from ..history.record import HistoryError, catch_up
from ..history.store import Store
from .identity import write_recorded

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class VersionPages:
    """History, compare, restore and clearance pages (mixed into the application's state)."""

    async def history(self, request: Request) -> Response:
        sheet = self._sheet(request)
        if sheet is None:
            return self._page(request, "missing.html", 404, what=request.path_params["sheet_id"])
        try:
            versions, state = await run_in_threadpool(_read, sheet.file)
        except HistoryError as exc:
            return self._page(request, "history.html", 500, sheet=sheet, versions=[], state=None, problem=str(exc))
        return self._page(request, "history.html", sheet=sheet, versions=versions, state=state,
                          problem=request.query_params.get("problem"))

    async def compare(self, request: Request) -> Response:
        sheet = self._sheet(request)
        if sheet is None:
            return self._page(request, "missing.html", 404, what=request.path_params["sheet_id"])
        a, b = request.query_params.get("a", ""), request.query_params.get("b", "")
        try:
            found, first, second = await run_in_threadpool(_compared, sheet.file, a, b)
        except HistoryError as exc:
            return PlainTextResponse(str(exc), 400)
        if request.query_params.get("as") == "docx":
            title = (f"{sheet.id}: version {a} ({first.author}, {first.date}) compared with "
                     f"version {b} ({second.author}, {second.date})")
            return Response(redline.document(title, found), media_type=DOCX, headers={
                "Content-Disposition": f'attachment; filename="{sheet.id}-{quote(a)}-{quote(b)}.docx"'})
        return self._page(request, "compare.html", sheet=sheet, a=a, b=b, first=first, second=second,
                          changes=[(change, redline.pieces(change)) for change in found])

    async def restore(self, request: Request) -> Response:
        form, sheet, refused = await self._posted_sheet(request)
        if refused:
            return refused
        version = form.get("version", "")
        try:
            commit, text = await run_in_threadpool(_old, sheet.file, version)
        except HistoryError as exc:
            return self._back(sheet.id, str(exc))
        found = await run_in_threadpool(restore.problems, sheet.file, text, self.opts.templates, self.opts.data)
        if found:
            return self._back(sheet.id, f"Not restored: version {version} does not pass the checks: {found[0].message}")
        async with self.saving:
            await run_in_threadpool(write_recorded, [sheet.file], self.who(request), "restore",
                                    lambda: write_atomic(sheet.file, text), f"version {commit[:12]}")
            await self._build(sheet.path, text.decode("utf-8"))
        return self._back(sheet.id)

    async def clearance(self, request: Request) -> Response:
        form, sheet, refused = await self._posted_sheet(request)
        if refused:
            return refused
        try:
            await run_in_threadpool(_act, sheet.file, self.who(request), form.get("step", ""), form.get("comment", ""))
        except HistoryError as exc:
            return self._back(sheet.id, str(exc))
        return self._back(sheet.id)

    def _back(self, sheet_id: str, problem: str | None = None) -> Response:
        """Return to the History tab, with the problem to show, if any."""
        suffix = f"?problem={quote(problem)}" if problem else ""
        return RedirectResponse(f"/sheet/{sheet_id}/history{suffix}", 303)


def _read(file: Path):
    """Return a sheet's versions (outside edits caught up first) and its clearance state."""
    store = Store.open(file, Path.cwd())
    catch_up(store, [file])
    return store.versions(file), clearance.state(store, file, clearance.rules(Path.cwd()))


def _compared(file: Path, a: str, b: str):
    """Return the fields that differ between two versions and who made each version."""
    store = Store.open(file, Path.cwd())
    first, second = store.resolve(file, a), store.resolve(file, b)
    return compare.field_changes(store, file, first, second), compare.signed(store, first), \
        compare.signed(store, second)


def _old(file: Path, version: str):
    """Return a version's full id and text."""
    return restore.old_text(Store.open(file, Path.cwd()), file, version)


def _act(file: Path, who, step: str, comment: str) -> None:
    """Record a clearance step as `who`."""
    store = Store.open(file, Path.cwd())
    catch_up(store, [file])
    clearance.act(store, file, who, step, comment)
