"""Slips a record's writer makes that YAML or the template would take silently: refused or warned about.

Each would otherwise lose or garble text with no message: a ' #' that YAML reads as a comment,
a list item that YAML reads as 'key: value', quotes pasted from Word, single braces.
"""

from __future__ import annotations

import re

from ..base.errors import Diagnostic, Location, shown
from .model import Text
from .yamlload import Mapping, Node, Scalar

_COMMENT = re.compile(r"[ \t]+#")
_OPENING, _CLOSING = "“‘„«", "”’“»"
_NAME = r"[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*(?:\[[0-9]+\])?"
_SINGLE_BRACES = re.compile(r"(?<!\{)\{[ \t]*(?P<name>" + _NAME + r")[ \t]*(?P<filter>\|[^{}\n]*?)?[ \t]*\}(?!\})")


def comment_after(scalar: Scalar) -> Diagnostic | None:
    """Return the error for a plain text value followed by ' #…' on its line: YAML drops it as a comment."""
    if not scalar.plain or not scalar.source:
        return None
    line_end = scalar.source.find("\n", scalar.end)
    rest = scalar.source[scalar.end:line_end if line_end >= 0 else len(scalar.source)]
    match = _COMMENT.match(rest)
    if match is None:
        return None
    offset = scalar.end + match.end() - 1
    line_start = scalar.source.rfind("\n", 0, offset) + 1
    where = Location(scalar.loc.path, scalar.source.count("\n", 0, offset) + 1, offset - line_start + 1)
    return Diagnostic(where, "the text after ' #' is a YAML comment and will not print",
                      "put the value in quotes or use `|`; a comment goes on its own line")


def colon_item(node: Node) -> tuple[str, str] | None:
    """Return (message, hint) when text was expected and YAML read 'key: value' on one line."""
    if not isinstance(node, Mapping) or len(node.items) != 1:
        return None
    key, value = node.items[0]
    if not (isinstance(value, Scalar) and key.plain and value.plain and key.loc.line == value.loc.line):
        return None
    line = key.source[key.start:value.end].replace("\\", "\\\\").replace('"', '\\"')
    return ("this line contains ': ', which YAML reads as 'key: value', not as text",
            f'put the whole line in double quotes: "{line}"')


def warnings(texts, figures) -> list[Diagnostic]:
    """Return a warning for each likely slip in the record's texts; `figures` are the record's names."""
    found = []
    for text in texts:
        found.extend(filter(None, (_typographic_quotes(text), *_single_braces(text, figures))))
    return found


def _typographic_quotes(text: Text) -> Diagnostic | None:
    """Warn about a plain value wrapped in quotes pasted from Word: they print, YAML quotes would not."""
    value = text.source
    if not text.node.plain or len(value) < 2 or value[0] not in _OPENING or value[-1] not in _CLOSING:
        return None
    inner = value[1:-1].replace("\\", "\\\\").replace('"', '\\"')
    return Diagnostic(text.node.loc, f"'{text.field}' is wrapped in typographic quotes {value[0]}…{value[-1]}, "
                                     f"which print on the sheet",
                      f'if they were meant as YAML quotes, write straight ones: "{inner}"; to print them, '
                      f"quote the whole value: '{value}'", "warning")


def _single_braces(text: Text, figures) -> list[Diagnostic]:
    """Warn about `{ name }` around a figure name: only `{{ name }}` is filled in."""
    found = []
    for match in _SINGLE_BRACES.finditer(text.source):
        name = match.group("name")
        if name.split(".")[0].split("[")[0] not in figures and not name.startswith("data."):
            continue
        meant = f"{{{{ {name}{' ' + match.group('filter').strip() if match.group('filter') else ''} }}}}"
        nth = text.source.count(match.group(), 0, match.start())
        found.append(Diagnostic(text.node.locate(match.group(), nth),
                                f"in '{text.field}': {shown(match.group())} has single braces, so it prints "
                                f"as written", f"did you mean `{meant}`?", "warning"))
    return found
