"""The figures a sheet prints, as the form offers them: each reference in the record's text with the
number it prints and the figure's name, so a number typed over one can be offered the figure instead."""

from __future__ import annotations

import re

import yaml

from ..base.errors import PipelineError
from ..figures.values import money, number

REFERENCE = re.compile(r"\{\{\s*(?P<name>(?:data\.\w+\.\w+)|(?:figures\.)?\w+)(?:\[(?P<year>[0-9]+)\])?\s*"
                       r"(?:\|\s*(?P<filter>number|money)(?:\((?P<arg>[^)]*)\))?\s*)?\}\}")


def printed(text: str, dataset) -> list[dict]:
    """Return each distinct figure reference of the text: {ref, printed, name}; ones not worked out are left out."""
    own = _own(text)
    found, seen = [], set()
    for match in REFERENCE.finditer(text):
        ref = " ".join(match.group(0).split())  # as the form shows it: a folded line's breaks are spaces
        if ref in seen:
            continue
        seen.add(ref)
        figure = _figure(match.group("name"), own, dataset)
        shown = _shown(figure, match) if figure else None
        if shown:
            label = figure.get("label") or match.group("name").rsplit(".", 1)[-1].replace("_", " ")
            year = f" ({match.group('year')})" if match.group("year") else ""
            found.append({"ref": ref, "printed": shown, "name": label + year})
    return found


def _own(text: str) -> dict:
    """Return the record's own figures, read leniently."""
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError:
        return {}
    figures = loaded.get("figures") if isinstance(loaded, dict) else None
    return figures if isinstance(figures, dict) else {}


def _figure(name: str, own: dict, dataset) -> dict | None:
    """Return a figure's value(s) and label as a plain dict, from the record or the shared data."""
    if name.startswith("data."):
        _, file, key = name.split(".")
        shared = dataset.files.get(file) if dataset else None
        figure = shared.figures.get(key) if shared else None
        return {"value": figure.value, "values": figure.values, "label": figure.label} if figure else None
    entry = own.get(name.removeprefix("figures."))
    return entry if isinstance(entry, dict) else None


def _shown(figure: dict, match: re.Match) -> str | None:
    """Return the text a reference prints, or None when it is not a plain number or money."""
    values = figure.get("values")
    value = values.get(int(match.group("year"))) if match.group("year") and isinstance(values, dict) \
        else figure.get("value")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        if match.group("filter") == "money":
            return money(value, "short" if "short" in (match.group("arg") or "") else "full")
        return number(value)
    except PipelineError:
        return None
