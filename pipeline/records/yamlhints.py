"""YAML syntax errors in plain words: read the lines around PyYAML's mark and say what went wrong."""

from __future__ import annotations

import re

from ..base.errors import Diagnostic, Location

# The start of a value on a line: "key: " or "- " (several, for nested list items), then the value.
_VALUE = re.compile(r"^(?P<lead>\s*(?:-\s+)*(?:[^\s#'\"][^:#]*?:\s+)?)(?P<value>\S.*)$")
_KEY_LINE = re.compile(r"^\s*(?:-\s+)*[^\s#'\"-][^:#]*?:(\s|$)")
_NO_SPACE = re.compile(r"^\s*(?:-\s+)*(?P<key>[A-Za-z_][A-Za-z0-9_-]*):(?P<rest>[^\s:].*)$")

INDENT_HINT = ("line it up with the fields of the same level above it, using spaces; if it continues "
               "the text of the line above, write that value with '|' and the text on indented lines")


def explain(text: str, line: int, column: int, problem: str, path: str) -> Diagnostic | None:
    """Return a plain-words diagnostic for a PyYAML error at 1-based `line`, or None to keep its own."""
    lines = text.split("\n")
    for check in (_unclosed_quote, _starts_with_quote, _no_space_after_colon, _colon_in_value,
                  _stray_tab, _indentation):
        found = check(lines, line, column, problem, path)
        if found is not None:
            return found
    return None


def _quoted_value(source: str) -> tuple[int, str] | None:
    """Return (column from 0, quote) when the value on this line starts with a quote."""
    match = _VALUE.match(source)
    if match and match.group("value")[0] in "\"'":
        return match.start("value"), match.group("value")[0]
    return None


def _closing(source: str, start: int, quote: str) -> int | None:
    """Return the index of the quote that closes the one at `start` on this line, or None."""
    at = start + 1
    while at < len(source):
        ch = source[at]
        if quote == '"' and ch == "\\":
            at += 2
            continue
        if ch == quote:
            if quote == "'" and source[at + 1:at + 2] == "'":  # '' is a quote inside '…'
                at += 2
                continue
            return at
        at += 1
    return None


def _unclosed_quote(lines, line, column, problem, path):
    """A value opened with a quote that its line never closes: YAML read on until a later quote."""
    for number in range(1, min(line, len(lines)) + 1):
        source = lines[number - 1]
        opened = _quoted_value(source)
        if opened is None or (number == line and "quote" not in problem and "stream" not in problem):
            continue
        start, quote = opened
        if _closing(source, start, quote) is None:
            return Diagnostic(Location(path, number, start + 1),
                              "this quote is not closed on its line, so YAML reads the lines after it "
                              "as part of this value",
                              f"end the value with {quote} on this line; for text over several lines "
                              f"write '|' after the ':' and the text on the next lines, indented")
    return None


def _starts_with_quote(lines, line, column, problem, path):
    """`- "Cambodia" is a partner`: a quoted value with more text after its closing quote."""
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    opened = _quoted_value(source)
    if opened is None:
        return None
    start, quote = opened
    end = _closing(source, start, quote)
    rest = source[end + 1:].strip() if end is not None else ""
    if not rest or rest.startswith("#"):
        return None
    whole = source[start:].rstrip().replace("\\", "\\\\").replace('"', '\\"')
    return Diagnostic(Location(path, line, start + 1),
                      "this value starts with a quote, so YAML ends it at the closing quote and cannot "
                      "read the rest of the line",
                      f"put the whole line in double quotes, writing each inner \" as \\\": "
                      f"{source[:start].strip()} \"{whole}\" (or use typographic quotes “ ”)".strip())


def _no_space_after_colon(lines, line, column, problem, path):
    """`title:Laos`: YAML needs a space after the colon."""
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    match = _NO_SPACE.match(source)
    if match is None or "could not find expected ':'" not in problem:
        return None
    return Diagnostic(Location(path, line, match.end("key") + 1),
                      f"a space is missing after '{match.group('key')}:'",
                      f"write '{match.group('key')}: {match.group('rest').strip()}'; YAML needs a space "
                      f"after the ':' of a field")


def _colon_in_value(lines, line, column, problem, path):
    """`title: Note: more`: a second ': ' on the line of a value (not a line indented wrongly)."""
    if "mapping values are not allowed" not in problem:
        return None
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    if _continues(lines, line):
        return _indentation(lines, line, column, "indent", path)
    match = _VALUE.match(source)
    value = match.group("value").rstrip() if match else source.strip()
    key = match.group("lead").strip() if match else ""
    quoted = value.replace("\\", "\\\\").replace('"', '\\"')
    return Diagnostic(Location(path, line, column),
                      "this value contains ': ', which YAML reads as the start of another 'key: value'",
                      f"put the whole value in double quotes: {key} \"{quoted}\"".replace("  ", " "))


def _continues(lines, line: int) -> bool:
    """Return True when `line` is a 'key: value' line indented deeper than the field above it."""
    if not 1 < line <= len(lines) or not _KEY_LINE.match(lines[line - 1]):
        return False
    above = next((lines[n] for n in range(line - 2, -1, -1) if lines[n].strip()
                  and not lines[n].lstrip().startswith("#")), "")
    indent = len(lines[line - 1]) - len(lines[line - 1].lstrip())
    deeper = indent > len(above) - len(above.lstrip())
    return bool(_KEY_LINE.match(above)) and deeper and not above.rstrip().endswith(":")


def _stray_tab(lines, line, column, problem, path):
    """A tab where YAML needs spaces."""
    if "'\\t'" not in problem and "tab" not in problem:
        return None
    return Diagnostic(Location(path, line, column),
                      "a tab character is not allowed here: YAML indents and separates with spaces only",
                      "replace the tab with spaces (editors often insert tabs when you press Tab)")


def _indentation(lines, line, column, problem, path):
    """PyYAML's "expected <block end>" and the like: a line that does not line up."""
    if not any(word in problem for word in ("indent", "expected <block end>", "block mapping",
                                            "block collection", "expected <document start>")):
        return None
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    start = len(source) - len(source.lstrip()) + 1
    return Diagnostic(Location(path, line, start),
                      "this line is indented differently from the lines around it", INDENT_HINT)
