"""The publisher: built sheets written beside their targets, flushed to disk in batches and renamed in
together, hand-edited outputs kept aside, the manifest saved at checkpoints and with the run's records."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from ..base import output
from ..base.errors import Diagnostic, Location
from ..base.fingerprint import digest, file_digest
from ..base.output import PartlyPublished, keep_edited
from ..base.paths import display
from . import changes, status, work
from .manifest import STAMPS, Entry, Manifest, stamp
from .outcome import Outcome
from .plan import FIGURES_MOVED, Plan

MAP_FOLDER = ".map"  # output/.map/<id>.json: each Word file's map back to its record (render/provenance.py)


class _Pending(NamedTuple):
    """A sheet whose files are written beside their targets, not yet flushed and published."""

    plan: Plan
    result: work.Result
    inputs: dict[str, str]  # the input hashes the manifest remembers once it is published
    staged: output.Staged


class Publisher:
    """Publishes a run's sheets into the output folder and keeps its manifest."""

    def __init__(self, out: Path, manifest: Manifest, batch: int, checkpoint: float):
        """Publish into `out` in batches of `batch` sheets; save `manifest` every `checkpoint` seconds
        while publishing (so a killed run loses little), and with the run's records at the end."""
        self.out, self.manifest, self.batch, self.checkpoint = out, manifest, batch, checkpoint
        self.pending: list[_Pending] = []
        self.dirty = 0  # manifest changes not yet saved
        self.saved_at = time.monotonic()  # when the manifest was last saved, for checkpoints

    @contextlib.contextmanager
    def batches(self) -> Iterator[Publisher]:
        """Publish what is still pending at the end; a stopped run publishes nothing half-flushed."""
        try:
            yield self
            self._publish_pending()
        finally:
            for item in self.pending:
                output.discard(item.staged)

    def add(self, plan: Plan, result: work.Result, inputs: dict[str, str]) -> None:
        """Stage a built sheet's files; publish the batch once it is full."""
        if self._same_bytes(plan, result, inputs):
            return
        staged = self._stage(plan.outcome, result, plan.entry)
        if staged is None:
            return
        self.pending.append(_Pending(plan, result, inputs, staged))
        if len(self.pending) >= self.batch:
            self._publish_pending()

    def _same_bytes(self, plan: Plan, result: work.Result, inputs: dict[str, str]) -> bool:
        """Note a rebuilt sheet whose files come out byte for byte as published (a shared figure moved
        in a way it does not print: 48000000 → 48000001 still prints "$48 million"): nothing to publish."""
        entry, outcome = plan.entry, plan.outcome
        only_figures = all(why.startswith(FIGURES_MOVED) for why in outcome.reasons)
        if entry is None or entry.id != result.record_id or not only_figures:
            return False  # an edited record or template is reported rebuilt, as the person expects
        for suffix, blob in result.blobs.items():
            name = result.record_id + suffix
            recorded = entry.outputs.get(name)
            if recorded is None or digest(blob) != recorded or file_digest(self.out / name) != recorded:
                return False
        self.manifest.entries[outcome.path] = dataclasses.replace(
            entry, inputs=inputs, data=dict(sorted(result.reads.data.items())), printed=result.reads.printed,
            as_of=result.as_of)
        outcome.status = "current"
        self.changed()
        return True

    def changed(self) -> None:
        """Count a manifest change; save if `checkpoint` seconds passed since the last save (a failed
        save waits for the end). By time, not by count: each save writes the whole manifest."""
        self.dirty += 1
        if time.monotonic() - self.saved_at >= self.checkpoint:
            self.saved_at = time.monotonic()
            try:
                self.manifest.save()
            except OSError:
                pass  # the final save reports it

    def record_run(self, outcomes: list[Outcome], run_at: dt.datetime) -> list[Diagnostic]:
        """Save the manifest, the change report and the status; return a diagnostic if that fails."""
        built = [o for o in outcomes if o.status == "built"]
        try:
            files = {self.manifest.path: self.manifest.to_bytes(),
                     self.manifest.path.with_name(STAMPS): self.manifest.stamps_bytes()} if self.dirty else {}
            before = status.load(self.out)
            now = status.sheets(before, outcomes, run_at)
            # A failure is news once: CHANGES.md is not to grow by the same failure every hour.
            failed = [(path, sheet["error"]) for path, sheet in now.items()
                      if "error" in sheet and before.get(path, {}).get("error") != sheet["error"]]
            if built or failed:
                files.update(changes.files(self.out, run_at, built, failed))
            files.update(status.files(self.out, before, now, outcomes))
            if files:  # the run's records, together: two flushes to disk for all of them
                output.write_together(files)
        except OSError as exc:
            return [Diagnostic(Location(display(self.out)), f"cannot record this build: {exc.strerror or exc}",
                               "the sheets were published or kept as reported; free space or fix "
                               "permissions, and the next run rebuilds what it cannot confirm")]
        return []

    def _stage(self, outcome: Outcome, result: work.Result, old: Entry | None) -> output.Staged | None:
        """Keep hand edits aside and write the record's files beside their targets; None if that failed."""
        files = {self.out / f"{result.record_id}{suffix}": blob for suffix, blob in result.blobs.items()}
        try:
            self._keep_edits(outcome, files, old)
            if result.map is not None:  # beside the sheets, never counted as one of its outputs
                (self.out / MAP_FOLDER).mkdir(exist_ok=True)
                files[self.out / MAP_FOLDER / f"{result.record_id}.json"] = result.map
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
            output.flush(self.out)
        except OSError as exc:
            for item in pending:
                output.discard(item.staged)
                outcome = item.plan.outcome
                outcome.diagnostics.append(self._unwritten(outcome.path, [path for _, path in item.staged], exc))
            return
        for item in pending:
            item.plan.outcome.written = self._publish(item.plan.outcome, item.staged)
            if item.plan.outcome.ok:
                self._record(item)
        with contextlib.suppress(OSError):
            # The renames' folder entries, for all the batch at once. Should this fail, the disk
            # is failing: the next run finds the outputs missing or different and rebuilds them.
            output.flush(self.out)

    def _record(self, item: _Pending) -> None:
        """Note a published record in the manifest, with the figures it changed."""
        outcome, result, old = item.plan.outcome, item.result, item.plan.entry
        if old is not None:
            outcome.changes = changes.figure_changes(old.printed, result.reads.printed, old.data, result.reads.data)
        outputs = {p.name: digest(result.blobs[p.suffix]) for p in outcome.written}
        self.manifest.stamps.update({p.name: found for p in outcome.written if (found := stamp(p)) is not None})
        self.manifest.entries[outcome.path] = Entry(
            result.record_id, [result.id_loc.line, result.id_loc.column], result.layout, item.inputs,
            dict(sorted(result.reads.data.items())), result.reads.printed, result.as_of, outputs)
        outcome.status = "built"
        self.changed()

    def _publish(self, outcome: Outcome, staged: output.Staged) -> list[Path]:
        """Publish the record's staged files together (both or neither); on failure add a diagnostic."""
        names = " and ".join(display(path) for _, path in staged if not _mapped(path))
        try:
            output.publish(staged, durable=False)  # _publish_pending flushes the folder once
        except PartlyPublished as exc:
            done = [path for path in exc.done if not _mapped(path)]
            new = ", ".join(display(path) for path in done)
            outcome.diagnostics.append(Diagnostic(
                Location(outcome.path), f"cannot publish {names}: {exc.strerror}; only {new} was replaced, "
                                        f"so this sheet's files are of different versions",
                f"fix {display(self.out)} (free space, permissions); the next run rebuilds this sheet"))
            # The old entry stays: the replaced file no longer matches it, so the next run rebuilds.
            return done
        except OSError as exc:
            outcome.diagnostics.append(self._unwritten(outcome.path, [path for _, path in staged], exc))
            return []
        return [path for _, path in staged if not _mapped(path)]

    def _unwritten(self, record: str, paths: list[Path], exc: OSError) -> Diagnostic:
        """Return the diagnostic for a record whose files could not be written (the old ones kept)."""
        names = " and ".join(display(path) for path in paths if not _mapped(path))
        return Diagnostic(Location(record), f"cannot write {names}: "
                          f"{exc.strerror or exc}; nothing was replaced, the previous files were kept",
                          f"check that {display(self.out)} exists, is writable and has free space")

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


def _mapped(path: Path) -> bool:
    """Return whether a file is a sheet's map (output/.map/), which messages and the manifest leave out."""
    return path.parent.name == MAP_FOLDER
