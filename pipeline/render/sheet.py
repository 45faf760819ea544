"""Record to document tree: fill the layout template with the record's view and parse the result."""

from __future__ import annotations

import dataclasses

import jinja2

from ..base.errors import Collector, ConfigError, Diagnostic, Location, RecordError
from ..document import access
from ..document.access import TITLE_STYLE
from ..document.tree import Document, Paragraph, Run
from ..layouts.loader import TEMPLATE_FILE, Layout
from ..records.model import Record
from . import marks, markup
from .view import sheet_view


def render_document(record: Record, layout: Layout, data=None, reads=None) -> Document:
    """Return the document tree of a record; RecordError for its text, ConfigError for the template.

    `data` is the shared-data scope record text reads as `data`; `reads` notes what was read.
    """
    c = Collector()
    view = sheet_view(record, layout.defaults, data, reads, c, layout.folder.parent.parent)
    marks.check(record, view, layout.classified, c)  # on the text as printed, references filled in
    c.raise_if_any()
    _title_shows(view.title.plain, record)
    template = layout.folder / TEMPLATE_FILE
    try:
        text = layout.template.render(sheet=view)
        images = {view.seal.ref: view.seal.image} if view.seal else {}
        doc = markup.parse(text, layout.look, record.date, images)
    except (jinja2.TemplateError, markup.MarkupError) as exc:
        where = Location(str(template), getattr(exc, "lineno", None) or 1)
        raise ConfigError([Diagnostic(where, f"layout '{layout.name}' failed on {record.path}: {exc}",
                                      "this is a template bug, not a record error")])
    doc = _note_kept(_draft_announced(doc))
    # Refused before any writer runs: neither format of an inaccessible sheet is written.
    access.check(doc, record.title.node.loc, record.layout_loc or Location(record.path), layout.template_shown)
    return doc


DRAFT_STYLE = "Draft Note"  # a draft's note above its title


def _draft_announced(doc: Document) -> Document:
    """Return the tree of a draft with its watermark's text ("DRAFT") as a note above the title:
    the watermark is drawn as an artifact readers skip, the note is text a screen reader reads."""
    if not doc.watermark:
        return doc
    body = list(doc.body)
    at = next((i for i, b in enumerate(body) if isinstance(b, Paragraph) and b.style == TITLE_STYLE), 0)
    body.insert(at, Paragraph(DRAFT_STYLE, (Run(doc.watermark),)))
    return dataclasses.replace(doc, body=tuple(body))


NOTE_STYLE = "Sources"  # the generated note that must not stand alone at the top of a page


def _note_kept(doc: Document) -> Document:
    """Return the tree with the paragraph before the Sources note kept with it, so a page never
    holds the note alone (the embassy sample's page 2 did)."""
    body = list(doc.body)
    at = next((i for i, b in enumerate(body) if isinstance(b, Paragraph) and b.style == NOTE_STYLE), None)
    if not at or not isinstance(body[at - 1], Paragraph):
        return doc
    body[at - 1] = dataclasses.replace(body[at - 1], keep_with_next=True)
    return dataclasses.replace(doc, body=tuple(body))


def _title_shows(title: str, record: Record) -> None:
    """Refuse, at the record's title, a title that prints only spaces (no-break or en spaces, say, or a
    figure's text): the fault is the record's, so the accessibility gate's hint (fix the layout
    template) would mislead."""
    if not title.strip():
        raise RecordError([Diagnostic(record.title.node.loc,
                                      "'title' prints nothing but spaces, so the sheet would have no title",
                                      "write the sheet's title: screen readers announce it first")])
