"""When two people save the same sheet: both versions side by side, field by field, and the mix chosen.

The mix starts from the text saved first (theirs) and writes each field the second person keeps as
theirs-or-yours through the form's own edits (edits.set_field), so comments and layout stay and every
edit is checked; a field the form cannot write (a list entry added or removed) is kept whole, and the
page says so, offering the whole of either text instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..history import changes
from . import edits


@dataclass
class Clash:
    """One field whose value differs between the saved text and yours."""

    name: str
    theirs: object
    yours: object
    mixable: bool  # the form can write your value into their text
    keep: str = "yours"  # the choice offered first: theirs when only they changed the field since you opened it
    both: bool = False  # both of you changed it since you opened it


def clashes(theirs: str, yours: str, base: bytes | None = None) -> list[Clash] | None:
    """Return the fields that differ, in your text's order; None when either text is not readable YAML.

    With the text you both started from (`base`), a field only they changed is offered as theirs.
    """
    old, new = changes.fields(theirs.encode("utf-8")), changes.fields(yours.encode("utf-8"))
    if old is None or new is None:
        return None
    start = (changes.fields(base) if base is not None else None) or {}
    found = []
    for name in changes.ordered(old, new):
        if old.get(name) != new.get(name):
            clash = Clash(name, old.get(name), new.get(name), _mixable(theirs, name, new, old))
            if not clash.mixable or (start and new.get(name) == start.get(name)):
                clash.keep = "theirs"
            clash.both = bool(start) and old.get(name) != start.get(name) and new.get(name) != start.get(name)
            found.append(clash)
    return found


def mixed(theirs: str, yours: str, keep_yours: set[str]) -> str:
    """Return their text with your value written into each field named in `keep_yours`; ValueError if one cannot be."""
    new = changes.fields(yours.encode("utf-8")) or {}
    text = theirs
    for name in keep_yours:
        text = edits.set_field(text, name, _typed(new.get(name)))
    return text


def _mixable(theirs: str, name: str, new: dict, old: dict) -> bool:
    """Return True when your value of the field can be written into their text by the form."""
    if name not in new or name not in old:
        return False
    try:
        edits.set_field(theirs, name, _typed(new[name]))
    except ValueError:
        return False
    return True


def _typed(value) -> str:
    """Return a value as the form would have it typed."""
    return "" if value is None else str(value)
