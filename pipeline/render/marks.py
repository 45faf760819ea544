"""Portion marks checked on what is printed: every paragraph, item body and table cell, references filled in.

The record check (records/marking.py) reads text as written; a figure reference can print a blank
line (a new, unmarked paragraph) or a mark, and an item's later paragraphs and table cells print as
paragraphs of their own. This check reads the text the sheet prints, so none of these slips past.
A table cell need not open with a mark (its caption carries one), but none may be above the banner.
"""

from __future__ import annotations

from ..base.errors import Collector, shown
from ..records import marking
from ..records.model import Record, Text
from .view import Rich, SheetView

MUST, MAY = True, False  # whether a printed paragraph must open with a mark


def check(record: Record, view: SheetView, classified: bool, c: Collector) -> None:
    """Report printed paragraphs with no mark (internal papers), above the banner, or marked on a public sheet."""
    level = marking.banner_level(record.classification.source) if classified and record.classification else None
    for text, paragraph, must in _printed(record, view):
        mark = marking.MARK.match(paragraph)
        if not classified:
            if mark:
                c.error(_where(text, paragraph), f"in '{text.field}': the sheet would print the portion mark "
                        f"{mark.group()}, which is for internal papers; layout '{record.layout}' is a public "
                        "fact sheet", f"remove '{mark.group()}' from the text or from the figure it prints")
        elif mark is None and must:
            c.error(_where(text, paragraph), f"in '{text.field}': the sheet would print the paragraph "
                    f"{shown(paragraph[:40])} with no portion mark; every printed paragraph of a briefing paper "
                    "opens with one", "start it with its mark and a space, e.g. '(U) '; a figure reference must "
                                      "not print a blank line")
        elif mark and level and marking.LEVELS.index(mark["level"]) > marking.LEVELS.index(level):
            c.error(_where(text, paragraph), f"in '{text.field}': the sheet would print the portion mark "
                    f"{mark.group()}, above the banner {shown(record.classification.source)} ({level})",
                    f"mark it ({level}) or lower, or raise the 'classification' to cover it")


def _where(text: Text, paragraph: str):
    """Return where a printed paragraph comes from: its words as written, else the first reference."""
    opening = paragraph.split("\n", 1)[0][:40]
    if opening and opening in text.node.raw:
        return text.node.locate(opening)
    return text.node.locate("{{")


def _printed(record: Record, view: SheetView):
    """Yield (text, printed paragraph, must be marked) for every paragraph the record's text prints."""
    for name in ("title", "subtitle", "lead", "highlight"):
        yield from _paragraphs(getattr(record, name), getattr(view, name), MUST)
    for section, shown_section in zip(record.sections, view.sections, strict=True):
        if section.heading is not None:  # a heading is not a portion; it must not print one either
            yield from _paragraphs(section.heading, shown_section.heading, MAY)
        for content, block in zip(section.content, shown_section.blocks, strict=True):
            yield from _block(content, block)
    for text, rich in zip(record.notes, view.notes, strict=True):
        yield from _paragraphs(text, rich, MUST)


def _block(content, block):
    """Yield the printed paragraphs of one content block."""
    value = content.value
    if content.kind == "text":
        yield from _paragraphs(value, Rich(list(block.paragraphs)), MUST)
    elif content.kind == "bullets":
        for text, rich in zip(value, block.items, strict=True):
            yield from _paragraphs(text, rich, MUST)
    elif content.kind == "items":
        for item, shown_item in zip(value, block.items, strict=True):
            yield from _paragraphs(item.term, shown_item.term, MUST)  # the term opens the first paragraph
            for index, paragraph in enumerate(shown_item.text or ()):
                yield item.text, paragraph.plain, MAY if index == 0 else MUST
    elif content.kind == "table":
        for text, rich in zip(value.columns, block.columns, strict=True):
            yield from _paragraphs(text, rich, MAY)
        for row, shown_row in zip(value.rows, block.rows, strict=True):
            for text, rich in zip(row, shown_row, strict=True):
                yield from _paragraphs(text, rich, MAY)
        yield from _paragraphs(value.caption, block.caption, MUST)
    elif content.kind == "chart" and block.chart is not None:
        yield from _paragraphs(value.title, block.chart.title, MUST)


def _paragraphs(text: Text | None, rich: Rich | None, must: bool):
    """Yield each printed paragraph of a text field."""
    if text is None or rich is None:
        return
    for paragraph in rich:
        yield text, paragraph.plain, must
