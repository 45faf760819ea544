"""How diagnostics are shown: to people (concise, full) and to programs (json, github)."""

from __future__ import annotations

import json
import os

from ..base.errors import Diagnostic, printable
from ..records.fieldpaths import field_at, source_text

STYLES = ("concise", "full", "json", "github")
_COLOURS = {"error": "1;31", "warning": "1;35", "path": "1", "hint": "36", "caret": "1;32"}


def colour_wanted(stream) -> bool:
    """Return True when `stream` should get colour: a terminal, unless NO_COLOR; always with FORCE_COLOR."""
    if os.environ.get("NO_COLOR"):  # https://no-color.org: any non-empty value turns colour off
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)())


class Formatter:
    """Turns diagnostics into lines of one style; `colour` only for the two styles people read."""

    def __init__(self, style: str = "concise", colour: bool = False):
        if style not in STYLES:
            raise ValueError(f"unknown diagnostics style {style!r}")
        self.style, self.colour = style, colour and style in ("concise", "full")

    def format(self, d: Diagnostic) -> str:
        """Return one diagnostic as text (possibly several lines)."""
        return getattr(self, f"_{self.style}")(d)

    def _paint(self, text: str, what: str) -> str:
        """Return text in the colour for `what` when colour is on."""
        return f"\x1b[{_COLOURS[what]}m{text}\x1b[0m" if self.colour else text

    def _head(self, d: Diagnostic) -> str:
        """Return 'path:line:col: error: message', painted."""
        return (f"{self._paint(str(d.location), 'path')}: {self._paint(d.severity + ':', d.severity)} "
                f"{printable(d.message)}")

    def _concise(self, d: Diagnostic) -> str:
        hint = f"\n  {self._paint('hint:', 'hint')} {printable(d.hint)}" if d.hint else ""
        return self._head(d) + hint

    def _full(self, d: Diagnostic) -> str:
        lines = [self._head(d)]
        source = source_line(d.location.path, d.location.line)
        if source is not None:
            gutter = f"{d.location.line:>5} | "
            lines.append(gutter + printable(source))
            # The caret sits under the column; tabs are kept so that it lines up in a terminal.
            lead = "".join("\t" if ch == "\t" else " " for ch in source[:d.location.column - 1])
            lines.append(" " * (len(gutter) - 2) + "| " + lead + self._paint("^", "caret"))
        if d.hint:
            lines.append(f"  {self._paint('hint:', 'hint')} {printable(d.hint)}")
        return "\n".join(lines)

    def _json(self, d: Diagnostic) -> str:
        loc = d.location
        return json.dumps({"path": loc.path, "line": loc.line, "column": loc.column, "severity": d.severity,
                           "field": field_at(loc.path, loc.line, loc.column), "message": d.message,
                           "hint": d.hint}, ensure_ascii=False)

    def _github(self, d: Diagnostic) -> str:
        # Workflow commands: properties and message have their own escapes (%, CR, LF, ':' and ',').
        loc = d.location
        props = f"file={_gh(loc.path, True)},line={loc.line},col={loc.column}"
        message = d.message + (f" (hint: {d.hint})" if d.hint else "")
        return f"::{'error' if d.severity == 'error' else 'warning'} {props}::{_gh(message, False)}"


def _gh(text: str, prop: bool) -> str:
    """Return text escaped for a GitHub workflow command."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def source_line(path: str, line: int) -> str | None:
    """Return line `line` (1-based) of a readable text file, else None."""
    lines = _lines(path)
    return lines[line - 1] if lines and 1 <= line <= len(lines) else None


def _lines(path: str) -> tuple[str, ...] | None:
    """Return a small text file's lines, or None when it is missing, binary or huge."""
    text = source_text(path)
    return None if text is None else tuple(text.split("\n"))
