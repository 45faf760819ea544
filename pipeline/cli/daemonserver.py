"""The build daemon: a process that has imported and warmed the build once and runs each `build` it is sent.

Run as `python -P -m pipeline.cli.daemonserver` (daemonclient.start does it, detached). It listens on a
socket in a private folder (daemonplace), answers one request per connection, and runs each build in
a child forked for it: the child takes the client's folder, environment, umask and Python path, runs
the command exactly as the one-shot path does with its output captured, and sends back the exit code
and what to print. Nothing a build changes (working folder, settings, caches of a record) outlives its
child, and a build that crashes takes only its child down.

Every request carries the client's code version; a daemon whose code differs answers "stale" and ends,
so an upgrade or an edit is never served by old code. Templates, fonts and styles are read by each
build (layouts are reused only while the templates folder's content hash is the same). It ends after
its idle time without a request, on `factsheets daemon stop`, on SIGTERM, and when its folder or socket
is removed.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import functools
import gc
import io
import json
import os
import selectors
import signal
import socket
import struct
import sys
import time
from pathlib import Path

from ..base.errors import ConfigError
from . import GC_YOUNG, daemonplace
from .daemonspare import Spare

LOCK_WAIT = 10.0  # seconds to wait for an ending daemon to let go of the lock
CHECK_EVERY = 1.0  # seconds between checks that the folder and socket are still there, and of idleness
BUILDING_CHECK = 0.05  # seconds between checks for a finished build while one runs
WARM_RECORDS = 3  # records checked at start to warm the caches
RELOADED = 3  # a child's exit status: it loaded layouts the daemon had not (new, or edited since)


def main(argv: list[str] | None = None) -> int:
    """Start the daemon; return when it ends (0), or 1 when it cannot start (the reason is in its log)."""
    parser = argparse.ArgumentParser(prog="factsheets-daemon")
    parser.add_argument("--idle", type=float, default=None, help="seconds without a request before it ends")
    parser.add_argument("--warm-in", default=None, help="the folder of the build to warm up on")
    parser.add_argument("build", nargs=argparse.REMAINDER, help="the build command line to warm up on")
    args = parser.parse_args(argv)
    place = daemonplace.folder()
    try:
        daemonplace.check_private(place, create=True)
    except daemonplace.Unsafe as exc:
        print(exc, file=sys.stderr)
        return 1
    with open(daemonplace.file_in(place, ".lock"), "a") as lock:
        if not _locked(lock):
            return 0  # another daemon of this install is running: it serves
        try:
            return Daemon(place, idle_time(args.idle), lock.fileno()).run(args.warm_in, args.build)
        except ConfigError as exc:  # the environment the daemon was started in is refused, as a build's would be
            print("\n".join(d.message for d in exc.diagnostics), file=sys.stderr)
            return 1


def _locked(lock) -> bool:
    """Take the install's daemon lock, waiting a little for one that is ending (it answered "stale")."""
    deadline = time.monotonic() + LOCK_WAIT
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)


def idle_time(given: float | None) -> float:
    """Return the idle time: --idle, else $FACTSHEETS_DAEMON_IDLE, else ten minutes."""
    if given is not None:
        return max(given, 0.05)
    try:
        return max(float(os.environ.get(daemonplace.IDLE_VARIABLE, "")), 0.05)
    except ValueError:
        return daemonplace.DEFAULT_IDLE


class Daemon:
    """One resident build process: its socket, its version, its children."""

    def __init__(self, place: str, idle: float, lock: int):
        self.place, self.idle, self.lock = place, idle, lock
        self.socket_path = Path(daemonplace.socket_path(place))
        self.status_path = Path(daemonplace.file_in(place, ".json"))
        self.children: dict[int, tuple[str, list[str]]] = {}  # pid → the folder and command line it builds
        self.warmed: set[str] = set()  # the folders whose builds have warmed this process
        self.served = 0
        self.last = time.monotonic()
        self.spare: Spare | None = None  # a build child forked and warmed ahead (daemonspare)
        self.last_build: tuple[str, list[str]] | None = None  # the folder and command line a spare warms on

    def run(self, folder: str | None, argv: list[str]) -> int:
        """Warm up, listen, serve until idle or told to stop; remove the socket and status file."""
        from ..base import hardening
        from ..builder import recipe

        # The version of the code on disk before it is imported: an edit made while this process
        # starts is then a new version, which the next request will not find here.
        self.version = daemonplace.code_version()
        hardening.preflight()  # before ReportLab is imported, as in the one-shot command
        warm()
        recipe.kept_layouts = {}
        if folder:
            self.warmed.add(folder)
            self.last_build = (folder, argv[1:] if argv[:1] == ["--"] else argv)
            warm_on(*self.last_build)
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        self.server = server = self._listen()
        try:
            self._write_status()
            gc.freeze()  # what was imported stays: children never pay to scan it
            self._serve(server)
        except _Stopped:
            pass
        finally:
            server.close()
            self._remove_own_files()
            self._drop_spare()
            self._reap(block=True)
        return 0

    def _listen(self) -> socket.socket:
        """Bind the socket, readable and writable by this user alone."""
        self.socket_path.unlink(missing_ok=True)  # left by a daemon that was killed: we hold the lock
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)
        try:
            server.bind(str(self.socket_path))
        finally:
            os.umask(old)
        server.listen(16)
        self.inode = os.stat(self.socket_path).st_ino
        return server

    def _write_status(self) -> None:
        """Write the status file `factsheets daemon status` reads (written whole, then renamed)."""
        status = {"pid": os.getpid(), "version": self.version, "idle": self.idle, "started": time.time(),
                  "socket": str(self.socket_path)}
        temporary = self.status_path.with_suffix(".tmp")
        temporary.write_text(json.dumps(status))
        temporary.replace(self.status_path)

    def _serve(self, server: socket.socket) -> None:
        """Answer connections until idle, stopped, or the folder or socket is gone."""
        selector = selectors.DefaultSelector()
        selector.register(server, selectors.EVENT_READ)
        self._keep_spare()
        while True:
            # While a build runs, woken often: once it is done a spare is made ready for the next.
            if selector.select(timeout=BUILDING_CHECK if self.children else min(CHECK_EVERY, self.idle)):
                conn, _ = server.accept()
                with conn:
                    self._answer(conn)
                self.last = time.monotonic()
            self._reap(block=False)
            self._keep_spare()
            if not self._still_ours() or (not self.children and time.monotonic() - self.last >= self.idle):
                return

    def _still_ours(self) -> bool:
        """Return True while the folder and this daemon's socket are still in place."""
        try:
            return os.stat(self.socket_path).st_ino == self.inode
        except OSError:
            return False

    def _answer(self, conn: socket.socket) -> None:
        """Read one request and answer it: a build (in a child), the status, or stop."""
        if not _same_user(conn):
            return
        conn.settimeout(5.0)
        try:
            request = daemonplace.receive(conn)
        except (OSError, ValueError):
            return
        if not isinstance(request, dict):
            return
        if request.get("version") != self.version:
            _reply(conn, {"stale": True})  # new code on disk: a fresh daemon must serve it
            raise _Stopped
        action = request.get("action")
        if action == "status":
            _reply(conn, self._status())
        elif action == "stop":
            _reply(conn, {"stopping": os.getpid()})
            raise _Stopped
        elif action == "build":
            self.served += 1
            self.last_build = (request["cwd"], list(request["argv"]))
            self._fork(conn, request)

    def _status(self) -> dict:
        """Return what `factsheets daemon status` shows."""
        return {"pid": os.getpid(), "version": self.version, "idle": self.idle, "served": self.served,
                "idle_for": round(time.monotonic() - self.last, 1), "socket": str(self.socket_path),
                "building": len(self.children), "spare": self.spare.pid if self.spare and self.spare.ready() else None}

    def _fork(self, conn: socket.socket, request: dict) -> None:
        """Run one build in a child of its own (the spare, when it is ready); the parent goes back to
        listening at once."""
        spare, self.spare = self.spare, None
        if spare is not None and spare.ready() and spare.hand(conn, request):
            self.children[spare.pid] = (request["cwd"], list(request["argv"]))
            return
        if spare is not None:
            spare.drop()  # still warming up, or gone: this request does not wait for it
        pid = os.fork()
        if pid:
            self.children[pid] = (request["cwd"], list(request["argv"]))
            return
        status = 0
        try:  # the child: never returns into the parent's loop
            self._detach()
            status = _serve_build(conn, request)
        except BaseException:  # the client sees the connection end and builds one-shot
            pass
        finally:
            os._exit(status)

    def _detach(self) -> None:
        """In a child: take signals as any process does and let go of the daemon's socket and lock."""
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        self.server.close()
        os.close(self.lock)  # a long build must not keep the next daemon from starting

    def _keep_spare(self) -> None:
        """Fork a spare once no build runs (it must not compete with one), warmed on the last build's folder."""
        if self.spare is None and not self.children and self.last_build is not None:
            folder, argv = self.last_build
            self.spare = Spare.start(self._detach, lambda: warm_on(folder, argv), _serve_build)

    def _drop_spare(self) -> None:
        """End the spare (before this process warms up anew, or ends)."""
        spare, self.spare = self.spare, None
        if spare is not None:
            spare.drop()

    def _reap(self, block: bool) -> None:
        """Collect finished children (all of them when ending); warm up on a folder built for the first time."""
        for pid in list(self.children):
            try:
                done, status = os.waitpid(pid, 0 if block else os.WNOHANG)
            except ChildProcessError:
                done, status = pid, 0
            if done:
                folder, argv = self.children.pop(pid)
                reloaded = os.WIFEXITED(status) and os.WEXITSTATUS(status) == RELOADED
                if not block and (folder not in self.warmed or reloaded):
                    # Once its build is done (it must not compete with it): this folder's next build
                    # finds its layouts (as edited) loaded and its fonts and pictures in memory.
                    self.warmed.add(folder)
                    self._drop_spare()  # forked before: the next one is forked from what this loads
                    warm_on(folder, argv)
                    gc.freeze()

    def _remove_own_files(self) -> None:
        """Remove the socket and status file, if they are still this daemon's."""
        if self._still_ours():
            self.socket_path.unlink(missing_ok=True)
        with contextlib.suppress(OSError, ValueError):
            if json.loads(self.status_path.read_text()).get("pid") == os.getpid():
                self.status_path.unlink()


def _serve_build(conn: socket.socket, request: dict) -> int:
    """In a child: build, answer the client; return the child's exit status (RELOADED: it loaded layouts)."""
    from ..builder import recipe

    conn.settimeout(None)
    kept = dict(recipe.kept_layouts or {})
    _reply(conn, build(request))
    return RELOADED if recipe.kept_layouts != kept else 0  # it loaded layouts this process had not


class _Stopped(Exception):
    """The daemon was told to end (stop, SIGTERM, or new code)."""


def _stop(signum, frame) -> None:
    """End the serving loop from a signal."""
    raise _Stopped


def _same_user(conn: socket.socket) -> bool:
    """Return True when the connecting process runs as this user (the folder already guards it)."""
    try:
        creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    except (OSError, AttributeError):
        return True  # no peer credentials on this system: the private folder is the guard
    _, uid, _ = struct.unpack("3i", creds)
    return uid == os.getuid()


def _reply(conn: socket.socket, message: dict) -> None:
    """Send the answer; a client that has gone away is not an error."""
    with contextlib.suppress(OSError):
        daemonplace.send(conn, message)


def warm() -> None:
    """Import and compute once everything of a build that no edit of a project can change."""
    import ctypes  # noqa: F401 (publishing's syncfs)

    from ..base import fingerprint
    from ..builder import recipe, work  # noqa: F401
    from ..document import access, chartdraw, images, tablefit  # noqa: F401
    from ..layouts import loader  # noqa: F401
    from ..render import sheet  # noqa: F401
    from ..writers import docx, pdf  # noqa: F401
    from . import command

    fingerprint.pipeline_digest()  # the code's hash: unchanged while this daemon serves (checked each request)
    command._parser = functools.cache(command._parser)  # the parser is only read by a parse: built once
    command._parser()


def warm_on(folder: str, argv: list[str]) -> None:
    """Check (in memory, writing nothing) the first few records of a build command line, so that every
    cache a build fills (fonts, layouts, the chart's picture, table widths) is full before the first
    request; whatever fails here is the request's to report, not this."""
    from ..base import config
    from ..builder import recipe
    from . import arguments, building, command

    here, out, err = os.getcwd(), sys.stdout, sys.stderr
    sys.stdout = sys.stderr = io.StringIO()
    try:
        os.chdir(folder)
        parser, commands = command._parser()
        settings_file = config.find(Path.cwd())
        arguments.origin = Path.cwd() if settings_file else None
        settings = command._settings(settings_file, argv, commands)
        args = parser.parse_args(argv)
        if settings_file:
            os.chdir(settings_file.parent)
            if not args.paths:
                args.paths = config.sources(settings, settings_file.parent, settings_file, config.NAME)
        opts = building.options(args)
        opts.jobs = 1
        recipe.check(building._records(args)[:WARM_RECORDS], opts)
    except (Exception, SystemExit):  # a warm-up only: the build itself reports
        pass
    finally:
        sys.stdout, sys.stderr = out, err
        os.chdir(here)


def build(request: dict) -> dict:
    """Run the command as the client would have, in this (forked) process; return its code and output."""
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    time.tzset()
    os.umask(request["umask"])
    sys.path[:] = request["path"]
    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])  # as the one-shot command's
    captured: list[list] = []
    out, err = (_Capture(captured, 1, request["tty"][0]), _Capture(captured, 2, request["tty"][1]))
    sys.stdout, sys.stderr = out, err
    from .command import main

    try:
        code = main(list(request["argv"]))
    except SystemExit as exc:  # argparse: a usage error (2) or --help (0)
        code = _exit_code(exc.code, err)
    sys.stdout.flush()
    return {"exit": code, "output": captured}


def _exit_code(code, err) -> int:
    """Return the exit status Python would give for SystemExit(code)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=err)
    return 1


class _Capture(io.TextIOBase):
    """A stream that records what is written to it, in order with the other stream, for the client."""

    def __init__(self, captured: list, fd: int, tty: bool):
        self.captured, self.fd, self.tty = captured, fd, tty

    def write(self, text: str) -> int:
        """Record `text` for the client's stream number `fd`."""
        if self.captured and self.captured[-1][0] == self.fd:
            self.captured[-1][1] += text
        else:
            self.captured.append([self.fd, text])
        return len(text)

    def isatty(self) -> bool:
        """Answer as the client's stream would: colour and progress bars follow it."""
        return self.tty

    @property
    def encoding(self) -> str:
        """Return the encoding the client writes with."""
        return "utf-8"


if __name__ == "__main__":
    sys.exit(main())
