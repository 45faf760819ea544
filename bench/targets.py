"""Issue 15's speed targets, measured: median/min/max of each, the anchors of the same run, MET or NOT MET.

Usage: make bench   (or: .venv/bin/python bench/targets.py [--records N] [--repeat R] [--only ROWS]
                      [--write-doc] [--keep] [--require-met]; a smoke run: --records 100 --repeat 1)

Rows (docs/performance.md says what each measures and how to read it):
  warm     one 2-page sheet (.docx + .pdf) in a warm process, per stage, against the floor
  cli      one sheet from the command line, whole process, against a pandoc process
  cold     N generated records (every layout), cold, --jobs 2; and the peak memory per process
  noop     the no-op rebuild of those N: bytecode as found, not written, compiled at install
  figure   one shared figure read by 1 record in 10 changed: time, and exactly those rebuilt
  preview  the workspace's preview round trip in Chromium
  anchors  LibreOffice converting a .docx to PDF (context); docxtpl where installed
Everything runs in one temporary folder, removed at the end; every process it starts is waited
for (or killed). Exit 1 when the pipeline fails or rebuilds the wrong sheets, 0 otherwise
(with --require-met: 3 when a target is not met).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import machine
import recordgen
import report
import runner
from report import Row
from runner import BenchFailure

ROWS = ("warm", "cli", "cold", "noop", "figure", "preview", "anchors")
DOC = ROOT / "docs" / "performance.md"
HEAVY = ("docx", "reportlab")  # what a no-op run should not need to import


def parse_args() -> argparse.Namespace:
    """Return the command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[5:14]))
    parser.add_argument("--records", type=int, default=1000, help="records to generate (default 1000)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each long measurement (cold build, figure change); the short ones "
                             "run 2R or 3R times, the warm sheet 10R times per sample (default 3)")
    parser.add_argument("--every", type=int, default=10,
                        help="1 record in EVERY reads the figure that changes (default 10: 100 of 1,000)")
    parser.add_argument("--only", default=",".join(ROWS),
                        help=f"comma-separated rows to measure (default all: {','.join(ROWS)})")
    parser.add_argument("--write-doc", action="store_true",
                        help="write the summary, the machine and the command into docs/performance.md")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print its path")
    parser.add_argument("--require-met", action="store_true", help="exit 3 when any target is not met")
    args = parser.parse_args()
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(args.only) - set(ROWS))
    if unknown:
        parser.error(f"unknown row(s) {', '.join(unknown)}; the rows are {', '.join(ROWS)}")
    if args.repeat < 1 or args.every < 1 or args.records < args.every:
        parser.error("need --repeat >= 1, --every >= 1 and --records >= --every")
    return args


class Bench:
    """One run of the bench: its options, its scratch folder, the rows and notes found so far."""

    def __init__(self, args: argparse.Namespace, scratch: Path):
        self.args, self.scratch = args, scratch
        self.rows: list[Row] = []
        self.notes: list[str] = []  # printed under the table, and written into the doc with it
        self.wrong: list[str] = []  # correctness failures: the run exits 1
        self._generated: recordgen.Generated | None = None
        self._warm_docx: Path | None = None

    def say(self, line: str) -> None:
        """Print a progress or detail line now."""
        print(line, flush=True)

    def note(self, line: str) -> None:
        """Print a line now and keep it for the summary."""
        self.say(line)
        self.notes.append(line)

    def fault(self, row: Row, why: str) -> None:
        """Mark a row wrong (not a time: a wrong result) and remember it for the exit code."""
        row.wrong = why
        self.wrong.append(f"{row.measure}: {why}")

    @property
    def project(self) -> recordgen.Generated:
        """Return the generated project, making it (and checking a few of its records) the first time."""
        if self._generated is None:
            args = self.args
            self.say(f"generating {args.records} records from the samples ({machine.load()})")
            self._generated = recordgen.generate(self.scratch / "project", args.records, args.every)
            gen = self._generated
            counts = {name: list(gen.layouts.values()).count(name) for name in sorted(set(gen.layouts.values()))}
            self.note(f"generated records per layout: {', '.join(f'{k} {v}' for k, v in counts.items())}; "
                      f"{len(gen.readers)} read data.{gen.figure} through {gen.reference}")
            self._check_some(gen)
        return self._generated

    def _check_some(self, gen: recordgen.Generated) -> None:
        """`factsheets check` one record of each layout, reader and not, so a bad generator fails fast."""
        pick: dict[tuple[str, bool], str] = {}
        for record_id, layout in gen.layouts.items():
            pick.setdefault((layout, record_id in gen.readers), record_id)
        files = [f"sources/{record_id}.yaml" for record_id in pick.values()]
        ran = runner.run(runner.factsheets() + ["check", *files], gen.project)
        runner.reap_orphans()
        if ran.code != 0:
            raise BenchFailure(f"generated records do not pass `factsheets check`:\n{ran.tail()}")

    def warm_docx(self) -> Path:
        """Return a .docx of a 2-page sample, written by the pipeline in this process."""
        if self._warm_docx is None:
            from warm import sample_docx
            self._warm_docx = sample_docx(self.scratch)
        return self._warm_docx


def settle(bench: Bench, env: dict | None = None) -> None:
    """Build the generated project until nothing is rebuilt (untimed), so the next step starts current."""
    gen = bench.project
    for _ in range(3):
        built = runner.build(gen.project, "--jobs", "2", env=env)
        if not built.rebuilt:
            return
        bench.say(f"  (untimed: {built.rebuilt} records rebuilt first, because: {built.reasons()})")
    raise BenchFailure("the generated project keeps needing rebuilds; is the pipeline code being edited?")


# --- cold, memory ---------------------------------------------------------------------------------

def cold(bench: Bench) -> None:
    """Time cold builds of the generated project with --jobs 2; each process's peak memory too."""
    gen, n = bench.project, bench.args.records
    times, peaks, busy, roles = [], [], [], {}
    bench.say(f"cold builds of {n} records, --jobs 2, {bench.args.repeat} run(s), each into an empty "
              f"output folder, under bench/peak.py ({machine.load()})")
    for i in range(bench.args.repeat):
        shutil.rmtree(gen.project / "output", ignore_errors=True)
        peak = bench.scratch / f"peak-{i}.json"
        before = runner.cpu_ticks()
        built = runner.build(gen.project, "--jobs", "2", peak=peak)
        busy.append(runner.busy_between(before, runner.cpu_ticks()))
        if built.rebuilt != n or built.total != n:
            raise BenchFailure(f"a cold build rebuilt {built.rebuilt} of {built.total} records, not {n}")
        measured = json.loads(peak.read_text(encoding="utf-8"))
        times.append(built.ran.seconds)
        peaks.append(measured["maxrss_kb"] / 1024)
        roles = measured["by_role"]
        bench.say(f"  {built.ran.seconds:.1f} s ({built.ran.seconds / n * 1000:.1f} ms/record), "
                  f"{busy[-1]:.1f} CPUs busy machine-wide; largest process {peaks[-1]:.0f} MB")
    bench.rows.append(Row(f"{n:,} generated records, cold, --jobs 2", "≤ 15 s", "s", tuple(times), limit=15))
    bench.rows.append(Row(f"peak memory per process, {n:,}-record build", "≤ 100 MB", "MB", tuple(peaks),
                          limit=100))
    parts = ", ".join(f"{name} {v['peak_kb'] / 1024:.0f} MB" + (f" (×{v['processes']})" if v["processes"] > 1
                                                                  else "") for name, v in sorted(roles.items()))
    bench.note(f"cold --jobs 2: {statistics.median(times) / n * 1000:.1f} ms per record; "
               f"{statistics.median(busy):.1f} CPUs busy machine-wide during the builds")
    bench.note("peak memory: getrusage(RUSAGE_CHILDREN).ru_maxrss in bench/peak.py, a child subreaper that "
               "waits for every process of the build (workers too): the largest single process, not a sum; "
               f"by role, polled from /proc VmHWM in the last run: {parts}")


# --- no-op ----------------------------------------------------------------------------------------

def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Return (size, mtime_ns) of every file and folder below `folder`, by relative name."""
    found = {".": (0, folder.stat().st_mtime_ns)}  # the folder's mtime moves if a file came and went
    for path in folder.rglob("*"):
        st = path.stat()
        found[path.relative_to(folder).as_posix()] = (st.st_size if path.is_file() else 0, st.st_mtime_ns)
    return found


def package_copy(bench: Bench) -> tuple[Path, dict]:
    """Copy pipeline/ without bytecode; return its folder and an environment that imports it, writing none."""
    home = bench.scratch / "package"
    shutil.copytree(ROOT / "pipeline", home / "pipeline", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPYCACHEPREFIX"}
    env["PYTHONPATH"] = os.pathsep.join([str(home), *filter(None, [os.environ.get("PYTHONPATH")])])
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    ran = runner.run([sys.executable, "-c", "import pipeline; print(pipeline.__file__)"], home.parent, env)
    if not ran.out.strip().startswith(str(home)):
        raise BenchFailure(f"the copy of pipeline/ in {home} is not the one imported ({ran.out.strip()}; "
                           f"{ran.err.strip()}): the bytecode rows would measure the wrong package")
    return home, env


def bytecode_files(folder: Path) -> int:
    """Return how many .pyc files are below `folder`."""
    return sum(1 for _ in folder.rglob("*.pyc"))


def noop(bench: Bench) -> None:
    """Time no-op rebuilds three ways: bytecode as found, none written, compiled at install."""
    gen, n, runs = bench.project, bench.args.records, 3 * bench.args.repeat
    settle(bench)
    out = gen.project / "output"
    before = snapshot(out)
    found = bytecode_files(ROOT / "pipeline")
    flag = os.environ.get("PYTHONDONTWRITEBYTECODE") or "unset"
    bench.say(f"no-op runs of {n} records, --jobs 2: {runs} timed per way, after one untimed ({machine.load()})")
    times = noop_runs(bench, runs, None)
    bench.rows.append(Row(f"no-op rebuild of {n:,} records (bytecode as found)", "≤ 1 s", "s", times, limit=1))
    writes = "so the runs wrote none" if flag != "unset" else "so the untimed run may have written it"
    bench.note(f"no-op 'bytecode as found': {found} .pyc files under pipeline/ at the start, "
               f"PYTHONDONTWRITEBYTECODE {flag} in the environment, {writes}; the standard library's and "
               "the installed libraries' bytecode is used either way")
    home, env = package_copy(bench)
    times = noop_runs(bench, runs, env)
    written = bytecode_files(home)
    row = Row("↳ bytecode not written (a copy of pipeline/ without it, PYTHONDONTWRITEBYTECODE=1)",
              "≤ 1 s", "s", times, limit=1)
    if written:
        bench.fault(row, f"{written} .pyc files were written all the same")
    bench.rows.append(row)
    compiled = runner.run([sys.executable, "-m", "compileall", "-q", str(home / "pipeline")], home)
    if compiled.code != 0:
        raise BenchFailure(f"compileall failed on the copy of pipeline/:\n{compiled.tail()}")
    times = noop_runs(bench, runs, env)
    bench.rows.append(Row("↳ bytecode compiled at install (compileall on that copy)", "≤ 1 s", "s", times,
                          limit=1))
    if snapshot(out) != before:
        bench.fault(bench.rows[-3], "the no-op runs changed the output folder (a name, size or mtime)")
    imports(bench)


def noop_runs(bench: Bench, runs: int, env: dict | None) -> tuple[float, ...]:
    """Run one untimed and `runs` timed no-op builds; return the timed seconds; none may rebuild."""
    gen = bench.project
    times = []
    for i in range(runs + 1):
        built = runner.build(gen.project, "--jobs", "2", env=env)
        if built.rebuilt:
            raise BenchFailure(f"a no-op run rebuilt {built.rebuilt} records, because: {built.reasons()}")
        if i:
            times.append(built.ran.seconds)
    bench.say(f"  median {statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f})")
    return tuple(times)


def imports(bench: Bench) -> None:
    """Note what a no-op run imports: docx or reportlab it should not need, the slowest packages."""
    python = [sys.executable, "-X", "importtime", "-m", "pipeline"]
    built = runner.build(bench.project.project, "--jobs", "2", python=python)
    rows = []
    for line in built.ran.err.splitlines():
        parts = line.split("|")
        if line.startswith("import time:") and len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]) / 1000, parts[2].strip()))
    heavy = sorted({name for _, name in rows if name.split(".")[0] in HEAVY})
    top = sorted(((ms, name) for ms, name in rows if "." not in name and name not in ("site", "encodings")),
                 reverse=True)[:6]
    imported = f"{len(heavy)} modules of docx/reportlab ({', '.join(heavy[:4])}…)" if heavy else \
        "neither docx nor reportlab"
    bench.note(f"a no-op run imports {imported}; slowest imports (cumulative ms, -X importtime): "
               + ", ".join(f"{name} {ms:.0f}" for ms, name in top))


# --- one figure -----------------------------------------------------------------------------------

def figure(bench: Bench) -> None:
    """Change the figure the subset reads, R times; time each build; exactly the subset must rebuild."""
    gen, n = bench.project, bench.args.records
    settle(bench)
    bench.say(f"one figure changed ({gen.reference}, read by {len(gen.readers)} of {n}), --jobs 2, "
              f"{bench.args.repeat} run(s) ({machine.load()})")
    times, problems = [], []
    for step in range(1, bench.args.repeat + 1):
        recordgen.write_figure(gen, step)
        built = runner.build(gen.project, "--jobs", "2")
        times.append(built.ran.seconds)
        ids = built.rebuilt_ids
        if ids != gen.readers or built.rebuilt != len(gen.readers):
            problems.append(f"run {step} rebuilt {built.rebuilt}: {len(ids - gen.readers)} that do not read "
                            f"it, {len(gen.readers - ids)} that do were missed ({built.reasons()})")
        bench.say(f"  {built.ran.seconds:.2f} s, {built.rebuilt} rebuilt")
    row = Row(f"one shared figure read by {len(gen.readers)} of {n:,} sheets changed",
              f"≤ 3 s, exactly those {len(gen.readers)} rebuilt", "s", tuple(times), limit=3)
    if problems:
        bench.fault(row, "; ".join(problems))
    else:
        bench.note(f"one figure changed: every run rebuilt exactly the {len(gen.readers)} records that read it "
                   "(the `rebuilt` lines and the summary line)")
    bench.rows.append(row)


# --- preview --------------------------------------------------------------------------------------

def preview(bench: Bench) -> None:
    """Time the workspace's preview in Chromium, from the last key typed to the new page images shown."""
    import preview_roundtrip

    rounds = max(15, 5 * bench.args.repeat)
    bench.say(f"preview: a 2-page sample and a generated {preview_roundtrip.LONG_PAGES}-page sheet, "
              f"{rounds} rounds each ({machine.load()})")
    try:
        found = preview_roundtrip.measure(rounds, report=lambda line: bench.say("  " + line))
    except (OSError, RuntimeError, AssertionError, subprocess.CalledProcessError) as exc:
        raise BenchFailure(f"the preview measurement failed: {exc}") from exc
    finally:
        runner.reap_orphans()
    if found["browser_missing"]:
        bench.rows.append(Row("preview: last key → new page image (Chromium)", "≤ 500 ms",
                              missing=found["browser_missing"]))
        return
    for key, sheet in found["sheets"].items():
        floor = statistics.median(sheet["floor"])
        row = Row(f"preview, {sheet['pages']}-page sheet: last key → new page image (Chromium)",
                  f"≤ {preview_roundtrip.TARGETS[key]:.0f} ms", "ms", tuple(sheet["shown"]),
                  limit=preview_roundtrip.TARGETS[key], anchor=f"raw render {floor:.0f} ms")
        row.ratio = statistics.median(sheet["shown"]) / floor
        bench.rows.append(row)
        bench.rows.append(Row(f"↳ bytes per preview ({sheet['pages']} pages; answer and images fetched)",
                              unit="kB", values=tuple(b / 1000 for b in sheet["bytes"]), info=True))
    bench.note(f"preview measured at {found['load']}: other work on the machine makes it noisy; "
               "the ratio to the same run's render is steadier")


# --- main -----------------------------------------------------------------------------------------

def measure(bench: Bench) -> None:
    """Take every measurement asked for, in an order that builds on the last."""
    only = bench.args.only
    if "warm" in only or "cli" in only:
        import warm  # imports the pipeline into this process: the warm process of the first row
        pandoc_ms = None
        if "warm" in only:
            warm.warm(bench)
        if "cli" in only:
            pandoc_ms = warm.cli(bench)
        if pandoc_ms is None and "cli" in only:
            bench.note("pandoc is not on PATH: the command-line row has no pandoc anchor")
    if "anchors" in only:
        import anchors
        seconds, how = anchors.libreoffice(bench.warm_docx(), bench.scratch)
        row = Row("anchor: LibreOffice process, one .docx → PDF", unit="s",
                  values=(seconds,) if seconds is not None else (), info=True, missing="" if seconds else how)
        bench.rows.append(row)
        if seconds:
            bench.note(f"LibreOffice anchor: {how}")
        bench.rows.append(Row("anchor: docxtpl", info=True, missing=anchors.docxtpl()))
    if "cold" in only:
        cold(bench)
    if "noop" in only:
        noop(bench)
    if "figure" in only:
        figure(bench)
    if "preview" in only:
        preview(bench)


def command(args: argparse.Namespace) -> str:
    """Return the command that reproduces this run (the options as given, less --write-doc and --keep)."""
    kept = [a for a in sys.argv[1:] if a not in ("--write-doc", "--keep")]
    direct = shlex.join([".venv/bin/python", "bench/targets.py", *kept])
    return "make bench" if not kept else f"make bench BENCH={shlex.quote(' '.join(kept))}  (runs {direct})"


def summary(bench: Bench, started: str, description: list[tuple[str, str]]) -> str:
    """Return the summary: when and where, the command, the table and the notes."""
    lines = [f"Measured {started}, on:", ""]
    lines += [f"- {what}: {text}" for what, text in description]
    lines += ["", f"Command: `{command(bench.args)}`", "", report.table(bench.rows), ""]
    lines += [f"- {note}" for note in bench.notes]
    if bench.args.records != 1000:
        lines += [f"- this run generated {bench.args.records} records: the targets are for 1,000, so the "
                  "rows that depend on the count are not the issue's"]
    return "\n".join(lines)


def main() -> int:
    """Measure, print the summary, write the doc if asked; return the exit code."""
    args = parse_args()
    runner.become_subreaper()  # processes a run leaves behind come back here to be waited for
    started = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    description = machine.describe(ROOT)
    scratch = Path(tempfile.mkdtemp(prefix="factsheets-bench-"))
    bench = Bench(args, scratch)
    try:
        bench.say(f"bench: {', '.join(args.only)}; {args.records} records, repeat {args.repeat}; "
                  f"{machine.load()}; scratch {scratch}")
        measure(bench)
        bench.notes.append(f"at the end: {machine.load()}")
    except BenchFailure as exc:
        print(f"\nbench failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nbench interrupted; its processes are stopped and its temporary folder removed", file=sys.stderr)
        return 130
    finally:
        runner.reap_orphans()
        if args.keep:
            print(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    text = summary(bench, started, description)
    print("\n" + "=" * 30 + " summary " + "=" * 30 + "\n" + text)
    if args.write_doc:
        report.write_doc(DOC, text)
        print(f"\nwrote the summary into {DOC.relative_to(ROOT)}")
    if bench.wrong:
        print("\nwrong results (exit 1):\n" + "\n".join(f"  {w}" for w in bench.wrong), file=sys.stderr)
        return 1
    if args.require_met and any(row.verdict() == "NOT MET" for row in bench.rows):
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
