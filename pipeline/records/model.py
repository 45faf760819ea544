"""The validated fact record: what the schema returns and the renderer reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..base.errors import Location
from . import fields
from .yamlload import Scalar

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
    """One validated fact record.

    Its text fields (title, lead, drafted, notes, …: the fields of fields.py that hold a line, prose,
    or a list of them) are kept in `texts` by name and read as attributes, `record.title`: None,
    or () for a list, when the record does not write them. A field added to the table is here too.
    """

    file: Path
    path: str  # as messages name it
    id: str
    layout: str
    texts: dict[str, Text | tuple[Text, ...]] = field(default_factory=dict)
    date: dt.date | None = None
    status: str = "final"
    figures: dict[str, Figure] | None = None
    sections: tuple[Section, ...] = ()
    sources: bool | None = None  # a Sources note: None follows the layout
    seal: SealSpec | None = None  # opt-in: None follows the layout's defaults (none unless it names one)
    id_loc: Location | None = None
    layout_loc: Location | None = None  # the `layout:` line, where problems of the layout's sheet are reported
    warnings: tuple = ()  # Diagnostics: likely slips that still build (see slips.py)

    def __getattr__(self, name: str):
        return fields.text_field(self, name)
