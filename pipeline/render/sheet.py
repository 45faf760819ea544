"""Record to document tree: fill the layout template with the record's view and parse the result."""

from __future__ import annotations

import jinja2

from ..base.errors import Collector, ConfigError, Diagnostic, Location
from ..document import access
from ..document.tree import Document
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
    template = layout.folder / TEMPLATE_FILE
    try:
        text = layout.template.render(sheet=view)
        images = {view.seal.ref: view.seal.image} if view.seal else {}
        doc = markup.parse(text, layout.look, record.date, images)
    except (jinja2.TemplateError, markup.MarkupError) as exc:
        where = Location(str(template), getattr(exc, "lineno", None) or 1)
        raise ConfigError([Diagnostic(where, f"layout '{layout.name}' failed on {record.path}: {exc}",
                                      "this is a template bug, not a record error")])
    # Refused before any writer runs: neither format of an inaccessible sheet is written.
    access.check(doc, record.title.node.loc, record.layout_loc or Location(record.path), layout.template_shown)
    return doc
