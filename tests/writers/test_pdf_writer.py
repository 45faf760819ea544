"""Tests for the PDF writer: render the sample tree and read it back with pypdf."""

import dataclasses
import io
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
from docsample import HAZARD, STYLES, sample_document

from pipeline import writers
from pipeline.document.look import PageSetup, Style
from pipeline.document.tree import BulletList, Field, Heading, Paragraph, Run, Table, body_text, inline_text
from pipeline.writers import pdf

ROOT = Path(__file__).resolve().parents[2]
LINK = "https://www.state.gov/?a=1&b=2"
HEADING = "U.S. Policy Initiatives and Programs"
BASE14 = {"Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic", "Helvetica",
          "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique", "Courier",
          "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique", "Symbol", "ZapfDingbats"}
SUBSET_FONT = re.compile(r"^/[A-Z]{6}\+LiberationSerif(-Bold|-Italic|-BoldItalic)?$")


def norm(text):
    """Collapse runs of ASCII whitespace to one space; U+00A0 is not ASCII and stays."""
    return re.sub(r"[ \t\n\r\f\v]+", " ", text).strip()


def read(doc):
    """Render `doc` and return a pypdf reader over the bytes."""
    return pypdf.PdfReader(io.BytesIO(pdf.render(doc)))


def footer_text(doc, page, pages):
    """Return the footer line as the writer should print it on one page."""
    return " ".join(inline_text(block.inlines, page, pages) for block in doc.footer)


def body_pages_text(doc, reader):
    """Return the normalized text of all pages with each page's footer removed."""
    pages = len(reader.pages)
    parts = []
    for number, page in enumerate(reader.pages, start=1):
        text = norm(page.extract_text())
        footer = norm(footer_text(doc, number, pages))
        assert text.endswith(footer), f"page {number} does not end with its footer"
        text = text[: -len(footer)]
        # pypdf reads the watermark too (drawn first on every page): a paragraph split across two
        # pages would read with it in between.
        if doc.watermark and text.startswith(doc.watermark):
            text = text[len(doc.watermark):]
        parts.append(text)
    return norm(" ".join(parts))


def mult(m, n):
    """Multiply two PDF matrices given as 6-element lists."""
    return [m[0] * n[0] + m[1] * n[2], m[0] * n[1] + m[1] * n[3],
            m[2] * n[0] + m[3] * n[2], m[2] * n[1] + m[3] * n[3],
            m[4] * n[0] + m[5] * n[2] + n[4], m[4] * n[1] + m[5] * n[3] + n[5]]


def chunks(page):
    """Return (text, x, y, base font) for every text piece drawn on a page."""
    out = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            m = mult(tm, cm)
            out.append((text, m[4], m[5], str(font.get("/BaseFont")) if font else None))

    page.extract_text(visitor_text=visit)
    return out


def chunk_with(page, needle):
    """Return the first text piece on a page that contains `needle`."""
    found = [c for c in chunks(page) if needle in c[0]]
    assert found, f"{needle!r} not drawn on the page"
    return found[0]


def all_objects(reader):
    """Yield every indirect object in the file, resolved."""
    for num in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(num)
        except Exception:  # free entries in the xref table
            continue
        if obj is not None:
            yield obj


@pytest.fixture(scope="module")
def sample_pdf():
    """The short sample document, rendered once."""
    doc = sample_document()
    return doc, read(doc)


@pytest.fixture(scope="module")
def long_pdf():
    """The padded sample document with a watermark, rendered once."""
    doc = sample_document(watermark="DRAFT", paragraphs=40)
    return doc, read(doc)


def test_registered_as_pdf():
    assert (writers.get("pdf").suffix, writers.get("pdf").module) == (".pdf", pdf.__name__)


def test_output_is_a_pdf():
    assert pdf.render(sample_document()).startswith(b"%PDF-")


@pytest.mark.parametrize("which", ["sample_pdf", "long_pdf"])
def test_every_body_paragraph_is_printed(which, request):
    doc, reader = request.getfixturevalue(which)
    text = body_pages_text(doc, reader)
    for expected in body_text(doc):
        assert norm(expected) in text


def test_hazard_text_prints_literally(sample_pdf):
    doc, reader = sample_pdf
    text = body_pages_text(doc, reader)
    assert norm(HAZARD) in text
    assert "café\u00a0Ω" in text  # the no-break space survives as U+00A0


def test_markup_in_text_is_not_interpreted(sample_pdf):
    _, reader = sample_pdf
    font = chunk_with(reader.pages[0], "<b>not bold</b>")[3]
    assert SUBSET_FONT.match(font) and font.endswith("+LiberationSerif")  # regular, not bold


def test_inline_marks_use_the_right_faces(sample_pdf):
    _, reader = sample_pdf
    page = reader.pages[0]
    assert chunk_with(page, "bold")[3].endswith("+LiberationSerif-Bold")
    assert chunk_with(page, "italic")[3].endswith("+LiberationSerif-Italic")
    assert chunk_with(page, "both")[3].endswith("+LiberationSerif-BoldItalic")
    assert chunk_with(page, "Year")[3].endswith("+LiberationSerif-Bold")  # table header
    assert chunk_with(page, "FY 2005")[3].endswith("+LiberationSerif")


def test_no_break_space_does_not_break_a_line():
    doc = sample_document()
    words = "word " * 12 + "nine\u00a0ten"  # long enough to wrap somewhere near the end
    para = Paragraph("Normal", (Run(words * 4),))
    reader = read(dataclasses.replace(doc, body=(para,)))
    lines = reader.pages[0].extract_text().splitlines()
    assert sum(line.count("nine\u00a0ten") for line in lines) == 4


def test_bullets_hang_by_a_quarter_inch(sample_pdf):
    _, reader = sample_pdf
    page = reader.pages[0]
    bullet = [c for c in chunks(page) if c[0].strip() == "\u2022"]
    text = chunk_with(page, "First bullet.")
    assert len(bullet) == 2
    assert bullet[0][1] == pytest.approx(72.0)
    assert text[1] - bullet[0][1] == pytest.approx(18.0)


def test_page_n_of_m_on_every_page(long_pdf):
    doc, reader = long_pdf
    pages = len(reader.pages)
    assert pages > 1
    for number, page in enumerate(reader.pages, start=1):
        text = norm(page.extract_text())
        assert f"Page {number} of {pages}" in text
        assert norm(footer_text(doc, number, pages)) in text


def test_footer_and_header_sit_in_the_margins():
    doc = sample_document(paragraphs=40)
    doc = dataclasses.replace(doc, header=(Paragraph("Header", (Run("Header line"),)),))
    reader = read(doc)
    for page in reader.pages:
        _, _, header_y, _ = chunk_with(page, "Header line")
        _, _, footer_y, _ = chunk_with(page, "Page ")
        assert doc.page.height - doc.page.margin_top < header_y < doc.page.height
        assert 0 < footer_y < doc.page.margin_bottom


def test_watermark_on_every_page_when_set(long_pdf):
    _, reader = long_pdf
    for page in reader.pages:
        drawn = []

        def visit(text, cm, tm, font, size):
            if "DRAFT" in text:
                drawn.append(  # noqa: B023 (the visitor runs within this iteration)
                    (mult(tm, cm), str(font["/BaseFont"]), size))

        page.extract_text(visitor_text=visit)
        assert len(drawn) == 1
        matrix, font, size = drawn[0]
        assert SUBSET_FONT.match(font)
        assert size == pytest.approx(100.0)
        assert math.degrees(math.atan2(matrix[1], matrix[0])) == pytest.approx(45.0)


def test_no_watermark_when_unset():
    reader = read(sample_document(paragraphs=40))
    assert len(reader.pages) > 1
    for page in reader.pages:
        assert "DRAFT" not in page.extract_text()


def test_outline_has_the_title_with_the_heading_under_it_and_opens(sample_pdf):
    _, reader = sample_pdf
    title, children = reader.outline
    assert (title.title, [item.title for item in children]) == ("Laos", [HEADING])
    assert reader.get_destination_page_number(title) == 0
    assert reader.page_mode == "/UseOutlines"


def test_nested_headings_nest_in_the_outline():
    doc = sample_document()
    body = (Heading(1, (Run("One"),)), Heading(2, (Run("One A"),)), Heading(1, (Run("Two"),)))
    reader = read(dataclasses.replace(doc, body=body))
    outline = reader.outline
    assert [outline[0].title, outline[1][0].title, outline[2].title] == ["One", "One A", "Two"]


def test_metadata(sample_pdf):
    doc, reader = sample_pdf
    meta = reader.metadata
    assert meta.title == doc.meta.title == "Laos"
    assert meta.author == doc.meta.author
    assert meta.subject == doc.meta.subject
    assert meta.creator == "factsheets"
    assert reader.trailer["/Root"]["/Lang"] == "en-US"


def test_only_embedded_liberation_subsets(long_pdf):
    _, reader = long_pdf
    fonts = [obj for obj in all_objects(reader)
             if isinstance(obj, pypdf.generic.DictionaryObject) and obj.get("/Type") == "/Font"]
    assert len(fonts) >= 4
    for font in fonts:
        base = str(font["/BaseFont"])
        assert base.lstrip("/") not in BASE14
        assert SUBSET_FONT.match(base), base
        assert "/FontFile2" in font["/FontDescriptor"]


def test_page_size_is_letter(sample_pdf):
    _, reader = sample_pdf
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == (612, 792)


def test_page_setup_is_honoured():
    setup = PageSetup(width=595.0, height=842.0, margin_left=100.0, margin_bottom=90.0)
    doc = sample_document()
    reader = read(dataclasses.replace(doc, look=dataclasses.replace(doc.look, page=setup)))
    page = reader.pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == (595, 842)
    assert chunk_with(page, "Fact Sheet")[1] == pytest.approx(100.0)
    assert chunk_with(page, "Page 1 of ")[2] < 90.0


def test_two_renders_are_byte_identical():
    doc = sample_document(watermark="DRAFT", paragraphs=10)
    first = pdf.render(doc)
    assert first == pdf.render(doc)
    assert b"/ID" in first


def test_render_is_identical_across_processes():
    code = ("import sys; sys.path.insert(0, 'tests'); from docsample import sample_document; "
            "from pipeline.writers import pdf; "
            "sys.stdout.buffer.write(pdf.render(sample_document(watermark='DRAFT')))")
    env = dict(os.environ, PYTHONHASHSEED="12345")
    other = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
                           capture_output=True).stdout
    assert other == pdf.render(sample_document(watermark="DRAFT"))


def test_link_annotation_uri(sample_pdf):
    _, reader = sample_pdf
    uris = [annot.get_object()["/A"]["/URI"] for annot in reader.pages[0]["/Annots"]]
    assert uris == [LINK]


def test_href_cannot_break_out_of_its_attribute():
    href = 'https://example.org/?q="><b>x</b>&amp;\'y'
    para = Paragraph("Normal", (Run("go <here>", href=href),))
    reader = read(dataclasses.replace(sample_document(), body=(para,)))
    page = reader.pages[0]
    assert [a.get_object()["/A"]["/URI"] for a in page["/Annots"]] == [href]
    assert "go <here>" in page.extract_text()


@pytest.mark.parametrize("href", ["#top", "document:top", "PDF:other.pdf", " "])
def test_non_uri_links_are_refused(href):
    para = Paragraph("Normal", (Run("x", href=href),))
    with pytest.raises(ValueError):
        pdf.render(dataclasses.replace(sample_document(), body=(para,)))


def test_page_fields_are_refused_in_the_body():
    para = Paragraph("Normal", (Run("Page "), Field("page")))
    with pytest.raises(ValueError):
        pdf.render(dataclasses.replace(sample_document(), body=(para,)))


def test_table_header_repeats_on_every_page():
    rows = tuple(((Run(f"Row {i}"),), (Run(f"Value {i}"),)) for i in range(120))
    table = Table(columns=((Run("Year"),), (Run("Funding"),)), rows=rows)
    reader = read(dataclasses.replace(sample_document(), body=(table,)))
    assert len(reader.pages) > 1
    for page in reader.pages:
        assert chunk_with(page, "Year")[3].endswith("+LiberationSerif-Bold")
    text = body_pages_text(dataclasses.replace(sample_document(), body=(table,)), reader)
    assert "Row 119 Value 119" in text


def test_bullet_list_with_custom_style_still_hangs():
    styles = STYLES + (Style("Plain List"),)
    block = BulletList(((Run("Only item."),),), style="Plain List")
    doc = sample_document()
    reader = read(dataclasses.replace(doc, look=dataclasses.replace(doc.look, styles=styles), body=(block,)))
    page = reader.pages[0]
    bullet = chunk_with(page, "\u2022")
    text = chunk_with(page, "Only item.")
    assert text[1] - bullet[1] == pytest.approx(18.0)


def test_a_draft_says_so_in_its_properties():
    """The DRAFT mark is an artifact screen readers skip; the document keywords still carry it."""
    assert read(sample_document(watermark="DRAFT")).metadata["/Keywords"] == "DRAFT"
    assert not read(sample_document()).metadata.get("/Keywords")


def test_the_watermark_lies_under_the_text():
    """As in Word, the DRAFT mark is painted first, so every page's text is drawn over it."""
    reader = read(sample_document(watermark="DRAFT", paragraphs=40))
    for page in reader.pages:
        content = page.get_contents().get_data().decode("latin-1")
        assert content.index("/Subtype /Watermark") < content.index("<</MCID 0>>")


def test_the_pdf_is_dated_by_its_sheet_as_the_docx_is():
    """On the old code every PDF said 2000-01-01 (ReportLab's invariant mode); now the sheet's date,
    still the same bytes each time, and the same day the .docx's core properties give."""
    import datetime as dt

    import docx as python_docx

    from pipeline.writers import docx as docx_writer
    doc = sample_document()
    doc = dataclasses.replace(doc, meta=dataclasses.replace(doc.meta, date=dt.date(2026, 11, 22)))
    data = pdf.render(doc)
    info = pypdf.PdfReader(io.BytesIO(data)).metadata
    assert info["/CreationDate"] == info["/ModDate"] == "D:20261122000000+00'00'"
    assert pdf.render(doc) == data
    word = python_docx.Document(io.BytesIO(docx_writer.render(doc)))
    assert word.core_properties.created == dt.datetime(2026, 11, 22, tzinfo=dt.UTC)
    undated = dataclasses.replace(doc, meta=dataclasses.replace(doc.meta, date=None))
    assert pypdf.PdfReader(io.BytesIO(pdf.render(undated))).metadata["/CreationDate"].startswith("D:20000101")
