"""Run a command and report its wall time and the largest resident set of any one process it started.

Usage: python bench/peak.py REPORT.json -- COMMAND [ARG...]   (Linux; exits with COMMAND's code)

This process becomes a child subreaper (prctl), so the processes the command leaves to run on
(the forkserver and its workers, the resource tracker) are re-parented to it instead of to init,
and it waits for every one of them. getrusage(RUSAGE_CHILDREN).ru_maxrss is then the peak resident
set of the largest single process of the whole tree (the kernel keeps the maximum, not a sum, and
carries grandchildren up through each wait): memory per process, exactly, whatever started it.
A poll of /proc every POLL seconds adds which process that was (the CLI, a worker...), by VmHWM.
A process still running LINGER seconds after the command ended is killed and named in the report.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

import runner  # bench/ is this script's folder, so on the path

PR_SET_CHILD_SUBREAPER = 36
POLL = 0.05  # seconds between looks at the process tree
LINGER = 10.0  # seconds the command's leftovers may take to exit on their own


def subreaper() -> bool:
    """Make this process the reaper of its orphaned descendants; return whether that worked."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def children(pid: int) -> list[int]:
    """Return the pids of a process's children (from /proc, every thread's list)."""
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                found.extend(int(p) for p in handle.read().split())
    except (OSError, ValueError):
        pass
    return found


def descendants(pid: int) -> list[int]:
    """Return every process below `pid`."""
    found, todo = [], children(pid)
    while todo:
        child = todo.pop()
        found.append(child)
        todo.extend(children(child))
    return found


def status(pid: int) -> tuple[int, int, str] | None:
    """Return (VmHWM kB, parent pid, command line) of a process, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            fields = dict(line.split(":", 1) for line in handle if ":" in line)
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            command = handle.read().replace(b"\0", b" ").decode(errors="replace").strip()
        return int(fields.get("VmHWM", "0 kB").split()[0]), int(fields["PPid"]), command
    except (OSError, ValueError, KeyError):
        return None


def role(pid: int, main: int, parent: int, command: str, roles: dict[int, str]) -> str:
    """Name what a process of the tree is: the command, a forkserver, one of its workers..."""
    if pid == main:
        return "command"
    if "forkserver" in command and roles.get(parent) != "forkserver":
        return "forkserver"
    if roles.get(parent) == "forkserver":
        return "worker"
    if "resource_tracker" in command:
        return "resource tracker"
    return "other"


class Watcher(threading.Thread):
    """Poll the process tree below this process; keep each process's peak VmHWM and role."""

    def __init__(self, main: int):
        super().__init__(daemon=True)
        self.main, self.stop = main, threading.Event()
        self.peaks: dict[int, int] = {}
        self.roles: dict[int, str] = {}

    def run(self) -> None:
        """Look until told to stop."""
        while not self.stop.is_set():
            for pid in descendants(os.getpid()):
                seen = status(pid)
                if seen:
                    hwm, parent, command = seen
                    self.roles.setdefault(pid, role(pid, self.main, parent, command, self.roles))
                    self.peaks[pid] = max(self.peaks.get(pid, 0), hwm)
            self.stop.wait(POLL)

    def by_role(self) -> dict[str, dict[str, int]]:
        """Return, per role, how many processes were seen and the largest peak (kB)."""
        summary: dict[str, dict[str, int]] = {}
        for pid, kb in self.peaks.items():
            entry = summary.setdefault(self.roles[pid], {"processes": 0, "peak_kb": 0})
            entry["processes"] += 1
            entry["peak_kb"] = max(entry["peak_kb"], kb)
        return summary


def reap_all() -> list[str]:
    """Wait for every remaining descendant; kill those still running after LINGER s; return them."""
    def described(pid: int) -> str:
        seen = status(pid)
        return f"{pid} {seen[2] if seen else '?'}"
    return runner.reap_orphans(LINGER, described)


def main() -> int:
    """Run the command, watch and reap its process tree, write the report."""
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        sys.exit(__doc__.splitlines()[2])
    report, command = Path(sys.argv[1]), sys.argv[3:]
    reaping = subreaper()
    start = time.perf_counter()
    proc = subprocess.Popen(command)
    watcher = Watcher(proc.pid)
    watcher.start()
    try:
        code = proc.wait()
    except BaseException:
        proc.kill()
        raise
    seconds = time.perf_counter() - start
    watcher.stop.set()
    watcher.join()
    left = reap_all()
    report.write_text(json.dumps({
        "seconds": seconds, "exit": code, "subreaper": reaping, "left_running": left,
        "maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        "by_role": watcher.by_role()}), encoding="utf-8")
    return code


if __name__ == "__main__":
    sys.exit(main())
