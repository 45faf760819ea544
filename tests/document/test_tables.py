"""Tables: widths that fit the content, numbers right-aligned, the header repeated and rows kept whole.

The long table is generated from the samples (tests/tables.py): its prose comes from their text,
its amounts from the shared data's series through the figure filters.
"""

import io
import math
import shutil
import zipfile
from pathlib import Path

import parity
import pypdf
import pytest
import readback
import tables
from lxml import etree
from pypdf.generic import ContentStream
from sheets import document

from pipeline.base import fonts
from pipeline.cli import command as cli
from pipeline.document import tablefit
from pipeline.document.tree import Run, Table, inline_text
from pipeline.figures import values as figures

ROOT = Path(__file__).resolve().parents[2]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TOLERANCE = 1.0  # points: "equal" positions read back from a PDF


@pytest.fixture(scope="module")
def long_sheet(tmp_path_factory):
    """Build the long-table record (both formats, CLI in-process); return (tree's table, docx, pdf, tree)."""
    base = tmp_path_factory.mktemp("tables")
    sources = base / "sources"
    shutil.copytree(ROOT / "sources", sources)
    record = tables.write_long_table(sources)
    out = base / "out"
    code = cli.main(["build", str(record), "--out", str(out), "--templates", str(ROOT / "templates")])
    assert code == 0
    tree = document(record, ROOT / "templates", sources / "data")
    table = next(block for block in tree.body if isinstance(block, Table))
    return table, out / "long-table.docx", out / "long-table.pdf", tree


# --- Deciding: the tree ---------------------------------------------------------------------------

def _printed_numbers():
    """Return every shared series value as each figure filter prints it, negated too."""
    values = tables.values(ROOT / "sources" / "data")
    printed = []
    for value in values + [-v for v in values] + [v / 1000 for v in values]:
        printed += [figures.number(value), figures.money(value), figures.money(value, "short"),
                    figures.percent(value), figures.number(value, 2)]
    return printed


def test_numbers_as_the_filters_print_them_make_a_numeric_column():
    printed = _printed_numbers()
    assert any(p.startswith("-") for p in printed) and any(" million" in p for p in printed)
    assert all(tablefit.is_numeric([p]) for p in printed), [p for p in printed if not tablefit.is_numeric([p])]
    assert tablefit.is_numeric([printed[0], "", tables.DASH, "-", "\u2013"])  # none is a dash or nothing


def test_text_years_and_dashes_alone_are_not_numbers():
    prose = tables.sentences(ROOT / "sources")
    assert not any(tablefit.is_numeric([s]) for s in prose)
    years = [year for year, _, _ in tables.amounts(ROOT / "sources" / "data")]
    assert not tablefit.is_numeric(years)  # a bare year is a label: number() would print '2,005'
    assert not tablefit.is_numeric(["", tables.DASH])  # nothing to align
    assert not tablefit.is_numeric([_printed_numbers()[1] + " (INCLE)"])


def test_the_tree_fits_the_long_table(long_sheet):
    """Widths span the text width, none under its longest word, the amounts narrower than the prose."""
    table, _, _, tree = long_sheet
    assert len(table.widths) == 3 and math.isclose(sum(table.widths), tree.page.text_width)
    assert all(w >= word for w, word in zip(table.widths, _longest_words(table, tree), strict=True))
    year, prose, amount = table.widths
    assert amount < prose and year < prose
    assert table.align == ("left", "left", "right")


def test_a_table_that_fits_on_one_line_spreads_in_proportion():
    """A narrow table still spans the text width, each column a share of its longest line."""
    tree = document(ROOT / "sources" / "laos-inl.yaml")
    table = next(b for b in tree.body if isinstance(b, Table))
    assert math.isclose(sum(table.widths), tree.page.text_width)
    assert all(w >= word for w, word in zip(table.widths, _longest_words(table, tree), strict=True))
    assert table.align[-1] == "right" and set(table.align[:-1]) == {"left"}


def test_words_wider_than_the_page_cap_only_the_widest_columns():
    """When the longest words alone overflow the text width, the table still spans exactly it:
    the columns of overlong words share what the others leave, each other column keeps its word."""
    tree = document(ROOT / "sources" / "laos-inl.yaml")
    long_word = "".join(tables.sentences(ROOT / "sources")[:3]).replace(" ", "")
    short = next(b for b in tree.body if isinstance(b, Table))  # the INL funding table's words
    cells = (*short.rows[0], (Run(long_word),), (Run(long_word),))
    table = Table(columns=tuple((Run(f"Column {n}"),) for n in range(len(cells))), rows=(cells,))
    widths = tablefit.widths(table, tree.look)
    least = _longest_words(table, tree)
    assert math.isclose(sum(widths), tree.page.text_width) and least[-1] > tree.page.text_width
    assert all(w >= word for w, word in zip(widths[:-2], least[:-2], strict=True))
    assert widths[-1] == widths[-2] < least[-1]


def _longest_words(table, tree):
    """Return each column's longest word (header bold) plus its cell paddings, in points."""
    size, grid = tree.look.style("Table Text").size, tree.look.table
    out = []
    for c, header in enumerate(table.columns):
        cells = [(inline_text(header), True)] + [(inline_text(row[c]), False) for row in table.rows]
        words = [fonts.text_width(w, size, bold) for text, bold in cells for w in text.split(" ")]
        out.append(max(words) + grid.padding_left + grid.padding_right)
    return out


# --- Reading back: the .docx ----------------------------------------------------------------------

def _docx_table(path):
    """Return the first w:tbl of a .docx's body."""
    with zipfile.ZipFile(path) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
    return body.find(f".//{W}tbl")


def test_docx_grid_and_cells_carry_the_trees_widths(long_sheet):
    table, docx, _, tree = long_sheet
    tbl = _docx_table(docx)
    grid = [int(col.get(f"{W}w")) / 20 for col in tbl.find(f"{W}tblGrid")]
    assert grid == list(table.widths)
    assert math.isclose(sum(grid), tree.page.text_width)
    assert tbl.find(f"{W}tblPr/{W}tblLayout").get(f"{W}type") == "fixed"  # Word keeps the widths
    for tr in tbl.iter(f"{W}tr"):
        cells = [int(tc.find(f"{W}tcPr/{W}tcW").get(f"{W}w")) / 20 for tc in tr.iter(f"{W}tc")]
        assert cells == grid
    assert all(w >= word for w, word in zip(grid, _longest_words(table, tree), strict=True))
    assert grid[2] < grid[1]  # the amounts narrower than the prose


def test_docx_right_aligns_the_numeric_column_and_its_header(long_sheet):
    table, docx, _, _ = long_sheet
    rows = list(_docx_table(docx).iter(f"{W}tr"))
    assert len(rows) == 1 + len(table.rows)
    for tr in rows:
        jcs = [tc.find(f"{W}p/{W}pPr/{W}jc") for tc in tr.iter(f"{W}tc")]
        assert [jc.get(f"{W}val") if jc is not None else None for jc in jcs] == [None, None, "right"]


def test_docx_repeats_the_header_and_keeps_rows_whole(long_sheet):
    _, docx, _, _ = long_sheet
    rows = list(_docx_table(docx).iter(f"{W}tr"))
    header = [tr.find(f"{W}trPr/{W}tblHeader") is not None for tr in rows]
    assert header == [True] + [False] * (len(rows) - 1)
    assert all(tr.find(f"{W}trPr/{W}cantSplit") is not None for tr in rows)


# --- Reading back: the PDF ------------------------------------------------------------------------

def _pdf_cells(path):
    """Return per page the drawn text fragments as (text, left x, right x, font size), from pypdf."""
    pages = []
    for page in pypdf.PdfReader(str(path)).pages:
        found = []

        def visit(text, cm, tm, font, size, found=found):
            text = text.strip()
            if text:
                left, bold = cm[4] + tm[4] * cm[0], "Bold" in str(font.get("/BaseFont", ""))
                found.append((text, left, left + fonts.text_width(text, size * cm[0], bold), size * cm[0]))
        page.extract_text(visitor_text=visit)
        pages.append(found)
    return pages


def _grid_columns(page) -> list[list[float]]:
    """Return the x positions (page coordinates) of vertical lines drawn on a page, by their y range.

    Follows q/Q and cm (ReportLab only translates).
    """
    ctm, stack, start, lines = (0.0, 0.0), [], None, {}
    for operands, op in ContentStream(page.get_contents(), page.pdf).operations:
        if op == b"q":
            stack.append(ctm)
        elif op == b"Q":
            ctm = stack.pop()
        elif op == b"cm":
            ctm = (ctm[0] + float(operands[4]), ctm[1] + float(operands[5]))
        elif op == b"m":
            start = (ctm[0] + float(operands[0]), ctm[1] + float(operands[1]))
        elif op == b"l" and start is not None:
            end = (ctm[0] + float(operands[0]), ctm[1] + float(operands[1]))
            if math.isclose(start[0], end[0]) and not math.isclose(start[1], end[1]):
                span = (round(min(start[1], end[1]), 2), round(max(start[1], end[1]), 2))
                lines.setdefault(span, set()).add(round(start[0], 2))
    return [sorted(xs) for xs in lines.values()]


def test_pdf_grid_lines_are_the_trees_widths(long_sheet):
    """The vertical lines the PDF draws on every page the table spans are the tree's column edges."""
    table, _, pdf, tree = long_sheet
    edges = [tree.page.margin_left]
    for width in table.widths:
        edges.append(edges[-1] + width)
    pages = pypdf.PdfReader(str(pdf)).pages
    assert len(pages) >= 2
    for page in pages:  # the table goes on over every page
        grid = sorted({x for lines in _grid_columns(page) for x in lines})
        assert len(grid) == len(edges) and all(math.isclose(a, b, abs_tol=0.01) for a, b in zip(grid, edges, strict=True))
    assert math.isclose(edges[-1] - edges[0], tree.page.text_width)


def test_pdf_right_aligns_the_numbers(long_sheet):
    """Every amount, and the column's header, ends at the same x (within a point) on every page."""
    table, _, pdf, _ = long_sheet
    printed = {inline_text(row[2]) for row in table.rows} | {inline_text(table.columns[2])}
    rights = [r for page in _pdf_cells(pdf) for t, _, r, _ in page if t in printed]
    assert len(rights) >= len(table.rows)
    assert max(rights) - min(rights) <= TOLERANCE


def test_pdf_repeats_the_header_and_keeps_rows_whole(long_sheet):
    """Page 2 on starts with the header row; each row's prose is whole on exactly one page."""
    table, _, pdf, _ = long_sheet
    pages = readback.pdf_pages(pdf)
    assert len(pages) >= 2
    header = " ".join(inline_text(c) for c in table.columns)
    for text in pages[1:]:
        assert readback.normalize(text).startswith(header)
    _assert_rows_whole(table, pages)


def _assert_rows_whole(table, pages):
    """Each row's prose cell, whole, on exactly one page."""
    squashed = [readback.squash(page) for page in pages]
    for row in table.rows:
        prose = readback.squash(inline_text(row[1]))
        assert sum(prose in page for page in squashed) == 1, inline_text(row[1])


# --- LibreOffice's rendering of the .docx ---------------------------------------------------------

@pytest.fixture(scope="module")
def renderings(long_sheet, tmp_path_factory):
    """Return the PDF writer's file and LibreOffice's PDF of the .docx, by name."""
    _, docx, pdf, _ = long_sheet
    return {"pdf": pdf, "libreoffice": parity.convert([docx], tmp_path_factory.mktemp("tables-lo"))[docx]}


@pytest.mark.parametrize("fmt", ["pdf", "libreoffice"])
@pytest.mark.slow
@pytest.mark.skipif(not parity.SOFFICE, reason="LibreOffice (soffice) is not installed; .ci/run "
                                               "installs libreoffice-writer-nogui")
@pytest.mark.skipif(not parity.PDFTOTEXT, reason="poppler (pdftotext) is not installed; .ci/run "
                                                 "installs poppler-utils")
def test_both_renderings_repeat_the_header_keep_rows_whole_and_align_numbers(fmt, long_sheet, renderings):
    """Per page: the first body line is the header row (page 2 on); rows whole; amounts flush right."""
    table, _, _, tree = long_sheet
    path = renderings[fmt]
    lines = parity.body_lines(path, tree.page)
    header = " ".join(inline_text(c) for c in table.columns)
    assert len(lines) >= 2
    assert all(page[0] == header for page in lines[1:]), [page[0] for page in lines]
    _assert_rows_whole(table, readback.pdf_pages(path))
    printed = {inline_text(row[2]) for row in table.rows} | {inline_text(table.columns[2])}
    words = [w for page in parity.page_words(path) for w in page if w.text in printed]
    assert len(words) >= len(table.rows)
    assert max(w.x1 for w in words) - min(w.x1 for w in words) <= TOLERANCE
    right = tree.page.margin_left + tree.page.text_width - tree.look.table.padding_right
    assert math.isclose(max(w.x1 for w in words), right, abs_tol=2 * TOLERANCE)


@pytest.mark.parametrize("fmt", ["pdf", "libreoffice"])
@pytest.mark.slow
@pytest.mark.skipif(not parity.SOFFICE, reason="LibreOffice (soffice) is not installed; .ci/run "
                                               "installs libreoffice-writer-nogui")
@pytest.mark.skipif(not parity.PDFTOTEXT, reason="poppler (pdftotext) is not installed; .ci/run "
                                                 "installs poppler-utils")
def test_both_renderings_start_each_column_where_the_tree_says(fmt, long_sheet, renderings):
    """Every line of every cell starts at its column's left edge plus the padding (LibreOffice honours the widths)."""
    table, _, _, tree = long_sheet
    header = " ".join(inline_text(c) for c in table.columns)
    pages = [lines for lines in parity.body_line_boxes(renderings[fmt], tree.page)]
    # The sheet ends with the table (no notes, no Sources note): every line from the header on is a row's.
    rows = [line for lines in pages for line in lines[[_text(word) for word in lines].index(header):]]
    assert len(rows) > len(table.rows)
    left = tree.page.margin_left
    for c, width in enumerate(table.widths[:2]):  # the last column is right-aligned
        starts = [min(w.x0 for w in line if left - 1 <= w.x0 < left + width - 1) for line in rows
                  if any(left - 1 <= w.x0 < left + width - 1 for w in line)]
        assert len(starts) >= len(table.rows) + 1
        assert all(abs(x - (left + tree.look.table.padding_left)) <= TOLERANCE for x in starts), \
            (c, sorted(set(starts)))
        left += width


def _text(line) -> str:
    """Return a visual line's text."""
    return parity.normalize(" ".join(w.text for w in line))


# --- The writers read the tree's numbers --------------------------------------------------------

def _sample_with(table):
    """Return the INL sample's tree with `table` as its only body block."""
    import dataclasses
    return dataclasses.replace(document(ROOT / "sources" / "laos-inl.yaml"), body=(table,))


def test_both_writers_take_the_trees_widths_and_alignments_as_they_are(tmp_path):
    """Widths and alignments set in the tree (not the fit's) are what both formats lay out."""
    from pipeline.writers import docx as docx_writer
    from pipeline.writers import pdf as pdf_writer
    fitted = next(b for b in document(ROOT / "sources" / "laos-inl.yaml").body if isinstance(b, Table))
    widths = (fitted.widths[0] + 40, fitted.widths[1] - 50, fitted.widths[2] + 10)
    table = Table(fitted.columns, fitted.rows, widths=widths, align=("right", "center", "left"))
    doc = _sample_with(table)
    (tmp_path / "t.docx").write_bytes(docx_writer.render(doc))
    tbl = _docx_table(tmp_path / "t.docx")
    assert tuple(int(col.get(f"{W}w")) / 20 for col in tbl.find(f"{W}tblGrid")) == widths
    first = [tc.find(f"{W}p/{W}pPr/{W}jc") for tc in next(tbl.iter(f"{W}tr")).iter(f"{W}tc")]
    assert [jc.get(f"{W}val") if jc is not None else None for jc in first] == ["right", "center", None]
    page = pypdf.PdfReader(io.BytesIO(pdf_writer.render(doc))).pages[0]
    edges = [doc.page.margin_left + sum(widths[:n]) for n in range(4)]
    grid = sorted({x for lines in _grid_columns(page) for x in lines})
    assert all(math.isclose(a, b, abs_tol=0.01) for a, b in zip(grid, edges, strict=True)) and len(grid) == 4


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
@pytest.mark.parametrize("change", [{"widths": (100.0, 368.0)}, {"align": ("left", "middle", "right")}])
def test_a_table_whose_widths_or_alignments_do_not_match_its_columns_is_refused(fmt, change):
    import dataclasses

    from pipeline import writers
    fitted = next(b for b in document(ROOT / "sources" / "laos-inl.yaml").body if isinstance(b, Table))
    with pytest.raises(ValueError, match="one width and one alignment per column"):
        writers.get(fmt).render(_sample_with(dataclasses.replace(fitted, **change)))
