"""Template output to document tree: parse the small sheet markup; unknown elements are errors."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

from ..document import tablefit, tabstops
from ..document.access import TITLE_STYLE
from ..document.look import Look
from ..document.tree import (
    Block,
    BulletList,
    Chart,
    ChartPoint,
    Document,
    Field,
    Heading,
    Inline,
    Metadata,
    Paragraph,
    Run,
    Tab,
    Table,
)

# Line breaks and their indentation inside inline content come from template layout, not data
# (record text never carries a line break into a paragraph), so they are dropped.
_TEMPLATE_BREAK = re.compile(r"[ \t]*\n[ \t]*")
_BLOCKS = {"p", "h1", "h2", "ul", "table", "chart", "image"}
_PARTS = ("header", "footer", "body")
_FIRST = {"first-header": "first_header", "first-footer": "first_footer"}  # page 1's own furniture


class MarkupError(Exception):
    """A template produced markup the pipeline does not understand (a template bug)."""


def parse(markup: str, look: Look, date: dt.date | None, images: dict | None = None) -> Document:
    """Return the Document that a layout template's output describes; `images` are the pictures
    an <image ref="…"/> may name (Image nodes by name)."""
    try:
        root = ET.fromstring(markup)
    except ET.ParseError as exc:
        line = markup.splitlines()[exc.position[0] - 1] if exc.position[0] <= len(markup.splitlines()) else ""
        raise MarkupError(f"the template produced malformed markup ({exc}): {line.strip()[:120]}")
    if root.tag != "sheet":
        raise MarkupError(f"the template output must be one <sheet> element, found <{root.tag}>")
    names = {style.name for style in look.styles}
    parts = {part: () for part in _PARTS}
    for child in root:
        if child.tag not in _PARTS and child.tag not in _FIRST:
            raise MarkupError(f"unknown element <{child.tag}> in <sheet>; expected header, footer, "
                              f"first-header, first-footer, body")
        parts[_FIRST.get(child.tag, child.tag)] = tuple(
            block for el in child for block in _blocks(el, look, names, images or {}))
    meta = Metadata(title=root.get("title", ""), subject=root.get("subject", ""),
                    author=root.get("author", ""), language=root.get("language", "en-US"), date=date)
    return Document(meta=meta, look=look, watermark=root.get("watermark") or None, **parts)


def _blocks(el: ET.Element, look: Look, styles: set[str], images: dict) -> tuple[Block, ...]:
    """Return the blocks an element stands for: one, or a line in parts that does not fit one line."""
    if el.tag != "p":
        if el.find(".//tab") is not None:
            raise MarkupError(f"<tab/> inside <{el.tag}>: a line in parts is a <p> (not the title)")
        return (_block(el, look, styles, images),)
    style = el.get("style", "Normal")
    if style not in styles:
        raise MarkupError(f"<p style=\"{style}\"> names a style the stylesheet lacks")
    stops = tuple(_stop(tab, look) for tab in el.iter("tab"))
    if stops and style == TITLE_STYLE:  # the title is the sheet's one H1, read and bookmarked whole
        raise MarkupError(f"<tab/> inside <p style=\"{style}\">: a line in parts is a <p> (not the title)")
    return tabstops.arrange(Paragraph(style, _inlines(el), tabs=stops), look)


def _stop(tab: ET.Element, look: Look):
    """Return the tab stop a <tab stop="…"/> moves to."""
    name = tab.get("stop")
    if name not in ("left", "center", "right"):
        raise MarkupError(f"<tab stop=\"{name}\">: the stop is left, center or right")
    return tabstops.stop(name, look)


def _block(el: ET.Element, look: Look, styles: set[str], images: dict) -> Block:
    """Return the block an element other than a paragraph stands for."""
    if el.tag in ("h1", "h2"):
        return Heading(int(el.tag[1]), _inlines(el))
    if el.tag == "ul":
        return BulletList(tuple(_inlines(_expect(li, "li")) for li in el))
    if el.tag == "table":
        return tablefit.fitted(_table(el), look)  # column widths and alignments, once for every writer
    if el.tag == "chart":
        return _chart(el)
    if el.tag == "image":
        if el.get("ref") not in images:
            raise MarkupError(f"<image ref=\"{el.get('ref')}\"> names no picture of this sheet")
        return images[el.get("ref")]
    raise MarkupError(f"unknown element <{el.tag}>; blocks are {', '.join(sorted(_BLOCKS))}")


def _table(el: ET.Element) -> Table:
    """Return a table: optional <caption>, a header <tr> of <th>, then <tr> rows of <td>."""
    caption, rows = None, []
    for child in el:
        if child.tag == "caption":
            caption = _inlines(child)
        else:
            rows.append(tuple(_inlines(cell) for cell in _expect(child, "tr")))
    if not rows:
        raise MarkupError("<table> needs a header row")
    return Table(columns=rows[0], rows=tuple(rows[1:]), caption=caption)


def _chart(el: ET.Element) -> Chart:
    """Return a chart: <chart type x-label y-label alt> holding <title>, <point label value>…, <source>."""
    form = el.get("type")
    if form not in ("bar", "line"):
        raise MarkupError(f"<chart type=\"{form}\">: the type is bar or line")
    title, source, points = (), None, []
    for child in el:
        if child.tag == "title":
            title = _inlines(child)
        elif child.tag == "source":
            source = _inlines(child) or None
        else:
            point = _expect(child, "point")
            try:
                value = float(point.get("value", ""))
            except ValueError:
                raise MarkupError(f"<point value=\"{point.get('value')}\"> is not a number") from None
            points.append(ChartPoint(point.get("label", ""), value, "".join(point.itertext()).strip()))
    if not points:
        raise MarkupError("<chart> needs at least one <point>")
    return Chart(form=form, title=title, x_label=el.get("x-label", ""), y_label=el.get("y-label", ""),
                 points=tuple(points), alt=el.get("alt", ""), source=source)


def _expect(el: ET.Element, tag: str) -> ET.Element:
    """Return `el` if it is a `tag` element."""
    if el.tag != tag:
        raise MarkupError(f"expected <{tag}>, found <{el.tag}>")
    return el


def _inlines(el: ET.Element) -> tuple[Inline, ...]:
    """Return the inline content of an element, merged into as few runs as possible."""
    out: list[Inline] = []
    _collect(el, False, False, None, out, top=True)
    return tuple(out)


def _collect(el, bold, italic, href, out, top=False) -> None:
    """Append the runs of `el` and its children with the marks in force."""
    if not top:
        if el.tag in ("page", "pages"):
            out.append(Field(el.tag))
            return
        if el.tag == "tab":
            out.append(Tab())
            return
        if el.tag not in ("b", "i", "a"):
            raise MarkupError(f"unknown inline element <{el.tag}>; inline marks are b, i, a, tab")
        bold, italic = bold or el.tag == "b", italic or el.tag == "i"
        href = el.get("href") if el.tag == "a" else href
    _text(el.text, bold, italic, href, out)
    for child in el:
        _collect(child, bold, italic, href, out)
        _text(child.tail, bold, italic, href, out)


def _text(text: str | None, bold: bool, italic: bool, href, out: list) -> None:
    """Append text as a run, joining it to the previous run when the marks match."""
    if not text:
        return
    text = _TEMPLATE_BREAK.sub("", text)
    if not text:
        return
    last = out[-1] if out else None
    if isinstance(last, Run) and (last.bold, last.italic, last.href) == (bold, italic, href):
        out[-1] = Run(last.text + text, bold, italic, href)
    else:
        out.append(Run(text, bold, italic, href))
