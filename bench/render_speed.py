"""Milliseconds per sheet for each stage and each writer, as ratios to a physical floor measured in the same run.

Usage: make bench  (or: .venv/bin/python bench/render_speed.py [--sheets N])

Loads, validates and renders every record in sources/ N times (default 50), then times each
registered writer on every tree. The floor is what any tool must at least spend: a ReportLab
canvas drawing the sheet's lines, already wrapped, plus a hand-zipped minimal .docx of the same
paragraphs. Nothing is written to disk. Medians; the writers are also checked to give the same
bytes twice.
"""

import argparse
import contextlib
import io
import statistics
import sys
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from pipeline import writers
from pipeline.base import fonts
from pipeline.base.paths import display
from pipeline.document.tree import body_text
from pipeline.figures import shared as data
from pipeline.layouts.loader import load_layouts
from pipeline.records import schema
from pipeline.records.yamlload import load_file
from pipeline.render.sheet import render_document
from pipeline.writers import pdfformat, pdfsubsets

_CT = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
_RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
         'relationships"><Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="word/document.xml"/></Relationships>')


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


def wrapped(doc) -> list[list[str]]:
    """Return the sheet's lines, wrapped once beforehand, in pages of 45 (not timed)."""
    face = fonts.face_name(False, False)
    lines = [line for text in body_text(doc) for line in simpleSplit(text, face, 12, doc.page.text_width)]
    return [lines[i:i + 45] for i in range(0, len(lines), 45)]


def floor_pdf(pages: list[list[str]]) -> bytes:
    """Draw pre-wrapped lines on a canvas with the embedded font: the least a PDF costs."""
    with shipped_reportlab():
        return _floor_pdf(pages)


@contextlib.contextmanager
def shipped_reportlab():
    """Run with ReportLab as shipped: our writer's kept subsets and formatting, which it installs
    in ReportLab for the whole process, would otherwise make the floor faster too (an anchor
    that moves with our own work)."""
    pdfformat.uninstall()
    pdfsubsets.uninstall()
    try:
        yield
    finally:
        pdfformat.install()
        pdfsubsets.install()


def _floor_pdf(pages: list[list[str]]) -> bytes:
    """Draw the floor's canvas (see floor_pdf)."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(612, 792), invariant=1)
    for page in pages:
        text = canvas.beginText(72, 720)
        text.setFont(fonts.face_name(False, False), 12, 14.4)
        for line in page:
            text.textLine(line)
        canvas.drawText(text)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def floor_docx(paragraphs: list[str]) -> bytes:
    """Zip a minimal WordprocessingML package of the paragraphs by hand: the least a .docx costs."""
    body = "".join(f'<w:p><w:r><w:t xml:space="preserve">{escape(p)}</w:t></w:r></w:p>' for p in paragraphs)
    document = ('<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                f'wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, part in (("[Content_Types].xml", _CT), ("_rels/.rels", _RELS), ("word/document.xml", document)):
            package.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), part)
    return out.getvalue()


def main() -> None:
    """Run the benchmark and print medians per stage, per writer and per floor, with ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheets", type=int, default=50, help="sheets per sample record (default 50)")
    args = parser.parse_args()
    layouts = load_layouts(ROOT / "templates")
    files = sorted((ROOT / "sources").glob("*.yaml"))
    names = writers.names()
    fonts.register_pdf_fonts()
    for file in files:  # warm-up: imports, fonts, each layout's Word skeleton
        doc = tree(file, layouts)
        for name in names:
            assert writers.get(name).render(doc) == writers.get(name).render(doc), f"{name} is not deterministic"
    times: dict[str, list[float]] = {k: [] for k in ("tree", *names, "floor pdf", "floor docx")}
    for file in files:
        for _ in range(args.sheets):
            doc, ms = timed(tree, file, layouts)
            times["tree"].append(ms)
            for name in names:
                times[name].append(timed(writers.get(name).render, doc)[1])
            pages, paragraphs = wrapped(doc), body_text(doc)
            times["floor pdf"].append(timed(floor_pdf, pages)[1])
            times["floor docx"].append(timed(floor_docx, paragraphs)[1])
    med = {k: statistics.median(v) for k, v in times.items()}
    floor = med["floor pdf"] + med["floor docx"]
    print(f"{len(files)} records x {args.sheets} sheets; median ms per sheet")
    print(f"{'stage':<28}{'median ms':>10}{'min':>8}{'max':>8}{'x floor':>9}")
    rows = [("tree (validate + template)", "tree"), *((f"{n} writer", n) for n in names),
            ("floor: canvas of lines", "floor pdf"), ("floor: hand-zipped docx", "floor docx")]
    for label, key in rows:
        values = times[key]
        print(f"{label:<28}{med[key]:>10.2f}{min(values):>8.2f}{max(values):>8.2f}{med[key] / floor:>9.2f}")
    total = sum(med[n] for n in names) + med["tree"]
    print(f"{'floor (pdf + docx)':<28}{floor:>10.2f}")
    print(f"whole sheet (tree + every writer): {total:.2f} ms = {total / floor:.1f}x the floor; "
          f"docx writer {med['docx'] / floor:.2f}x the floor (target <= 2)")


if __name__ == "__main__":
    main()
