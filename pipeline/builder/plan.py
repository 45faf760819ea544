"""The planner: which records must be rebuilt and why, from the manifest's hashes alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import writers
from ..base.errors import Diagnostic, Location, RecordError
from ..base.fingerprint import Fingerprints, digest, file_digest
from ..base.paths import display
from ..figures.shared import DataSet
from ..records.yamlload import read_file
from . import work
from .manifest import Entry, Failure, Manifest, stamp
from .options import Options
from .outcome import Outcome

FIGURES_MOVED = "shared figure changed"  # the reason a sheet whose shared figures moved is rebuilt


@dataclass
class Plan:
    """A record's plan: rebuild (`job`) or keep (`entry` only)."""

    outcome: Outcome
    job: work.Job | None = None
    entry: Entry | None = None
    inputs: dict[str, str] = field(default_factory=dict)


class Planner:
    """Plans each record of a run against the manifest, and remembers the failures not worth repeating."""

    def __init__(self, manifest: Manifest, dataset: DataSet, opts: Options, data_files: dict[Path, list],
                 write: bool = True):
        """Plan against `manifest`; `data_files` are shared-data files named as records; without
        `write` (check, preview) every record is built, in memory."""
        self.manifest, self.dataset, self.opts, self.write = manifest, dataset, opts, write
        self.data_files = data_files
        self.prints = Fingerprints(opts.templates)
        self.restamped = 0  # outputs hashed again and found the same: their new stamps are worth saving

    def plan(self, file: Path) -> Plan:
        """Decide whether a record must be rebuilt, and why, from hashes alone."""
        outcome = Outcome(display(file))
        if file in self.data_files:  # named on the command line: checked as the data file it is
            outcome.status, outcome.diagnostics = "data", list(self.data_files[file])
            return Plan(outcome)
        raw = _read(file, outcome)
        if raw is None:
            return Plan(outcome)
        if self._still_failing(outcome, raw):
            return Plan(outcome)
        entry = self.manifest.entries.get(outcome.path)
        inputs = self._inputs(raw, entry.layout if entry else None)
        outcome.reasons = self._reasons(entry, inputs) if self.write else ["checked"]
        if not outcome.reasons:
            return Plan(outcome, entry=entry)
        return Plan(outcome, work.Job(file, outcome.path, raw, self.opts.formats,
                                             self.opts.max_classification), entry, inputs)

    def built_inputs(self, plan: Plan, layout: str) -> dict[str, str]:
        """Return the input hashes to remember for a record built with `layout`."""
        return dict(plan.inputs, templates=self.prints.layout(layout))

    def remember(self, plan: Plan, result: work.Result) -> bool:
        """Note a costly failure in the manifest, or forget one the record no longer has; True if
        the manifest changed."""
        path = plan.outcome.path
        if result.costly and plan.job is not None:
            self.manifest.failures[path] = Failure(
                self._failure_inputs(plan.job.data, result.layout), dict(sorted(result.reads.data.items())),
                plan.outcome.diagnostics[0].message)
            return True
        return self.manifest.failures.pop(path, None) is not None

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

    def _dependency_now(self, key: str) -> str | None:
        """Return what a sheet's dependency is now: a shared figure's value, or a supplied picture's hash."""
        if key.startswith("file:"):  # a seal or flag, named relative to the project (see images.py)
            return file_digest(self.opts.templates.parent / key.removeprefix("file:"))
        return self.dataset.current(key)

    def _inputs(self, raw: bytes, layout: str | None) -> dict[str, str]:
        """Return the input hashes of a record (the layout's as last built, if known)."""
        inputs = {"record": digest(raw), "fonts": self.prints.fonts, "pipeline": self.prints.pipeline,
                  "ceiling": self.opts.max_classification}  # a lower ceiling checks every record again
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
                                        ("fonts", "fonts changed"), ("pipeline", "pipeline updated"),
                                        ("ceiling", "max-classification changed"))
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
            found = self._output_digest(entry, name)
            if found is None or name not in entry.outputs:
                reasons.append(f"output missing ({name})")
            elif found != entry.outputs[name]:
                reasons.append(f"output changed by hand ({name})")
        return reasons

    def _output_digest(self, entry: Entry, name: str) -> str | None:
        """Return the hash of a published output: the recorded one while its stamp is unchanged."""
        # Hashing every output made most of a no-op run (two files a record); git's index trusts
        # the same stat fields the same way.
        path = self.opts.out / name
        now = stamp(path)
        if now is not None and name in entry.outputs and self.manifest.stamps.get(name) == now:
            return entry.outputs[name]
        found = file_digest(path)
        if found is not None and found == entry.outputs.get(name):
            self.manifest.stamps[name] = now
            self.restamped += 1
        return found


def _read(file: Path, outcome: Outcome) -> bytes | None:
    """Return a record file's bytes (what the run hashes and builds), or None with its diagnostic."""
    try:
        return read_file(file, outcome.path, one_name=True)
    except RecordError as exc:
        outcome.diagnostics.extend(exc.diagnostics)
        return None


def data_files(files: list[Path], folder: Path, dataset: DataSet) -> dict[Path, list[Diagnostic]]:
    """Return the files named that are shared-data files of `folder`, each with its diagnostics."""
    try:
        home = folder.resolve()
        found = [f for f in files if f.parent.resolve() == home and f.suffix == ".yaml"]
    except OSError:
        return {}
    return {f: list(dataset.files[f.stem].diagnostics) if f.stem in dataset.files else [] for f in found}
