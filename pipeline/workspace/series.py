"""Form edits of a series of the sheet's own figures, point by point (a year, the label under its bar,
and a value), and of a figure's source and as-of, as text edits of the record checked whole
(itemedits.check_whole), refused in the form's words ("Points of “Opium poppy cultivation”, point 2")."""

from __future__ import annotations

import re

from ..records.yamlload import Mapping, Scalar
from . import edits, itemedits, scalars
from .nodes import Source, child, find, root_of, steps

POINT_VALUE = "<<the value>>"  # check refuses it until it is typed over
KEEP_FOCUS = "="  # the form is drawn again, the focus staying on the input it had moved to (tables.js)
YEAR_RE = re.compile(r"[12][0-9]{3}")


def _series(text: str, figure: str) -> tuple[list, Mapping, Mapping]:
    """Return a record figure's steps, the root and its values; ValueError when it has no series."""
    found, root = steps(figure), root_of(text)
    values = child(find(root, found), "values")
    if found[:1] != ["figures"] or len(found) != 2 or not isinstance(values, Mapping) or not values.items:
        raise ValueError(f"the figure “{found[-1]}” is not written as a series of values by year the form can "
                         f"change; change it in the Advanced view")
    return found, root, values


def set_point(text: str, name: str, typed: str) -> str:
    """Return the text with one point of a series given a new year or value.

    `name` is 'figures.<figure>.values[<point>].year' or '….value' (points numbered from 0).
    """
    match = re.fullmatch(r"(figures\.[A-Za-z_][A-Za-z0-9_]*)\.values\[([0-9]+)\]\.(year|value)", name)
    if not match:
        raise ValueError(f"'{name}' is not a point the form edits")
    figure, index, part = match.group(1), int(match.group(2)), match.group(3)
    found, root, values = _series(text, figure)
    where = f"{_points(root, found)}, point {index + 1}"
    itemedits.exists(index, values.items, where, text)
    key, value = values.items[index]
    typed = typed.strip()
    if part == "year":
        if not YEAR_RE.fullmatch(typed):
            raise ValueError(f"{where}: the year must be four digits, such as 2019")
        if typed != key.value and typed in (k.value for k, _ in values.items):
            raise ValueError(f"{where}: the series has a point for {typed} already")
        node, written = key, typed
    else:
        written = typed.replace(",", "").replace(" ", "").replace("\u00a0", "")
        if not scalars.NUMBER_RE.fullmatch(written):
            raise ValueError(f"{where}: the value must be a number, such as 5700 (digits only: no words or units)")
        node = value
    if written == node.value and isinstance(node, Scalar) and node.plain:
        return text
    new = text[:node.start] + written + text[node.end:] if isinstance(node, Scalar) else None
    if new is None:
        raise ValueError(f"{where} is written in a way the form cannot change; change it in the Advanced view")
    at = [*found, "values"]
    itemedits.check_whole(new, root, at, lambda old: [((written, v) if i == index and part == "year" else
                                        (k, written) if i == index else (k, v)) for i, (k, v) in enumerate(old)],
           where)
    return new


def set_figure_part(text: str, name: str, value: str) -> tuple[str, str]:
    """Return the text with a figure's source or as-of set, and '' (no new form); a figure written as a
    bare number ('total: 48000000') becomes 'value:' with it, and the form is drawn again (KEEP_FOCUS)."""
    match = re.fullmatch(r"figures\.([A-Za-z_][A-Za-z0-9_]*)\.(source|as_of)", name)
    if not match:
        raise ValueError(f"'{name}' is not a field the form edits")
    found, root = ["figures", match.group(1)], root_of(text)
    node = find(root, found)
    if not isinstance(node, Scalar):
        return edits.set_field(text, name, value), ""
    value = value.strip()
    if not value:
        return text, ""
    key = next(k for k, _ in find(root, found[:1]).items if k.value == found[1])
    column = Source(text).column(key.start) + 2
    said = f"Figure “{found[1].replace('_', ' ')}”"
    way = value if match.group(2) == "as_of" and scalars.DATE_RE.fullmatch(value) else \
        scalars.written(value, column, None)[0]
    lines = f"\n{' ' * column}{match.group(2)}: {way}\n{' ' * column}value: {node.raw}"
    new = text[:node.start].rstrip(" ") + lines + text[node.end:]
    itemedits.check_whole(new, root, found, lambda _: [(match.group(2), value), ("value", node.value)], said)
    return new, KEEP_FOCUS


def add_point(text: str, figure: str) -> tuple[str, str]:
    """Return the text with a point for the year after the series' last, its value a placeholder, and the
    id of the new value's input."""
    found, root, values = _series(text, figure)
    years = [int(k.value) for k, _ in values.items if YEAR_RE.fullmatch(k.value)]
    year = str(max(years) + 1 if years else 2000)
    new = itemedits.append(text, [*found, "values"], f"{year}: {scalars.quoted(POINT_VALUE)}")
    itemedits.check_whole(new, root, [*found, "values"], lambda old: [*old, (year, POINT_VALUE)], _points(root, found))
    return new, f"f-{figure}.values[{len(values.items)}].value"


def remove_point(text: str, point: str) -> tuple[str, str]:
    """Return the text without one point of a series (not its only one)."""
    figure, index = itemedits.split(point)
    figure = figure.removesuffix(".values")
    found, root, values = _series(text, figure)
    where = f"{_points(root, found)}, point {index + 1}"
    itemedits.exists(index, values.items, where, text)
    if len(values.items) == 1:
        raise ValueError(f"{where} is the series’ only point: a series needs one")
    new = itemedits.cut(text, [*found, "values"], index)
    itemedits.check_whole(new, root, [*found, "values"], lambda old: old[:index] + old[index + 1:], where)
    return new, f"point_add-{figure}"


def _points(root: Mapping, found: list) -> str:
    """Return how the form names a series' points: 'Points of “Opium poppy cultivation”'."""
    label = child(find(root, found), "label")
    return f"Points of “{label.value if isinstance(label, Scalar) and label.value else found[-1].replace('_', ' ')}”"
