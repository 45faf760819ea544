"""Lines in parts at tab stops (a banner centred and the date at the right margin), decided once for every writer.

A template asks for `<tab stop="center"/>` or `<tab stop="right"/>` inside a paragraph: the text after
it sits centred on the text column or ends at the right margin. Word lays such a line out with its
tab stops and the PDF places each part itself, so both agree only while every part fits its place
on one line with room between them. Where they would not (a long banner with caveats), `arrange`
prints each part on a line of its own, at its own stop: nothing overlaps and nothing is dropped.
"""

from __future__ import annotations

import itertools

from ..base import fonts
from .look import Look, Style
from .tree import Field, Inline, Paragraph, Run, Tab, TabStop

_GAP = 0.5  # the least room between two parts of a line, in ems of the style's size


def stop(name: str, look: Look) -> TabStop:
    """Return the tab stop a template names: 'left' (the margin), 'center' (the column's middle), 'right'."""
    width = look.page.text_width
    position = {"left": 0.0, "center": width / 2, "right": width}[name]
    return TabStop(round(position, 2), name)


def arrange(paragraph: Paragraph, look: Look) -> tuple[Paragraph, ...]:
    """Return the paragraph as one line in parts if its parts fit, else one paragraph per part."""
    if not paragraph.tabs:
        return (paragraph,)
    style = look.style(paragraph.style)
    parts = split(paragraph.inlines)
    if len(parts) - 1 != len(paragraph.tabs):
        raise ValueError(f"a paragraph with {len(parts) - 1} tabs needs as many tab stops, "
                         f"not {len(paragraph.tabs)}")
    if fits(parts, paragraph.tabs, style, look):
        return (paragraph,)
    alone = [Paragraph(paragraph.style, parts[0], paragraph.keep_with_next)] if parts[0] else []
    alone += [Paragraph(paragraph.style, (Tab(), *part), paragraph.keep_with_next, (at,))
              for part, at in zip(parts[1:], paragraph.tabs, strict=True) if part]
    return tuple(alone)


def split(inlines: tuple[Inline, ...]) -> list[tuple[Inline, ...]]:
    """Return the parts of a line between its tabs (the first is the text before the first tab)."""
    parts: list[list[Inline]] = [[]]
    for item in inlines:
        if isinstance(item, Tab):
            parts.append([])
        else:
            parts[-1].append(item)
    return [tuple(part) for part in parts]


def extent(width: float, at: TabStop) -> tuple[float, float]:
    """Return where a part `width` points wide starts and ends when placed at a stop."""
    if at.align == "center":
        return at.position - width / 2, at.position + width / 2
    if at.align == "right":
        return at.position - width, at.position
    return at.position, at.position + width


def fits(parts, stops, style: Style, look: Look) -> bool:
    """Return whether every part lies inside the margins, each clear of the one before it."""
    room = look.page.text_width
    places = [(style.left_indent, style.left_indent + width(parts[0], style))] if parts[0] else []
    places += [extent(width(part, style), at) for part, at in zip(parts[1:], stops, strict=True) if part]
    gap = _GAP * style.size
    if any(start < 0 or end > room + 0.01 for start, end in places):
        return False
    return all(after[0] >= before[1] + gap for before, after in itertools.pairwise(places))


def width(part: tuple[Inline, ...], style: Style) -> float:
    """Return the printed width of a part's runs in its style (a page field counted as two digits)."""
    total = 0.0
    for item in part:
        if isinstance(item, Run):
            total += fonts.text_width(item.text, style.size, item.bold or style.bold, item.italic or style.italic)
        elif isinstance(item, Field):
            total += fonts.text_width("00", style.size, style.bold, style.italic)
    return total
