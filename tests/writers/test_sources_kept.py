"""The Sources note never stands alone on a page: the paragraph before it goes with it, whole, in both formats.

On the old code the embassy sample's page 2 held only the two-line Sources note.
"""

import io

import pypdf
import pytest
import readback
from conftest import RECORDS
from sheets import document

from pipeline.document.tree import Paragraph
from pipeline.writers import docx as docx_writer
from pipeline.writers import pdf as pdf_writer


@pytest.mark.parametrize("record", RECORDS, ids=[r.id for r in RECORDS])
def test_no_pdf_page_opens_with_the_sources_note(record, tmp_path):
    doc = document(record.file)
    pages = pypdf.PdfReader(io.BytesIO(pdf_writer.render(doc))).pages
    for number, page in enumerate(pages[1:], start=2):
        body = [line for line in page.extract_text().splitlines() if line.strip() and line.strip() != "DRAFT"]
        assert not any(line.lstrip("(USB) ").startswith("Sources:") for line in body[:2]), (number, body[:3])


@pytest.mark.parametrize("record", RECORDS, ids=[r.id for r in RECORDS])
def test_the_paragraph_before_the_note_keeps_with_it_in_word_too(record, tmp_path):
    doc = document(record.file)
    body = list(doc.body)
    notes = [i for i, b in enumerate(body) if isinstance(b, Paragraph) and b.style == "Sources"]
    kept = [i for i, b in enumerate(body) if isinstance(b, Paragraph) and b.keep_with_next]
    assert kept == [i - 1 for i in notes if i and isinstance(body[i - 1], Paragraph)]
    path = tmp_path / "s.docx"
    path.write_bytes(docx_writer.render(doc))
    xml = readback.docx_xml(path)
    assert xml.count("<w:keepNext/><w:keepLines/>") == len(kept)


def test_the_embassy_sample_moves_its_last_paragraph_with_the_note():
    record = next(r for r in RECORDS if r.layout == "embassy-section")
    pages = pypdf.PdfReader(io.BytesIO(pdf_writer.render(document(record.file)))).pages
    last = pages[-1].extract_text()
    assert "Sources:" in last and len([line for line in last.splitlines() if line.strip()]) > 4
