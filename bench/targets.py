"""Issue 27's speed targets, measured: median/min/max of each, the anchors of the same run, MET or NOT MET.

Usage: make bench   (or: .venv/bin/python bench/targets.py [--records N] [--noop-records M] [--repeat R]
                      [--only ROWS] [--write-doc] [--keep] [--require-met];
                      a smoke run: --records 100 --noop-records 1000 --repeat 1)

Rows (docs/performance.md says what each measures and how to read it; the issue's target in brackets):
  daemon   one sheet through the build daemon and one-shot, with the libraries-only process  [1]
  warm     one 2-page sheet in a warm process against the floor; the PDF writer against Typst  [3]
  cli      one sheet one-shot from the command line; Typst, pandoc, libraries-only processes  [1]
  cold     N generated records, cold, --jobs 2, against Typst compiling the same N in 2 processes  [2]
  figure   one shared figure read by 1 record in 10 changed; Typst compiling those sheets  [2]
  noop     the no-op rebuild of M records (10,000 by default) and its main process's peak memory  [4]
  pictures N charts' pictures, each its own drawing, against N sharing one  [5]
  gallery  the workspace at N sheets in Chromium: gallery first paint, a search's answer  [6]
  preview  the workspace's preview round trip in Chromium (issue 15)
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

ROWS = ("daemon", "warm", "cli", "cold", "figure", "noop", "pictures", "gallery", "preview", "anchors")
NOOP_TARGET = 10_000  # the records issue 27's no-op target is set at
DOC = ROOT / "docs" / "performance.md"
HEAVY = ("docx", "reportlab")  # what a no-op run should not need to import


def parse_args() -> argparse.Namespace:
    """Return the command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[6:]))
    parser.add_argument("--records", type=int, default=1000, help="records to generate (default 1000)")
    parser.add_argument("--noop-records", type=int, default=NOOP_TARGET,
                        help=f"records of the no-op row's own project (default {NOOP_TARGET:,}, the target's "
                             "count, built for real first: minutes); fewer is said in the rows' verdicts")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each long measurement (cold build, figure change); the short ones "
                             "run 2R to 5R times, the warm sheet 10R times per sample (default 3)")
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
    if args.repeat < 1 or args.every < 1 or args.records < args.every or args.noop_records < args.every:
        parser.error("need --repeat >= 1, --every >= 1 and --records, --noop-records >= --every")
    return args


class Bench:
    """One run of the bench: its options, its scratch folder, the rows and notes found so far."""

    def __init__(self, args: argparse.Namespace, scratch: Path):
        self.args, self.scratch = args, scratch
        self.rows: list[Row] = []
        self.notes: list[str] = []  # printed under the table, and written into the doc with it
        self.wrong: list[str] = []  # correctness failures: the run exits 1
        self._generated: recordgen.Generated | None = None
        self._noop: recordgen.Generated | None = None
        self._warm_docx: Path | None = None
        self._typst: dict[str, Path] = {}  # record id -> its Typst source (the anchor of cold and figure)

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
            self._generated = self._generate("project", self.args.records)
        return self._generated

    @property
    def noop_project(self) -> recordgen.Generated:
        """Return the no-op row's project: the main one when the counts agree, else one of its own."""
        if self.args.noop_records == self.args.records:
            return self.project
        if self._noop is None:
            self._noop = self._generate("noop-project", self.args.noop_records)
        return self._noop

    def _generate(self, folder: str, count: int) -> recordgen.Generated:
        """Generate `count` records into the scratch folder; note them; check a few."""
        self.say(f"generating {count} records from the samples ({machine.load()})")
        gen = recordgen.generate(self.scratch / folder, count, self.args.every)
        counts = {name: list(gen.layouts.values()).count(name) for name in sorted(set(gen.layouts.values()))}
        self.note(f"generated {count:,} records per layout: {', '.join(f'{k} {v}' for k, v in counts.items())}; "
                  f"{len(gen.readers)} read data.{gen.figure} through {gen.reference}")
        self._check_some(gen)
        return gen

    def typst_sources(self, ids) -> list[Path]:
        """Return the Typst sources of the generated records `ids`, each written from its own tree (untimed)."""
        import render_speed
        import typst_anchor

        from pipeline.layouts.loader import load_layouts

        gen = self.project
        todo = sorted(set(ids) - set(self._typst))
        if todo:
            layouts = load_layouts(gen.project / "templates")
            folder = self.scratch / "typst-sources"
            folder.mkdir(exist_ok=True)
            for record_id in todo:
                doc = render_speed.tree(gen.project / "sources" / f"{record_id}.yaml", layouts)
                path = folder / f"{record_id}.typ"
                path.write_text(typst_anchor.source(doc), encoding="utf-8")
                self._typst[record_id] = path
        return [self._typst[record_id] for record_id in sorted(ids)]

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


def settle(bench: Bench, env: dict | None = None, gen: recordgen.Generated | None = None) -> None:
    """Build the generated project until nothing is rebuilt (untimed), so the next step starts current."""
    gen = gen or bench.project
    for _ in range(3):
        built = runner.build(gen.project, "--jobs", "2", "--no-daemon", env=env)
        if not built.rebuilt:
            return
        bench.say(f"  (untimed: {built.rebuilt} records rebuilt first, because: {built.reasons()})")
    raise BenchFailure("the generated project keeps needing rebuilds; is the pipeline code being edited?")


# --- cold, memory ---------------------------------------------------------------------------------

def cold(bench: Bench) -> None:
    """Time cold builds of the generated project with --jobs 2, each followed by Typst compiling the same
    records in 2 fresh processes; each build's peak memory per process too."""
    import typst_anchor

    gen, n = bench.project, bench.args.records
    why = typst_anchor.missing()
    sources = [] if why else bench.typst_sources(gen.layouts)
    times, typst, peaks, busy, roles = [], [], [], [], {}
    bench.say(f"cold builds of {n} records, --jobs 2, {bench.args.repeat} run(s), each into an empty "
              f"output folder, under bench/peak.py; after each, Typst on the same {n} in 2 processes "
              f"({machine.load()})")
    for i in range(bench.args.repeat):
        shutil.rmtree(gen.project / "output", ignore_errors=True)
        peak = bench.scratch / f"peak-{i}.json"
        before = runner.cpu_ticks()
        built = runner.build(gen.project, "--jobs", "2", "--no-daemon", peak=peak)
        busy.append(runner.busy_between(before, runner.cpu_ticks()))
        if built.rebuilt != n or built.total != n:
            raise BenchFailure(f"a cold build rebuilt {built.rebuilt} of {built.total} records, not {n}")
        measured = json.loads(peak.read_text(encoding="utf-8"))
        times.append(built.ran.seconds)
        peaks.append(measured["maxrss_kb"] / 1024)
        roles = measured["by_role"]
        if sources:
            typst.append(typst_anchor.cold(sources, jobs=2))
        bench.say(f"  {built.ran.seconds:.1f} s ({built.ran.seconds / n * 1000:.1f} ms/record), "
                  f"{busy[-1]:.1f} CPUs busy machine-wide; largest process {peaks[-1]:.0f} MB"
                  + (f"; Typst {typst[-1]:.1f} s" if typst else ""))
    row = Row(f"{n:,} generated records, cold, --jobs 2", "≤ 10 s and ≤ 2.2× Typst", "s", tuple(times),
              limit=10, ratio_limit=2.2, missing="" if sources else why)
    if typst:
        row.anchor = f"Typst, 2 processes, {statistics.median(typst):.2f} s"
        row.ratio = statistics.median(times) / statistics.median(typst)
    if n != 1000:
        row.scaled = f"{n:,} records, not 1,000"
    bench.rows.append(row)
    if typst:
        bench.rows.append(Row(f"↳ anchor: typst.compile of the same {n:,} sheets' text, 2 fresh processes",
                              unit="s", values=tuple(typst), info=True))
    bench.rows.append(Row(f"↳ peak memory per process, {n:,}-record build", unit="MB", values=tuple(peaks),
                          info=True))
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
    """Time no-op rebuilds of the no-op project and its main process's peak memory; then the same with
    bytecode not written and compiled at install (context rows)."""
    gen, n, runs = bench.noop_project, bench.args.noop_records, 3 * bench.args.repeat
    bench.say(f"no-op project: {n:,} records, built for real first (untimed; minutes at 10,000) "
              f"({machine.load()})")
    settle(bench, gen=gen)
    out = gen.project / "output"
    before = snapshot(out)
    found = bytecode_files(ROOT / "pipeline")
    flag = os.environ.get("PYTHONDONTWRITEBYTECODE") or "unset"
    bench.say(f"no-op runs of {n:,} records, --jobs 2: {runs} timed per way, after one untimed ({machine.load()})")
    times, mains = noop_runs(bench, gen, runs, None, peaks=True)
    scaled = "" if n == NOOP_TARGET else f"{n:,} records, not {NOOP_TARGET:,}"
    bench.rows.append(Row(f"no-op rebuild of {n:,} records", f"≤ 2 s at {NOOP_TARGET:,}", "s", times, limit=2,
                          scaled=scaled))
    bench.rows.append(Row(f"↳ main process's peak memory, no-op of {n:,} records", f"≤ 100 MB at {NOOP_TARGET:,}",
                          "MB", mains, limit=100, scaled=scaled))
    writes = "so the runs wrote none" if flag != "unset" else "so the untimed run may have written it"
    bench.note(f"no-op 'bytecode as found': {found} .pyc files under pipeline/ at the start, "
               f"PYTHONDONTWRITEBYTECODE {flag} in the environment, {writes}; the standard library's and "
               "the installed libraries' bytecode is used either way; the main process's peak is its VmHWM "
               "(bench/peak.py polls /proc)")
    home, env = package_copy(bench)
    times, _ = noop_runs(bench, gen, runs, env)
    written = bytecode_files(home)
    row = Row("↳ bytecode not written (a copy of pipeline/ without it, PYTHONDONTWRITEBYTECODE=1)",
              unit="s", values=times, info=True)
    if written:
        bench.fault(row, f"{written} .pyc files were written all the same")
    bench.rows.append(row)
    compiled = runner.run([sys.executable, "-m", "compileall", "-q", str(home / "pipeline")], home)
    if compiled.code != 0:
        raise BenchFailure(f"compileall failed on the copy of pipeline/:\n{compiled.tail()}")
    times, _ = noop_runs(bench, gen, runs, env)
    bench.rows.append(Row("↳ bytecode compiled at install (compileall on that copy)", unit="s", values=times,
                          info=True))
    if snapshot(out) != before:
        bench.fault(bench.rows[-4], "the no-op runs changed the output folder (a name, size or mtime)")
    imports(bench, gen)


def noop_runs(bench: Bench, gen: recordgen.Generated, runs: int, env: dict | None,
              peaks: bool = False) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Run one untimed and `runs` timed no-op builds (under bench/peak.py when `peaks`); return the timed
    seconds and the main process's peak MB of each; none may rebuild."""
    times, mains = [], []
    for i in range(runs + 1):
        peak = bench.scratch / "noop-peak.json" if peaks else None
        built = runner.build(gen.project, "--jobs", "2", "--no-daemon", env=env, peak=peak)
        if built.rebuilt:
            raise BenchFailure(f"a no-op run rebuilt {built.rebuilt} records, because: {built.reasons()}")
        if i:
            times.append(built.ran.seconds)
            if peak:
                measured = json.loads(peak.read_text(encoding="utf-8"))
                main = measured["by_role"].get("command") or {"peak_kb": measured["maxrss_kb"]}
                mains.append(main["peak_kb"] / 1024)
    bench.say(f"  median {statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f})"
              + (f"; main process {statistics.median(mains):.0f} MB" if mains else ""))
    return tuple(times), tuple(mains)


def imports(bench: Bench, gen: recordgen.Generated) -> None:
    """Note what a no-op run imports: docx or reportlab it should not need, the slowest packages."""
    python = [sys.executable, "-X", "importtime", "-m", "pipeline"]
    built = runner.build(gen.project, "--jobs", "2", "--no-daemon", python=python)
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
    """Change the figure the subset reads, R times; time each build, then Typst compiling the subset's
    sheets in 2 processes; exactly the subset must rebuild."""
    import typst_anchor

    gen, n = bench.project, bench.args.records
    why = typst_anchor.missing()
    sources = [] if why else bench.typst_sources(gen.readers)
    settle(bench)
    bench.say(f"one figure changed ({gen.reference}, read by {len(gen.readers)} of {n}), --jobs 2, "
              f"{bench.args.repeat} run(s), each followed by Typst on those sheets ({machine.load()})")
    times, typst, problems = [], [], []
    for step in range(1, bench.args.repeat + 1):
        recordgen.write_figure(gen, step)
        built = runner.build(gen.project, "--jobs", "2", "--no-daemon")
        times.append(built.ran.seconds)
        ids = built.rebuilt_ids
        if ids != gen.readers or built.rebuilt != len(gen.readers):
            problems.append(f"run {step} rebuilt {built.rebuilt}: {len(ids - gen.readers)} that do not read "
                            f"it, {len(gen.readers - ids)} that do were missed ({built.reasons()})")
        if sources:
            typst.append(typst_anchor.cold(sources, jobs=2))
        bench.say(f"  {built.ran.seconds:.2f} s, {built.rebuilt} rebuilt"
                  + (f"; Typst {typst[-1]:.2f} s" if typst else ""))
    row = Row(f"one shared figure read by {len(gen.readers)} of {n:,} sheets changed",
              f"≤ 1.5 s, exactly those {len(gen.readers)} rebuilt", "s", tuple(times),
              limit=1.5)
    if typst:
        row.anchor = f"Typst, those {len(gen.readers)} sheets, 2 processes, {statistics.median(typst):.2f} s"
        row.ratio = statistics.median(times) / statistics.median(typst)
    else:
        row.anchor = "Typst: " + why
    if len(gen.readers) != 100:
        row.scaled = f"{len(gen.readers)} dependants, not 100"
    if problems:
        bench.fault(row, "; ".join(problems))
    else:
        bench.note(f"one figure changed: every run rebuilt exactly the {len(gen.readers)} records that read it "
                   "(the `rebuilt` lines and the summary line)")
    bench.rows.append(row)


# --- daemon, pictures, gallery (issue 27's targets 1, 5 and 6) -------------------------------------

def daemon(bench: Bench) -> None:
    """One sheet through a warmed build daemon and one-shot, interleaved with the libraries-only process."""
    import daemon as measured

    rounds = 5 * bench.args.repeat
    bench.say(f"one sheet through the build daemon and one-shot (bench/daemon.py), {rounds} rounds "
              f"({machine.load()})")
    found = measured.collect(rounds)
    runner.reap_orphans()
    times = {name: tuple(s * 1000 for s in values) for name, values in found["times"].items()}
    floor = statistics.median(times["floor"])
    anchor = f"libraries-only {floor:.0f} ms; python alone {statistics.median(times['python']):.0f} ms"
    for name, label, limit in (("daemon", "through the build daemon", 100), ("one-shot", "one-shot (--no-daemon)", 350)):
        row = Row(f"one sheet ({found['record']}) from the command line, {label}", f"≤ {limit} ms", "ms",
                  times[name], limit=limit, anchor=anchor, ratio=statistics.median(times[name]) / floor)
        if name == "daemon" and not found["same"]:
            bench.fault(row, "the daemon's sheets differ from the one-shot build's bytes")
        bench.rows.append(row)
    bench.rows.append(Row("↳ anchor: a Python process that only imports the four libraries (same rounds)",
                          unit="ms", values=times["floor"], info=True))
    bench.note(f"daemon rows: `factsheets build RECORD --force` with --daemon (a warmed daemon of the bench's "
               f"own) and --no-daemon, then the libraries-only process, in turn, {rounds} rounds; the ratio "
               f"is to the libraries-only process; load average {min(found['loads']):.1f}–"
               f"{max(found['loads']):.1f} during the rounds; byte-identical: {'yes' if found['same'] else 'NO'}")


def pictures(bench: Bench) -> None:
    """N charts' pictures each its own drawing (painted, then cached) against N sharing one."""
    import pictures as measured

    n = bench.args.records
    bench.say(f"chart pictures: {n} charts, shared / own / own cached, {bench.args.repeat} round(s) "
              f"(bench/pictures.py; {machine.load()})")
    shared, own, cached = measured.measure(n, bench.args.repeat)
    anchor = f"{n:,} sharing one drawing {statistics.median(shared):.2f} s"
    for label, values in (("each its own drawing, first run (painted)", own),
                          ("each its own drawing, next run (cached)", cached)):
        bench.rows.append(Row(f"{n:,} charts' pictures, {label}", "≤ 2× sharing one", "s", tuple(values),
                              anchor=anchor, ratio=statistics.median(values) / statistics.median(shared),
                              ratio_limit=2, scaled="" if n == 1000 else f"{n:,} charts, not 1,000"))


def gallery(bench: Bench) -> None:
    """The workspace at N sheets in Chromium: the gallery's first paint and a search's answer."""
    import gallery_load  # it puts tests/ on the path, for served.py (the test suite's server helper)

    served = gallery_load.served
    gen, n = bench.project, bench.args.records
    rounds = 5 * bench.args.repeat
    missing = served.browser_missing()
    targets = (("gallery first paint", "≤ 500 ms", 500), ("search answer (Enter → list painted)", "≤ 200 ms", 200))
    if missing:
        bench.rows.extend(Row(f"workspace at {n:,} sheets: {what}", target, missing=missing)
                          for what, target, _ in targets)
        return
    settle(bench)
    query = "opium"  # a word in several samples' text: the answer is a list of many cards
    bench.say(f"workspace at {n} sheets in Chromium, {rounds} rounds after one untimed ({machine.load()})")
    with served.served(gen.project) as url:
        found = gallery_load.paint_and_search(url, rounds, query)
    runner.reap_orphans()
    for (what, target, limit), key in zip(targets, ("paint", "search"), strict=True):
        row = Row(f"workspace at {n:,} sheets: {what}", target, "ms", tuple(found[key]), limit=limit)
        if n != 1000:
            row.scaled = f"{n:,} sheets, not 1,000"
        bench.rows.append(row)
    answered = ("from the Enter key's event to the second animation frame after the new card list is in "
                "the page (answered in place by static/search.js)" if found["how"] == {"in place"}
                else f"from the submit to the first-contentful-paint of the page that answers ({', '.join(sorted(found['how']))})")
    bench.note(f"workspace: Chromium's first-contentful-paint of / (a fresh context each round); a search for "
               f"“{query}” typed and Enter pressed ({found['count']}), {answered}; a page shows at most one "
               "page of cards, thumbnails load lazily after the paint"
               + (f"; {found['unpainted']} round(s) had no first paint within 10 s and are left out"
                  if found["unpainted"] else ""))


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
    if "daemon" in only:
        daemon(bench)
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
    if "figure" in only:
        figure(bench)
    if "gallery" in only:
        gallery(bench)
    if "pictures" in only:
        pictures(bench)
    if "noop" in only:
        noop(bench)
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
                  "rows that depend on the count are scaled, and say so, not the issue's"]
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
