"""Word writer: render a document tree to a .docx with real, editable Word styles."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import docx
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor, Twips

from pipeline.doctree import BulletList, Document, Field, Heading, Metadata, PageSetup, Run, Style, Table

name = "docx"
suffix = ".docx"

_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
          "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}
_FIELD_CODES = {"page": "PAGE", "pages": "NUMPAGES"}
_THEME_FONT_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_HYPERLINK_COLOR = "0563C1"  # Word's own Hyperlink blue
_BULLET = "\u2022"  # a real bullet character, not the template's Symbol-font private-use glyph
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip header can hold
_ZIP_ATTR = 0o100644 << 16  # regular file, rw-r--r--
_NO_DATE = dt.date(2000, 1, 1)
# Word's single line for Times is 1.15 em; the PDF writer leads at 1.2 em, so lines are set
# at 250/240 of single to keep page breaks alike.
_LINE = "250"
# Parts of the template that would contradict what we write: a stale styles copy that Word
# 2010 prefers over styles.xml, and a thumbnail of an empty page.
_STALE_RELS = ("/stylesWithEffects", "/metadata/thumbnail")
# w:pPr children that must come after w:pBdr and w:shd (schema order; python-docx has no accessors).
_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
               "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
               "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
               "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
               "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
               "w:pPrChange")
# Word's standard text watermark (Design > Watermark): shape type 136 is WordArt "plain text";
# the "PowerPlusWaterMarkObject" id is what Word and LibreOffice recognise as a watermark.
_WATERMARK = """\
<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
     xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"
     xmlns:w10="urn:schemas-microsoft-com:office:word">
 <w:rPr><w:noProof/></w:rPr>
 <w:pict>
  <v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800"
               path="m@7,l@8,m@5,21600l@6,21600e">
   <v:formulas>
    <v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/>
    <v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/>
    <v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/>
    <v:f eqn="mid @5 @6"/><v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/>
    <v:f eqn="sum @6 0 @5"/>
   </v:formulas>
   <v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800"
           o:connectangles="270,180,90,0"/>
   <v:textpath on="t" fitshape="t"/>
   <v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/></v:handles>
   <o:lock v:ext="edit" text="t" shapetype="t"/>
  </v:shapetype>
  <v:shape id="PowerPlusWaterMarkObject1" o:spid="_x0000_s2049" type="#_x0000_t136"
           o:allowincell="f" fillcolor="silver" stroked="f">
   <v:fill opacity=".5"/>
   <v:textpath/>
   <w10:wrap anchorx="margin" anchory="margin"/>
  </v:shape>
 </w:pict>
</w:r>"""


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
    width = doc.page.width - doc.page.margin_left - doc.page.margin_right
    for block in doc.body:
        _add_block(word, block, width)
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
    """Drop template parts whose content would contradict ours; unreferenced parts are not saved."""
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
    """Make the document defaults Times-like, single-spaced and in the sheet's language."""
    defaults = word.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, font)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), language)
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
    """Return the template's paragraph style `style_name`, adding one based on Normal if absent."""
    styles = word.styles
    if style_name in styles:  # python-docx maps UI names ("Heading 1") to internal ones
        style = styles[style_name]
        if style.type != WD_STYLE_TYPE.PARAGRAPH:
            raise ValueError(f"Word style {style_name!r} is not a paragraph style")
        return style
    style = styles.add_style(style_name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles["Normal"]
    style.quick_style = True
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
    fmt.left_indent, fmt.first_line_indent = Pt(style.left_indent), Pt(style.first_line_indent)
    fmt.keep_with_next = style.keep_with_next
    sides = ("top", "left", "bottom", "right") if style.border else ("bottom",)
    color = style.border or style.border_bottom
    if color:
        border = OxmlElement("w:pBdr")
        for side in sides:
            border.append(_w(f"w:{side}", val="single", sz="6", space="4", color=color))
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
    level = numbering.xpath(f'w:abstractNum[@w:abstractNumId="{abstract_id}"]/w:lvl[@w:ilvl="0"]')[0]
    level.find(qn("w:lvlText")).set(qn("w:val"), _BULLET)
    _set_fonts(level.find(qn("w:rPr")), doc.page.font)  # the template's Symbol font lacks U+2022
    if ppr.ind is not None:  # the level's own w:ind overrides the style's in Word, so copy it
        left, hanging = ppr.ind.left or Twips(0), ppr.ind.hanging or Twips(0)
        level_ppr = level.find(qn("w:pPr"))
        level_ppr.find(qn("w:ind")).attrib.update(
            {qn("w:left"): str(left.twips), qn("w:hanging"): str(hanging.twips)})
        level_ppr.find(qn("w:tabs")).find(qn("w:tab")).set(qn("w:pos"), str(left.twips))
    blocks = (*doc.header, *doc.footer, *doc.body)
    for style_name in sorted({b.style for b in blocks if isinstance(b, BulletList)} - {"List Bullet"}):
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
    style.priority = 99
    style.font.color.rgb = RGBColor.from_string(_HYPERLINK_COLOR)
    style.font.underline = True
    style.unhide_when_used = True


def _fill_story(story, blocks, width: float) -> None:
    """Render blocks into a header or footer, replacing its placeholder paragraph."""
    placeholder = story.paragraphs[0]._p
    for block in blocks:
        _add_block(story, block, width)
    if blocks and not isinstance(blocks[-1], Table):
        placeholder.getparent().remove(placeholder)
    else:  # a story must end in a paragraph, and the watermark needs one
        placeholder.getparent().append(placeholder)


def _add_block(story, block, width: float) -> None:
    """Render one block at the end of the body, a header or a footer."""
    if isinstance(block, BulletList):
        for item in block.items:
            _add_inlines(story.add_paragraph(style=block.style), item)
    elif isinstance(block, Table):
        _add_table(story, block, width)
    else:  # Paragraph or Heading; both know their style name
        _add_inlines(story.add_paragraph(style=block.style), block.inlines)


def _add_table(story, table: Table, width: float) -> None:
    """Render a table: optional caption above, a repeating bold header row, even columns."""
    if table.caption:
        _add_inlines(story.add_paragraph(style="Caption"), table.caption)
    rows, cols = 1 + len(table.rows), len(table.columns)
    if isinstance(story, WordDocument):
        grid = story.add_table(rows, cols)
    else:
        grid = story.add_table(rows, cols, Pt(width))
    try:
        grid.style = "Table Grid"
    except KeyError:  # a template without it still gets a plain table
        pass
    col_width = Twips(round(width * 20 / cols))
    tbl_width = grid._tbl.tblPr.find(qn("w:tblW"))
    tbl_width.attrib.update({qn("w:w"): str(col_width.twips * cols), qn("w:type"): "dxa"})
    grid.autofit = False  # fixed layout: Word must not re-balance the even columns
    for column in grid.columns:
        column.width = col_width
    grid.rows[0]._tr.get_or_add_trPr().append(_w("w:tblHeader"))
    for r, cells in enumerate((table.columns, *table.rows)):
        for c, inlines in enumerate(cells):
            cell = grid.cell(r, c)
            cell.width = col_width
            paragraph = cell.paragraphs[0]
            paragraph.style = "Table Text"
            _add_inlines(paragraph, inlines, bold=r == 0)


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
    paragraph.add_run("1")
    paragraph.add_run()._r.append(_w("w:fldChar", fldCharType="end"))


def _add_watermark(paragraph, text: str, page: PageSetup) -> None:
    """Anchor Word's diagonal text watermark in a header paragraph, so it shows on every page."""
    run = parse_xml(_WATERMARK)
    width = page.width - page.margin_left - page.margin_right
    # The text is stretched to fill its box; capitals are about 0.8 em wide, so this keeps
    # the letters in proportion (it gives Word's own 468 x 117 pt box for "DRAFT").
    height = width / (0.8 * max(len(text), 1))
    shape = run.find(".//{urn:schemas-microsoft-com:vml}shape")
    shape.set("style", ";".join((
        "position:absolute", "margin-left:0", "margin-top:0", f"width:{width:g}pt",
        f"height:{round(height, 2):g}pt", "rotation:315", "z-index:-251657216",
        "mso-position-horizontal:center", "mso-position-horizontal-relative:margin",
        "mso-position-vertical:center", "mso-position-vertical-relative:margin")))
    textpath = shape.find("{urn:schemas-microsoft-com:vml}textpath")
    textpath.set("style", f'font-family:"{page.font}";font-size:1pt')
    textpath.set("string", text)
    paragraph._p.append(run)


def _set_core_properties(word: WordDocument, meta: Metadata) -> None:
    """Write the sheet's properties, dated by the sheet, never by the wall clock."""
    props = word.core_properties
    props.title, props.subject, props.language = meta.title, meta.subject, meta.language
    props.author = props.last_modified_by = meta.author
    props.comments = ""  # the template says "generated by python-docx"
    props.revision = 1
    day = meta.date or _NO_DATE
    stamp = dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
    props.created = props.modified = stamp


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
