"""A line in parts at tab stops: the briefing paper's banner centred and its date at the right margin.

One Paragraph with Tab inlines and tab stops in the tree; Word sets it with its own tab stops, the
PDF places each part itself; both on one baseline. On the old code the banner and the date were two
paragraphs, on two lines (the Department sets them on one).
"""

import re

import docx
import parity
import pytest
import records
from docsample import LOOK
from sheets import document
from tagged import struct_text

from pipeline.document import tabstops
from pipeline.document.tree import Paragraph, Run, Tab, block_texts
from pipeline.render import markup
from pipeline.writers import docx as docx_writer
from pipeline.writers import pdf as pdf_writer

BRIEFINGS = [s for s in records.samples() if s.layout == "briefing-paper"]
CENTRE, RIGHT = tabstops.stop("center", LOOK), tabstops.stop("right", LOOK)


def banner_line(banner: str, date: str = "November 22, 2026") -> Paragraph:
    """Return a banner-and-date line in the Normal style."""
    return Paragraph("Normal", (Tab(), Run(banner, bold=True), Tab(), Run(date)), tabs=(CENTRE, RIGHT))


def test_the_stops_are_the_column_middle_and_the_right_margin():
    assert (CENTRE.position, RIGHT.position) == (LOOK.page.text_width / 2, LOOK.page.text_width)
    assert (CENTRE.align, RIGHT.align) == ("center", "right")


@pytest.mark.parametrize("banner", ["UNCLASSIFIED", "SENSITIVE BUT UNCLASSIFIED", "CONFIDENTIAL"])
def test_a_banner_that_fits_shares_its_line_with_the_date(banner):
    line = banner_line(banner)
    assert tabstops.arrange(line, LOOK) == (line,)
    assert block_texts(line) == [f"\t{banner}\tNovember 22, 2026"]  # as Word reads it back


@pytest.mark.parametrize("banner", ["SENSITIVE BUT UNCLASSIFIED//NOFORN//PROPIN", "X" * 60])
def test_a_banner_too_long_for_the_line_and_the_date_each_get_a_line(banner):
    """Nothing overlaps and nothing is dropped: each part alone, at its own stop."""
    lines = tabstops.arrange(banner_line(banner), LOOK)
    assert [block_texts(p)[0] for p in lines] == [f"\t{banner}", "\tNovember 22, 2026"]
    assert [p.tabs for p in lines] == [(CENTRE,), (RIGHT,)]


def test_a_line_needs_one_stop_per_tab():
    with pytest.raises(ValueError, match="2 tabs needs as many tab stops"):
        tabstops.arrange(Paragraph("Normal", banner_line("U").inlines, tabs=(CENTRE,)), LOOK)


@pytest.fixture(scope="module", params=BRIEFINGS, ids=lambda s: s.id)
def briefing(request, tmp_path_factory):
    """Return a briefing sample's tree and its PDF and .docx files, with LibreOffice's PDF of the .docx."""
    folder = tmp_path_factory.mktemp("briefing")
    doc = document(request.param.file)
    (folder / "paper.pdf").write_bytes(pdf_writer.render(doc))
    (folder / "paper.docx").write_bytes(docx_writer.render(doc))
    return doc, folder


def test_the_docx_line_has_a_centre_and_a_right_tab_stop(briefing):
    doc, folder = briefing
    first = docx.Document(str(folder / "paper.docx")).paragraphs[0]
    stops = [(round(s.position.pt, 2), s.alignment) for s in first.paragraph_format.tab_stops]
    assert stops == [(CENTRE.position, docx.enum.text.WD_TAB_ALIGNMENT.CENTER),
                     (RIGHT.position, docx.enum.text.WD_TAB_ALIGNMENT.RIGHT)]
    assert first.text == block_texts(doc.body[0])[0]


def test_the_banner_and_the_date_read_in_order_as_two_paragraphs(briefing):
    """The tagged PDF: the banner's P, then the date's, first in the structure."""
    doc, folder = briefing
    _, banner, date = block_texts(doc.body[0])[0].split("\t")
    lines = [line.strip().strip('" ') for line in struct_text(folder / "paper.pdf").splitlines()]
    assert lines[:5] == ["Document", "P (block)", banner, "P (block)", date]


@pytest.mark.slow
def test_pdf_and_libreoffice_set_banner_and_date_on_one_baseline_date_at_the_margin(briefing):
    doc, folder = briefing
    _, banner, date = block_texts(doc.body[0])[0].split("\t")
    converted = parity.convert([folder / "paper.docx"], folder / "lo")[folder / "paper.docx"]
    page = doc.page
    for pdf in (folder / "paper.pdf", converted):
        words = parity.page_words(pdf)[0]
        line = next(line for line in parity.visual_lines(words) if " ".join(w.text for w in line).endswith(date))
        assert " ".join(w.text for w in line) == f"{banner} {date}", pdf
        assert max(w.y1 for w in line) - min(w.y1 for w in line) < 0.5, pdf  # one baseline
        assert abs(line[-1].x1 - (page.width - page.margin_right)) < 1.0, pdf  # the date ends at the margin
        first, last = line[0], line[len(banner.split()) - 1]
        assert abs((first.x0 + last.x1) / 2 - (page.margin_left + page.text_width / 2)) < 1.0, pdf  # centred


def _parse(body: str):
    """Return the body blocks of a sheet whose template printed `body`."""
    return markup.parse(f'<sheet title="T"><body>{body}</body></sheet>', LOOK, None).body


def test_the_markup_gives_a_paragraph_with_its_stops():
    (line,) = _parse('<p style="Normal"><tab stop="center"/><b>UNCLASSIFIED</b><tab stop="right"/>May 1, 2026</p>')
    assert line == banner_line("UNCLASSIFIED", "May 1, 2026")


@pytest.mark.parametrize(("body", "message"), [
    ('<p style="Normal">a<tab stop="middle"/>b</p>', 'stop="middle"'),
    ('<h1>a<tab stop="right"/>b</h1>', "<tab/> inside <h1>"),
    ('<ul><li>a<tab stop="right"/>b</li></ul>', "<tab/> inside <ul>"),
    ('<p style="Title">a<tab stop="right"/>b</p>', 'inside <p style="Title">'),
])
def test_a_tab_where_no_line_in_parts_can_be_is_a_template_error(body, message):
    with pytest.raises(markup.MarkupError, match=re.escape(message)):
        _parse(body)
