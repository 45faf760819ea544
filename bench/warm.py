"""One sheet: in a warm process per stage against the floor, and from the command line against pandoc."""

from __future__ import annotations

import functools
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import anchors
import render_speed as rs  # the floor and the tree stage, as bench/render_speed.py measures them
import runner
import typst_anchor
from report import Row

from pipeline import writers
from pipeline.base import fonts
from pipeline.document.tree import body_text
from pipeline.layouts.loader import load_layouts

ROOT = Path(__file__).resolve().parents[1]
PAGES = 2  # the "one 2-page sheet"


def page_count(pdf: bytes) -> int:
    """Return the number of pages of a PDF (pypdf where installed, else its page objects)."""
    try:
        import io

        import pypdf
        return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    except ImportError:
        return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def samples() -> list[Path]:
    """Return the sample records of sources/."""
    return sorted((ROOT / "sources").glob("*.yaml"))


@functools.cache
def prepared() -> tuple[dict, list[tuple[Path, object, dict[str, bytes]]]]:
    """Return the layouts and, per sample, its tree and each writer's output (each checked twice)."""
    layouts = load_layouts(ROOT / "templates")
    fonts.register_pdf_fonts()
    found = []
    for file in samples():
        doc = rs.tree(file, layouts)
        outputs = {name: writers.get(name).render(doc) for name in writers.names()}
        for name, data in outputs.items():
            if writers.get(name).render(doc) != data:
                raise runner.BenchFailure(f"the {name} writer gave different bytes twice for {file.name}")
        found.append((file, doc, outputs))
    return layouts, found


def sample_docx(scratch: Path) -> Path:
    """Write the .docx of the first 2-page sample into `scratch`; return it."""
    _, found = prepared()
    file, _, outputs = next(((f, d, o) for f, d, o in found if page_count(o["pdf"]) == PAGES), found[0])
    target = scratch / f"{file.stem}.docx"
    target.write_bytes(outputs["docx"])
    return target


def warm(bench) -> None:
    """Time the tree stage and each writer per 2-page sample, interleaved with the floor."""
    layouts, found = prepared()
    two = [(file, doc) for file, doc, outputs in found if page_count(outputs["pdf"]) == PAGES]
    names = writers.names()
    if not two:
        bench.rows.append(Row(f"one {PAGES}-page sheet, .docx + .pdf, warm process", "≤ 5× the floor",
                              missing=f"no sample's PDF has {PAGES} pages"))
        return
    sheets = 10 * bench.args.repeat
    bench.say(f"warm process: {len(two)} samples of {PAGES} pages "
              f"({', '.join(f.stem for f, _ in two)}), {sheets} sheets each, interleaved")
    typst_missing = typst_anchor.missing()
    sources = {}
    if not typst_missing:  # each sample's Typst source, written once (untimed) and compiled untimed once
        for file, doc in two:
            sources[file.stem] = bench.scratch / "typst" / f"{file.stem}.typ"
            sources[file.stem].parent.mkdir(parents=True, exist_ok=True)
            sources[file.stem].write_text(typst_anchor.source(doc), encoding="utf-8")
            typst_anchor.compile_pdf(sources[file.stem])
    keys = ("tree", *names, "floor pdf", "floor docx", "typst")
    times = {file.stem: {key: [] for key in keys} for file, _ in two}
    for _ in range(sheets):
        for file, _ in two:  # in turn, so the samples share the machine's good and bad moments
            mine = times[file.stem]
            doc, ms = rs.timed(rs.tree, file, layouts)
            mine["tree"].append(ms)
            for name in names:
                mine[name].append(rs.timed(writers.get(name).render, doc)[1])
            pages, paragraphs = rs.wrapped(doc), body_text(doc)  # the floor's input, not timed
            mine["floor pdf"].append(rs.timed(rs.floor_pdf, pages)[1])
            mine["floor docx"].append(rs.timed(rs.floor_docx, paragraphs)[1])
            if sources:
                mine["typst"].append(rs.timed(typst_anchor.compile_pdf, sources[file.stem])[1])
    rows(bench, times, names)
    typst_rows(bench, times, typst_missing)


def typst_rows(bench, times: dict[str, dict[str, list[float]]], why: str) -> None:
    """Add issue 27's row: our PDF writer against Typst compiling the same sheet, in the same loop."""
    measure = f"PDF writer, warm, {len(times)} {PAGES}-page samples (tree → PDF bytes)"
    if why:
        bench.rows.append(Row(measure, "≤ 1.8× Typst", missing=why))
        return
    pdf = [v for stem in times for v in times[stem]["pdf"]]
    typst = [v for stem in times for v in times[stem]["typst"]]
    anchor = statistics.median(typst)
    bench.rows.append(Row(measure, "≤ 1.8× Typst", "ms", tuple(pdf), anchor=f"Typst {anchor:.1f} ms",
                          ratio=statistics.median(pdf) / anchor, ratio_limit=1.8))
    bench.rows.append(Row("↳ anchor: typst.compile, the same sheet's text as Typst source → PDF (tagged)",
                          unit="ms", values=tuple(typst), info=True))
    bench.note("Typst anchor: PyPI's `typst` (bench/typst_anchor.py writes each sample's title, headings, "
               "paragraphs, bullets, tables, header and footer as Typst source with our fonts and page; a "
               "chart is its title and source text, no picture); timed in the same loop as our writers")


def rows(bench, times: dict[str, dict[str, list[float]]], names: list[str]) -> None:
    """Add the warm-sheet row, its per-stage breakdown and the per-sample lines."""
    def per_sheet(keys, stems=times) -> list[float]:
        return [sum(v) for stem in stems for v in zip(*(times[stem][k] for k in keys), strict=True)]

    sheet, floor = per_sheet(("tree", *names)), per_sheet(("floor pdf", "floor docx"))
    median_floor = statistics.median(floor)
    anchor = f"floor {median_floor:.1f} ms"
    bench.rows.append(Row(f"one {PAGES}-page sheet, .docx + .pdf, warm process ({len(times)} samples)",
                          "≤ 5× the floor", "ms", tuple(sheet), anchor=anchor,
                          ratio=statistics.median(sheet) / median_floor, ratio_limit=5))
    for label, keys in (("↳ tree stage (validate + template)", ("tree",)),
                        *((f"↳ {name} writer", (name,)) for name in names),
                        ("↳ floor: canvas of wrapped lines + zipped .docx", ("floor pdf", "floor docx"))):
        values = per_sheet(keys)
        bench.rows.append(Row(label, unit="ms", values=tuple(values), anchor=anchor,
                              ratio=statistics.median(values) / median_floor, info=True))
    for stem in times:
        values = per_sheet(("tree", *names), [stem])
        own = statistics.median(per_sheet(("floor pdf", "floor docx"), [stem]))
        bench.rows.append(Row(f"↳ {stem} ({PAGES} pages): tree + writers", unit="ms", values=tuple(values),
                              anchor=f"its floor {own:.1f} ms", ratio=statistics.median(values) / own, info=True))


def cli(bench) -> float | None:
    """Time one-record builds from the command line, each sample in turn, with pandoc on its text."""
    _, found = prepared()
    pandoc = anchors.pandoc()
    runs = 2 * bench.args.repeat
    bench.say(f"one sheet from the command line: `{' '.join(runner.factsheets())} build` in a project of "
              f"one record, a fresh output folder each time; every sample, {runs} runs each"
              + (f"; pandoc ({pandoc}) on the same text as Markdown after each" if pandoc else
                 "; pandoc is not on PATH, so its anchor is skipped"))
    projects = {}
    for file, doc, _ in found:
        project = bench.scratch / "one" / file.stem
        shutil.copytree(ROOT / "templates", project / "templates")
        shutil.copytree(ROOT / "sources" / "data", project / "sources" / "data")
        shutil.copy2(file, project / "sources" / file.name)
        (project / f"{file.stem}.md").write_text(anchors.markdown(doc), encoding="utf-8")
        (project / f"{file.stem}.typ").write_text(typst_anchor.source(doc), encoding="utf-8")
        projects[file.stem] = project
    typst_missing = typst_anchor.missing()
    ours = {stem: [] for stem in projects}
    theirs: dict[str, list[float]] = {stem: [] for stem in projects}
    imports: list[float] = []  # what the libraries alone cost a process: the floor of any run of ours
    typst: list[float] = []
    for _ in range(runs):
        for stem, project in projects.items():
            shutil.rmtree(project / "output", ignore_errors=True)
            built = runner.build(project, "--no-daemon")  # one-shot: the daemon has its own row
            if built.rebuilt != 1:
                raise runner.BenchFailure(f"a one-record build of {stem} rebuilt {built.rebuilt} records")
            ours[stem].append(built.ran.seconds * 1000)
            if pandoc:
                theirs[stem].append(anchors.run_pandoc(pandoc, project / f"{stem}.md",
                                                       project / f"{stem}-pandoc.docx") * 1000)
            imports.append(_libraries_only() * 1000)
            if not typst_missing:
                typst.append(typst_anchor.cold([project / f"{stem}.typ"], jobs=1) * 1000)
    for stem in ours:
        bench.say(f"  {stem}: median {statistics.median(ours[stem]):.0f} ms"
                  + (f"; pandoc {statistics.median(theirs[stem]):.0f} ms" if pandoc else ""))
    mine = tuple(ms for values in ours.values() for ms in values)
    other = [ms for values in theirs.values() for ms in values]
    pandoc_ms = statistics.median(other) if other else None
    floor = statistics.median(imports)
    named = [f"libraries-only {floor:.0f} ms",
             f"Typst process {statistics.median(typst):.0f} ms" if typst else "Typst: " + typst_missing,
             f"pandoc {pandoc_ms:.0f} ms" if pandoc_ms else "pandoc not on PATH"]
    bench.rows.append(Row(f"one sheet, one-shot command (--no-daemon), whole process ({len(ours)} samples)",
                          "≤ 350 ms", "ms", mine, limit=350, anchor="; ".join(named),
                          ratio=statistics.median(mine) / floor))
    if typst:
        bench.rows.append(Row("anchor: a Python process that imports `typst` and compiles the same sheet to "
                              "PDF", unit="ms", values=tuple(typst), info=True))
    if other:
        bench.rows.append(Row("anchor: pandoc process, the same text, Markdown → .docx", unit="ms",
                              values=tuple(other), info=True))
    bench.rows.append(Row("anchor: a Python process that only imports python-docx, ReportLab's platypus, "
                          "Jinja2 and PyYAML", unit="ms", values=tuple(imports), info=True))
    return pandoc_ms


def _libraries_only() -> float:
    """Return the seconds a process of this Python takes to start and import the four libraries."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import docx, reportlab.platypus, jinja2, yaml"], check=True)
    return time.perf_counter() - start
