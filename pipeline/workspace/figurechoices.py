"""The figures the form's text editor knows: each reference in the record's text with what it prints
and the figure's name, source and as-of; and every figure the sheet may insert (its own and the
shared ones, a series year by year), named by their labels as the figures page names them."""

from __future__ import annotations

from ..base.errors import Collector, PipelineError
from ..figures import sandbox
from ..figures.values import FigureError, long_date
from ..records import schema
from ..records.yamlload import Mapping
from .figurerefs import REFERENCE as PLAIN
from .nodes import root_of
from .units import REFERENCE

MONEY_UNITS = ("usd", "us$", "$", "dollars", "u.s. dollars")
PERCENT_UNITS = ("%", "percent", "per cent")


def catalogue(text: str, dataset) -> dict:
    """Return {"refs": {reference: figure}, "choices": [figure…]} for a record's text (a JSON for the page).

    A figure: {ref, printed, label, unit, source, as_of, where, own}; references are keyed with their
    spaces made single (a folded line's break is a space), as the editor looks them up.
    """
    own = _own(text)
    choices = [_choice(name, figure, year, None) for name, figure in sorted(own.items()) for year in _years(figure)]
    for file in (dataset.files.values() if dataset else ()):
        choices += [_choice(key, figure, year, file.name) for key, figure in file.figures.items()
                    for year in _years(figure)]
    refs = {}
    for found in REFERENCE.finditer(text):
        ref = folded(found.group())
        if ref not in refs:
            refs[ref] = _described(ref, *_named(ref, own, dataset))
    printed = _printed([*refs, *(c["ref"] for c in choices)], own, dataset)
    for figure in [*refs.values(), *choices]:
        figure["printed"] = printed[figure["ref"]]
    return {"refs": refs, "choices": [c for c in choices if c["printed"] is not None]}


def folded(ref: str) -> str:
    """Return a reference with each run of spaces and line breaks made one space."""
    return " ".join(ref.split())


def _own(text: str) -> dict:
    """Return the record's own figures (none when the record or its figures do not read)."""
    try:
        root = root_of(text)
    except ValueError:
        return {}
    node = dict((k.value, v) for k, v in root.items).get("figures")
    return schema.figures(node, Collector()) if isinstance(node, Mapping) else {}


def _years(figure) -> list:
    """Return a figure's years, newest first ([None] for one value)."""
    return sorted(figure.values, reverse=True) if figure.values else [None]


def _choice(key: str, figure, year, file: str | None) -> dict:
    """Return one figure (one year of a series) as the picker offers it, with the reference it inserts."""
    name = f"data.{file}.{key}" if file else key
    unit = (figure.unit or "").strip().lower()
    way = "money" if unit in MONEY_UNITS else "percent" if unit in PERCENT_UNITS else "number"
    ref = "{{ " + name + (f"[{year}]" if year is not None else "") + f" | {way} }}}}"
    return _described(ref, figure, year, file)


def _described(ref: str, figure, year, file: str | None) -> dict:
    """Return what the editor shows of a reference: the figure's label, unit, source and as-of
    ("printed", what it prints, is filled in after)."""
    label = (figure.label or figure.name.replace("_", " ")) if figure else "a calculation with figures"
    return {"ref": ref, "printed": None, "label": label + (f", {year}" if year else ""),
            "unit": figure.unit if figure else None, "source": figure.source if figure else None,
            "as_of": long_date(figure.as_of) if figure and figure.as_of else None,
            "where": "the shared figures" if file else "this sheet’s own figures", "own": not file}


def _named(ref: str, own: dict, dataset):
    """Return (figure, year, shared file) a plain reference names, else (None, None, None)."""
    found = PLAIN.fullmatch(ref)
    if not found:
        return None, None, None
    name, year = found.group("name"), found.group("year")
    if name.startswith("data."):
        _, file, key = name.split(".")
        shared = dataset.files.get(file) if dataset else None
        figure = shared.figures.get(key) if shared else None
        return (figure, year, file) if figure else (None, None, None)
    figure = own.get(name.removeprefix("figures."))
    return (figure, year, None) if figure else (None, None, None)


SEPARATOR = "\x1e"  # between references evaluated together: no figure prints it


def _printed(refs: list[str], own: dict, dataset) -> dict:
    """Return what each reference prints on the sheet (None when it cannot be worked out now).

    All are worked out in one template (parsing is most of the cost); when one fails, each alone.
    """
    scope = dataset.scope(None) if dataset else None
    try:
        return dict(zip(refs, sandbox.evaluate(SEPARATOR.join(refs), own, scope).split(SEPARATOR), strict=True))
    except (FigureError, PipelineError, ValueError):
        pass
    found = {}
    for ref in refs:
        try:
            found[ref] = sandbox.evaluate(ref, own, scope)
        except (FigureError, PipelineError):
            found[ref] = None
    return found
