"""Classification banners and portion marks of internal papers, and the fixed headings of a layout.

A banner is free text whose level is read from its part before the first `//`:
UNCLASSIFIED (U), SENSITIVE BUT UNCLASSIFIED (SBU), CONFIDENTIAL (C), SECRET (S), TOP SECRET (TS).
What follows a `//` is a caveat (NOFORN, …) and does not change the level. A portion mark opens a
paragraph: `(U)`, `(SBU)`, `(C)`, `(S)` or `(TS)`, optionally with caveats (`(SBU//NF)`), then a
space. No mark may be above the banner's level.
"""

from __future__ import annotations

import itertools
import re

from ..base.errors import Collector, did_you_mean, shown
from . import fields
from .model import Record, Text

LEVELS = ("U", "SBU", "C", "S", "TS")  # lowest first
BANNERS = {"UNCLASSIFIED": "U", "SENSITIVE BUT UNCLASSIFIED": "SBU", "CONFIDENTIAL": "C",
           "SECRET": "S", "TOP SECRET": "TS"}
MARK = re.compile(r"\((?P<level>U|SBU|C|S|TS)(?P<caveats>(//[A-Z0-9][A-Z0-9 ,.-]*)*)\)(?=[ \u00a0])")
_LOOKS_LIKE_MARK = re.compile(r"\([A-Za-z/ ,.-]{1,24}\)")  # "(Unclas)", "(u)": a mark misspelt
_PARA_BREAK = re.compile(r"\n[ \t]*\n\s*")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
HEADING_FIELDS = fields.names("top", heading=True)  # record fields a layout's headings may name as {field}


def banner_level(text: str) -> str | None:
    """Return the level a banner states (U … TS), or None when its first part names none."""
    return BANNERS.get(" ".join(text.split("//", 1)[0].split()).upper())


def check(record: Record, classified: bool, c: Collector) -> None:
    """Report missing or too-high portion marks (internal layouts), or marks on a public layout."""
    if not classified:
        for text, _paragraph, mark in _marks(record):
            if mark:
                c.error(text.node.locate(mark.group()), f"in '{text.field}': the portion mark {mark.group()} "
                        f"is for internal papers; layout '{record.layout}' is a public fact sheet",
                        f"remove '{mark.group()} ', or use the internal layout 'briefing-paper'")
        return
    level = _banner(record, c)
    for text, paragraph, mark in _marks(record):
        if mark is None:
            _missing(text, paragraph, c)
        elif level and LEVELS.index(mark["level"]) > LEVELS.index(level):
            c.error(text.node.locate(mark.group()),
                    f"in '{text.field}': the portion mark {mark.group()} is above the banner "
                    f"{shown(record.classification.source)} ({level})",
                    f"mark this paragraph ({level}) or lower, or raise the 'classification' to cover it")


def _banner(record: Record, c: Collector) -> str | None:
    """Return the banner's level; an error at 'classification' when it names none."""
    if record.classification is None:
        return None  # the layout requires it: that error is reported already
    level = banner_level(record.classification.source)
    if level is None:
        first = record.classification.source.split("//", 1)[0].strip()
        c.error(record.classification.node.loc,
                f"'classification' must start with a level, found {shown(first)}{did_you_mean(first.upper(), BANNERS)}",
                f"levels: {', '.join(BANNERS)}; add caveats after '//', e.g. CONFIDENTIAL//NOFORN")
    return level


def _missing(text: Text, paragraph: str, c: Collector) -> None:
    """Report a paragraph that does not open with a portion mark, naming a misspelt one."""
    opening = _LOOKS_LIKE_MARK.match(paragraph)
    where = text.node.locate(paragraph.split("\n", 1)[0][:40])
    if opening:
        c.error(where, f"in '{text.field}': {opening.group()} is not a portion mark",
                "write one of (U), (SBU), (C), (S), (TS) in capitals, caveats after '//' as in (SBU//NF)")
        return
    c.error(where, f"in '{text.field}': this paragraph has no portion mark; every paragraph and bullet "
                   "of a briefing paper opens with one", "start it with its mark and a space, e.g. '(U) '")


def _marks(record: Record):
    """Yield (text, paragraph, mark or None) for every paragraph that must carry a portion mark."""
    for text in _marked_texts(record):
        for paragraph in _PARA_BREAK.split(text.source.strip()):
            if paragraph.strip():
                yield text, paragraph, MARK.match(paragraph)


def _marked_texts(record: Record):
    """Yield the Texts that print as a title, paragraph, bullet, caption or note (fields.py: `marked`)."""
    for name in fields.names("top", type=fields.TEXT, marked=True):
        if getattr(record, name) is not None:
            yield getattr(record, name)
    for section in record.sections:
        for content in section.content:
            yield from (text for field, text in fields.content_texts(content) if field.marked)
    for name in fields.names("top", type=fields.LISTS, marked=True):
        yield from getattr(record, name)


def fill(heading: str, values: dict[str, str]) -> str:
    """Return a layout heading with its {field} placeholders filled from the record."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group()), heading)


def same_heading(a: str, b: str) -> bool:
    """Return whether two headings are the same words (straight or typographic apostrophes alike)."""
    norm = lambda s: " ".join(s.replace("\u2019", "'").split())
    return norm(a) == norm(b)


def check_headings(record: Record, headings: tuple[str, ...], c: Collector) -> None:
    """Report a section heading that is not one of the layout's, or comes out of their order."""
    values = {name: getattr(record, name).source for name in HEADING_FIELDS if getattr(record, name) is not None}
    if any(PLACEHOLDER.search(h) and not set(PLACEHOLDER.findall(h)) <= set(values) for h in headings):
        return  # a field the headings name is missing: reported as a required field
    wanted = [fill(h, values) for h in headings]
    listing = "; ".join(wanted)
    seen: list[tuple[int, Text]] = []
    for index, section in enumerate(record.sections):
        field = f"sections[{index}]"
        if section.heading is None:
            first = next((v for content in section.content for v in _first_text(content)), None)
            c.error(first.node.loc if first else record.layout_loc,
                    f"'{field}' has no heading; every section of a {record.layout} sheet opens with one of "
                    f"its headings", f"add 'heading:' with one of, in this order: {listing}")
            continue
        heading = section.heading
        place = next((i for i, h in enumerate(wanted) if same_heading(h, heading.source)), None)
        if place is None:
            c.error(heading.node.loc, f"'{field}.heading' {shown(heading.source)} is not a heading of a "
                                      f"{record.layout} sheet{did_you_mean(heading.source, wanted)}",
                    f"use one of these, in this order (leave out any you do not need): {listing}")
            continue
        later = next(((i, t) for i, t in seen if i >= place), None)
        if later is not None and later[0] == place:
            c.error(heading.node.loc, f"'{field}.heading' {shown(heading.source)} is already a heading, "
                                      f"at line {later[1].node.loc.line}; each heading is used once",
                    "move this section's content into that section, and remove this one")
        elif later is not None:
            c.error(heading.node.loc, f"'{field}.heading' {shown(heading.source)} comes after "
                                      f"{shown(later[1].source)} (line {later[1].node.loc.line}), but a "
                                      f"{record.layout} sheet puts it before: its headings keep a fixed order",
                    f"move this section above {shown(later[1].source)}; the order is: {listing}")
        seen.append((place, heading))


def _first_text(content):
    """Yield the first Text of a content block of text or a list of texts, for placing a message."""
    if fields.get("section", content.kind).type in (*fields.TEXT, *fields.LISTS):
        yield from itertools.islice((text for _, text in fields.content_texts(content)), 1)
