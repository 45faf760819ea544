"""The format-neutral document tree: what templates produce and every writer renders."""

from __future__ import annotations

import datetime as _dt
import hashlib
from dataclasses import dataclass, field, fields
from typing import ClassVar

from .look import Look, PageSetup, Style

# Units: all lengths are in points (1 in = 72 pt); colours are 6-digit hex without '#'.
# Every node class names its `kind`; a visitor handles it in `visit_<kind>` (see Visitor).


@dataclass(frozen=True)
class Run:
    """A stretch of text with one set of inline marks."""

    kind: ClassVar[str] = "run"
    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None


@dataclass(frozen=True)
class Field:
    """A value the writer fills in per page: 'page' (N) or 'pages' (M)."""

    kind: ClassVar[str] = "field"
    name: str


@dataclass(frozen=True)
class Tab:
    """A move to the paragraph's next tab stop (Word's tab character): the text after it starts there."""

    kind: ClassVar[str] = "tab"


Inline = Run | Field | Tab

TAB_ALIGNMENTS = ("left", "center", "right")


@dataclass(frozen=True)
class TabStop:
    """Where the text after a paragraph's Nth tab sits: its left edge, centre or right edge at
    `position` points from the left margin (Word's tab stop; the PDF places it the same)."""

    position: float
    align: str  # one of TAB_ALIGNMENTS


@dataclass(frozen=True)
class Paragraph:
    """One paragraph in a named style."""

    kind: ClassVar[str] = "paragraph"
    style: str
    inlines: tuple[Inline, ...]
    # Whole, on the page of the block after it (Word's keep-with-next and keep-lines-together):
    # set by the renderer where a block must not stand alone, as the Sources note.
    keep_with_next: bool = False
    # One line in parts (a banner centred, the date at the right margin): the part after the
    # Nth Tab inline sits at the Nth stop. Set only where every part fits its place on one
    # line (see pipeline/document/tabstops.py).
    tabs: tuple[TabStop, ...] = ()


@dataclass(frozen=True)
class Heading:
    """A section heading; style 'Heading <level>', a bookmark in the PDF."""

    kind: ClassVar[str] = "heading"
    level: int
    inlines: tuple[Inline, ...]

    @property
    def style(self) -> str:
        """Return the style name of this heading."""
        return f"Heading {self.level}"


@dataclass(frozen=True)
class BulletList:
    """A bulleted list in the 'List Bullet' style; each item is one paragraph."""

    kind: ClassVar[str] = "bullet_list"
    items: tuple[tuple[Inline, ...], ...]
    style: str = "List Bullet"


@dataclass(frozen=True)
class Table:
    """A table with a header row; cells hold inline runs.

    `widths` (points, summing to the text width) and `align` (one of look.ALIGNMENTS) hold one
    entry per column, decided once by pipeline/tablefit.py when the tree is built; a table built
    without them is fitted by the writers with the same function.
    """

    kind: ClassVar[str] = "table"
    columns: tuple[tuple[Inline, ...], ...]
    rows: tuple[tuple[tuple[Inline, ...], ...], ...]
    caption: tuple[Inline, ...] | None = None
    widths: tuple[float, ...] = ()
    align: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChartPoint:
    """One point of a chart: its label on the x axis, its value, and the value as the sheet prints it."""

    label: str
    value: float
    printed: str  # as the figure filters print it, e.g. "5,700"


@dataclass(frozen=True)
class Chart:
    """A bar or line chart of one series: title above, the drawing, the source line under it.

    `alt` describes the drawing to readers who cannot see it (the record's, or one made from the data).
    """

    kind: ClassVar[str] = "chart"
    form: str  # "bar" or "line"
    title: tuple[Inline, ...]
    x_label: str  # the x axis, e.g. "Year"
    y_label: str  # the y axis with its unit, e.g. "Opium poppy cultivation in Laos (ha)"
    points: tuple[ChartPoint, ...]
    alt: str
    source: tuple[Inline, ...] | None = None


@dataclass(frozen=True)
class Image:
    """A picture the user supplied (a seal or flag), drawn at a fixed width from the look.

    `data` is the PNG or JPEG file; `pixels` its size; `alt` what it shows, for readers who cannot see it.
    """

    kind: ClassVar[str] = "image"
    data: bytes = field(repr=False)
    format: str  # "png" or "jpeg"
    pixels: tuple[int, int]
    alt: str
    name: str = ""  # the file as the record or layout named it, for messages and the dump

    def size(self, width: float) -> tuple[float, float]:
        """Return (width, height) in points when drawn `width` points wide, keeping its proportions."""
        return width, round(width * self.pixels[1] / self.pixels[0], 2)


Block = Paragraph | Heading | BulletList | Table | Chart | Image


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
    """A whole fact sheet: properties, its resolved look, furniture and body."""

    meta: Metadata
    look: Look
    header: tuple[Block, ...]
    footer: tuple[Block, ...]
    body: tuple[Block, ...]
    watermark: str | None = None
    # The first page's own furniture (Word's "different first page"): None is the same as
    # every other page's; a tuple, even empty, replaces the header or footer on page 1 only.
    first_header: tuple[Block, ...] | None = None
    first_footer: tuple[Block, ...] | None = None

    kind: ClassVar[str] = "document"

    @property
    def page(self) -> PageSetup:
        """Return the page setup of the look."""
        return self.look.page

    def style(self, name: str) -> Style:
        """Return the style called `name`; KeyError if the stylesheet lacks it."""
        return self.look.style(name)

    @property
    def announced_title(self) -> str:
        """Return the title for the document properties: a draft's says so ("DRAFT — Laos"), as
        readers show and announce the title first."""
        return f"{self.watermark} — {self.meta.title}" if self.watermark else self.meta.title

    @property
    def first_page_differs(self) -> bool:
        """Return whether page 1 has its own header or footer."""
        return self.first_header is not None or self.first_footer is not None

    def furniture(self, page: int) -> tuple[tuple[Block, ...], tuple[Block, ...]]:
        """Return the header and footer blocks printed on page number `page`."""
        if page == 1 and self.first_page_differs:
            return (self.header if self.first_header is None else self.first_header,
                    self.footer if self.first_footer is None else self.first_footer)
        return self.header, self.footer

    def all_blocks(self) -> tuple[Block, ...]:
        """Return every block of the sheet: furniture (first page's included), then the body."""
        return (*self.header, *self.footer, *(self.first_header or ()), *(self.first_footer or ()), *self.body)


BLOCK_TYPES = (Paragraph, Heading, BulletList, Table, Chart, Image)
INLINE_TYPES = (Run, Field, Tab)
NODE_TYPES = (Document, *BLOCK_TYPES, *INLINE_TYPES)


# The paragraph styles of a chart: its title above the drawing and its source line below.
CHART_STYLES = ("Chart Title", "Chart Source")


class UnknownNode(TypeError):
    """A writer met a node type it has no handler for (a writer bug, found by the contract tests)."""


class Visitor:
    """Walks a document tree: `visit(node)` calls `self.visit_<node.kind>(node)`.

    Every writer is a Visitor with the same handler names, so a node type added to the tree
    shows up at once as a missing handler in each writer (see tests/test_writer_contract.py).
    """

    def visit(self, node):
        """Dispatch `node` to its handler; UnknownNode when this visitor has none."""
        handler = getattr(self, f"visit_{getattr(node, 'kind', None)}", None)
        if handler is None or not isinstance(node, NODE_TYPES):
            raise UnknownNode(f"{type(self).__name__} cannot render a {type(node).__name__}")
        return handler(node)

    def visit_all(self, nodes) -> list:
        """Visit each node in order; return the handlers' results."""
        return [self.visit(node) for node in nodes]


def inline_text(inlines: tuple[Inline, ...], page: int = 1, pages: int = 1) -> str:
    """Return the plain text of inline runs, with page fields filled in."""
    parts = []
    for item in inlines:
        if isinstance(item, Run):
            parts.append(item.text)
        elif isinstance(item, Tab):
            parts.append("\t")  # as Word reads its tab character back
        else:
            parts.append(str(page if item.name == "page" else pages))
    return "".join(parts)


def block_texts(block: Block) -> list[str]:
    """Return the plain text of each paragraph a block prints, in reading order."""
    if isinstance(block, (Paragraph, Heading)):
        return [inline_text(block.inlines)]
    if isinstance(block, BulletList):
        return [inline_text(item) for item in block.items]
    if isinstance(block, Chart):  # the drawing's own labels are described by its alt text
        return [inline_text(block.title), *([inline_text(block.source)] if block.source else [])]
    if isinstance(block, Image):
        return []
    texts = [inline_text(block.caption)] if block.caption else []
    for row in (block.columns, *block.rows):
        texts.extend(inline_text(cell) for cell in row)
    return texts


def body_text(doc: Document) -> list[str]:
    """Return the text of every body paragraph, in reading order."""
    return [text for block in doc.body for text in block_texts(block)]


def dump(doc: Document) -> str:
    """Return a readable, stable text dump of the tree and the look it resolved to, for golden tests."""
    lines = [f"document watermark={doc.watermark!r}", f"  meta {_attrs(doc.meta)}"]
    lines.extend(f"  {part} {_attrs(getattr(doc.look, part))}" for part in ("page", "text", "box", "table",
                                                                            "watermark", "chart", "image"))
    used = sorted(styles_used(doc))
    lines.extend(f"  style {_attrs(doc.style(name))}" for name in used)
    for part in ("header", "footer", "first_header", "first_footer", "body"):
        if getattr(doc, part) is None:
            continue  # no first-page furniture: page 1 prints the header and footer
        lines.append(f"  {part}")
        for block in getattr(doc, part):
            lines.extend(_dump_block(block, "    "))
    return "\n".join(lines) + "\n"


def styles_used(doc: Document) -> set[str]:
    """Return the names of the paragraph styles a sheet prints in (the writers' own included)."""
    names = {"Normal"}
    for block in doc.all_blocks():
        if isinstance(block, Table):
            names.update(("Table Text", "Caption") if block.caption else ("Table Text",))
        elif isinstance(block, Chart):
            names.update(CHART_STYLES if block.source else CHART_STYLES[:1])
        elif isinstance(block, Image):
            continue  # drawn in a paragraph of its own, with no text
        elif isinstance(block, BLOCK_TYPES):
            names.add(block.style)
    return names


def _attrs(obj) -> str:
    """Return `name=value` pairs of a dataclass, in field order."""
    return " ".join(f"{f.name}={getattr(obj, f.name)!r}" for f in fields(obj))


def _dump_block(block: Block, indent: str) -> list[str]:
    """Return the dump lines of one block."""
    if isinstance(block, Paragraph):
        kept = " +keep_with_next" if block.keep_with_next else ""
        tabs = (" tabs=[" + ", ".join(f"{t.align}@{t.position:g}" for t in block.tabs) + "]") if block.tabs else ""
        return [f"{indent}p[{block.style}] {_dump_inlines(block.inlines)}{kept}{tabs}"]
    if isinstance(block, Heading):
        return [f"{indent}h{block.level} {_dump_inlines(block.inlines)}"]
    if isinstance(block, BulletList):
        return [f"{indent}li[{block.style}] {_dump_inlines(item)}" for item in block.items]
    if isinstance(block, Chart):
        return _dump_chart(block, indent)
    if isinstance(block, Image):
        digest = hashlib.sha256(block.data).hexdigest()[:16]
        return [f"{indent}image {block.format} {block.pixels[0]}x{block.pixels[1]} sha256:{digest} "
                f"name={block.name!r} alt={block.alt!r}"]
    lines = [f"{indent}table widths={list(block.widths)} align={list(block.align)}"]
    if block.caption:
        lines.append(f"{indent}  caption {_dump_inlines(block.caption)}")
    lines.append(f"{indent}  th " + " | ".join(_dump_inlines(c) for c in block.columns))
    lines.extend(f"{indent}  td " + " | ".join(_dump_inlines(c) for c in row) for row in block.rows)
    return lines


def _dump_chart(chart: Chart, indent: str) -> list[str]:
    """Return the dump lines of a chart: title, axes, every point, source and alt text."""
    lines = [f"{indent}chart[{chart.form}] {_dump_inlines(chart.title)}",
             f"{indent}  axes x={chart.x_label!r} y={chart.y_label!r}"]
    lines.extend(f"{indent}  point {p.label!r} {p.value!r} {p.printed!r}" for p in chart.points)
    if chart.source:
        lines.append(f"{indent}  source {_dump_inlines(chart.source)}")
    lines.append(f"{indent}  alt {chart.alt!r}")
    return lines


def _dump_inlines(inlines: tuple[Inline, ...]) -> str:
    """Return inline runs as a compact, unambiguous string."""
    out = []
    for item in inlines:
        if isinstance(item, Field):
            out.append("{" + item.name + "}")
            continue
        if isinstance(item, Tab):
            out.append("{tab}")
            continue
        marks = ("b" if item.bold else "") + ("i" if item.italic else "")
        text = repr(item.text)
        if item.href:
            text = f"link({item.href!r}, {text})"
        out.append(f"{marks}{text}" if marks else text)
    return " + ".join(out)
