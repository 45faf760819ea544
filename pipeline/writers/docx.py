"""Word writer: a document-tree visitor that fills a copy of the reference skeleton with python-docx."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import io
import re
from typing import NamedTuple

import docx
from docx.document import Document as WordDocument
from docx.enum.section import WD_HEADER_FOOTER
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import CT_Relationships
from docx.opc.packuri import PACKAGE_URI
from docx.opc.pkgwriter import _ContentTypesItem
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.parts.hdrftr import FooterPart, HeaderPart
from docx.section import Section, _Footer, _Header
from docx.shared import Emu, Twips
from docx.table import _Cell
from docx.text.paragraph import Paragraph as WordParagraph
from docx.text.run import Run as WordRun
from lxml import etree
from lxml.etree import SubElement

from pipeline.base import fonts
from pipeline.document import anchors, chartdraw, tablefit
from pipeline.document.tree import (
    BulletList,
    Chart,
    Document,
    Field,
    Heading,
    Image,
    Inline,
    Paragraph,
    Run,
    Tab,
    Table,
    Visitor,
    inline_text,
    styles_used,
)
from pipeline.writers import wordfonts, wordmark, wordparts
from pipeline.writers.wordparts import twips

_FIELD_CODES = {"page": "PAGE", "pages": "NUMPAGES"}
_PLAIN = re.compile(r"[^\t\n\r]+")  # text that is one w:t (python-docx makes w:tab and w:br of the rest)
_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
          "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}
_ALIGN_XML = {name: WD_ALIGN_PARAGRAPH.to_xml(value) for name, value in _ALIGN.items()}  # w:jc's values
_TAB_ALIGN = {"left": WD_TAB_ALIGNMENT.LEFT, "center": WD_TAB_ALIGNMENT.CENTER, "right": WD_TAB_ALIGNMENT.RIGHT}
_NO_DATE = dt.date(2000, 1, 1)
_EMU_PER_POINT = 12700
_PROPERTY_CHARS = 255  # python-docx refuses longer core properties (title, subject, author)
_WATERMARK_IDS = 4096  # the watermark shapes' ids, apart from the body's pictures' (1, 2, …)
# The names of the elements and attributes every sheet writes many times, qualified once.
_P, _PPR, _PSTYLE, _R, _RPR, _T, _TAB = (qn(f"w:{tag}") for tag in ("p", "pPr", "pStyle", "r", "rPr", "t", "tab"))
_RFONTS, _B, _BCS, _I, _ICS, _LANG = (qn(f"w:{tag}") for tag in ("rFonts", "b", "bCs", "i", "iCs", "lang"))
_BOOKMARK_START, _BOOKMARK_END = qn("w:bookmarkStart"), qn("w:bookmarkEnd")
_VAL, _ID, _NAME, _CS, _HINT, _BIDI = (qn(f"w:{name}") for name in ("val", "id", "name", "cs", "hint", "bidi"))
_PRESERVE = {qn("xml:space"): "preserve"}
_TR_PR, _CANT_SPLIT, _TBL_HEADER, _TC, _SHD, _KEEP_NEXT, _JC = (
    qn(f"w:{tag}") for tag in ("trPr", "cantSplit", "tblHeader", "tc", "shd", "keepNext", "jc"))
_W, _TYPE, _COLOR, _FILL = (qn(f"w:{name}") for name in ("w", "type", "color", "fill"))
_XSI_TYPE = qn("xsi:type")
_FLD_CHAR, _FLD_CHAR_TYPE, _INSTR_TEXT = qn("w:fldChar"), qn("w:fldCharType"), qn("w:instrText")


def render(doc: Document) -> bytes:
    """Return the .docx file for `doc`, byte-identical for the same tree."""
    return Translator(doc).visit(doc)


def starting_document(skeleton: bytes) -> WordDocument:
    """Return a python-docx document of the skeleton's package, this sheet's own to fill."""
    # A copy of the skeleton opened once per process: opening it (unzipping and parsing every
    # part) cost three times what copying the parsed package does.
    return _copied(_opened(skeleton), {})


_ATOMS = (str, bytes, int, float, bool, type(None), type)  # immutable: shared, as deepcopy shares them


def _copied(obj, memo: dict):
    """Return a deep copy of python-docx's package graph, as copy.deepcopy makes it, in a third of its time.

    The graph is python-docx's objects (their attributes in __dict__), dicts (relationships),
    lists, strings (part names are a str subclass) and lxml elements, which lxml copies; any
    other kind of value is left to copy.deepcopy, with the same memo.
    """
    if isinstance(obj, _ATOMS):
        return obj
    found = memo.get(id(obj))
    if found is not None:
        return found
    kind = type(obj)
    if isinstance(obj, etree._Element):
        new = copy.deepcopy(obj)
    elif kind is list:
        new = memo[id(obj)] = []
        new.extend(_copied(value, memo) for value in obj)
    elif hasattr(obj, "__dict__") and (kind.__new__ is object.__new__ or isinstance(obj, dict)):
        new = memo[id(obj)] = kind.__new__(kind)
        if isinstance(obj, dict):
            new.update((_copied(key, memo), _copied(value, memo)) for key, value in obj.items())
        new.__dict__.update((name, _copied(value, memo)) for name, value in vars(obj).items())
    elif kind is dict:
        new = memo[id(obj)] = {}
        new.update((_copied(key, memo), _copied(value, memo)) for key, value in obj.items())
    else:
        new = copy.deepcopy(obj, memo)
    memo[id(obj)] = new
    return new


@functools.lru_cache(maxsize=64)
def _opened(skeleton: bytes) -> WordDocument:
    """Return the skeleton opened by python-docx: never handed out, only copied."""
    return docx.Document(io.BytesIO(skeleton))


class DocxTranslator(Visitor):
    """Appends tree nodes to a Word document: blocks to the current story, inlines to the current paragraph."""

    def __init__(self, doc: Document):
        """Open a copy of the skeleton for this sheet's look and styles."""
        self.doc, self.look = doc, look = doc, doc.look
        blocks = doc.all_blocks()
        runs = [run for block in blocks for run in _inlines_of(block)]
        used = frozenset(styles_used(doc))
        self.style_ids = wordparts.style_ids(used)
        self.word = starting_document(wordparts.skeleton(
            doc.look, used, doc.meta.language,
            frozenset(b.style for b in blocks if isinstance(b, BulletList)),
            any(isinstance(r, Run) and r.href for r in runs), any(isinstance(b, Table) for b in blocks)))
        self.story = self.word  # where blocks go: the body, a header or a footer
        self._story_element = self.word.element.body  # its XML element, where paragraphs are appended
        self._story_parent = self.word._body  # what python-docx gives a paragraph of it as its parent
        self._styles = {name: look.style(name) for name in used}  # the look's styles by name, looked up once
        self.paragraph = None  # where inlines go
        self._bold = False  # header cells force bold on their runs
        self._after_table = False
        self._anchors = 0  # body paragraphs bookmarked so far (see pipeline/document/anchors.py)
        self._version = anchors.version(doc)
        self._drawn: dict[tuple[fonts.Family, bool], set[str]] = {}  # complex-script text per face, to embed
        self._style_bold = False  # the current paragraph's style is bold: its runs draw the bold face
        self._watermarks = 0  # watermark shapes written (one per header that shows it)

    def visit_document(self, doc: Document) -> bytes:
        """Write body, header (with the watermark) and footer, then the properties; return the package."""
        # The section's properties end the body: set aside while the body is written, every
        # paragraph and table is simply appended (python-docx searched for its place each time).
        body = self._story_element
        section_properties = body.sectPr
        body.remove(section_properties)
        self.blocks(doc.body)
        body.append(section_properties)
        # The one section (python-docx's sections[0] searched every paragraph for section breaks).
        section = Section(section_properties, self.word.part)
        if doc.header or doc.watermark:
            header = self._new_story(section, header=True, first=False)
            self.furniture(header, doc.header)
            if doc.watermark:
                self._watermark(header)
        if doc.footer:
            self.furniture(self._new_story(section, header=False, first=False), doc.footer)
        if doc.first_page_differs:
            self._first_page(section, doc)
        _set_core_properties(self.word, doc)
        wordfonts.embed(self.word, self.look.page.font, self._drawn)
        return _package(self.word)

    def _first_page(self, section, doc: Document) -> None:
        """Give page 1 its own header and footer (Word's w:titlePg), the watermark kept on it."""
        section.different_first_page_header_footer = True
        header, footer = doc.furniture(1)
        # Both parts are written even when empty: without them page 1 would show nothing
        # in Word but the ordinary header in some other readers.
        first_header = self._new_story(section, header=True, first=True)
        self.furniture(first_header, header)
        if doc.watermark:
            self._watermark(first_header)
        self.furniture(self._new_story(section, header=False, first=True), footer)

    def _new_story(self, section: Section, header: bool, first: bool) -> tuple:
        """Add a header or footer part for every page or page 1; return python-docx's story and its root.

        What python-docx's section.header (and the others) do the first time, in the same
        order, with its default part parsed once per process: it read and parsed the file,
        and searched the document for an earlier section, for each part.
        """
        part, index = self.word.part, WD_HEADER_FOOTER.FIRST_PAGE if first else WD_HEADER_FOOTER.PRIMARY
        kind, name, content_type, reltype, story = (
            (HeaderPart, "header", CT.WML_HEADER, RT.HEADER, _Header) if header
            else (FooterPart, "footer", CT.WML_FOOTER, RT.FOOTER, _Footer))
        new = kind(part.package.next_partname(f"/word/{name}%d.xml"), content_type,
                   copy.deepcopy(_default_story(kind)), part.package)
        rid = part.relate_to(new, reltype)
        sect_pr = section._sectPr
        (sect_pr.add_headerReference if header else sect_pr.add_footerReference)(index, rid)
        return story(sect_pr, part, index), new.element

    def blocks(self, blocks) -> None:
        """Visit blocks into the current story; a table's room after it goes on the next paragraph."""
        self._after_table = False
        for block in blocks:
            if self._after_table and isinstance(block, Table) and not block.caption:
                self._table_gap()
            first = self.visit(block)
            # Word has no space after a table; the next paragraph makes the PDF's room instead
            # (the larger of the two, as spaces between paragraphs overlap).
            if self._after_table and first is not None:
                own = _space_before(self.look, block)
                first.paragraph_format.space_before = _pt(max(own, self.look.table.space_after))
            self._after_table = isinstance(block, Table)

    def furniture(self, made: tuple, blocks) -> None:
        """Render blocks into a header or footer (`made` by _new_story), replacing its placeholder paragraph."""
        story, element = made
        placeholder = element.p_lst[0]
        style = placeholder.get_or_add_pPr().find(_PSTYLE)
        if style is not None:  # python-docx's template names a Header/Footer style the sheet may lack
            placeholder.pPr.remove(style)
        stories = self.story, self._story_element, self._story_parent
        self.story, self._story_element, self._story_parent = story, element, story
        self.blocks(blocks)
        self.story, self._story_element, self._story_parent = stories
        if blocks and not isinstance(blocks[-1], Table):
            placeholder.getparent().remove(placeholder)
        else:  # a story must end in a paragraph, and the watermark needs one
            placeholder.getparent().append(placeholder)

    def visit_paragraph(self, block: Paragraph):
        """Append one paragraph in its style; return it."""
        paragraph = self._paragraph(block.style, block.inlines)
        if block.keep_with_next:  # whole, with the next: as the PDF's keepWithNext moves it
            properties = paragraph._p.find(_PPR)
            properties.find(_PSTYLE).addnext(_w("w:keepNext"))
            properties.find(qn("w:keepNext")).addnext(_w("w:keepLines"))
        for stop in block.tabs:  # a line in parts: each part after a tab at its stop, as the PDF places it
            paragraph.paragraph_format.tab_stops.add_tab_stop(_pt(stop.position), _TAB_ALIGN[stop.align])
        return paragraph

    def visit_heading(self, block: Heading):
        """Append a heading in Word's Heading N style; return it."""
        return self._paragraph(block.style, block.inlines)

    def visit_bullet_list(self, block: BulletList):
        """Append one bulleted paragraph per item (the style carries the bullet); return the first."""
        paragraphs = [self._paragraph(block.style, item) for item in block.items]
        return paragraphs[0] if paragraphs else None

    def visit_table(self, table: Table):
        """Append the caption and a fixed grid whose header row repeats and whose rows never split."""
        if not table.columns or any(len(row) != len(table.columns) for row in table.rows):
            raise ValueError("a table needs columns and one cell per column in every row")
        table = tablefit.fitted(table, self.look)  # the tree's widths; fitted here only if built by hand
        cols = len(table.columns)
        if (len(table.widths), len(table.align)) != (cols, cols) or not set(table.align) <= set(_ALIGN):
            raise ValueError("a table needs one width and one alignment per column")
        caption = self._paragraph("Caption", table.caption) if table.caption else None
        rows = 1 + len(table.rows)
        # The document's own add_table ignores the width; its body container takes it.
        container = self.story._body if isinstance(self.story, WordDocument) else self.story
        grid = container.add_table(rows, cols, Twips(cols))  # widths set below, in the grid and every cell
        grid._tbl.tblStyle_val = "TableGrid"
        grid.autofit = False  # fixed layout: Word and LibreOffice keep the widths, never re-balance them
        widths = [twips(width) for width in table.widths]
        for col, width in zip(grid._tbl.tblGrid.gridCol_lst, widths, strict=True):
            col.set(qn("w:w"), width)
        grid._tbl.tblPr.find(qn("w:tblW")).attrib.update(
            {qn("w:w"): str(sum(map(int, widths))), qn("w:type"): "dxa"})
        text_style = self.style_ids["Table Text"]
        self._style_bold = self.look.style("Table Text").bold
        own = self.look.style("Table Text").align
        justify = [None if align == own else _ALIGN_XML[align] for align in table.align]
        # Rows and cells are walked in the XML: grid.cell(r, c) rebuilds the list of every cell on
        # each call, which made a 1,000-row table take 45 s.
        fill = self.look.table.header_fill
        for r, (tr, cells) in enumerate(zip(grid._tbl.tr_lst, (table.columns, *table.rows), strict=True)):
            # python-docx's new table: each row holds only its cells, each cell a w:tcPr (its
            # w:tcW first) and an empty w:p; the properties are added in the schema's order.
            tr_pr = SubElement(tr, _TR_PR)
            tr.insert(0, tr_pr)  # before the cells
            SubElement(tr_pr, _CANT_SPLIT)  # a row moves whole to the next page, as in the PDF
            if r == 0:
                SubElement(tr_pr, _TBL_HEADER)  # repeated at the top of every page the table spans
            for c, (tc, inlines, width, jc) in enumerate(zip(tr.iterchildren(_TC), cells, widths, justify,
                                                              strict=True)):
                tc_pr = tc[0]
                tc_pr[0].attrib.update({_W: width, _TYPE: "dxa"})
                if r == 0:
                    SubElement(tc_pr, _SHD, {_VAL: "clear", _COLOR: "auto", _FILL: fill})
                p = tc.find(_P)
                properties = SubElement(p, _PPR)
                SubElement(properties, _PSTYLE, {_VAL: text_style})
                if r == 0 and table.rows:
                    SubElement(properties, _KEEP_NEXT)  # never a header row alone
                if jc is not None:  # a column of numbers: right-aligned, its header too
                    SubElement(properties, _JC, {_VAL: jc})
                self.paragraph = WordParagraph(p, _Cell(tc, grid))
                self._bold = r == 0
                # Only a table's first paragraph is bookmarked (its cells follow in order): a
                # bookmark per cell would outgrow the file's size limit on a long table.
                anchor = self._open_anchor(marked=caption is None and r == 0 and c == 0)
                self.visit_all(inlines)
                self._close_anchor(anchor)
        self._bold = False
        return caption

    def visit_chart(self, chart: Chart):
        """Append the title, the chart as a picture (PNG, with the alt text) and the source line; return the title.

        The picture is the same drawing the PDF draws as vector graphics (pipeline/chartdraw.py).
        """
        title = self._paragraph("Chart Title", chart.title)
        drawing = chartdraw.draw(chart, self.look.chart, self.doc.page.text_width)
        picture = self._picture(chartdraw.png(drawing), (drawing.width, drawing.height), chart.alt,
                                inline_text(chart.title), space_after=0.0)
        if chart.source:
            picture.paragraph_format.keep_with_next = True  # the chart stays with its source line
            self._paragraph("Chart Source", chart.source)
        return title

    def visit_image(self, image: Image):
        """Append a supplied picture (a seal) at the look's width, centred, with its alt text; return it."""
        return self._picture(image.data, image.size(self.look.image.width), image.alt, image.alt,
                             space_after=self.look.image.space_after)

    def _picture(self, data: bytes, size: tuple[float, float], alt: str, title: str, space_after: float):
        """Append a centred paragraph holding only an inline picture `size` points large; return it.

        Its line is the picture's height alone, as in the PDF: single spacing, a 1 pt paragraph mark.
        """
        paragraph = self._new_paragraph()
        paragraph._p.style = self.style_ids["Normal"]
        fmt = paragraph.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt.space_before, fmt.space_after, fmt.line_spacing = _pt(0), _pt(space_after), 1.0
        fmt.left_indent = fmt.first_line_indent = _pt(0)
        fmt.keep_with_next = True  # a chart's picture stays with what follows it; a seal with the post line
        mark = _w("w:rPr")
        mark.append(_w("w:sz", val="2"))
        paragraph._p.get_or_add_pPr().append(mark)
        run = paragraph.add_run()
        run.font.size = _pt(1)
        width, height = (Emu(round(v * _EMU_PER_POINT)) for v in size)
        run.add_picture(io.BytesIO(data), width=width, height=height)
        doc_pr = run._r.find(".//" + qn("wp:docPr"))
        doc_pr.set("descr", alt)  # the alt text Word shows and reads aloud
        doc_pr.set("title", title)
        return paragraph

    def visit_run(self, run: Run) -> None:
        """Append a run keeping its text exactly (one per script); a link becomes a w:hyperlink to an external target."""
        pieces = fonts.pieces(run.text) or [(run.text, fonts.LATIN)]
        word_runs = [self._word_run(text, family, run) for text, family in pieces]
        if run.href:
            rid = self.paragraph.part.relate_to(run.href, RT.HYPERLINK, is_external=True)
            link = OxmlElement("w:hyperlink", attrs={qn("r:id"): rid})
            word_runs[0].addprevious(link)
            for word_run in word_runs:
                word_run.get_or_add_rPr().insert(0, _w("w:rStyle", val="Hyperlink"))
                link.append(word_run)

    def _word_run(self, text: str, family: fonts.Family, run: Run):
        """Append one Word run (a w:r) of a run's text that one font family draws; return it.

        Built element by element in the schema's order (what python-docx's setters give, without
        their search for each child's place): most of a sheet's Word time is its runs.
        """
        r = SubElement(self.paragraph._p, _R)
        bold, italic = run.bold or self._bold, run.italic
        if family.shaped:
            self._drawn.setdefault((family, bold or self._style_bold), set()).update(text)
        if family.shaped or bold or italic:
            props = SubElement(r, _RPR)
            if family.shaped:
                # Word draws Lao, Khmer and Thai with the run's complex-script font and its *Cs marks.
                SubElement(props, _RFONTS, {_CS: family.word, _HINT: "cs"})
            if bold:
                SubElement(props, _B)
                if family.shaped:
                    SubElement(props, _BCS)
            if italic:
                SubElement(props, _I)
            if family.shaped:
                # Upright even in italic text, as in the PDF: these fonts have no italic, and Word
                # and LibreOffice would slant the letters themselves.
                SubElement(props, _ICS, {_VAL: "0"})
                # The complex-script language (w:bidi; w:val is the Latin text's): without it a
                # screen reader takes Word's default for complex scripts, Arabic (ar-SA).
                SubElement(props, _LANG, {_BIDI: family.language})
        if _PLAIN.fullmatch(text):
            # Word drops leading, trailing and doubled spaces unless told to preserve them.
            SubElement(r, _T, _PRESERVE).text = text
        else:
            WordRun(r, self.paragraph).text = text  # python-docx escapes XML and turns \n into w:br, \t into w:tab
            for element in r.findall(_T):
                element.attrib.update(_PRESERVE)
        return r

    def visit_tab(self, tab: Tab) -> None:
        """Append a tab character: the text after it moves to the paragraph's next tab stop."""
        SubElement(SubElement(self.paragraph._p, _R), _TAB)

    def visit_field(self, field: Field) -> None:
        """Append a complex field (PAGE or NUMPAGES) with a cached result the viewer replaces."""
        code = _FIELD_CODES.get(field.name)
        if code is None:
            raise ValueError(f"unknown field {field.name!r}")
        p = self.paragraph._p
        SubElement(SubElement(p, _R), _FLD_CHAR, {_FLD_CHAR_TYPE: "begin"})
        SubElement(SubElement(p, _R), _INSTR_TEXT, _PRESERVE).text = f" {code} "
        SubElement(SubElement(p, _R), _FLD_CHAR, {_FLD_CHAR_TYPE: "separate"})
        SubElement(SubElement(p, _R), _T).text = "1"  # cached result, shown until the viewer computes the real one
        SubElement(SubElement(p, _R), _FLD_CHAR, {_FLD_CHAR_TYPE: "end"})

    def _table_gap(self) -> None:
        """Append the paragraph Word needs between two tables (it joins adjacent ones), 1 pt tall.

        With the space before it, it makes the same room as the PDF leaves after a table.
        """
        gap = self._new_paragraph()._p.get_or_add_pPr()
        room = self.look.table.space_after
        gap.append(_w("w:spacing", before=twips(max(room - 1, 0)), after="0", line="20", lineRule="exact"))
        mark = _w("w:rPr")
        mark.append(_w("w:sz", val="2"))
        gap.append(mark)

    def _paragraph(self, style: str, inlines: tuple[Inline, ...]):
        """Append a paragraph in `style` to the current story, fill it with inlines, return it."""
        self.paragraph = self._new_paragraph()
        self._style_bold = self._styles[style].bold
        # A new paragraph is empty: its style is its first property, written directly.
        SubElement(SubElement(self.paragraph._p, _PPR), _PSTYLE, {_VAL: self.style_ids[style]})
        anchor = self._open_anchor()
        self.visit_all(inlines)
        self._close_anchor(anchor)
        return self.paragraph

    def _new_paragraph(self) -> WordParagraph:
        """Append an empty paragraph to the current story (after all it holds); return it."""
        return WordParagraph(SubElement(self._story_element, _P), self._story_parent)

    def _open_anchor(self, marked: bool = True) -> str | None:
        """Open the hidden bookmark of a body paragraph (the first also carries the version); return its id.

        Every body paragraph is counted, `marked` or not. Headers and footers are not bookmarked:
        the import compares their text with the map.
        """
        if self.story is not self.word:
            return None
        index, self._anchors = self._anchors, self._anchors + 1
        if not marked:
            return None
        p = self.paragraph._p
        if index == 0:  # a point bookmark: where the sheet's version is read back
            SubElement(p, _BOOKMARK_START, {_ID: "0", _NAME: anchors.version_name(self._version)})
            SubElement(p, _BOOKMARK_END, {_ID: "0"})
        mark = str(index + 1)
        SubElement(p, _BOOKMARK_START, {_ID: mark, _NAME: anchors.paragraph_name(index)})
        return mark

    def _close_anchor(self, mark: str | None) -> None:
        """Close a paragraph's bookmark after its last run."""
        if mark is not None:
            SubElement(self.paragraph._p, _BOOKMARK_END, {_ID: mark})

    def _watermark(self, made: tuple) -> None:
        """Anchor the look's watermark in a header's first paragraph, so it shows on every page: the letters'
        outlines as a shape behind the text, its text as alternative text, marked decorative (wordmark.py)."""
        self._watermarks += 1
        run = SubElement(made[1].find(_P), _R)
        run.append(wordmark.drawing(self.doc.watermark, self.look, _WATERMARK_IDS + self._watermarks))


Translator = DocxTranslator  # the registry's name for this format's visitor


@functools.lru_cache(maxsize=2)
def _default_story(kind) -> etree._Element:
    """Return python-docx's empty header or footer (HeaderPart, FooterPart), parsed once; never handed out."""
    return parse_xml(kind._default_header_xml() if kind is HeaderPart else kind._default_footer_xml())


def _space_before(look, block) -> float:
    """Return the space before the first paragraph a block writes (a table, a picture: none)."""
    if isinstance(block, Chart):
        return look.style("Chart Title").space_before
    return look.style(block.style).space_before if isinstance(block, (Paragraph, Heading, BulletList)) else 0.0


def _inlines_of(block):
    """Yield every inline of a block (caption and cells included)."""
    if isinstance(block, Table):
        for cells in ((block.caption or ()), *block.columns, *(c for row in block.rows for c in row)):
            yield from cells
    elif isinstance(block, Chart):
        yield from (*block.title, *(block.source or ()))
    elif isinstance(block, BulletList):
        for item in block.items:
            yield from item
    else:  # a node of an unknown type has none, and fails when visited
        yield from getattr(block, "inlines", ())


def _pt(points: float) -> Twips:
    """Return a python-docx length in points, exact to the twip."""
    return Twips(int(twips(points)))


def _w(tag: str, **attrs: str):
    """Return a new WordprocessingML element with w:-namespaced attributes."""
    return OxmlElement(tag, attrs={qn(f"w:{key}"): value for key, value in attrs.items()})


def _set_core_properties(word: WordDocument, doc: Document) -> None:
    """Write the sheet's properties (a draft's title says so), dated by the sheet, never by the wall clock.

    The skeleton's properties are empty: each is appended in the order python-docx's setters
    would add them (content status, title, subject, language, author, last modified by,
    revision, created, modified), without their searches for an existing one.
    """
    meta = doc.meta
    day = meta.date or _NO_DATE
    stamp = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    author = _property(meta.author)
    core = word.core_properties._element
    for tag, text in (("cp:contentStatus", "Draft" if doc.watermark else ""),  # File > Info shows it
                      ("dc:title", _property(doc.announced_title)), ("dc:subject", _property(meta.subject)),
                      ("dc:language", meta.language), ("dc:creator", author), ("cp:lastModifiedBy", author),
                      ("cp:revision", "1"), ("dcterms:created", stamp), ("dcterms:modified", stamp)):
        if len(text) > _PROPERTY_CHARS:
            raise ValueError(f"a core property holds at most {_PROPERTY_CHARS} characters, got {len(text)}")
        element = SubElement(core, qn(tag))
        element.text = text
        if tag.startswith("dcterms:"):
            element.set(_XSI_TYPE, "dcterms:W3CDTF")  # the skeleton declares xsi on the root


def _property(text: str) -> str:
    """Return text cut to what a core property holds; the sheet itself prints it in full."""
    return text if len(text) <= _PROPERTY_CHARS else text[:_PROPERTY_CHARS - 1] + "…"


def _package(word: WordDocument) -> bytes:
    """Return the .docx: the members python-docx would save, in its order, zipped once with fixed
    timestamps and attributes (saving, then rewriting its zip, compressed every part twice)."""
    package = word.part.package
    parts = package.parts
    for part in parts:
        part.before_marshal()
    # PackageWriter.write's three steps (python-docx 1.2); the content types and the relationship
    # parts are the same for most sheets, so each is made once per process from what decides it.
    members = [("[Content_Types].xml", _content_types(tuple((part.partname, part.content_type) for part in parts))),
               (PACKAGE_URI.rels_uri.membername, _relationships(_rels_key(package.rels)))]
    for part in parts:
        members.append((part.partname.membername, part.blob))
        if len(part.rels):
            members.append((part.partname.rels_uri.membername, _relationships(_rels_key(part.rels))))
    return wordparts.zip_parts(members)


class _Named(NamedTuple):
    """What python-docx's content types read of a part."""

    partname: str
    content_type: str


@functools.lru_cache(maxsize=256)
def _content_types(parts: tuple[tuple[str, str], ...]) -> bytes:
    """Return [Content_Types].xml for parts (name, content type), as python-docx writes it."""
    return _ContentTypesItem.from_parts([_Named(*part) for part in parts]).blob


def _rels_key(rels) -> tuple[tuple[str, str, str, bool], ...]:
    """Return what a relationships part's XML is made of, in its order."""
    return tuple((rel.rId, rel.reltype, rel.target_ref, rel.is_external) for rel in rels.values())


@functools.lru_cache(maxsize=256)
def _relationships(rels: tuple[tuple[str, str, str, bool], ...]) -> bytes:
    """Return a relationships part's XML, as python-docx's Relationships.xml writes it."""
    element = CT_Relationships.new()
    for rel in rels:
        element.add_rel(*rel)
    return element.xml
