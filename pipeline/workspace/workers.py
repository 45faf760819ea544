"""The workspace's worker processes: previews, thumbnails and saves' builds never run in the server.

A record is rendered, and a PDF rasterised, only in a worker, with the per-record time limit
(work.run's alarm works in a worker's main thread, never in a server thread). The pool is made
again when the shared data or the templates change, since each worker loads them once.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from ..base.errors import ConfigError, Diagnostic, Location, PipelineError
from ..base.paths import display
from ..builder import work
from ..builder.recipe import Options, build
from ..figures import shared as data
from ..layouts.loader import load_layouts
from ..records import marking
from ..records.fieldpaths import field_in
from . import pageimages

THUMB_SCALE = 40 / 72


@dataclass
class Preview:
    """What previewing one record's text gave: its pages (each page's image named by its look, and only
    the images not known before), or its problems (each at a field)."""

    pages: pageimages.Pages = field(default_factory=pageimages.Pages)
    problems: list[dict] = field(default_factory=list)
    marked: bool = False  # the pages show the layout with its unfilled <<placeholders>> marked


@dataclass
class Saved:
    """What a save's build printed: the rebuilt lines, figure changes and problems."""

    lines: list[str] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    ok: bool = True
    rebuilt: list[dict] = field(default_factory=list)  # each rebuilt sheet: id, reasons, printed changes


def problem(d: Diagnostic, text: str | None = None) -> dict:
    """Return a diagnostic as the JSON diagnostics give it, its field found in `text` when given."""
    loc = d.location
    found = field_in(text, loc.path, loc.line, loc.column) if text is not None and loc.line else None
    return {"path": loc.path, "line": loc.line, "column": loc.column, "severity": d.severity,
            "field": found, "message": d.message, "hint": d.hint, "here": text is not None}


def pages_png(pdf: bytes, scale: float, first_only: bool = False) -> list[bytes]:
    """Return PNG images of a PDF's pages (page 1 in 64 colours when `first_only`: a small thumbnail)."""
    import pypdfium2  # only workers rasterise: pdfium is not safe to share between threads

    document = pypdfium2.PdfDocument(pdf)
    try:
        images = []
        for index in range(1 if first_only else len(document)):
            image = document[index].render(scale=scale).to_pil()
            if first_only:
                image = image.quantize(64)
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", optimize=False)
            images.append(buffer.getvalue())
        return images
    finally:
        document.close()


def preview_in_worker(job: work.Job, known: frozenset[str] = frozenset()) -> Preview:
    """Render one record's text to a PDF in memory and its pages to images, those not `known` already
    (runs in a worker)."""
    result = work.run_in_worker(job)
    text = job.data.decode("utf-8", "replace")
    if result.config_error is not None:
        return Preview(problems=[problem(d) for d in result.config_error.diagnostics])
    found = Preview(problems=[problem(d, text if d.location.path == job.path else None)
                              for d in result.diagnostics + result.warnings])
    if ".pdf" not in result.blobs and "<<" in text:  # a sheet still being filled in: its layout at once
        import datetime as dt

        from .starting import marked

        again = work.run_in_worker(work.Job(job.file, job.path, marked(text, dt.date.today()).encode("utf-8"),
                                            job.formats))
        result, found.marked = again, ".pdf" in again.blobs
    if ".pdf" in result.blobs:
        found.pages = pageimages.draw(result.blobs[".pdf"], known)
    return found


def thumbnail_in_worker(pdf: bytes) -> bytes:
    """Return page 1 of a built PDF as a small PNG (runs in a worker)."""
    return pages_png(pdf, THUMB_SCALE, first_only=True)[0]


def old_version_in_worker(found, time_limit: float | None) -> dict[str, bytes]:
    """Build an earlier version's PDF and .docx from its own text and data (runs in a worker)."""
    from ..history import oldsheet

    return oldsheet.build(found, time_limit)


def build_in_worker(files: list[Path], opts: Options, path: str = "", text: str | None = None) -> Saved:
    """Run the normal incremental build under the output lock (runs in a worker's main thread).

    Problems of the record at `path`, saved as `text`, are placed at its fields.
    """
    saved = Saved()
    try:
        report = build(files, opts)
    except (ConfigError, PipelineError) as exc:
        return Saved(problems=[problem(d) for d in getattr(exc, "diagnostics", [])], ok=False)
    except Exception as exc:  # the lock is busy (LockBusy) or the disk is full: the user must hear
        return Saved(problems=[{"path": display(opts.out), "line": 0, "column": 0, "severity": "error",
                                "field": None, "message": f"the build could not run: {exc}",
                                "hint": "wait a moment and save again"}], ok=False)
    for outcome in report.outcomes:
        if outcome.status == "built":
            saved.lines.append(f"rebuilt {outcome.record_id} ({outcome.path}): {'; '.join(outcome.reasons)}")
            saved.lines += [f"  {change}" for change in outcome.changes]
            saved.rebuilt.append({"id": outcome.record_id, "reasons": list(outcome.reasons),
                                  "changes": [str(c) for c in outcome.changes]})
        saved.problems += [problem(d, text if d.location.path == path else None)
                           for d in outcome.diagnostics + outcome.warnings]
    saved.problems += [problem(d) for d in report.errors + report.warnings]
    saved.ok = not (report.failed or report.errors)
    return saved


@dataclass
class FigurePlan:
    """What changing one shared figure would do: its value changes and each sheet's printed changes."""

    changed: list[str] = field(default_factory=list)
    sheets: list[tuple[str, list[str]]] = field(default_factory=list)
    unbuilt: list[str] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    text: str = ""


def figure_plan_in_worker(figures: dict, target: Path, opts: Options, records: Path) -> FigurePlan:
    """Preview a figure edit against the last build, as `import figures` does (runs in a worker)."""
    from ..authoring.figureimport import plan_figures

    try:
        plan = plan_figures(figures, target, opts, records)
    except PipelineError as exc:
        return FigurePlan(problems=[problem(d) for d in exc.diagnostics])
    return FigurePlan(plan.changed, [(o.record_id, [str(c) for c in o.changes]) for o in plan.report.outcomes
                                     if o.changes], plan.unbuilt,
                      [problem(d) for o in plan.report.outcomes for d in o.diagnostics], plan.text)


class Pool:
    """A pool of worker processes, made again when the shared data or templates change."""

    def __init__(self, opts: Options, workers: int = 2):
        self.opts, self.workers = opts, workers
        self._pool: ProcessPoolExecutor | None = None
        self._key: tuple | None = None
        self._lifeline = self._alive = None
        self._guard = threading.Lock()

    def _inputs_key(self) -> tuple:
        """Return the versions of every shared-data and template file."""
        found = []
        for folder in (self.opts.data, self.opts.templates):
            if folder.is_dir():
                for path in sorted(folder.rglob("*")):
                    info = path.lstat()  # a dangling link's own version: it must not break every preview
                    found.append((str(path), info.st_mtime_ns, info.st_size))
        return tuple(found)

    def executor(self) -> ProcessPoolExecutor:
        """Return a pool whose workers hold the current shared data and layouts."""
        with self._guard:
            key = self._inputs_key()
            if self._pool is None or key != self._key:
                self._stop()
                load_layouts(self.opts.templates)  # a broken template: ConfigError, shown to the user
                dataset = data.load(self.opts.data, display(self.opts.data))
                context = multiprocessing.get_context("forkserver")  # workers start clean, no threads
                self._lifeline, self._alive = context.Pipe(duplex=False)
                self._pool = ProcessPoolExecutor(
                    self.workers, mp_context=context, initializer=work.init_worker,
                    initargs=(self.opts.templates, dataset, self.opts.time_limit, os.getcwd(), self._lifeline))
                self._key = key
            return self._pool

    def call(self, function, *args):
        """Run `function(*args)` in a worker and return its result; a dead pool is made again."""
        try:
            return self.executor().submit(function, *args).result()
        except BrokenProcessPool:
            with self._guard:
                self._stop()
            raise

    def _stop(self) -> None:
        """Stop the workers, if any."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._lifeline.close()
            self._alive.close()
            self._pool = None

    def close(self) -> None:
        """Stop the workers for good."""
        with self._guard:
            self._stop()


def job_for(file: Path, text: str, ceiling: str = marking.CEILING) -> work.Job:
    """Return the preview job of a record's text as typed, checked against the project's ceiling."""
    return work.Job(file, display(file), text.encode("utf-8"), ("pdf",), ceiling)


def unusable(message: str, hint: str) -> dict:
    """Return a problem that is not at any line (a worker died, the server is busy)."""
    return problem(Diagnostic(Location("workspace"), message, hint))
