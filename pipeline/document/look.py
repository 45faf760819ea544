"""The look of a sheet, resolved once: page, paragraph styles, boxes, tables, watermark.

`templates/styles.yaml` gives the base look and each `layout.yaml` may override any part of it;
`pipeline/layouts/stylesheet.py` reads both into one `Look`, checked value by value. Every writer reads
only this: no writer keeps a look constant of its own, so Word and PDF cannot drift apart.
Lengths are points (1 in = 72 pt); colours are 6-digit hex without '#'.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

ALIGNMENTS = ("left", "center", "right", "justify")
# The fonts a sheet may name, with the bundled face the PDF embeds for each: a metric twin,
# so lines break at the same words in Word and in the PDF.
FONTS = {"Times New Roman": "Liberation Serif"}
# Word and LibreOffice lay out in whole twips (twentieths of a point): a length the PDF uses must be
# one they can hold, or the two layouts drift apart by the rounding, line after line.
TWIPS_PER_POINT = 20
# Styles the writers apply on their own (headings, bullets, table captions and cells), so
# every stylesheet must define them even if no template names them.
WRITER_STYLES = ("Normal", "Heading 1", "Heading 2", "List Bullet", "Caption", "Table Text", "Chart Title",
                 "Chart Source")


def on_twips(points: float) -> float:
    """Return a length rounded to whole twips, as Word and LibreOffice hold it."""
    return round(points * TWIPS_PER_POINT) / TWIPS_PER_POINT


# The steps Word states lengths in, so a look value the .docx writes is the value the PDF uses:
# twips for spacing, margins and cell paddings, half points for font sizes (w:sz), eighths of a
# point for lines (w:sz of a border), whole points for a border's distance from its text (w:space).
TWIP, HALF_POINT, EIGHTH, POINT = 1 / TWIPS_PER_POINT, 0.5, 0.125, 1.0


def _value(default, kind: str, low: float | None = None, high: float | None = None, step: float | None = None):
    """Return a dataclass field with its kind, allowed range and step (lengths), for checking at load."""
    return field(default=default, metadata={"kind": kind, "low": low, "high": high, "step": step})


@dataclass(frozen=True)
class Style:
    """A named paragraph style."""

    name: str
    size: float = _value(12.0, "pt", 4, 96, HALF_POINT)
    bold: bool = _value(False, "bool")
    italic: bool = _value(False, "bool")
    color: str = _value("000000", "colour")
    align: str = _value("left", "align")
    space_before: float = _value(0.0, "pt", 0, 144, TWIP)
    space_after: float = _value(6.0, "pt", 0, 144, TWIP)
    left_indent: float = _value(0.0, "pt", 0, 288)
    first_line_indent: float = _value(0.0, "pt", -144, 144)
    keep_with_next: bool = _value(False, "bool")
    shading: str | None = _value(None, "colour")  # background colour of the paragraph box
    border: str | None = _value(None, "colour")  # colour of a box around the paragraph
    border_bottom: str | None = _value(None, "colour")  # colour of a rule under the paragraph


@dataclass(frozen=True)
class PageSetup:
    """Paper, margins and furniture bands; the font family named in Word (the PDF embeds a metric twin)."""

    width: float = _value(612.0, "pt", 144, 2000, TWIP)
    height: float = _value(792.0, "pt", 144, 2000, TWIP)
    margin_top: float = _value(72.0, "pt", 18, 288, TWIP)
    margin_bottom: float = _value(72.0, "pt", 18, 288, TWIP)
    margin_left: float = _value(72.0, "pt", 18, 288, TWIP)
    margin_right: float = _value(72.0, "pt", 18, 288, TWIP)
    header_distance: float = _value(36.0, "pt", 0, 288, TWIP)  # page top to the header's first line
    footer_distance: float = _value(36.0, "pt", 0, 288, TWIP)  # page bottom to the footer's last line
    font: str = _value("Times New Roman", "font")

    @property
    def text_width(self) -> float:
        """Return the width between the left and right margins."""
        return self.width - self.margin_left - self.margin_right


@dataclass(frozen=True)
class TextLook:
    """How lines are set: pitch, link colour, bullets."""

    line_height: float = _value(1.2, "ratio", 1.0, 3.0)  # line pitch as a multiple of the font size
    link_color: str = _value("0563C1", "colour")  # Word's own Hyperlink blue
    bullet: str = _value("\u2022", "char")
    bullet_indent: float = _value(18.0, "pt", 0, 144)  # hang of a bullet when its style has none


@dataclass(frozen=True)
class BoxLook:
    """Boxes (shaded or bordered paragraphs) and rules under paragraphs."""

    padding: float = _value(6.0, "pt", 0, 36, POINT)  # between the text and its box
    line: float = _value(0.75, "pt", 0.25, 6, EIGHTH)  # box and rule thickness
    rule_gap: float = _value(3.0, "pt", 0, 36, POINT)  # between a paragraph and the rule under it


@dataclass(frozen=True)
class TableLook:
    """The grid, header fill, cell paddings and the room after a table."""

    grid: str = _value("808080", "colour")
    grid_line: float = _value(0.5, "pt", 0.25, 6, EIGHTH)
    header_fill: str = _value("E1E6EE", "colour")
    padding_top: float = _value(4.0, "pt", 0, 36, TWIP)
    padding_bottom: float = _value(5.0, "pt", 0, 36, TWIP)
    padding_left: float = _value(6.0, "pt", 0, 36, TWIP)
    padding_right: float = _value(6.0, "pt", 0, 36, TWIP)
    space_after: float = _value(12.0, "pt", 0, 144, TWIP)


@dataclass(frozen=True)
class WatermarkLook:
    """The DRAFT mark: one line of text across the page centre."""

    size: float = _value(100.0, "pt", 12, 400)  # font size; shrunk to fit the page diagonal
    angle: float = _value(45.0, "degrees", -90, 90)  # counter-clockwise from the baseline
    color: str = _value("C0C0C0", "colour")
    opacity: float = _value(0.5, "ratio", 0.05, 1.0)


@dataclass(frozen=True)
class ChartLook:
    """Drawn charts: their size, colours, lines and label size (both formats draw the same geometry)."""

    width: float = _value(0.9, "ratio", 0.25, 1.0)  # share of the text width, centred
    height: float = _value(180.0, "pt", 72, 600)
    color: str = _value("0A3161", "colour")  # bars and the line: flag blue
    axis: str = _value("444444", "colour")  # axis lines and labels
    grid: str = _value("D9D9D9", "colour")  # the value lines across the plot
    line: float = _value(0.75, "pt", 0.25, 6)  # axis and grid thickness
    line_width: float = _value(2.0, "pt", 0.5, 12)  # the line of a line chart
    bar_width: float = _value(0.5, "ratio", 0.1, 1.0)  # a bar's share of its slot
    label_size: float = _value(9.0, "pt", 6, 24)  # axis and value labels


@dataclass(frozen=True)
class ImageLook:
    """Pictures the user supplies (a seal or flag): the printed width; the height keeps the proportions."""

    width: float = _value(72.0, "pt", 18, 288)
    space_after: float = _value(8.0, "pt", 0, 144, TWIP)


# The parts of a look other than styles, by the key that names them in styles.yaml and layout.yaml.
PARTS = {"page": PageSetup, "text": TextLook, "box": BoxLook, "table": TableLook,
         "watermark": WatermarkLook, "chart": ChartLook, "image": ImageLook}


@dataclass(frozen=True)
class Look:
    """Everything a writer needs to know about how a sheet looks."""

    styles: tuple[Style, ...]
    page: PageSetup = PageSetup()
    text: TextLook = TextLook()
    box: BoxLook = BoxLook()
    table: TableLook = TableLook()
    watermark: WatermarkLook = WatermarkLook()
    chart: ChartLook = ChartLook()
    image: ImageLook = ImageLook()

    def style(self, name: str) -> Style:
        """Return the style called `name`; KeyError if the stylesheet lacks it."""
        for style in self.styles:
            if style.name == name:
                return style
        raise KeyError(name)

    def watermark_size(self, em_width: float) -> float:
        """Return the watermark's font size: the look's, shrunk to fit 80% of the page diagonal.

        `em_width` is the watermark text's width at 1 pt.
        """
        diagonal = math.hypot(self.page.width, self.page.height) * 0.8
        return min(self.watermark.size, diagonal / max(em_width, 1e-6))

    def bullet_indents(self, style: Style) -> tuple[float, float]:
        """Return (left indent, hang) of a bulleted style: its own hang, or the look's."""
        hang = -style.first_line_indent if style.first_line_indent < 0 else self.text.bullet_indent
        return max(style.left_indent, hang), hang

    def leading(self, style: Style) -> float:
        """Return the line pitch of a style in points, in whole twips (the .docx states it so)."""
        return on_twips(style.size * self.text.line_height)


def settable(cls) -> dict[str, dict]:
    """Return the checkable fields of a look part: name → {kind, low, high}."""
    return {f.name: dict(f.metadata) for f in dataclasses.fields(cls) if f.metadata}
