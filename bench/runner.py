"""Running whole processes for the bench: timed, in their own process group, never left behind."""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SUMMARY_RE = re.compile(r"factsheets: (\d+) records: (\d+) rebuilt, (\d+) up to date, (\d+) failed")
REBUILT_RE = re.compile(r"^rebuilt (\S+) \(([^)]*)\): (.*)$", re.M)
TIMEOUT = 1800  # seconds any one process may take before the bench stops it and fails
PR_SET_CHILD_SUBREAPER = 36


class BenchFailure(Exception):
    """The pipeline (or a tool the bench runs) failed; the message says what and shows its output."""


@dataclass
class Ran:
    """One finished process: wall seconds, exit code, what it printed."""

    seconds: float
    code: int
    out: str
    err: str

    def tail(self) -> str:
        """Return the end of what it printed, for a failure message."""
        return f"--- stdout (end) ---\n{self.out[-3000:]}\n--- stderr (end) ---\n{self.err[-3000:]}"


@dataclass
class Built:
    """One `factsheets build` run: its process and its summary line's counts."""

    ran: Ran
    total: int
    rebuilt: int
    current: int
    failed: int

    @property
    def rebuilt_ids(self) -> set[str]:
        """Return the ids of the records the run printed a `rebuilt` line for."""
        return {m.group(1) for m in REBUILT_RE.finditer(self.ran.out)}

    def reasons(self) -> str:
        """Return the distinct reasons it gave for rebuilding."""
        return "; ".join(sorted({m.group(3) for m in REBUILT_RE.finditer(self.ran.out)}))


def become_subreaper() -> bool:
    """Make this process the parent of orphans of the processes it starts, so none escapes it."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def run(command: list[str], cwd: Path, env: dict | None = None, timeout: float = TIMEOUT) -> Ran:
    """Run a command to its end in a process group of its own; time it; kill the group if interrupted."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except BaseException as exc:  # timeout, Ctrl-C: take the whole group down (workers included)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        if isinstance(exc, subprocess.TimeoutExpired):
            raise BenchFailure(f"{' '.join(command)} did not finish in {timeout} s; stopped") from None
        raise
    seconds = time.perf_counter() - start
    return Ran(seconds, proc.returncode, out, err)


def reap_orphans(linger: float = 10.0, describe=str) -> list[str]:
    """Wait for processes a finished run left running (re-parented here); kill any after `linger` s
    and return them, each named by `describe(pid)`."""
    deadline, killed = time.monotonic() + linger, []
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return killed
        if pid:
            continue
        if time.monotonic() > deadline:
            for left in _children():
                killed.append(describe(left))
                with contextlib.suppress(ProcessLookupError):
                    os.kill(left, signal.SIGKILL)  # a leftover of a run this bench started
            deadline = float("inf")
        time.sleep(0.01)


def _children() -> list[int]:
    """Return this process's children, from /proc."""
    found = []
    with contextlib.suppress(OSError):
        for task in os.listdir("/proc/self/task"):
            with open(f"/proc/self/task/{task}/children", encoding="ascii") as handle:
                found.extend(int(p) for p in handle.read().split())
    return found


def factsheets() -> list[str]:
    """Return the command a user types: the venv's `factsheets` entry point, else python -m pipeline."""
    script = Path(sys.executable).with_name("factsheets")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "pipeline"]


def build(project: Path, *args: str, env: dict | None = None, peak: Path | None = None,
          python: list[str] | None = None) -> Built:
    """Run `factsheets build ARGS` in the project, under bench/peak.py when `peak` names its report."""
    command = (python or factsheets()) + ["build", *args]
    if peak is not None:
        command = [sys.executable, str(HERE / "peak.py"), str(peak), "--", *command]
    ran = run(command, project, env)
    left = reap_orphans()
    match = SUMMARY_RE.search(ran.out)
    if ran.code != 0 or match is None:
        raise BenchFailure(f"`factsheets build {' '.join(args)}` failed (exit {ran.code}) in {project}:\n"
                           f"{ran.tail()}")
    if left:
        raise BenchFailure(f"`factsheets build {' '.join(args)}` left processes running after it ended: "
                           f"{', '.join(left)} (killed)")
    if peak is not None:
        report = json.loads(peak.read_text(encoding="utf-8"))
        ran.seconds = report["seconds"]  # the build's own, not the wrapper's start-up too
        if report["left_running"]:
            raise BenchFailure(f"`factsheets build {' '.join(args)}` left processes running after it ended: "
                               f"{', '.join(report['left_running'])} (killed)")
    built = Built(ran, *(int(g) for g in match.groups()))
    if built.failed:
        raise BenchFailure(f"{built.failed} records failed to build in {project}:\n{ran.tail()}")
    return built


def cpu_ticks() -> tuple[int, int]:
    """Return the machine's (busy, total) CPU ticks so far from /proc/stat; (0, 0) off Linux."""
    # Wall time alone cannot tell a slow build from a busy machine; the whole machine's busy CPUs
    # during a run say how much other work shared it.
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            ticks = [int(t) for t in stat.readline().split()[1:9]]
    except (OSError, ValueError):
        return 0, 0
    idle = ticks[3] + ticks[4]  # idle + iowait
    return sum(ticks) - idle, sum(ticks)


def busy_between(before: tuple[int, int], after: tuple[int, int]) -> float:
    """Return how many CPUs the whole machine kept busy between two cpu_ticks() readings."""
    return (after[0] - before[0]) / max(after[1] - before[1], 1) * (os.cpu_count() or 1)
