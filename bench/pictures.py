"""Issue 27's target 5: N sheets each with its own chart built in at most 2× the time of N sharing one.

Usage: .venv/bin/python bench/pictures.py [--sheets N] [--rounds R]

Sheets (the target): two projects of N generated records (bench/recordgen.py: every layout, each
record given a bar chart by recordgen.add_charts), "own" (every chart its own values, so its own
picture) and "shared" (the same values: one picture for all). Each round builds shared and own
(which goes first alternates between rounds) cold, into an empty output folder, with `--jobs 2
--no-daemon` and an empty picture cache (FACTSHEETS_CACHE_DIR a fresh folder); then both again
cold, each with the cache its first build filled (a next run). The INL records also chart the
samples' shared series, in both.

Pictures alone (context, no sheets): a fresh process makes N sheet-sized charts' .docx pictures: the
same drawing N times, N different drawings (painted), and those N again in a new process (cached).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

import machine
import recordgen
import runner
from runner import BenchFailure

BUILDS = ("shared", "own", "shared, next run", "own, next run")  # the order of each round's builds

WORKER = """
import sys, time
from pipeline.document.chartdraw import Drawing, Label, Line, Rect, png
count, own = int(sys.argv[1]), sys.argv[2] == "own"
def drawing(n):
    bars = tuple(Rect(40.0 + 60 * b, 30.0, 36.0, 20.0 + 17 * b + (n % 97 if own and b == 0 else 0), "1F4E79")
                 for b in range(6))
    labels = tuple(Label(58.0 + 60 * b, 18.0, str(2013 + b), 8.0, "middle", "000000") for b in range(6))
    return Drawing(468.0, 216.0, (*bars, Line(((36.0, 30.0), (420.0, 30.0)), 0.75, "000000"), *labels,
                                  Label(234.0, 200.0, f"Hectares under cultivation {n if own else 0}", 10.0,
                                        "middle", "000000")))
start = time.perf_counter()
for n in range(count):
    png(drawing(n if own else 0))
print(time.perf_counter() - start)
"""


def main() -> int:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheets", type=int, default=1000, help="sheets (and pictures) per build (default 1000)")
    parser.add_argument("--rounds", type=int, default=1, help="interleaved rounds (default 1)")
    args = parser.parse_args()
    runner.become_subreaper()
    scratch = Path(tempfile.mkdtemp(prefix="bench-pictures-"))
    try:
        found = sheets(scratch, args.sheets, args.rounds, report=print)
        alone = pictures(args.sheets, args.rounds)
    except BenchFailure as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    finally:
        runner.reap_orphans()
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"\n{args.sheets:,} sheets, cold, --jobs 2, median of {args.rounds} round(s) ({machine.load()})")
    times = {name: statistics.median(values) for name, values in found["times"].items()}
    cpu = {name: statistics.median(values) for name, values in found["cpu"].items()}
    for name in BUILDS:
        ratio = times[name] / times[name.replace("own", "shared")]
        verdict = f"  {ratio:5.2f}× shared  ≤ 2×: {'MET' if ratio <= 2 else 'NOT MET'}" if "own" in name else ""
        print(f"  {name:18s} {times[name]:7.2f} s  {cpu[name]:7.1f} CPU-s  {found['painted'][name]:5d} pictures "
              f"painted{verdict}")
    shared, own, cached = (statistics.median(v) for v in alone)
    print(f"pictures alone, no sheets ({args.sheets:,} each): shared {shared:.2f} s; own, painted {own:.2f} s "
          f"({own / shared:.1f}×); own, cached {cached:.2f} s ({cached / shared:.1f}×)")
    return 0


def projects(scratch: Path, count: int) -> dict[str, recordgen.Generated]:
    """Generate the two projects of `count` charted records: {"shared": …, "own": …}."""
    made = {}
    for kind in ("shared", "own"):
        made[kind] = recordgen.generate(scratch / f"charts-{kind}", count, every=count)
        recordgen.add_charts(made[kind], own=kind == "own")
    return made


def sheets(scratch: Path, count: int, rounds: int, report=print) -> dict:
    """Build both projects cold R times in interleaved rounds; return each build's seconds by BUILDS name,
    its CPU seconds (every process of it, when this process is their subreaper), the pictures each
    build painted (entries added to its cache) and the load averages seen."""
    made = projects(scratch, count)
    found: dict = {"times": {name: [] for name in BUILDS}, "cpu": {name: [] for name in BUILDS}, "painted": {},
                   "loads": []}
    for i in range(rounds):
        caches = {kind: scratch / f"cache-{kind}-{i}" for kind in made}
        # Shared and own in turn, so a busy spell of the machine falls on both; which goes first
        # alternates between rounds, so neither always pays for a first build after the other's.
        for name in BUILDS if i % 2 == 0 else ("own", "shared", "own, next run", "shared, next run"):
            kind = name.split(",")[0]
            before, cpu = _entries(caches[kind]), _cpu()
            seconds = _cold_build(made[kind], count, caches[kind])
            found["times"][name].append(seconds)
            found["cpu"][name].append(_cpu() - cpu)
            found["painted"][name] = _entries(caches[kind]) - before
            found["loads"].append(os.getloadavg()[0])
            report(f"  round {i + 1}, {name}: {seconds:.2f} s ({found['cpu'][name][-1]:.1f} CPU-s), "
                   f"{found['painted'][name]} pictures painted "
                   f"({machine.load()})")
        for cache in caches.values():
            shutil.rmtree(cache, ignore_errors=True)
    return found


def _cold_build(gen: recordgen.Generated, count: int, cache: Path) -> float:
    """Return the seconds of one build of every record into an empty output folder, with this picture cache."""
    shutil.rmtree(gen.project / "output", ignore_errors=True)
    env = {**os.environ, "FACTSHEETS_CACHE_DIR": str(cache)}
    env.pop("FACTSHEETS_NO_CACHE", None)
    built = runner.build(gen.project, "--jobs", "2", "--no-daemon", env=env)
    if built.rebuilt != count or built.total != count:
        raise BenchFailure(f"a cold build rebuilt {built.rebuilt} of {built.total} charted records, not {count}")
    return built.ran.seconds


def _cpu() -> float:
    """Return the CPU seconds of every process this one has waited for (a subreaper waits for all a build starts)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _entries(cache: Path) -> int:
    """Return how many pictures the cache holds."""
    folder = cache / "charts"
    return sum(1 for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else 0


def pictures(count: int, rounds: int) -> tuple[list[float], list[float], list[float]]:
    """Return the seconds of each round's three picture-only processes: shared, own (painted), own (cached)."""
    found: tuple[list[float], list[float], list[float]] = ([], [], [])
    for _ in range(rounds):  # interleaved: a busy spell of the machine falls on all three
        cache = Path(tempfile.mkdtemp(prefix="bench-pictures-"))
        env = {**os.environ, "FACTSHEETS_CACHE_DIR": str(cache / "cache")}
        env.pop("FACTSHEETS_NO_CACHE", None)
        try:
            found[0].append(_run(count, "shared", env))
            shutil.rmtree(cache / "cache", ignore_errors=True)
            found[1].append(_run(count, "own", env))
            found[2].append(_run(count, "own", env))
        finally:
            shutil.rmtree(cache, ignore_errors=True)
    return found


def _run(count: int, kind: str, env: dict) -> float:
    """Return the seconds one fresh process takes to make `count` pictures."""
    done = subprocess.run([sys.executable, "-c", WORKER, str(count), kind], env=env, cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return float(done.stdout.strip())


if __name__ == "__main__":
    sys.exit(main())
