"""PDF writer: render a document tree with ReportLab platypus, deterministically."""

from __future__ import annotations

import functools
import html
import io
import math

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (BaseDocTemplate, Frame, HRFlowable, PageTemplate,
                                Paragraph as RLParagraph, Table as RLTable, TableStyle)

from pipeline import fonts
from pipeline.writers import (BOX_LINE, BOX_PADDING, LINE_HEIGHT, LINK_COLOR, RULE_GAP,
                              TABLE_GRID, TABLE_GRID_LINE, TABLE_HEADER_FILL, TABLE_PADDING,
                              TABLE_SPACE_AFTER)
from pipeline.doctree import (BulletList, Document, Field, Heading, Inline, Paragraph, Run,
                              Style, Table, inline_text)

name = "pdf"
suffix = ".pdf"

CREATOR = "factsheets"
BULLET = "\u2022"
BULLET_HANG = 18.0  # 0.25 in hanging indent when the style does not define one
WATERMARK_SIZE = 100.0
WATERMARK_GREY = colors.HexColor("#808080")
WATERMARK_ALPHA = 0.25
_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}
# ReportLab turns these href forms into internal jumps or remote-file opens, not URI links.
_SPECIAL_HREF = ("#", "document:", "pdf:")


def render(doc: Document) -> bytes:
    """Return the PDF file for `doc`, byte-identical for the same tree."""
    fonts.register_pdf_fonts()  # also maps <b>/<i> onto the bundled faces
    styles = _Styles(doc)
    out = io.BytesIO()
    page = doc.page
    template = BaseDocTemplate(
        out, pagesize=(page.width, page.height), leftMargin=page.margin_left,
        rightMargin=page.margin_right, topMargin=page.margin_top,
        bottomMargin=page.margin_bottom, title=doc.meta.title, author=doc.meta.author,
        subject=doc.meta.subject, creator=CREATOR, lang=doc.meta.language,
        invariant=1, displayDocTitle=1,
        # The canvas would otherwise declare Helvetica as its starting font.
        initialFontName=fonts.face_name(False, False))
    # Zero padding so text lines up with the margins, as in the Word output.
    frame = Frame(template.leftMargin, template.bottomMargin, template.width, template.height,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    template.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    story = _flowables(doc.body, styles, template.width, fields=None, outline=True)
    template.build(story, canvasmaker=functools.partial(_FurnitureCanvas, tree=doc, styles=styles))
    return out.getvalue()


class _Styles:
    """ParagraphStyles built once per render from the document's stylesheet."""

    def __init__(self, doc: Document):
        """Remember the tree; styles are built on first use."""
        self.doc = doc
        self._cache: dict[str, ParagraphStyle] = {}

    def get(self, name: str) -> ParagraphStyle:
        """Return the ParagraphStyle for style `name`; KeyError if the sheet lacks it."""
        if name not in self._cache:
            self._cache[name] = _paragraph_style(self.doc.style(name))
        return self._cache[name]


def _paragraph_style(style: Style) -> ParagraphStyle:
    """Translate a tree Style into a ReportLab ParagraphStyle."""
    if style.align not in _ALIGN:
        raise ValueError(f"style {style.name!r}: unknown alignment {style.align!r}")
    ps = ParagraphStyle(
        style.name, fontName=fonts.face_name(style.bold, style.italic), fontSize=style.size,
        leading=style.size * LINE_HEIGHT, textColor=_color(style.color),
        alignment=_ALIGN[style.align], spaceBefore=style.space_before,
        spaceAfter=style.space_after, leftIndent=style.left_indent,
        firstLineIndent=style.first_line_indent, keepWithNext=int(style.keep_with_next),
        bulletFontName=fonts.face_name(False, False), bulletFontSize=style.size,
        linkUnderline=1,
        allowWidows=0, allowOrphans=0)  # Word's widow control: no lone line at a page edge
    if style.shading or style.border:
        # ReportLab draws the box outside the text area, so pull the text in by the padding
        # to keep the box inside the frame and add the padding to the vertical space.
        ps.backColor = _color(style.shading) if style.shading else None
        ps.borderColor = _color(style.border) if style.border else None
        ps.borderWidth = BOX_LINE if style.border else 0
        ps.borderPadding = BOX_PADDING
        ps.leftIndent += BOX_PADDING
        ps.rightIndent += BOX_PADDING
        ps.spaceBefore += BOX_PADDING
        ps.spaceAfter += BOX_PADDING
    return ps


def _color(hex6: str) -> colors.Color:
    """Return the colour for a 6-digit hex string."""
    return colors.HexColor("#" + hex6)


def _markup(inlines: tuple[Inline, ...], fields: dict | None, bold: bool = False) -> str:
    """Return ReportLab markup for inline runs; all text is escaped, tags are ours."""
    parts = []
    for item in inlines:
        if isinstance(item, Field):
            parts.append(html.escape(_field_value(item, fields), quote=False))
        else:
            parts.append(_run_markup(item, bold))
    return "".join(parts)


def _field_value(item: Field, fields: dict | None) -> str:
    """Return the text of a page field; only page furniture knows page numbers."""
    if fields is None:
        raise ValueError(f"field {item.name!r} is only supported in the header and footer")
    if item.name not in fields:
        raise ValueError(f"unknown field {item.name!r}")
    return str(fields[item.name])


def _run_markup(run: Run, bold: bool) -> str:
    """Return the markup for one run: escaped text wrapped in our own tags."""
    text = html.escape(run.text, quote=False).translate(fonts.STAND_INS)
    if run.bold or bold:
        text = f"<b>{text}</b>"
    if run.italic:
        text = f"<i>{text}</i>"
    if run.href is not None:
        # ReportLab strips the target and reads its scheme case-insensitively.
        target = run.href.strip().lower()
        if not target or target.startswith(_SPECIAL_HREF):
            raise ValueError(f"link target {run.href!r} is not an external URI")
        # quote=True escapes both quote kinds so the value cannot leave the attribute.
        # The colour is our constant; no record data ever reaches a markup attribute but href.
        text = f'<a href="{html.escape(run.href, quote=True)}" color="#{LINK_COLOR}">{text}</a>'
    return text


class _HeadingParagraph(RLParagraph):
    """A Paragraph that bookmarks itself and adds an outline entry when drawn."""

    outline: tuple[str, str, int] | None = None  # (title, key, level)

    def split(self, availWidth, availHeight):
        """Split as usual; only the first part carries the outline entry."""
        parts = super().split(availWidth, availHeight)
        if parts:
            parts[0].outline = self.outline
        return parts

    def draw(self):
        """Bookmark the top of the heading, then draw it."""
        if self.outline:
            title, key, level = self.outline
            self.canv.bookmarkHorizontal(key, 0, self.height)
            self.canv.addOutlineEntry(title, key, level)
            self.canv.showOutline()
        super().draw()


def _flowables(blocks, styles: _Styles, width: float, fields: dict | None,
               outline: bool = False) -> list:
    """Return the platypus flowables for a sequence of blocks; `outline` bookmarks headings."""
    story: list = []
    last_level = -1
    for index, block in enumerate(blocks):
        if isinstance(block, Heading):
            # ReportLab refuses outline levels that skip a step, so clamp to one deeper.
            level = max(0, min(block.level - 1, last_level + 1))
            last_level = level
            para = _HeadingParagraph(_markup(block.inlines, fields), styles.get(block.style))
            if outline:
                para.outline = (inline_text(block.inlines), f"heading-{index}", level)
            story.append(para)
        elif isinstance(block, Paragraph):
            story.extend(_paragraph(block, styles, fields))
        elif isinstance(block, BulletList):
            story.extend(_bullets(block, styles, fields))
        elif isinstance(block, Table):
            story.extend(_table(block, styles, width, fields))
        else:
            raise TypeError(f"unknown block {type(block).__name__}")
    return story


def _paragraph(block: Paragraph, styles: _Styles, fields: dict | None) -> list:
    """Return a paragraph, followed by its bottom rule if the style has one."""
    tree_style = styles.doc.style(block.style)
    ps = styles.get(block.style)
    if not tree_style.border_bottom:
        return [RLParagraph(_markup(block.inlines, fields), ps)]
    # The rule takes over the space after, so it sits right under the text.
    ps = ParagraphStyle(f"{ps.name} (ruled)", parent=ps, spaceAfter=0, keepWithNext=1)
    rule = HRFlowable(width="100%", thickness=BOX_LINE, color=_color(tree_style.border_bottom),
                      spaceBefore=RULE_GAP, spaceAfter=tree_style.space_after, lineCap="butt")
    return [RLParagraph(_markup(block.inlines, fields), ps), rule]


def _bullets(block: BulletList, styles: _Styles, fields: dict | None) -> list:
    """Return one bulleted paragraph per item, with a hanging indent."""
    base = styles.get(block.style)
    tree_style = styles.doc.style(block.style)
    hang = -tree_style.first_line_indent if tree_style.first_line_indent < 0 else BULLET_HANG
    left = max(base.leftIndent, hang)
    # ReportLab hangs the bullet at bulletIndent and wraps all lines at leftIndent.
    ps = ParagraphStyle(f"{base.name} (bullet)", parent=base, leftIndent=left,
                        bulletIndent=left - hang, firstLineIndent=0)
    return [RLParagraph(_markup(item, fields), ps, bulletText=BULLET) for item in block.items]


def _table(block: Table, styles: _Styles, width: float, fields: dict | None) -> list:
    """Return the caption (if any) and a grid table with a repeating bold header row."""
    out = []
    if block.caption:
        out.append(RLParagraph(_markup(block.caption, fields), styles.get("Caption")))
    ncols = len(block.columns)
    if not ncols or any(len(row) != ncols for row in block.rows):
        raise ValueError("a table needs columns, and as many cells in every row")
    cell = styles.get("Table Text")
    header = [RLParagraph(_markup(c, fields, bold=True), cell) for c in block.columns]
    body = [[RLParagraph(_markup(c, fields), cell) for c in row] for row in block.rows]
    # splitInRow: a row taller than a page continues on the next, as Word lays it out.
    table = RLTable([header, *body], colWidths=[width / ncols] * ncols, repeatRows=1, splitInRow=1)
    table.setStyle(TableStyle([
        # Cells are Paragraphs, but the table still sets its default font (Helvetica).
        ("FONT", (0, 0), (-1, -1), fonts.face_name(False, False), cell.fontSize),
        ("GRID", (0, 0), (-1, -1), TABLE_GRID_LINE, _color(TABLE_GRID)),
        ("BACKGROUND", (0, 0), (-1, 0), _color(TABLE_HEADER_FILL)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        *[(f"{side.upper()}PADDING", (0, 0), (-1, -1), pad) for side, pad in TABLE_PADDING.items()],
    ]))
    table.spaceAfter = TABLE_SPACE_AFTER
    out.append(table)
    return out


class _FurnitureCanvas(Canvas):
    """A canvas that holds pages back until save, so furniture can show the page count."""

    def __init__(self, *args, tree: Document, styles: _Styles, **kwargs):
        """Create the canvas and remember the tree whose furniture it draws."""
        super().__init__(*args, **kwargs)
        self._tree = tree
        self._styles = styles
        self._pages: list[dict] = []

    def showPage(self):
        """Keep this page's state instead of writing it out."""
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        """Draw watermark, header and footer on every kept page, then write the file."""
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.saveState()
            _draw_watermark(self, self._tree)
            _draw_furniture(self, self._tree, self._styles, number, total)
            self.restoreState()
            super().showPage()
        super().save()


def _draw_watermark(canv: Canvas, doc: Document) -> None:
    """Draw the watermark large, diagonal, light and see-through in the page centre."""
    if not doc.watermark:
        return
    page = doc.page
    font = fonts.face_name(False, False)
    # Shrink long words so they still fit along the page diagonal.
    diagonal = math.hypot(page.width, page.height) * 0.8
    size = min(WATERMARK_SIZE, diagonal / max(stringWidth(doc.watermark, font, 1), 1e-6))
    canv.saveState()
    canv.setFillColor(WATERMARK_GREY)
    canv.setFillAlpha(WATERMARK_ALPHA)
    canv.setFont(font, size)
    canv.translate(page.width / 2, page.height / 2)
    canv.rotate(45)
    canv.drawCentredString(0, -size * 0.35, doc.watermark)  # 0.35: about half a cap height
    canv.restoreState()


def _draw_furniture(canv: Canvas, doc: Document, styles: _Styles, number: int, total: int):
    """Draw the header centred in the top margin and the footer centred in the bottom one."""
    page = doc.page
    width = page.width - page.margin_left - page.margin_right
    fields = {"page": number, "pages": total}
    for blocks, band_bottom, band_height in (
            (doc.header, page.height - page.margin_top, page.margin_top),
            (doc.footer, 0.0, page.margin_bottom)):
        items = _flowables(blocks, styles, width, fields)
        sizes = [item.wrapOn(canv, width, band_height) for item in items]
        gaps = [0.0] + [max(a.getSpaceAfter(), b.getSpaceBefore())
                        for a, b in zip(items, items[1:])]
        height = sum(h for _, h in sizes) + sum(gaps)
        y = band_bottom + (band_height + height) / 2
        for item, (_, h), gap in zip(items, sizes, gaps):
            y -= gap + h
            item.drawOn(canv, page.margin_left, y)
