"""The Typst anchor: a sheet's tree as a Typst source, compiled by PyPI's `typst` (bench-only, optional).

`source(doc)` writes the same sheet for Typst: the title, headings, paragraphs (bold, italic, links),
bullets and tables of the body, the header and footer lines on every page, our fonts, the page size
and margins; a chart gives its title and source as text and an image nothing (what the Markdown
anchor gives too). Every text is a Typst string literal, so nothing a record says is read as markup.
`compile_pdf` compiles one file in this process; `cold` times fresh processes compiling many.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
from pathlib import Path

from pipeline.document.tree import BulletList, Heading, Paragraph, Run, Table, block_texts, inline_text

FONTS = Path(__file__).resolve().parents[1] / "pipeline" / "fonts"
FAMILIES = ("Liberation Serif", "Noto Serif Lao", "Noto Serif Thai", "Noto Serif Khmer")


def missing() -> str:
    """Return why the Typst anchor cannot be measured here, or '' when it can."""
    if importlib.util.find_spec("typst") is None:
        return "PyPI's `typst` is not installed (make bench installs the `bench` extra)"
    return ""


def _string(text: str) -> str:
    """Return text as a Typst string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", " ") + '"'


def _inlines(inlines) -> str:
    """Return inline runs as Typst markup: each run a string, wrapped in strong/emph/link as it says."""
    out = []
    for item in inlines:
        if not isinstance(item, Run):  # a page field or a tab: its text, as the reader gets it
            out.append("#" + _string(inline_text((item,))))
            continue
        code = _string(item.text)
        if item.bold:
            code = f"strong({code})"
        if item.italic:
            code = f"emph({code})"
        if item.href:
            code = f"link({_string(item.href)}, {code})"
        out.append("#" + code)
    return "".join(out)


def _table(block: Table) -> str:
    """Return a table with its header row and its caption above it."""
    cells = ", ".join(f"[{_inlines(cell)}]" for cell in block.columns)
    rows = ", ".join(f"[{_inlines(cell)}]" for row in block.rows for cell in row)
    caption = f"{_inlines(block.caption)}\n\n" if block.caption else ""
    return f"{caption}#table(columns: {len(block.columns)}, table.header({cells}), {rows})"


def _block(block) -> str:
    """Return one body block as Typst markup."""
    if isinstance(block, Heading):
        return f"#heading(level: {min(block.level + 1, 6)})[{_inlines(block.inlines)}]"
    if isinstance(block, Paragraph):
        if block.style == "Title":
            return f"#heading(level: 1)[{_inlines(block.inlines)}]"
        return _inlines(block.inlines)
    if isinstance(block, BulletList):
        return "\n".join(f"- {_inlines(item)}" for item in block.items)
    if isinstance(block, Table):
        return _table(block)
    return "\n\n".join("#" + _string(text) for text in block_texts(block) if text.strip())


def _furniture(blocks) -> str:
    """Return header or footer blocks as one content block of lines."""
    lines = [_inlines(b.inlines) for b in blocks or () if isinstance(b, (Paragraph, Heading))]
    return "[" + " \\\n".join(lines) + "]" if lines else "none"


def source(doc) -> str:
    """Return the sheet as a Typst document."""
    page = doc.look.page
    try:
        size = doc.look.style("Normal").size
    except KeyError:
        size = 12.0
    fonts = "(" + ", ".join(_string(f) for f in FAMILIES) + ")"
    head = [
        f"#set document(title: {_string(doc.meta.title)}, author: {_string(doc.meta.author)})",
        f"#set text(font: {fonts}, size: {size}pt, lang: {_string(doc.meta.language[:2])})",
        f"#set page(width: {page.width}pt, height: {page.height}pt, margin: (top: {page.margin_top}pt, "
        f"bottom: {page.margin_bottom}pt, left: {page.margin_left}pt, right: {page.margin_right}pt), "
        f"header: {_furniture(doc.header)}, footer: {_furniture(doc.footer)})",
        "#set par(justify: false)",
    ]
    body = [_block(block) for block in doc.body]
    return "\n".join(head) + "\n\n" + "\n\n".join(b for b in body if b) + "\n"


def compile_pdf(path: Path) -> bytes:
    """Compile one Typst file to PDF in this process, with our fonts only; return the bytes."""
    import typst

    return typst.compile(str(path), font_paths=[str(FONTS)], ignore_system_fonts=True)


WORKER = """
import sys, typst
fonts = sys.argv[1]
for path in sys.argv[2:]:
    typst.compile(path, output=path[:-4] + ".pdf", font_paths=[fonts], ignore_system_fonts=True)
"""


def cold(files: list[Path], jobs: int = 2) -> float:
    """Return the wall seconds `jobs` fresh processes take to compile `files` to PDF files between them."""
    shares = [files[i::jobs] for i in range(jobs)]
    start = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(FONTS), *map(str, share)])
             for share in shares if share]
    codes = [proc.wait() for proc in procs]
    seconds = time.perf_counter() - start
    if any(codes):
        raise RuntimeError(f"a Typst process failed (exit codes {codes})")
    return seconds
