"""The format-neutral document tree: what templates produce and every writer renders."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, fields
from typing import Union

# Units: all lengths are in points (1 in = 72 pt); colours are 6-digit hex without '#'.


@dataclass(frozen=True)
class Run:
    """A stretch of text with one set of inline marks."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None


@dataclass(frozen=True)
class Field:
    """A value the writer fills in per page: 'page' (N) or 'pages' (M)."""

    name: str


Inline = Union[Run, Field]


@dataclass(frozen=True)
class Paragraph:
    """One paragraph in a named style."""

    style: str
    inlines: tuple[Inline, ...]


@dataclass(frozen=True)
class Heading:
    """A section heading; style 'Heading <level>', a bookmark in the PDF."""

    level: int
    inlines: tuple[Inline, ...]

    @property
    def style(self) -> str:
        """Return the style name of this heading."""
        return f"Heading {self.level}"


@dataclass(frozen=True)
class BulletList:
    """A bulleted list in the 'List Bullet' style; each item is one paragraph."""

    items: tuple[tuple[Inline, ...], ...]
    style: str = "List Bullet"


@dataclass(frozen=True)
class Table:
    """A table with a header row; cells hold inline runs."""

    columns: tuple[tuple[Inline, ...], ...]
    rows: tuple[tuple[tuple[Inline, ...], ...], ...]
    caption: tuple[Inline, ...] | None = None


Block = Union[Paragraph, Heading, BulletList, Table]


@dataclass(frozen=True)
class Style:
    """A named paragraph style, shared by both writers."""

    name: str
    size: float = 12.0
    bold: bool = False
    italic: bool = False
    color: str = "000000"
    align: str = "left"  # left | center | right | justify
    space_before: float = 0.0
    space_after: float = 6.0
    left_indent: float = 0.0
    first_line_indent: float = 0.0
    keep_with_next: bool = False
    shading: str | None = None  # background colour of the paragraph box
    border: str | None = None  # colour of a box around the paragraph
    border_bottom: str | None = None  # colour of a rule under the paragraph


@dataclass(frozen=True)
class PageSetup:
    """Paper and margins; the font family named in Word (the PDF embeds a metric twin)."""

    width: float = 612.0
    height: float = 792.0
    margin_top: float = 72.0
    margin_bottom: float = 72.0
    margin_left: float = 72.0
    margin_right: float = 72.0
    font: str = "Times New Roman"


@dataclass(frozen=True)
class Metadata:
    """Document properties written into both formats."""

    title: str
    subject: str
    author: str
    language: str = "en-US"
    date: _dt.date | None = None  # the sheet's own date; never the wall clock


@dataclass(frozen=True)
class Document:
    """A whole fact sheet: properties, page, styles, furniture and body."""

    meta: Metadata
    page: PageSetup
    styles: tuple[Style, ...]
    header: tuple[Block, ...]
    footer: tuple[Block, ...]
    body: tuple[Block, ...]
    watermark: str | None = None

    def style(self, name: str) -> Style:
        """Return the style called `name`; KeyError if the stylesheet lacks it."""
        for style in self.styles:
            if style.name == name:
                return style
        raise KeyError(name)


def inline_text(inlines: tuple[Inline, ...], page: int = 1, pages: int = 1) -> str:
    """Return the plain text of inline runs, with page fields filled in."""
    parts = []
    for item in inlines:
        if isinstance(item, Run):
            parts.append(item.text)
        else:
            parts.append(str(page if item.name == "page" else pages))
    return "".join(parts)


def block_texts(block: Block) -> list[str]:
    """Return the plain text of each paragraph a block prints, in reading order."""
    if isinstance(block, (Paragraph, Heading)):
        return [inline_text(block.inlines)]
    if isinstance(block, BulletList):
        return [inline_text(item) for item in block.items]
    texts = [inline_text(block.caption)] if block.caption else []
    for row in (block.columns, *block.rows):
        texts.extend(inline_text(cell) for cell in row)
    return texts


def body_text(doc: Document) -> list[str]:
    """Return the text of every body paragraph, in reading order."""
    return [text for block in doc.body for text in block_texts(block)]


def dump(doc: Document) -> str:
    """Return a readable, stable text dump of the tree, for golden tests."""
    lines = [f"document watermark={doc.watermark!r}", f"  meta {_attrs(doc.meta)}",
             f"  page {_attrs(doc.page)}"]
    for part in ("header", "footer", "body"):
        lines.append(f"  {part}")
        for block in getattr(doc, part):
            lines.extend(_dump_block(block, "    "))
    return "\n".join(lines) + "\n"


def _attrs(obj) -> str:
    """Return `name=value` pairs of a dataclass, in field order."""
    return " ".join(f"{f.name}={getattr(obj, f.name)!r}" for f in fields(obj))


def _dump_block(block: Block, indent: str) -> list[str]:
    """Return the dump lines of one block."""
    if isinstance(block, Paragraph):
        return [f"{indent}p[{block.style}] {_dump_inlines(block.inlines)}"]
    if isinstance(block, Heading):
        return [f"{indent}h{block.level} {_dump_inlines(block.inlines)}"]
    if isinstance(block, BulletList):
        return [f"{indent}li[{block.style}] {_dump_inlines(item)}" for item in block.items]
    lines = [f"{indent}table"]
    if block.caption:
        lines.append(f"{indent}  caption {_dump_inlines(block.caption)}")
    lines.append(f"{indent}  th " + " | ".join(_dump_inlines(c) for c in block.columns))
    lines.extend(f"{indent}  td " + " | ".join(_dump_inlines(c) for c in row) for row in block.rows)
    return lines


def _dump_inlines(inlines: tuple[Inline, ...]) -> str:
    """Return inline runs as a compact, unambiguous string."""
    out = []
    for item in inlines:
        if isinstance(item, Field):
            out.append("{" + item.name + "}")
            continue
        marks = ("b" if item.bold else "") + ("i" if item.italic else "")
        text = repr(item.text)
        if item.href:
            text = f"link({item.href!r}, {text})"
        out.append(f"{marks}{text}" if marks else text)
    return " + ".join(out)
