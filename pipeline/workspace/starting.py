"""A new sheet from the workspace: a file name derived from its title, the layout's example made a
draft with the typed title, and a preview of the example with its unfilled placeholders marked."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from . import edits

PLACEHOLDER = re.compile(r"<<(.+?)>>")
DRAFT_LINE = re.compile(r"^#[ \t]*status:[ \t]*draft\b[^\n]*$", re.MULTILINE)
STATUS_LINE = re.compile(r"^status:[^\n]*$", re.MULTILINE)
DATE_KEYS = ("date", "as_of")
NUMBER_KEYS = ("value",)
PLACED = re.compile(r"^(?P<lead>\s*(?:- )?(?:(?P<key>[A-Za-z_][A-Za-z0-9_]*):[ \t]+)?)(?P<rest>.*)$")


def file_name(title: str) -> str:
    """Return a sheet's file name (its id) from its title: 'Cambodia INL' → 'cambodia-inl'."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", title) if not unicodedata.combining(c))  # as new.html
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:60].rstrip("-")


def drafted(text: str, title: str) -> str:
    """Return the layout's example with the typed title and a `status: draft` line (a new sheet is a draft)."""
    if DRAFT_LINE.search(text):
        text = DRAFT_LINE.sub(lambda m: m.group(0).lstrip("#").lstrip(" \t"), text, count=1)
    elif not STATUS_LINE.search(text):
        text = re.sub(r"(?m)^(layout:[^\n]*\n)", r"\1status: draft\n", text, count=1)
    return edits.set_field(text, "title", title) if title.strip() else text


def marked(text: str, today: dt.date) -> str:
    """Return the text with each `<<placeholder>>` made printable and marked ('[to fill — the country]'),
    dates given today's and numbers 0, so the layout can be previewed before anything is filled in."""
    return "\n".join(_marked_line(line, today) for line in text.split("\n"))


def _marked_line(line: str, today: dt.date) -> str:
    """Return one line with its placeholders made printable."""
    if "<<" not in line or line.lstrip().startswith("#"):
        return line
    found = PLACED.match(line)
    key, rest = found.group("key"), found.group("rest")
    whole = PLACEHOLDER.fullmatch(rest.strip())
    if whole and key in DATE_KEYS:
        return found.group("lead") + today.isoformat()
    if whole and key in NUMBER_KEYS:
        return found.group("lead") + "0"
    value = key or found.group("lead").strip() == "-"  # a value, not a line of a block of text
    if value and (whole or rest.startswith("<<")):  # a plain value opening with the mark: quoted, stays text
        said = PLACEHOLDER.sub(lambda m: f"[to fill — {m.group(1)}]", rest.strip())
        return found.group("lead") + '"' + said.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return PLACEHOLDER.sub(lambda m: f"[to fill — {m.group(1)}]", line)
