"""The changes `factsheets update` held for a person, as the figures page shows them: each figure by its
label, its values old → new, why it was held in plain words, and the feed it came from."""

from __future__ import annotations

import re

from ..authoring import holds
from ..figures.values import number

# A held.json reason: the figure's code name and year (the page shows the label instead), then the rule's words.
_NAMED = re.compile(r"^[A-Za-z_]\w*(?: (\d{4}))?: ")
_MOVE = r"-?[\d,.]+ → -?[\d,.]+ "  # old → new, shown above the reasons already
_PLAIN = ((re.compile(rf"^{_MOVE}\(([+-][\d.]+%), more than ([\d.]+%)\)$"),
           r"the value moves by \1, more than the \2 allowed without a person’s check"),
          (re.compile(rf"^{_MOVE}changes sign$"), "the value changes from below zero to above it, or back"),
          (re.compile(r"^as-of goes back"), "the “as of” date goes back"),
          (re.compile(r"^the source no longer gives "), "the source no longer gives the year "))


def shown(held: dict[str, dict], dataset, feeds: dict) -> list[dict]:
    """Return each held change ready for the page, in key order."""
    return [_one(key, entry, dataset, feeds.get(entry.get("file", ""), {})) for key, entry in sorted(held.items())]


def _one(key: str, entry: dict, dataset, feed: dict) -> dict:
    """Return one held change for the page."""
    name, stem = entry.get("figure", key.rsplit(".", 1)[-1]), entry.get("file", key.split(".", 1)[0])
    file = dataset.files.get(stem) if dataset else None
    current = file.figures.get(name) if file else None
    label = current.label if current and current.label else name.replace("_", " ")
    return {"key": key, "label": label, "unit": current.unit if current else None,
            "moves": _moves(current, holds.from_json(entry)) if "values" in entry else [],
            "reasons": [plain_reason(why) for why in entry.get("reasons", [])],
            "feed": feed.get("source") or f"the feed of {stem}.yaml",
            "fetched": entry.get("fetched", "")}


def _moves(current, new) -> list[dict]:
    """Return what the change would write: each year (or the one value) and "as of", old → new."""
    old = (current.values if current.values is not None else {None: current.value}) if current else {}
    moves = [{"what": "value" if year is None else str(year), "old": _shown(old.get(year)), "new": _shown(value)}
             for year, value in sorted(new.values.items(), key=lambda kv: (kv[0] is not None, kv[0] or 0))
             if old.get(year) != value]
    as_of = new.meta.get("as_of")
    was = current.as_of.isoformat() if current and current.as_of else None
    if as_of and str(as_of) != was:
        moves.append({"what": "as of", "old": was or "no date", "new": str(as_of)})
    return moves


def _shown(value) -> str:
    """Return a value as the sheets print it, or words for none."""
    return "not given" if value is None else number(value)


def plain_reason(text: str) -> str:
    """Return a held.json reason without the figure's code name (its label is shown), in plainer words."""
    found = _NAMED.match(text)
    rest = text[found.end():] if found else text
    for pattern, meant in _PLAIN:
        rest = pattern.sub(meant, rest)
    year = found.group(1) if found else None
    return f"{year}: {rest}" if year else rest[:1].upper() + rest[1:]
