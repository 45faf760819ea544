"""Median milliseconds per sheet for each stage, over many sheets in one process.

Usage: make bench  (or: .venv/bin/python bench/render_speed.py [--sheets N])
Loads, validates and renders the sample records N times each (default 50), then times the
.docx and the .pdf writer on every tree separately. Nothing is written to disk.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline import data, schema  # noqa: E402
from pipeline.build import display  # noqa: E402
from pipeline.layouts import load_layouts  # noqa: E402
from pipeline.render import render_document  # noqa: E402
from pipeline.writers import docx as docx_writer  # noqa: E402
from pipeline.writers import pdf as pdf_writer  # noqa: E402
from pipeline.yamlload import load_file  # noqa: E402


def timed(fn, *args):
    """Return (result, milliseconds) of one call."""
    start = time.perf_counter()
    result = fn(*args)
    return result, (time.perf_counter() - start) * 1000


def tree(file: Path, layouts):
    """Return the document tree of one record, from the file."""
    record = schema.validate(load_file(file, display(file)), file, display(file), layouts)
    dataset = data.load(file.parent / "data", "sources/data")
    return render_document(record, layouts[record.layout], dataset.scope(None))


def main() -> None:
    """Run the benchmark and print medians per stage and per record."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheets", type=int, default=50, help="sheets per sample record (default 50)")
    args = parser.parse_args()
    layouts = load_layouts(ROOT / "templates", display)
    files = sorted((ROOT / "sources").glob("*.yaml"))
    tree(files[0], layouts), docx_writer.render(tree(files[0], layouts)), pdf_writer.render(tree(files[0], layouts))  # warm-up: imports, font loading
    print(f"{'record':<22}{'sheets':>7}{'tree ms':>10}{'docx ms':>10}{'pdf ms':>10}{'pdf/docx':>10}")
    totals = {"tree": [], "docx": [], "pdf": []}
    for file in files:
        times = {"tree": [], "docx": [], "pdf": []}
        for _ in range(args.sheets):
            doc, ms = timed(tree, file, layouts)
            times["tree"].append(ms)
            times["docx"].append(timed(docx_writer.render, doc)[1])
            times["pdf"].append(timed(pdf_writer.render, doc)[1])
        med = {k: statistics.median(v) for k, v in times.items()}
        print(f"{file.stem:<22}{args.sheets:>7}{med['tree']:>10.1f}{med['docx']:>10.1f}{med['pdf']:>10.1f}"
              f"{med['pdf'] / med['docx']:>10.2f}")
        for k in totals:
            totals[k].extend(times[k])
    med = {k: statistics.median(v) for k, v in totals.items()}
    print(f"{'all':<22}{len(totals['tree']):>7}{med['tree']:>10.1f}{med['docx']:>10.1f}{med['pdf']:>10.1f}"
          f"{med['pdf'] / med['docx']:>10.2f}")


if __name__ == "__main__":
    main()
