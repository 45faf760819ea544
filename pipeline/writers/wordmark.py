"""The .docx's watermark: the mark's letters as a drawn shape behind the text of every page, with
alternative text and Word's decorative mark, so accessibility checks and screen readers pass it by
as they pass the PDF's artifact.

Word's own text watermark (VML WordArt) is flagged three times by LibreOffice's accessibility check:
Fontwork, floating text and no alternative text (LibreOffice reads neither VML's `alt` nor `o:title`).
This shape is none of these: a DrawingML shape (`wps:wsp`) anchored in the header whose geometry is
the outline of the letters (no text of its own), with its description on `wp:docPr`
(which Word and LibreOffice both read) and Word's decorative mark (`adec:decorative`). It is drawn by
the PDF's rule: the text in the body face at the look's watermark size and angle, its capitals
centred on the page centre, in the look's colour and opacity; and it stays vector, as in the PDF.
"""

from __future__ import annotations

import copy
import functools
import math

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from pipeline.base import fonts
from pipeline.document.look import Look

_EMU = 12700  # per point
_UNIT = 20  # path units per point (the path's own coordinates: small whole numbers)
_DECORATIVE = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"  # the extension Word writes for "Mark as decorative"
_WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"


def shape_xml(text: str, look: Look, shape_id: int) -> str:
    """Return the w:drawing of the watermark: `text` as a shape centred on the page, behind the text."""
    size = look.watermark_size(fonts.text_width(text, 1))
    path, (width, height) = _path(text, size, look.watermark.angle)
    mark = look.watermark
    cx, cy = round(width * _EMU), round(height * _EMU)
    return (
        f'<w:drawing {nsdecls("w", "wp", "a")}>'
        '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="0" behindDoc="1" '
        'locked="1" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="page"><wp:align>center</wp:align></wp:positionH>'
        '<wp:positionV relativeFrom="page"><wp:align>center</wp:align></wp:positionV>'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
        # The description alone: LibreOffice reads "title - description" where both are set.
        f'<wp:docPr id="{shape_id}" name="Watermark {shape_id}" descr="{_attr(text)}">'
        f'<a:extLst><a:ext uri="{_DECORATIVE}"><adec:decorative '
        'xmlns:adec="http://schemas.microsoft.com/office/drawing/2017/decorative" val="1"/></a:ext></a:extLst>'
        '</wp:docPr><wp:cNvGraphicFramePr/>'
        f'<a:graphic><a:graphicData uri="{_WPS}"><wps:wsp xmlns:wps="{_WPS}"><wps:cNvSpPr/><wps:spPr>'
        f'<a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:custGeom><a:avLst/><a:gdLst/><a:ahLst/><a:cxnLst/><a:rect l="0" t="0" r="r" b="b"/><a:pathLst>'
        f'<a:path w="{round(width * _UNIT)}" h="{round(height * _UNIT)}">{path}</a:path></a:pathLst></a:custGeom>'
        f'<a:solidFill><a:srgbClr val="{mark.color}"><a:alpha val="{round(mark.opacity * 100000)}"/></a:srgbClr>'
        '</a:solidFill><a:ln><a:noFill/></a:ln></wps:spPr><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic>'
        '</wp:anchor></w:drawing>')


def drawing(text: str, look: Look, shape_id: int):
    """Return the watermark's w:drawing element (see shape_xml), the caller's own to place."""
    return copy.deepcopy(_parsed(text, look, shape_id))  # a copy: each header holds its own


@functools.lru_cache(maxsize=16)
def _parsed(text: str, look: Look, shape_id: int):
    """Return the watermark's w:drawing, drawn and parsed once per process; never handed out."""
    return parse_xml(shape_xml(text, look, shape_id))


def _attr(text: str) -> str:
    """Return text escaped for an XML attribute."""
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


@functools.lru_cache(maxsize=8)
def _path(text: str, size: float, angle: float) -> tuple[str, tuple[float, float]]:
    """Return the path of `text`'s outlines at `size` points, turned `angle` degrees counter-clockwise
    about its capitals' centre, and the size of a box centred on that point that holds it."""
    pen = _Pen(size, fonts.text_width(text, size), angle)
    font = _font()
    scale = font.face.upem
    for ch in text:
        glyph = font.get_nominal_glyph(ord(ch))
        if glyph is not None:  # a letter the body face lacks is left out, as its box is in the PDF
            font.draw_glyph_with_pen(glyph, pen)
        pen.x += fonts.text_width(ch, size) * scale / size  # the PDF's advance (its plain, unkerned text)
    return pen.path()


@functools.lru_cache(maxsize=1)
def _font():
    """Return the body face (Liberation Serif) as a HarfBuzz font, in font units."""
    import uharfbuzz as hb

    path = fonts.font_path(fonts.face_name(False, False))
    return hb.Font(hb.Face(hb.Blob(path.read_bytes())))


class _Pen:
    """Collects glyph outlines (a fontTools-style pen, in font units) as points turned about the capitals' centre."""

    def __init__(self, size: float, width: float, angle: float):
        """Set `size` points per em, for a line `width` points wide turned `angle` degrees."""
        self.size, self.width, self.x = size, width, 0.0
        self.cos, self.sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        self.commands: list[tuple[str, tuple]] = []

    def _point(self, point) -> tuple[float, float]:
        """Return a font-unit point as points from the capitals' centre, turned, y down."""
        em = _font().face.upem
        x = (self.x + point[0]) * self.size / em - self.width / 2
        y = point[1] * self.size / em - self.size * fonts.CAP_HEIGHT / 2
        return x * self.cos - y * self.sin, -(x * self.sin + y * self.cos)

    def moveTo(self, point):  # the names of the pen protocol (fontTools)
        """Start a contour."""
        self.commands.append(("moveTo", (self._point(point),)))

    def lineTo(self, point):
        """Draw a line."""
        self.commands.append(("lnTo", (self._point(point),)))

    def qCurveTo(self, *points):
        """Draw a quadratic curve (one control point, as HarfBuzz gives them)."""
        self.commands.append(("quadBezTo", tuple(map(self._point, points))))

    def curveTo(self, *points):
        """Draw a cubic curve."""
        self.commands.append(("cubicBezTo", tuple(map(self._point, points))))

    def closePath(self):
        """Close a contour."""
        self.commands.append(("close", ()))

    def path(self) -> tuple[str, tuple[float, float]]:
        """Return the DrawingML path commands in a box centred on the capitals' centre, and the box's size."""
        points = [p for _, pts in self.commands for p in pts] or [(0.0, 0.0)]
        half_w = max(abs(x) for x, _ in points) + 1
        half_h = max(abs(y) for _, y in points) + 1
        out = []
        for name, pts in self.commands:
            if name == "close":
                out.append("<a:close/>")
                continue
            coords = "".join(f'<a:pt x="{round((x + half_w) * _UNIT)}" y="{round((y + half_h) * _UNIT)}"/>'
                             for x, y in pts)
            out.append(f"<a:{name}>{coords}</a:{name}>")
        return "".join(out), (2 * half_w, 2 * half_h)
