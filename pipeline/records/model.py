"""The validated fact record: what the schema returns and the renderer reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..base.errors import Location
from .yamlload import Scalar

# The names a layout template reads as `sheet.<name>`: the fields of the renderer's SheetView
# (pipeline/view.py, whose test holds the two equal), listed here so layouts can check a template
# without importing the renderer, which is a later stage.
SHEET_FIELDS = ("id", "layout", "title", "subtitle", "issuer", "doc_type", "date", "dateline", "lead",
                "highlight", "draft", "sections", "notes", "sources", "seal", "country", "classification",
                "classification_mark", "drafted", "cleared")

Number = int | float


@dataclass(frozen=True)
class Text:
    """Record text before figures are filled in, with the node it came from."""

    source: str
    node: Scalar
    field: str  # e.g. "sections[2].bullets[0]", for messages


@dataclass(frozen=True)
class Figure:
    """A named figure: one value or a year series, with optional metadata."""

    name: str
    loc: Location
    value: Number | None = None
    values: dict[int, Number] | None = None
    label: str | None = None
    unit: str | None = None
    source: str | None = None
    as_of: dt.date | None = None


@dataclass(frozen=True)
class Item:
    """A run-in item: bold term, then text."""

    term: Text
    text: Text


@dataclass(frozen=True)
class TableSpec:
    """A table as written: header cells, rows of cells, optional caption."""

    columns: tuple[Text, ...]
    rows: tuple[tuple[Text, ...], ...]
    caption: Text | None


@dataclass(frozen=True)
class ChartSpec:
    """A chart of one series figure."""

    figure: str  # a record figure, or a shared one: data.<file>.<figure>
    kind: str
    title: Text
    alt: Text | None
    loc: Location
    field: str = "chart"  # e.g. "sections[1].chart", for messages
    figure_node: Scalar | None = None  # where the figure is named


@dataclass(frozen=True)
class SealSpec:
    """A seal or flag picture the record supplies: a file under assets/ or templates/, and its alt text."""

    file: Scalar
    alt: Text


@dataclass(frozen=True)
class Content:
    """One content key of a section: kind is text, bullets, items, table or chart."""

    kind: str
    value: object


@dataclass(frozen=True)
class Section:
    """A body section: optional heading and style, content in file order."""

    heading: Text | None
    style: str | None
    content: tuple[Content, ...]


@dataclass(frozen=True)
class Record:
    """One validated fact record."""

    file: Path
    path: str  # as messages name it
    id: str
    layout: str
    title: Text
    subtitle: Text | None = None
    issuer: Text | None = None
    doc_type: Text | None = None
    date: dt.date | None = None
    dateline: Text | None = None
    lead: Text | None = None
    highlight: Text | None = None
    status: str = "final"
    figures: dict[str, Figure] | None = None
    sections: tuple[Section, ...] = ()
    notes: tuple[Text, ...] = ()
    sources: bool | None = None  # a Sources note: None follows the layout
    seal: SealSpec | None = None  # opt-in: None follows the layout's defaults (none unless it names one)
    country: Text | None = None  # fills {country} in a layout's fixed headings
    classification: Text | None = None  # an internal paper's banner, e.g. CONFIDENTIAL//NOFORN
    drafted: Text | None = None  # "INL/AP: J. Doe, ext. 1234"
    cleared: tuple[Text, ...] = ()  # one clearance a line: "EAP/MLS: R. Roe (ok)"
    id_loc: Location | None = None
    layout_loc: Location | None = None  # the `layout:` line, where problems of the layout's sheet are reported
    warnings: tuple = ()  # Diagnostics: likely slips that still build (see slips.py)
