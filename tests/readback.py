"""Read built sheets back as text, the way a reader or a copy-paste would see them."""

import re
import zipfile

import docx
import pypdf

_SPACES = re.compile(r"[ \t\r\n]+")  # ASCII whitespace only: U+00A0 must survive comparison
# A line broken after the hyphen of a hyphenated word ("amphetamine-|type"), as Word breaks it.
_HYPHEN_WRAP = re.compile(r"(?<=\w-)[ \t]*\n(?=\w)")


def normalize(text: str) -> str:
    """Collapse runs of ASCII whitespace (line wraps, indentation) to one space."""
    return _SPACES.sub(" ", text).strip()


def docx_paragraphs(path) -> list[str]:
    """Return the text of every body paragraph and table cell, in document order."""
    document = docx.Document(str(path))
    body = document.element.body
    texts = []
    for block in body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            texts.append(docx.text.paragraph.Paragraph(block, document).text)
        elif tag == "tbl":
            table = docx.table.Table(block, document)
            texts.extend(cell.text for row in table.rows for cell in row.cells)
    return [t for t in texts if t]


def docx_xml(path, part: str = "word/document.xml") -> str:
    """Return one XML part of a .docx as text."""
    with zipfile.ZipFile(path) as archive:
        return archive.read(part).decode("utf-8")


def docx_parts(path) -> dict[str, str]:
    """Return every XML part of a .docx by name."""
    with zipfile.ZipFile(path) as archive:
        return {n: archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml")}


def pdf_pages(path) -> list[str]:
    """Return the extracted text of each PDF page, words broken after a hyphen joined again."""
    return [_HYPHEN_WRAP.sub("", page.extract_text() or "") for page in pypdf.PdfReader(str(path)).pages]


def squash(text: str) -> str:
    """Drop ASCII whitespace: PDF text wraps lines at spaces and inside long words alike."""
    return _SPACES.sub("", text)


def docx_text(path) -> str:
    """Return the body text of a .docx (paragraphs and cells) as one normalised string."""
    return normalize("\n".join(docx_paragraphs(path)))


def pdf_text(path) -> str:
    """Return the text of every page of a PDF as one string."""
    return "\n".join(pdf_pages(path))


def without_chart_labels(text: str, doc) -> str:
    """Return normalised PDF text without the labels each chart's drawing prints (axis names, ticks,
    values), which the .docx holds in its picture: each label is taken out once, in drawing order,
    after the chart's title."""
    from pipeline.document import chartdraw
    from pipeline.document.tree import Chart, inline_text

    text = normalize(text)
    for block in doc.body:
        if not isinstance(block, Chart):
            continue
        title = normalize(inline_text(block.title))
        at = text.index(title) + len(title)
        for label in chartdraw.labels(chartdraw.draw(block, doc.look.chart, doc.page.text_width)):
            found = text.index(label, at)  # ValueError: the PDF does not print this label
            text, at = text[:found] + text[found + len(label):], found
    return normalize(text)
