"""The accessibility gate: a sheet that a screen reader could not follow is refused before it is written.

It reads the document tree both writers render, so one check covers the .docx and the PDF:
the sheet has a title (its H1) and a language; text in another script (Lao, Khmer, Thai) has
its own language, which both writers take from the font family that draws it; headings below the title never skip a level;
every table has a header row; every chart and picture has a text alternative. A refusal is a record error, placed on the record's `title:` or `layout:` line, with a
hint naming the layout template that produced the sheet.
"""

from __future__ import annotations

import re

from ..base import fonts
from ..base.errors import Diagnostic, Location, RecordError
from .tree import BulletList, Chart, Document, Heading, Image, Paragraph, Run, Table, inline_text

TITLE_STYLE = "Title"  # the paragraph style that is the sheet's H1 in both formats
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*\Z")  # a BCP 47 tag such as en-US


def check(doc: Document, title_at: Location, layout_at: Location, template: str) -> None:
    """Raise RecordError listing every way the sheet would fail a screen reader."""
    problems = [*_title(doc), *_language(doc), *_run_languages(doc), *_headings(doc), *_tables(doc), *_figures(doc)]
    if problems:
        hint = f"the layout template {template} makes this sheet; fix it there"
        raise RecordError([Diagnostic(title_at if field == "title" else layout_at,
                                      f"the sheet would not be accessible: {problem}", hint)
                           for field, problem in problems])


def _title(doc: Document):
    """Yield a problem if the sheet has no title paragraph with text, or its properties have none."""
    titles = [b for b in doc.body if isinstance(b, Paragraph) and b.style == TITLE_STYLE]
    if not titles or not inline_text(titles[0].inlines).strip():
        yield "title", f"it has no title (a '{TITLE_STYLE}' paragraph), which readers announce first"
    elif len(titles) > 1:
        yield "layout", f"it has {len(titles)} titles; a sheet has one, its only top-level heading"
    if not doc.meta.title.strip():
        yield "title", "its document properties carry no title, which PDF readers show in place of the file name"


def _language(doc: Document):
    """Yield a problem if the sheet's language is not a language tag readers can use."""
    if not _LANGUAGE.match(doc.meta.language or ""):
        yield "layout", (f"its language '{doc.meta.language}' is not a language tag like en-US, "
                         "so a screen reader cannot choose its voice")


def _run_languages(doc: Document):
    """Yield a problem for text in a script other than the sheet's that no language is known for."""
    for inlines in _inlines(doc):
        for item in inlines:
            pieces = fonts.pieces(item.text) if isinstance(item, Run) else []
            for piece, family in pieces:
                if family is not fonts.LATIN and not _LANGUAGE.match(family.language or ""):
                    yield "layout", (f"the text '{piece[:40]}' has no language of its own, so a screen "
                                     "reader would read it in the sheet's language")


def _inlines(doc: Document):
    """Yield every run sequence of the sheet: paragraphs, headings, list items, table and chart text."""
    for block in doc.all_blocks():
        if isinstance(block, Paragraph | Heading):
            yield block.inlines
        elif isinstance(block, BulletList):
            yield from block.items
        elif isinstance(block, Table):
            yield from (*block.columns, *(cell for row in block.rows for cell in row), block.caption or ())
        elif isinstance(block, Chart):
            yield from (block.title, block.source or ())


def _headings(doc: Document):
    """Yield a problem for a heading that skips a level (the title is level 1, sections level 2)."""
    level = 0
    for block in doc.body:
        if isinstance(block, Paragraph) and block.style == TITLE_STYLE:
            level = 1
        elif isinstance(block, Heading):
            wanted = block.level + 1  # below the title
            if wanted > level + 1:
                yield "layout", (f"the heading '{inline_text(block.inlines)[:60]}' is level {wanted} "
                                 f"after level {level}; headings never skip a level")
            level = wanted


def _tables(doc: Document):
    """Yield a problem for a table whose header row is missing or empty."""
    for block in doc.all_blocks():
        if isinstance(block, Table) and not any(inline_text(cell).strip() for cell in block.columns):
            first = inline_text(block.rows[0][0])[:40] if block.rows and block.rows[0] else ""
            yield "layout", (f"a table (first cell '{first}') has no header row; readers announce "
                             "each cell with its column header")


def _figures(doc: Document):
    """Yield a problem for a chart or picture without alt text: a screen reader would skip it unsaid."""
    for block in (*doc.header, *doc.footer, *doc.body):
        if isinstance(block, Chart) and not block.alt.strip():
            yield "layout", (f"the chart '{inline_text(block.title)[:60]}' has no alt text, which readers "
                             "announce in place of the drawing")
        elif isinstance(block, Image) and not block.alt.strip():
            yield "layout", f"the picture {block.name or ''} has no alt text, which readers announce in its place"
