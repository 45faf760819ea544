"""The writer contract, checked for every registered output format alike."""

import dataclasses
import io
import math
import re
from dataclasses import dataclass
from typing import ClassVar

import docsample
import pypdf
import pytest
import readback

from pipeline import writers
from pipeline.document import chartdraw
from pipeline.document.look import PARTS, settable
from pipeline.document.tree import NODE_TYPES, Paragraph, Run, Table, UnknownNode, body_text, inline_text

FORMATS = writers.names()
# How each format's text is read back. A new writer adds its reader here, or this suite fails.
READERS = {
    "docx": lambda path: readback.normalize(" ".join(readback.docx_paragraphs(path))),
    "pdf": lambda path: readback.normalize(" ".join(readback.pdf_pages(path))),
}


@dataclass(frozen=True)
class Gauge:
    """A node type no writer knows."""

    kind: ClassVar[str] = "gauge"


def render(name, doc):
    """Render `doc` in format `name`."""
    return writers.get(name).render(doc)


def test_the_registry_lists_docx_and_pdf_once_each():
    assert FORMATS == ("docx", "pdf")
    with pytest.raises(ValueError, match="clashes"):
        writers.register(writers.OutputFormat("word", ".docx", "pipeline.writers.docx", "again"))


@pytest.mark.parametrize("name", FORMATS)
def test_a_handler_for_every_node_type(name):
    """The writer's Visitor has visit_<kind> for each node type of the tree."""
    translator = writers.get(name).translator()
    missing = [t.__name__ for t in NODE_TYPES if not callable(getattr(translator, f"visit_{t.kind}", None))]
    assert missing == []


@pytest.mark.parametrize("name", FORMATS)
def test_every_node_type_renders_and_the_output_is_byte_identical(name):
    """The sample tree holds every node type; two renders give the same bytes."""
    doc = docsample.sample_document(watermark="DRAFT")
    kinds = {type(b) for b in doc.body} | {type(i) for b in doc.footer for i in b.inlines}
    assert {t for t in NODE_TYPES if t.kind != "document"} <= kinds | {type(r) for b in doc.body
                                                                        for r in getattr(b, "inlines", ())}
    first = render(name, doc)
    assert first and render(name, doc) == first


@pytest.mark.parametrize("name", FORMATS)
def test_the_text_reads_back_equal_to_the_tree(name, tmp_path):
    """What the format prints is the tree's text, word for word, in reading order."""
    doc = docsample.sample_document()
    path = tmp_path / f"sheet{writers.get(name).suffix}"
    path.write_bytes(render(name, doc))
    text = READERS[name](path)
    tree = readback.normalize(" ".join(body_text(doc)))
    if name == "pdf":  # the PDF also prints the footer, draws the bullet glyph and the chart's labels
        text = text.replace("• ", "")
        text = re.sub(r"Page \d+ of \d+", "", text)
        text = text.replace("Bureau of International Narcotics and Law Enforcement Affairs · March 11, 2003 ·", "")
        drawn = chartdraw.draw(docsample.CHART, doc.look.chart, doc.page.text_width)
        labels = readback.squash("".join(chartdraw.labels(drawn)))
        assert labels in readback.squash(text)  # the drawing's text is real text, in drawing order
        text = readback.squash(text).replace(labels, "")
    assert readback.squash(text) == readback.squash(tree)


@pytest.mark.parametrize("name", FORMATS)
def test_an_unknown_node_raises(name):
    """A node type the writer does not handle is a writer bug, raised as UnknownNode."""
    doc = dataclasses.replace(docsample.sample_document(), body=(Paragraph("Normal", ()), Gauge()))
    with pytest.raises(UnknownNode, match="Gauge"):
        render(name, doc)


def _changed(spec, field, value):
    """Return another valid value of the same kind, far enough off to move a line break."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, float):
        return min(spec["high"], value * 2 + 3)
    return "\u2013" if field == "bullet" else "123456"  # a dash, or another colour


# Every setting but the font: a sheet may only name a font the PDF has a metric twin of, so
# there is no other value to try (tests/test_look.py checks that any other is refused).
SETTINGS = [(key, field) for key, cls in PARTS.items() for field in settable(cls) if field != "font"]


def _busy_document():
    """Return the sample tree, three pages long, with a header, a table of long cells and a line chart."""
    doc = docsample.sample_document(watermark="DRAFT", paragraphs=6)
    long_cell = (Run("Lao Customs first ever Investigation and Suppression Division " * 3),)
    table = Table(columns=((Run("Year"),), (Run("What"),)), rows=(((Run("FY 2005"),), long_cell),))
    return dataclasses.replace(doc, header=(Paragraph("Header", (Run("Fact Sheet"),)),),
                               body=(*doc.body, table, dataclasses.replace(docsample.CHART, form="line"),
                                     *doc.body))


@pytest.mark.parametrize("key,field", SETTINGS, ids=[f"{k}.{f}" for k, f in SETTINGS])
def test_a_look_setting_reaches_every_writer(key, field):
    """Both writers read one resolved look: each setting changes every format's output."""
    doc = _busy_document()
    part = getattr(doc.look, key)
    value = _changed(settable(type(part))[field], field, getattr(part, field))
    changed_look = dataclasses.replace(doc.look, **{key: dataclasses.replace(part, **{field: value})})
    changed = dataclasses.replace(doc, look=changed_look)
    moved = {name for name in FORMATS if render(name, changed) != render(name, doc)}
    if (key, field) == ("text", "bullet_indent"):  # used only by a bullet style without its own hang
        assert moved == set(), f"{key}.{field} changes only {sorted(moved)}"
    else:
        assert moved == set(FORMATS), f"{key}.{field} changes only {sorted(moved)}"


def test_watermark_size_is_the_same_in_both_formats():
    """The PDF's font size and the .docx shape's letters come from one rule of the look."""
    import io
    import re
    import zipfile

    import pypdf

    from pipeline.base import fonts
    doc = docsample.sample_document(watermark="DRAFT")
    size = doc.look.watermark_size(fonts.text_width("DRAFT", 1))
    header = zipfile.ZipFile(io.BytesIO(render("docx", doc))).read("word/header1.xml").decode()
    # The .docx shape is the letters' outline, turned: turned back, the ink spans the text's advance
    # width at that size but for the first and last letters' side bearings (a few points).
    extent = re.search(r'<wp:extent cx="(\d+)" cy="(\d+)"', header)
    path = re.search(r'<a:path w="(\d+)" h="(\d+)"', header)
    scale = int(extent[1]) / 12700 / int(path[1])  # points per path unit
    turn = math.radians(doc.look.watermark.angle)
    xs = [(int(x) * scale - int(extent[1]) / 25400) * math.cos(turn) + (int(extent[2]) / 25400 - int(y) * scale)
          * math.sin(turn) for x, y in re.findall(r'<a:pt x="(\d+)" y="(\d+)"/>', header)]
    assert math.isclose(max(xs) - min(xs), fonts.text_width("DRAFT", size), abs_tol=0.05 * size)
    content = pypdf.PdfReader(io.BytesIO(render("pdf", doc))).pages[0].get_contents().get_data().decode("latin-1")
    mark = content[content.index("/Subtype /Watermark"):]
    assert re.search(rf"/F[\w+]+ {size:g} Tf", mark[:mark.index("EMC")])  # ReportLab names fonts /F2+0


@pytest.mark.parametrize("name", FORMATS)
def test_check_lays_every_sheet_out_with_every_writer(name, run_cli, monkeypatch):
    """`check` is build without writing: a writer failure shows in check, located on the record."""
    import importlib
    module = importlib.import_module(writers.get(name).module)

    def explode(doc):
        raise RuntimeError("layout engine failed")
    monkeypatch.setattr(module, "render", explode)
    result = run_cli("check", "sources/laos-inl.yaml")
    assert result.code == 1
    assert (f"sources/laos-inl.yaml:1:1: error: the {name} writer could not lay out this sheet: "
            "RuntimeError: layout engine failed") in result.err


FIRST_PAGE = {"header": (Paragraph("Header", (Run("First page head"),)),),
              "footer": (Paragraph("Footer", (Run("First page foot"),)),)}
# How each format's text is read back page by page; Word paginates only when it opens the file,
# so the .docx is checked in its first-page parts instead.
READ_PAGES = {"pdf": lambda data: [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]}


@pytest.mark.parametrize("name", FORMATS)
@pytest.mark.parametrize("parts", [("header",), ("footer",), ("header", "footer")])
def test_first_page_furniture_renders_in_every_writer(name, parts):
    """Page 1's own header or footer (Document.first_header/first_footer) is drawn by each writer,
    byte-identical twice, and differs from the same sheet without it."""
    doc = _busy_document()
    first = dataclasses.replace(doc, **{f"first_{part}": FIRST_PAGE[part] for part in parts})
    data = render(name, first)
    assert data == render(name, first) and data != render(name, doc)
    if name == "docx":
        import docx
        section = docx.Document(io.BytesIO(data)).sections[0]
        assert section.different_first_page_header_footer
        for part in ("header", "footer"):
            story = getattr(section, f"first_page_{part}")
            wanted = FIRST_PAGE[part] if part in parts else getattr(doc, part)
            # A page field holds 1 until Word computes it.
            assert [p.text for p in story.paragraphs if p.text] == [inline_text(b.inlines) for b in wanted]
    else:
        pages = READ_PAGES[name](data)
        assert len(pages) >= 2
        for part in parts:
            own = FIRST_PAGE[part][0].inlines[0].text
            assert own in pages[0] and all(own not in page for page in pages[1:])
        if "footer" in parts:
            assert "Page 1 of" not in pages[0] and "Page 2 of" in pages[1]
