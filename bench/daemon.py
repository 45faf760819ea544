"""Issue 27's target 1: one sheet from the command line through the build daemon (≤ 100 ms) and one-shot
(≤ 350 ms), in interleaved rounds with the libraries-only floor process, medians, MET / NOT MET.

Usage: .venv/bin/python bench/daemon.py [--rounds N] [--record FILE]

Each round runs, in turn: `factsheets build RECORD --force --daemon` (a running, warmed daemon), the same
with --no-daemon (one-shot), `python -c "import docx, reportlab, jinja2, yaml"` (the floor: a process
that only imports the four required libraries) and `python -c pass` (the interpreter alone). A round's
commands run back to back, so a busy spell of the machine falls on all of them; the ratios to the floor
are the numbers to compare between machines. The bench checks that the daemon's sheets are
byte-identical to the one-shot build's, and stops the daemon it started (its own private folder).
Everything runs in one temporary folder, removed at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import runner

DAEMON_TARGET, ONE_SHOT_TARGET = 0.100, 0.350  # seconds


def parse_args() -> argparse.Namespace:
    """Return the command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds (default 15)")
    parser.add_argument("--record", default=None,
                        help="the record to build, under sources/ (default: the first with a chart)")
    return parser.parse_args()


def main() -> int:
    """Measure, print the table, return 0 (1 when the daemon's bytes differ from one-shot)."""
    args = parse_args()
    found = collect(args.rounds, args.record)
    report(found["times"], found["cpu"], found["served"], found["record"], found["loads"], found["same"])
    return 0 if found["same"] else 1


def collect(rounds: int, record: str | None = None) -> dict:
    """Run the rounds in a scratch project with a daemon of its own; return times, CPU, loads, sameness."""
    scratch = Path(tempfile.mkdtemp(prefix="bench-daemon-"))
    place = Path(tempfile.mkdtemp(prefix="fsd-"))  # short: a socket's path is at most 107 bytes
    env = {**os.environ, "FACTSHEETS_DAEMON_DIR": str(place), "FACTSHEETS_CACHE_DIR": str(scratch / "cache")}
    env.pop("FACTSHEETS_NO_DAEMON", None)
    try:
        return measure(rounds, record, scratch, env, place)
    finally:
        stop(scratch, env, place)
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(place, ignore_errors=True)


def measure(rounds: int, record: str | None, scratch: Path, env: dict, place: Path) -> dict:
    """Run the rounds; return what they measured."""
    shutil.copytree(ROOT / "sources", scratch / "sources")
    shutil.copytree(ROOT / "templates", scratch / "templates")
    record = record or _first_with_chart(scratch / "sources")
    command = runner.factsheets()
    started = runner.run(command + ["daemon", "start"], scratch, env)
    if started.code != 0:
        raise runner.BenchFailure(f"the daemon did not start:\n{started.tail()}")
    sheet = ["build", record, "--force", "-q"]
    runs = {
        "daemon": command + sheet + ["--out", "by-daemon", "--daemon"],
        "one-shot": command + sheet + ["--out", "one-shot", "--no-daemon"],
        "floor": [sys.executable, "-c", "import docx, reportlab, jinja2, yaml"],
        "python": [sys.executable, "-c", "pass"],
    }
    for name in ("daemon", "one-shot"):  # untimed: the first of each fills the picture cache and the daemon
        _checked(runner.run(runs[name], scratch, env), name)
    times: dict[str, list[float]] = {name: [] for name in runs}
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    loads = []
    daemon_pid = json.loads(next(place.glob("daemon-*.json")).read_text())["pid"]
    daemon_before = _process_cpu(daemon_pid)
    for _ in range(rounds):
        loads.append(os.getloadavg()[0])
        for name, argv in runs.items():
            before = _children_cpu()
            times[name].append(_checked(runner.run(argv, scratch, env), name).seconds)
            cpu[name].append(_children_cpu() - before)
    time.sleep(2 * 1.0)  # the daemon reaps its finished children within a second: their CPU is then its own
    served = (_process_cpu(daemon_pid) - daemon_before) / rounds
    same = _hashes(scratch / "by-daemon") == _hashes(scratch / "one-shot")
    return {"times": times, "cpu": cpu, "served": served, "record": record, "loads": loads, "same": same}


def _children_cpu() -> float:
    """Return the CPU seconds (user and system) of this process's finished children so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _process_cpu(pid: int) -> float:
    """Return a process's CPU seconds with its reaped children's, from /proc/PID/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return sum(int(t) for t in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _first_with_chart(sources: Path) -> str:
    """Return the first record (in build order) that draws a chart, else the first record."""
    files = sorted(p for p in sources.iterdir() if p.suffix in (".yaml", ".yml"))
    with_chart = [p for p in files if "chart:" in p.read_text(encoding="utf-8")]
    return str((with_chart or files)[0].relative_to(sources.parent))


def _checked(ran, name: str):
    """Return the run, or stop the bench when it failed."""
    if ran.code != 0:
        raise runner.BenchFailure(f"the {name} run failed (exit {ran.code}):\n{ran.tail()}")
    return ran


def _hashes(folder: Path) -> dict[str, str]:
    """Return the sha256 of every sheet in `folder`."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.*"))
            if p.suffix in (".docx", ".pdf")}


def report(times: dict[str, list[float]], cpu: dict[str, list[float]], served: float, record: str,
           loads: list[float], same: bool) -> None:
    """Print medians, ratios to the floor, CPU time and the verdicts."""
    median = {name: statistics.median(values) for name, values in times.items()}
    used = {name: statistics.median(values) for name, values in cpu.items()}
    used["daemon"] += served  # the command's own CPU and, on average, its build's in the daemon
    floor = median["floor"]
    print(f"one sheet ({record}), {len(times['floor'])} interleaved rounds, medians; load average "
          f"{min(loads):.1f}–{max(loads):.1f} on {os.cpu_count()} CPUs (a machine shared with other work: "
          f"read the ratios to the floor, and the CPU time, which a busy machine inflates less than the wall time)")
    print(f"  {'':9} {'wall':>9}  {'(min)':>8}  {'÷ floor':>8}  {'CPU':>8}  {'÷ floor':>8}")
    for name, target in (("daemon", DAEMON_TARGET), ("one-shot", ONE_SHOT_TARGET), ("floor", None),
                         ("python", None)):
        verdict = "" if target is None else f"  ≤ {target * 1000:.0f} ms: " + (
            "MET" if median[name] <= target else "NOT MET")
        print(f"  {name:9} {median[name] * 1000:6.1f} ms  {min(times[name]) * 1000:5.1f} ms  "
              f"{median[name] / floor:7.2f}×  {used[name] * 1000:5.0f} ms  {used[name] / used['floor']:7.2f}×{verdict}")
    print(f"  the daemon's share of its row's CPU: {served * 1000:.0f} ms a build (its forked child)")
    print(f"  daemon's sheets byte-identical to one-shot's: {'yes' if same else 'NO'}")


def stop(scratch: Path, env: dict, place: Path) -> None:
    """Stop the daemon this bench started; kill it if it does not end."""
    status = next(place.glob("daemon-*.json"), None)
    pid = json.loads(status.read_text())["pid"] if status else None
    if scratch.is_dir():
        runner.run(runner.factsheets() + ["daemon", "stop"], scratch, env)
    deadline = time.monotonic() + 20
    while pid and time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    if pid:
        os.kill(pid, signal.SIGKILL)


if __name__ == "__main__":
    sys.exit(main())
