"""Tests for the Word writer: read the .docx back and check what staff would see."""

import dataclasses
import datetime as dt
import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docsample
import docx
import parity
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table as WordTable

from pipeline import __version__, writers
from pipeline.document import tablefit
from pipeline.document.look import Style
from pipeline.document.tree import BulletList, Document, Field, Metadata, Paragraph, Run, Table, body_text, styles_used
from pipeline.writers import docx as writer

ROOT = Path(__file__).resolve().parents[2]
VML = "{urn:schemas-microsoft-com:vml}"
THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def read(doc: Document):
    """Render `doc` and open the result with python-docx."""
    return docx.Document(io.BytesIO(writer.render(doc)))


def tiny(body=(), header=(), footer=(), watermark=None, date=dt.date(2003, 3, 11)):
    """Return a small document on the sample stylesheet."""
    return Document(meta=Metadata("T", "S", "A", date=date), look=docsample.LOOK,
                    header=header, footer=footer, body=body, watermark=watermark)


def word_texts(word):
    """Return body paragraph texts in reading order, table cells row by row."""
    texts = []
    for item in word.iter_inner_content():
        if isinstance(item, WordTable):
            texts.extend(p.text for row in item.rows for cell in row.cells for p in cell.paragraphs)
        elif item.text or not item._p.xpath(".//w:drawing"):  # a picture's paragraph has no text
            texts.append(item.text)
    return texts


@pytest.fixture(scope="module")
def sample():
    """The sample tree with a watermark."""
    return docsample.sample_document(watermark="DRAFT")


@pytest.fixture(scope="module")
def word(sample):
    """The sample, rendered and read back."""
    return read(sample)


def test_registered_as_docx():
    assert (writers.get("docx").suffix, writers.get("docx").module) == (".docx", writer.__name__)


def test_word_opens_it_as_a_current_document(word):
    settings = word.settings.element
    modes = [c.get(qn("w:val")) for c in settings.iter(qn("w:compatSetting"))
             if c.get(qn("w:name")) == "compatibilityMode"]
    assert modes == ["15"]  # Word 2013 and later: no Compatibility Mode
    assert [e.get(qn("w:eastAsia")) for e in settings.iter(qn("w:themeFontLang"))] == [None]


def test_app_properties_name_this_program_and_invent_nothing(sample):
    app = zipfile.ZipFile(io.BytesIO(writer.render(sample))).read("docProps/app.xml").decode()
    assert f"<Application>factsheets/{__version__}</Application>" in app
    for invented in ("<Pages>", "<Words>", "<Characters>", "Microsoft", "<TotalTime>", "<Template>"):
        assert invented not in app


def test_only_the_styles_the_sheet_prints_in(sample, word):
    paragraph_styles = {s.name for s in word.styles if s.type == 1}  # WD_STYLE_TYPE.PARAGRAPH
    assert paragraph_styles == styles_used(sample)
    others = {s.name for s in word.styles if s.type != 1}
    assert others == {"Default Paragraph Font", "Normal Table", "No List", "Hyperlink", "Table Grid"}
    styles_xml = word.styles.element
    assert styles_xml.find(qn("w:latentStyles")) is None
    assert len(zipfile.ZipFile(io.BytesIO(writer.render(sample))).read("word/styles.xml")) < 12_000


def test_every_style_is_based_on_normal_or_a_default(word):
    ids = {s.style_id for s in word.styles}
    for style in word.styles:
        based = style.element.find(qn("w:basedOn"))
        assert based is None or based.get(qn("w:val")) in ids, style.name


def test_body_text_in_reading_order(sample, word):
    assert word_texts(word) == body_text(sample)


def test_paragraph_styles(word):
    styles = {p.text: p.style.name for p in word.paragraphs}
    assert styles["Laos"] == "Title"
    assert styles["U.S. Policy Initiatives and Programs"] == "Heading 1"
    assert styles["First bullet."] == styles["Second bullet."] == "List Bullet"
    assert styles["Since 1989, the United States has provided more than $48 million."] == "Callout"
    assert styles["U.S. Government Funding"] == "Caption"
    assert styles["United States Department of State"] == "Identity"
    assert word.styles["Callout"].base_style.name == "Normal"
    cells = word.tables[0].rows[1].cells
    assert {p.style.name for c in cells for p in c.paragraphs} == {"Table Text"}


def test_hazard_text_round_trips_exactly(word):
    assert "Challenges: " + docsample.HAZARD in [p.text for p in word.paragraphs]


def test_spaces_and_line_breaks_are_kept():
    text = "  two  spaces,\u00a0nbsp  "
    word = read(tiny(body=(Paragraph("Normal", (Run(text), Run("a\nb"))),)))
    paragraph = word.paragraphs[0]
    assert paragraph.text == text + "a\nb"
    assert paragraph._p.findall(".//" + qn("w:br"))
    assert all(t.get(qn("xml:space")) == "preserve" for t in paragraph._p.iter(qn("w:t")))


def test_runs_carry_bold_and_italic(word):
    lead = next(p for p in word.paragraphs if p.text.startswith("Plain, "))
    marks = {r.text: (bool(r.bold), bool(r.italic)) for r in lead.runs}
    assert marks["bold"] == (True, False)
    assert marks["italic"] == (False, True)
    assert marks["both"] == (True, True)
    assert marks["Plain, "] == (False, False)


def test_styles_use_times_new_roman(word):
    normal = word.styles["Normal"]
    fonts = normal.element.rPr.rFonts
    assert normal.font.name == "Times New Roman"
    assert fonts.get(qn("w:cs")) == fonts.get(qn("w:eastAsia")) == "Times New Roman"
    for style in word.styles:  # the others inherit Normal's font: none names another
        if style.type == 1 and style.name != "Normal":
            assert style.font.name is None and style.base_style.name == "Normal", style.name
    defaults = word.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:rFonts"))
    assert defaults.get(qn("w:ascii")) == "Times New Roman"
    everywhere = word.styles.element.iter(qn("w:rFonts"))  # Heading 2, TitleChar... too
    assert not [f for f in everywhere for a in THEME_ATTRS if f.get(qn(a)) is not None]


def test_style_properties_follow_the_stylesheet(word):
    title = word.styles["Title"]
    assert (title.font.size, title.font.bold, str(title.font.color.rgb)) == (Pt(22), True, "0A3161")
    assert title.element.pPr.find(qn("w:pBdr")) is None  # the template's blue rule is gone
    assert title.paragraph_format.keep_with_next is True
    heading = word.styles["Heading 1"]
    assert heading.paragraph_format.space_before == Pt(12)
    assert word.styles["Identity"].paragraph_format.alignment == 1  # centre
    assert word.styles["Caption"].font.italic is True


def test_callout_box_and_issuer_rule(word):
    callout = word.styles["Callout"].element.pPr
    assert callout.find(qn("w:shd")).get(qn("w:fill")) == "E8EEF6"
    sides = {e.tag: e.get(qn("w:color")) for e in callout.find(qn("w:pBdr"))}
    assert sides == {qn(f"w:{s}"): "0A3161" for s in ("top", "left", "bottom", "right")}
    assert word.styles["Callout"].paragraph_format.left_indent == Pt(6.75)  # box on the margin
    issuer = word.styles["Issuer"].element.pPr.find(qn("w:pBdr"))
    assert [e.tag for e in issuer] == [qn("w:bottom")]


def test_bullets_have_a_real_bullet_and_18pt_hanging_indent(word):
    fmt = word.styles["List Bullet"].paragraph_format
    assert (fmt.left_indent, fmt.first_line_indent) == (Pt(18), Pt(-18))
    num_id = word.styles["List Bullet"].element.pPr.numPr.numId.val
    numbering = word.part.numbering_part.element
    abstract = numbering.num_having_numId(num_id).abstractNumId.val
    level = numbering.xpath(f'w:abstractNum[@w:abstractNumId="{abstract}"]/w:lvl[@w:ilvl="0"]')[0]
    assert level.find(qn("w:lvlText")).get(qn("w:val")) == "\u2022"
    ind = level.find(qn("w:pPr")).find(qn("w:ind"))
    assert (ind.get(qn("w:left")), ind.get(qn("w:hanging"))) == ("360", "360")  # twips = 18 pt


def with_styles(doc, styles):
    """Return `doc` with another stylesheet."""
    return dataclasses.replace(doc, look=dataclasses.replace(doc.look, styles=styles))


def test_numbering_indent_follows_the_list_style():
    styles = tuple(Style("List Bullet", left_indent=36, first_line_indent=-18)
                   if s.name == "List Bullet" else s for s in docsample.STYLES)
    doc = with_styles(tiny(body=(BulletList(((Run("x"),),)),)), styles)
    level = read(doc).part.numbering_part.element.xpath('//w:lvl')[0].find(qn("w:pPr"))
    ind = level.find(qn("w:ind"))
    assert (ind.get(qn("w:left")), ind.get(qn("w:hanging"))) == ("720", "360")
    assert level.find(qn("w:tabs"))[0].get(qn("w:pos")) == "720"


def test_other_bullet_styles_get_the_bullet_numbering():
    styles = (*docsample.STYLES, Style("Tight Bullet", left_indent=18, first_line_indent=-18))
    doc = with_styles(tiny(body=(BulletList(((Run("x"),),), style="Tight Bullet"),)), styles)
    word = read(doc)
    assert word.paragraphs[0].style.name == "Tight Bullet"
    assert word.styles["Tight Bullet"].element.pPr.numPr is not None


def test_table_header_row_widths_and_style(word):
    table = word.tables[0]
    assert table.style.name == "Table Grid"
    header = table.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(r.bold for c in header.cells for p in c.paragraphs for r in p.runs)
    assert table.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)  # rows never split
    assert all(p.paragraph_format.keep_with_next for c in header.cells for p in c.paragraphs)
    fitted = tablefit.fitted(next(b for b in docsample.sample_document().body if isinstance(b, Table)),
                             docsample.LOOK)
    assert [c.width for c in table.columns] == [Pt(w) for w in fitted.widths]  # the tree's, not even
    assert sum(fitted.widths) == 468 and fitted.widths[0] < fitted.widths[1]
    fills = {c._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) for c in header.cells}
    assert fills == {"E1E6EE"}


def test_paragraph_after_a_table_gets_room(word):
    after = next(p for p in word.paragraphs if p.text.startswith("Filler paragraph 0."))
    assert after.paragraph_format.space_before == Pt(12)


def test_adjacent_tables_stay_apart():
    grid = Table(columns=((Run("a"),),), rows=())
    body = read(tiny(body=(grid, grid))).element.body
    assert [child.tag for child in body][:3] == [qn("w:tbl"), qn("w:p"), qn("w:tbl")]


def test_hyperlink_is_external(word):
    lead = next(p for p in word.paragraphs if p.text.startswith("Plain, "))
    (link,) = lead.hyperlinks
    assert (link.url, link.text) == ("https://www.state.gov/?a=1&b=2", "link")
    rel = word.part.rels[link._hyperlink.rId]
    assert rel.is_external and rel.target_ref == "https://www.state.gov/?a=1&b=2"
    assert link.runs[0].style.name == "Hyperlink"


def test_footer_has_page_and_numpages_fields(word):
    footer = word.sections[0].footer
    xml = footer._element.xml
    codes = [t.text.strip() for t in footer._element.iter(qn("w:instrText"))]
    assert codes == ["PAGE", "NUMPAGES"]
    kinds = [c.get(qn("w:fldCharType")) for c in footer._element.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"] * 2
    assert footer.paragraphs[0].style.name == "Footer"
    assert "Page 1 of 1" in footer.paragraphs[0].text and "wp:anchor" not in xml


def test_unknown_field_raises():
    with pytest.raises(ValueError, match="chapter"):
        writer.render(tiny(body=(Paragraph("Normal", (Field("chapter"),)),)))


def test_watermark_in_header(word):
    """The mark is a shape anchored behind the text, centred on the page, described and marked decorative."""
    header = word.sections[0].header._element
    (anchor,) = header.iter(qn("wp:anchor"))
    assert anchor.get("behindDoc") == "1"
    assert [a.findtext(qn("wp:align")) for a in (anchor.find(qn("wp:positionH")), anchor.find(qn("wp:positionV")))] == [
        "center", "center"]
    assert anchor.find(qn("wp:docPr")).get("descr") == "DRAFT"
    assert not list(header.iter(VML + "shape"))


def test_no_watermark_means_no_header():
    data = writer.render(docsample.sample_document())
    assert not [n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if "header" in n]
    assert b"wp:anchor" not in data  # deflated parts hide nothing: see the part list above


def test_header_blocks_and_watermark_share_the_header():
    header = (Paragraph("Header", (Run("Fact Sheet"),)),
              Table(columns=((Run("a"),),), rows=(((Run("b"),),),)))
    word = read(tiny(header=header, watermark="DRAFT"))
    part = word.sections[0].header
    assert [p.text for p in part.paragraphs] == ["Fact Sheet", ""]  # a story ends in a paragraph
    assert part.tables[0].cell(1, 0).text == "b"
    assert list(part._element.iter(qn("wp:anchor")))


def test_core_properties(word):
    props = word.core_properties
    assert (props.title, props.subject, props.author, props.language) == (
        "DRAFT — Laos", "Fact Sheet", "Bureau of INL", "en-US")  # a draft says so in its title
    midnight = dt.datetime(2003, 3, 11, tzinfo=dt.UTC)
    assert props.created == props.modified == midnight
    assert (props.last_modified_by, props.revision) == ("Bureau of INL", 1)
    assert "python-docx" not in props.comments


def test_missing_date_uses_fixed_default():
    props = read(tiny(date=None)).core_properties
    assert props.created == props.modified == dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def test_page_size_and_margins(word):
    section = word.sections[0]
    assert (section.page_width, section.page_height) == (Pt(612), Pt(792))
    assert {section.top_margin, section.bottom_margin, section.left_margin,
            section.right_margin} == {Pt(72)}


def test_nothing_is_stamped_with_the_clock():
    today = dt.datetime.now(dt.UTC).date().isoformat()
    with zipfile.ZipFile(io.BytesIO(writer.render(docsample.sample_document()))) as zf:
        assert {info.date_time for info in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert "docProps/thumbnail.jpeg" not in zf.namelist()
        assert not [n for n in zf.namelist() if today.encode() in zf.read(n)]


def test_renders_are_byte_identical_across_processes_and_clocks(tmp_path):
    here = writer.render(docsample.sample_document(watermark="DRAFT"))
    # The other process runs with its clock an hour and a second ahead, so any timestamp
    # (zip headers keep 2-second steps) or hash-order dependence shows up as a difference.
    script = ("import sys, time; from pathlib import Path; import docsample; "
              "from pipeline.writers import docx as w; real = time.time; "
              "time.time = lambda: real() + 3601; "
              "doc = docsample.sample_document(watermark='DRAFT'); "
              "Path(sys.argv[1]).write_bytes(w.render(doc))")
    out = tmp_path / "other.docx"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join((str(ROOT), str(ROOT / "tests"))),
           "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", script, str(out)], check=True, cwd=ROOT, env=env)
    assert out.read_bytes() == here
    assert writer.render(docsample.sample_document(watermark="DRAFT")) == here


@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")),
                    reason="LibreOffice and poppler are needed to lay the document out")
def test_libreoffice_lays_it_out(tmp_path):
    source = tmp_path / "x.docx"
    source.write_bytes(writer.render(docsample.sample_document(watermark="DRAFT", paragraphs=40)))
    parity.convert([source], tmp_path)  # with the bundled fonts, as Word would use Times New Roman
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "x.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    pages = text.split("\f")[:-1]
    assert len(pages) >= 2
    for number, page in enumerate(pages, 1):
        assert f"Page {number} of {len(pages)}" in page
    assert "\u2022" in pages[0] and "First bullet." in pages[0]


def test_a_draft_says_so_in_its_properties(word):
    """The watermark is drawn; the status is also in the properties, for readers that skip drawings."""
    assert word.core_properties.content_status == "Draft"
    assert read(tiny()).core_properties.content_status == ""
