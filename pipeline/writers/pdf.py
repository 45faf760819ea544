"""PDF writer: a document-tree visitor that lays the sheet out with ReportLab platypus, deterministically
(the flowables it builds are in pdfflow)."""

from __future__ import annotations

import datetime as dt
import functools
import html
import io
import itertools
import os

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfdoc import PDFName
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, HRFlowable, PageTemplate, TableStyle

from pipeline.base import fonts
from pipeline.document import chartdraw, tablefit, tabstops
from pipeline.document.access import TITLE_STYLE
from pipeline.document.look import Look, Style
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
    TabStop,
    Visitor,
    inline_text,
)
from pipeline.writers import pdfaccel, pdfformat, pdfshaping, pdfsubsets, pdftags
from pipeline.writers.pdfflow import (
    BodyFrame,
    Box,
    ChartFlowable,
    Grid,
    HeadingParagraph,
    ImageFlowable,
    KeepWithNext,
    TabLine,
    TaggedParagraph,
    box_edge,
    hex_color,
    join_boxes,
)
from pipeline.writers.pdftags import Elem, TaggingCanvas

CREATOR = "factsheets"
_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}
# ReportLab turns these href forms into internal jumps or remote-file opens, not URI links.
_SPECIAL_HREF = ("#", "document:", "pdf:")
_MARKS = {name: marks for marks, name in fonts.FACES.items()}  # a style's face -> (bold, italic)
pdfshaping.install()
pdfformat.install()
pdfsubsets.install()
pdfaccel.install()


def render(doc: Document) -> bytes:
    """Return the PDF file for `doc`, byte-identical for the same tree."""
    return Translator(doc).visit(doc)


class PdfTranslator(Visitor):
    """Turns tree nodes into platypus flowables (blocks) and paragraph markup (inlines)."""

    def __init__(self, doc: Document, fields: dict | None = None, outline: bool = True):
        """Translate `doc`; `fields` fills page numbers (furniture only, untagged); `outline` bookmarks
        headings and tags the body in a structure tree."""
        self.doc, self.look, self.fields, self.outline = doc, doc.look, fields, outline
        self.styles = _styles(doc.look)
        self.root = Elem("Document") if fields is None else None  # furniture is an artifact
        self._bold = False  # header cells force bold on their runs
        self._base = (False, False)  # the paragraph style's (bold, italic), for complex-script faces
        self._shaping = False  # whether the paragraph being marked up holds complex-script text
        self._last_level = -1
        self._headings = 0
        self._titled = False  # whether the title's bookmark is there to nest headings under

    def visit_document(self, doc: Document) -> bytes:
        """Lay out the body in one frame, then draw furniture and watermark on every page."""
        fonts.register_pdf_fonts()  # also maps <b>/<i> onto the bundled faces
        page, out = doc.page, io.BytesIO()
        template = BaseDocTemplate(
            out, pagesize=(page.width, page.height), leftMargin=page.margin_left,
            rightMargin=page.margin_right, topMargin=page.margin_top,
            bottomMargin=page.margin_bottom, title=doc.announced_title, author=doc.meta.author,
            subject=doc.meta.subject, creator=CREATOR, lang=doc.meta.language,
            # The watermark is an artifact readers skip; the properties still say what it says.
            keywords=doc.watermark or "",
            invariant=1, displayDocTitle=1,
            # The canvas would otherwise declare Helvetica as its starting font.
            initialFontName=fonts.face_name(False, False))
        template.keepTogetherClass = KeepWithNext
        # Zero padding so text lines up with the margins, as in Word. The space between two
        # paragraphs is the larger of the first's space after and the second's space before,
        # as in Word ("HTML paragraph auto spacing") and LibreOffice.
        frame = BodyFrame(template.leftMargin, template.bottomMargin, template.width, template.height,
                          leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body",
                          overlapAttachedSpace=1)
        template.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        story = join_boxes([f for block in doc.body for f in self.visit(block)])
        template.build(story, canvasmaker=functools.partial(_FurnitureCanvas, tree=doc, root=self.root))
        return out.getvalue()

    def visit_paragraph(self, block: Paragraph) -> list:
        """Return a paragraph, followed by its bottom rule if the style has one."""
        style, ps = self.look.style(block.style), self.styles[block.style]
        if style.border_bottom and not (style.shading or style.border):
            # The rule below takes over the space after, so it sits right under the text.
            ps = ParagraphStyle(f"{ps.name} (ruled)", parent=ps, spaceAfter=0, keepWithNext=1)
        if block.keep_with_next:  # whole, on the next block's page (Word: keepNext and keepLines)
            ps = ParagraphStyle(f"{ps.name} (kept)", parent=ps, keepWithNext=1)
        if block.tabs:
            return [self._tab_line(block, ps)]
        # The title is the sheet's first heading (H1, the top bookmark); every other style is a paragraph.
        if block.style == TITLE_STYLE:
            para = self._tagged(HeadingParagraph, block.inlines, ps, "H1")
            self._bookmark(para, block.inlines, 0)
            self._titled = True
        else:
            para = self._tagged(TaggedParagraph, block.inlines, ps, "P")
        if style.shading or style.border:
            return [Box([para], style, self.look)]
        if not style.border_bottom:
            return [para]
        box = self.look.box
        rule = HRFlowable(width="100%", thickness=box.line, color=hex_color(style.border_bottom),
                          spaceBefore=box.rule_gap, spaceAfter=style.space_after, lineCap="butt")
        rule.keepWithNext = int(style.keep_with_next)
        return [para, rule]

    def _tab_line(self, block: Paragraph, ps: ParagraphStyle) -> TabLine:
        """Return a line in parts: each part a paragraph (a P of its own, in reading order) at its tab stop."""
        width = self.doc.page.text_width
        stops = (TabStop(self.look.style(block.style).left_indent, "left"), *block.tabs)
        placed = []
        for part, at in zip(tabstops.split(block.inlines), stops, strict=True):
            if part:
                left, right = _room(at, width)
                placed.append((self._tagged(TaggedParagraph, part, _part_style(ps, at.align), "P"), left, right - left))
        return TabLine(placed)

    def visit_heading(self, block: Heading) -> list:
        """Return a heading paragraph that bookmarks itself in the outline."""
        # Below the title (H1 and bookmark level 0): a section heading is H2 and level 1.
        para = self._tagged(HeadingParagraph, block.inlines, self.styles[block.style], f"H{block.level + 1}")
        self._bookmark(para, block.inlines, block.level if self._titled else block.level - 1)
        return [para]

    def _bookmark(self, para, inlines, level: int) -> None:
        """Give a heading paragraph its outline entry (bookmark), nested under the one before."""
        if not self.outline:
            return
        # ReportLab refuses outline levels that skip a step, so clamp to one deeper.
        level = max(0, min(level, self._last_level + 1))
        self._last_level = level
        self._headings += 1
        para.outline = (inline_text(inlines), f"heading-{self._headings}", level)

    def visit_bullet_list(self, block: BulletList) -> list:
        """Return one bulleted paragraph per item, with a hanging indent."""
        base = self.styles[block.style]
        left, hang = self.look.bullet_indents(self.look.style(block.style))
        # ReportLab hangs the bullet at bulletIndent and wraps all lines at leftIndent.
        ps = ParagraphStyle(f"{base.name} (bullet)", parent=base, leftIndent=left,
                            bulletIndent=left - hang, firstLineIndent=0)
        items = []
        lst = self.root.child("L") if self.root else None
        for item in block.items:
            li = lst.child("LI") if lst else None
            label = li.child("Lbl") if li else None
            para = self._tagged(TaggedParagraph, item, ps, "LBody", parent=li, bulletText=self.look.text.bullet)
            para.label = label
            items.append(para)
        return items

    def visit_table(self, block: Table) -> list:
        """Return the caption (if any) and a grid table whose header row repeats on every page."""
        ncols = len(block.columns)
        if not ncols or any(len(row) != ncols for row in block.rows):
            raise ValueError("a table needs columns, and as many cells in every row")
        block = tablefit.fitted(block, self.look)  # the tree's widths; fitted here only if built by hand
        if (len(block.widths), len(block.align)) != (ncols, ncols) or not set(block.align) <= set(_ALIGN):
            raise ValueError("a table needs one width and one alignment per column")
        grid = self.root.child("Table") if self.root else None
        out = ([self._tagged(TaggedParagraph, block.caption, self.styles["Caption"], "Caption", parent=grid)]
               if block.caption else [])
        look = self.look.table
        cells = [_aligned(self.styles["Table Text"], align) for align in block.align]
        header_row = grid.child("TR") if grid else None
        header = [self._tagged(TaggedParagraph, c, cell, "TH", parent=header_row, bold=True,
                               attributes={"O": PDFName("Table"), "Scope": PDFName("Column")})
                  for c, cell in zip(block.columns, cells, strict=True)]
        body = []
        for row in block.rows:
            tr = grid.child("TR") if grid else None
            body.append([self._tagged(TaggedParagraph, c, cell, "TD", parent=tr) for c, cell in zip(row, cells, strict=True)])
        table = Grid([header, *body], colWidths=list(block.widths), repeatRows=1)
        table.setStyle(TableStyle([
            # Cells are Paragraphs, but the table still sets its default font (Helvetica).
            ("FONT", (0, 0), (-1, -1), fonts.face_name(False, False), cells[0].fontSize),
            ("GRID", (0, 0), (-1, -1), look.grid_line, hex_color(look.grid)),
            ("BACKGROUND", (0, 0), (-1, 0), hex_color(look.header_fill)),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            # Word counts a row's grid line in its height (the header row's top line too);
            # ReportLab draws the lines on the cell edges, outside the paddings.
            ("TOPPADDING", (0, 0), (-1, -1), look.padding_top),
            ("TOPPADDING", (0, 0), (-1, 0), look.padding_top + look.grid_line),
            ("BOTTOMPADDING", (0, 0), (-1, -1), look.padding_bottom + look.grid_line),
            ("LEFTPADDING", (0, 0), (-1, -1), look.padding_left),
            ("RIGHTPADDING", (0, 0), (-1, -1), look.padding_right),
        ]))
        table.spaceAfter = look.space_after
        return [*out, table]

    def visit_chart(self, chart: Chart) -> list:
        """Return the title, the drawing (a Figure with the alt text) and the source line, each kept with what follows."""
        group = self.root.child("Div") if self.root else None
        title = self._tagged(TaggedParagraph, chart.title, self.styles["Chart Title"], "P", parent=group)
        drawing = chartdraw.draw(chart, self.look.chart, self.doc.page.text_width)
        figure = group.child("Figure", alt=chart.alt) if group else None
        picture = ChartFlowable(drawing, figure)
        # The picture keeps with the next block and the title by its style, as in the .docx: a
        # KeepTogether here would be a container the heading before it cannot keep with, so the
        # heading would stay alone at the foot of a page while Word moves it on with the chart.
        picture.keepWithNext = 1
        if not chart.source:
            return [title, picture]
        return [title, picture, self._tagged(TaggedParagraph, chart.source, self.styles["Chart Source"], "P",
                                             parent=group)]

    def visit_image(self, image: Image) -> list:
        """Return the picture at the look's width, centred, as a Figure with its alt text."""
        figure = self.root.child("Figure", alt=image.alt) if self.root else None
        return [ImageFlowable(image, self.look.image.width, self.look.image.space_after, figure)]

    def visit_run(self, run: Run) -> str:
        """Return the markup for one run: escaped text wrapped in our own tags."""
        text = self._pieces(run.text, run.bold or self._bold, run.italic)
        if run.bold or self._bold:
            text = f"<b>{text}</b>"
        if run.italic:
            text = f"<i>{text}</i>"
        if run.href is not None:
            # ReportLab strips the target and reads its scheme case-insensitively.
            target = run.href.strip().lower()
            if not target or target.startswith(_SPECIAL_HREF):
                raise ValueError(f"link target {run.href!r} is not an external URI")
            # quote=True escapes both quote kinds so the value cannot leave the attribute; no
            # record data ever reaches a markup attribute but href.
            text = (f'<a href="{html.escape(run.href, quote=True)}" '
                    f'color="#{self.look.text.link_color}">{text}</a>')
        return text

    def _pieces(self, text: str, bold: bool, italic: bool) -> str:
        """Return escaped text with each complex-script piece in its own face (bold, italic as its run's)."""
        out = []
        for piece, family in fonts.pieces(text):
            piece = html.escape(piece, quote=False).translate(fonts.STAND_INS)
            if family.shaped:
                # The face named exactly: ReportLab's <b> and <i> know only Liberation Serif's faces.
                face = fonts.pdf_face(family, bold or self._base[0], italic or self._base[1])
                piece = f'<font face="{face}">{piece}</font>'
                self._shaping = True
            out.append(piece)
        return "".join(out)

    def visit_tab(self, item: Tab) -> str:
        """Refuse a tab outside a line with tab stops, whose parts _tab_line places itself."""
        raise ValueError("a tab belongs in a paragraph with tab stops, one per tab")

    def visit_field(self, item: Field) -> str:
        """Return the text of a page field; only page furniture knows page numbers."""
        if self.fields is None:
            raise ValueError(f"field {item.name!r} is only supported in the header and footer")
        if item.name not in self.fields:
            raise ValueError(f"unknown field {item.name!r}")
        return html.escape(str(self.fields[item.name]), quote=False)

    def _tagged(self, cls, inlines, style, tag: str, parent=None, bold: bool = False, attributes=None,
                **kwargs):
        """Return a paragraph flowable of `cls` that draws its content as a `tag` element."""
        self._shaping, self._base = False, _MARKS.get(style.fontName, (False, False))
        markup = self.markup(inlines, bold=bold)
        # Only paragraphs with complex-script text are shaped: the others keep ReportLab's plain layout.
        para = cls(markup, _shaping_style(style) if self._shaping else style, **kwargs)
        parent = parent or self.root
        para.tag = parent.child(tag, attributes=attributes) if parent else None
        para.link_texts = tuple(item.text for item in inlines if isinstance(item, Run) and item.href)
        return para

    def markup(self, inlines: tuple[Inline, ...], bold: bool = False) -> str:
        """Return ReportLab markup for inline runs; all text is escaped, tags are ours."""
        self._bold = bold
        try:
            return "".join(self.visit_all(inlines))
        finally:
            self._bold = False


@functools.lru_cache(maxsize=64)
def _styles(look: Look) -> dict[str, ParagraphStyle]:
    """Return a ParagraphStyle per style of a look, built once per look and process."""
    return {style.name: _paragraph_style(style, look) for style in look.styles}


@functools.lru_cache(maxsize=256)
def _shaping_style(style: ParagraphStyle) -> ParagraphStyle:
    """Return a paragraph style like `style` that shapes complex-script text (with HarfBuzz) and
    sizes each line on its own (see pdfflow.TaggedParagraph.breakLines)."""
    return ParagraphStyle(f"{style.name} (shaped)", parent=style, shaping=1, autoLeading="max")


def _room(at: TabStop, width: float) -> tuple[float, float]:
    """Return the box whose alignment puts a part at its stop: from the stop on, up to it, or centred on it."""
    if at.align == "right":
        return 0.0, at.position
    if at.align == "center":
        half = min(at.position, width - at.position)
        return at.position - half, at.position + half
    return at.position, width


@functools.lru_cache(maxsize=64)
def _part_style(style: ParagraphStyle, align: str) -> ParagraphStyle:
    """Return `style` for one part of a line in parts: aligned to its stop, its box the whole room."""
    return ParagraphStyle(f"{style.name} ({align} part)", parent=style, alignment=_ALIGN[align],
                          leftIndent=0, rightIndent=0, firstLineIndent=0)


@functools.lru_cache(maxsize=64)
def _aligned(style: ParagraphStyle, align: str) -> ParagraphStyle:
    """Return `style`, or a copy aligned `align` (a table column of numbers is right-aligned)."""
    if style.alignment == _ALIGN[align]:
        return style
    return ParagraphStyle(f"{style.name} ({align})", parent=style, alignment=_ALIGN[align])


def _paragraph_style(style: Style, look: Look) -> ParagraphStyle:
    """Translate a look Style into a ReportLab ParagraphStyle."""
    ps = ParagraphStyle(
        style.name, fontName=fonts.face_name(style.bold, style.italic), fontSize=style.size,
        leading=look.leading(style), textColor=hex_color(style.color),
        alignment=_ALIGN[style.align], spaceBefore=style.space_before,
        spaceAfter=style.space_after, leftIndent=style.left_indent,
        firstLineIndent=style.first_line_indent, keepWithNext=int(style.keep_with_next),
        bulletFontName=fonts.face_name(False, False), bulletFontSize=style.size,
        linkUnderline=1,
        allowWidows=0, allowOrphans=0,  # Word's widow control: no lone line at a page edge
        # Break lines as Word does: never squeeze spaces to fit a word in (ReportLab would by
        # 5%), and break after the hyphen of a hyphenated word ("amphetamine-|type").
        spaceShrinkage=0, embeddedHyphenation=1)
    if style.shading or style.border:  # Box draws the box; the text sits inside it
        ps.leftIndent += box_edge(look)
        ps.rightIndent += box_edge(look)
    return ps


Translator = PdfTranslator  # the registry's name for this format's visitor


NO_DATE = dt.date(2000, 1, 1)  # a sheet without a date: the same fixed day as the .docx


class _SheetDate:
    """The PDF's creation and modification date: the sheet's own day at midnight UTC, as in the .docx,
    so the same record gives the same bytes and File > Properties shows when the sheet was issued."""

    def __init__(self, day: dt.date):
        self.YMDhms = (day.year, day.month, day.day, 0, 0, 0)
        self.dhh = self.dmm = 0


class _FurnitureCanvas(TaggingCanvas):
    """A canvas that holds pages back until save, so furniture can show the page count."""

    def __init__(self, *args, tree: Document, root: Elem, **kwargs):
        """Create the canvas and remember the tree whose furniture it draws and its structure root."""
        super().__init__(*args, **kwargs)
        self._tree, self._root = tree, root
        self._pages: list[dict] = []
        if not os.environ.get("SOURCE_DATE_EPOCH", "").strip():  # a reproducible build's own date wins
            self._doc._timeStamp = _SheetDate(tree.meta.date or NO_DATE)  # not invariant mode's 2000-01-01

    def showPage(self):
        """Keep this page's state instead of writing it out."""
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        """Draw watermark, header and footer on every kept page, then write the file."""
        total = len(self._pages)
        tree = self._tree
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            fields = {"page": number, "pages": total}
            # Furniture is pagination, not content: screen readers skip it.
            if tree.watermark:
                self.artifact("Watermark", lambda: _draw_watermark(self, tree), behind=True)
            header, footer = tree.furniture(number)  # page 1 may have its own
            if header:
                self.artifact("Header", lambda: _draw_band(self, tree, header, fields, top=True))  # noqa: B023 (called at once)
            if footer:
                self.artifact("Footer", lambda: _draw_band(self, tree, footer, fields, top=False))  # noqa: B023 (called at once)
            super().showPage()
        pdftags.finish(self, self._root, tree.announced_title, tree.meta.language)
        super().save()


def _draw_watermark(canv: Canvas, doc: Document) -> None:
    """Draw the watermark large, at the look's angle, light and see-through in the page centre."""
    page, mark = doc.page, doc.look.watermark
    font = fonts.face_name(False, False)
    canv.saveState()
    canv.setFillColor(hex_color(mark.color))
    canv.setFillAlpha(mark.opacity)
    size = doc.look.watermark_size(fonts.text_width(doc.watermark, 1))  # the .docx shape's rule too
    canv.setFont(font, size)
    canv.translate(page.width / 2, page.height / 2)
    canv.rotate(mark.angle)
    canv.drawCentredString(0, -size * fonts.CAP_HEIGHT / 2, doc.watermark)  # capitals centred on the page centre
    canv.restoreState()


def _draw_band(canv: Canvas, doc: Document, blocks, fields: dict, top: bool) -> None:
    """Draw the header down from its distance to the page top, or the footer up from its distance to the bottom."""
    page = doc.page
    translator = Translator(doc, fields=fields, outline=False)
    items = join_boxes([f for block in blocks for f in translator.visit(block)])
    sizes = [item.wrapOn(canv, page.text_width, page.height)[1] for item in items]
    gaps = [0.0] + [max(a.getSpaceAfter(), b.getSpaceBefore()) for a, b in itertools.pairwise(items)]
    # The footer's last line ends footer_distance above the page edge.
    y = page.height - page.header_distance if top else page.footer_distance + sum(sizes) + sum(gaps)
    canv.saveState()
    for item, height, gap in zip(items, sizes, gaps, strict=True):
        y -= gap + height
        item.drawOn(canv, page.margin_left, y)
    canv.restoreState()
