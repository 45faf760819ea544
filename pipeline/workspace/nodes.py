"""Where a record's values stand in its YAML text: field paths, node offsets, and the lines of a list's entries.

The strict loader gives each scalar's offsets and each list or mapping's first position; the ends of
lists and mappings, and the lines an entry of a block list spans (with the comments that go with it),
are worked out here from the text, so a form edit can move or cut whole entries and nothing else.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..base.errors import PipelineError
from ..records.yamlload import Mapping, Node, Scalar, Sequence, parse

PATH_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\[[0-9]+\])*(\.[A-Za-z_][A-Za-z0-9_]*(\[[0-9]+\])*)*")
STEP_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]+)\]")


def root_of(text: str) -> Mapping:
    """Return the record's top mapping; ValueError (saying why, at its line) when there is none."""
    try:
        root = parse(text, "record")
    except PipelineError as exc:
        raise ValueError(str(exc.diagnostics[0])) from None
    if not isinstance(root, Mapping):
        raise ValueError("the record is not a mapping of fields")
    return root


def steps(name: str) -> list[str | int]:
    """Return a field path's steps: 'sections[1].bullets[0]' → ['sections', 1, 'bullets', 0]."""
    if not PATH_RE.fullmatch(name):
        raise ValueError(f"'{name}' is not a field the form edits")
    return [key if key else int(index) for key, index in STEP_RE.findall(name)]


def shape(name: str) -> str:
    """Return a field path without its numbers: 'sections[1].bullets[0]' → 'sections[].bullets[]'."""
    return re.sub(r"\[[0-9]+\]", "[]", name)


def path(found: list[str | int]) -> str:
    """Return the field path of some steps (the inverse of `steps`)."""
    return "".join(f"[{s}]" if isinstance(s, int) else (f".{s}" if i else s) for i, s in enumerate(found))


def child(node: Node | None, step: str | int) -> Node | None:
    """Return a mapping's value or a list's entry, or None when there is none."""
    if isinstance(step, str) and isinstance(node, Mapping):
        return next((value for key, value in node.items if key.value == step), None)
    if isinstance(step, int) and isinstance(node, Sequence):
        return node.items[step] if 0 <= step < len(node.items) else None
    return None


def find(root: Node, found: list[str | int]) -> Node | None:
    """Return the node at some steps from the root, or None."""
    node = root
    for step in found:
        node = child(node, step)
    return node


def key_of(mapping: Mapping, name: str) -> Scalar | None:
    """Return the key scalar of one of a mapping's fields."""
    return next((key for key, _ in mapping.items if key.value == name), None)


def plain(node: Node):
    """Return what a node means, as Python values (keys in order), to compare two versions of a record."""
    if isinstance(node, Scalar):
        return node.value
    if isinstance(node, Mapping):
        return [(key.value, plain(value)) for key, value in node.items]
    return [plain(item) for item in node.items]


@dataclass
class Span:
    """Whole lines of the text: [start, end)."""

    start: int
    end: int


class Source:
    """A record's text with the offsets of its lines."""

    def __init__(self, text: str):
        self.text = text
        self.lines = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def offset(self, node: Node) -> int:
        """Return where a node starts."""
        if isinstance(node, Scalar):
            return node.start
        return self.lines[node.loc.line - 1] + node.loc.column - 1

    def line_start(self, at: int) -> int:
        return self.lines[bisect.bisect_right(self.lines, at) - 1]

    def line_after(self, at: int) -> int:
        """Return the start of the line after the one holding `at` (the text's end on the last line)."""
        found = self.text.find("\n", at)
        return len(self.text) if found < 0 else found + 1

    def column(self, at: int) -> int:
        return at - self.line_start(at)

    def flow(self, node: Node) -> bool:
        """Return True for a list or mapping written in brackets or braces."""
        return not isinstance(node, Scalar) and self.text[self.offset(node)] in "[{"

    def end(self, node: Node) -> int:
        """Return where a node ends (a block scalar: after its trailing line breaks)."""
        if isinstance(node, Scalar):
            return node.end
        children = [value for _, value in node.items] if isinstance(node, Mapping) else node.items
        last = self.end(children[-1]) if children else self.offset(node) + 1
        return self._closed(last) if self.flow(node) else last

    def _closed(self, at: int) -> int:
        """Return the position after the bracket closing a flow collection whose last entry ends at `at`."""
        text = self.text
        while at < len(text):
            if text[at] in "]}":
                return at + 1
            if text[at] == "#":
                at = self.line_after(at)
                continue
            at += 1
        raise ValueError("a list written in brackets is not closed; fix it in the YAML tab")

    def content_end(self, node: Node, column: int) -> int:
        """Return the start of the line after a node's last line, and after the comment lines indented
        deeper than `column` that follow it (they belong to it)."""
        end = self.end(node)
        if isinstance(node, Scalar) and node.style in ("|", ">") and "+" in node.raw.split("\n", 1)[0]:
            at = end  # a block that keeps its trailing blank lines: they are part of the value
        else:
            at = self.line_after(len(self.text[:end].rstrip()) - 1)
        while at < len(self.text):
            line = self.text[at:self.line_after(at)]
            if not line.lstrip().startswith("#") or len(line) - len(line.lstrip(" ")) <= column:
                break
            at = self.line_after(at)
        return at

    def dash(self, item: Node) -> int:
        """Return the position of the '- ' that starts a block list's entry; ValueError when it shares
        its line with something else ('- - a')."""
        at = self.offset(item) - 1
        while at >= 0 and self.text[at] in " \n":
            at -= 1
        if at < 0 or self.text[at] != "-" or self.text[self.line_start(at):at].strip():
            raise ValueError("this list is written in a way the form cannot change; change it in the YAML tab")
        return at

    def entries(self, sequence: Sequence) -> list[Span]:
        """Return the lines of each entry of a block list: the comment lines just above its '- ', its
        own lines, and the deeper comment lines after it."""
        spans: list[Span] = []
        for item in sequence.items:
            dash = self.dash(item)
            start = self.line_start(dash)
            floor = spans[-1].end if spans else 0
            while start > floor:
                above = self.line_start(start - 1)
                if not self.text[above:start].lstrip().startswith("#"):
                    break
                start = above
            spans.append(Span(start, self.content_end(item, self.column(dash))))
        return spans
