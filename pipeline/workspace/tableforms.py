"""What the form shows of a table, a chart, a series of the sheet's own figures and the seal: inputs
for every value, read from the record's YAML nodes (fields.py asks for them; form_tables.html draws
them). What is written in a way the form cannot change stays a pointer to the Advanced view."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..records.yamlload import Mapping, Node, Scalar, Sequence
from .nodes import child
from .tablewords import number


@dataclass
class TablePart:
    """A table: its caption, its columns' headings and its rows of cells, each an input."""

    name: str  # 'sections[4].table'
    number: int  # Table 1, 2, … over the whole sheet
    caption: object  # fields.Field
    columns: list = field(default_factory=list)  # fields.Field, one a column heading
    rows: list = field(default_factory=list)  # a list of fields.Field per row
    kind: str = "table"


@dataclass
class Point:
    """One point of a series: its year (the label under it) and its value."""

    year: object
    value: object


@dataclass
class SeriesPart:
    """A series of the sheet's own figures, point by point."""

    name: str  # 'figures.opium_ha'
    label: str  # how the form names it
    points: list[Point] = field(default_factory=list)
    kind: str = "series"


@dataclass
class ChartPart:
    """A chart: its title, kind and description, and the series it draws (editable when the sheet's own)."""

    name: str  # 'sections[1].chart'
    number: int
    title: object
    chart_kind: object
    alt: object
    figure: str  # the figure it draws, by its name's words
    figure_name: str = ""  # as written: 'opium_ha', 'data.unodc.laos_opium_ha'
    series: SeriesPart | None = None  # the sheet's own series, edited here
    shared: bool = False  # a shared figure: its points are changed on the Figures page
    kind: str = "chart"


@dataclass
class SealPart:
    """The seal or flag picture: the file it names and its description (alt text)."""

    file: str
    alt: object | None  # fields.Field; None while there is no seal
    name: str = "seal"
    kind: str = "seal"


def table(name: str, node: Node, text: str, make) -> TablePart | None:
    """Return a table's inputs, or None when it is not written as columns and rows of single values.

    `make(path, label, node)` returns a fields.Field.
    """
    columns, rows = child(node, "columns"), child(node, "rows")
    if not isinstance(node, Mapping) or not isinstance(columns, Sequence) or not isinstance(rows, Sequence) \
            or not all(isinstance(r, Sequence) for r in rows.items) \
            or any(not isinstance(c, Scalar) for c in columns.items) \
            or any(not isinstance(c, Scalar) for r in rows.items for c in r.items):
        return None
    section = int(name.split("[", 1)[1].split("]", 1)[0])
    heads = [c.value or f"column {j + 1}" for j, c in enumerate(columns.items)]
    part = TablePart(name, number(text, section, "table"), make(f"{name}.caption", "Caption", child(node, "caption")))
    part.columns = [make(f"{name}.columns[{j}]", f"Heading of column {j + 1}", c) for j, c in enumerate(columns.items)]
    part.rows = [[make(f"{name}.rows[{i}][{j}]", f"Row {i + 1}, {heads[j] if j < len(heads) else f'column {j + 1}'}",
                       cell) for j, cell in enumerate(row.items)] for i, row in enumerate(rows.items)]
    return part


def chart(name: str, node: Node, text: str, root: Mapping, make, choice) -> ChartPart | None:
    """Return a chart's inputs and, when it draws one of the sheet's own series, that series' points."""
    if not isinstance(node, Mapping):
        return None
    section = int(name.split("[", 1)[1].split("]", 1)[0])
    figure = child(node, "figure")
    called = figure.value if isinstance(figure, Scalar) else ""
    part = ChartPart(name, number(text, section, "chart"), make(f"{name}.title", "Title", child(node, "title")),
                     choice(f"{name}.kind", "Kind of chart", child(node, "kind"), (("bar", "bars"), ("line", "a line"))),
                     make(f"{name}.alt", "Description for readers who cannot see it (optional)", child(node, "alt")),
                     called.rsplit(".", 1)[-1].replace("_", " "), called, shared=called.startswith("data."))
    if called and not part.shared:
        part.series = series(called, root, make)
    return part


def series(figure: str, root: Mapping, make) -> SeriesPart | None:
    """Return a record figure's series as points of year and value inputs; None when it has none."""
    node = child(child(root, "figures"), figure)
    values = child(node, "values")
    if not isinstance(values, Mapping) or not values.items \
            or any(not isinstance(v, Scalar) for _, v in values.items):
        return None
    label = child(node, "label")
    said = label.value if isinstance(label, Scalar) and label.value else figure.replace("_", " ")
    name = f"figures.{figure}"
    part = SeriesPart(name, said)
    for i, (key, value) in enumerate(values.items):
        year = make(f"{name}.values[{i}].year", f"Point {i + 1}, year", key)
        amount = make(f"{name}.values[{i}].value", f"Point {i + 1}, value", value)
        part.points.append(Point(year, amount))
    return part


def series_choices(root: Mapping | None, dataset) -> list[tuple[str, str]]:
    """Return the series a chart may draw, (name as written, label): the sheet's own, then the shared data's."""
    found = []
    own = child(root, "figures") if root is not None else None
    for key, node in own.items if isinstance(own, Mapping) else []:
        if isinstance(child(node, "values"), Mapping):
            label = child(node, "label")
            said = label.value if isinstance(label, Scalar) and label.value else key.value.replace("_", " ")
            found.append((key.value, f"{said} (this sheet’s)"))
    for file_name, data in sorted(dataset.files.items()) if dataset else []:
        for key, figure in data.figures.items():
            if figure.values:
                found.append((f"data.{file_name}.{key}", f"{figure.label or key.replace('_', ' ')} (shared)"))
    return found


def charted(root: Mapping) -> dict[str, int]:
    """Return the sheet's own figures its charts draw, each with the number of the first chart drawing it."""
    sections = child(root, "sections")
    found: dict[str, int] = {}
    count = 0
    for section in sections.items if isinstance(sections, Sequence) else []:
        drawn = child(section, "chart")
        if drawn is None:
            continue
        count += 1
        figure = child(drawn, "figure")
        if isinstance(figure, Scalar) and not figure.value.startswith("data."):
            found.setdefault(figure.value, count)
    return found


def seal(node: Node | None, make) -> SealPart | None:
    """Return the seal's file and alt input (none yet: an empty part); None when written otherwise."""
    if node is None:
        return SealPart("", None)
    file, alt = child(node, "file"), child(node, "alt")
    if not isinstance(node, Mapping) or not isinstance(file, Scalar) or (alt is not None and not isinstance(alt, Scalar)):
        return None
    return SealPart(file.value, make("seal.alt", "What the picture shows (read aloud to readers who cannot see it)",
                                     alt))
