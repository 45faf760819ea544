"""Form edits made as text edits of the record: one value replaced or added, one list entry added,
removed or moved. Every other character stays as typed (comments, key order, blank lines).

Each edit is checked before it is given back (checks.py): the new text must load with the strict loader
and mean the old record with exactly the change asked for; otherwise the edit is refused (ValueError,
in words for the person at the form) and the text is left as it was.
"""

from __future__ import annotations

import re

from ..records import fields as declared
from ..records.yamlload import Mapping, Node, Scalar, Sequence, parse
from . import checks, scalars
from .nodes import Source, child, find, key_of, path, plain, root_of, shape, steps

SCALAR_FIELDS = declared.names("top", type=(*declared.TEXT, "date", "choice"))  # a value on one input
CHOICES = {"status": "draft|final", "sources": "true|false", "sections[].style": "run-in",
           "sections[].chart.kind": "bar|line"}  # "" removes the line
# A table's cells and headings, a chart's words, the seal's: one value each (their shapes: tables.py).
TABLE_VALUES = ("sections[].table.caption", "sections[].table.columns[]", "sections[].table.rows[][]",
                "sections[].chart.title", "sections[].chart.figure", "sections[].chart.kind", "sections[].chart.alt", "seal.file", "seal.alt")
EDITABLE = {*SCALAR_FIELDS, "sources", "sections[].heading", "sections[].style", "sections[].text",
            "sections[].bullets[]", "sections[].items[].term", "sections[].items[].text",
            *(f"{name}[]" for name in declared.TEXT_LISTS), *TABLE_VALUES}
FIGURE_PARTS = ("value", "as_of", "label", "unit", "source")  # a series' points: tables.py
ORDERS = {"": declared.TOP, "sections[]": declared.names("section"), "sections[].items[]": declared.names("item"),
          "figures.*": declared.names("figure"), "sections[].table": declared.names("table"),
          "sections[].chart": declared.names("chart"), "seal": declared.names("seal")}


class List:
    """A list the form edits entry by entry: what an entry is called and the lines of a new one."""

    def __init__(self, noun: str, *lines: str):
        self.noun, self.lines = noun, lines


# New entries hold placeholders, which check refuses until they are replaced (as `factsheets new`).
LISTS = {
    "sections": List("section", "heading: <<the section's heading>>", "text: |", "  <<the section's text>>"),
    "sections[].bullets": List("bullet", "<<the new bullet>>"),
    "sections[].items": List("term", "term: <<the term>>", "text: <<the term's text>>"),
    **{name: List("entry", "<<the new entry>>") for name in declared.TEXT_LISTS},  # unless named below
    "notes": List("note", "<<the new note>>"),
    "cleared": List("clearance", "<<the clearing office and name>>"),
}
NOUNS = {"sections": "section", "bullets": "bullet", "items": "term", "notes": "note", "cleared": "clearance"}


def set_field(text: str, name: str, value: str) -> str:
    """Return the text with one field's value replaced (or added); ValueError when it cannot be."""
    found = steps(name)
    if not _editable(found):
        raise ValueError(f"'{name}' is not a field the form edits")
    root, src = root_of(text), Source(text)
    parent, last = _resolve(root, found), found[-1]
    if found[0] == "figures" and find(root, found[:2]) is None:
        raise ValueError(_missing(root, found[:2]))  # the table edits figures; new ones are typed in the YAML tab
    if isinstance(last, int):
        node, key = child(parent, last), None
        if node is None:
            raise ValueError(_missing(root, found))
    elif isinstance(parent, Mapping):
        key = key_of(parent, last)
        node = child(parent, last)
    else:
        raise ValueError(f"'{name}' is not a field the form edits")
    if node is not None and not isinstance(node, Scalar):
        raise ValueError(f"'{name}' is written as a list or mapping; change it in the YAML tab")
    choice = CHOICES.get(shape(name))
    if choice and value == "":
        return text if node is None else checks.checked(root, _remove_key(src, parent, last, name), found, None)
    meant = scalars.intended(value, node)
    indent = src.column(key.start) if key is not None else _dash_column(src, parent)
    ways = [meant] if choice and re.fullmatch(choice, meant) else \
        scalars.written(meant, indent, node, flow=src.flow(parent))
    for way in ways:
        new = _replace(src, node, way) if node is not None else \
            _insert_key(src, parent, last, " " + way, _order(found[:-1]))
        try:
            return checks.checked(root, new, found, (meant, way))
        except ValueError:
            continue
    raise ValueError(f"the form cannot write this value into '{name}'; type it in the YAML tab")


def add_entry(text: str, name: str) -> tuple[str, str]:
    """Return the text with a new entry (placeholders) after a list's last, and the new entry's field path."""
    found, spec = steps(name), LISTS.get(shape(name))
    if spec is None or not isinstance(found[-1], str):
        raise ValueError(f"'{name}' is not a list the form adds to")
    text = _ended(text)
    root, src = root_of(text), Source(text)
    holder = _resolve(root, found)
    if not isinstance(holder, Mapping):
        raise ValueError(f"{_owner(name)} is not written as 'key: value' lines; change it in the YAML tab")
    listed = child(holder, found[-1])
    entry = parse("\n".join(spec.lines) + "\n", "entry")
    if listed is None:
        column = _key_column(src, holder) + 2
        last = tuple(k.value for k, _ in holder.items) + (found[-1],)  # a new list goes last, as a new entry
        new = _insert_key(src, holder, found[-1], "\n" + _lines(spec.lines, column), last)
    elif isinstance(listed, Sequence) and listed.items and not src.flow(listed):
        spans = src.entries(listed)
        blank = len(spans) > 1 and any(not line.strip() for line in text[spans[0].end:spans[1].start].split("\n")[:-1])
        at = spans[-1].end
        new = text[:at] + ("\n" if blank else "") + _lines(spec.lines, src.column(src.dash(listed.items[0]))) + text[at:]
    elif isinstance(listed, Sequence) and len(spec.lines) == 1:  # one-line entries in brackets
        at = src.end(listed.items[-1]) if listed.items else src.offset(listed) + 1
        new = text[:at] + (", " if listed.items else "") + spec.lines[0] + text[at:]
    else:
        raise ValueError(f"the {NOUNS[found[-1]]}s are not written as a list of '- ' lines; add one in the YAML tab")
    count = len(listed.items) if isinstance(listed, Sequence) else 0
    checks.compare(new, root, found, (plain(listed) if listed is not None else []) + [plain(entry)])
    return new, f"{name}[{count}]"


def remove_entry(text: str, name: str) -> str:
    """Return the text without one entry of a list (the list's line too when it was the only entry)."""
    text, found, root, src, listed, at = _entry(text, name)
    if len(listed.items) == 1:
        holder = _resolve(root, found[:-1])
        new = _remove_key(src, holder, found[-2], name)
        checks.compare(new, root, found[:-1], None)
        return new
    if src.flow(listed):
        items = listed.items
        cut = (src.offset(items[at]), src.offset(items[at + 1])) if at + 1 < len(items) \
            else (src.end(items[at - 1]), src.end(items[at]))
    else:
        spans = src.entries(listed)
        cut = (spans[at].start, spans[at + 1].start) if at + 1 < len(spans) else (spans[at - 1].end, spans[at].end)
    new = text[:cut[0]] + text[cut[1]:]
    old = plain(listed)
    checks.compare(new, root, found[:-1], old[:at] + old[at + 1:])
    return new


def move_entry(text: str, name: str, step: int) -> tuple[str, str]:
    """Return the text with a list's entry swapped with the one above (step -1) or below (+1), and its new path."""
    if step not in (-1, 1):
        raise ValueError(f"'{name}' can move one place up or down only")
    text, found, root, src, listed, at = _entry(text, name)
    other = at + step
    if not 0 <= other < len(listed.items):
        raise ValueError(f"this {NOUNS.get(str(found[-2]), 'entry')} is already the {'first' if step < 0 else 'last'}")
    low, high = sorted((at, other))
    if src.flow(listed):
        a = (src.offset(listed.items[low]), src.end(listed.items[low]))
        b = (src.offset(listed.items[high]), src.end(listed.items[high]))
    else:
        spans = src.entries(listed)
        a, b = (spans[low].start, spans[low].end), (spans[high].start, spans[high].end)
    new = text[:a[0]] + text[b[0]:b[1]] + text[a[1]:b[0]] + text[a[0]:a[1]] + text[b[1]:]

    order = plain(listed)
    order[low], order[high] = order[high], order[low]
    checks.compare(new, root, found[:-1], order)
    return new, name[:name.rindex("[")] + f"[{other}]"


# --- where things are ---------------------------------------------------------------------------

def _entry(text: str, name: str):
    """Return (text ended by a newline, path steps, root node, source, the list, the entry's index)
    for an entry of a list the form edits; ValueError if `name` is none or is not there."""
    found = steps(name)
    if shape(name).removesuffix("[]") not in LISTS or not isinstance(found[-1], int):
        raise ValueError(f"'{name}' is not an entry of a list the form edits")
    text = _ended(text)
    root = root_of(text)
    listed = _resolve(root, found)
    if child(listed, found[-1]) is None:
        raise ValueError(_missing(root, found))
    return text, found, root, Source(text), listed, found[-1]


def _editable(found: list) -> bool:
    """Return True for a field path the form writes a value into (a figure's only when it exists)."""
    if found[0] == "figures":
        return len(found) == 2 and isinstance(found[1], str) or \
            len(found) == 3 and isinstance(found[1], str) and found[2] in FIGURE_PARTS
    return shape(path(found)) in EDITABLE


def _order(found: list) -> tuple[str, ...]:
    """Return the usual order of the keys of the mapping at some steps (new keys go where they belong)."""
    if found[:1] == ["figures"] and len(found) == 2:
        return ORDERS["figures.*"]
    return ORDERS.get(shape(path(found)) if found else "", ())


def _resolve(root: Mapping, found: list) -> Node:
    """Return the node holding the last step of a path; ValueError saying what is missing."""
    node = find(root, found[:-1])
    if node is None:
        raise ValueError(_missing(root, found[:-1]))
    return node


def _missing(root: Mapping, found: list) -> str:
    """Return what is missing on the way along a path, in the form's words ('there is no section 4')."""
    node, where = root, ""
    for i, step in enumerate(found):
        nxt = child(node, step)
        if nxt is None:
            if isinstance(step, int):
                return f"there is no {NOUNS.get(str(found[i - 1]), 'entry')} {step + 1}{where}"
            if found[:1] == ["figures"] and i == 1:
                return f"there is no figure '{step}'"
            if i + 1 < len(found) and isinstance(found[i + 1], int):
                return f"there is no {NOUNS.get(step, 'entry')} {found[i + 1] + 1}{where}"
            return f"there is no '{path(found[:i + 1])}'"
        if isinstance(step, int) and found[i - 1] == "sections":
            where = f" in section {step + 1}"
        node = nxt
    return "the record changed; reload the form"


def _dash_column(src: Source, listed: Node) -> int:
    """Return the column of a list's '- ' (for a list in brackets: of the list)."""
    if isinstance(listed, Sequence) and listed.items and not src.flow(listed):
        return src.column(src.dash(listed.items[0]))
    return src.column(src.offset(listed))


def _key_column(src: Source, mapping: Mapping) -> int:
    return src.column(mapping.items[0][0].start) if mapping.items else 0


# --- text edits -----------------------------------------------------------------------------------

def _ended(text: str) -> str:
    """Return the text ending with a line break, so that whole lines can be moved."""
    return text if text.endswith("\n") or not text else text + "\n"


def _lines(lines: tuple[str, ...], column: int) -> str:
    """Return a new list entry's lines, its '- ' at `column`."""
    return "".join(" " * column + ("- " if i == 0 else "  ") + line + "\n" for i, line in enumerate(lines))


def _replace(src: Source, node: Scalar, way: str) -> str:
    """Return the text with a scalar written another way; a comment after a one-line value moves
    onto a new block's first line (after it, it would become text)."""
    text = src.text
    if way[:1] in ("|", ">") and node.style not in ("|", ">"):
        after = src.line_after(node.end)
        rest = text[node.end:after].strip()
        header, body = way.split("\n", 1)
        return text[:node.start] + header + (" " + rest if rest else "") + "\n" + body + text[after:]
    if way[:1] not in ("|", ">") and node.style in ("|", ">"):
        way += node.raw[len(node.raw.rstrip("\n")):]  # a block ended with its line breaks: they stay
    return text[:node.start] + way + text[node.end:]


def _insert_key(src: Source, mapping: Mapping, key: str, value: str, order: tuple[str, ...]) -> str:
    """Return the text with a key added to a block mapping, after the key that comes before it in the
    usual order (else first). `value` follows 'key:' (' text', ' |' and lines, or lines)."""
    text = _ended(src.text) if src.text else ""
    if mapping.items and src.flow(mapping):
        raise ValueError(f"this part is written in braces on one line; add '{key}' in the YAML tab")
    line = f"{key}:{value}" + ("" if value.endswith("\n") else "\n")
    if not mapping.items:
        return text + line
    rank = order.index(key) if key in order else len(order)
    before = [(order.index(k.value), k, v) for k, v in mapping.items if k.value in order[:rank]]
    first = mapping.items[0][0]
    column = src.column(first.start)
    if before:
        _, prev, value_node = max(before, key=lambda found: found[0])
        at = src.content_end(value_node, src.column(prev.start))
        return text[:at] + " " * column + line + text[at:]
    start = src.line_start(first.start)
    if not text[start:first.start].strip():
        return text[:start] + " " * column + line + text[start:]
    return text[:first.start] + line + " " * column + text[first.start:]  # the first key shares the '- ' line


def _remove_key(src: Source, mapping: Node, key: str, name: str) -> str:
    """Return the text without one key of a block mapping and its value (lines and deeper comments)."""
    text = src.text
    if not isinstance(mapping, Mapping) or src.flow(mapping):
        raise ValueError(f"'{name}' is written in braces on one line; change it in the YAML tab")
    if len(mapping.items) == 1:
        found = steps(name)
        what = f"this {NOUNS.get(str(found[-2]), 'entry')}" if isinstance(found[-1], int) else f"'{key}'"
        raise ValueError(f"{what} is all that {_owner(name)} holds: remove the {_owner(name).split(' ')[0]} instead")
    index = next(i for i, (k, _) in enumerate(mapping.items) if k.value == key)
    key_node, value = mapping.items[index]
    start = src.line_start(key_node.start)
    end = src.content_end(value, src.column(key_node.start))
    if not text[start:key_node.start].strip():
        return text[:start] + text[end:]
    # The key shares its line with its entry's '- ': the next key moves up onto that line, and any
    # comment lines between them go above it.
    following = mapping.items[index + 1][0]
    kept = "".join(line for line in text[end:src.line_start(following.start)].splitlines(True) if line.strip())
    return text[:start] + kept + text[start:key_node.start] + text[following.start:]


def _owner(name: str) -> str:
    """Return what holds a field, in words: 'sections[1].bullets' → 'section 2'."""
    found = steps(name)
    numbers = [(found[i - 1], s) for i, s in enumerate(found) if isinstance(s, int)]
    if not numbers:
        return "the record"
    noun, index = numbers[-1] if not isinstance(found[-1], int) else (numbers[-2] if len(numbers) > 1 else (None, 0))
    return f"{NOUNS.get(str(noun), 'entry')} {index + 1}" if noun else "the record"
