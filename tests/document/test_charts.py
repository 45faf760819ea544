"""Charts: the same numbers, title, axes and source in both formats; alt text; same bytes every run."""

import dataclasses
import io
import re
import subprocess
import sys
import zipfile

import docsample
import pytest
import readback
import records
from conftest import ROOT
from sheets import document

from pipeline.document import chartdraw
from pipeline.document.tree import Chart, inline_text
from pipeline.figures import shared as data
from pipeline.figures.values import number
from pipeline.writers import docx as docx_writer
from pipeline.writers import pdf as pdf_writer

SAMPLES = {r.id: r for r in records.samples()}
CHARTED = sorted(sid for sid, r in SAMPLES.items() if "chart:" in r.file.read_text(encoding="utf-8"))


def charts(doc) -> list[Chart]:
    """Return the charts of a tree, in reading order."""
    return [block for block in doc.body if isinstance(block, Chart)]


def pictures(path) -> list[dict]:
    """Return the .docx's inline pictures: their docPr attributes and the PNG bytes they show."""
    with zipfile.ZipFile(path) as package:
        xml = package.read("word/document.xml").decode("utf-8")
        rels = package.read("word/_rels/document.xml.rels").decode("utf-8")
        found = []
        for drawing in re.findall(r"<w:drawing>.*?</w:drawing>", xml, re.S):
            attrs = dict(re.findall(r'(\w+)="([^"]*)"', re.search(r"<wp:docPr [^>]*>", drawing).group()))
            rid = re.search(r'r:embed="([^"]+)"', drawing).group(1)
            target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"', rels).group(1)
            found.append({**attrs, "png": package.read(f"word/{target}")})
    return found


def test_the_inl_sample_charts_the_shared_cultivation_series():
    """The INL sample's chart reads data.unodc.laos_opium_ha, right after the Challenges section."""
    assert "laos-inl" in CHARTED
    doc = document(SAMPLES["laos-inl"].file)
    (chart,) = charts(doc)
    figure = data.load(ROOT / "sources" / "data", "sources/data").files["unodc"].figures["laos_opium_ha"]
    assert [(p.label, p.value, p.printed) for p in chart.points] == [
        (str(year), float(value), number(value)) for year, value in sorted(figure.values.items())]
    assert chart.y_label == f"{figure.label} ({figure.unit})" and chart.x_label == "Year"
    assert inline_text(chart.source) == "Source: UNODC Southeast Asia Opium Survey, as of December 31, 2018"
    assert chart.alt == "Bar chart: Opium poppy cultivation in Laos, in ha: 2007: 1,500; 2018: 5,700."
    before = doc.body[doc.body.index(chart) - 1]
    assert inline_text(before.inlines).startswith("Challenges:")


@pytest.mark.parametrize("sid", CHARTED)
def test_chart_numbers_are_equal_in_both_formats(built, sid):
    """The PDF draws each value as text; the .docx picture's alt text and pixels come from the same
    points; both print the title and source line as text."""
    doc = document(SAMPLES[sid].file)
    pdf_text = readback.normalize(readback.pdf_text(built[sid]["pdf"]))
    docx_text = readback.docx_text(built[sid]["docx"])
    shown = pictures(built[sid]["docx"])
    for chart, picture in zip(charts(doc), shown, strict=True):
        drawn = chartdraw.draw(chart, doc.look.chart, doc.page.text_width)
        labels = chartdraw.labels(drawn)
        for point in chart.points:  # every printed value and its year, in the PDF's drawing
            assert point.printed in labels and point.label in labels
            assert f"{point.label}: {point.printed}" in picture["descr"]
        assert readback.squash("".join(labels)) in readback.squash(pdf_text)
        assert picture["descr"] == chart.alt and picture["title"] == inline_text(chart.title)
        assert picture["png"] == chartdraw.png(drawn)  # the .docx shows this very drawing
        for text in (inline_text(chart.title), inline_text(chart.source)):
            assert text in pdf_text and text in docx_text


def test_the_picture_is_as_large_as_the_pdf_drawing():
    """The .docx picture's extent is the PDF drawing's size, so the chart takes the same room."""
    doc = docsample.sample_document()
    drawn = chartdraw.draw(docsample.CHART, doc.look.chart, doc.page.text_width)
    xml = zipfile.ZipFile(io.BytesIO(docx_writer.render(doc))).read("word/document.xml").decode()
    extents = re.findall(r'<wp:extent cx="(\d+)" cy="(\d+)"/>', xml)
    assert (str(round(drawn.width * 12700)), str(round(drawn.height * 12700))) in extents


def test_the_png_is_the_same_bytes_in_another_process():
    """No timestamp or text chunk: the PNG depends on the drawing alone, in any process."""
    doc = docsample.sample_document()
    png = chartdraw.png(chartdraw.draw(docsample.CHART, doc.look.chart, doc.page.text_width))
    chunks = re.findall(rb"[\x00-\xff]{4}(IHDR|PLTE|IDAT|IEND|pHYs|tIME|tEXt|iTXt|zTXt)", png)
    assert b"tIME" not in chunks and b"tEXt" not in chunks and b"iTXt" not in chunks
    code = ("import sys; sys.path.insert(0, 'tests'); import docsample; from pipeline.document import chartdraw; "
            "doc = docsample.sample_document(); "
            "sys.stdout.buffer.write(chartdraw.png(chartdraw.draw(docsample.CHART, doc.look.chart, "
            "doc.page.text_width)))")
    other = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True).stdout
    assert other == png


def test_both_formats_render_a_chart_to_the_same_bytes_twice():
    doc = docsample.sample_document()
    for writer in (docx_writer, pdf_writer):
        assert writer.render(doc) == writer.render(doc)


def test_bar_and_line_charts_differ_and_use_the_look():
    """A line chart draws a line through the points; the look's colour paints the bars and the line."""
    doc = docsample.sample_document()
    bar = chartdraw.draw(docsample.CHART, doc.look.chart, doc.page.text_width)
    line = chartdraw.draw(dataclasses.replace(docsample.CHART, form="line"), doc.look.chart, doc.page.text_width)
    bars = [s for s in bar.shapes if isinstance(s, chartdraw.Rect)]
    assert len(bars) == 2 and {b.color for b in bars} == {"0A3161"}
    assert bars[1].height > bars[0].height * 3.5  # 5,700 against 1,500, on one scale from zero
    assert not [s for s in line.shapes if isinstance(s, chartdraw.Rect)]
    assert [s for s in line.shapes if isinstance(s, chartdraw.Line) and s.color == "0A3161"]
    assert chartdraw.labels(bar) == chartdraw.labels(line)


def test_scale_ticks_are_round_numbers_from_zero():
    assert chartdraw._scale([1500, 5700]) == (0, 6000, 2000)
    assert chartdraw._scale([3.2, 9.9]) == (0, 10.0, 2.5)
    assert chartdraw._scale([-40, 120])[0] < 0


def _chart_record(tmp_path, chart: str, figures: str = "") -> str:
    """Write a small INL record with one chart section; return its path."""
    record = tmp_path / "sources" / "chart-test.yaml"
    record.write_text(
        "layout: inl-country-program\nid: chart-test\ntitle: Laos\n"
        "issuer: Bureau of International Narcotics and Law Enforcement Affairs\ndate: 2026-11-22\n"
        f"{figures}sections:\n  - chart:\n{chart}", encoding="utf-8")
    return str(record)


def test_a_record_figure_and_the_records_alt_text(project, run_cli):
    """A chart of the record's own series, with its own alt text (figure references filled in)."""
    figures = ("figures:\n  seizures:\n    label: Methamphetamine tablets seized\n    unit: million tablets\n"
               "    values: {2016: 16.8, 2017: 18.5}\n")
    chart = ("      figure: seizures\n      kind: line\n      title: Seizures\n"
             "      alt: Seizures rose to {{ seizures[2017] | number }} million tablets in 2017.\n")
    path = _chart_record(project, chart, figures)
    doc = document(project / "sources" / "chart-test.yaml", project / "templates", project / "sources" / "data")
    (drawn,) = charts(doc)
    assert drawn.form == "line" and drawn.alt == "Seizures rose to 18.5 million tablets in 2017."
    assert [p.printed for p in drawn.points] == ["16.8", "18.5"] and drawn.source is None
    assert run_cli("check", path, cwd=project).code == 0


def test_an_unknown_shared_figure_is_reported_at_its_line(project, run_cli):
    chart = "      figure: data.unodc.laos_opium_hx\n      kind: bar\n      title: Cultivation\n"
    path = _chart_record(project, chart)
    result = run_cli("check", path, cwd=project)
    assert result.code == 1
    assert ("sources/chart-test.yaml:8:15: error: in 'sections[0].chart.figure': sources/data/unodc.yaml has no figure "
            "'laos_opium_hx' — did you mean 'laos_opium_ha'?") in result.err


def test_a_crowded_chart_thins_its_labels_and_a_long_axis_name_fits():
    """25 years: the values would collide, so none is drawn (the alt text keeps them); years every
    n-th; an axis name wider than the drawing is set smaller to fit."""
    from pipeline.base import fonts
    from pipeline.document.tree import ChartPoint
    doc = docsample.sample_document()
    points = tuple(ChartPoint(str(2000 + i), float(1000 + 137 * i), number(1000 + 137 * i)) for i in range(25))
    chart = dataclasses.replace(docsample.CHART, points=points, y_label="A very long axis name " * 6)
    drawn = chartdraw.draw(chart, doc.look.chart, doc.page.text_width)
    labels = chartdraw.labels(drawn)
    assert not any(p.printed in labels for p in points[1:])
    years = [p.label for p in points if p.label in labels]
    assert years[0] == "2000" and 3 < len(years) < 25
    name = next(s for s in drawn.shapes if isinstance(s, chartdraw.Label) and s.text == chart.y_label)
    assert name.size < doc.look.chart.label_size
    assert fonts.text_width(name.text, name.size) <= drawn.width


def test_a_lao_axis_name_is_drawn_in_the_lao_face_in_both_formats():
    """Before: the drawing set every label in Liberation Serif, which has no Lao: the name vanished."""
    import pikepdf

    doc = docsample.sample_document()
    chart = dataclasses.replace(docsample.CHART, y_label="ເນື້ອທີ່ປູກຝິ່ນ (ha)")
    drawn = chartdraw.draw(chart, doc.look.chart, doc.page.text_width)
    name = next(s for s in drawn.shapes if isinstance(s, chartdraw.Label) and s.text == chart.y_label)
    faces = [face for _, _, face, _ in chartdraw.runs(name)]
    assert faces == ["NotoSerifLao-Regular", "LiberationSerif-Regular"]
    pdf = pdf_writer.render(dataclasses.replace(doc, body=(*doc.body, chart)))
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        fonts_used = {str(f.BaseFont) for page in opened.pages for f in page.Resources.Font.values()}
    assert any("NotoSerifLao" in f for f in fonts_used), fonts_used


def test_ticks_of_tiny_values_read_apart():
    """Before: values of 1e-12 gave ticks that all printed '0'."""
    doc = docsample.sample_document()
    points = tuple(_tiny_point(i) for i in range(1, 4))
    chart = dataclasses.replace(docsample.CHART, points=points)
    drawn = chartdraw.draw(chart, doc.look.chart, doc.page.text_width)
    ticks = [s.text for s in drawn.shapes if isinstance(s, chartdraw.Label) and s.anchor == "end"]
    assert ticks == ["0", "0.000000000001", "0.000000000002", "0.000000000003"]


def _tiny_point(i: int):
    """Return the point of year 2000 + i with value i × 10⁻¹²."""
    from pipeline.document.tree import ChartPoint
    return ChartPoint(str(2000 + i), i * 1e-12, number(i * 1e-12))


def test_a_chart_of_a_single_value_suggests_only_another_series(tmp_path, run_cli):
    """Before: the hint named a single-value figure, even the very one refused."""
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "c.yaml").write_text(
        "layout: inl-country-program\ntitle: T\nissuer: I\ndate: 2003-03-11\nfigures:\n  opium_ha: {value: 5}\n"
        "  opium_has: {value: 6}\n  opium_hx: {values: {2001: 1, 2002: 2}}\n"
        "sections:\n  - chart: {figure: opium_ha, kind: bar, title: Opium}\n", encoding="utf-8")
    result = run_cli("check", "sources/c.yaml", "--templates", ROOT / "templates", cwd=tmp_path)
    assert "found 'opium_ha' (a single value)" in result.err and "opium_hx" in result.err
    assert "opium_has" not in result.err
