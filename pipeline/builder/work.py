"""Building one record, from its bytes to finished files in memory; runs in the CLI or a worker."""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import writers
from ..base.errors import ConfigError, Diagnostic, Location, RecordError
from ..figures.shared import DataSet
from ..figures.values import Reads
from ..records import marking, schema
from ..records.yamlload import parse_bytes
from . import sidebyside

if TYPE_CHECKING:
    from ..layouts.loader import Layout


@dataclass(frozen=True)
class Job:
    """One record to build: its bytes as hashed by the run, and the formats wanted."""

    file: Path
    path: str  # as messages name it
    data: bytes
    formats: tuple[str, ...]
    ceiling: str = marking.CEILING  # the highest classification a record may state (max-classification)


@dataclass
class Result:
    """What building one record gave: files by suffix, what it read, or its errors."""

    path: str
    record_id: str | None = None
    id_loc: Location | None = None
    layout: str | None = None
    blobs: dict[str, bytes] = field(default_factory=dict)
    map: bytes | None = None  # the Word file's map back to the record (output/.map/<id>.json)
    reads: Reads = field(default_factory=Reads)
    as_of: list[dict] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)  # likely slips; the record still builds
    config_error: ConfigError | None = None  # a template bug: the run stops
    costly: bool = False  # failed by the time limit or in a layout engine: not retried unchanged


class Context:
    """What every record of a run shares: layouts, shared data, time limit."""

    def __init__(self, templates: Path, dataset: DataSet, time_limit: float | None,
                 layouts: dict[str, Layout] | None = None):
        self.templates, self.dataset, self.time_limit = templates, dataset, time_limit
        if layouts is None:
            from ..layouts.loader import load_layouts  # Jinja2 and the layouts load only where a record is built
            layouts = load_layouts(templates)
        self.layouts = layouts


class _LayoutFailed(RecordError):
    """A writer could not lay out a valid record: it would fail the same way until something changes."""


class _TimedOut(BaseException):
    """Raised inside a record's build when it runs past the time limit."""


def run(job: Job, ctx: Context) -> Result:
    """Build one record; every record-level problem becomes diagnostics on the result."""
    result = Result(job.path)
    try:
        with _time_limit(ctx.time_limit):
            _build(job, ctx, result)
    except _LayoutFailed as exc:
        result.diagnostics, result.blobs, result.costly = exc.diagnostics, {}, True
    except RecordError as exc:
        result.diagnostics, result.blobs = exc.diagnostics, {}
    except ConfigError as exc:
        result.config_error, result.blobs = exc, {}
    except Exception as exc:  # a bug must cost this record, not the run; say so plainly
        result.blobs = {}
        result.diagnostics = [Diagnostic(Location(job.path), f"internal error while building this record: "
                                                             f"{type(exc).__name__}: {exc}",
                                         "this is a bug in factsheets, not in the record; please report "
                                         "it with the record attached")]
    except _TimedOut:
        result.blobs, result.costly = {}, True
        result.diagnostics = [Diagnostic(Location(job.path), f"building this record took longer than "
                                                             f"{ctx.time_limit:g} s and was stopped",
                                         "shorten very long text or tables, or raise --time-limit")]
    return result


def _build(job: Job, ctx: Context, result: Result) -> None:
    """Parse, validate, render and lay out one record into `result`."""
    from ..render.sheet import render_document  # with it Jinja2: not imported by a run that builds nothing
    record = schema.validate(parse_bytes(job.data, job.path), job.file, job.path, ctx.layouts, job.ceiling)
    result.record_id, result.id_loc, result.layout = record.id, record.id_loc, record.layout
    result.warnings = list(record.warnings)
    result.as_of = [{"figure": name, "as_of": f.as_of.isoformat(), "line": f.loc.line,
                     "column": f.loc.column} for name, f in (record.figures or {}).items() if f.as_of]
    document = render_document(record, ctx.layouts[record.layout], ctx.dataset.scope(result.reads),
                               result.reads)

    def write(name: str) -> bytes:
        try:
            return writers.get(name).render(document)
        except ConfigError:
            raise  # an unusable font is the installation's fault: the run stops
        except Exception as exc:  # a layout engine failure must cost one record, not the run
            raise _LayoutFailed([Diagnostic(Location(job.path), f"the {name} writer could not lay out "
                                                                f"this sheet: {type(exc).__name__}: {exc}",
                                            "shorten very long text or table cells, then build again")])

    for name, data in sidebyside.written(job.formats, write).items():
        result.blobs[writers.get(name).suffix] = data
    if ".docx" in result.blobs:  # what `factsheets import docx` reads an edited copy against
        from ..render import provenance
        sheet = provenance.sheet_map(record, document, ctx.dataset.scope(None), job.path)
        result.map = provenance.encoded(sheet)


@contextlib.contextmanager
def _time_limit(seconds: float | None):
    """Raise _TimedOut in this thread after `seconds` (only the main thread can take signals)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise _TimedOut()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- process-pool side: each worker loads the context once ---------------------------------

_WORKER: Context | None = None
# What a worker imports to build a record: the forkserver imports it once, before it forks the
# workers, so each worker starts with it (a worker importing it itself spent about 0.4 s of CPU).
WORKER_MODULES = ("pipeline.builder.work", "pipeline.layouts.loader", "pipeline.render.sheet",
                  "pipeline.render.provenance", "pipeline.writers.docx", "pipeline.writers.pdf")
GC_YOUNG = 7000  # allocations between collections of the youngest objects, as the command's (default 700)


def init_worker(templates: Path, dataset: DataSet, time_limit: float | None, display_cwd: str,
                lifeline=None) -> None:
    """Load the run's context in a fresh worker process; end it when the run's process ends."""
    global _WORKER
    if lifeline is not None:
        threading.Thread(target=_exit_with_parent, args=(lifeline,), daemon=True).start()
    os.chdir(display_cwd)  # messages name files relative to the run's working folder
    _WORKER = Context(templates, dataset, time_limit)
    # The modules, layouts and shared data live as long as the worker: set aside from the
    # collector's scans, which otherwise walk them again at every full collection.
    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])
    gc.freeze()


def _exit_with_parent(lifeline) -> None:
    """Wait for end-of-file on the run's lifeline (its process died), then end this worker at once."""
    # A worker's parent is the forkserver, which outlives a killed run while workers hold its
    # pipe; without this a SIGKILLed build left its workers, forkserver and tracker running.
    try:
        lifeline.recv_bytes()  # nothing is ever sent
    except (EOFError, OSError):
        pass
    os._exit(1)


def run_in_worker(job: Job) -> Result:
    """Build one record with the worker's context."""
    return run(job, _WORKER)
