"""The command's side of the build daemon: send `build` to a running daemon and print what it answers.

Thin on purpose: it imports the C socket module (`_socket`) and nothing of the build (the cost of
a one-sheet build through the daemon is this process starting, not ReportLab). When the daemon is
used (docs/performance.md, "The build daemon"):
  --no-daemon          never; nothing is contacted
  --daemon             always: one is started if none runs (and the build waits for it)
  neither              only at a terminal (stdin and stderr), not under CI or FACTSHEETS_NO_DAEMON:
                       a running daemon builds; if none runs, this build is one-shot and starts one
                       in the background for the next
Scheduled, piped and CI runs are therefore one-shot unless they pass --daemon. Whatever goes wrong on
the way (no daemon, old code, a crash, a folder that is not private) the command builds one-shot.
"""

from __future__ import annotations

import _socket  # the C module: socket.py's classes, enums and selectors cost more than the rest here
import os
import sys
import time

from . import daemonplace

NO_DAEMON, USE_DAEMON = "--no-daemon", "--daemon"
SKIP_ENVIRONMENT = "FACTSHEETS_NO_DAEMON"
START_WAIT = 60.0  # seconds a start may take to be ready (imports and warming on a busy machine)
CONNECT_WAIT = 2.0
CRASHED = {"crashed": True}  # what ask() returns when the daemon closed the connection without an answer
EXIT_BROKEN_PIPE = 141  # as console.EXIT_BROKEN_PIPE, without importing it
EXIT_INTERRUPTED = 130  # what a shell reports for a program stopped by Ctrl-C


def handled(argv: list[str]) -> int | None:
    """Run the command through the daemon when it should be; its exit code, or None to run it here."""
    mode = _mode(argv)
    if mode is None:
        return None
    try:
        return _through_daemon(argv, mode == USE_DAEMON)
    except daemonplace.Unsafe as exc:
        print(f"factsheets: warning: {exc}", file=sys.stderr)
    except (OSError, ValueError, EOFError, TypeError):
        pass  # no daemon to reach, it went away mid-answer, or its answer was unreadable: build here
    except KeyboardInterrupt:  # Ctrl-C while the daemon builds: it finishes (files are replaced whole)
        print("\nfactsheets: interrupted; the build daemon finishes the build it was given", file=sys.stderr)
        return EXIT_INTERRUPTED
    return None


def _mode(argv: list[str]) -> str | None:
    """Return USE_DAEMON, "auto", or None when this command line never goes to the daemon."""
    options = argv[:argv.index("--")] if "--" in argv else argv
    if NO_DAEMON in options or {"-h", "--help", "--version"} & set(options) or _command(options) != "build":
        return None
    if USE_DAEMON in options:
        return USE_DAEMON
    if os.environ.get(SKIP_ENVIRONMENT) or os.environ.get("CI"):
        return None
    return "auto" if _interactive() else None


def _command(options: list[str]) -> str | None:
    """Return the command's name: the first word that is neither an option nor an option's value."""
    skip = False
    for token in options:
        if skip:
            skip = False
        elif token == "--diagnostics":
            skip = True
        elif not token.startswith("-"):
            return token
    return None


def _interactive() -> bool:
    """Return True when a person runs the command at a terminal."""
    try:
        return sys.stdin.isatty() and sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _through_daemon(argv: list[str], asked: bool) -> int | None:
    """Send the build to the daemon (starting one if asked); return its exit code, None to build here."""
    place = daemonplace.folder()
    daemonplace.check_private(place, create=True)
    path = daemonplace.socket_path(place)
    version = daemonplace.code_version()
    reply = ask(path, _request(argv, version)) if daemonplace.check_socket(path) else None
    if reply == CRASHED:
        return None  # the build crashed the daemon's child: build here, where errors are reported
    if reply is None or reply.get("stale"):  # none running, or one of old code that has now ended
        if not asked:
            start(place, wait=False, warm=argv)  # for the next build; this one is one-shot
            return None
        if not start(place, wait=True, warm=argv):
            return None
        reply = ask(path, _request(argv, version))
    if not reply or not isinstance(reply.get("exit"), int):
        return None
    return _show(reply)


def _request(argv: list[str], version: str) -> dict:
    """Return the build request: the command line and everything of this process a build depends on."""
    umask = os.umask(0o022)
    os.umask(umask)
    return {"action": "build", "version": version, "argv": argv, "cwd": os.getcwd(), "env": dict(os.environ),
            "umask": umask, "path": sys.path, "tty": [_isatty(sys.stdout), _isatty(sys.stderr)]}


def _isatty(stream) -> bool:
    """Return True when `stream` is a terminal."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def ask(path: str, message: dict, timeout: float | None = None) -> dict | None:
    """Send one message to the daemon at `path` and return its answer; None when no daemon listens,
    CRASHED when one took the message and closed without an answer."""
    conn = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        conn.settimeout(CONNECT_WAIT)
        try:
            conn.connect(path)
        except (FileNotFoundError, ConnectionRefusedError):
            return None
        conn.settimeout(timeout)  # a build may take long; the daemon answers when it is done
        daemonplace.send(conn, message)
        return daemonplace.receive(conn) or CRASHED
    finally:
        conn.close()


def _show(reply: dict) -> int:
    """Print the build's output as it was written, in order; return its exit code."""
    try:
        for number, text in reply.get("output", []):
            stream = sys.stdout if number == 1 else sys.stderr
            stream.write(text)
            stream.flush()
    except BrokenPipeError:  # as the one-shot command: the reader has gone; stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    return reply["exit"]


def status(place: str) -> dict | None:
    """Return the running daemon's status, or None when none answers."""
    path = daemonplace.socket_path(place)
    if not daemonplace.check_socket(path):
        return None
    try:
        return ask(path, {"action": "status", "version": daemonplace.code_version()}, timeout=10.0)
    except OSError:
        return None


def start(place: str, wait: bool, idle: float | None = None, warm: list[str] | None = None) -> dict | None:
    """Start a daemon detached, warmed on the build command line `warm` run here; when `wait`, return
    its status once it answers (None if it did not)."""
    import subprocess  # only when starting one

    command = [sys.executable, "-P", "-m", "pipeline.cli.daemonserver"]
    if idle is not None:
        command += ["--idle", str(idle)]
    if warm is not None:
        command += ["--warm-in", os.getcwd(), "--", *warm]
    with open(daemonplace.file_in(place, ".log"), "wb") as log:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd="/",
                                   start_new_session=True, close_fds=True)
    if not wait:
        return None
    deadline = time.monotonic() + START_WAIT
    while time.monotonic() < deadline:
        answer = status(place)
        if answer and answer.get("pid"):
            return answer
        if process.poll() is not None and not os.path.exists(daemonplace.socket_path(place)):
            return None  # it ended without serving: its log says why
        time.sleep(0.02)
    return None
