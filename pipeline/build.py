"""The build recipe: find records, validate, render, write both formats; one failure stops one record."""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from . import schema
from .errors import ConfigError, Diagnostic, Location, RecordError
from .layouts import Layout, load_layouts
from .model import Record
from .output import write_atomic
from .render import render_document
from .yamlload import load_file

FORMATS = ("docx", "pdf")
RECORD_SUFFIXES = (".yaml", ".yml")


@dataclass
class Outcome:
    """What happened to one record file."""

    path: str
    record_id: str | None = None
    written: list[Path] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Return True when the record had no errors."""
        return not self.diagnostics


@dataclass
class Report:
    """The outcome of every record of a run, in input order."""

    outcomes: list[Outcome]

    @property
    def failed(self) -> list[Outcome]:
        """Return the outcomes that had errors."""
        return [o for o in self.outcomes if not o.ok]


def display(path: Path) -> str:
    """Return how messages name a path: relative to the working folder when inside it."""
    try:
        return os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd().resolve()) else str(path)
    except (OSError, ValueError):
        return str(path)


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


def check(files: list[Path], templates: Path) -> Report:
    """Validate and render every record without writing anything."""
    return _run(files, templates, out_dir=None, formats=())


def build(files: list[Path], templates: Path, out_dir: Path, formats=FORMATS) -> Report:
    """Build every record into `out_dir`; a failed record keeps its previous outputs."""
    return _run(files, templates, out_dir, formats)


def _run(files: list[Path], templates: Path, out_dir: Path | None, formats) -> Report:
    """Load layouts once, then take each record through every stage."""
    layouts = load_layouts(templates, display)
    writers = {name: importlib.import_module(f".writers.{name}", __package__) for name in formats}
    seen: dict[str, str] = {}
    outcomes = []
    for file in files:
        outcome = Outcome(display(file))
        try:
            record = _load(file, outcome.path, layouts, seen)
            outcome.record_id = record.id
            document = render_document(record, layouts[record.layout])
            if out_dir is not None:
                outcome.written = _write(document, record, writers, out_dir)
        except RecordError as exc:
            outcome.diagnostics = exc.diagnostics
        outcomes.append(outcome)
    return Report(outcomes)


def _load(file: Path, path: str, layouts: dict[str, Layout], seen: dict[str, str]) -> Record:
    """Parse and validate one record, refusing an id another record of the run already has."""
    record = schema.validate(load_file(file, path), file, path, layouts)
    if record.id in seen:
        raise RecordError([Diagnostic(record.id_loc, f"output name '{record.id}' is already used by "
                                                     f"{seen[record.id]}",
                                      "give this record its own 'id:' (or rename the file)")])
    seen[record.id] = path
    return record


def _write(document, record: Record, writers: dict, out_dir: Path) -> list[Path]:
    """Render every format first, then publish them, so a failure publishes nothing."""
    blobs = {}
    for name, writer in writers.items():
        try:
            blobs[out_dir / f"{record.id}{writer.suffix}"] = writer.render(document)
        except Exception as exc:  # a layout engine failure must cost one record, not the run
            raise RecordError([Diagnostic(Location(record.path), f"the {name} writer could not lay out "
                                                                 f"this sheet: {type(exc).__name__}: {exc}",
                                          "shorten very long text or table cells, then build again")])
    for path, data in blobs.items():
        try:
            write_atomic(path, data)
        except OSError as exc:
            raise RecordError([Diagnostic(Location(record.path), f"cannot write {display(path)}: "
                                                                 f"{exc.strerror or exc}",
                                          f"check that {display(out_dir)} exists, is writable and "
                                          f"has free space; the previous file was kept")])
    return list(blobs)
