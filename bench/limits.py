"""Seconds to build the largest records pipeline/limits.py allows: the numbers behind the limits.

Usage: .venv/bin/python bench/limits.py [PART-OF-A-CASE-NAME]
Each case sits at one or more limits at once; it is parsed, validated, rendered to the tree,
written by both writers in memory and mapped (the sheet map a build writes beside the sheet). docs/limits-and-threat-model.md quotes these times.
"""

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.base import limits
from pipeline.layouts.loader import load_layouts
from pipeline.records import schema
from pipeline.records.yamlload import parse
from pipeline.render.provenance import sheet_map
from pipeline.render.sheet import render_document
from pipeline.writers import docx as docx_writer
from pipeline.writers import pdf as pdf_writer

HEAD = "layout: inl-country-program\ntitle: T\nissuer: I\ndate: 2003-03-11\n"
WORDS = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor".split()


def prose(chars: int) -> str:
    """Return `chars` characters of words."""
    text = " ".join(WORDS[i % len(WORDS)] for i in range(chars // 5 + 1))
    return text[:chars].strip() + "x" * (chars - len(text[:chars].strip()))


def table(rows: int, columns: int, cell: str) -> str:
    """Return a section holding one table."""
    head = ", ".join(f"c{i}" for i in range(columns))
    body = "".join(f"        - [{', '.join([cell] * columns)}]\n" for _ in range(rows))
    return f"sections:\n  - table:\n      columns: [{head}]\n      rows:\n{body}"


def cases() -> dict[str, str]:
    """Return the worst-case records by name."""
    text, cell = limits.MAX_TEXT_CHARS, limits.MAX_CELL_CHARS
    per_record = limits.MAX_RECORD_CHARS - 2  # title and issuer take one character each
    tall_rows = per_record // (cell * limits.MAX_TABLE_COLUMNS)
    wide_cell = per_record // (limits.MAX_TABLE_ROWS * limits.MAX_TABLE_COLUMNS)
    return {
        f"one paragraph of {text:,} characters": HEAD + f"lead: {prose(text)}\n",
        f"one word of {text:,} characters": HEAD + f"lead: {'x' * text}\n",
        f"{per_record // text} bullets of {text:,} characters": HEAD + "sections:\n  - bullets:\n"
        + "".join(f"      - {prose(text)}\n" for _ in range(per_record // text)),
        f"table {limits.MAX_TABLE_ROWS:,} x {limits.MAX_TABLE_COLUMNS}, {wide_cell}-character cells":
            HEAD + table(limits.MAX_TABLE_ROWS, limits.MAX_TABLE_COLUMNS, prose(wide_cell)),
        f"table {tall_rows} x {limits.MAX_TABLE_COLUMNS}, {cell:,}-character cells (rows over a page)":
            HEAD + table(tall_rows, limits.MAX_TABLE_COLUMNS, prose(cell)),
        f"table {tall_rows} x {limits.MAX_TABLE_COLUMNS}, {cell:,}-character words":
            HEAD + table(tall_rows, limits.MAX_TABLE_COLUMNS, "y" * cell),
        f"{limits.MAX_NODES - 20:,} one-letter bullets (values limit)": HEAD + "sections:\n  - bullets:\n"
        + "      - x\n" * (limits.MAX_NODES - 20),
        # Italic openers that never close: each searched the rest of its bullet (quadratic) until
        # marks were parsed with closer tables; the worst record for the mark parser.
        f"{per_record // text} bullets of 'x *x *x …', {text:,} characters": HEAD + "sections:\n  - bullets:\n"
        + "".join(f"      - \"x {'*x ' * ((text - 2) // 3)}\"\n" for _ in range(per_record // text)),
    }


def timed(fn, *args):
    """Return (result, seconds) of one call."""
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def main() -> None:
    """Build every case (or those whose name contains argv[1]) once; print the seconds of each stage."""
    layouts = load_layouts(ROOT / "templates")
    print(f"{'case':<62}{'KB':>6}{'parse':>7}{'tree':>7}{'docx':>7}{'pdf':>7}{'map':>7}{'total':>7}")
    for name, text in cases().items():
        if len(sys.argv) > 1 and sys.argv[1] not in name:
            continue
        node, parse_s = timed(lambda: schema.validate(parse(text, "r.yaml"), Path("r.yaml"), "r.yaml", layouts))  # noqa: B023 (called at once)
        tree, tree_s = timed(render_document, node, layouts[node.layout])
        _, docx_s = timed(docx_writer.render, tree)
        _, pdf_s = timed(pdf_writer.render, tree)
        _, map_s = timed(sheet_map, node, tree)
        total = parse_s + tree_s + docx_s + pdf_s + map_s
        print(f"{name:<62}{len(text.encode()) // 1024:>6}{parse_s:>7.2f}{tree_s:>7.2f}{docx_s:>7.2f}"
              f"{pdf_s:>7.2f}{map_s:>7.2f}{total:>7.2f}")


if __name__ == "__main__":
    main()
