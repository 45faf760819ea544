"""Changes held for a person: the rules that hold a fetched figure's change, and output/held.json.

A held change is not written to the data file; `factsheets update --review` lists it, `--approve`
writes it (the same round-trip writer as `import figures --write`), `--reject` drops it and a feed
offering the very same change again is not held again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from ..base.output import write_atomic
from ..records.model import Figure as Current
from .feedconfig import HoldRules
from .figureimport import Figure

NAME = "held.json"


def reasons(old: Current | None, new: Figure, rules: HoldRules) -> list[str]:
    """Return why a figure's change needs a person, by the rules; empty when it can be applied."""
    if old is None:
        return []  # a new figure prints nowhere yet
    found = []
    before = old.values if old.values is not None else {None: old.value}
    for year, value in new.values.items():
        was = before.get(year)
        if was is None or was == value:
            continue
        where = "" if year is None else f" {year}"
        if rules.sign_change and (was < 0) != (value < 0) and was != 0 and value != 0:
            found.append(f"{old.name}{where}: {was:,} → {value:,} changes sign")
        elif rules.change_percent is not None and was != 0 and \
                abs(value - was) / abs(was) * 100 > rules.change_percent:
            found.append(f"{old.name}{where}: {was:,} → {value:,} ({(value - was) / abs(was) * 100:+.1f}%, "
                         f"more than {rules.change_percent:g}%)")
    if rules.missing_year and old.values is not None and None not in new.values:
        gone = sorted(set(old.values) - set(new.values))
        if gone:
            found.append(f"{old.name}: the source no longer gives {', '.join(map(str, gone))}")
    as_of = new.meta.get("as_of")
    if rules.as_of_backwards and as_of and old.as_of and dt.date.fromisoformat(str(as_of)) < old.as_of:
        found.append(f"{old.name}: as-of goes back from {old.as_of.isoformat()} to {as_of}")
    return found


def digest(figure: Figure) -> str:
    """Return a fingerprint of a fetched figure's values and metadata (to know a change seen before)."""
    body = json.dumps([sorted((str(y), v) for y, v in figure.values.items()), sorted(figure.meta.items())],
                      default=str)
    return hashlib.sha256(body.encode()).hexdigest()[:16]


def to_json(file: str, figure: Figure, why: list[str], at: dt.datetime) -> dict:
    """Return a held change as held.json keeps it."""
    return {"file": file, "figure": figure.name, "reasons": why, "fetched": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "values": {"" if y is None else str(y): v for y, v in figure.values.items()},
            "meta": {k: str(v) for k, v in figure.meta.items()}, "digest": digest(figure)}


def from_json(entry: dict) -> Figure:
    """Return the fetched figure of a held change."""
    values = {None if y == "" else int(y): v for y, v in entry["values"].items()}
    return Figure(entry["figure"], values, dict(entry["meta"]))


class Held:
    """output/held.json: held changes by 'file.figure', and the changes a person rejected."""

    def __init__(self, folder: Path):
        self.path = folder / NAME
        try:
            body = json.loads(self.path.read_bytes())
            self.held, self.rejected = dict(body["held"]), dict(body["rejected"])
        except (OSError, ValueError, KeyError, TypeError):
            self.held, self.rejected = {}, {}

    def save(self) -> None:
        """Write the file atomically (sorted, so the same state gives the same bytes)."""
        body = {"held": self.held, "rejected": self.rejected}
        write_atomic(self.path, json.dumps(body, indent=1, sort_keys=True, ensure_ascii=False).encode() + b"\n")
