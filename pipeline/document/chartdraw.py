"""A chart's drawing as plain shapes in points, computed once so both formats draw the same picture.

The PDF writer draws these shapes as vector graphics (reportlab.graphics); the Word writer paints
them into a PNG with Pillow. Neither decides anything about the chart: scale, ticks, bar places,
labels and colours all come from here and from the look, so the numbers cannot differ.
Coordinates are points with the origin at the drawing's bottom left, as in PDF.
"""

from __future__ import annotations

import decimal
import functools
import math
from dataclasses import dataclass

from ..base import diskcache, fingerprint, fonts
from ..figures.values import number
from .look import ChartLook
from .tree import Chart

PNG_SCALE = 4  # pixels per point of the .docx picture: 288 dpi, crisp in print
PNG_COLOURS = 16
PICTURES, PICTURES_LIMIT = "charts", 64 * 1024 * 1024  # the picture cache's kind and its size in bytes


@dataclass(frozen=True)
class Rect:
    """A filled rectangle (a bar)."""

    x: float
    y: float
    width: float
    height: float
    color: str


@dataclass(frozen=True)
class Line:
    """A straight line or a polyline through `points`."""

    points: tuple[tuple[float, float], ...]
    width: float
    color: str


@dataclass(frozen=True)
class Dot:
    """A filled circle (a point of a line chart)."""

    x: float
    y: float
    radius: float
    color: str


@dataclass(frozen=True)
class Label:
    """Text on one baseline; `anchor` is start, middle or end of the text at `x`."""

    x: float
    y: float
    text: str
    size: float
    anchor: str
    color: str


@dataclass(frozen=True)
class Drawing:
    """The shapes of one chart, in drawing order, and its size."""

    width: float
    height: float
    shapes: tuple


def size(look: ChartLook, text_width: float) -> tuple[float, float]:
    """Return the (width, height) a chart takes on the page."""
    return round(text_width * look.width, 2), look.height


def draw(chart: Chart, look: ChartLook, text_width: float) -> Drawing:
    """Return the shapes of `chart` at the look's size."""
    width, height = size(look, text_width)
    s = look.label_size
    low, high, step = _scale([p.value for p in chart.points])
    ticks = [low + i * step for i in range(round((high - low) / step) + 1)]
    tick_text = [_tick(t, step) for t in ticks]
    left = max(fonts.text_width(t, s) for t in tick_text) + s  # room for the value scale
    bottom, top = s * 3.2, height - s * 2.8  # x labels and axis name below; axis name, value labels above
    right = width - s
    # A long axis name is set smaller rather than run past the drawing's edge.
    name_size = min(s, s * (width - s * 0.4) / max(fonts.text_width(chart.y_label, s), 1e-6))
    shapes: list = [Label(s * 0.2, height - s, chart.y_label, round(name_size, 2), "start", look.axis)]
    y_of = lambda v: bottom + (v - low) / (high - low) * (top - bottom)
    for value, text in zip(ticks, tick_text, strict=True):
        y = y_of(value)
        shapes.append(Line(((left, y), (right, y)), look.line, look.grid if value else look.axis))
        shapes.append(Label(left - s / 2, y - s * 0.3, text, s, "end", look.axis))
    slot = (right - left) / max(len(chart.points), 1)
    centres = [left + slot * (i + 0.5) for i in range(len(chart.points))]
    zero = y_of(max(low, 0.0))
    if chart.form == "bar":
        bar = slot * look.bar_width
        for x, point in zip(centres, chart.points, strict=True):
            y = y_of(point.value)
            shapes.append(Rect(x - bar / 2, min(y, zero), bar, abs(y - zero), look.color))
    else:
        shapes.append(Line(tuple((x, y_of(p.value)) for x, p in zip(centres, chart.points, strict=True)),
                           look.line_width, look.color))
        shapes.extend(Dot(x, y_of(p.value), look.line_width * 1.5, look.color) for x, p in zip(centres, chart.points, strict=True))
    shapes.append(Line(((left, bottom), (left, top)), look.line, look.axis))
    shapes.append(Line(((left, zero), (right, zero)), look.line, look.axis))
    # Labels that would run into their neighbours are thinned: values all or none (the alt text
    # always holds every value), years every n-th.
    values_fit = max(fonts.text_width(p.printed, s) for p in chart.points) <= slot * 0.95
    every = math.ceil(max(fonts.text_width(p.label, s) for p in chart.points) * 1.5 / slot)
    for index, (x, point) in enumerate(zip(centres, chart.points, strict=True)):
        y = y_of(point.value)
        above = y + s * 0.5 + (look.line_width * 1.5 if chart.form == "line" else 0)
        if values_fit:
            shapes.append(Label(x, above if point.value >= 0 else y - s * 1.2, point.printed, s, "middle",
                                look.color))
        if index % every == 0:
            shapes.append(Label(x, bottom - s * 1.3, point.label, s, "middle", look.axis))
    shapes.append(Label((left + right) / 2, s * 0.3, chart.x_label, s, "middle", look.axis))
    return Drawing(width, height, tuple(_rounded(shape) for shape in shapes))


def runs(label: Label) -> list[tuple[float, str, str, str]]:
    """Return a label as (x, text, face, anchor) runs, each in the face of the family that draws it.

    Both painters draw these, so a Lao or Khmer axis name prints in its own font in the PDF and in
    the .docx's picture (one Latin face drew nothing for it: the label vanished). Text of one family
    stays one run at the label's own anchor.
    """
    pieces = fonts.pieces(label.text) or [(label.text, fonts.LATIN)]
    if len(pieces) == 1:
        return [(label.x, label.text, pieces[0][1].face(False, False), label.anchor)]
    widths = [fonts.text_width(text, label.size) for text, _ in pieces]
    x = label.x - {"start": 0.0, "middle": sum(widths) / 2, "end": sum(widths)}[label.anchor]
    out = []
    for (text, family), width in zip(pieces, widths, strict=True):
        out.append((round(x, 2), text, family.face(False, False), "start"))
        x += width
    return out


def labels(drawing: Drawing) -> list[str]:
    """Return the text the drawing prints, in drawing order."""
    return [shape.text for shape in drawing.shapes if isinstance(shape, Label)]


def _scale(values: list[float]) -> tuple[float, float, float]:
    """Return (low, high, step) of a value axis that starts at zero and ends on a round number."""
    low, high = min(0.0, *values), max(0.0, *values)
    if high == low:
        high = low + 1
    raw = (high - low) / 4  # about four steps
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _tick(value: float, step: float) -> str:
    """Return a tick's text, with as many decimals as the step needs, so no two ticks read alike."""
    if step >= 1e-9:
        return number(_tidy(value))
    # Steps this small rounded to 0 at _tidy's ten decimals: four ticks all read "0".
    exact = round(value / step) * decimal.Decimal(f"{step:.12g}")  # a whole number of steps, exactly
    return "0" if exact == 0 else ("-" if exact < 0 else "") + f"{abs(exact):,f}"


def _tidy(value: float):
    """Return a tick value as an int when it is whole (so it prints without decimals)."""
    rounded = round(value, 10)
    return int(rounded) if rounded == int(rounded) else rounded


def _rounded(shape):
    """Return a shape with its coordinates rounded to 1/100 pt, so both painters get the same numbers."""
    r = lambda v: round(v, 2)
    if isinstance(shape, Rect):
        return Rect(r(shape.x), r(shape.y), r(shape.width), r(shape.height), shape.color)
    if isinstance(shape, Line):
        return Line(tuple((r(x), r(y)) for x, y in shape.points), shape.width, shape.color)
    if isinstance(shape, Dot):
        return Dot(r(shape.x), r(shape.y), r(shape.radius), shape.color)
    return Label(r(shape.x), r(shape.y), shape.text, shape.size, shape.anchor, shape.color)


@functools.lru_cache(maxsize=8)
def png(drawing: Drawing) -> bytes:
    """Return the drawing as a PNG at PNG_SCALE pixels per point: the same bytes for the same drawing.

    Painting takes 10-20 ms, paid once per drawing: kept for the last few drawings in this process (the
    workspace's preview draws the same chart at every pause in typing elsewhere on the sheet) and,
    across processes and runs, in the user's picture cache (diskcache).
    """
    name = _picture_key(drawing)
    cached = diskcache.get(PICTURES, name)
    if cached is not None:
        return cached
    data = _paint(drawing)
    diskcache.put(PICTURES, name, data, PICTURES_LIMIT)
    return data


def _picture_key(drawing: Drawing) -> str:
    """Return the cache name of a drawing's PNG: everything that changes its bytes is in it."""
    import zlib

    from PIL import __version__ as pillow

    # The drawing (every shape's numbers, texts and colours), the code that paints it, the painter
    # (Pillow, and zlib, which compresses the PNG), the fonts (by their pinned checksums).
    return diskcache.key("chart-png", repr(drawing), PNG_SCALE, PNG_COLOURS, fingerprint.pipeline_digest(),
                         pillow, zlib.ZLIB_RUNTIME_VERSION, sorted(fonts.SHA256.items()))


def _paint(drawing: Drawing) -> bytes:
    """Paint the drawing with Pillow and return its PNG bytes."""
    import io

    from PIL import Image

    image = _pixels(drawing)
    inks = palette(drawing)
    if inks is None:  # more colours of its own than a palette holds: let Pillow choose (slow, ~0.1 s)
        image = image.quantize(colors=PNG_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    else:  # no dithering: the same pixels give the same indexes and bytes
        chosen = Image.new("P", (1, 1))
        chosen.putpalette([channel for colour in inks for channel in colour])
        image = image.quantize(palette=chosen, dither=Image.Dither.NONE)
    out = io.BytesIO()
    # No text chunks, no time: the bytes depend on the pixels alone. zlib's default level, not
    # optimize=True: that made the picture 7-10% smaller at 4-6 times the encoding time, and once the
    # .docx's zip has deflated it again, 0.2-1.3 kB a chart.
    image.save(out, format="PNG", dpi=(72 * PNG_SCALE, 72 * PNG_SCALE))
    return out.getvalue()


def _pixels(drawing: Drawing):
    """Return the drawing painted in full colour (an RGB Pillow image, anti-aliased text)."""
    from PIL import Image, ImageDraw

    k = PNG_SCALE
    image = Image.new("RGB", (math.ceil(drawing.width * k), math.ceil(drawing.height * k)), "white")
    pen = ImageDraw.Draw(image)
    at = lambda x, y: (x * k, (drawing.height - y) * k)
    for shape in drawing.shapes:
        colour = "#" + shape.color
        if isinstance(shape, Rect):
            x0, y0 = at(shape.x, shape.y + shape.height)
            x1, y1 = at(shape.x + shape.width, shape.y)
            pen.rectangle((x0, y0, x1 - 1, y1 - 1), fill=colour)
        elif isinstance(shape, Line):
            pen.line([at(x, y) for x, y in shape.points], fill=colour, width=max(1, round(shape.width * k)),
                     joint="curve")
        elif isinstance(shape, Dot):
            x, y = at(shape.x, shape.y)
            r = shape.radius * k
            pen.ellipse((x - r, y - r, x + r, y + r), fill=colour)
        else:
            for x, text, face, anchor in runs(shape):
                pen.text(at(x, shape.y), text, fill=colour, font=_font(face, round(shape.size * k)),
                         anchor={"start": "ls", "middle": "ms", "end": "rs"}[anchor])
    return image


@functools.lru_cache(maxsize=16)
def _font(face: str, pixels: int):
    """Return a face at a size in pixels, loaded once per process (a chart sets a few dozen labels)."""
    from PIL import ImageFont

    return ImageFont.truetype(str(fonts.font_path(face)), pixels)


WHITE = (255, 255, 255)
APART = 11  # least distance between two palette colours (see palette())


def palette(drawing: Drawing) -> list[tuple[int, int, int]] | None:
    """Return the PNG's colours: white, every shape's own colour, then shades of each label's colour.

    Only text is anti-aliased (bars, lines and dots are not), and it is drawn on white, so its edges
    are mixes of its colour with white: the free places go to evenly spaced mixes of each label colour
    (an edge pixel is at most half a step off). Chosen from the drawing alone, so the same drawing
    always gets the same palette, in about 2 ms where Pillow's median cut took ~70. Pillow maps each
    pixel by the colour at the corner of its 4×4×4 cell (up to 5.2 away), so colours stay APART:
    a shape's own colour then always maps to itself. None when the shapes have more colours than fit.
    """
    own = list(dict.fromkeys([WHITE, *(_rgb(shape.color) for shape in drawing.shapes)]))
    if len(own) > PNG_COLOURS:
        return None
    inks = list(dict.fromkeys(_rgb(shape.color) for shape in drawing.shapes if isinstance(shape, Label)))
    chosen = list(own)
    for ink, steps in zip(inks, _shares(inks, PNG_COLOURS - len(own)), strict=True):
        for step in range(1, steps + 1):
            mix = _mixed(ink, step / (steps + 1))
            if all(math.dist(mix, colour) >= APART for colour in chosen):
                chosen.append(mix)
    return chosen


def _shares(inks: list[tuple[int, int, int]], free: int) -> list[int]:
    """Return how many mixes with white each ink gets: the free places in turn, as many as fit APART."""
    fits = [max(0, int(math.dist(ink, WHITE) // APART) - 1) for ink in inks]
    shares = [0] * len(inks)
    while free and any(share < fit for share, fit in zip(shares, fits, strict=True)):
        for i, fit in enumerate(fits):
            if free and shares[i] < fit:
                shares[i] += 1
                free -= 1
    return shares


def _mixed(ink: tuple[int, int, int], white: float) -> tuple[int, int, int]:
    """Return ink mixed with a share `white` of white, as anti-aliasing mixes it."""
    return tuple(round(c + (255 - c) * white) for c in ink)


def _rgb(color: str) -> tuple[int, int, int]:
    """Return a look colour ("0A3161") as (r, g, b)."""
    return int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)
