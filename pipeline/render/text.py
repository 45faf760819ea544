"""Record prose to runs: paragraphs, and the three inline marks (**bold**, *italic*, links)."""

from __future__ import annotations

import re

from ..base.errors import shown
from ..document.tree import Run

SCHEMES = ("https", "http", "mailto")
_PARA_BREAK = re.compile(r"\n[ \t]*\n\s*")
_LINE_BREAK = re.compile(r"[ \t]*\n[ \t]*")
# Pasted text's double spaces (after a full stop, often a no-break space and a space, as web pages
# write them): one space in both formats, as a line break is. A no-break space alone stays.
_SPACES = re.compile(r"[ \u00a0]*(?: [ \u00a0]|\u00a0 )[ \u00a0]*")
_LINK = re.compile(r"\[([^\[\]\n]+)\]\(([^()\s]+)\)")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_OPENER = re.compile(r"[*\[]")  # the only characters that can open a span


class MarkError(Exception):
    """Text uses a mark wrongly; `needle` is the text to point at."""

    def __init__(self, message: str, needle: str, hint: str | None = None):
        super().__init__(message)
        self.message, self.needle, self.hint = message, needle, hint


def paragraphs(text: str) -> list[str]:
    """Split text on blank lines; single line breaks and runs of spaces inside a paragraph become one space."""
    if "\n" not in text and "  " not in text and "\u00a0" not in text:  # one line, nothing to fold
        return [part] if (part := text.strip(" \t\n")) else []
    return [_SPACES.sub(" ", _LINE_BREAK.sub(" ", part)).strip(" \t\n") for part in _PARA_BREAK.split(text)
            if part.strip(" \t\n")]


def runs(text: str) -> tuple[Run, ...]:
    """Return the runs of one paragraph; characters outside the marks stay literal."""
    if _OPENER.search(text) is None:  # no mark can open: the text is one plain run
        return (Run(text),) if text else ()
    return tuple(_merge(_Parser(text).parse()))


class _Parser:
    """Marks left to right in linear time; an unmatched mark character is literal text.

    A span's closer is looked up in tables made once per paragraph, not searched for at each
    opener: searching made 'x *x *x …' (no opener ever closes) take quadratic time. Spans are
    parsed with an explicit stack, so deep nesting cannot exhaust Python's recursion limit.
    """

    def __init__(self, text: str):
        self.text = text
        # Text without a star never looks a closer up (most prose), so its tables are not made.
        starred = "*" in text
        self.next_bold = _next_valid(text, lambda at: text.startswith("**", at)) if starred else []
        # A single '*' closes italic unless it starts a '**' that is not part of a '***'.
        self.next_italic = _next_valid(text, lambda at: text[at] == "*" and not (
            text.startswith("**", at) and not text.startswith("***", at))) if starred else []

    def parse(self) -> list[Run]:
        """Return the runs of the whole text, marks applied (neighbours not yet merged)."""
        out: list[Run] = []
        stack = [[0, len(self.text), False, False, None]]  # position, end, bold, italic, href
        while stack:
            frame = stack[-1]
            at, end, bold, italic, href = frame
            literal = at
            span = None
            # Only '*' and '[' can open a span: jump from one to the next, not a character at a time.
            while (found := _OPENER.search(self.text, at, end)) is not None:
                at = found.start()
                if (span := self._span(at, end, href is None)) is not None:
                    break
                at += 1
            else:
                at = max(at, end)
            if at > literal:
                out.append(Run(self.text[literal:at], bold, italic, href))
            if at >= end:
                stack.pop()
                continue
            kind, start, stop, frame[0], target = span
            stack.append([start, stop, bold or kind == "b", italic or kind == "i",
                          target if kind == "link" else href])
        return out

    def _span(self, i: int, end: int, links: bool):
        """Return (kind, inner start, inner end, end, href) for a mark opening at `i`, or None."""
        text = self.text
        ch = text[i]
        if ch == "*" and i + 1 < end and text[i + 1] == "*":
            close = self._closer(i + 2, end, 2)
            if close is not None:
                return "b", i + 2, close, close + 2, None
        elif ch == "*":
            close = self._closer(i + 1, end, 1)
            if close is not None:
                return "i", i + 1, close, close + 1, None
        elif links and ch == "[":
            match = _LINK.match(text, i, end)
            if match:
                return "link", match.start(1), match.end(1), match.end(), _checked_href(match.group(2))
        return None

    def _closer(self, start: int, end: int, width: int) -> int | None:
        """Return where a mark `width` stars wide closes a span opened just before `start`, or None.

        Within `end` it is the first star run after `start` not preceded by a space; in '***'
        the bold closer is the last two stars, so an italic inside closes first.
        """
        text = self.text
        if start >= end or text[start].isspace():
            return None  # '* ' or '** ' is a literal asterisk, as in "5 * 3"
        # The tables judge each place against the whole text; the last three places before
        # `end` see fewer stars inside this span, so they are judged here instead.
        table = self.next_bold if width == 2 else self.next_italic
        at = table[start + 1] if start + 1 < len(table) else None
        if at is not None and at + 3 <= end:
            return at + 1 if width == 2 and text.startswith("***", at, end) else at
        for at in range(max(start + 1, end - 3), end - width + 1):
            if text.startswith("*" * width, at, end) and not text[at - 1].isspace() and (
                    width == 2 or not (text.startswith("**", at, end) and not text.startswith("***", at, end))):
                return at + 1 if width == 2 and text.startswith("***", at, end) else at
        return None


def _next_valid(text: str, closes) -> list[int | None]:
    """Return, for each place, the first place at or after it where `closes` holds after a non-space."""
    table: list[int | None] = [None] * (len(text) + 1)
    following = None
    for at in range(len(text) - 1, 0, -1):
        if text[at] == "*" and not text[at - 1].isspace() and closes(at):
            following = at
        table[at] = following
    return table


def _checked_href(href: str) -> str:
    """Return a link target whose scheme is allowed; MarkError otherwise."""
    match = _SCHEME.match(href)
    if not match or match.group(1).lower() not in SCHEMES:
        raise MarkError(f"link target {shown(href)} is not allowed", href,
                        "links must start with https:, http: or mailto:")
    return href


def _merge(items: list[Run]) -> list[Run]:
    """Join neighbouring runs that carry the same marks (in one join each, not pair by pair)."""
    merged: list[Run] = []
    pieces: list[str] = []
    for run in items:
        if not run.text:
            continue
        if merged and (merged[-1].bold, merged[-1].italic, merged[-1].href) == (run.bold, run.italic, run.href):
            pieces.append(run.text)
            continue
        if merged and len(pieces) > 1:
            merged[-1] = Run("".join(pieces), merged[-1].bold, merged[-1].italic, merged[-1].href)
        merged.append(run)
        pieces = [run.text]
    if merged and len(pieces) > 1:
        merged[-1] = Run("".join(pieces), merged[-1].bold, merged[-1].italic, merged[-1].href)
    return merged
