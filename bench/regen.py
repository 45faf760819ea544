"""Scheduled-regeneration benchmark: cold builds, no-op runs and a one-figure change, as the CLI.

Usage: .venv/bin/python bench/regen.py [--records N] [--repeat R] [--noop-runs K] [--every E] [--keep]

Generates N records (default 1,000; the two sample layouts alternately) and a shared-data file in a
temporary project, then times whole `python -m pipeline build` subprocesses there:
  1. a cold build with --jobs 1 and with --jobs 2 (each into its own, empty output folder);
  2. no-op runs over the --jobs 1 output (target: at most 1 s), checking that they import neither
     docx nor reportlab and leave every file in the output folder untouched;
  3. one shared figure changed, that 1 record pair in E reads: both output folders are rebuilt,
     and the number of records rebuilt must equal the number that read the figure.
Wall times include interpreter start-up: that is what a scheduler pays. Uses only the standard library.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOOP_TARGET = 1.0  # seconds: a scheduled run with nothing to do must stay cheap
SUMMARY_RE = re.compile(r"factsheets: (\d+) records: (\d+) rebuilt, (\d+) up to date, (\d+) failed")
REBUILT_RE = re.compile(r"^rebuilt (\S+) \(([^)]*)\): (.*)$", re.M)
DATA_FILE = "regen"  # sources/data/regen.yaml, read as data.regen.<figure>
CHANGED = ("shared_ha", 2018)  # the figure and year the change step edits

INL_RECORD = """\
# Generated INL country program record {n} (modelled on sources/laos-inl.yaml).
layout: inl-country-program
id: {id}
title: Country {n}
issuer: Bureau of International Narcotics and Law Enforcement Affairs
date: {today}

lead: |
  The U.S. Department of State’s Bureau of International Narcotics and Law Enforcement
  Affairs (INL) works to keep Americans safe at home by countering international crime,
  illegal drugs, and instability abroad in Country {n}. INL helps countries deliver justice
  and fairness by strengthening their police, courts, and corrections systems.

sections:
  - heading: "Challenges:"
    style: run-in
    text: |
      Opium cultivation in Country {n} has begun to increase again, from
      {{{{ data.{file}.{group}[2007] | number }}}} ha in 2007 to
      {{{{ data.{file}.{group}[2018] | number }}}} ha in 2018. Methamphetamine and
      amphetamine-type substances have proliferated in recent years, and trafficking has
      dramatically increased throughout the region. Although police are active in seizing
      drug shipments and making arrests, investigators and prosecutors, as in many
      countries, traditionally focus on couriers and pushers, and too seldom bring down
      high-level traffickers. Money laundering, especially as a proceed of these forms of
      trafficking and endemic corruption, contributes to significant transnational criminal
      activity and undermines the rule of law.

  - heading: "Goals:"
    style: run-in
    text: |
      The policy goals for U.S. assistance to Country {n} are to improve governance, law
      enforcement capacity, border security, rule of law, and increase the country’s
      capacity to integrate fully within the regional and global economy. INL assistance
      supports improvements to the government’s capability to address illicit drug
      cultivation, production, trafficking and addiction through improved law enforcement
      capacity and evidence-based addiction treatment.

  - bullets:
      - |
        INL assistance helped stand up the first ever Customs Investigation and Suppression
        Division (ISD), which is helping Customs develop law enforcement capacity.
      - |
        INL assistance played a critical role in establishing the National Commission on
        Drug Control and Supervision and continues to offer support at the provincial and
        district levels (program {n}).
      - |
        INL supports community-based treatment for methamphetamine users in hospitals across
        the country.
"""

EMBASSY_RECORD = """\
# Generated embassy section record {n} (modelled on sources/laos-embassy-inl.yaml).
layout: embassy-section
id: {id}
title: International Narcotics and Law Enforcement Section (INL)
issuer: U.S. Embassy in Country {n}
date: {today}

highlight: |
  Since 1989, the United States has provided more than
  {{{{ data.{file}.assistance_usd | money('short') }}}} to support alternative development,
  community based treatment, law enforcement programs and the rule of law.

sections:
  - heading: U.S. Policy Initiatives and Programs
    items:
      - term: Alternative Development.
        text: |
          Country {n} ranks among the world’s producers of illicit opium, with
          {{{{ data.{file}.{group}[2018] | number }}}} ha under cultivation in 2018. The
          Embassy supports projects that encourage at-risk farmers to cultivate alternative
          crops or raise livestock that can be sold on the local market.
      - term: Community Based Treatment.
        text: |
          Outpatient drug treatment services help decrease the stigma associated with drug
          users and reduce overcrowding at government-run drug treatment centers. The
          Embassy currently supports outpatient services in {provinces} provinces.
      - term: Law Enforcement.
        text: |
          U.S. law enforcement programs support equipment purchases for counter drug agencies
          and in-service training for the drug control police. Donated equipment helps protect
          borders from the illegal transit of controlled substances and their precursors.
      - term: Rule of Law.
        text: |
          The Embassy supports the government’s goal to become a rule of law state through
          the project “Support to the Legal Sector Master Plan.”
"""

DATA = """\
# Generated shared figures for bench/regen.py. Only some records read shared_ha; the rest read other_ha.
shared_ha:
  label: Opium poppy cultivation (records that share this figure)
  unit: ha
  source: UNODC Southeast Asia Opium Survey
  as_of: {as_of}
  values: {{2007: 1500, 2018: {shared_2018}}}
other_ha:
  label: Opium poppy cultivation (every other record)
  unit: ha
  source: UNODC Southeast Asia Opium Survey
  as_of: {as_of}
  values: {{2007: 1200, 2018: 4300}}
assistance_usd:
  label: U.S. assistance for counternarcotics and law enforcement since 1989
  unit: USD
  source: U.S. Embassy, INL section page
  as_of: {as_of}
  value: 48000000
"""


def parse_args() -> argparse.Namespace:
    """Return the command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000, help="records to generate (default 1000)")
    parser.add_argument("--repeat", type=int, default=1, help="cold builds per --jobs value (default 1)")
    parser.add_argument("--noop-runs", type=int, default=9, help="timed no-op runs (default 9, at least 7)")
    parser.add_argument("--every", type=int, default=10,
                        help="1 record pair in EVERY reads the figure that changes (default 10)")
    parser.add_argument("--keep", action="store_true", help="keep the generated project and print its path")
    args = parser.parse_args()
    if args.records < 2 or args.repeat < 1 or args.noop_runs < 7 or args.every < 1:
        parser.error("need --records >= 2, --repeat >= 1, --noop-runs >= 7, --every >= 1")
    return args


# --- generating the project -----------------------------------------------------------------------

def reads_changed(i: int, every: int) -> bool:
    """Return True when record i reads the figure the change step edits."""
    # Pairs, so that both layouts are in the subset (records alternate layouts).
    return (i // 2) % every == 0


def record_id(i: int) -> str:
    """Return the output name of record i."""
    return f"rec-{i:04d}"


def write_data(project: Path, shared_2018: int) -> None:
    """Write the shared-data file, dated recently so no staleness warning is printed."""
    as_of = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    path = project / "sources" / "data" / f"{DATA_FILE}.yaml"
    path.write_text(DATA.format(as_of=as_of, shared_2018=shared_2018), encoding="utf-8")


def generate(project: Path, count: int, every: int) -> set[str]:
    """Create the project (templates, data, records); return the ids that read the changed figure."""
    shutil.copytree(ROOT / "templates", project / "templates")
    (project / "sources" / "data").mkdir(parents=True)
    write_data(project, 5700)
    readers = set()
    for i in range(count):
        group = CHANGED[0] if reads_changed(i, every) else "other_ha"
        if group == CHANGED[0]:
            readers.add(record_id(i))
        template = INL_RECORD if i % 2 == 0 else EMBASSY_RECORD
        text = template.format(n=i, id=record_id(i), today=dt.date.today().isoformat(), file=DATA_FILE,
                               group=group, provinces=2 + i % 7)
        (project / "sources" / f"{record_id(i)}.yaml").write_text(text, encoding="utf-8")
    return readers


# --- running the CLI ------------------------------------------------------------------------------

Flags = tuple[str, ...]  # interpreter options, e.g. ("-X", "importtime")
Run = subprocess.CompletedProcess


# Runs the CLI and then reports the largest resident set of any process of that run:
# getrusage(RUSAGE_CHILDREN) in a parent of its own, which is a child subreaper and waits for every
# descendant. Without that, the workers' peaks were lost: their forkserver outlives the CLI, goes
# to init, and is never waited for here (see bench/peak.py).
_PEAK = ("import ctypes, os, resource, subprocess, sys; ctypes.CDLL(None).prctl(36, 1, 0, 0, 0); "
         "code = subprocess.run(sys.argv[1:]).returncode\n"
         "while True:\n try: os.wait()\n except ChildProcessError: break\n"
         "print(f'peak-rss-kb {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}', file=sys.stderr); "
         "sys.exit(code)")
PEAKS: list[tuple[str, int]] = []  # (what ran, peak kB per process), for the report


def run_cli(project: Path, *args: str, python_flags: Flags = ()) -> tuple[float, float, Run]:
    """Run `python -m pipeline ARGS` in the project; return (wall s, CPUs busy machine-wide, process)."""
    command = [sys.executable, "-c", _PEAK, sys.executable, *python_flags, "-m", "pipeline", *args]
    before, start = cpu_ticks(), time.perf_counter()
    proc = subprocess.run(command, cwd=project, capture_output=True, text=True)
    seconds, after = time.perf_counter() - start, cpu_ticks()
    head, _, peak = proc.stderr.rpartition("peak-rss-kb ")
    if peak.strip().isdigit():
        proc.stderr = head
        PEAKS.append((" ".join(args[:1] + args[3:5] if args[:1] == ("build",) else args[:1]), int(peak)))
    busy = (after[0] - before[0]) / max(after[1] - before[1], 1) * (os.cpu_count() or 1)
    return seconds, busy if after[1] else math.nan, proc


def cpu_ticks() -> tuple[int, int]:
    """Return the machine's (busy, total) CPU ticks so far from /proc/stat; (0, 0) off Linux."""
    # Wall time alone cannot tell a slow build from a busy machine. The --jobs workers are not
    # children this process can account for, so count the whole machine: while a --jobs 1 build
    # runs, much more than 1 CPU busy means other work shared the machine.
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            ticks = [int(t) for t in stat.readline().split()[1:9]]
    except (OSError, ValueError):
        return 0, 0
    idle = ticks[3] + ticks[4]  # idle + iowait
    return sum(ticks) - idle, sum(ticks)


def build(project: Path, out: str, jobs: int, python_flags: Flags = ()) -> tuple[float, float, Run, tuple]:
    """Run one build; return (wall s, CPUs busy, process, (total, rebuilt, current, failed)), or stop."""
    seconds, cpu, proc = run_cli(project, "build", "--out", out, "--jobs", str(jobs),
                                 python_flags=python_flags)
    match = SUMMARY_RE.search(proc.stdout)
    if proc.returncode != 0 or match is None:
        sys.exit(f"build --out {out} --jobs {jobs} failed (exit {proc.returncode}):\n"
                 f"{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    if "warning" in match.string[match.end():].split("\n")[0]:
        print(f"  note: the build printed warnings: {match.string[match.start():].splitlines()[0]}")
    return seconds, cpu, proc, tuple(int(g) for g in match.groups())


def check_some(project: Path, count: int) -> None:
    """Validate a few records of each layout first, so a bad generator fails fast and clearly."""
    files = [f"sources/{record_id(i)}.yaml" for i in range(min(count, 4))]
    _, _, proc = run_cli(project, "check", *files)  # the data folder is found beside the records
    if proc.returncode != 0:
        sys.exit(f"generated records do not pass `check`:\n{proc.stdout}\n{proc.stderr}")


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Return (size, mtime_ns) of every file and folder below `folder`, by relative name."""
    found = {".": (0, folder.stat().st_mtime_ns)}  # the folder's mtime moves if a file came and went
    for path in folder.rglob("*"):
        st = path.stat()
        found[path.relative_to(folder).as_posix()] = (st.st_size if path.is_file() else 0, st.st_mtime_ns)
    return found


def heavy_imports(importtime_log: str) -> list[str]:
    """Return the docx/reportlab modules an `-X importtime` log shows were imported."""
    names = [line.rsplit("|", 1)[-1].strip() for line in importtime_log.splitlines()
             if line.startswith("import time:") and "|" in line]
    return [n for n in names if n.split(".")[0] in ("docx", "reportlab")]


def slowest_imports(importtime_log: str, top: int = 6) -> list[tuple[float, str]]:
    """Return the packages outside pipeline with the largest cumulative import time, in ms."""
    rows = []
    for line in importtime_log.splitlines():
        parts = line.split("|")
        if line.startswith("import time:") and len(parts) == 3 and parts[1].strip().isdigit():
            name = parts[2].strip()
            if "." not in name and name not in ("pipeline", "site", "encodings"):
                rows.append((int(parts[1]) / 1000, name))
    return sorted(rows, reverse=True)[:top]


# --- the three measurements -----------------------------------------------------------------------

def cold_builds(project: Path, jobs: int, repeat: int) -> tuple[list[float], list[float]]:
    """Time `repeat` cold builds with `jobs` workers, each into an empty folder; keep the last."""
    times, busy = [], []
    for _ in range(repeat):
        out = project / f"out-j{jobs}"
        shutil.rmtree(out, ignore_errors=True)
        seconds, cpu, _, (total, rebuilt, _, _) = build(project, out.name, jobs)
        if rebuilt != total:
            sys.exit(f"cold build rebuilt {rebuilt} of {total} records")
        times.append(seconds)
        busy.append(cpu)
        print(f"  cold --jobs {jobs}: {seconds:.1f} s ({seconds / total * 1000:.0f} ms/record), "
              f"{cpu:.1f} CPUs busy; {load()}")
    return times, busy


def reasons(proc: Run) -> str:
    """Return the distinct reasons a build printed for what it rebuilt."""
    return "; ".join(sorted({m.group(3) for m in REBUILT_RE.finditer(proc.stdout)}))


def settle(project: Path, out: str, jobs: int) -> None:
    """Build until nothing is rebuilt (untimed), so the next measurement starts from current outputs."""
    # The pipeline's own code is an input of every sheet: an edit to it while this script runs
    # makes the next build rebuild everything, which is not what the next step means to measure.
    for _ in range(3):
        _, _, proc, (_, rebuilt, _, _) = build(project, out, jobs)
        if not rebuilt:
            return
        print(f"  note: {out} had {rebuilt} records to rebuild first, because: {reasons(proc)}")
    sys.exit(f"{out} keeps needing rebuilds; is the pipeline code being edited?")


def noop_runs(project: Path, out: str, runs: int) -> tuple[list[float], list[str], bool, list]:
    """Time no-op runs; return (times, heavy modules imported, outputs untouched, slowest imports)."""
    for _ in range(3):
        settle(project, out, 1)  # also warms the page cache, as a scheduled run finds it
        before = snapshot(project / out)
        times = []
        for _ in range(runs):
            seconds, _, proc, (_, rebuilt, _, _) = build(project, out, 1)
            if rebuilt:
                print(f"  note: a no-op run rebuilt {rebuilt} records ({reasons(proc)}); starting again")
                break
            times.append(seconds)
        else:
            _, _, proc, _ = build(project, out, 1, python_flags=("-X", "importtime"))
            untouched = snapshot(project / out) == before
            return times, heavy_imports(proc.stderr), untouched, slowest_imports(proc.stderr)
    sys.exit("no-op runs keep rebuilding; is the pipeline code being edited?")


def change_figure(project: Path, readers: set[str], jobs_list: list[int]) -> list[tuple]:
    """Edit the shared figure, rebuild each output folder; return (jobs, s, busy, rebuilt, right set?)."""
    for jobs in jobs_list:
        settle(project, f"out-j{jobs}", jobs)
    write_data(project, 5800)  # only shared_ha 2018 moves: 5700 -> 5800
    rows = []
    for jobs in jobs_list:
        seconds, cpu, proc, (_, rebuilt, _, _) = build(project, f"out-j{jobs}", jobs)
        ids = {m.group(1) for m in REBUILT_RE.finditer(proc.stdout)}
        if ids != readers:
            print(f"  note: --jobs {jobs} rebuilt {len(ids - readers)} records that do not read the "
                  f"figure and missed {len(readers - ids)}; reasons: {reasons(proc)}")
        rows.append((jobs, seconds, cpu, rebuilt, ids == readers))
    return rows


def load() -> str:
    """Return the 1-minute load average: other work on the machine skews every time here."""
    return f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"


# --- report ---------------------------------------------------------------------------------------

def row(name: str, times: list[float], note: str) -> str:
    """Return one table row: median, min, max, runs and a note."""
    return (f"{name:<30}{statistics.median(times):>9.2f}{min(times):>9.2f}{max(times):>9.2f}"
            f"{len(times):>6}  {note}")


def main() -> None:
    """Generate the project, take the three measurements and print the table."""
    args = parse_args()
    project = Path(tempfile.mkdtemp(prefix="factsheets-regen-"))
    try:
        print(f"generating {args.records} records in {project} (python {sys.version.split()[0]}, "
              f"{os.cpu_count()} CPUs)")
        readers = generate(project, args.records, args.every)
        check_some(project, args.records)
        print(f"cold builds: {args.repeat} run(s) per --jobs value (they are long; --repeat for more); "
              f"{load()}")
        cold = {jobs: cold_builds(project, jobs, args.repeat) for jobs in (1, 2)}
        print(f"no-op: one untimed run, {args.noop_runs} timed runs over out-j1, then one under "
              f"-X importtime; {load()}")
        noop, heavy, untouched, slowest = noop_runs(project, "out-j1", args.noop_runs)
        print(f"one figure: data.{DATA_FILE}.{CHANGED[0]}[{CHANGED[1]}] changed; "
              f"{len(readers)} of {args.records} records read it; {load()}")
        changed = change_figure(project, readers, [1, 2])
        report(args, cold, noop, heavy, untouched, slowest, changed, len(readers))
    finally:
        if args.keep:
            print(f"kept {project}")
        else:
            shutil.rmtree(project, ignore_errors=True)


def report(args, cold, noop, heavy, untouched, slowest, changed, readers: int) -> None:
    """Print the results table, the ratios and the checks."""
    n = args.records
    print(f"\n{'seconds, whole CLI run':<30}{'median':>9}{'min':>9}{'max':>9}{'runs':>6}")
    for jobs, (times, busy) in cold.items():
        per = statistics.median(times) / n * 1000
        print(row(f"cold build --jobs {jobs}", times,
                  f"{per:.0f} ms/record; {statistics.median(busy):.1f} CPUs busy"))
    print(row("no-op build --jobs 1", noop, f"target <= {NOOP_TARGET:.0f} s"))
    for jobs, seconds, cpu, rebuilt, _ in changed:
        print(row(f"one figure changed --jobs {jobs}", [seconds], f"{rebuilt} rebuilt; {cpu:.1f} CPUs busy"))
    speedup = statistics.median(cold[1][0]) / statistics.median(cold[2][0])
    ratio = statistics.median(noop) / NOOP_TARGET
    print(f"\ncold --jobs 2 speed-up over --jobs 1: {speedup:.2f}x on {os.cpu_count()} CPUs")
    print("(CPUs busy: the whole machine's, during the run; well above 1 during a --jobs 1 build means "
          "other work shared the machine, so the speed-up is probably understated)")
    verdict = "within" if ratio <= 1 else "OVER"
    print(f"no-op median / target: {ratio:.2f} ({verdict} the {NOOP_TARGET:.0f} s target)")
    print(f"no-op imported docx/reportlab: {', '.join(heavy) if heavy else 'no (neither)'}")
    print(f"no-op left the output folder untouched (name, size, mtime_ns): {'yes' if untouched else 'NO'}")
    for jobs, _, _, rebuilt, same in changed:
        verdict = "matches" if rebuilt == readers and same else "DOES NOT match"
        print(f"one figure changed, --jobs {jobs}: {rebuilt} rebuilt; {verdict} the {readers} "
              f"records that read it")
    cold_peaks = [kb for what, kb in PEAKS if what.startswith("build --jobs")]
    if cold_peaks:
        print(f"peak memory of one process (the CLI or a worker) in the builds: {max(cold_peaks) / 1024:.0f} MB")
    print("slowest imported packages in a no-op run (cumulative ms, under -X importtime): "
          + ", ".join(f"{name} {ms:.0f}" for ms, name in slowest))
    if heavy or not untouched or any(r != readers or not same for _, _, _, r, same in changed):
        sys.exit(1)


if __name__ == "__main__":
    main()
