"""`factsheets daemon start|stop|status`, and build's --daemon / --no-daemon (read by daemonclient)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from . import arguments, console, daemonclient, daemonplace

STOP_WAIT = 30.0  # seconds for a daemon to finish the builds it is running and end


def build_switches(parser) -> None:
    """Add build's --daemon and --no-daemon (the command's fast path acts on them before parsing)."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--daemon", action="store_true",
                       help="build through the resident build daemon, starting it if none runs (the "
                            "default only at a terminal, and only when one runs; see 'factsheets daemon')")
    group.add_argument("--no-daemon", action="store_true",
                       help="build in this process; never contact or start the build daemon")


def add_daemon(commands) -> None:
    """Add `factsheets daemon`."""
    parser = commands.add_parser(
        "daemon", help="start, stop or ask about the resident build process that makes one sheet fast",
        description="The build daemon keeps the build's libraries loaded and warm, so that a "
                    "one-sheet build at a terminal does not pay for starting them (a few tenths of a "
                    "second). 'build' uses it when one is running "
                    "(at a terminal; the first build there starts it) or with --daemon; --no-daemon, "
                    "scheduled and CI runs build on their own. It serves only you, through a socket "
                    f"in a private folder (${daemonplace.FOLDER_VARIABLE}, else "
                    "$XDG_RUNTIME_DIR/factsheets, else /tmp/factsheets-<uid>), checks the code's "
                    "version on every request (new code: it ends and a fresh one starts) and reads "
                    "templates, fonts and styles afresh for each build. It ends after --idle seconds "
                    "without a request. See docs/performance.md.")
    actions = parser.add_subparsers(title="actions", metavar="ACTION", dest="action", required=True)
    start = actions.add_parser("start", help="start the daemon (if none is running) and wait until it serves")
    start.add_argument("--idle", type=arguments.seconds, default=None, metavar="SECONDS",
                       help=f"end after this long without a request (default: ${daemonplace.IDLE_VARIABLE}, "
                            f"else {int(daemonplace.DEFAULT_IDLE)})")
    actions.add_parser("stop", help="stop the daemon once its running builds are done")
    actions.add_parser("status", help="say whether the daemon runs: its process, socket and idle time "
                                      "(exit 0 if it runs, 1 if not)")
    parser.set_defaults(command="daemon", run=run_daemon)


def run_daemon(args) -> int:
    """Run `factsheets daemon ACTION`."""
    place = daemonplace.folder()
    try:
        daemonplace.check_private(place, create=args.action == "start")
    except daemonplace.Unsafe as exc:
        if args.action != "start" and not os.path.lexists(place):
            return _not_running()
        print(f"factsheets daemon: error: {exc}", file=sys.stderr)
        return console.EXIT_USAGE
    return {"start": _start, "stop": _stop, "status": _status}[args.action](place, args)


def _start(place, args) -> int:
    """Start one unless one runs; say which."""
    running = daemonclient.status(place)
    if running and "pid" in running:
        print(f"factsheets: the build daemon is already running (process {running['pid']})")
        return console.EXIT_OK
    started = daemonclient.start(place, wait=True, idle=args.idle, warm=["build"])
    if not started:
        log = Path(daemonplace.file_in(place, ".log"))
        detail = log.read_text(errors="replace").strip().splitlines()[-1:] if log.exists() else []
        print(f"factsheets daemon: error: the build daemon did not start{': ' + detail[0] if detail else ''}\n"
              f"  hint: see {log}; builds still work without it (--no-daemon)", file=sys.stderr)
        return console.EXIT_FAILED
    print(f"factsheets: the build daemon is running (process {started['pid']}, socket {started['socket']}); "
          f"it ends after {_duration(started['idle'])} without a request")
    return console.EXIT_OK


def _stop(place, args) -> int:
    """Tell it to end and wait until its process has gone."""
    path = daemonplace.socket_path(place)
    answer = daemonclient.ask(path, {"action": "stop", "version": daemonplace.code_version()},
                              timeout=10.0) if daemonplace.check_socket(path) else None
    if not answer or answer is daemonclient.CRASHED:
        return _not_running()
    if answer.get("stale"):
        print("factsheets: the build daemon ran older code; it has ended")
        return console.EXIT_OK
    pid = answer["stopping"]
    deadline = time.monotonic() + STOP_WAIT
    while pid and alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    print(f"factsheets: the build daemon (process {pid}) has stopped")
    return console.EXIT_OK


def _status(place, args) -> int:
    """Print whether it runs and how."""
    answer = daemonclient.status(place)
    if not answer or "pid" not in answer:
        return _not_running()
    print(f"factsheets: the build daemon is running: process {answer['pid']}, socket {answer['socket']}, "
          f"{answer['served']} builds served, idle for {_duration(answer['idle_for'])} of "
          f"{_duration(answer['idle'])}, {answer['building']} building now")
    return console.EXIT_OK


def _not_running() -> int:
    """Say that no daemon runs."""
    print("factsheets: no build daemon is running (the next build at a terminal starts one, "
          "or: factsheets daemon start)")
    return console.EXIT_FAILED


def alive(pid: int) -> bool:
    """Return True while process `pid` exists (and is not a zombie of ours)."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _duration(seconds: float) -> str:
    """Return seconds as words: '10 minutes', '45 s'."""
    if seconds >= 120 and seconds % 60 == 0:
        return f"{int(seconds // 60)} minutes"
    return f"{seconds:g} s"
