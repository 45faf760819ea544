"""The .docx chart picture: a palette chosen from the drawing, as crisp as full colour, the same bytes.

Fail on the code before: Pillow's median cut chose the palette from the pixels (there was no
chartdraw.palette), and it left anti-aliased edges up to 40 levels off their full-colour value on the
INL sample's chart (72 on a red line chart); the palette tests and the bound below fail there.
"""

from __future__ import annotations

import dataclasses
import io
import itertools
import math
import os
import subprocess
import sys

import docsample
import pytest
import records
from conftest import ROOT
from PIL import Image, ImageChops
from sheets import document

from pipeline.document import chartdraw
from pipeline.document.tree import Chart, ChartPoint
from pipeline.figures.values import number

MOST_OFF = 28  # a little over half the widest step between two mixes of a label colour with white


def _sample_drawings() -> list[tuple[str, chartdraw.Drawing]]:
    """Return the drawing of every chart of every sample record (read from sources/)."""
    found = []
    for record in records.samples():
        doc = document(record.file)
        charts = [block for block in doc.body if isinstance(block, Chart)]
        found += [(f"{record.id}-{i}", chartdraw.draw(chart, doc.look.chart, doc.page.text_width))
                  for i, chart in enumerate(charts)]
    return found


def _made_drawings() -> list[tuple[str, chartdraw.Drawing]]:
    """Return charts no sample has: a line of 25 signed values; red bars and light labels on a look of its own."""
    doc = docsample.sample_document()
    look, width = doc.look.chart, doc.page.text_width
    signed = tuple(ChartPoint(str(2000 + i), float(1000 + 137 * i * (-1) ** i), number(1000 + 137 * i * (-1) ** i))
                   for i in range(25))
    eight = tuple(ChartPoint(str(2010 + i), 3.5 * i + 0.25, number(3.5 * i + 0.25)) for i in range(8))
    red = dataclasses.replace(look, color="C00000", axis="1A1A1A", grid="EEEEEE", label_size=12.0)
    light = dataclasses.replace(look, color="7FA7D9", axis="BBBBBB", grid="E5E5E5")
    return [("line-25", chartdraw.draw(dataclasses.replace(docsample.CHART, form="line", points=signed), look, width)),
            ("red-bars", chartdraw.draw(dataclasses.replace(docsample.CHART, points=eight), red, width)),
            ("light-line", chartdraw.draw(dataclasses.replace(docsample.CHART, form="line", points=eight), light, width))]


DRAWINGS = _sample_drawings() + _made_drawings()


def _own_colours(drawing: chartdraw.Drawing) -> list[tuple[int, int, int]]:
    """Return white and every shape's colour, once each."""
    return list(dict.fromkeys([(255, 255, 255), *(chartdraw._rgb(shape.color) for shape in drawing.shapes)]))


def test_a_sample_has_a_chart():
    assert any(not name.startswith(("line-", "red-", "light-")) for name, _ in DRAWINGS)


@pytest.mark.parametrize(("name", "drawing"), DRAWINGS, ids=[name for name, _ in DRAWINGS])
def test_the_picture_has_the_drawings_palette_every_shape_colour_exactly(name, drawing):
    shown = Image.open(io.BytesIO(chartdraw._paint(drawing)))
    colours = shown.getpalette()
    palette = [tuple(colours[i:i + 3]) for i in range(0, len(colours), 3)]
    assert palette == chartdraw.palette(drawing)
    assert len(palette) <= chartdraw.PNG_COLOURS
    assert palette[:len(_own_colours(drawing))] == _own_colours(drawing)
    for one, other in itertools.combinations(palette, 2):  # the mixes keep apart, so no pixel is mis-mapped
        if one not in _own_colours(drawing) or other not in _own_colours(drawing):
            assert math.dist(one, other) >= chartdraw.APART


@pytest.mark.parametrize(("name", "drawing"), DRAWINGS, ids=[name for name, _ in DRAWINGS])
def test_the_picture_is_as_crisp_as_full_colour(name, drawing):
    """Pixels of a shape's own colour keep it exactly; anti-aliased edges stay within MOST_OFF levels."""
    full = chartdraw._pixels(drawing)
    shown = Image.open(io.BytesIO(chartdraw._paint(drawing))).convert("RGB")
    difference = ImageChops.difference(full, shown)
    assert max(high for _, high in difference.getextrema()) <= MOST_OFF
    for colour in _own_colours(drawing):
        exact = _largest_band(ImageChops.difference(full, Image.new("RGB", full.size, colour))).point(
            lambda v: 255 if v == 0 else 0)
        changed = Image.composite(difference, Image.new("RGB", full.size), exact)
        assert changed.getbbox() is None, f"pixels of #{bytes(colour).hex()} changed colour"


def _largest_band(image: Image.Image) -> Image.Image:
    """Return the largest of an RGB image's three values at each pixel (an "L" image)."""
    red, green, blue = image.split()
    return ImageChops.lighter(red, ImageChops.lighter(green, blue))


def test_the_same_drawing_paints_the_same_bytes_twice_and_in_another_process():
    name, drawing = DRAWINGS[0]
    painted = chartdraw._paint(drawing)
    assert chartdraw._paint(drawing) == painted
    code = ("import sys; sys.path.insert(0, 'tests'); from test_chart_png import DRAWINGS; "
            "from pipeline.document import chartdraw; "
            f"sys.stdout.buffer.write(chartdraw._paint(dict(DRAWINGS)[{name!r}]))")
    env = {**os.environ, "FACTSHEETS_NO_CACHE": "1", "PYTHONPATH": str(ROOT / "tests" / "document")}
    other = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True).stdout
    assert other == painted


def test_a_drawing_of_more_colours_than_a_palette_holds_is_still_reduced_to_it():
    bars = tuple(chartdraw.Rect(4.0 * i, 0.0, 4.0, 10.0 + i, f"{i * 12:02X}3060") for i in range(20))
    drawing = chartdraw.Drawing(80.0, 40.0, (*bars, chartdraw.Label(40.0, 32.0, "Twenty", 8.0, "middle", "000000")))
    assert chartdraw.palette(drawing) is None
    shown = Image.open(io.BytesIO(chartdraw._paint(drawing)))
    assert shown.mode == "P" and len(shown.getcolors()) <= chartdraw.PNG_COLOURS
