"""Build a record's document tree in-process, for golden and comparison tests."""

from pathlib import Path

from pipeline.base.paths import display
from pipeline.document.tree import Document, Paragraph, inline_text
from pipeline.figures import shared as data
from pipeline.layouts.loader import load_layouts
from pipeline.records import schema
from pipeline.records.yamlload import load_file
from pipeline.render.sheet import render_document

ROOT = Path(__file__).resolve().parents[1]


def document(record_file: Path, templates: Path = ROOT / "templates",
             data_folder: Path = ROOT / "sources" / "data") -> Document:
    """Return the document tree of one record file, reading shared data from `data_folder`."""
    layouts = load_layouts(templates)
    record = schema.validate(load_file(record_file, display(record_file)), record_file,
                             display(record_file), layouts)
    dataset = data.load(data_folder, display(data_folder))
    return render_document(record, layouts[record.layout], dataset.scope(None))


def furniture_lines(doc: Document, pages: int) -> set[str]:
    """Return every header/footer line the PDF prints, page numbers filled in."""
    return {line for page in range(1, pages + 1) for line in page_furniture(doc, page, pages)}


def page_furniture(doc: Document, page: int, pages: int) -> list[str]:
    """Return the header, then the footer lines printed on one page (page 1's own, if it has them)."""
    header, footer = doc.furniture(page)
    return [inline_text(block.inlines, page, pages).strip() for block in (*header, *footer)
            if isinstance(block, Paragraph)]
