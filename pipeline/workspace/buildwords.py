"""The Changes page's builds in plain words: why a sheet was rebuilt ("its text was edited", "the
layout changed", "the shared figure “Opium poppy cultivation” changed") and each figure it prints
differently ("“Opium poppy cultivation”, 2018, changed from 5,700 to 5,800"), never a file path, a
figure's code name or a command-line option. CHANGES.md itself keeps the precise words."""

from __future__ import annotations

import re

REASONS = {"new record": "built for the first time", "record edited": "its text was edited",
           "template changed": "the layout changed", "fonts changed": "the fonts changed",
           "pipeline updated": "the factsheets program was updated", "checked": "checked",
           "max-classification changed": "the highest classification the workspace may build changed",
           "forced (--force)": "every sheet was rebuilt on request"}
_WITH_PART = re.compile(r"^(shared figure changed|picture changed|output missing|output changed by hand) \((.*)\)$")
_FIGURE = re.compile(r"^(?:data\.[A-Za-z0-9_]+\.)?([A-Za-z0-9_]+)(?:\[?\s*([0-9]{4})\]?)?$")
_CHANGE = re.compile(r"^(?:(label|unit|source|as_of) of )?(.+?): (.*) → (.*)$")
_FORMATS = {".pdf": "PDF", ".docx": "Word"}
ATTRIBUTES = {"label": "name", "unit": "unit", "source": "source", "as_of": "as-of date"}


def runs(found: list[dict], labels: dict[str, str]) -> list[dict]:
    """Return the Changes page's runs with each item's reasons and details in plain words."""
    return [{"when": run["when"], "items": [_item(i, labels) for i in run["items"]]} for run in found]


def _item(item: dict, labels: dict[str, str]) -> dict:
    """Return one rebuilt (or failed) sheet of a run in plain words."""
    failed = re.match(r"^failed, previous sheets kept: (\S+?): (.*)$", item["text"]) if not item["sheet"] else None
    if failed:  # 'failed, previous sheets kept: sources/x.yaml: error': the sheet by its title, no path
        stem = failed.group(1).rsplit("/", 1)[-1].rsplit(".", 1)[0]
        return {"sheet": stem, "text": "could not be built; its last good Word and PDF files were kept: "
                + failed.group(2), "details": []}
    return {"sheet": item["sheet"], "text": reasons(item["text"], labels),
            "details": [detail(d, labels) for d in item["details"]]}


def reasons(text: str, labels: dict[str, str]) -> str:
    """Return a CHANGES.md line's reasons ('record edited; shared figure changed (data.x.y 2018)') in words."""
    said = [_reason(part.strip(), labels) for part in text.split("; ") if part.strip()]
    return ("rebuilt: " if said else "") + "; ".join(dict.fromkeys(said))


def _reason(part: str, labels: dict[str, str]) -> str:
    """Return one reason in words."""
    if part in REASONS:
        return REASONS[part]
    found = _WITH_PART.match(part)
    if not found:
        return part
    kind, inside = found.groups()
    if kind == "shared figure changed":
        names = list(dict.fromkeys(figure(n.strip(), labels) for n in inside.split(",")))
        return ("the shared figure " if len(names) == 1 else "the shared figures ") + ", ".join(names) + " changed"
    if kind == "picture changed":
        return "its picture (seal or flag) changed"
    fmt = _FORMATS.get(inside[inside.rfind("."):], "built") + " file"
    return f"its {fmt} was missing" if kind == "output missing" else f"its {fmt} had been changed by hand"


def figure(name: str, labels: dict[str, str]) -> str:
    """Return a figure's code name ('data.unodc.laos_opium_ha 2018') as its label and year."""
    found = _FIGURE.match(name.strip())
    if not found:
        return f"“{name}”"
    key = name.strip().split(" ")[0].split("[")[0]
    said = labels.get(key) or next((label for name, label in labels.items() if name.endswith("." + key)),
                                   found.group(1).replace("_", " "))  # a shared figure named without its file
    return f"“{said}”" + (f" ({found.group(2)})" if found.group(2) else "")


def detail(text: str, labels: dict[str, str]) -> str:
    """Return a figure change ('data.x.y 2018: 5,700 → 5,800') as 'figure “X”, 2018, changed from 5,700 to 5,800'."""
    if text.startswith("changed by hand before this build"):
        return "its built file had been changed by hand: that copy was kept (see “Kept hand edits” below)"
    found = _CHANGE.match(text)
    if not found:
        return text
    attribute, name, old, new = found.groups()
    if attribute:
        return f"the {ATTRIBUTES[attribute]} of {figure(name, labels)} changed from {old} to {new}"
    said = "figure " + figure(name, labels)
    if old == "(not printed)":
        return f"{said} is now printed: {new}"
    if new == "(not printed)":
        return f"{said} is no longer printed (it was {old})"
    return f"{said} changed from {old} to {new}"
