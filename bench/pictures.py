"""Issue 27's target 5: a chart's picture paid once per drawing across processes and runs.

Usage: .venv/bin/python bench/pictures.py [--sheets N]

Each measurement is a fresh Python process that makes the .docx pictures of N charts the size of a
sheet's (bars, axis, labels), as N sheets would: "shared" is N times the same drawing, "own" N
different drawings (one bar differs); "own, cached" is the same N in a new process once a first
run has cached them. The target compares own with shared (≤ 2×). A private cache folder of its own,
removed at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

WORKER = """
import sys, time
from pipeline.document.chartdraw import Drawing, Label, Line, Rect, png
count, own = int(sys.argv[1]), sys.argv[2] == "own"
def drawing(n):
    bars = tuple(Rect(40.0 + 60 * b, 30.0, 36.0, 20.0 + 17 * b + (n % 97 if own and b == 0 else 0), "1F4E79")
                 for b in range(6))
    labels = tuple(Label(58.0 + 60 * b, 18.0, str(2013 + b), 8.0, "middle", "000000") for b in range(6))
    return Drawing(468.0, 216.0, (*bars, Line(((36.0, 30.0), (420.0, 30.0)), 0.75, "000000"), *labels,
                                  Label(234.0, 200.0, "Hectares under cultivation", 10.0, "middle", "000000")))
start = time.perf_counter()
for n in range(count):
    png(drawing(n if own else 0))
print(time.perf_counter() - start)
"""


def main() -> int:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheets", type=int, default=100, help="charts per measurement (default 100)")
    args = parser.parse_args()
    shared, own, cached = (min(v) for v in measure(args.sheets, 1))
    print(f"{args.sheets} charts' .docx pictures, one process each (a machine shared with other work: read the ratios)")
    print(f"  shared (one drawing)      {shared:7.2f} s")
    print(f"  own, first run (painted)  {own:7.2f} s  {own / shared:6.1f}× shared  ≤ 2×: {_verdict(own, shared)}")
    print(f"  own, next runs (cached)   {cached:7.2f} s  {cached / shared:6.1f}× shared  ≤ 2×: "
          f"{_verdict(cached, shared)}")
    return 0


def measure(sheets: int, rounds: int) -> tuple[list[float], list[float], list[float]]:
    """Return the seconds of each round's three processes: shared, own (painted), own (cached)."""
    found: tuple[list[float], list[float], list[float]] = ([], [], [])
    for _ in range(rounds):  # interleaved: a busy spell of the machine falls on all three
        cache = Path(tempfile.mkdtemp(prefix="bench-pictures-"))
        env = {**os.environ, "FACTSHEETS_CACHE_DIR": str(cache / "cache")}
        env.pop("FACTSHEETS_NO_CACHE", None)
        try:
            found[0].append(_run(sheets, "shared", env))
            shutil.rmtree(cache / "cache", ignore_errors=True)
            found[1].append(_run(sheets, "own", env))
            found[2].append(_run(sheets, "own", env))
        finally:
            shutil.rmtree(cache, ignore_errors=True)
    return found


def _run(count: int, kind: str, env: dict) -> float:
    """Return the seconds one fresh process takes to make `count` pictures."""
    done = subprocess.run([sys.executable, "-c", WORKER, str(count), kind], env=env, cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return float(done.stdout.strip())


def _verdict(time: float, shared: float) -> str:
    """Return MET or NOT MET for ≤ 2× shared."""
    return "MET" if time <= 2 * shared else "NOT MET"


if __name__ == "__main__":
    sys.exit(main())
