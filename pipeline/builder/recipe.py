"""The build recipe: find records, plan (plan.py), rebuild the ones whose inputs changed (work.py), publish
(publish.py), report."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

from ..base.errors import ConfigError, Diagnostic, Location
from ..base.fingerprint import Fingerprints
from ..base.output import TEMP_PREFIX
from ..base.paths import display
from ..figures import shared as data
from ..figures import staleness
from . import changes, work
from .lock import OutputLock
from .manifest import Manifest
from .options import Options
from .outcome import Outcome, Report
from .plan import Plan, Planner, data_files
from .publish import MAP_FOLDER, Publisher

RECORD_SUFFIXES = (".yaml", ".yml")
# The publisher's pace, read when a run starts:
CHECKPOINT = 3.0  # seconds: save the manifest this often while publishing, so a killed run loses little
PUBLISH_BATCH = 32  # built sheets whose files are flushed to disk together (one syncfs), then published


def discover(paths: list[Path]) -> list[Path]:
    """Return the record files named by `paths` (folders: their *.yaml files), sorted, once each."""
    files = []
    for path in paths:
        if path.is_dir():
            files.extend(p for p in path.iterdir() if p.suffix in RECORD_SUFFIXES and p.is_file())
        elif path.is_file():
            files.append(path)
        else:
            raise ConfigError([Diagnostic(Location(display(path)), "no such file or folder",
                                          "name record files or folders that hold them")])
    # By parts, as Path's own order is, without its comparison per pair (10,000 records: 0.14 s).
    return sorted(dict.fromkeys(files), key=lambda p: p.parts)


def check(files: list[Path], opts: Options) -> Report:
    """Do everything a build does but write: the same diagnostics, no lock, no files."""
    # Every record is rendered through every writer in memory: what fails to lay out here would
    # fail in build, and what build would warn about is warned about here.
    return _Run(files, opts, write=False).go()


def preview(files: list[Path], opts: Options) -> Report:
    """Render records in memory and report the printed figures that differ from their last build.

    Writes nothing and takes no lock, like check; each outcome's `changes` hold old → new.
    """
    return _Run(files, opts, write=False, compare=True).go()


def build(files: list[Path], opts: Options) -> Report:
    """Rebuild the records whose inputs or outputs changed; LockBusy if another run holds `out`."""
    layouts = None
    if not opts.out.is_dir():
        layouts = _load_layouts(opts.templates)  # a broken template must not even create the folder
        _make_folder(opts.out)
    with OutputLock(opts.out, opts.wait):
        remove_strays(opts.out)
        return _Run(files, opts, layouts=layouts).go()


def _make_folder(folder: Path) -> None:
    """Create the output folder; ConfigError naming it when that is impossible."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        what = "it is a file, not a folder" if folder.is_file() else exc.strerror or str(exc)
        raise ConfigError([Diagnostic(Location(display(folder)), f"cannot use this output folder: {what}",
                                      "pass --out with a folder you can write to")]) from None


def remove_strays(folder: Path) -> None:
    """Delete temporary files a killed run left behind (we hold the lock: nobody else writes)."""
    for stray in (*folder.glob(f"{TEMP_PREFIX}*.tmp"), *folder.glob(f"{MAP_FOLDER}/{TEMP_PREFIX}*.tmp")):
        stray.unlink(missing_ok=True)


class _Run:
    """One build, as its recipe: plan from hashes, build what changed, publish in input order, report."""

    def __init__(self, files: list[Path], opts: Options, write: bool = True, compare: bool = False,
                 layouts: dict | None = None):
        self.files, self.opts, self.write, self.compare = files, opts, write, compare
        self.layouts = layouts  # loaded at most once a run, and only when a record is built
        # `check` starts from no manifest: every record is built, in memory only. A preview reads
        # the manifest only to compare the figures printed.
        manifest = Manifest.load(opts.out) if write or compare else Manifest(opts.out)
        self.dataset = data.load(opts.data, display(opts.data))
        self.since = staleness.cutoff(opts.today or dt.date.today(), opts.stale_months)
        self.stale = staleness.Ledger(self.dataset, self.since, opts.stale_months,
                                      "error" if opts.strict else "warning")
        self.data_files = data_files(files, opts.data, self.dataset)
        self.planner = Planner(manifest, self.dataset, opts, self.data_files, write)
        self.publisher = Publisher(opts.out, manifest, PUBLISH_BATCH, CHECKPOINT)
        self.seen: dict[str, str] = {}  # record id → the file that has it, to refuse duplicates

    def go(self) -> Report:
        """Plan, build, publish; return the report."""
        plans, building = [], 0
        for file in self.files:
            plans.append(self.planner.plan(file))
            building += plans[-1].job is not None
            if building == 2 and self.opts.jobs > 1:  # a pool will build: its server imports meanwhile
                _start_pool_server()
        if self.write and self.planner.restamped:
            self.publisher.changed()  # saved with the run's records, so the next run need not hash them
        jobs = [p.job for p in plans if p.job is not None]
        results = self._results(jobs) if jobs else iter(())
        with self.publisher.batches():
            for plan in plans:
                if plan.job is not None:
                    self._finish(plan, _checked(next(results)))
                elif plan.entry is not None:
                    self._current(plan)
        return self._report([p.outcome for p in plans])

    def _report(self, outcomes: list[Outcome]) -> Report:
        """Return the run's report, having recorded the run (manifest, changes, status) if it writes."""
        for outcome in outcomes:  # a stale shared figure: one message naming every sheet printing it
            outcome.diagnostics = self.stale.replace(outcome.diagnostics)
        shown = {d for f in self.data_files.values() for d in f}  # reported on their own outcome
        errors = [d for d in self.dataset.diagnostics if d not in shown]
        if self.write:
            errors.extend(self.publisher.record_run(outcomes, self.opts.now or dt.datetime.now(dt.UTC)))
        warnings = [] if self.opts.strict else list(self.stale.final().values())
        return Report(outcomes, errors, warnings)

    def _results(self, jobs: list[work.Job]) -> Iterator[work.Result]:
        """Yield each job's result in job order, from this process or a pool of workers."""
        if self.layouts is None:
            self.layouts = _load_layouts(self.opts.templates)  # a broken template stops the run here
        total, count = len(jobs), min(self.opts.jobs, len(jobs))
        if count <= 1:
            ctx = work.Context(self.opts.templates, self.dataset, self.opts.time_limit, self.layouts)
            results = (work.run(job, ctx) for job in jobs)
        else:
            results = _pooled(jobs, count, self.opts, self.dataset)
        for done, (job, result) in enumerate(zip(jobs, results, strict=True), 1):
            if self.opts.progress:
                self.opts.progress(done, total, job.path)
            yield result

    def _finish(self, plan: Plan, result: work.Result) -> None:
        """Hand a built record to the publisher, or keep its previous outputs when it failed."""
        outcome = plan.outcome
        _take(outcome, result, self.seen)
        if self.write and self.planner.remember(plan, result):
            self.publisher.changed()
        if not outcome.ok:
            return
        self._review(outcome, result.warnings, result.as_of, result.reads.data.keys())
        if outcome.ok and self.compare and plan.entry is not None:
            outcome.changes = changes.figure_changes(plan.entry.printed, result.reads.printed,
                                                    plan.entry.data, result.reads.data)
        if not outcome.ok or not self.write:
            outcome.status = "checked" if outcome.ok else "failed"
            return
        self.publisher.add(plan, result, self.planner.built_inputs(plan, result.layout))

    def _current(self, plan: Plan) -> None:
        """Report a record whose outputs are up to date; still check duplicates and staleness."""
        outcome, entry = plan.outcome, plan.entry
        outcome.record_id, outcome.status = entry.id, "current"
        if entry.id in self.seen:
            where = Location(outcome.path, *entry.id_at)
            outcome.diagnostics.append(_duplicate(where, entry.id, self.seen[entry.id]))
            return
        self.seen[entry.id] = outcome.path
        self._review(outcome, [], entry.as_of, entry.data.keys())
        if not outcome.ok:
            outcome.status = "failed"

    def _review(self, outcome: Outcome, slips: list[Diagnostic], as_of: list[dict], data_keys) -> None:
        """Add a built record's warnings: its slips and stale figures (errors under --strict).

        `check` and `build` both come here, so they say the same about the same record.
        """
        strict = self.opts.strict
        found = [*slips, *staleness.own(outcome.path, as_of, self.since, self.opts.stale_months, "warning")]
        shared = self.stale.note(outcome.path, data_keys)
        outcome.stale = len(found) > len(slips) or bool(shared)
        if strict:
            outcome.diagnostics.extend([dataclasses.replace(d, severity="error") for d in found] + shared)
        else:
            outcome.warnings.extend(found)  # shared ones are reported once for the run, by _report()


# A resident build process (the build daemon) keeps the layouts it has loaded, by working folder and
# templates folder, with the content hash of every file there: a build finding the same hash reuses
# them, any edit loads afresh. Layouts with a seal picture (checked when loaded) are never kept.
# None: nothing is kept (every one-shot run).
kept_layouts: dict[tuple[str, str], tuple[str, dict]] | None = None


def _load_layouts(templates: Path) -> dict:
    """Load and check every layout; imported here so a run that builds nothing never loads Jinja2."""
    from ..layouts.loader import load_layouts

    if kept_layouts is None:
        return load_layouts(templates)
    key, digest = (os.getcwd(), str(templates)), Fingerprints(templates).all_layouts
    kept = kept_layouts.get(key)
    if kept is not None and kept[0] == digest:
        return kept[1]
    layouts = load_layouts(templates)
    if not any("seal" in layout.defaults for layout in layouts.values()):
        kept_layouts[key] = (digest, layouts)
    return layouts


def _start_pool_server():
    """Start the workers' fork server, which imports the build's modules (about 0.3 s of a core) while
    this process goes on planning and loading the layouts; return its context. Already running: kept."""
    # forkserver: workers start clean (no inherited lock descriptor, no threads of a watcher).
    import multiprocessing  # only a run with workers pays for these imports
    from multiprocessing import forkserver

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(work.WORKER_MODULES))  # imported once, not once per worker
    forkserver.ensure_running()  # starts it and returns: the imports happen in the server
    return context


def _pooled(jobs: list[work.Job], count: int, opts: Options, dataset: data.DataSet) -> Iterator[work.Result]:
    """Yield results from `count` worker processes, in job order."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context = _start_pool_server()
    # Only this process holds `alive`'s writing end: when it dies, however (SIGKILL included),
    # the workers read end-of-file and exit, and with them the forkserver and resource tracker.
    lifeline, alive = context.Pipe(duplex=False)
    pool = ProcessPoolExecutor(count, mp_context=context, initializer=work.init_worker,
                               initargs=(opts.templates, dataset, opts.time_limit, os.getcwd(), lifeline))
    try:
        yield from pool.map(work.run_in_worker, jobs)
    except BrokenProcessPool as exc:
        raise ConfigError([Diagnostic(Location(display(opts.templates)),
                                      f"a worker process died: {exc}",
                                      "run again with --jobs 1 to see which record causes it")])
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        lifeline.close()
        alive.close()


def _checked(result: work.Result) -> work.Result:
    """Return the result; a template bug found while rendering stops the run."""
    if result.config_error is not None:
        raise result.config_error
    return result


def _take(outcome: Outcome, result: work.Result, seen: dict[str, str]) -> None:
    """Copy a result's id and errors to the outcome, refusing an id an earlier record has."""
    outcome.record_id, outcome.diagnostics = result.record_id, list(result.diagnostics)
    if outcome.ok and result.record_id in seen:
        outcome.diagnostics = [_duplicate(result.id_loc, result.record_id, seen[result.record_id])]
    elif outcome.ok:
        seen[result.record_id] = outcome.path


def _duplicate(where: Location, record_id: str, other: str) -> Diagnostic:
    """Return the error for an output name two records share."""
    return Diagnostic(where, f"output name '{record_id}' is already used by {other}",
                      "give this record its own 'id:' (or rename the file)")

