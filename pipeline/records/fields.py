"""The record's fields, declared once: name, type, place, and what the pipeline does with each.

The validator (schema.py), the editors' JSON Schema (authoring/editorschema.py), the printed-field
analysis of layouts (layouts/loader.py), the workspace form (workspace/fields.py) and the
portion-mark walk (marking.py) all read this table, so a field added here is known to all of them.
The order of FIELDS is the record format's order: messages list the fields allowed at a place in it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..base.limits import MAX_TABLE_COLUMNS, MAX_TABLE_ROWS

if TYPE_CHECKING:
    from .model import Content

# What a field holds. Text is `line` (one line) or `prose` (paragraphs); a record's text may hold
# figure references ({{ name | number }}) wherever it is printed, a figure's own text may not.
TEXT = ("line", "prose")
LISTS = ("lines", "proses")  # lists of text, one entry a line or a paragraph
# A field of one of these types is a mapping (or a list of mappings) whose own fields are at this place.
INNER = {"sections": "section", "items": "item", "table": "table", "chart": "chart", "seal": "seal",
         "figures": "figure"}


@dataclass(frozen=True)
class Field:
    """One field of the record format."""

    name: str
    type: str  # line, prose, lines, proses, date, choice, switch, number, series, name, file, …, or INNER's
    place: str = "top"  # top, or a key of INNER's values: section, item, table, chart, seal, figure
    help: str = ""  # what it is for, shown by editors when the pointer rests on it
    choices: tuple[str, ...] = ()  # a choice's values, in the order messages list them
    required: bool = False  # at its place (a layout's `requires` adds top-level fields)
    content: bool = False  # a section's content: it prints in the order its key is written
    marked: bool = False  # opens with a portion mark on internal papers (each paragraph, each entry)
    internal: bool = False  # printed by internal papers only
    always: bool = False  # every layout takes it: it prints through other fields
    default: bool = False  # a layout may give it a default (layout.yaml `defaults:`)
    heading: bool = False  # a layout's fixed headings may name it, as {name}
    sheet: tuple[str, ...] | None = None  # the `sheet.<name>`s that print it (None: its own name)
    most: int | None = None  # a list's most entries

    @property
    def prints_as(self) -> tuple[str, ...]:
        """Return the names a layout template reads it by."""
        return (self.name,) if self.sheet is None else self.sheet

    @property
    def prose(self) -> bool:
        """Return whether it holds paragraphs (a text area in forms, the longer limit)."""
        return self.type in ("prose", "proses")


FIELDS = (
    Field("layout", "layout", always=True, required=True,
          help="The briefing layout: one of the folders under templates/ (see `factsheets layouts`)."),
    Field("id", "id", always=True,
          help="Output name (lowercase letters, digits, dashes); default: the file name without .yaml."),
    Field("title", "line", required=True, marked=True, help="The sheet's main title."),
    Field("subtitle", "line", marked=True, help="A line under the title."),
    Field("issuer", "line", default=True, help="Bureau, office or post line, e.g. Bureau of International "
                                               "Narcotics and Law Enforcement Affairs."),
    Field("doc_type", "line", default=True,
          help="The document-type label; the layout gives the default (e.g. Fact Sheet)."),
    Field("dateline", "line", default=True, help="e.g. Washington, DC."),
    Field("lead", "prose", marked=True, help="The opening paragraph(s); a blank line separates paragraphs."),
    Field("highlight", "prose", marked=True, help="A headline-figure sentence, set off as a callout."),
    Field("country", "line", heading=True,
          help="The country the sheet is about; fills {country} in the layout's fixed headings."),
    Field("classification", "line", internal=True, sheet=("classification", "classification_mark"),
          help="Internal papers only: the banner at the top and bottom of every page, e.g. UNCLASSIFIED."),
    Field("drafted", "line", internal=True,
          help="Internal papers only: the drafter, e.g. \"INL/AP: J. Doe, ext. 1234\"."),
    Field("date", "date", help="The issue date, YYYY-MM-DD; printed as March 11, 2003."),
    # `draft` is also read inside a tag (the watermark): a template using it anywhere prints `status`.
    Field("status", "choice", choices=("final", "draft"), sheet=("draft",),
          help="final (default) or draft: draft puts a DRAFT mark on every page."),
    Field("figures", "figures", always=True, sheet=(),
          help="Named figures that text, tables and charts refer to: {{ name | number }}."),
    Field("sections", "sections", help="The body, in order: each with an optional heading and its content."),
    Field("notes", "proses", marked=True, help="Notes printed at the end in smaller type (acronyms, sources)."),
    Field("sources", "switch", choices=("true", "false"),
          help="false leaves out the Sources note that lists the figures printed."),
    Field("cleared", "lines", internal=True,
          help="Internal papers only: one clearance a line, e.g. \"EAP/MLS: R. Roe (ok)\"."),
    Field("seal", "seal",
          help="A seal or flag picture you supply: {file: assets/seal.png, alt: what it shows}."),

    Field("heading", "line", "section"),
    Field("style", "choice", "section", choices=("run-in",)),
    Field("text", "prose", "section", content=True, marked=True),
    Field("bullets", "proses", "section", content=True, marked=True),
    Field("items", "items", "section", content=True),
    Field("table", "table", "section", content=True),
    Field("chart", "chart", "section", content=True),

    Field("term", "line", "item", required=True, marked=True),  # the term opens the paragraph
    Field("text", "prose", "item", required=True),

    Field("columns", "lines", "table", required=True, most=MAX_TABLE_COLUMNS),
    Field("rows", "rows", "table", required=True, most=MAX_TABLE_ROWS),
    Field("caption", "line", "table", marked=True),

    Field("figure", "name", "chart", required=True),
    Field("kind", "choice", "chart", choices=("bar", "line"), required=True),
    Field("title", "line", "chart", required=True, marked=True),
    Field("alt", "prose", "chart"),

    Field("file", "file", "seal", required=True),
    Field("alt", "line", "seal", required=True),

    # A figure's own text is printed as written (chart tables, {{ x.label }}): no references in it.
    Field("label", "line", "figure"),
    Field("unit", "line", "figure"),
    Field("source", "line", "figure"),
    Field("as_of", "date", "figure"),
    Field("value", "number", "figure"),
    Field("values", "series", "figure"),
)


# The table is fixed: its look-ups are answered once per process (a sheet made hundreds).
@functools.cache
def at(place: str) -> tuple[Field, ...]:
    """Return the fields of one place, in the format's order."""
    return tuple(f for f in FIELDS if f.place == place)


@functools.cache
def names(place: str, **where) -> tuple[str, ...]:
    """Return the names of a place's fields whose attributes have the given values (types: `type=(…)`)."""
    return tuple(f.name for f in at(place) if all(
        getattr(f, k) in v if isinstance(v, tuple) else getattr(f, k) == v for k, v in where.items()))


@functools.cache
def get(place: str, name: str) -> Field | None:
    """Return the field of that name at a place, None when there is none."""
    return next((f for f in at(place) if f.name == name), None)


def of_path(shape: str) -> Field | None:
    """Return the field a path without numbers names ('sections[].items[].term', 'notes[]'), if any."""
    steps = shape.replace("[]", "").split(".")
    if steps[0] == "figures":
        del steps[1:2]  # figures.<name>.value: the name is the figure's own
    place, found = "top", None
    for step in steps:
        found = get(place, step)
        if found is None:
            return None
        place = INNER.get(found.type, place)
    return found


def choices(place: str, name: str) -> tuple[str, ...]:
    """Return the values a choice field takes."""
    return get(place, name).choices


# Top-level fields by what the pipeline does with them.
TOP = names("top")
TEXTS = names("top", type=TEXT)  # one Text each on the Record
TEXT_LISTS = names("top", type=LISTS)  # a tuple of Texts each on the Record
ALWAYS = names("top", always=True)
INTERNAL = names("top", internal=True)
CONTENT_KINDS = names("section", content=True)
# The names a layout template reads as `sheet.<name>`: the fields of the renderer's SheetView
# (render/view.py, whose test holds the two equal), so layouts check a template without the renderer.
SHEET_FIELDS = tuple(name for f in at("top") for name in f.prints_as)
_BEHIND = {name: f.name for f in at("top") for name in f.prints_as}


def behind(sheet_field: str) -> str:
    """Return the record field a `sheet.<name>` prints."""
    return _BEHIND[sheet_field]


def text_field(owner, name: str):
    """Return a text field `owner` keeps in its `texts` by the table's name: None, or () for a list,
    when it has none (how a Record and the renderer's SheetView read `record.title`, `sheet.notes`)."""
    if name in TEXTS:
        return owner.texts.get(name)
    if name in TEXT_LISTS:
        return owner.texts.get(name, ())
    raise AttributeError(f"{type(owner).__name__!r} object has no attribute {name!r}")


def content_texts(content: Content):
    """Yield (field, Text) for every text of a section's content block, in the order it prints.

    The one walk over content kinds: what each holds is read from its place's fields, so the
    validator's totals, the portion-mark walk and the heading check agree on every kind.
    """
    field = get("section", content.kind)
    value = content.value
    if field.type in TEXT:
        yield field, value
    elif field.type in LISTS:
        yield from ((field, text) for text in value)
    elif field.type == "items":
        yield from ((f, getattr(item, f.name)) for item in value for f in at("item"))
    else:  # a table or chart: its text fields, a list of texts as its entries
        for inner in at(INNER[field.type]):
            yield from ((inner, text) for text in _texts_of(inner, getattr(value, inner.name)))


def _texts_of(field: Field, value):
    """Yield the Texts a mapping's field holds: none, one, a list's, or a table's rows' cells."""
    if value is None or field.type not in (*TEXT, *LISTS, "rows"):
        return
    if field.type in TEXT:
        yield value
    elif field.type in LISTS:
        yield from value
    else:
        yield from (cell for row in value for cell in row)
