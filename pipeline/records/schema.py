"""Record validation: located YAML nodes in, a Record out, every error reported at once."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from pathlib import Path

from ..base.errors import Collector, Location, did_you_mean, escaped_name, shown
from ..base.limits import (
    MAX_CELL_CHARS,
    MAX_LINE_CHARS,
    MAX_RECORD_CHARS,
    MAX_TEXT_CHARS,
)
from . import charset, marking, slips
from . import fields as declared
from .model import ChartSpec, Content, Figure, Item, Record, SealSpec, Section, TableSpec, Text
from .yamlload import Mapping, Node, Scalar, Sequence

ALWAYS = declared.ALWAYS  # fields of every layout: they print through other fields

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}\Z")
NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}\Z")
INT_RE = re.compile(r"^[-+]?(0|[1-9][0-9]*)\Z")
FLOAT_RE = re.compile(r"^[-+]?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)([eE][-+]?[0-9]+)?\Z")
SHARED_RE = re.compile(r"^data\.[a-z][a-z0-9_]*\.[A-Za-z][A-Za-z0-9_]*\Z")  # data.<file>.<figure>
DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
PLACEHOLDER_RE = re.compile(r"^<<[^\n]*>>\Z")  # a value `factsheets new` left to be filled in
NULLS = {"", "~", "null", "Null", "NULL"}
MAX_DIGITS = 15  # beyond this a float cannot hold the figure exactly
# Names a figure may not take: the shared-data root and Jinja's own words.
RESERVED = {"data", "true", "false", "none", "True", "False", "None", "and", "or", "not", "in",
            "is", "if", "else", "loop", "self", "range", "dict", "lipsum", "cycler", "joiner",
            "namespace"}

# Windows device names: a file called con.pdf cannot be created or copied there.
RESERVED_IDS = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                *(f"lpt{i}" for i in range(1, 10))}

# The fields at each place, read from the one table of them (fields.py);
# the names stay here for the code that reads them by place.
TOP_FIELDS = declared.TOP
TEXT_FIELDS = declared.TEXTS
INTERNAL_FIELDS = declared.INTERNAL  # printed by internal papers only
FIGURE_FIELDS = declared.names("figure")
FIGURE_META = declared.names("figure", type=("line", "date"))
SECTION_FIELDS = declared.names("section")
CONTENT_KINDS = declared.CONTENT_KINDS
LIST_FIELDS = declared.TEXT_LISTS
ITEM_FIELDS = declared.names("item")
TABLE_FIELDS = declared.names("table")
CHART_FIELDS = declared.names("chart")
CHART_REQUIRED = declared.names("chart", required=True)
CHART_KINDS = declared.choices("chart", "kind")
SEAL_FIELDS = declared.names("seal")


def validate(root: Node, file: Path, path: str, layouts, ceiling: str = marking.CEILING) -> Record:
    """Return the Record for a parsed file; RecordError listing every problem.

    `ceiling` is the highest level (marking.LEVELS) a banner or portion mark may state.
    """
    c = Collector()
    if not isinstance(root, Mapping):
        c.error(root.loc, f"a record must be a mapping of fields, found {_kind(root)}",
                "start the file with 'layout: <name>' and one field per line")
        c.raise_if_any()
    fields = _fields(root, TOP_FIELDS, "", c)
    layout = _layout(fields.get("layout"), root.loc, layouts, c)
    if layout:
        for name in layouts[layout].requires:
            if name not in fields:
                c.error(Location(path), f"layout '{layout}' needs the field '{name}'",
                        f"add '{name}:' to the record")
        _check_printed(root, layout, layouts, c)
    record = _record(fields, file, path, layout, c)
    if record is not None:
        _check_total(record, c)
        marking.check(record, layouts[layout].classified, c, ceiling)
        if layouts[layout].headings:
            marking.check_headings(record, layouts[layout].headings, c)
    c.raise_if_any()
    found = slips.warnings(_texts(record), record.figures or {})
    return dataclasses.replace(record, warnings=tuple(sorted(found, key=lambda d: d.location)))


def _check_printed(root: Mapping, layout: str, layouts, c: Collector) -> None:
    """Refuse a field the record's layout does not print: it would be dropped without a word."""
    for key, _ in root.items:
        if key.value not in TOP_FIELDS or key.value in ALWAYS or key.value in layouts[layout].prints:
            continue
        others = [name for name, other in sorted(layouts.items()) if key.value in other.prints]
        if key.value in INTERNAL_FIELDS and not layouts[layout].classified:
            c.error(key.loc, f"'{key.value}' belongs on internal papers; layout '{layout}' is a public fact "
                             "sheet, which never carries a classification, portion marks or clearances",
                    f"remove the line, or use an internal layout: {', '.join(others) or 'none'}")
            continue
        c.error(key.loc, f"layout '{layout}' does not print '{key.value}', so it would not appear on the sheet",
                f"remove the line, or use a layout that prints it: {', '.join(others)}" if others
                else "remove the line; no layout prints it")


def _record(fields: dict, file: Path, path: str, layout: str | None, c: Collector) -> Record | None:
    """Convert the top-level fields; None when any is wrong (errors are in `c`)."""
    if "title" not in fields:
        c.error(Location(path), "the field 'title' is missing", "add 'title: <the sheet title>'")
    figures = _figures(fields["figures"], c, "figures.") if "figures" in fields else {}
    id_node = fields.get("id")
    record_id = _record_id(id_node, file, path, c)
    values = {name: _value(declared.get("top", name), node, name, figures, c)
              for name, node in fields.items() if name not in ALWAYS}
    if c.diagnostics or layout is None:
        return None
    if "sources" in values:  # a Sources note: None follows the layout
        values["sources"] = values["sources"] == "true"
    texts = {name: values.pop(name) for name in (*TEXT_FIELDS, *LIST_FIELDS) if name in values}
    return Record(file=file, path=path, id=record_id, layout=layout, figures=figures, texts=texts,
                  id_loc=id_node.loc if id_node else Location(path), layout_loc=fields["layout"].loc, **values)


def _value(field: declared.Field, node: Node, path: str, figures: dict, c: Collector):
    """Return a field's value by the type the table gives it; None (or nothing) when it is wrong.

    The one dispatch of the validator over what fields hold, top-level fields and section content alike.
    """
    kind = field.type
    if kind in declared.TEXT:
        return _text(node, path, c, limit=MAX_LINE_CHARS if kind == "line" else MAX_TEXT_CHARS)
    if kind in declared.LISTS:
        limit = MAX_LINE_CHARS if kind == "lines" else MAX_TEXT_CHARS
        return tuple(_list(node, path, c, lambda n, f: _text(n, f, c, limit=limit)))
    if kind in ("choice", "switch"):
        return _choice(node, path, field.choices, c)
    if kind == "date":
        return _date(node, path, c)
    if kind == "sections":
        return tuple(_list(node, path, c, lambda n, f: _section(n, f, figures, c)))
    if kind == "items":
        return tuple(_list(node, path, c, lambda n, f: _item(n, f, c)))
    if kind == "table":
        return _table(node, path, c)
    if kind == "chart":
        return _chart(node, path, figures, c)
    if kind == "seal":
        return _seal(node, c)
    raise KeyError(f"the validator reads no field of type {kind!r} ({field.place} field {field.name!r})")


def _fields(node: Mapping, allowed, where: str, c: Collector) -> dict[str, Node]:
    """Return a mapping's fields by name, reporting unknown ones with a suggestion."""
    found = {}
    for key, value in node.items:
        if key.value not in allowed:
            c.error(key.loc, f"unknown field {shown(key.value)}{where}{did_you_mean(key.value, allowed)}",
                    f"allowed here: {', '.join(allowed)}")
            continue
        found[key.value] = value
    return found


def _kind(node: Node) -> str:
    """Return how a message names what a node is."""
    if isinstance(node, Mapping):
        return "a mapping (key: value lines)"
    if isinstance(node, Sequence):
        return "a list"
    return "nothing" if node.plain and node.value in NULLS else shown(node.value)


def _scalar(node: Node, field: str, expected: str, c: Collector) -> Scalar | None:
    """Return the node if it is a non-empty scalar, else report what was expected."""
    if isinstance(node, Scalar) and PLACEHOLDER_RE.match(node.value.strip()):
        c.error(node.locate("<<"), f"'{field}' still holds the placeholder {shown(node.value.strip())}",
                f"replace it with {expected}: {node.value.strip()[2:-2]}")
        return None
    if isinstance(node, Scalar) and not (node.plain and node.value in NULLS):
        return node
    colon = slips.colon_item(node) if expected == "text" else None
    if colon is not None:
        c.error(node.loc, f"in '{field}': {colon[0]}", colon[1])
        return None
    c.error(node.loc, f"'{field}' must be {expected}, found {_kind(node)}",
            f"write {expected} after '{field.rsplit('.', 1)[-1]}:', or remove the line")
    return None


def _text(node: Node, field: str, c: Collector, allow_empty: bool = False,
          limit: int = MAX_TEXT_CHARS) -> Text | None:
    """Return a text field, refusing text too long and characters that cannot be stored or printed."""
    scalar = _scalar(node, field, "text", c)
    if scalar is None:
        return None
    comment = slips.comment_after(scalar)
    if comment is not None:
        c.error(comment.location, f"in '{field}': {comment.message}", comment.hint)
        return None
    value = scalar.value.strip(" \t\n")
    if not value and not allow_empty:
        c.error(scalar.loc, f"'{field}' is empty", "write the text, or remove the line")
        return None
    if len(value) > limit:
        c.error(scalar.loc, f"'{field}' is {len(value):,} characters long; it may hold at most {limit:,}",
                "shorten it, or split it into several paragraphs, bullets or rows" if limit > MAX_LINE_CHARS
                else "shorten it; this field is printed as one line")
        return None
    problem = charset.refused(value)
    if problem:
        needle, message, hint = problem
        c.error(scalar.locate(needle), f"'{field}' {message}", hint)
        return None
    return Text(value, scalar, field)


def _choice(node: Node, field: str, choices, c: Collector) -> str | None:
    """Return a value that must be one of `choices`."""
    scalar = _scalar(node, field, f"one of {', '.join(choices)}", c)
    if scalar is None:
        return None
    if scalar.value not in choices:
        c.error(scalar.loc, f"'{field}' must be one of {', '.join(choices)}, found "
                            f"{shown(scalar.value)}{did_you_mean(scalar.value, choices)}")
        return None
    return scalar.value


def _layout(node: Node | None, loc: Location, layouts, c: Collector) -> str | None:
    """Return the layout name if it is one of the known layouts."""
    if node is None:
        c.error(loc, "the field 'layout' is missing", f"add 'layout: <name>'; layouts: {', '.join(sorted(layouts))}")
        return None
    scalar = _scalar(node, "layout", "a layout name", c)
    if scalar and scalar.value not in layouts:
        c.error(scalar.loc, f"unknown layout {shown(scalar.value)}{did_you_mean(scalar.value, layouts)}",
                f"layouts: {', '.join(sorted(layouts))} (see 'factsheets layouts')")
        return None
    return scalar.value if scalar else None


def _record_id(node: Node | None, file: Path, path: str, c: Collector) -> str | None:
    """Return the record id: the 'id' field or the file name without '.yaml'."""
    if node is None:
        if ID_RE.match(file.stem) and file.stem not in RESERVED_IDS:
            return file.stem
        why = " (Windows reserves it for a device)" if file.stem in RESERVED_IDS else ""
        c.error(Location(path), f"the file name {shown(escaped_name(file.stem))} cannot be an output name{why}",
                "add 'id: <name>' with lowercase letters, digits and dashes, or rename the file")
        return None
    scalar = _scalar(node, "id", "an output name", c)
    if scalar and not ID_RE.match(scalar.value):
        c.error(scalar.loc, f"'id' must be lowercase letters, digits and dashes (at most 80), "
                            f"found {shown(scalar.value)}", "for example: id: laos-inl")
        return None
    if scalar and scalar.value in RESERVED_IDS:
        c.error(scalar.loc, f"'id' {shown(scalar.value)} is a device name that Windows reserves; "
                            f"no file can be called {scalar.value}.pdf there",
                f"choose another name, for example: id: {scalar.value}-sheet")
        return None
    return scalar.value if scalar else None


def _date(node: Node, field: str, c: Collector) -> dt.date | None:
    """Return an ISO date YYYY-MM-DD."""
    scalar = _scalar(node, field, "a date (YYYY-MM-DD)", c)
    if scalar is None:
        return None
    if not DATE_RE.match(scalar.value):
        c.error(scalar.loc, f"'{field}' must be a date written YYYY-MM-DD, found {shown(scalar.value)}",
                "for example: 2003-03-11")
        return None
    try:
        return dt.date.fromisoformat(scalar.value)
    except ValueError as exc:
        c.error(scalar.loc, f"'{field}' is not a real date: '{scalar.value}' ({exc})")
        return None


def _number(node: Node, field: str, c: Collector):
    """Return a finite int or float written as a plain YAML number."""
    scalar = _scalar(node, field, "a number", c)
    if scalar is None:
        return None
    text = scalar.value
    hint = None
    bare = _bare_number(text)
    if not scalar.plain:
        hint = "remove the quotes: figures are numbers"
    elif bare is not None and bare != text.replace(",", ""):
        hint = (f"write the bare number: {bare}; the sheet adds the $ or % where it prints the figure "
                "({{ name | money }}, {{ name | percent }})")
    elif "," in text and bare is not None:
        hint = f"write it without thousands separators: {bare}"
    elif re.match(r"^[-+]?0[0-9]", text):
        hint = f"write it without the leading zero: {text.lstrip('+-0') or '0'}"
    elif INT_RE.match(text) or FLOAT_RE.match(text):
        digits = sum(ch.isdigit() for ch in text.split("e")[0].split("E")[0])
        if digits > MAX_DIGITS:
            c.error(scalar.loc, f"'{field}' has {digits} digits; figures hold at most {MAX_DIGITS}")
            return None
        value = int(text) if INT_RE.match(text) else float(text)
        if math.isfinite(value) and abs(value) >= 10**MAX_DIGITS:  # 1e300 has one digit, but prints 301
            c.error(scalar.loc, f"'{field}' is {shown(text)}: figures stay below 10^{MAX_DIGITS} "
                                f"(a {MAX_DIGITS}-digit number)")
            return None
        if math.isfinite(value):
            return value
    c.error(scalar.loc, f"'{field}' must be a number, found {shown(text)}", hint or "for example: 5700 or 12.5")
    return None


def _bare_number(text: str) -> str | None:
    """Return a number written with a currency sign, percent sign or separators as a bare YAML number
    ('$12,500,000' → '12500000'), or None when what is left is not a number either."""
    bare = re.sub(r"[$€£%,\s]|US\$|USD", "", text)
    return bare if (INT_RE.match(bare) or FLOAT_RE.match(bare)) and not re.match(r"^-?0[0-9]", bare) else None


def _list(node: Node | None, field: str, c: Collector, convert) -> list:
    """Return the converted items of a list field (missing field: empty list)."""
    if node is None:
        return []
    if not isinstance(node, Sequence):
        c.error(node.loc, f"'{field}' must be a list ('- ' items), found {_kind(node)}",
                "start each item on its own line with '- '")
        return []
    if not node.items:
        c.error(node.loc, f"'{field}' is an empty list", "add items or remove the field")
    items = [convert(item, f"{field}[{i}]") for i, item in enumerate(node.items)]
    return [item for item in items if item is not None]


def _mapping(node: Node, field: str, allowed, c: Collector) -> dict[str, Node] | None:
    """Return the fields of a node that must be a mapping."""
    if not isinstance(node, Mapping):
        c.error(node.loc, f"'{field}' must be a mapping (key: value lines), found {_kind(node)}")
        return None
    return _fields(node, allowed, f" in '{field}'", c)


def figures(node: Mapping, c: Collector) -> dict[str, Figure]:
    """Return the figures of a shared-data file (a mapping like a record's 'figures')."""
    return _figures(node, c, "")


def _figures(node: Node, c: Collector, prefix: str) -> dict[str, Figure]:
    """Return the named figures; `prefix` starts each figure's field name in messages."""
    if not isinstance(node, Mapping):
        c.error(node.loc, f"'figures' must be a mapping of names to numbers, found {_kind(node)}")
        return {}
    figures = {}
    for key, value in node.items:
        if not NAME_RE.match(key.value) or key.value in RESERVED:
            c.error(key.loc, f"{shown(key.value)} cannot name a figure",
                    "use a letter, then letters, digits or '_' (not 'data' or a Jinja word)")
            continue
        figure = _figure(key.value, key.loc, value, c, prefix)
        if figure:
            figures[key.value] = figure
    return figures


def _figure(name: str, loc: Location, node: Node, c: Collector, prefix: str) -> Figure | None:
    """Return one figure: a bare number or a mapping with 'value' or 'values'."""
    field = f"{prefix}{name}"
    if isinstance(node, Scalar):
        value = _number(node, field, c)
        return None if value is None else Figure(name, loc, value=value)
    fields = _mapping(node, field, FIGURE_FIELDS, c)
    if fields is None:
        return None
    if ("value" in fields) == ("values" in fields):
        c.error(loc, f"figure '{name}' needs exactly one of 'value' (one number) or 'values' "
                     f"(year: number)")
        return None
    # Labels, units and sources are printed (chart tables, {{ x.label }}): they are text like any other.
    meta = {k: _text(fields[k], f"{field}.{k}", c, limit=MAX_LINE_CHARS)
            for k in declared.names("figure", type="line") if k in fields}
    return Figure(name, loc,
                  value=_number(fields["value"], f"{field}.value", c) if "value" in fields else None,
                  values=_series(fields["values"], f"{field}.values", c) if "values" in fields else None,
                  as_of=_date(fields["as_of"], f"{field}.as_of", c) if "as_of" in fields else None,
                  **{k: v.source for k, v in meta.items() if v})


def _series(node: Node, field: str, c: Collector) -> dict[int, float]:
    """Return a year → number series."""
    if not isinstance(node, Mapping) or not node.items:
        c.error(node.loc, f"'{field}' must map years to numbers, e.g. {{2007: 1500, 2018: 5700}}")
        return {}
    series = {}
    for key, value in node.items:
        if not re.match(r"^[12][0-9]{3}\Z", key.value):
            c.error(key.loc, f"'{field}' keys must be years like 2018, found {shown(key.value)}")
            continue
        number = _number(value, f"{field}.{key.value}", c)
        if number is not None:
            series[int(key.value)] = number
    return series


def _section(node: Node, field: str, figures: dict, c: Collector) -> Section | None:
    """Return one body section."""
    fields = _mapping(node, field, SECTION_FIELDS, c)
    if fields is None:
        return None
    heading, style = (_value(declared.get("section", k), fields[k], f"{field}.{k}", figures, c) if k in fields
                      else None for k in ("heading", "style"))
    if style == "run-in" and heading is None:
        c.error(node.loc, f"'{field}' has style run-in but no heading", "add 'heading: <label>'")
    content = [_content(kind, fields[kind], f"{field}.{kind}", figures, c)
               for kind in fields if kind in CONTENT_KINDS]
    if not content and len(fields) == len(node.items):  # a misspelt key was reported already
        c.error(node.loc, f"'{field}' has no content", f"add one of: {', '.join(CONTENT_KINDS)}")
    return Section(heading, style, tuple(x for x in content if x is not None))


def _content(kind: str, node: Node, field: str, figures: dict, c: Collector) -> Content | None:
    """Return one content block of a section."""
    value = _value(declared.get("section", kind), node, field, figures, c)
    return None if value is None else Content(kind, value)


def _item(node: Node, field: str, c: Collector) -> Item | None:
    """Return a run-in item {term, text}."""
    fields = _mapping(node, field, ITEM_FIELDS, c)
    if fields is None:
        return None
    for key in ITEM_FIELDS:
        if key not in fields:
            c.error(node.loc, f"'{field}' needs '{key}'", "items are written '- term: …' and 'text: …'")
    if len(fields) < 2:
        return None
    term = _text(fields["term"], f"{field}.term", c, limit=MAX_LINE_CHARS)
    text = _text(fields["text"], f"{field}.text", c)
    return Item(term, text) if term and text else None


def _table(node: Node, field: str, c: Collector) -> TableSpec | None:
    """Return a table whose rows all have as many cells as it has columns."""
    fields = _mapping(node, field, TABLE_FIELDS, c)
    if fields is None:
        return None
    if "columns" not in fields or "rows" not in fields:
        c.error(node.loc, f"'{field}' needs 'columns' and 'rows'")
        return None
    if not _table_fits(fields, field, c):
        return None
    columns = _list(fields["columns"], f"{field}.columns", c, lambda n, f: _text(n, f, c, limit=MAX_LINE_CHARS))
    # A row is measured against the columns written, so a heading with a problem of its own (a
    # placeholder) is reported once, not again as a missing cell in every row.
    width = len(fields["columns"].items) if isinstance(fields["columns"], Sequence) else len(columns)
    rows = _list(fields["rows"], f"{field}.rows", c, lambda n, f: _row(n, f, width, c))
    caption = _text(fields["caption"], f"{field}.caption", c, limit=MAX_LINE_CHARS) if "caption" in fields else None
    return TableSpec(tuple(columns), tuple(rows), caption)


def _table_fits(fields: dict[str, Node], field: str, c: Collector) -> bool:
    """Return False, with an error, for a table with more rows or columns than a sheet can hold."""
    fits = True
    for key, hint in (("columns", "split the table, or turn columns into rows"),
                      ("rows", "split the table, or publish the data separately")):
        node, most = fields[key], declared.get("table", key).most
        if isinstance(node, Sequence) and len(node.items) > most:
            c.error(node.loc, f"'{field}.{key}' has {len(node.items):,} {key}; a table holds at most {most:,}", hint)
            fits = False
    return fits


def _row(node: Node, field: str, width: int, c: Collector) -> tuple | None:
    """Return one table row of `width` cells."""
    cells = _list(node, field, c, lambda n, f: _text(n, f, c, allow_empty=True, limit=MAX_CELL_CHARS))
    if isinstance(node, Sequence) and len(node.items) != width:
        c.error(node.loc, f"'{field}' has {len(node.items)} cell{'s' if len(node.items) != 1 else ''}; "
                          f"the table has {width} columns",
                "give every row one cell per column (use \"\" for an empty cell)")
        return None
    return tuple(cells)


def _chart(node: Node, field: str, figures: dict, c: Collector) -> ChartSpec | None:
    """Return a chart of a series figure."""
    fields = _mapping(node, field, CHART_FIELDS, c)
    if fields is None:
        return None
    missing = [k for k in CHART_REQUIRED if k not in fields]
    if missing:
        c.error(node.loc, f"'{field}' needs {', '.join(repr(k) for k in missing)}")
        return None
    name = _scalar(fields["figure"], f"{field}.figure", "a figure name", c)
    kind = _choice(fields["kind"], f"{field}.kind", CHART_KINDS, c)
    title = _text(fields["title"], f"{field}.title", c, limit=MAX_LINE_CHARS)
    alt = _text(fields["alt"], f"{field}.alt", c) if "alt" in fields else None
    if name and SHARED_RE.match(name.value):
        pass  # a shared figure: read, and checked to be a series, when the sheet is rendered
    elif name and (name.value not in figures or figures[name.value].values is None):
        # Only another series may be suggested: suggesting a single value, or the very name refused, misleads.
        series = [n for n, f in figures.items() if f.values is not None and n != name.value]
        single = " (a single value)" if name.value in figures else ""
        c.error(name.loc, f"'{field}.figure' must name a series figure (with 'values'), found "
                          f"{shown(name.value)}{single}{did_you_mean(name.value, series)}")
        return None
    if not (name and kind and title):
        return None
    return ChartSpec(name.value, kind, title, alt, node.loc, field, name)


def _seal(node: Node, c: Collector) -> SealSpec | None:
    """Return the seal a record supplies: its file and the alt text readers hear in its place."""
    fields = _mapping(node, "seal", SEAL_FIELDS, c)
    if fields is None:
        return None
    if "file" not in fields:
        c.error(node.loc, "'seal' needs 'file': the picture, e.g. file: assets/seal.png",
                "put the picture in the project's assets/ folder and name it here")
    if "alt" not in fields:
        c.error(node.loc, "'seal' needs 'alt': what the picture shows, read aloud to readers who cannot see it",
                "add e.g. alt: Seal of the United States Embassy in Vientiane")
    file = _scalar(fields["file"], "seal.file", "a file name", c) if "file" in fields else None
    alt = _text(fields["alt"], "seal.alt", c, limit=MAX_LINE_CHARS) if "alt" in fields else None
    return SealSpec(file, alt) if file and alt else None


def _check_total(record: Record, c: Collector) -> None:
    """Refuse a record whose text, all fields together, is longer than a sheet can be."""
    total = 0
    for text in _texts(record):
        total += len(text.source)
        if total > MAX_RECORD_CHARS:
            c.error(text.node.loc, f"the record holds more than {MAX_RECORD_CHARS:,} characters of text "
                                   f"(the limit is passed in '{text.field}')",
                    "split it into several records; a fact sheet is a few pages")
            return


def _texts(record: Record):
    """Yield every Text of a record, in the order the sheet prints them."""
    for name in TEXT_FIELDS:
        if getattr(record, name) is not None:
            yield getattr(record, name)
    if record.seal is not None:
        yield record.seal.alt
    for section in record.sections:
        yield from filter(None, (section.heading,))
        for content in section.content:
            yield from (text for _, text in declared.content_texts(content))
    for name in LIST_FIELDS:
        yield from getattr(record, name)
