"""The anchors other tools give in the same run: pandoc on the sheet's text, LibreOffice on its .docx."""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import runner

from pipeline.document.tree import BulletList, Heading, Paragraph, Table, block_texts, inline_text

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|$~^])")


def _md(text: str) -> str:
    """Return text with Markdown's special characters escaped, on one line."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def markdown(doc) -> str:
    """Return the sheet's body as Markdown: the same headings, paragraphs, bullets and tables."""
    out: list[str] = []
    for block in doc.body:
        if isinstance(block, Heading):
            out.append("#" * min(block.level + 1, 6) + " " + _md(inline_text(block.inlines)))
        elif isinstance(block, Paragraph):
            mark = "# " if block.style == "Title" else ""
            out.append(mark + _md(inline_text(block.inlines)))
        elif isinstance(block, BulletList):
            out.append("\n".join("- " + _md(inline_text(item)) for item in block.items))
        elif isinstance(block, Table):
            head = [_md(inline_text(cell)) for cell in block.columns]
            rows = [[_md(inline_text(cell)) for cell in row] for row in block.rows]
            lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
            out.append("\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows]))
        else:  # a chart's title and source, an image's nothing: what the reader is told in text
            out.extend(_md(text) for text in block_texts(block) if text.strip())
    return "\n\n".join(out) + "\n"


def pandoc() -> str | None:
    """Return the pandoc on PATH, or None."""
    return shutil.which("pandoc")


def run_pandoc(exe: str, source: Path, target: Path) -> float:
    """Convert Markdown to .docx in a pandoc process; return its wall seconds."""
    ran = runner.run([exe, "-f", "markdown", "-t", "docx", "-o", str(target), str(source)], source.parent)
    runner.reap_orphans()
    if ran.code != 0 or not target.is_file():
        raise runner.BenchFailure(f"pandoc could not convert {source} (exit {ran.code}):\n{ran.tail()}")
    return ran.seconds


def libreoffice(docx: Path, scratch: Path) -> tuple[float | None, str]:
    """Time soffice converting a .docx to PDF, once, after an untimed run that creates its profile."""
    exe = shutil.which("soffice")
    if exe is None:
        return None, "soffice is not on PATH"
    profile = (scratch / "lo-profile").as_uri()  # its own profile: a user's running LibreOffice is left alone
    seconds = 0.0
    for out in (scratch / "lo-first", scratch / "lo-timed"):
        ran = runner.run([exe, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                          "--convert-to", "pdf", "--outdir", str(out), str(docx)], scratch, timeout=300)
        runner.reap_orphans()
        if ran.code != 0 or not (out / (docx.stem + ".pdf")).is_file():
            return None, f"soffice failed (exit {ran.code}): {ran.err.strip()[-300:]}"
        seconds = ran.seconds
    return seconds, "one timed run after one that created its profile"


def docxtpl() -> str:
    """Say whether docxtpl can be measured: only where it is already installed."""
    if importlib.util.find_spec("docxtpl") is None:
        return "docxtpl is not installed here"
    return "installed, but there is no docxtpl template of the sheets"
