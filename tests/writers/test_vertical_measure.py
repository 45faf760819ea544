"""One vertical measure: the PDF lays out lengths as Word and LibreOffice do, so long sheets break alike.

The slow proof is tests/writers/test_page_parity.py (LibreOffice's layout of generated 3-, 5- and
10-page sheets of every layout); these tests pin each rule it rests on, without LibreOffice.
"""

import dataclasses
import io

import pypdf
from docsample import CHART, LOOK, sample_document
from reportlab.lib.styles import ParagraphStyle

from pipeline.base import fonts
from pipeline.document.look import TWIPS_PER_POINT, Style
from pipeline.document.tree import Heading, Paragraph, Run
from pipeline.writers import pdf
from pipeline.writers.pdfflow import TaggedParagraph
from pipeline.writers.wordparts import twips

WORDS = "Lines of words at a narrow measure, enough for a split at any size. " * 12


def test_a_paragraph_that_fills_the_room_exactly_splits_there():
    """Room for exactly k lines, reached by adding heights in floating point (5 × 14.4 - 3 × 14.4 is
    28.799999999999997), takes k lines with widow and orphan control, as Word's whole twips do.
    Fails on ReportLab's own split (int(room / leading) = 1 line: an orphan, so nothing)."""
    fonts.register_pdf_fonts()
    assert 5 * 14.4 - 3 * 14.4 < 28.8  # the float noise this is about
    for size in (9, 10, 10.5, 11, 12, 13, 14, 22):
        leading = LOOK.leading(Style("x", size=size))
        style = ParagraphStyle("t", fontName=fonts.face_name(False, False), fontSize=size, leading=leading,
                               allowWidows=0, allowOrphans=0)
        for lines in range(2, 6):
            room = (lines + 3) * leading - 3 * leading  # a frame of lines + 3, three of them used
            parts = TaggedParagraph(WORDS, style).split(200, room)
            assert len(parts) == 2 and len(parts[0].blPara.lines) == lines, (size, lines, room)


def test_every_line_pitch_is_whole_twips():
    """The pitch both writers use is one the .docx states exactly (w:line in twips): for every font size
    a stylesheet may give, look.leading × 20 is whole, and the .docx writes that very number.
    Fails on a pitch rounded to 1/100 pt (10.3 pt × 1.2 = 12.36 pt, 247.2 twips; Word 247)."""
    for tenths in range(40, 961):
        style = Style("x", size=tenths / 10)
        pitch = LOOK.leading(style)
        assert abs(pitch * TWIPS_PER_POINT - round(pitch * TWIPS_PER_POINT)) < 1e-9, style.size
        assert int(twips(pitch)) == round(pitch * TWIPS_PER_POINT)


def test_a_heading_never_stays_behind_its_chart():
    """Word keeps a heading with the chart under it (keep-with-next on the heading, the chart's title
    and picture): whatever the text before it, the PDF prints the heading on the chart's page.
    Fails when the chart is a KeepTogether, which the heading's keep-with-next cannot take in."""
    heading = "The heading over the chart"
    checked = set()
    for count in range(15, 21):  # one-line paragraphs: the heading comes to rest near the page foot
        body = (*(Paragraph("Normal", (Run(f"Line {n} of the text before the chart."),)) for n in range(count)),
                Heading(1, (Run(heading),)), CHART)
        doc = dataclasses.replace(sample_document(), body=body)
        pages = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.render(doc))).pages]
        found = [n for n, text in enumerate(pages) if heading in text]
        charted = [n for n, text in enumerate(pages) if "Opium poppy cultivation in Laos" in text]
        assert found and found == charted[:1], (count, found, charted)
        checked.add(found[0])
    assert checked == {0, 1}  # the chart fitted on page 1 for some counts and went on for others
