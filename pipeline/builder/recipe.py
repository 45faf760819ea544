"""The build recipe: find records, rebuild the ones whose inputs changed, publish, report."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .. import writers
from ..base import output
from ..base.errors import ConfigError, Diagnostic, Location, RecordError
from ..base.fingerprint import Fingerprints, digest, file_digest
from ..base.output import TEMP_PREFIX, PartlyPublished, keep_edited
from ..base.paths import display
from ..figures import shared as data
from ..figures import staleness
from ..records.yamlload import read_file
from . import changes, status, work
from .lock import OutputLock
from .manifest import Entry, Failure, Manifest

RECORD_SUFFIXES = (".yaml", ".yml")
CHECKPOINT = 3.0  # seconds: save the manifest this often while publishing, so a killed run loses little
FIGURES_MOVED = "shared figure changed"  # the reason a sheet whose shared figures moved is rebuilt
PUBLISH_BATCH = 32  # built sheets whose files are flushed to disk together (one syncfs), then published


@dataclass
class Options:
    """How a run builds: where things are, what to rebuild, how strictly, how in parallel."""

    templates: Path = Path("templates")
    data: Path = Path("sources/data")
    out: Path = Path("output")
    formats: tuple[str, ...] = field(default_factory=writers.names)
    force: bool = False
    jobs: int = 1
    strict: bool = False
    stale_months: int = staleness.DEFAULT_MONTHS
    time_limit: float | None = 120.0
    wait: float = 0.0
    today: dt.date | None = None
    now: dt.datetime | None = None  # the run's time in CHANGES.md (default: the clock)
    progress: Callable[[int, int, str], None] | None = None


@dataclass
class Outcome:
    """What happened to one record file: built, current (up to date), checked, data (a shared-data
    file named on the command line) or failed."""

    path: str
    record_id: str | None = None
    status: str = "failed"
    reasons: list[str] = field(default_factory=list)
    changes: list[changes.FigureChange] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    stale: bool = False  # prints a figure older than --stale-months
    kept: list[str] = field(default_factory=list)  # hand-edited outputs moved to edited/

    @property
    def ok(self) -> bool:
        """Return True when the record had no errors."""
        return not self.diagnostics


@dataclass
class Report:
    """The outcome of every record of a run, in input order, and run-wide problems."""

    outcomes: list[Outcome]
    errors: list[Diagnostic] = field(default_factory=list)  # run-wide: shared data, manifest
    warnings: list[Diagnostic] = field(default_factory=list)  # run-wide: stale shared figures

    @property
    def failed(self) -> list[Outcome]:
        """Return the outcomes that had errors."""
        return [o for o in self.outcomes if not o.ok]

    def with_status(self, status: str) -> list[Outcome]:
        """Return the outcomes with this status."""
        return [o for o in self.outcomes if o.status == status]


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
    return sorted(dict.fromkeys(files))


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
    for stray in folder.glob(f"{TEMP_PREFIX}*.tmp"):
        stray.unlink(missing_ok=True)


class _Run:
    """One build: plan from hashes, render what changed, publish in input order."""

    def __init__(self, files: list[Path], opts: Options, write: bool = True, compare: bool = False,
                 layouts: dict | None = None):
        self.files, self.opts, self.write, self.compare = files, opts, write, compare
        self.layouts = layouts  # loaded at most once a run, and only when a record is built
        # `check` starts from no manifest: every record is built, in memory only. A preview reads
        # the manifest only to compare the figures printed.
        self.manifest = Manifest.load(opts.out) if write or compare else Manifest(opts.out)
        self.dataset = data.load(opts.data, display(opts.data))
        self.prints = Fingerprints(opts.templates)
        today = opts.today or dt.date.today()
        self.since = staleness.cutoff(today, opts.stale_months)
        self.stale = staleness.Ledger(self.dataset, self.since, opts.stale_months,
                                      "error" if opts.strict else "warning")
        self.data_files = _data_files(files, opts.data, self.dataset)
        self.seen: dict[str, str] = {}
        self.pending: list[tuple[_Plan, work.Result, output.Staged]] = []  # written, not yet published
        self.dirty = 0  # manifest changes not yet saved
        self.saved_at = time.monotonic()  # when the manifest was last saved, for checkpoints

    def go(self) -> Report:
        """Plan, build, publish; return the report."""
        plans = [self._plan(file) for file in self.files]
        jobs = [p.job for p in plans if p.job is not None]
        results = self._results(jobs) if jobs else iter(())
        try:
            for plan in plans:
                if plan.job is not None:
                    self._finish(plan, _checked(next(results)))
                elif plan.entry is not None:
                    self._current(plan)
            self._publish_pending()
        finally:  # a stopped run publishes nothing half-flushed
            for _, _, staged in self.pending:
                output.discard(staged)
        outcomes = [p.outcome for p in plans]
        for outcome in outcomes:  # a stale shared figure: one message naming every sheet printing it
            outcome.diagnostics = self.stale.replace(outcome.diagnostics)
        shown = {d for f in self.data_files.values() for d in f}  # reported on their own outcome
        errors = [d for d in self.dataset.diagnostics if d not in shown]
        if self.write:
            errors.extend(self._record_run(outcomes))
        warnings = [] if self.opts.strict else list(self.stale.final().values())
        return Report(outcomes, errors, warnings)

    def _record_run(self, outcomes: list[Outcome]) -> list[Diagnostic]:
        """Save the manifest, the change report and the status; return a diagnostic if that fails."""
        built = [o for o in outcomes if o.status == "built"]
        run_at = self.opts.now or dt.datetime.now(dt.UTC)
        try:
            files = {self.manifest.path: self.manifest.to_bytes()} if self.dirty else {}
            before = status.load(self.opts.out)
            now = status.sheets(before, outcomes, run_at)
            # A failure is news once: CHANGES.md is not to grow by the same failure every hour.
            failed = [(path, sheet["error"]) for path, sheet in now.items()
                      if "error" in sheet and before.get(path, {}).get("error") != sheet["error"]]
            if built or failed:
                files.update(changes.files(self.opts.out, run_at, built, failed))
            files.update(status.files(self.opts.out, before, now, outcomes))
            if files:  # the run's records, together: two flushes to disk for all of them
                output.write_together(files)
        except OSError as exc:
            return [Diagnostic(Location(display(self.opts.out)), f"cannot record this build: {exc.strerror or exc}",
                               "the sheets were published or kept as reported; free space or fix "
                               "permissions, and the next run rebuilds what it cannot confirm")]
        return []

    def _plan(self, file: Path) -> "_Plan":
        """Decide whether a record must be rebuilt, and why, from hashes alone."""
        outcome = Outcome(display(file))
        if file in self.data_files:  # named on the command line: checked as the data file it is
            outcome.status, outcome.diagnostics = "data", list(self.data_files[file])
            return _Plan(outcome)
        raw = _read(file, outcome)
        if raw is None:
            return _Plan(outcome)
        if self._still_failing(outcome, raw):
            return _Plan(outcome)
        entry = self.manifest.entries.get(outcome.path)
        inputs = self._inputs(raw, entry.layout if entry else None)
        outcome.reasons = self._reasons(entry, inputs) if self.write else ["checked"]
        if not outcome.reasons:
            return _Plan(outcome, entry=entry)
        return _Plan(outcome, work.Job(file, outcome.path, raw, self.opts.formats), entry, inputs)

    def _still_failing(self, outcome: Outcome, raw: bytes) -> bool:
        """Report a record whose costly failure (time limit, layout engine) would only repeat."""
        failure = self.manifest.failures.get(outcome.path)
        if failure is None or self.opts.force:
            return False
        layout = failure.inputs.get("layout")
        if failure.inputs != self._failure_inputs(raw, layout or None) or any(
                self._dependency_now(key) != value for key, value in failure.data.items()):
            return False
        outcome.diagnostics.append(Diagnostic(
            Location(outcome.path), f"not built again: {failure.message} (in an earlier run, with the same "
                                    f"inputs); edit the record or pass --force to try again"))
        return True

    def _failure_inputs(self, raw: bytes, layout: str | None) -> dict[str, str]:
        """Return what a costly failure depended on: the inputs, the formats and the time limit."""
        inputs = self._inputs(raw, layout) if layout else {**self._inputs(raw, None),
                                                           "templates": self.prints.all_layouts}
        return {**inputs, "layout": layout or "", "formats": ",".join(self.opts.formats),
                "time_limit": f"{self.opts.time_limit or 0:g}"}

    def _remember(self, plan: "_Plan", result: work.Result) -> None:
        """Note a costly failure in the manifest, or forget one the record no longer has."""
        path = plan.outcome.path
        if result.costly and plan.job is not None:
            self.manifest.failures[path] = Failure(
                self._failure_inputs(plan.job.data, result.layout), dict(sorted(result.reads.data.items())),
                plan.outcome.diagnostics[0].message)
        elif self.manifest.failures.pop(path, None) is None:
            return
        self._dirty()

    def _dependency_now(self, key: str) -> str | None:
        """Return what a sheet's dependency is now: a shared figure's value, or a supplied picture's hash."""
        if key.startswith("file:"):  # a seal or flag, named relative to the project (see images.py)
            return file_digest(self.opts.templates.parent / key.removeprefix("file:"))
        return self.dataset.current(key)

    def _inputs(self, raw: bytes, layout: str | None) -> dict[str, str]:
        """Return the input hashes of a record (the layout's as last built, if known)."""
        inputs = {"record": digest(raw), "fonts": self.prints.fonts, "pipeline": self.prints.pipeline}
        if layout is not None:
            inputs["templates"] = self.prints.layout(layout)
        return inputs

    def _reasons(self, entry: Entry | None, inputs: dict[str, str]) -> list[str]:
        """Return why a record needs building; empty when its outputs are current."""
        if self.opts.force:
            return ["forced (--force)"]
        if entry is None:
            return ["new record"]
        reasons = [why for key, why in (("record", "record edited"), ("templates", "template changed"),
                                        ("fonts", "fonts changed"), ("pipeline", "pipeline updated"))
                   if entry.inputs.get(key) != inputs.get(key)]
        moved = [key for key, value in entry.data.items() if self._dependency_now(key) != value]
        figures = [key for key in moved if not key.startswith("file:")]
        pictures = [key.removeprefix("file:") for key in moved if key.startswith("file:")]
        if figures:
            reasons.append(f"{FIGURES_MOVED} ({', '.join(figures)})")
        if pictures:
            reasons.append(f"picture changed ({', '.join(pictures)})")
        return reasons or self._output_reasons(entry)

    def _output_reasons(self, entry: Entry) -> list[str]:
        """Return why the published outputs of an otherwise current record cannot stand."""
        reasons = []
        for fmt in self.opts.formats:
            name = entry.id + writers.get(fmt).suffix
            found = file_digest(self.opts.out / name)
            if found is None or name not in entry.outputs:
                reasons.append(f"output missing ({name})")
            elif found != entry.outputs[name]:
                reasons.append(f"output changed by hand ({name})")
        return reasons

    def _results(self, jobs: list[work.Job]) -> Iterator[work.Result]:
        """Yield each job's result in job order, from this process or a pool of workers."""
        if self.layouts is None:
            self.layouts = _load_layouts(self.opts.templates)  # a broken template stops the run here
        total, count = len(jobs), min(self.opts.jobs, len(jobs))
        if count <= 1:
            ctx = work.Context(self.opts.templates, self.dataset, self.opts.time_limit, display, self.layouts)
            results = (work.run(job, ctx) for job in jobs)
        else:
            results = _pooled(jobs, count, self.opts, self.dataset)
        for done, (job, result) in enumerate(zip(jobs, results, strict=True), 1):
            if self.opts.progress:
                self.opts.progress(done, total, job.path)
            yield result

    def _finish(self, plan: "_Plan", result: work.Result) -> None:
        """Publish a built record, or keep its previous outputs when it failed."""
        outcome = plan.outcome
        _take(outcome, result, self.seen)
        if self.write:
            self._remember(plan, result)
        if not outcome.ok:
            return
        self._review(outcome, result.warnings, result.as_of, result.reads.data.keys())
        if outcome.ok and self.compare and plan.entry is not None:
            outcome.changes = changes.figure_changes(plan.entry.printed, result.reads.printed,
                                                    plan.entry.data, result.reads.data)
        if not outcome.ok or not self.write:
            outcome.status = "checked" if outcome.ok else "failed"
            return
        if self._same_bytes(plan, result):
            return
        staged = self._stage(outcome, result, plan.entry)
        if staged is not None:
            self.pending.append((plan, result, staged))
            if len(self.pending) >= PUBLISH_BATCH:
                self._publish_pending()

    def _same_bytes(self, plan: "_Plan", result: work.Result) -> bool:
        """Note a rebuilt sheet whose files come out byte for byte as published (a figure changed in
        a way it does not print, e.g. $48.0 million still printing as "$48 million"): nothing to publish."""
        entry, outcome = plan.entry, plan.outcome
        only_figures = all(why.startswith(FIGURES_MOVED) for why in outcome.reasons)
        if entry is None or entry.id != result.record_id or not only_figures:
            return False  # an edited record or template is reported rebuilt, as the person expects
        for suffix, blob in result.blobs.items():
            name = result.record_id + suffix
            recorded = entry.outputs.get(name)
            if recorded is None or digest(blob) != recorded or file_digest(self.opts.out / name) != recorded:
                return False
        self.manifest.entries[outcome.path] = dataclasses.replace(
            entry, inputs=dict(plan.inputs, templates=self.prints.layout(result.layout)),
            data=dict(sorted(result.reads.data.items())), printed=result.reads.printed, as_of=result.as_of)
        outcome.status = "current"
        self._dirty()
        return True

    def _stage(self, outcome: Outcome, result: work.Result, old: Entry | None) -> output.Staged | None:
        """Keep hand edits aside and write the record's files beside their targets; None if that failed."""
        files = {self.opts.out / f"{result.record_id}{suffix}": blob for suffix, blob in result.blobs.items()}
        try:
            self._keep_edits(outcome, files, old)
            return output.stage(files)
        except OSError as exc:
            outcome.diagnostics.append(self._unwritten(outcome.path, list(files), exc))
            return None

    def _publish_pending(self) -> None:
        """Flush the staged files of the pending sheets to disk at once, then publish each sheet's together."""
        pending, self.pending = self.pending, []
        if not pending:
            return
        try:
            output.flush(self.opts.out)
        except OSError as exc:
            for plan, _, staged in pending:
                output.discard(staged)
                plan.outcome.diagnostics.append(self._unwritten(plan.outcome.path, [path for _, path in staged], exc))
            return
        for plan, result, staged in pending:
            plan.outcome.written = self._publish(plan.outcome, staged)
            if plan.outcome.ok:
                self._record(plan, result)
        with contextlib.suppress(OSError):
            # The renames' folder entries, for all the batch at once. Should this fail, the disk
            # is failing: the next run finds the outputs missing or different and rebuilds them.
            output.flush(self.opts.out)

    def _record(self, plan: "_Plan", result: work.Result) -> None:
        """Note a published record in the manifest, with the figures it changed."""
        outcome = plan.outcome
        inputs = dict(plan.inputs, templates=self.prints.layout(result.layout))
        old = plan.entry
        if old is not None:
            outcome.changes = changes.figure_changes(old.printed, result.reads.printed, old.data, result.reads.data)
        outputs = {p.name: digest(result.blobs[p.suffix]) for p in outcome.written}
        self.manifest.entries[outcome.path] = Entry(
            result.record_id, [result.id_loc.line, result.id_loc.column], result.layout, inputs,
            dict(sorted(result.reads.data.items())), result.reads.printed, result.as_of, outputs)
        outcome.status = "built"
        self._dirty()

    def _publish(self, outcome: Outcome, staged: output.Staged) -> list[Path]:
        """Publish the record's staged files together (both or neither); on failure add a diagnostic."""
        names = " and ".join(display(path) for _, path in staged)
        try:
            output.publish(staged, durable=False)  # _publish_pending flushes the folder once
        except PartlyPublished as exc:
            new = ", ".join(display(path) for path in exc.done)
            outcome.diagnostics.append(Diagnostic(
                Location(outcome.path), f"cannot publish {names}: {exc.strerror}; only {new} was replaced, "
                                        f"so this sheet's files are of different versions",
                f"fix {display(self.opts.out)} (free space, permissions); the next run rebuilds this sheet"))
            # The old entry stays: the replaced file no longer matches it, so the next run rebuilds.
            return exc.done
        except OSError as exc:
            outcome.diagnostics.append(self._unwritten(outcome.path, [path for _, path in staged], exc))
            return []
        return [path for _, path in staged]

    def _unwritten(self, record: str, paths: list[Path], exc: OSError) -> Diagnostic:
        """Return the diagnostic for a record whose files could not be written (the old ones kept)."""
        names = " and ".join(display(path) for path in paths)
        return Diagnostic(Location(record), f"cannot write {names}: "
                          f"{exc.strerror or exc}; nothing was replaced, the previous files were kept",
                          f"check that {display(self.opts.out)} exists, is writable and has free space")

    def _keep_edits(self, outcome: Outcome, files: dict[Path, bytes], old: Entry | None) -> None:
        """Move aside each output changed since it was built (by hand, in Word), with a warning."""
        for path in files:
            recorded = old.outputs.get(path.name) if old is not None and old.id == outcome.record_id else None
            found = file_digest(path) if recorded else None
            if found is None or found == recorded:
                continue
            kept = display(keep_edited(path, found))
            outcome.kept.append(kept)
            outcome.warnings.append(Diagnostic(
                Location(outcome.path), f"{display(path)} was changed by hand since it was built; "
                                        f"kept it as {kept} before writing the new one",
                f"copy the change into {outcome.path}: the sheet is made from the record", "warning"))

    def _current(self, plan: "_Plan") -> None:
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
            outcome.warnings.extend(found)  # shared ones are reported once for the run, by go()

    def _dirty(self) -> None:
        """Count a manifest change; save if CHECKPOINT seconds passed since the last save (a failed
        save waits for the end). By time, not by count: each save writes the whole manifest."""
        self.dirty += 1
        if time.monotonic() - self.saved_at >= CHECKPOINT:
            self.saved_at = time.monotonic()
            try:
                self.manifest.save()
            except OSError:
                pass  # the final save reports it


@dataclass
class _Plan:
    """A record's plan: rebuild (`job`) or keep (`entry` only)."""

    outcome: Outcome
    job: work.Job | None = None
    entry: Entry | None = None
    inputs: dict[str, str] = field(default_factory=dict)


def _load_layouts(templates: Path) -> dict:
    """Load and check every layout; imported here so a run that builds nothing never loads Jinja2."""
    from ..layouts.loader import load_layouts

    return load_layouts(templates, display)


def _pooled(jobs: list[work.Job], count: int, opts: Options, dataset: data.DataSet) -> Iterator[work.Result]:
    """Yield results from `count` worker processes, in job order."""
    # forkserver: workers start clean (no inherited lock descriptor, no threads of a watcher).
    import multiprocessing  # only a run with workers pays for these imports
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("forkserver")
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


def _data_files(files: list[Path], folder: Path, dataset: data.DataSet) -> dict[Path, list[Diagnostic]]:
    """Return the files named that are shared-data files of `folder`, each with its diagnostics."""
    try:
        home = folder.resolve()
        found = [f for f in files if f.parent.resolve() == home and f.suffix == ".yaml"]
    except OSError:
        return {}
    return {f: list(dataset.files[f.stem].diagnostics) if f.stem in dataset.files else [] for f in found}


def _read(file: Path, outcome: Outcome) -> bytes | None:
    """Return a record file's bytes (what the run hashes and builds), or None with its diagnostic."""
    try:
        return read_file(file, outcome.path, one_name=True)
    except RecordError as exc:
        outcome.diagnostics.extend(exc.diagnostics)
        return None


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

