"""Locations and diagnostics: the one message format every stage reports in."""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Location:
    """A place in a source file: display path, 1-based line and column."""

    path: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{printable(self.path)}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a record, template or setting."""

    location: Location
    message: str
    hint: str | None = None
    severity: str = "error"

    def __str__(self) -> str:
        # Messages quote what the record says; escaping keeps each one on one line and keeps
        # terminal control sequences pasted into a record from acting on the reader's screen.
        text = f"{self.location}: {self.severity}: {printable(self.message)}"
        return f"{text}\n  hint: {printable(self.hint)}" if self.hint else text


class PipelineError(Exception):
    """A failure made of one or more diagnostics; raised by library code, printed by the CLI."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("\n".join(str(d) for d in diagnostics))
        self.diagnostics = list(diagnostics)

    def __reduce__(self):
        """Pickle with the diagnostics, so errors cross from worker processes intact."""
        return type(self), (self.diagnostics,)


class RecordError(PipelineError):
    """A record cannot be built; the other records still can."""


class ConfigError(PipelineError):
    """A template, layout, font or setting is broken; nothing can be built."""


def printable(text: str) -> str:
    """Return text with every invisible or control character written as an escape (\\x1b)."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else ascii(ch)[1:-1] for ch in text)


def escaped_name(name: str) -> str:
    """Return a file name as every message and report shows it: printable, on one line, unambiguous.

    A name is chosen by whoever made the file: a newline in it would forge the summary line
    operators alert on, an ESC would act on their terminal. Backslashes are doubled so that an
    escape never reads like a name; bytes that are not UTF-8 show as \\xe9.
    """
    if name.isprintable() and "\\" not in name:  # most names; a lone surrogate is not printable
        return name
    out = []
    for ch in name:
        if ch == "\\":
            out.append("\\\\")
        elif "\udc80" <= ch <= "\udcff":  # a byte the file system gave that is not UTF-8
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        elif ch.isprintable() or ch == " ":
            out.append(ch)
        else:
            out.append(ascii(ch)[1:-1])
    return "".join(out)


def shown(value: str, limit: int = 60) -> str:
    """Return a value quoted for a message, cut to `limit` characters: 'abc…'."""
    return f"'{value if len(value) <= limit else value[:limit - 1] + '…'}'"


def did_you_mean(word: str, choices) -> str:
    """Return ' — did you mean 'x'?' for the closest choice, or ''."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" — did you mean '{close[0]}'?" if close else ""


class Collector:
    """Gathers diagnostics so a stage can report every problem at once."""

    def __init__(self):
        self.diagnostics: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []

    def warn(self, diagnostic: Diagnostic) -> None:
        """Record a warning: the record builds, but probably not as its writer meant."""
        self.warnings.append(diagnostic)

    def error(self, location: Location, message: str, hint: str | None = None) -> None:
        """Record an error."""
        self.diagnostics.append(Diagnostic(location, message, hint))

    def raise_if_any(self, kind=RecordError) -> None:
        """Raise `kind` with every error so far, sorted by place, if there is one."""
        if self.diagnostics:
            raise kind(sorted(self.diagnostics, key=lambda d: d.location))
