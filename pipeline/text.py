"""Record prose to runs: paragraphs, and the three inline marks (**bold**, *italic*, links)."""

from __future__ import annotations

import re

from .doctree import Run
from .errors import shown

SCHEMES = ("https", "http", "mailto")
_PARA_BREAK = re.compile(r"\n[ \t]*\n\s*")
_LINE_BREAK = re.compile(r"[ \t]*\n[ \t]*")
_LINK = re.compile(r"\[([^\[\]\n]+)\]\(([^()\s]+)\)")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


class MarkError(Exception):
    """Text uses a mark wrongly; `needle` is the text to point at."""

    def __init__(self, message: str, needle: str, hint: str | None = None):
        super().__init__(message)
        self.message, self.needle, self.hint = message, needle, hint


def paragraphs(text: str) -> list[str]:
    """Split text on blank lines; single line breaks inside a paragraph become spaces."""
    return [_LINE_BREAK.sub(" ", part).strip(" \t\n") for part in _PARA_BREAK.split(text)
            if part.strip(" \t\n")]


def runs(text: str) -> tuple[Run, ...]:
    """Return the runs of one paragraph; characters outside the marks stay literal."""
    return tuple(_merge(_parse(text, False, False, None)))


def _parse(text: str, bold: bool, italic: bool, href: str | None) -> list[Run]:
    """Parse marks left to right; an unmatched mark character is literal text."""
    out, buf, i = [], [], 0

    def flush():
        if buf:
            out.append(Run("".join(buf), bold, italic, href))
            buf.clear()

    while i < len(text):
        span = _span(text, i, href is None)
        if span is None:
            buf.append(text[i])
            i += 1
            continue
        kind, inner, end, target = span
        flush()
        if kind == "link":
            out.extend(_parse(inner, bold, italic, target))
        else:
            out.extend(_parse(inner, bold or kind == "b", italic or kind == "i", href))
        i = end
    flush()
    return out


def _span(text: str, i: int, links: bool):
    """Return (kind, inner, end, href) for a mark opening at `i`, or None."""
    if text.startswith("**", i):
        close = _closer(text, i + 2, "**")
        if close is not None:
            return "b", text[i + 2:close], close + 2, None
    if text[i] == "*" and not text.startswith("**", i):
        close = _closer(text, i + 1, "*")
        if close is not None:
            return "i", text[i + 1:close], close + 1, None
    if links and text[i] == "[":
        match = _LINK.match(text, i)
        if match:
            return "link", match.group(1), match.end(), _checked_href(match.group(2))
    return None


def _closer(text: str, start: int, mark: str) -> int | None:
    """Return where `mark` closes a span opened just before `start`, or None."""
    if start >= len(text) or text[start].isspace():
        return None  # '* ' or '** ' is a literal asterisk, as in "5 * 3"
    at = start
    while True:
        at = text.find(mark, at + 1)
        if at < 0:
            return None
        single_ok = mark != "*" or not (text.startswith("**", at) and not text.startswith("***", at))
        if not text[at - 1].isspace() and single_ok:
            # In '***' the bold closer is the last two stars, so italic closes first.
            return at + 1 if mark == "**" and text.startswith("***", at) else at


def _checked_href(href: str) -> str:
    """Return a link target whose scheme is allowed; MarkError otherwise."""
    match = _SCHEME.match(href)
    if not match or match.group(1).lower() not in SCHEMES:
        raise MarkError(f"link target {shown(href)} is not allowed", href,
                        "links must start with https:, http: or mailto:")
    return href


def _merge(items: list[Run]) -> list[Run]:
    """Join neighbouring runs that carry the same marks."""
    merged: list[Run] = []
    for run in items:
        if merged and (merged[-1].bold, merged[-1].italic, merged[-1].href) == (run.bold, run.italic, run.href):
            merged[-1] = Run(merged[-1].text + run.text, run.bold, run.italic, run.href)
        elif run.text:
            merged.append(run)
    return merged
