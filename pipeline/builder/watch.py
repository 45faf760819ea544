"""Watch mode: build once, then rebuild whenever a record, data file or template is saved."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from ..base.errors import ConfigError, printable
from ..base.paths import display
from .lock import LockBusy
from .recipe import Options, Report, build

QUIET = 0.3  # seconds without an event before rebuilding: an editor's save is a burst of events
WAKE = 0.5  # seconds the main thread sleeps at most while waiting, so that a stop is seen
LITTER = ("~", ".swp", ".tmp")  # editors' backup, swap and temporary files are never inputs
# Saves only: the build opens and reads every input, and those events must not trigger a rebuild.
SAVES = [FileCreatedEvent, FileModifiedEvent, FileMovedEvent, FileDeletedEvent,
         DirCreatedEvent, DirMovedEvent, DirDeletedEvent]


def watch(records: Callable[[], list[Path]], opts: Options, report: Callable[[Report], int],
          folders: list[Path], complain: Callable[[list], None] | None = None) -> int:
    """Build, then rebuild after every save under `folders` until Ctrl-C or SIGTERM; return 0.

    `complain` prints a broken template's diagnostics (default: one line each on stderr).
    """
    complain = complain or _complain
    inputs = _Inputs(folders, opts.out)
    saved = threading.Event()
    handler = _Saves(inputs, saved)
    observer = Observer()
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        observer.start()
        inputs.observe(observer, handler)  # before the first build, so a save during it counts
        _rebuild(records, opts, report, complain)
        print(f"factsheets: watching {inputs} (Ctrl-C to stop)", flush=True)
        while True:
            _settle(saved)
            _rebuild(records, opts, report, complain)
            inputs.observe(observer, handler)  # a folder made (or made again) since: watch it too
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)  # a second SIGTERM must not interrupt the cleanup
        if observer.is_alive():
            observer.stop()
            observer.join()


class _Inputs:
    """The paths whose saves trigger a rebuild: those named, less the output folder and litter."""

    def __init__(self, folders: list[Path], out: Path):
        self.given = list(dict.fromkeys(folders))
        self.named = [p.resolve() for p in self.given]
        self.out = out.resolve()

    def __str__(self) -> str:
        return ", ".join(display(p) for p in self.given)

    def roots(self) -> dict[Path, bool]:
        """Return the existing folders to observe, each with whether to include subfolders."""
        roots: dict[Path, bool] = {}
        for path in self.named:
            if path.is_dir():
                roots[path] = True
            elif path.parent.is_dir():  # a record file, or a folder not made yet: see it appear
                roots.setdefault(path.parent, False)
        return {root: deep for root, deep in roots.items()
                if not any(roots.get(parent) for parent in root.parents)}

    def observe(self, observer: BaseObserver, handler: FileSystemEventHandler) -> None:
        """Schedule each root not yet observed, or whose watch ended because it was deleted."""
        for emitter in list(observer.emitters):
            if not emitter.is_alive():
                observer.unschedule(emitter.watch)
        watched = {(e.watch.path, e.watch.is_recursive) for e in observer.emitters}
        for root, deep in self.roots().items():
            if (str(root), deep) in watched:
                continue
            try:
                observer.schedule(handler, str(root), recursive=deep, event_filter=SAVES)
            except OSError as exc:  # e.g. the inotify watch limit (fs.inotify.max_user_watches)
                print(f"{display(root)}: warning: cannot watch for changes: {exc}", file=sys.stderr)

    def wants(self, path: str) -> bool:
        """Return True when a saved path is an input: named or under a named folder."""
        if not path:
            return False
        saved = Path(path)
        if saved == self.out or self.out in saved.parents:
            return False  # the build's own writes: rebuilding on them would never stop
        for named in self.named:
            if saved == named or named in saved.parents:
                return not _litter(saved.relative_to(named).parts)
        return False


def _litter(parts: tuple[str, ...]) -> bool:
    """Return True for editors' litter: hidden files or folders, backups, swap and temp files."""
    return any(part.startswith(".") for part in parts) or bool(parts) and parts[-1].endswith(LITTER)


class _Saves(FileSystemEventHandler):
    """Runs in the observer's thread, so it only flags a save: builds run in the main thread."""

    def __init__(self, inputs: _Inputs, saved: threading.Event):
        self.inputs, self.saved = inputs, saved

    def on_any_event(self, event: FileSystemEvent) -> None:
        """Flag a save of an input; a rename counts by either name (editors save via a temp file)."""
        if self.inputs.wants(str(event.src_path)) or self.inputs.wants(str(event.dest_path)):
            self.saved.set()


def _settle(saved: threading.Event) -> None:
    """Wait for a save, then until QUIET seconds pass without another: one rebuild per burst."""
    # In slices, never for ever: the kernel may hand SIGTERM to one of the file watcher's threads,
    # and Python runs the handler only when the main thread wakes (an endless wait hung a stop).
    while not saved.wait(WAKE):
        pass
    saved.clear()
    while saved.wait(QUIET):
        saved.clear()


def _complain(diagnostics: list) -> None:
    """Print diagnostics, each once, to stderr."""
    for line in dict.fromkeys(str(d) for d in diagnostics):
        print(line, file=sys.stderr)


def _rebuild(records: Callable[[], list[Path]], opts: Options, report: Callable[[Report], int],
             complain: Callable[[list], None]) -> None:
    """Run one incremental build and print its report; a broken template or busy lock only warns."""
    try:
        report(build(records(), opts))  # in the main thread: the per-record time limit uses SIGALRM
    except ConfigError as exc:
        complain(exc.diagnostics)
    except LockBusy as exc:
        print(f"{display(exc.folder)}: error: another build is writing here: {printable(exc.holder)}",
              file=sys.stderr)
    sys.stdout.flush()  # stdout may be a pipe: show each report as it happens
    sys.stderr.flush()


def _interrupt(signum, frame) -> None:
    """Turn SIGTERM into the same clean stop as Ctrl-C."""
    raise KeyboardInterrupt
