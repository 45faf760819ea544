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
NAMES = {level: name for name, level in BANNERS.items()}
CEILING = "SBU"  # the default ceiling: the highest unclassified marking
# Where a paper above the ceiling belongs: factsheets runs on unclassified systems.
ELSEWHERE = ("classified papers are written and kept only on a system accredited for their level "
             "(at State, ClassNet for CONFIDENTIAL and SECRET), never in this project")
_LOOKS_LIKE_MARK = re.compile(r"\([A-Za-z/ ,.-]{1,24}\)")  # "(Unclas)", "(u)": a mark misspelt
_PARA_BREAK = re.compile(r"\n[ \t]*\n\s*")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
HEADING_FIELDS = fields.names("top", heading=True)  # record fields a layout's headings may name as {field}
# The forms of those fields a heading may name as {form}, and the field behind each. `country` is
# written as running text puts it ("the Philippines", "Laos", "Côte d'Ivoire"): {country} prints it
# so, {country_name} without its article ("U.S.-Philippines Relations"), {country_possessive} with
# the possessive the Department uses ("the Philippines'", "Laos's").
HEADING_FORMS = {form: name for name in HEADING_FIELDS for form in (name, f"{name}_name", f"{name}_possessive")}
_ARTICLE = re.compile(r"(?i)the\s+")


def banner_level(text: str) -> str | None:
    """Return the level a banner states (U … TS), or None when its first part names none."""
    return BANNERS.get(" ".join(text.split("//", 1)[0].split()).upper())


def ceiling_level(text: str) -> str | None:
    """Return the level a ceiling names, as a banner (SECRET) or a mark's letters (S), else None."""
    upper = " ".join(text.split()).upper()
    return upper if upper in LEVELS else BANNERS.get(upper)


def check(record: Record, classified: bool, c: Collector, ceiling: str = CEILING) -> None:
    """Report missing or too-high portion marks (internal layouts), or marks on a public layout;
    a banner or mark above the project's ceiling is refused, with where such papers belong."""
    if not classified:
        for text, _paragraph, mark in _marks(record):
            if mark:
                c.error(text.node.locate(mark.group()), f"in '{text.field}': the portion mark {mark.group()} "
                        f"is for internal papers; layout '{record.layout}' is a public fact sheet",
                        f"remove '{mark.group()} ', or use the internal layout 'briefing-paper'")
        return
    level = _banner(record, c)
    if level and _above(level, ceiling):
        c.error(record.classification.node.loc, f"'classification' {shown(record.classification.source)} is "
                f"above this project's ceiling, {NAMES[ceiling]} (max-classification in factsheets.toml)",
                f"{_elsewhere(level, ceiling)}; or leave out what is above it and mark the paper {NAMES[ceiling]} or lower")
        return  # its portion marks would only repeat the point
    for text, paragraph, mark in _marks(record):
        if mark is None:
            _missing(text, paragraph, c)
        elif level and _above(mark["level"], level):  # the banner is at most the ceiling: this says both
            c.error(text.node.locate(mark.group()),
                    f"in '{text.field}': the portion mark {mark.group()} is above the banner "
                    f"{shown(record.classification.source)} ({level})",
                    f"mark this paragraph ({level}) or lower, or raise the 'classification' to cover it"
                    if not _above(mark["level"], ceiling) else f"mark this paragraph ({level}) or lower; it is "
                    f"also above this project's ceiling, {NAMES[ceiling]}: {_elsewhere(mark['level'], ceiling)}")
        elif _above(mark["level"], ceiling):
            c.error(text.node.locate(mark.group()), f"in '{text.field}': the portion mark {mark.group()} is "
                    f"above this project's ceiling, {NAMES[ceiling]} (max-classification in factsheets.toml)",
                    f"{_elsewhere(mark['level'], ceiling)}; or leave it out of this paper")


def _elsewhere(level: str, ceiling: str) -> str:
    """Return where a paper of `level`, above the project's ceiling, belongs."""
    if _above(level, CEILING):
        return ELSEWHERE
    return (f"this project takes papers up to {NAMES[ceiling]}; keep {NAMES[level]} papers where your office "
            "keeps them, or raise max-classification in factsheets.toml")


def _above(level: str, ceiling: str) -> bool:
    """Return whether a level is above the ceiling."""
    return LEVELS.index(level) > LEVELS.index(ceiling)


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


def forms(record: Record) -> dict[str, str]:
    """Return the heading forms of the record's fields ({country}, {country_name}, …) by name."""
    found = {}
    for name in HEADING_FIELDS:
        if getattr(record, name) is None:
            continue
        value = " ".join(getattr(record, name).source.split())
        article = _ARTICLE.match(value)
        found.update({name: value, f"{name}_name": value[article.end():] if article else value,
                      f"{name}_possessive": possessive(value)})
    return found


def possessive(name: str) -> str:
    """Return a country's possessive: an apostrophe alone after a plural name with its article
    ("the Philippines'", "the Bahamas'"), else 's ("Laos's", "Belarus's", "Côte d'Ivoire's")."""
    plural = _ARTICLE.match(name) and name.endswith("s")
    return f"{name}'" if plural else f"{name}'s"


def fill(heading: str, values: dict[str, str]) -> str:
    """Return a layout heading with its {form} placeholders filled, its first letter a capital."""
    filled = PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group()), heading)
    return filled[:1].upper() + filled[1:] if PLACEHOLDER.match(heading) else filled


def spellings(heading: str) -> set[str]:
    """Return the spellings a record may write for a filled heading: a possessive after a final s
    may take the apostrophe alone or 's ("Laos' Membership" or "Laos's Membership")."""
    norm = _norm(heading)
    return {norm, re.sub(r"s's\b", "s'", norm), re.sub(r"s'(?!s)", "s's", norm)}


def _norm(text: str) -> str:
    """Return a heading with straight apostrophes and single spaces."""
    return " ".join(text.replace("\u2019", "'").split())


def same_heading(a: str, b: str) -> bool:
    """Return whether a record's heading `b` is the layout's filled heading `a` (apostrophes either way)."""
    return _norm(b) in spellings(a)


def check_headings(record: Record, headings: tuple[str, ...], c: Collector) -> None:
    """Report a section heading that is not one of the layout's, or comes out of their order."""
    values = forms(record)
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
