"""Word writer: render a document tree to a .docx with real, editable Word styles."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import zipfile

import docx
from lxml import etree
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Emu, Pt, RGBColor, Twips
from docx.table import _Cell

from pipeline.writers import (BOX_LINE, BOX_PADDING, LINE_HEIGHT, LINK_COLOR, RULE_GAP,
                              TABLE_GRID, TABLE_GRID_LINE, TABLE_HEADER_FILL, TABLE_PADDING,
                              TABLE_SPACE_AFTER)
from pipeline.doctree import (Block, BulletList, Document, Field, Metadata, PageSetup, Run, Style,
                              Table)

name = "docx"
suffix = ".docx"

_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
          "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}
_FIELD_CODES = {"page": "PAGE", "pages": "NUMPAGES"}
_THEME_FONT_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_BULLET = "\u2022"  # a real bullet character, not the template's Symbol-font private-use glyph
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip header can hold
_ZIP_ATTR = 0o100644 << 16  # regular file, rw-r--r--
_NO_DATE = dt.date(2000, 1, 1)
_PROPERTY_CHARS = 255  # python-docx refuses longer core properties (title, subject, author)
# Word's single line for Times is 1.15 em; lines are set at LINE_HEIGHT / 1.15 of single
# (in 240ths) so the pitch, and so the page breaks, match the PDF's.
_LINE = str(round(240 * LINE_HEIGHT / 1.15))
_LINE_EIGHTHS = str(round(BOX_LINE * 8))  # w:sz counts eighths of a point
# Parts of the template that would contradict what we write: a stale styles copy that Word
# 2010 prefers over styles.xml, and a thumbnail of an empty page.
_STALE_RELS = ("/stylesWithEffects", "/metadata/thumbnail")
# Children that must follow w:pBdr in w:pPr (schema order; python-docx has no accessor).
_AFTER_PBDR = tuple(f"w:{tag}" for tag in (
    "shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE "
    "autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents "
    "suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle "
    "rPr sectPr pPrChange").split())
# Word's standard text watermark (Design > Watermark): shape type 136 is WordArt "plain text";
# the "PowerPlusWaterMarkObject" id is what Word and LibreOffice recognise as a watermark.
_VML = "{urn:schemas-microsoft-com:vml}"
_WATERMARK_FORMULAS = (
    "sum #0 0 10800", "prod #0 2 1", "sum 21600 0 @1", "sum 0 0 @2", "sum 21600 0 @3",
    "if @0 @3 0", "if @0 21600 @1", "if @0 0 @2", "if @0 @4 21600", "mid @5 @6", "mid @8 @5",
    "mid @7 @8", "mid @6 @7", "sum @6 0 @5")
_WATERMARK = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:w10="urn:schemas-microsoft-com:office:word"><w:rPr><w:noProof/></w:rPr><w:pict>'
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
    'path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas>'
    + "".join(f'<v:f eqn="{eqn}"/>' for eqn in _WATERMARK_FORMULAS) +
    '</v:formulas><v:path textpathok="t" o:connecttype="custom" '
    'o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0"/>'
    '<v:textpath on="t" fitshape="t"/><v:handles><v:h position="#0,bottomRight" '
    'xrange="6629,14971"/></v:handles><o:lock v:ext="edit" text="t" shapetype="t"/>'
    '</v:shapetype><v:shape id="PowerPlusWaterMarkObject1" o:spid="_x0000_s2049" '
    'type="#_x0000_t136" o:allowincell="f" fillcolor="silver" stroked="f">'
    '<v:fill opacity=".5"/><v:textpath/><w10:wrap anchorx="margin" anchory="margin"/>'
    '</v:shape></w:pict></w:r>')


def render(doc: Document) -> bytes:
    """Return the .docx file for `doc`, byte-identical for the same tree."""
    word = docx.Document()
    _drop_stale_parts(word)
    section = word.sections[0]
    _setup_page(section, doc.page)
    _setup_defaults(word, doc.page.font, doc.meta.language)
    for style in doc.styles:
        _apply_style(_word_style(word, style.name), style, doc.page.font)
    _setup_bullets(word, doc)
    _add_hyperlink_style(word)
    _setup_table_style(word)
    width = doc.page.width - doc.page.margin_left - doc.page.margin_right
    _add_blocks(word, doc.body, width)
    if doc.header or doc.watermark:
        header = section.header
        _fill_story(header, doc.header, width)
        if doc.watermark:
            _add_watermark(header.paragraphs[0], doc.watermark, doc.page)
    if doc.footer:
        _fill_story(section.footer, doc.footer, width)
    _set_core_properties(word, doc.meta)
    out = io.BytesIO()
    word.save(out)
    return _normalize_zip(out.getvalue())


def _drop_stale_parts(word: WordDocument) -> None:
    """Drop template parts that would contradict ours; parts nothing refers to are not saved."""
    for rels in (word.part.rels, word.part.package.rels):
        for rid, rel in list(rels.items()):
            if rel.reltype.endswith(_STALE_RELS):
                del rels[rid]


def _setup_page(section, page: PageSetup) -> None:
    """Set paper size and margins."""
    section.page_width, section.page_height = Pt(page.width), Pt(page.height)
    section.top_margin, section.bottom_margin = Pt(page.margin_top), Pt(page.margin_bottom)
    section.left_margin, section.right_margin = Pt(page.margin_left), Pt(page.margin_right)


def _setup_defaults(word: WordDocument, font: str, language: str) -> None:
    """Make the document defaults Times-like, PDF-spaced and in the sheet's language."""
    defaults = word.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    # The defaults and every built-in staff may apply later (Heading 2, TitleChar, Quote...)
    # name theme fonts, which would show as Calibri/Cambria.
    for fonts in word.styles.element.iter(qn("w:rFonts")):
        if any(fonts.get(qn(attr)) for attr in _THEME_FONT_ATTRS):
            _set_fonts(fonts.getparent(), font)
    rpr.find(qn("w:lang")).set(qn("w:val"), language)  # spell-checking language
    # The template defaults to 1.15 lines and 10 pt after; every Style sets its own spacing.
    _set_spacing(defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")), after="0")


def _set_spacing(ppr, **attrs: str) -> None:
    """Set the line spacing the PDF uses (and any other w:spacing attributes given)."""
    spacing = ppr.get_or_add_spacing()
    for attr, value in {"line": _LINE, "lineRule": "auto", **attrs}.items():
        spacing.set(qn(f"w:{attr}"), value)


def _set_fonts(rpr, font: str) -> None:
    """Name `font` for every script and drop theme fonts, which would otherwise win."""
    fonts = rpr.get_or_add_rFonts()
    for attr in _THEME_FONT_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), font)


def _word_style(word: WordDocument, style_name: str):
    """Return the template's paragraph style `style_name`, or a new one based on Normal."""
    styles = word.styles
    if style_name in styles:  # python-docx maps UI names ("Heading 1") to internal ones
        style = styles[style_name]
        if style.type != WD_STYLE_TYPE.PARAGRAPH:
            raise ValueError(f"Word style {style_name!r} is not a paragraph style")
        return style
    style = styles.add_style(style_name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles["Normal"]
    style.quick_style = True  # listed in Word's Styles gallery, ready for staff to reuse
    return style


def _apply_style(word_style, style: Style, font: str) -> None:
    """Give a Word paragraph style exactly the look of `style`."""
    if style.align not in _ALIGN:
        raise ValueError(f"style {style.name!r}: unknown alignment {style.align!r}")
    rpr = word_style.element.get_or_add_rPr()
    ppr = word_style.element.get_or_add_pPr()
    # Built-in quirks (Title's rule, letter spacing and kerning; List Bullet's suppressed
    # spacing) would contradict the Style; only what the Style says may show.
    for parent, tags in ((ppr, ("w:pBdr", "w:shd", "w:contextualSpacing")),
                         (rpr, ("w:bCs", "w:iCs", "w:spacing", "w:kern", "w:szCs"))):
        for tag in tags:
            for element in parent.findall(qn(tag)):
                parent.remove(element)
    _set_fonts(rpr, font)
    word_font = word_style.font
    word_font.size = Pt(style.size)
    rpr.sz.addnext(_w("w:szCs", val=str(round(style.size * 2))))  # complex scripts too
    word_font.bold, word_font.italic = style.bold, style.italic
    word_font.color.rgb = RGBColor.from_string(style.color.upper())  # replaces theme colours
    fmt = word_style.paragraph_format
    fmt.alignment = _ALIGN[style.align]
    fmt.space_before, fmt.space_after = Pt(style.space_before), Pt(style.space_after)
    _set_spacing(ppr)  # also replaces the single spacing Title and Caption carry
    # Word draws a box outside the text; pull the text in so the box sits on the margins,
    # as in the PDF. A shaded box without a border gets one in its own colour, as padding.
    box = style.border or style.shading
    pad = BOX_PADDING if box else 0
    fmt.left_indent, fmt.right_indent = Pt(style.left_indent + pad), Pt(pad)
    fmt.first_line_indent = Pt(style.first_line_indent)
    fmt.keep_with_next = style.keep_with_next
    if box or style.border_bottom:
        sides = ("top", "left", "bottom", "right") if box else ("bottom",)
        border = OxmlElement("w:pBdr")
        for side in sides:
            border.append(_w(f"w:{side}", val="single", sz=_LINE_EIGHTHS,
                             space=f"{pad or RULE_GAP:g}", color=box or style.border_bottom))
        ppr.insert_element_before(border, *_AFTER_PBDR)
    if style.shading:
        ppr.insert_element_before(_w("w:shd", val="clear", color="auto", fill=style.shading),
                                  *_AFTER_PBDR[1:])


def _w(tag: str, **attrs: str):
    """Return a new WordprocessingML element with w:-namespaced attributes."""
    return OxmlElement(tag, attrs={qn(f"w:{key}"): value for key, value in attrs.items()})


def _setup_bullets(word: WordDocument, doc: Document) -> None:
    """Make List Bullet's numbering show a real bullet at the style's indent, and share it
    with any other style a BulletList names."""
    styles = word.styles
    ppr = styles["List Bullet"].element.pPr
    num_id = ppr.numPr.numId.val
    numbering = word.part.numbering_part.element
    abstract_id = numbering.num_having_numId(num_id).abstractNumId.val
    level = numbering.xpath(f'w:abstractNum[@w:abstractNumId="{abstract_id}"]/w:lvl')[0]
    level.find(qn("w:lvlText")).set(qn("w:val"), _BULLET)
    _set_fonts(level.find(qn("w:rPr")), doc.page.font)  # the template's Symbol font lacks U+2022
    if ppr.ind is not None:  # the level's own w:ind overrides the style's in Word, so copy it
        left, hanging = ppr.ind.left or Twips(0), ppr.ind.hanging or Twips(0)
        level_ppr = level.find(qn("w:pPr"))
        level_ppr.find(qn("w:ind")).attrib.update(
            {qn("w:left"): str(left.twips), qn("w:hanging"): str(hanging.twips)})
        level_ppr.find(qn("w:tabs")).find(qn("w:tab")).set(qn("w:pos"), str(left.twips))
    blocks = (*doc.header, *doc.footer, *doc.body)
    bullet_styles = {b.style for b in blocks if isinstance(b, BulletList)} - {"List Bullet"}
    for style_name in sorted(bullet_styles):
        other = styles[style_name].element.get_or_add_pPr()
        if other.numPr is None:
            other.get_or_add_numPr().get_or_add_numId().val = num_id


def _add_hyperlink_style(word: WordDocument) -> None:
    """Add Word's Hyperlink character style (blue, underlined) if the template lacks it."""
    if "Hyperlink" in word.styles:
        return
    style = word.styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    style.element.attrib.pop(qn("w:customStyle"), None)  # Word knows this name as built-in
    style.base_style = word.styles["Default Paragraph Font"]
    style.font.color.rgb = RGBColor.from_string(LINK_COLOR)
    style.font.underline = True


def _setup_table_style(word: WordDocument) -> None:
    """Give Table Grid the PDF's thin grey grid and cell padding."""
    if "Table Grid" not in word.styles:
        return
    tbl_pr = word.styles["Table Grid"].element.find(qn("w:tblPr"))
    for line in tbl_pr.find(qn("w:tblBorders")):
        line.set(qn("w:color"), TABLE_GRID)
        line.set(qn("w:sz"), str(round(TABLE_GRID_LINE * 8)))
    for margin in tbl_pr.find(qn("w:tblCellMar")):
        margin.set(qn("w:w"), str(round(TABLE_PADDING[etree.QName(margin).localname] * 20)))


def _fill_story(story, blocks, width: float) -> None:
    """Render blocks into a header or footer, replacing its placeholder paragraph."""
    placeholder = story.paragraphs[0]._p
    _add_blocks(story, blocks, width)
    if blocks and not isinstance(blocks[-1], Table):
        placeholder.getparent().remove(placeholder)
    else:  # a story must end in a paragraph, and the watermark needs one
        placeholder.getparent().append(placeholder)


def _add_blocks(story, blocks: tuple[Block, ...], width: float) -> None:
    """Render blocks at the end of the body, a header or a footer."""
    after_table = False
    style_ids: dict[str, str | None] = {}  # python-docx searches every style on each lookup
    for block in blocks:
        if after_table and isinstance(block, Table) and not block.caption:
            story.add_paragraph()  # Word and LibreOffice merge adjacent tables into one
        first = _add_block(story, block, width, style_ids)
        # Word has no space-after for tables; the next paragraph makes the PDF's room instead.
        if after_table and first is not None:
            own = first.style.paragraph_format.space_before or 0
            first.paragraph_format.space_before = Emu(own + Pt(TABLE_SPACE_AFTER))
        after_table = isinstance(block, Table)


def _add_block(story, block: Block, width: float, style_ids: dict):
    """Render one block; return its first paragraph (None for a table without caption)."""
    if isinstance(block, Table):
        return _add_table(story, block, width)
    items = block.items if isinstance(block, BulletList) else (block.inlines,)
    if block.style not in style_ids:
        style_ids[block.style] = story.part.get_style_id(block.style, WD_STYLE_TYPE.PARAGRAPH)
    paragraphs = [story.add_paragraph() for _ in items]
    for paragraph, inlines in zip(paragraphs, items):
        paragraph._p.style = style_ids[block.style]
        _add_inlines(paragraph, inlines)
    return paragraphs[0] if paragraphs else None


def _add_table(story, table: Table, width: float):
    """Render a table (caption, repeating bold header row, even columns); return the caption."""
    if not table.columns or any(len(row) != len(table.columns) for row in table.rows):
        raise ValueError("a table needs columns and one cell per column in every row")
    caption = story.add_paragraph(style="Caption") if table.caption else None
    if caption is not None:
        _add_inlines(caption, table.caption)
    rows, cols = 1 + len(table.rows), len(table.columns)
    is_body = isinstance(story, WordDocument)  # the body and headers take different arguments
    grid = story.add_table(rows, cols) if is_body else story.add_table(rows, cols, Pt(width))
    with contextlib.suppress(KeyError):  # a template without Table Grid gets a plain table
        grid.style = "Table Grid"
    grid.autofit = False  # fixed layout: Word must not re-balance the even columns
    col_width = Twips(round(width * 20 / cols))
    tbl_width = grid._tbl.tblPr.find(qn("w:tblW"))
    tbl_width.attrib.update({qn("w:w"): str(col_width.twips * cols), qn("w:type"): "dxa"})
    for column in grid.columns:
        column.width = col_width
    grid.rows[0]._tr.get_or_add_trPr().append(_w("w:tblHeader"))
    style_id = grid.part.get_style_id("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    # Rows and cells are walked in the XML: grid.cell(r, c) rebuilds the list of every cell on
    # each call, which made a 1,000-row table take 45 s.
    for r, (tr, cells) in enumerate(zip(grid._tbl.tr_lst, (table.columns, *table.rows))):
        for tc, inlines in zip(tr.tc_lst, cells):
            cell = _Cell(tc, grid)
            cell.width = col_width
            paragraph = cell.paragraphs[0]
            paragraph._p.style = style_id
            _add_inlines(paragraph, inlines, bold=r == 0)
            if r == 0:
                cell._tc.get_or_add_tcPr().append(
                    _w("w:shd", val="clear", color="auto", fill=TABLE_HEADER_FILL))
    return caption


def _add_inlines(paragraph, inlines, bold: bool = False) -> None:
    """Append runs, hyperlinks and fields to a paragraph; `bold` forces bold (header cells)."""
    for item in inlines:
        if isinstance(item, Field):
            _add_field(paragraph, item)
        elif item.href:
            _add_hyperlink(paragraph, item, bold)
        else:
            _add_run(paragraph, item, bold)


def _add_run(paragraph, run: Run, bold: bool = False):
    """Append a run keeping its text exactly; '\\n' becomes a line break."""
    word_run = paragraph.add_run()
    if run.bold or bold:
        word_run.bold = True
    if run.italic:
        word_run.italic = True
    word_run.text = run.text  # python-docx escapes XML and turns \n into w:br, \t into w:tab
    # Word drops leading, trailing and doubled spaces unless told to preserve them.
    for text in word_run._r.findall(qn("w:t")):
        text.set(qn("xml:space"), "preserve")
    return word_run


def _add_hyperlink(paragraph, run: Run, bold: bool = False) -> None:
    """Append a run wrapped in a w:hyperlink to an external relationship."""
    rid = paragraph.part.relate_to(run.href, RT.HYPERLINK, is_external=True)
    word_run = _add_run(paragraph, run, bold)
    word_run.style = "Hyperlink"
    link = OxmlElement("w:hyperlink", attrs={qn("r:id"): rid})
    word_run._r.addprevious(link)
    link.append(word_run._r)


def _add_field(paragraph, field: Field) -> None:
    """Append a complex field (PAGE or NUMPAGES) with a cached result the viewer replaces."""
    code = _FIELD_CODES.get(field.name)
    if code is None:
        raise ValueError(f"unknown field {field.name!r}")
    paragraph.add_run()._r.append(_w("w:fldChar", fldCharType="begin"))
    instr = OxmlElement("w:instrText", attrs={qn("xml:space"): "preserve"})
    instr.text = f" {code} "
    paragraph.add_run()._r.append(instr)
    paragraph.add_run()._r.append(_w("w:fldChar", fldCharType="separate"))
    paragraph.add_run("1")  # cached result, shown until the viewer computes the real one
    paragraph.add_run()._r.append(_w("w:fldChar", fldCharType="end"))


def _add_watermark(paragraph, text: str, page: PageSetup) -> None:
    """Anchor Word's diagonal text watermark in a header paragraph, so it shows on every page."""
    run = parse_xml(_WATERMARK)
    width = page.width - page.margin_left - page.margin_right
    # The text is stretched to fill its box; capitals are about 0.8 em wide, so this keeps
    # the letters in proportion (it gives Word's own 468 x 117 pt box for "DRAFT").
    height = width / (0.8 * max(len(text), 1))
    shape = run.find(f".//{_VML}shape")
    shape.set("style", ";".join((
        "position:absolute", "margin-left:0", "margin-top:0", f"width:{width:g}pt",
        f"height:{round(height, 2):g}pt", "rotation:315", "z-index:-251657216",
        "mso-position-horizontal:center", "mso-position-horizontal-relative:margin",
        "mso-position-vertical:center", "mso-position-vertical-relative:margin")))
    textpath = shape.find(f"{_VML}textpath")
    textpath.set("style", f'font-family:"{page.font}";font-size:1pt')
    textpath.set("string", text)
    paragraph._p.append(run)


def _set_core_properties(word: WordDocument, meta: Metadata) -> None:
    """Write the sheet's properties, dated by the sheet, never by the wall clock."""
    props = word.core_properties
    props.title, props.subject = _property(meta.title), _property(meta.subject)
    props.language = meta.language
    props.author = props.last_modified_by = _property(meta.author)
    props.comments = ""  # the template says "generated by python-docx"
    props.revision = 1
    day = meta.date or _NO_DATE
    stamp = dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
    props.created = props.modified = stamp


def _property(text: str) -> str:
    """Return text cut to what a core property holds; the sheet itself prints it in full."""
    return text if len(text) <= _PROPERTY_CHARS else text[:_PROPERTY_CHARS - 1] + "…"


def _normalize_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed timestamps and attributes, keeping member order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for member in src.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever platform renders
            info.external_attr = _ZIP_ATTR
            dst.writestr(info, src.read(member.filename))
    return out.getvalue()
