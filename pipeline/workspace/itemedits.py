"""Text edits of one entry of a list or mapping, wherever it is: append one, cut one out, swap two
neighbours. Lists and mappings written in brackets or braces are edited in them; block ones by whole
lines (with the comment lines that go with an entry). Nothing else of the text is touched.

The callers (tables.py, series.py) check each result whole against what the record should then mean
(check_whole): the other functions only place the characters.
"""

from __future__ import annotations

import re

from ..records.yamlload import Mapping, Node, Sequence
from . import checks
from .nodes import Source, find, plain, root_of
from .tablewords import place


def ended(text: str) -> str:
    """Return the text ending with a line break, so that whole lines can be added and moved."""
    return text if text.endswith("\n") or not text else text + "\n"


def edit_many(text: str, edits: list[tuple[str, list, object]]) -> str:
    """Return the text with entry edits made in several lists or mappings at once, all placed from one
    reading of the text (a table's column is an edit in every row: one reading, not one a row).

    Each edit is ('append', steps, item), ('cut', steps, index) or ('swap', steps, low), at a different
    list or mapping.
    """
    text = ended(text)
    root, src = root_of(text), Source(text)
    splices = []
    for kind, found, arg in edits:
        node = find(root, found)
        if not isinstance(node, (Sequence, Mapping)):
            raise ValueError("this part is not written as a list; change it in the YAML tab")
        splices.append(_SPLICES[kind](src, node, arg))
    for start, end, put in sorted(splices, key=lambda s: s[0], reverse=True):
        text = text[:start] + put + text[end:]
    return text


def append(text: str, found: list, item: str) -> str:
    """Return the text with one more entry after the last of the list or mapping at `found`.

    `item` is the entry as one line of YAML: a list's value ('["", ""]') or a mapping's 'key: value'.
    """
    return edit_many(text, [("append", found, item)])


def cut(text: str, found: list, index: int) -> str:
    """Return the text without entry `index` of the list or mapping at `found` (not its only one)."""
    return edit_many(text, [("cut", found, index)])


def swap(text: str, found: list, low: int) -> str:
    """Return the text with entries `low` and `low + 1` of the list or mapping at `found` swapped."""
    return edit_many(text, [("swap", found, low)])


def _appended(src: Source, node: Node, item: str) -> tuple[int, int, str]:
    """Return the splice adding an entry after a list's or mapping's last: (start, end, text put there)."""
    if not node.items:
        raise ValueError("this list is empty; add its first entry in the YAML tab")
    if src.flow(node):
        at = src.end(_last(node))
        return at, at, ", " + item
    at, column = _block_end(src, node)
    return at, at, " " * column + ("- " if isinstance(node, Sequence) else "") + item + "\n"


def _cut(src: Source, node: Node, index: int) -> tuple[int, int, str]:
    """Return the splice taking out one entry (never the only one)."""
    spans = _spans(src, node)
    if len(spans) < 2:
        raise ValueError("this is the only entry; remove the whole part in the YAML tab")
    if src.flow(node):
        starts = [src.offset(k) for k in _firsts(node)]
        ends = [src.end(v) for v in _lasts(node)]
        low, high = (starts[index], starts[index + 1]) if index + 1 < len(spans) else (ends[index - 1], ends[index])
    else:
        # Up to the next entry (the blank lines after it go with it); the last: from the end of the one
        # before, so no blank line is left over either way.
        low, high = (spans[index][0], spans[index + 1][0]) if index + 1 < len(spans) \
            else (spans[index - 1][1], spans[index][1])
    return low, high, ""


def _swapped(src: Source, node: Node, low: int) -> tuple[int, int, str]:
    """Return the splice swapping entries `low` and `low + 1`."""
    spans = _spans(src, node)
    if not 0 <= low < len(spans) - 1:
        raise ValueError("there is no entry to swap with")
    (a0, a1), (b0, b1) = spans[low], spans[low + 1]
    text = src.text
    return a0, b1, text[b0:b1] + text[a1:b0] + text[a0:a1]


_SPLICES = {"append": _appended, "cut": _cut, "swap": _swapped}


def split(name: str) -> tuple[str, int]:
    """Return a path's list and the entry's index: 'sections[4].table.rows[2]' → ('sections[4].table', 2)."""
    match = re.fullmatch(r"(.+?)(?:\.(?:rows|columns))?\[([0-9]+)\]", name)
    if not match:
        raise ValueError(f"'{name}' is not an entry the form edits")
    return match.group(1), int(match.group(2))


def exists(index: int, items: list, name: str, text: str) -> None:
    if not 0 <= index < len(items):
        raise ValueError(f"there is no {place(name, text) if '[' in name else name}: the sheet changed; "
                         f"look at the form again")


def check_whole(new: str, root: Mapping, found: list, change, said: str) -> None:
    """Refuse an edit whose text does not mean the old record with `change` made at `found`; `said`
    names the place in the refusal."""
    try:
        checks.compare(new, root, found, change(checks._at(plain(root), found)))
    except ValueError:
        raise ValueError(f"the form cannot make this change to {said} safely; make it in the Advanced "
                         f"view") from None


def _firsts(node: Node) -> list[Node]:
    """Return where each entry starts: a list's items, a mapping's keys."""
    return [k for k, _ in node.items] if isinstance(node, Mapping) else list(node.items)


def _lasts(node: Node) -> list[Node]:
    """Return where each entry ends: a list's items, a mapping's values."""
    return [v for _, v in node.items] if isinstance(node, Mapping) else list(node.items)


def _last(node: Node) -> Node:
    return _lasts(node)[-1]


def _spans(src: Source, node: Node) -> list[tuple[int, int]]:
    """Return each entry's characters: in brackets, the entry itself; in a block, its whole lines."""
    if src.flow(node):
        return [(src.offset(a), src.end(b)) for a, b in zip(_firsts(node), _lasts(node), strict=True)]
    if isinstance(node, Sequence):
        return [(s.start, s.end) for s in src.entries(node)]
    spans = []
    for key, value in node.items:
        start = src.line_start(key.start)
        if src.text[start:key.start].strip():
            raise ValueError("this part is written in a way the form cannot change; change it in the YAML tab")
        spans.append((start, src.content_end(value, src.column(key.start))))
    return spans


def _block_end(src: Source, node: Node) -> tuple[int, int]:
    """Return where a block list's or mapping's next entry goes, and the column it starts at."""
    if isinstance(node, Sequence):
        return src.entries(node)[-1].end, src.column(src.dash(node.items[0]))
    return _spans(src, node)[-1][1], src.column(node.items[0][0].start)
