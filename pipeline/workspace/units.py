"""Record prose as the form's text editor shows it: runs of text, figure references as single units,
and the three marks (**bold**, *italic*, [links](https://…)), each unit keeping the exact text it was
read from, so that joining the units gives back the record text byte for byte.

The marks are found by the rules the sheets print them by (render/text.py): a mark opens before a
character that is not a space and closes after one, within a paragraph; a mark that does not close is
literal text. A figure reference counts as an ordinary word there, as it does once it is printed.
"""

from __future__ import annotations

import bisect
import re

REFERENCE = re.compile(r"\{\{.*?\}\}", re.S)  # any reference, however written: one unit
_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")  # as render/text.py splits paragraphs
_LINK = re.compile(r"\[([^\[\]\n]+)\]\(([^()\s]+)\)")
_BOLD_CLOSE = re.compile(r"(?<=\S)\*\*")
_ITALIC_CLOSE = re.compile(r"(?<=\S)\*(?:(?!\*)|(?=\*\*))")  # a lone '*', or the first of '***'


def split(text: str) -> list:
    """Return the units of a prose value: ["t", text], ["s", "\n"] (a line break inside a paragraph,
    printed as a space), ["f", reference], ["b", units], ["i", units], ["a", href, units];
    source(split(text)) == text always."""
    masked = REFERENCE.sub(lambda m: "x" * len(m.group()), text)  # a reference: a word, same length
    marks = _Marks(text, masked)
    out: list = []
    start = 0
    for gap in _PARAGRAPH.finditer(masked):
        out += marks.units(start, gap.start(), True)
        out.append(["t", text[gap.start():gap.end()]])
        start = gap.end()
    out += marks.units(start, len(text), True)
    return _joined(out)


def line(text: str) -> list:
    """Return the units of a one-line value (a title, a heading, a table cell): its text and its figure
    references only, since such a value prints no marks; source(line(text)) == text always."""
    out: list = []
    start = 0
    for found in REFERENCE.finditer(text):
        out += [["t", text[start:found.start()]]] if found.start() > start else []
        out.append(["f", found.group()])
        start = found.end()
    return out + ([["t", text[start:]]] if start < len(text) else [])


def source(units: list) -> str:
    """Return the record text units were read from."""
    parts = []
    for unit in units:
        kind = unit[0]
        if kind in ("t", "f", "s"):
            parts.append(unit[1])
        elif kind == "a":
            parts.append("[" + source(unit[2]) + "](" + unit[1] + ")")
        else:
            mark = "**" if kind == "b" else "*"
            parts.append(mark + source(unit[1]) + mark)
    return "".join(parts)


class _Marks:
    """Finds marks in one paragraph of the masked text and cuts the real text into units."""

    def __init__(self, text: str, masked: str):
        self.text, self.masked = text, masked
        blank = {at for gap in _PARAGRAPH.finditer(masked) for at in range(gap.start(), gap.end())}
        self.soft = [m.start() for m in re.finditer("\n", masked)
                     if 0 < m.start() < len(text) - 1 and m.start() not in blank]

    def units(self, start: int, end: int, links: bool) -> list:
        """Return the units of text[start:end]; `links`: a link may open here (not inside one)."""
        out, literal, at = [], start, start
        while at < end:
            span = self._span(at, end, links)
            if span is None:
                at += 1
                continue
            out += self._plain(literal, at)
            kind, inner, stop, after, href = span
            inside = self.units(inner, stop, links and kind != "a")
            out.append(["a", href, inside] if kind == "a" else [kind, inside])
            at = literal = after
        return out + self._plain(literal, end)

    def _plain(self, start: int, end: int) -> list:
        """Return text without marks: runs of text, the references and the soft line breaks in it."""
        out, at = [], start
        for ref in REFERENCE.finditer(self.text, start, end):
            out += self._lines(at, ref.start())
            out.append(["f", ref.group()])
            at = ref.end()
        return out + self._lines(at, end)

    def _lines(self, start: int, end: int) -> list:
        """Return a run of text, each line break inside a paragraph its own unit."""
        out, at = [], start
        for brk in self.soft[bisect.bisect_left(self.soft, start):bisect.bisect_left(self.soft, end)]:
            out += [["t", self.text[at:brk]]] if brk > at else []
            out.append(["s", "\n"])
            at = brk + 1
        return out + ([["t", self.text[at:end]]] if end > at else [])

    def _span(self, at: int, end: int, links: bool):
        """Return (kind, inner start, inner end, end, href) of a mark opening at `at`, or None."""
        masked = self.masked
        if masked.startswith("**", at, end):
            close = self._closer(at + 2, end, _BOLD_CLOSE)
            if close is not None:
                close += 1 if masked.startswith("***", close, end) else 0  # '***': italic closes first
                return "b", at + 2, close, close + 2, None
        elif masked[at] == "*":
            close = self._closer(at + 1, end, _ITALIC_CLOSE)
            if close is not None:
                return "i", at + 1, close, close + 1, None
        elif links and masked[at] == "[":
            found = _LINK.match(masked, at, end)
            if found:
                return "a", found.start(1), found.end(1), found.end(), self.text[found.start(2):found.end(2)]
        return None

    def _closer(self, start: int, end: int, closes: re.Pattern) -> int | None:
        """Return where a mark opened just before `start` closes within `end`, or None ('* ' is literal)."""
        if start >= end or self.masked[start].isspace():
            return None
        found = closes.search(self.masked, start + 1, end)
        return found.start() if found else None


def _joined(units: list) -> list:
    """Return units with neighbouring text runs joined."""
    out: list = []
    for unit in units:
        if unit[0] == "t" and out and out[-1][0] == "t":
            out[-1] = ["t", out[-1][1] + unit[1]]
        elif unit[0] != "t" or unit[1]:
            out.append(unit)
    return out
