"""The shared figures: value, as-of date, staleness, and the sheets that print each (from the manifest)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..base.errors import ConfigError, Diagnostic, Location, did_you_mean
from ..builder.manifest import Manifest
from ..figures.shared import KEY_RE, DataSet
from ..figures.values import number


def entries(dataset: DataSet, out: Path, since: dt.date, name: str | None = None) -> list[dict]:
    """Return one entry per shared figure (or those `name` picks); ConfigError if it picks none."""
    readers = _readers(Manifest.load(out))
    found = []
    for file in dataset.files.values():
        for key, figure in file.figures.items():
            full = f"data.{file.name}.{key}"
            found.append({
                "name": full, "label": figure.label, "unit": figure.unit, "source": figure.source,
                "value": figure.value,
                "values": {str(y): v for y, v in sorted((figure.values or {}).items())} or None,
                "as_of": figure.as_of.isoformat() if figure.as_of else None,
                "stale": bool(figure.as_of and figure.as_of < since),
                "file": f"{figure.loc}", "sheets": sorted(readers.get(full, ()))})
    if name is None:
        return found
    picked = [e for e in found if name in (e["name"], e["name"].split(".", 1)[1], e["name"].split(".")[2],
                                           f"data.{e['name'].split('.')[1]}", e["name"].split(".")[1])]
    if not picked:
        names = [part for e in found for part in (e["name"], e["name"].split(".")[2])]
        raise ConfigError([Diagnostic(Location(dataset.folder), f"no shared figure '{name}'"
                                      f"{did_you_mean(name, names)}",
                                      "run 'factsheets figures' to list them all")])
    return picked


def _readers(manifest: Manifest) -> dict[str, set[str]]:
    """Return, per shared figure, the ids of the sheets whose last build printed it."""
    readers: dict[str, set[str]] = {}
    for entry in manifest.entries.values():
        for key in entry.data:
            match = KEY_RE.match(key)
            if match:
                readers.setdefault(f"data.{match.group(1)}.{match.group(2)}", set()).add(entry.id)
    return readers


def text(entry: dict, months: int) -> str:
    """Return the lines `factsheets figures` prints for one figure."""
    head = entry["name"] + (f" — {entry['label']}" if entry["label"] else "") + (
        f" ({entry['unit']})" if entry["unit"] else "")
    values = number(entry["value"]) if entry["values"] is None else "; ".join(
        f"{y}: {number(v)}" for y, v in entry["values"].items())
    dated = f"as of {entry['as_of']}" if entry["as_of"] else "no as_of date"
    if entry["stale"]:
        dated += f" (stale: more than {months} months ago)"
    lines = [head, f"  value: {values}", f"  {dated}; source: {entry['source'] or '(none given)'}",
             f"  printed by: {', '.join(entry['sheets']) or '(no sheet, as of the last build)'}",
             f"  written at: {entry['file']}"]
    return "\n".join(lines)
