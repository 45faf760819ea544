"""The editor's form: what a record holds, read from its YAML text, as inputs, repeatable lists and
pointers to the YAML tab.

The YAML text stays the one truth: the form is drawn from it each time, and each change in the form
is a text edit of the record (edits.py), so comments, key order and every other line stay as typed.
Whatever the form does not edit (a table, a chart, the layout) is shown as a pointer to its line in
the YAML tab, so nothing in a record is out of sight.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..records import fields as declared
from ..records.yamlload import Mapping, Node, Scalar, Sequence
from . import tableforms
from .edits import LISTS, SCALAR_FIELDS
from .nodes import Source, root_of, shape
from .words import layout_name

SHOWN = declared.TOP
STYLES = (("", "on a line of its own"), ("run-in", "run-in: bold, opening the first paragraph"))
SOURCES = (("", "the layout's choice"), ("true", "printed"), ("false", "not printed"))
STATUSES = (("", "(not set: final)"), ("draft", "draft"), ("final", "final"))
LABELS = {"notes": "Notes", "cleared": "Cleared by", "sections": "Sections", "bullets": "Bullets", "items": "Terms",
          "doc_type": "Document type"}


@dataclass
class Field:
    """One input of the form."""

    name: str  # the field path diagnostics use: 'title', 'sections[1].text', 'notes[0]'
    label: str
    value: str
    required: bool = False
    prose: bool = False  # several lines: a text area
    editable: bool = True  # False for a value written as a list or mapping: edit it in the YAML tab
    choices: tuple = ()  # (value, label) pairs: a choice
    kind: str = "field"


@dataclass
class Pointer:
    """Something in the record the form does not edit, and its line in the YAML tab."""

    name: str  # its field path: problems there are shown at it
    text: str
    line: int = 0
    kind: str = "pointer"


@dataclass
class Entry:
    """One entry of a repeatable list: a section, a bullet, a term with its text."""

    name: str  # 'sections[1].bullets[0]'
    title: str  # how buttons and confirmations name it: 'bullet 1', 'section 2 (“Goals:”)'
    parts: list = field(default_factory=list)  # Field, Pointer and Listing, in the record's order
    adds: list = field(default_factory=list)  # lists it may gain: (path, button label)
    first: bool = False
    last: bool = False


@dataclass
class Listing:
    """A list the form edits entry by entry."""

    name: str  # 'sections[1].bullets'
    label: str
    noun: str  # 'bullet': "Add a bullet"
    entries: list[Entry] = field(default_factory=list)
    owner: str = ""  # the section it belongs to, as buttons name it
    kind: str = "listing"


@dataclass
class FigureRow:
    """One of the record's own figures: its value and as-of inputs (None: not edited here)."""

    name: str
    value: Field | None
    as_of: Field | None
    line: int
    note: str = ""
    source: Field | None = None
    series: tableforms.SeriesPart | None = None  # its points, unless a chart shows them (`chart`)
    chart: int = 0
    bare: bool = False  # a bare number: a source or as-of typed makes it a mapping (tables.set_figure_part)


@dataclass
class Form:
    """Everything the form shows of a record."""

    top: list  # Field and Pointer
    sections: Listing | Pointer | None
    lists: list  # Listing (notes, cleared) and Pointer
    figures: list[FigureRow]


def form(text: str, prints: tuple[str, ...], requires: tuple[str, ...]) -> Form:
    """Return the form of a record for a layout that prints `prints` and requires `requires`.

    ValueError when the text does not parse (the YAML tab shows why).
    """
    root, src = root_of(text), Source(text)
    values = dict((k.value, v) for k, v in root.items)
    keys = dict((k.value, k) for k, _ in root.items)
    top = [_pointer(name, values[name], keys[name].loc.line) for name in ("layout", "id") if name in values]
    if "seal" in values or "seal" in prints:
        top.append(tableforms.seal(values.get("seal"), _make) or _pointer("seal", values["seal"], keys["seal"].loc.line))
    top += [_field(name, _label(name), values.get(name), name in requires or declared.get("top", name).required)
            for name in SCALAR_FIELDS if name in prints]
    if "figures" in values and not isinstance(values["figures"], Mapping):
        top.append(Pointer("figures", "The sheet’s own figures are not written as 'name: value' lines; change them "
                                      "in the YAML tab", keys["figures"].loc.line))
    if "sources" in prints or "sources" in values:
        top.append(_choice("sources", "Sources note", values.get("sources"), SOURCES))
    top += [Pointer(key.value, f"'{key.value}' is not a field this layout prints: fix or remove it in the "
                               f"YAML tab", key.loc.line)
            for key, _ in root.items if key.value not in SHOWN or (key.value in SCALAR_FIELDS + declared.TEXT_LISTS
                                                                 and key.value not in prints)]
    sections = _listing("sections", values.get("sections"), src, _section) \
        if "sections" in values or "sections" in prints else None
    lists = [_listing(name, values.get(name), src, _line_entry) for name in declared.TEXT_LISTS if name in prints]
    return Form(top, sections, lists, figures_table(root))


def figures_table(root: Mapping) -> list[FigureRow]:
    """Return the record's own figures as rows of value and as-of inputs."""
    found = dict((k.value, v) for k, v in root.items).get("figures")
    rows, charts = [], tableforms.charted(root)
    for key, node in found.items if isinstance(found, Mapping) else []:
        name = f"figures.{key.value}"
        if isinstance(node, Scalar):
            rows.append(FigureRow(key.value, Field(name, "Value", node.value), Field(f"{name}.as_of", "As of", ""),
                                  key.loc.line, source=Field(f"{name}.source", "Source", ""), bare=True))
        elif isinstance(node, Mapping):
            parts = dict((k.value, v) for k, v in node.items)
            value = _field(f"{name}.value", "Value", parts.get("value"), False) if "values" not in parts else None
            rows.append(FigureRow(key.value, value, _field(f"{name}.as_of", "As of", parts.get("as_of"), False),
                                  key.loc.line, "a series of values by year" if "values" in parts else "",
                                  _field(f"{name}.source", "Source", parts.get("source"), False),
                                  tableforms.series(key.value, root, _make) if key.value not in charts else None,
                                  charts.get(key.value, 0)))
        else:
            rows.append(FigureRow(key.value, None, None, key.loc.line, "not written as a figure"))
    return rows


def _label(name: str) -> str:
    return LABELS.get(name, name.replace("_", " ").capitalize())


def _pointer(name: str, node: Node, line: int) -> Pointer:
    """Return the pointer to a top-level field the form shows but does not edit."""
    value = node.value if isinstance(node, Scalar) else ""
    text = {"layout": f"Layout: {layout_name(str(value))}", "id": f"File name of the sheet: {value}",
            "seal": "A seal or flag picture"}[name]  # the layout by its human name, as the gallery says it
    return Pointer(name, f"{text}; change it in the YAML tab", line)


def _listing(name: str, node: Node | None, src: Source, entry) -> Listing | Pointer:
    """Return a list as its entries, or a pointer when it is not written as a list."""
    spec = LISTS[name.split(".")[0] if "." not in name else "sections[]." + name.rsplit(".", 1)[1]]
    if node is not None and not isinstance(node, Sequence):
        return Pointer(name, f"{_label(name.rsplit('.', 1)[-1])}: not written as a list of '- ' lines; change "
                             f"them in the YAML tab", node.loc.line)
    items = node.items if node is not None else []
    listing = Listing(name, _label(name.rsplit(".", 1)[-1]), spec.noun)
    for i, item in enumerate(items):
        made = entry(f"{name}[{i}]", item, src)
        made.first, made.last = i == 0, i == len(items) - 1
        listing.entries.append(made)
    return listing


def _section(name: str, node: Node, src: Source) -> Entry:
    """Return one section: heading, style, its text and lists in the record's order, pointers for the rest."""
    number = int(name[name.rindex("[") + 1:-1]) + 1
    if not isinstance(node, Mapping):
        return Entry(name, f"section {number}", [Pointer(name, "This section is not written as 'key: value' "
                                                               "lines; change it in the YAML tab", node.loc.line)])
    parts = dict((k.value, v) for k, v in node.items)
    heading = parts.get("heading")
    entry = Entry(name, f"section {number}" + (f" (“{heading.value}”)" if isinstance(heading, Scalar) else ""))
    entry.parts.append(_field(f"{name}.heading", "Heading", heading, False))
    if "heading" in parts or "style" in parts:
        entry.parts.append(_choice(f"{name}.style", "Heading style", parts.get("style"), STYLES))
    texts = [f.name for f in declared.at("section") if f.content and f.type in declared.TEXT]
    entry.parts += [_field(f"{name}.{kind}", _label(kind), None, False) for kind in texts if kind not in parts]
    for key, value in node.items:
        entry.parts.extend(_content(f"{name}.{key.value}", key, value, src, entry))
    entry.adds = [(f"{name}.{f.name}", f"Add {_label(f.name).lower()}") for f in declared.at("section")
                  if f.content and _listed(f) and f.name not in parts]
    return entry


def _listed(field: declared.Field) -> bool:
    """Return whether the form edits a field entry by entry (bullets, terms)."""
    return field.type in (*declared.LISTS, "items")


def _content(path: str, key: Scalar, value: Node, src: Source, entry: Entry) -> list:
    """Return the form of one key of a section, by what its field holds (records/fields.py)."""
    field = declared.get("section", key.value)
    if field is None:
        return [Pointer(path, f"'{key.value}' is not part of a section: fix or remove it in the YAML tab",
                        key.loc.line)]
    if not field.content:
        return []  # the heading and its style come first, above
    if field.type in declared.TEXT:
        return [_field(path, _label(key.value), value, False)]
    if _listed(field):
        listing = _listing(path, value, src, _item if field.type == "items" else _line_entry)
        listing.owner = entry.title if isinstance(listing, Listing) else ""
        return [listing]
    part = tableforms.table(path, value, src.text, _make) if key.value == "table" else \
        tableforms.chart(path, value, src.text, root_of(src.text), _make, _choice) if key.value == "chart" else None
    if part is not None:
        return [part]
    figure = dict((k.value, v.value) for k, v in value.items if isinstance(v, Scalar)).get("figure", "") \
        if isinstance(value, Mapping) else ""
    return [Pointer(path, f"This section has a {key.value}{' of ' + figure if figure else ''}: edit it in the "
                          f"YAML tab", key.loc.line)]


def _line_entry(name: str, node: Node, src: Source) -> Entry:
    """Return one bullet, note or clearance."""
    kind = name.rsplit("[", 1)[0]
    noun = LISTS["sections[].bullets" if ".bullets" in kind else kind].noun
    label, title = _titles(name, noun)
    if not isinstance(node, Scalar):
        return Entry(name, title, [Pointer(name, f"This {noun} is written as a list or mapping: change it in "
                                                 f"the YAML tab", node.loc.line)])
    return Entry(name, title, [_field(name, label, node, False)])


def _titles(name: str, noun: str) -> tuple[str, str]:
    """Return an entry's label ('Bullet 2') and how buttons name it ('bullet 2 of section 4')."""
    numbers = [int(n) + 1 for n in re.findall(r"\[([0-9]+)\]", name)]
    return f"{noun.capitalize()} {numbers[-1]}", f"{noun} {numbers[-1]}" + \
        (f" of section {numbers[0]}" if name.startswith("sections[") else "")


def _item(name: str, node: Node, src: Source) -> Entry:
    """Return one term with its text."""
    _, title = _titles(name, "term")
    if not isinstance(node, Mapping):
        return Entry(name, title, [Pointer(name, "This term is not written as 'term:' and 'text:' lines; change "
                                                 "it in the YAML tab", node.loc.line)])
    parts = dict((k.value, v) for k, v in node.items)
    entry = Entry(name, title, [_field(f"{name}.term", "Term", parts.get("term"), False),
                                _field(f"{name}.text", "Text", parts.get("text"), False)])
    entry.parts += [Pointer(f"{name}.{k.value}", f"'{k.value}' is not part of a term: fix or remove it in the "
                                                 f"YAML tab", k.loc.line)
                    for k, _ in node.items if k.value not in declared.names("item")]
    return entry


def _make(name: str, label: str, node) -> Field:
    """Return the input of one value of a table, chart, series or seal (tableforms.py)."""
    return _field(name, label, node, False)


def _choice(name: str, label: str, node: Node | None, choices: tuple) -> Field:
    """Return a choice among a few words ('' removes the line)."""
    found = _field(name, label, node, False)
    if found.editable and found.value not in [v for v, _ in choices]:
        choices = (*choices, (found.value, found.value))  # what is written stays shown (check says why)
    found.choices, found.prose = choices, False
    return found


def _field(name: str, label: str, node, required: bool) -> Field:
    """Return the form input of one value (absent: empty)."""
    field = declared.of_path(shape(name))
    prose = field is not None and field.prose
    if name == "status":
        return _status(node, required)
    if node is None:
        return Field(name, label, "", required, prose)
    if not isinstance(node, Scalar):
        return Field(name, label, "", required, prose, editable=False)
    return Field(name, label, node.value.rstrip("\n") if node.style in ("|", ">") else node.value, required,
                 prose or "\n" in node.value)


def _status(node, required: bool) -> Field:
    """Return the draft or final choice."""
    value = node.value if isinstance(node, Scalar) else ""
    choices = STATUSES if value in ("", "draft", "final") else (*STATUSES, (value, value))
    return Field("status", "Status", value, required, editable=node is None or isinstance(node, Scalar),
                 choices=choices)


def first_input(entry: str) -> str:
    """Return what follows an entry's path in the id of its first input ('.heading' for a section)."""
    return {"sections[]": ".heading", "sections[].items[]": ".term"}.get(shape(entry), "")
