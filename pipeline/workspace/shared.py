"""The workspace's shared-data pages: the shared figures (change one, see each sheet's numbers
move before saving) and the change history. A mixin of app._State, whose sessions, tokens, pool
and build it uses."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from ..authoring import catalog
from ..authoring.holds import Held
from ..base import confine
from ..base.errors import PipelineError
from ..base.output import write_atomic
from ..base.paths import display
from ..builder import status
from ..builder.lock import LockBusy, OutputLock
from ..figures import shared as data
from ..figures import staleness
from . import buildwords, figurechange, sheets
from . import held as waiting
from .identity import note_recorded, write_recorded

RUNS_PER_PAGE = 20  # builds shown per page of the Changes page, newest first
LOCK_WAIT = 10.0  # seconds an Approve or Reject waits for a running update or build before saying so
BUSY = ("Nothing was changed: the scheduled update or a build is running right now. Try again in a minute.")
KEPT = 1000  # thumbnails and previews kept in memory: a few hundred sheets' worth, at most ~100 MB


class SharedPages:
    """The figures and changes pages (mixed into the application's state)."""

    async def figures(self, request: Request) -> Response:
        dataset = data.load(self.opts.data, display(self.opts.data))
        since = staleness.cutoff(self.opts.today or dt.date.today(), self.opts.stale_months)
        found = catalog.entries(dataset, self.opts.out, since)
        hashes = {f"data.{p.stem}": sheets.text_hash(_read(p, self.opts.data)) for p in self.opts.data.glob("*.yaml")
                  if confine.is_real_file(p, self.opts.data)}  # a link, a pipe: its problem is listed, not read
        return self._page(request, "figures.html", figures=found, months=self.opts.stale_months,
                          problems=[d.message + (f"; {d.hint}" if d.hint else "") for d in dataset.diagnostics],
                          hashes=hashes, titles=self._titles(), held=self._held(dataset), message=None, saved=None,
                          failed=False)

    def _held(self, dataset=None) -> list[dict]:
        """Return the changes `factsheets update` held for a person, as the figures page shows them."""
        feeds = status.load_body(self.opts.out).get("feeds", {})
        return waiting.shown(Held(self.opts.out).held, dataset or self._dataset(), feeds)

    def _held_section(self, request: Request, status_code: int, message: str, saved=None) -> Response:
        """Answer an Approve or Reject with the held changes left, the outcome said first."""
        return self._fragment("held.html", status_code, held=self._held(), message=message, saved=saved,
                              failed=status_code != 200,
                              csrf=self._token(request.cookies.get("factsheets_session", "")), titles=self._titles())

    async def _held_change(self, request: Request):
        """Return (key, entry, data file) of a checked Approve or Reject, or a response refusing it."""
        _, refused = await self._posted(request)
        if refused:
            return None, None, None, refused
        key = request.path_params["key"]
        entry = Held(self.opts.out).held.get(key)
        if entry is None:
            return None, None, None, self._held_section(
                request, 404, "This change is no longer waiting: someone approved or rejected it already, or a "
                              "newer fetch replaced it. The list below is up to date.")
        target = self.opts.data / f"{entry['file']}.yaml"
        if not confine.is_real_file(target, self.opts.data):  # a link out of the project is not a figure file
            return None, None, None, PlainTextResponse("no such shared figure", 404)
        return key, entry, target, None

    async def held_approve(self, request: Request) -> Response:
        """Write a held change as `factsheets update --approve` does, record who approved it, and build."""
        from ..authoring import feeds

        async with self.saving:
            key, entry, target, refused = await self._held_change(request)
            if refused:
                return refused
            change = next(h for h in self._held() if h["key"] == key)
            dependants, _ = self._dependants(entry["figure"], target)
            try:
                await run_in_threadpool(_locked, self.opts.out, lambda: write_recorded(
                    [target], self.who(request), "approve", lambda: feeds.approve([key], self.opts, dependants),
                    _summary(change)))
            except LockBusy:
                return self._held_section(request, 409, BUSY)
            except PipelineError as exc:
                d = exc.diagnostics[0]
                return self._held_section(request, 400, f"Not approved: {d.message}" + (f"; {d.hint}" if d.hint else ""))
            result = await self._build("", None)
        result.problems = self._plain(result.problems)
        return self._held_section(request, 200, f"Approved: {_summary(change)}, written as the feed gave it; the "
                                                f"sheets that print it were rebuilt.", saved=result)

    async def held_reject(self, request: Request) -> Response:
        """Drop a held change as `factsheets update --reject` does (not held again) and record who rejected it."""
        from ..authoring import feeds

        async with self.saving:
            key, entry, target, refused = await self._held_change(request)
            if refused:
                return refused
            change = next(h for h in self._held() if h["key"] == key)
            try:
                await run_in_threadpool(_locked, self.opts.out, lambda: feeds.reject([key], self.opts))
            except LockBusy:
                return self._held_section(request, 409, BUSY)
            await run_in_threadpool(note_recorded, target, self.who(request), "reject", _summary(change))
        return self._held_section(request, 200, f"Rejected: {change['label']} keeps its figures; the same change "
                                                f"from the feed will not be held again.")

    def _figure_edit(self, request: Request, form: dict[str, str]):
        """Return (data file, {key: Figure}) of a figure edit form, or raise ValueError saying what is wrong."""
        from ..authoring.figureimport import Figure

        match = data.KEY_RE.match(request.path_params["figure"])
        if not match or match.group(3) or match.group(4):
            raise LookupError()
        target = self.opts.data / f"{match.group(1)}.yaml"
        if not confine.is_real_file(target, self.opts.data):  # a link out of the project is not a figure file
            raise LookupError()
        figure = Figure(match.group(2))
        for key, value in form.items():
            if key.startswith("value:"):
                year = key.split(":", 1)[1]
                figure.values[int(year) if year.isdigit() else None] = _number(value, year)
        if form.get("as_of", "").strip():
            try:
                dt.date.fromisoformat(form["as_of"].strip())
            except ValueError:
                raise ValueError(f"“As of” must be a date written like 2026-11-30, not “{form['as_of']}”") from None
            figure.meta["as_of"] = form["as_of"].strip()
        return target, {figure.name: figure}

    async def _figure_plan(self, request: Request):
        """Return the form and the plan of a figure edit, or a response refusing it."""
        form, refused = await self._posted(request)
        if refused:
            return None, None, refused
        try:
            target, figures = self._figure_edit(request, form)
        except LookupError:
            return None, None, PlainTextResponse("no such shared figure", 404)
        except ValueError as exc:
            return None, None, self._fragment("figure_plan.html", 400, plan=None, refused=str(exc))
        dependants, unbuilt = self._dependants(next(iter(figures)), target)
        try:
            plan = await figurechange.plan(self.pool, figures, target, self.opts, dependants)
            plan.unbuilt = unbuilt
        except Exception as exc:
            return None, None, self._fragment("figure_plan.html", 500, plan=None,
                                              refused=f"the change could not be previewed: {exc}")
        return form, (target, plan), None

    def _dependants(self, key: str, target: Path) -> tuple[list, list[str]]:
        """Return the record files whose last build printed the figure 'data.<file>.<key>' (only they are
        compared, so a problem in an unrelated sheet never blocks a change) and the ids of the never-built ones."""
        from ..builder.recipe import Manifest

        manifest = Manifest.load(self.opts.out)
        printing = {path for path, entry in manifest.entries.items()
                    if any((m := data.KEY_RE.match(k)) and m.group(1, 2) == (target.stem, key) for k in entry.data)}
        found = self._sheets()
        return [s.file for s in found if s.path in printing], [s.id for s in found if s.path not in manifest.entries]

    async def figure_preview(self, request: Request) -> Response:
        form, found, refused = await self._figure_plan(request)
        if refused:
            return refused
        found[1].problems = self._plain(found[1].problems)
        return self._fragment("figure_plan.html", plan=found[1], refused=None, saved=None, titles=self._titles())

    async def figure_save(self, request: Request) -> Response:
        form, found, refused = await self._figure_plan(request)
        if refused:
            return refused
        target, plan = found
        if plan.problems or not plan.text:
            plan.problems = self._plain(plan.problems)
            return self._fragment("figure_plan.html", 400, plan=plan, refused="Not saved: fix the problems first.",
                                  titles=self._titles())
        async with self.saving:
            try:
                current = _read(target, self.opts.data)
            except OSError:
                return PlainTextResponse("no such shared figure", 404)
            if sheets.text_hash(current) != form.get("loaded", ""):
                return self._fragment("figure_plan.html", 409, plan=None, saved=None,
                                      refused="Not saved: someone else changed this data file after you "
                                              "opened the page. Reload the page to see their values.")
            await run_in_threadpool(write_recorded, [target], self.who(request), "figures",
                                    lambda: write_atomic(target, plan.text.encode("utf-8")))
            job = self._rebuilds().start(self.pool, [s.file for s in self._sheets()], self.opts, plan=plan)
        return self._rebuilding(job, figure=request.path_params["figure"], target=target)

    def _rebuilds(self) -> figurechange.Rebuilds:
        if not hasattr(self, "rebuilds"):
            self.rebuilds = figurechange.Rebuilds()
        return self.rebuilds

    def _rebuilding(self, job, figure: str = "", target: Path | None = None) -> Response:
        """Answer a save whose rebuild runs in the background: its progress, or its outcome when done; the
        figure's new values and the data file's new version go into the table (htmx out-of-band)."""
        shown = self._figure_row(figure, target) if figure else None
        if not job.done:
            done, total = job.counts()
            return self._fragment("figure_rebuild.html", job=job, done=done, total=total, row=shown)
        job.saved.problems = self._plain(job.saved.problems)
        return self._fragment("figure_plan.html", plan=job.extra["plan"], refused=None, saved=job.saved,
                              titles=self._titles(), row=shown)

    def _figure_row(self, figure: str, target: Path) -> dict | None:
        """Return the figure's catalog entry as saved, and its data file's new version, for the table."""
        since = staleness.cutoff(self.opts.today or dt.date.today(), self.opts.stale_months)
        found = catalog.entries(data.load(self.opts.data, display(self.opts.data)), self.opts.out, since)
        entry = next((e for e in found if e["name"] == figure), None)
        return entry and {"entry": entry, "loaded": sheets.text_hash(_read(target, self.opts.data))}

    async def figure_rebuild(self, request: Request) -> Response:
        """Answer the page's question 'how far is the rebuild?' (a GET: it changes nothing)."""
        job = self._rebuilds().running.get(request.path_params["key"])
        if job is None:
            return PlainTextResponse("This rebuild is no longer known (the workspace was restarted): reload "
                                     "the page to see the sheets as they are.", 404)
        if request.query_params.get("wait") == "1":  # a script's (or a test's) way to hear the outcome only
            await job.finished.wait()
        return self._rebuilding(job)

    def _titles(self) -> dict[str, str]:
        """Return each sheet's title by its id: pages name sheets by title."""
        return {s.id: s.title for s in self._sheets()}

    async def changes(self, request: Request) -> Response:
        history = self.opts.out / "CHANGES.md"
        edited = self.opts.out / "edited"
        kept = sorted(p.name for p in edited.iterdir() if p.is_file()) if edited.is_dir() else []
        text = _read(history, self.opts.out).decode("utf-8", "replace") \
            if confine.is_real_file(history, self.opts.out) else ""
        runs = list(reversed(_runs(text)))
        pages = max(1, -(-len(runs) // RUNS_PER_PAGE))
        asked = request.query_params.get("page", "1")
        number = min(max(int(asked) if asked.isdigit() else 1, 1), pages)
        edits, edit_pages, edit_page, edits_problem = await run_in_threadpool(self._edits, request)
        shown = buildwords.runs(runs[(number - 1) * RUNS_PER_PAGE:number * RUNS_PER_PAGE], self._figure_labels())
        return self._page(request, "changes.html", runs=shown,
                          kept=kept, titles=self._titles(), page=number, pages=pages, edits=edits,
                          edit_page=edit_page, edit_pages=edit_pages, edits_problem=edits_problem,
                          feeds=sorted(status.load_body(self.opts.out).get("feeds", {}).items()),
                          held=sorted(Held(self.opts.out).held.items()))

    def _edits(self, request: Request):
        """Return a page of the recorded edits in plain words (edithistory), its number and count, or a problem."""
        from ..history.store import HistoryError
        from . import edithistory

        asked = request.query_params.get("edits", "1")
        number = int(asked) if asked.isdigit() else 1
        try:
            found, pages = edithistory.page(self.project.sources[0], Path.cwd(), number)
        except HistoryError as exc:
            return [], 1, 1, str(exc)
        return found, pages, min(max(number, 1), pages), None


def _locked(out: Path, work):
    """Run `work` holding the output folder's lock, as `factsheets update` does: a scheduled update running
    meanwhile would otherwise write its own copy of held.json over this step."""
    with OutputLock(out, wait=LOCK_WAIT):
        return work()


def _summary(change: dict) -> str:
    """Return a held change in a line: its label and each value old → new."""
    moves = "; ".join(f"{m['what']}: {m['old']} → {m['new']}" for m in change["moves"])
    return change["label"] + (f", {moves}" if moves else "")


def _read(path, root) -> bytes:
    """Return a project file's bytes by the rule of every project file (base/confine.py); OSError."""
    return confine.read_bytes(path, root)


def _runs(markdown: str) -> list[dict]:
    """Return CHANGES.md's runs (heading, items with their sub-items), read for showing as a page."""
    runs: list[dict] = []
    for line in markdown.splitlines():
        if line.startswith("## "):
            runs.append({"when": line[3:], "items": []})
        elif runs and line.startswith("- "):
            sheet, _, rest = _unescaped(line[2:]).partition(" ")
            bold = sheet.startswith("**") and sheet.endswith("**")
            if bold:  # '(sources/x.yaml): record edited': the page names the sheet by its title instead
                rest = re.sub(r"^\(.*?\):\s*", "", rest)
            runs[-1]["items"].append({"sheet": sheet.strip("*") if bold else "",
                                      "text": rest if bold else f"{sheet} {rest}", "details": []})
        elif runs and runs[-1]["items"] and line.startswith("  - "):
            runs[-1]["items"][-1]["details"].append(_unescaped(line[4:]))
    return runs


def _unescaped(text: str) -> str:
    """Return CHANGES.md text without its Markdown escapes (the page escapes it as HTML)."""
    return re.sub(r"\\(.)", r"\1", text)


def _number(text: str, year: str) -> int | float:
    """Return a typed figure value as a number; ValueError says which one is not."""
    cleaned = text.strip().replace(",", "")
    try:
        return int(cleaned) if cleaned.lstrip("-").isdigit() else float(cleaned)
    except ValueError:
        where = f"the {year} value" if year else "the value"
        raise ValueError(f"{where} must be a number such as 5700 or 12.5, not “{text}”") from None


def keep(cache: dict, key, value) -> None:
    """Put a value in a bounded cache, dropping the oldest entry when full."""
    cache.pop(key, None)
    if len(cache) >= KEPT:
        del cache[next(iter(cache))]
    cache[key] = value
