"""PDF flowables: the platypus pieces the PDF visitor builds a sheet from (tagged paragraphs, boxes,
grids, figures, keep-with-next), each drawing itself as the content of its structure element."""

from __future__ import annotations

import copy as _copy
import functools
import io
import itertools

from reportlab.lib import colors
from reportlab.platypus import Flowable, Frame, KeepTogether
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable

from pipeline.base import fonts
from pipeline.document import chartdraw
from pipeline.document.look import TWIPS_PER_POINT, Look, Style
from pipeline.document.tree import Image
from pipeline.writers import pdfaccel
from pipeline.writers.pdftags import Elem, TaggingCanvas


def _word_line(line, leading: float) -> tuple[float, float]:
    """Return the ascent and descent that give a line Word's height under ReportLab's 'max' leading:
    the style's pitch, or more where a font's own line is taller (Lao, Khmer, Thai), as Word and
    LibreOffice size an 'at least' line."""
    above = below = 0.0
    for frag in line.words:
        if not hasattr(frag, "cbDefn") and hasattr(frag, "fontName"):
            up, down = fonts.line_extent(frag.fontName)
            above, below = max(above, up * frag.fontSize), max(below, down * frag.fontSize)
    height = max(leading, above + below)
    # ReportLab draws a line max(5/6 pitch, ascent) above its baseline and max(1/6 pitch, -descent) below.
    ascent = min(max(above, 5 * leading / 6), height - leading / 6)
    return ascent, ascent - height


def room(height: float) -> float:
    """Return the height left in the frame as Word and LibreOffice count it: in whole twips where it is
    a whole number of twips but for floating-point noise (other heights, after a picture, are kept).
    Adding up heights leaves the room a hair short of lines that fit exactly, and ReportLab's split
    counts int(room / leading) lines, so the room also gets a tenth of the frame's own tolerance
    (1e-6 pt): k lines that fit are counted as k, as Word's integer arithmetic does."""
    twips = height * TWIPS_PER_POINT
    snapped = round(twips) / TWIPS_PER_POINT if abs(twips - round(twips)) < 1e-6 else height
    return snapped + 1e-7


_ATOMIC = frozenset((int, float, str, bool, type(None)))  # what deepcopy returns as it is


class BodyFrame(Frame):
    """The page's frame, copied faster: ReportLab deep-copies the frame each time it measures a kept
    group (keep-with-next), and the frame is two dozen numbers and one list."""

    def __deepcopy__(self, memo):
        """Return what copy.deepcopy returns, taking numbers and strings as they are without asking."""
        twin = self.__class__.__new__(self.__class__)
        memo[id(self)] = twin
        twin.__dict__.update({key: value if type(value) in _ATOMIC else _copy.deepcopy(value, memo)
                              for key, value in self.__dict__.items()})
        return twin


def box_edge(look: Look) -> float:
    """Return the room a box takes on each side of its text: padding and line."""
    return look.box.padding + look.box.line


class Box(Flowable):
    """Paragraphs of one boxed style in a shaded, bordered box, as Word draws them.

    Word counts a border and its padding in the paragraph's height, and draws adjacent
    paragraphs with the same border as one box (no border between them).
    """

    def __init__(self, paragraphs: list, style: Style, look: Look):
        """Box `paragraphs` (already indented by the box's edge) in `style`'s colours."""
        super().__init__()
        self.paragraphs, self.style, self.look = paragraphs, style, look
        self.edge = box_edge(look)

    def wrap(self, availWidth, availHeight):
        """Return the paragraphs' height with their spaces, plus the box's room above and below."""
        self.width, self.height = availWidth, 2 * self.edge
        for gap, paragraph in zip(self._gaps(), self.paragraphs, strict=True):
            self.height += gap + paragraph.wrap(availWidth, availHeight)[1]
        return self.width, self.height

    def split(self, availWidth, availHeight):
        """Split between or inside paragraphs; each part is boxed on its own page."""
        availHeight = room(availHeight)
        left = availHeight - 2 * self.edge
        for index, (gap, paragraph) in enumerate(zip(self._gaps(), self.paragraphs, strict=True)):
            height = paragraph.wrap(availWidth, availHeight)[1]
            if gap + height <= left:
                left -= gap + height
                continue
            parts = paragraph.split(availWidth, left - gap) if left - gap > 0 else []
            parts = parts if len(parts) == 2 else []  # widow control may refuse a split
            head, tail = self.paragraphs[:index] + parts[:1], (parts[1:] or [paragraph])
            if not head:
                return []
            return [Box(head, self.style, self.look), Box(tail + self.paragraphs[index + 1:], self.style, self.look)]
        return [self]

    def draw(self):
        """Draw the box, then the paragraphs inside it, top down."""
        line, left = self.look.box.line, self.style.left_indent
        canv = self.canv
        canv.saveState()
        canv.setLineWidth(line)
        canv.setStrokeColor(hex_color(self.style.border or self.style.shading))
        if self.style.shading:
            canv.setFillColor(hex_color(self.style.shading))
        canv.rect(left + line / 2, line / 2, self.width - left - line, self.height - line,
                  stroke=1, fill=int(bool(self.style.shading)))
        canv.restoreState()
        top = self.height - self.edge
        for gap, paragraph in zip(self._gaps(), self.paragraphs, strict=True):
            top -= gap + paragraph.height
            paragraph.drawOn(canv, 0, top)

    def _gaps(self) -> list[float]:
        """Return the space above each paragraph inside the box (none above the first)."""
        return [0.0] + [max(a.getSpaceAfter(), b.getSpaceBefore())
                        for a, b in itertools.pairwise(self.paragraphs)]

    def getSpaceBefore(self):
        """Return the first paragraph's space before."""
        return self.paragraphs[0].getSpaceBefore()

    def getSpaceAfter(self):
        """Return the last paragraph's space after."""
        return self.paragraphs[-1].getSpaceAfter()

    def getKeepWithNext(self):
        """Return whether the last paragraph keeps with the next block."""
        return self.paragraphs[-1].getKeepWithNext()


class TabLine(Flowable):
    """One line in parts (a banner centred, the date at the right margin), as Word sets it with tab
    stops: each part a one-line paragraph aligned in its own box, all on one baseline, drawn (and
    read) in order."""

    def __init__(self, parts: list):
        """Place `parts`, each (paragraph, left edge of its box, box width), in reading order."""
        super().__init__()
        self.parts = parts
        self.keepWithNext = parts[0][0].style.keepWithNext

    def wrap(self, availWidth, availHeight):
        """Return the full width and the tallest part's height."""
        self.width = availWidth
        self.height = max(para.wrap(width, availHeight)[1] for para, _, width in self.parts)
        return self.width, self.height

    def draw(self):
        """Draw each part at its place, tops together (one style: one baseline)."""
        for para, left, _ in self.parts:
            para.drawOn(self.canv, left, self.height - para.height)

    def getSpaceBefore(self):
        """Return the line's space before (its style's)."""
        return self.parts[0][0].getSpaceBefore()

    def getSpaceAfter(self):
        """Return the line's space after (its style's)."""
        return self.parts[0][0].getSpaceAfter()


def join_boxes(story: list) -> list:
    """Return the story with adjacent boxes of one style joined into one box, as Word joins them."""
    out: list = []
    for flowable in story:
        last = out[-1] if out else None
        if isinstance(flowable, Box) and isinstance(last, Box) and last.style == flowable.style:
            out[-1] = Box(last.paragraphs + flowable.paragraphs, last.style, last.look)
        else:
            out.append(flowable)
    return out


def hex_color(hex6: str) -> colors.Color:
    """Return the colour for a 6-digit hex string."""
    return colors.HexColor("#" + hex6)


class Figure(Flowable):
    """A drawing centred in the frame, drawn as the marked content of its Figure element."""

    def __init__(self, width: float, height: float, elem: Elem | None):
        """Take `width` by `height` points; `elem` is the Figure it draws (None: untagged)."""
        super().__init__()
        self.width, self.height, self.elem = width, height, elem
        self.hAlign = "CENTER"

    def wrap(self, availWidth, availHeight):
        """Return the fixed size."""
        return self.width, self.height

    def drawOn(self, canvas, x, y, _sW=0):
        """Draw inside the Figure's marked content, with its box on the page as /BBox."""
        x = self._hAlignAdjust(x, _sW)
        paint = functools.partial(Flowable.drawOn, self, canvas, x, y, 0)
        if isinstance(canvas, TaggingCanvas):
            canvas.figure(self.elem, paint, (x, y, x + self.width, y + self.height))
        else:
            paint()


class ChartFlowable(Figure):
    """A chart's shapes as vector graphics (reportlab.graphics), in the bundled font."""

    def __init__(self, drawing: chartdraw.Drawing, elem: Elem | None):
        """Draw `drawing`'s shapes."""
        super().__init__(drawing.width, drawing.height, elem)
        self.drawing = _rl_drawing(drawing)

    def draw(self):
        """Render the shapes at the flowable's origin."""
        from reportlab.graphics import renderPDF
        renderPDF.draw(self.drawing, self.canv, 0, 0)


class ImageFlowable(Figure):
    """A supplied picture (a seal) at a fixed printed width, with room after it."""

    def __init__(self, image: Image, width: float, space_after: float, elem: Elem | None):
        """Draw `image` `width` points wide, its height in proportion."""
        super().__init__(*image.size(width), elem)
        self.image, self.spaceAfter = image, space_after

    def draw(self):
        """Draw the picture's pixels into the flowable's box."""
        from reportlab.lib.utils import ImageReader
        self.canv.drawImage(ImageReader(io.BytesIO(self.image.data)), 0, 0, self.width, self.height)


def _rl_drawing(drawing: chartdraw.Drawing):
    """Return a reportlab.graphics Drawing of the chart's shapes."""
    from reportlab.graphics import shapes as rl

    face = fonts.face_name(False, False)
    # The renderer's own starting font would be Helvetica, which is not embedded (PDF/UA needs it to be).
    out = rl.Drawing(drawing.width, drawing.height, initialFontName=face, initialFontSize=12)
    for shape in drawing.shapes:
        colour = hex_color(shape.color)
        if isinstance(shape, chartdraw.Rect):
            out.add(rl.Rect(shape.x, shape.y, shape.width, shape.height, fillColor=colour, strokeColor=None))
        elif isinstance(shape, chartdraw.Line):
            flat = [v for point in shape.points for v in point]
            out.add(rl.PolyLine(flat, strokeColor=colour, strokeWidth=shape.width, strokeLineJoin=1))
        elif isinstance(shape, chartdraw.Dot):
            out.add(rl.Circle(shape.x, shape.y, shape.radius, fillColor=colour, strokeColor=None))
        else:  # each script's piece in its own family's face (chartdraw.runs)
            for x, text, piece_face, anchor in chartdraw.runs(shape):
                fonts.pdf_face(fonts.family_of_face(piece_face), False, False)  # registered before use
                out.add(rl.String(x, shape.y, text, fontName=piece_face, fontSize=shape.size,
                                  fillColor=colour, textAnchor=anchor))
    return out


class KeepWithNext(KeepTogether):
    """Word's keep-with-next: kept paragraphs share a page with the first lines of what follows.

    ReportLab's own KeepTogether moves the whole group, the following paragraph included, to
    the next page when it does not fit; Word (and LibreOffice) split that paragraph instead,
    as long as its first part keeps widow control (two lines).
    """

    def split(self, aW, aH):
        """Place the kept flowables and the start of the next one here, or move them on."""
        aH = room(aH)
        *kept, last = self._content
        kept_height, after = 0.0, 0.0
        for flowable in kept:  # spaces between them overlap, as in the frame
            kept_height += max(after, flowable.getSpaceBefore()) if kept_height else 0.0
            kept_height += flowable.wrapOn(self.canv, aW, aH)[1]
            after = flowable.getSpaceAfter()
        left = aH - kept_height - max(after, last.getSpaceBefore())
        parts = last.split(aW, left) if left > 0 else []
        if len(parts) > 1:
            return [*kept, *parts]
        return super().split(aW, aH)


class Grid(RLTable):
    """A table whose rows never split across pages, as Word's 'cantSplit' rows, unless taller than a page."""

    def split(self, availWidth, availHeight):
        """Split between rows; only a row taller than a whole page continues on the next."""
        availHeight = room(availHeight)
        self.splitInRow = 0
        parts = super().split(availWidth, availHeight)
        frame = getattr(self, "_frame", None)
        if not parts and frame is not None and getattr(frame, "_atTop", False):
            self.splitInRow = 1  # nothing fits even on a fresh page: the only way on is inside a row
            parts = super().split(availWidth, availHeight)
        for part in parts[1:]:  # the header row on the next page repeats what was read already
            part._cellvalues[0] = [_untagged(cell) for cell in part._cellvalues[0]]
        return parts


class TaggedParagraph(RLParagraph):
    """A Paragraph drawn as the content of its structure element (`tag`; a bullet's glyph as `label`)."""

    tag: Elem | None = None
    label: Elem | None = None
    link_texts: tuple[str, ...] = ()

    _broken: tuple | None = None  # (widths, lines) of the last breaking

    def _setup(self, text, style, bulletText, frags, cleaner):
        """Set up as ReportLab does; plain text (most paragraphs) without running the markup parser."""
        if frags is None and text is not None and pdfaccel.installed():
            cleaned = cleaner(text)
            frags = pdfaccel.plain_frags(cleaned, style)
            text = text if frags is None else cleaned  # the parser cleans the text itself
        super()._setup(text, style, bulletText, frags, cleaner)

    def breakLines(self, width):
        """Break lines as usual; with complex-script text, each line as tall as Word makes it.

        The same paragraph is often measured twice at the same width (a heading kept with the
        next paragraph, a frame trying it before splitting): the lines are broken once.
        """
        key = tuple(width) if isinstance(width, (list, tuple)) else width
        if self._broken is not None and self._broken[0] == key:
            return self._broken[1]
        broken = super().breakLines(width)
        if self.style.shaping and broken.kind == 1:
            for line in broken.lines:
                line.ascent, line.descent = _word_line(line, self.style.leading)
        self._broken = (key, broken)
        return broken

    def split(self, availWidth, availHeight):
        """Split as usual; every part is content of the same element (the label stays with the first)."""
        parts = super().split(availWidth, room(availHeight))
        for index, part in enumerate(parts):
            part.tag, part.link_texts = self.tag, self.link_texts
            part.label = self.label if index == 0 else None
        return parts

    def drawOn(self, canvas, x, y, _sW=0):
        """Draw inside the element's marked content (on a canvas that tags)."""
        if not isinstance(canvas, TaggingCanvas):
            return super().drawOn(canvas, x, y, _sW)
        state = canvas.enter(self.tag, self.link_texts, first=self.label if self.bulletText else None)
        try:
            super().drawOn(canvas, x, y, _sW)
        finally:
            canvas.leave(state)


def _untagged(cell):
    """Return a copy of a cell's paragraphs drawn as page furniture (a repeated header cell)."""
    if isinstance(cell, (list, tuple)):  # ReportLab keeps a cell's flowables in a tuple
        return type(cell)(_untagged(item) for item in cell)
    if not isinstance(cell, TaggedParagraph):
        return cell
    copy = _copy.copy(cell)
    copy.tag, copy.label, copy.link_texts = None, None, ()
    return copy


class HeadingParagraph(TaggedParagraph):
    """A Paragraph that bookmarks itself and adds an outline entry when drawn."""

    outline: tuple[str, str, int] | None = None  # (title, key, level)

    def split(self, availWidth, availHeight):
        """Split as usual; only the first part carries the outline entry."""
        parts = super().split(availWidth, availHeight)
        for index, part in enumerate(parts):
            part.outline = self.outline if index == 0 else None
        return parts

    def draw(self):
        """Bookmark the top of the heading, then draw it."""
        if self.outline:
            title, key, level = self.outline
            self.canv.bookmarkHorizontal(key, 0, self.height)
            self.canv.addOutlineEntry(title, key, level)
            self.canv.showOutline()
        super().draw()
