"""The workspace's History tab: a sheet's versions, compare two (in the page, or as a Word redline),
restore one, and its clearance (send, clear, return). A mixin of app._State."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from ..base.output import write_atomic
from ..history import clearance, compare, oldsheet, redline, restore
from ..history.record import HistoryError, catch_up
from ..history.store import Store, UnknownVersion
from . import merging, sheets, workers
from .identity import write_recorded

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TYPES = {"pdf": "application/pdf", "docx": DOCX}


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

    async def old_sheet(self, request: Request) -> Response:
        """Serve an earlier version's PDF or .docx: kept from an earlier request, or built now in a worker."""
        sheet, fmt = self._sheet(request), request.path_params["fmt"]
        if sheet is None or fmt not in TYPES:
            return self._page(request, "missing.html", 404, what=request.path_params["sheet_id"])
        version = request.path_params["version"]
        try:
            found, kept = await run_in_threadpool(_old_inputs, sheet.file, version, self.opts, fmt)
        except UnknownVersion as exc:
            return PlainTextResponse(f"No such version of {sheet.id}: {exc}", 404)
        except HistoryError as exc:
            return PlainTextResponse(f"The history cannot be read: {exc}", 500)
        if kept is not None:
            body = kept
        else:
            try:
                built = await run_in_threadpool(self.pool.call, workers.old_version_in_worker, found,
                                                self.opts.time_limit)
            except oldsheet.OldSheetError as exc:
                return PlainTextResponse(f"This version cannot be opened: {exc}.\nIts text is still in the "
                                         "history: compare it with a later version, or restore it and fix it.", 422)
            except Exception as exc:  # the pool died or the layouts do not load: say so, keep serving
                return PlainTextResponse(f"This version could not be built now: {type(exc).__name__}: {exc}", 503)
            await run_in_threadpool(_keep, self.opts.out, found, built)
            body = built[fmt]
        return Response(body, media_type=TYPES[fmt], headers={
            "Content-Disposition": f'attachment; filename="{sheet.id}-{found.version}.{fmt}"'})

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

    async def merge(self, request: Request) -> Response:
        """Show the saved text and the posted one side by side, field by field (after a save was refused)."""
        form, sheet, refused = await self._posted_sheet(request)
        if refused:
            return refused
        theirs = sheet.file.read_bytes()
        yours = form.get("text", "").replace("\r\n", "\n")
        base = await run_in_threadpool(_base, sheet.file, form.get("loaded", ""))
        return self._fragment("merge.html", sheet_id=sheet.id, loaded=sheets.text_hash(theirs), yours=yours,
                              clashes=merging.clashes(theirs.decode("utf-8", "replace"), yours, base), problem=None)

    async def merge_save(self, request: Request) -> Response:
        """Save the chosen mix (or your whole text) over the text it was compared with."""
        form, sheet, refused = await self._posted_sheet(request)
        if refused:
            return refused
        theirs = sheet.file.read_bytes().decode("utf-8", "replace")
        yours = form.get("yours", "").replace("\r\n", "\n")
        keep = {key[len("keep:"):] for key, value in form.items() if key.startswith("keep:") and value == "yours"}
        try:
            text = yours if form.get("whole") == "yours" else merging.mixed(theirs, yours, keep)
        except ValueError as exc:
            return self._fragment("merge.html", 400, sheet_id=sheet.id, loaded=form.get("loaded", ""), yours=yours,
                                  clashes=merging.clashes(theirs, yours), problem=f"Not saved: {exc}")
        response = await self._write(sheet, text, form.get("loaded", ""), who=self.who(request))
        if response.status_code == 200:
            response.headers["HX-Refresh"] = "true"  # the editor reloads with the saved mix
        return response

    def _back(self, sheet_id: str, problem: str | None = None) -> Response:
        """Return to the History tab, with the problem to show, if any."""
        suffix = f"?problem={quote(problem)}" if problem else ""
        return RedirectResponse(f"/sheet/{sheet_id}/history{suffix}", 303)


def _base(file: Path, loaded: str, looked: int = 20) -> bytes | None:
    """Return the text the person opened (its hash `loaded`), from the sheet's recent versions; None if not found."""
    try:
        store = Store.open(file, Path.cwd())
        for version in store.versions(file)[:looked]:
            text = store.blob(version.version, store.relative(file))
            if text is not None and sheets.text_hash(text) == loaded:
                return text
    except HistoryError:
        return None
    return None


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


def _old_inputs(file: Path, version: str, opts, fmt: str):
    """Return what a version's sheet is built from, and its kept file's bytes when it was built before."""
    store = Store.open(file, Path.cwd())
    found = oldsheet.inputs(store, file, version, opts.data, opts.templates, opts.max_classification)
    kept = oldsheet.cached(opts.out, found, fmt)
    try:
        return found, kept.read_bytes()
    except OSError:
        return found, None


def _keep(out: Path, found, built: dict[str, bytes]) -> None:
    """Keep a built version for the next request; a folder that cannot be written only costs a rebuild."""
    try:
        oldsheet.keep(out, found, built)
    except OSError:
        pass


def _old(file: Path, version: str):
    """Return a version's full id and text."""
    return restore.old_text(Store.open(file, Path.cwd()), file, version)


def _act(file: Path, who, step: str, comment: str) -> None:
    """Record a clearance step as `who`."""
    store = Store.open(file, Path.cwd())
    catch_up(store, [file])
    clearance.act(store, file, who, step, comment)
