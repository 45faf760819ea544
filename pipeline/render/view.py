"""What templates see: a read-only view of a record with figures filled in and marks parsed."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from html import escape
from pathlib import Path

from ..base.errors import Collector, Location, RecordError
from ..document import images
from ..document.tree import Run
from ..figures.sandbox import evaluate
from ..figures.values import FigureError, FigureValue, Reads, long_date, number
from ..records import charset, fields, marking
from ..records.model import Record, Text
from . import text as textmod

_REFERENCE = re.compile(r"\{\{.*?\}\}", re.S)  # one figure reference, for pointing at it


class Inline:
    """One paragraph of runs; prints as escaped template markup."""

    def __init__(self, runs: tuple[Run, ...]):
        self.runs = runs

    def __html__(self) -> str:
        return "".join(_run_markup(run) for run in self.runs)

    def __str__(self) -> str:
        return self.plain

    @property
    def plain(self) -> str:
        """Return the text without marks (for document properties)."""
        return "".join(run.text for run in self.runs)


class Rich:
    """A text field: one or more paragraphs."""

    def __init__(self, paragraphs: list[Inline]):
        self.paragraphs = paragraphs

    def __iter__(self):
        return iter(self.paragraphs)

    def __html__(self) -> str:
        return " ".join(p.__html__() for p in self.paragraphs)

    def __str__(self) -> str:
        return self.plain

    @property
    def plain(self) -> str:
        """Return the text without marks."""
        return " ".join(p.plain for p in self.paragraphs)


def _run_markup(run: Run) -> str:
    """Return one run as markup: the text escaped, marks as the pipeline's own tags."""
    out = escape(run.text, quote=False)
    if run.italic:
        out = f"<i>{out}</i>"
    if run.bold:
        out = f"<b>{out}</b>"
    if run.href:
        out = f'<a href="{escape(run.href, quote=True)}">{out}</a>'
    return out


@dataclass(frozen=True)
class Block:
    """One content block of a section, as templates see it."""

    kind: str  # text | bullets | items | table | chart
    paragraphs: tuple = ()
    items: tuple = ()
    columns: tuple = ()
    rows: tuple = ()
    caption: Rich | None = None
    chart: "ChartView | None" = None


@dataclass(frozen=True)
class PointView:
    """One point of a chart: its label, its number, and the number as printed."""

    label: str
    value: str  # the number in plain notation, for the drawing's scale
    printed: str  # as the figure filters print it: "5,700"


@dataclass(frozen=True)
class ChartView:
    """A chart as templates see it: everything it prints, figures filled in."""

    form: str  # bar | line
    title: Rich
    x_label: str
    y_label: str
    points: tuple[PointView, ...]
    source: str  # "Source: UNODC …, as of December 31, 2018", or "" when the figure has neither
    alt: str  # the record's alt text, or one made from the data


@dataclass(frozen=True)
class ItemView:
    """A run-in item."""

    term: Rich
    text: Rich


@dataclass(frozen=True)
class SectionView:
    """A section; `run_in` is True when the heading opens the first paragraph."""

    heading: Rich | None
    style: str | None
    run_in: bool
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class SealView:
    """A supplied seal or flag as templates see it: `ref` names its picture for <image ref="…"/>."""

    ref: str
    alt: str
    image: object = dataclasses.field(repr=False, default=None)  # its Image node, for the markup parser


@dataclass(frozen=True)
class SheetView:
    """The record as a template reads it: `sheet.<name>` for each name of records/fields.SHEET_FIELDS.

    The record's text fields, figures filled in, are kept in `texts` and read as attributes
    (`sheet.title`, `sheet.notes`), as a Record's are.
    """

    layout: str
    id: str
    texts: dict[str, "Rich | tuple[Rich, ...] | None"] = dataclasses.field(default_factory=dict)
    classification_mark: str = ""  # the Sources note's mark, "(U)": its paragraphs' highest, never above the banner
    date: str = ""
    draft: bool = False
    sections: tuple[SectionView, ...] = ()
    sources: tuple[Inline, ...] = ()  # one entry per figure printed that has a source or a date
    seal: "SealView | None" = None  # the seal or flag the record or layout supplies (opt-in)

    def __getattr__(self, name: str):
        return fields.text_field(self, name)


class _Resolver:
    """Turns record Text into Rich, collecting every figure and mark error."""

    def __init__(self, record: Record, data, reads: Reads | None, c: Collector):
        # Always noting reads: the Sources note lists the figures the text printed.
        if reads is None:
            reads = Reads()
            data = data.noting(reads) if data is not None else None
        self.record, self.data, self.reads, self.c = record, data, reads, c
        self.printing_levels: set[str] = set()  # the marks of the texts that printed a figure (Sources note)

    def rich(self, text: Text | None, default: str | None = None) -> Rich | None:
        """Return the Rich form of a text field (or of a layout default)."""
        if text is None:
            return None if default is None else Rich([Inline(textmod.runs(default))])
        try:
            value = evaluate(text.source, self.record.figures or {}, self.data, self.reads)
            if value != text.source:
                self.printing_levels.add(_level_of(text, self.record.classification))
            if value != text.source and not self._printable(text, value):
                return Rich([])
            return Rich([Inline(textmod.runs(p)) for p in textmod.paragraphs(value)])
        except FigureError as exc:
            self.c.error(self._locate(text, exc.needle, exc.line), f"in '{text.field}': {exc.message}", exc.hint)
        except textmod.MarkError as exc:
            self.c.error(text.node.locate(exc.needle), f"in '{text.field}': {exc.message}", exc.hint)
        return Rich([])

    def _printable(self, text: Text, value: str) -> bool:
        """Check text as references printed it, by the rules for text as written; False with an error."""
        # {{ '\x00' }} or {{ '\u202e' }} decode only now, after the record's text was checked:
        # the same rules apply to what reaches the sheet, at the reference that printed it.
        problem = charset.refused(value, written=False)
        if problem is None:
            return True
        char, message, hint = problem
        self.c.error(self._origin(text, char), f"in '{text.field}': a figure reference prints text that "
                                                f"{message}", hint)
        return False

    def _origin(self, text: Text, char: str):
        """Return the file location of the first reference in `text` whose output holds `char`."""
        for match in _REFERENCE.finditer(text.source):
            try:
                printed = evaluate(match.group(), self.record.figures or {}, self.data, None)
            except FigureError:
                continue
            if char in printed:  # point at its '{{': YAML escapes may spell the rest otherwise
                return text.node.locate("{{", text.source.count("{{", 0, match.start()))
        return text.node.locate("{{")

    def _locate(self, text: Text, needle: str, line: int | None):
        """Return the file location of a problem on `line` of the text, near `needle`."""
        if line and line > 1:
            lines = text.node.value.split("\n")
            if line <= len(lines):
                piece = lines[line - 1].strip()
                start = piece.find("{{")
                if needle and needle in piece:
                    return text.node.locate(needle)
                return text.node.locate(piece[start:] if start >= 0 else piece)
        return text.node.locate(needle or "{{")


def sheet_view(record: Record, defaults: dict[str, str], data, reads: Reads | None,
               c: Collector, project: Path | None = None) -> SheetView:
    """Return the view of a record for its layout template; errors go to `c`, reads to `reads`.

    The Sources note is on unless the record, or else the layout's defaults, say `sources: false`.
    A seal is drawn only if the record or the layout's defaults name one, from `project`'s files.
    """
    r = _Resolver(record, data, reads, c)
    # Text, lists of text and the sections, as the fields table names them and in its order: the
    # Sources note lists the figures in the order they are read.
    printed = {f.name: _printed_field(f, getattr(record, f.name), record, defaults, r)
               for f in fields.at("top") if f.type in (*fields.TEXT, *fields.LISTS, "sections")}
    view = SheetView(id=record.id, layout=record.layout, date=long_date(record.date) if record.date else "",
                     draft=record.status == "draft", classification_mark=_mark_of(record.classification),
                     sections=printed.pop("sections"), texts=printed)
    wanted = defaults.get("sources", "true") == "true" if record.sources is None else record.sources
    return dataclasses.replace(view, sources=_sources(r.reads) if wanted else (),
                               classification_mark=_note_mark(r.printing_levels, record.classification),
                               seal=_seal(record, defaults, project, r))


def _printed_field(field, value, record: Record, defaults: dict[str, str], r: _Resolver):
    """Return the view of a record field of text, a list of texts, or the sections."""
    if field.type in fields.TEXT:
        return r.rich(value, defaults.get(field.name) if field.default else None)
    if field.type in fields.LISTS:
        return tuple(r.rich(t) for t in value)
    return tuple(_section(s, record, r) for s in value)


def _seal(record: Record, defaults: dict[str, str], project: Path | None, r: _Resolver) -> SealView | None:
    """Return the record's seal, else the layout's, checked and read; None (with an error) if refused."""
    if record.seal is not None:
        name, alt, loc = record.seal.file.value, r.rich(record.seal.alt), record.seal.file.loc
        alt = alt.plain if alt else ""
    elif defaults.get("seal"):
        # A layout's seal is checked when the layouts load; its problems are its layout's.
        name, alt, loc = defaults["seal"], defaults.get("seal_alt", ""), record.layout_loc or Location(record.path)
    else:
        return None
    try:
        image, digest = images.load(project or Path.cwd(), name, alt, loc)
    except RecordError as exc:
        r.c.diagnostics.extend(exc.diagnostics)
        return None
    r.reads.data[f"file:{name}"] = digest  # a new picture in the same file rebuilds the sheet
    return SealView("seal", alt, image)


def _level_of(text: Text, banner: Text | None) -> str:
    """Return the highest portion mark opening a paragraph of `text`; the banner's level for text
    that carries none (a table cell, a heading), or '' on a public sheet."""
    marks = [m["level"] for p in textmod.paragraphs(text.source) if (m := marking.MARK.match(p))]
    if marks:
        return max(marks, key=marking.LEVELS.index)
    return _mark_of(banner).strip("()")


def _note_mark(levels: set[str], banner: Text | None) -> str:
    """Return the Sources note's portion mark: the highest of the paragraphs that printed its figures
    (an SBU paper citing figures printed only in (U) paragraphs marks its note (U)), never above
    the banner; the banner's level when no paragraph says."""
    known = [level for level in levels if level in marking.LEVELS]
    if not known or not banner:
        return _mark_of(banner)
    ceiling = _mark_of(banner).strip("()")
    level = max(known, key=marking.LEVELS.index)
    return f"({min(level, ceiling, key=marking.LEVELS.index) if ceiling else level})"


def _mark_of(banner: Text | None) -> str:
    """Return the portion mark of a banner's level: a generated paragraph is marked no higher."""
    level = marking.banner_level(banner.source) if banner else None
    return f"({level})" if level else ""


def _sources(reads: Reads) -> tuple[Inline, ...]:
    """Return one Sources entry per figure the sheet printed: 'label: source, as of March 11, 2003'.

    The attributes the note prints are reads like the numbers: a shared figure's new source,
    date or label rebuilds exactly the sheets whose note prints it.
    """
    entries = []
    for name, figure in reads.cited.items():
        shared = name.startswith("data.")
        reads.read(f"{name}.source", figure.source, shared)
        reads.read(f"{name}.as_of", figure.as_of, shared)
        if figure.source is None and figure.as_of is None:
            continue  # nothing to cite, so the label is not printed either
        reads.read(f"{name}.label", figure.label, shared)
        where = ", ".join(filter(None, (figure.source, figure.as_of and f"as of {long_date(figure.as_of)}")))
        entries.append(Inline((Run(f"{figure.label or name}: {where}"),)))
    return tuple(entries)


def _section(section, record: Record, r: _Resolver) -> SectionView:
    """Return the view of one section."""
    blocks = tuple(_block(content, record, r) for content in section.content)
    run_in = section.style == "run-in" and bool(blocks) and blocks[0].kind == "text"
    return SectionView(r.rich(section.heading), section.style, run_in, blocks)


def _block(content, record: Record, r: _Resolver) -> Block:
    """Return the view of one content block, by what its field holds (records/fields.py)."""
    kind, value = content.kind, content.value
    holds = fields.get("section", kind).type
    if holds in fields.TEXT:
        return Block(kind, paragraphs=tuple(r.rich(value) or ()))
    if holds in fields.LISTS:
        return Block(kind, items=tuple(r.rich(t) for t in value))
    if holds == "items":
        return Block(kind, items=tuple(ItemView(r.rich(i.term), r.rich(i.text)) for i in value))
    if holds == "table":
        return Block(kind, columns=tuple(r.rich(t) for t in value.columns),
                     rows=tuple(tuple(r.rich(t) for t in row) for row in value.rows),
                     caption=r.rich(value.caption))
    if holds == "chart":
        return Block(kind, chart=_chart(value, record, r))
    raise KeyError(f"the view shows no content of type {holds!r} (section field {kind!r})")


def _chart(chart, record: Record, r: _Resolver) -> ChartView | None:
    """Return the view of a chart of a record or shared series figure; None, with an error, if unreadable."""
    series = _series(chart, record, r)
    if series is None:
        return None
    figure, name = series
    label = figure.label or name.rpartition(".")[2]
    unit = figure.unit
    points = []
    for year in figure.years:
        number_read = figure[year]  # notes the read (a build dependency) and cites the figure
        points.append(PointView(str(year), repr(float(number_read)),
                                _printed(r.reads, f"{name} {year}", number(number_read))))
    source, as_of = figure.source, figure.as_of
    where = ", ".join(filter(None, (source, as_of and f"as of {long_date(as_of)}")))
    alt = r.rich(chart.alt)
    if alt is None or not alt.plain.strip():
        data = "; ".join(f"{p.label}: {p.printed}" for p in points)
        alt_text = f"{chart.kind.capitalize()} chart: {label}{f', in {unit}' if unit else ''}: {data}."
    else:
        alt_text = alt.plain
    return ChartView(chart.kind, r.rich(chart.title), "Year", f"{label} ({unit})" if unit else label,
                     tuple(points), f"Source: {where}" if where else "", alt_text)


def _series(chart, record: Record, r: _Resolver) -> tuple[FigureValue, str] | None:
    """Return the series figure a chart names (in the record, or data.<file>.<figure>) and its name."""
    name = chart.figure
    if not name.startswith("data."):
        return FigureValue(record.figures[name], name, r.reads), name
    where = chart.figure_node.loc if chart.figure_node is not None else chart.loc
    _, file, key = name.split(".", 2)
    try:
        if r.data is None:
            raise FigureError("there is no shared data to read it from", name,
                              "shared data lives in sources/data/<name>.yaml")
        value = r.data[file][key]
    except FigureError as exc:
        r.c.error(where, f"in '{chart.field}.figure': {exc.message}", exc.hint)
        return None
    if value._figure.values is None:
        r.c.error(where, f"'{chart.field}.figure' must name a series figure (with 'values'); "
                         f"{name} is a single value", "chart a figure with values by year")
        return None
    return value, name


def _printed(reads: Reads | None, key: str, text: str) -> str:
    """Note that a figure was printed as `text` (for the change report); return `text`."""
    if reads is not None:
        reads.print_as(key, text)
    return text
