"""The inline-mark parser as it was before issue 12: quadratic, recursive, but the reviewed meaning.

tests/test_text.py checks that pipeline/text.py (linear, with an explicit stack) gives the same
runs as this for any text; keep it as the specification of what the marks mean.
"""

from pipeline.document.tree import Run
from pipeline.render.text import _LINK, _checked_href


def runs(text: str) -> tuple[Run, ...]:
    """Return the runs of one paragraph; characters outside the marks stay literal."""
    return tuple(_merge(_parse(text, False, False, None)))


def _parse(text, bold, italic, href):
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


def _span(text, i, links):
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


def _closer(text, start, mark):
    """Return where `mark` closes a span opened just before `start`, or None."""
    if start >= len(text) or text[start].isspace():
        return None
    at = start
    while True:
        at = text.find(mark, at + 1)
        if at < 0:
            return None
        single_ok = mark != "*" or not (text.startswith("**", at) and not text.startswith("***", at))
        if not text[at - 1].isspace() and single_ok:
            return at + 1 if mark == "**" and text.startswith("***", at) else at


def _merge(items):
    """Join neighbouring runs that carry the same marks."""
    merged = []
    for run in items:
        if merged and (merged[-1].bold, merged[-1].italic, merged[-1].href) == (run.bold, run.italic, run.href):
            merged[-1] = Run(merged[-1].text + run.text, run.bold, run.italic, run.href)
        elif run.text:
            merged.append(run)
    return merged
