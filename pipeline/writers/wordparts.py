"""The Word writer's reference skeleton: a minimal, current .docx package made from a resolved look.

Each sheet starts from a copy of it. It holds only the styles the sheet prints in (with their
`basedOn` chain and the document defaults), one bullet list definition, Word 2013+ settings
(no Compatibility Mode) and no theme, latent styles or template leftovers.
"""

from __future__ import annotations

import functools
import re
import struct
import zipfile
import zlib

from docx.styles import BabelFish

from pipeline import __version__
from pipeline.base.xmltext import escape, quoteattr
from pipeline.document.look import TWIPS_PER_POINT, Look, Style

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip header can hold
ZIP_ATTR = 0o100644 << 16  # regular file, rw-r--r--
_DOS_DATE = (ZIP_TIME[0] - 1980) << 9 | ZIP_TIME[1] << 5 | ZIP_TIME[2]
_DOS_TIME = ZIP_TIME[3] << 11 | ZIP_TIME[4] << 5 | ZIP_TIME[5] // 2
_ZIP_VERSION = 20  # the version zipfile writes as needed to extract, and as made by, for deflate
_UNIX = 3  # made on Unix, whatever platform renders
_UTF8_NAME = 0x800  # the flag zipfile sets on a name that is not ASCII
_LOCAL = struct.Struct("<4s2B4HL2L2H")  # zipfile's local file header, central directory entry, end record
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_R = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml"
# Names Word knows as built-in styles although python-docx does not translate them.
_BUILTIN = ("Normal", "Title", "Subtitle", "List Bullet", "Hyperlink")
_JC = {"left": "left", "center": "center", "right": "right", "justify": "both"}
BULLET_NUM_ID = "1"
APPLICATION = f"factsheets/{__version__}"


def twips(points: float) -> str:
    """Return a length in twentieths of a point, as Word writes it."""
    return str(round(points * TWIPS_PER_POINT))


def style_ids(names) -> dict[str, str]:
    """Return a Word style id per style name: its letters and digits, unique even ignoring case
    (Word matches style ids without regard to case: 'DateLine' and 'Dateline' would merge)."""
    ids: dict[str, str] = {}
    for name in sorted(names):
        base = re.sub(r"[^A-Za-z0-9]", "", name) or "Style"
        candidate, n = base, 1
        while candidate.lower() in {taken.lower() for taken in ids.values()}:
            n += 1
            candidate = f"{base}{n}"
        ids[name] = candidate
    return ids


@functools.lru_cache(maxsize=64)
def skeleton(look: Look, used: frozenset[str], language: str, bullets: frozenset[str], links: bool,
             tables: bool) -> bytes:
    """Return the package a sheet starts from, built once per look and set of styles per process.

    `used` names the paragraph styles the sheet prints in, `bullets` those of its bulleted lists;
    `links` and `tables` say whether it needs the Hyperlink and Table Grid styles.
    """
    ids = style_ids(used)
    parts = {
        "[Content_Types].xml": _content_types(bullets),
        "_rels/.rels": _rels([("officeDocument", "word/document.xml", _R),
                              ("metadata/core-properties", "docProps/core.xml", _PKG_R),
                              ("extended-properties", "docProps/app.xml", _R)]),
        "docProps/app.xml": _app(),
        "docProps/core.xml": _core(),
        "word/document.xml": _document(look),
        "word/_rels/document.xml.rels": _rels(
            [("styles", "styles.xml", _R), ("settings", "settings.xml", _R), ("fontTable", "fontTable.xml", _R)]
            + ([("numbering", "numbering.xml", _R)] if bullets else [])),
        "word/styles.xml": _styles(look, used, ids, language, bullets, links, tables),
        "word/settings.xml": _settings(language),
        "word/fontTable.xml": font_table(look.page.font),
    }
    if bullets:
        parts["word/numbering.xml"] = _numbering(look)
    return zip_parts(parts.items())


def zip_parts(parts) -> bytes:
    """Return a zip of (name, text or bytes) pairs with fixed timestamps, in the order given.

    The bytes are those of Python's zipfile (deflated, Unix attributes, no extras), written here
    so that a part every sheet shares (styles, settings, a font, a picture) is compressed once
    per process rather than once per sheet.
    """
    out, directory, offset = [], [], 0
    for name, data in parts:
        raw = name.encode("utf-8")
        flags = 0 if raw.isascii() else _UTF8_NAME
        crc, deflated, size = _deflated(data.encode("utf-8") if isinstance(data, str) else data)
        fields = (_ZIP_VERSION, 0, flags, zipfile.ZIP_DEFLATED, _DOS_TIME, _DOS_DATE, crc, len(deflated), size, len(raw))
        out += (_LOCAL.pack(b"PK\x03\x04", *fields, 0), raw, deflated)
        directory += (_CENTRAL.pack(b"PK\x01\x02", _ZIP_VERSION, _UNIX, *fields, 0, 0, 0, 0, ZIP_ATTR, offset), raw)
        offset += _LOCAL.size + len(raw) + len(deflated)
    listing = b"".join(directory)
    count = len(directory) // 2
    return b"".join((*out, listing, _END.pack(b"PK\x05\x06", 0, 0, count, count, len(listing), offset, 0)))


@functools.lru_cache(maxsize=256)
def _deflated(data: bytes) -> tuple[int, bytes, int]:
    """Return a member's CRC-32, its bytes deflated as zipfile deflates them, and its size."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return zlib.crc32(data), compressor.compress(data) + compressor.flush(), len(data)


def _xml(body: str) -> str:
    """Return an XML part with its declaration."""
    return '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body


def _content_types(bullets: bool) -> str:
    """Return [Content_Types].xml for the skeleton's parts (python-docx adds headers, footers)."""
    overrides = [("/word/document.xml", f"{_CT}.document.main+xml"),
                 ("/word/styles.xml", f"{_CT}.styles+xml"),
                 ("/word/settings.xml", f"{_CT}.settings+xml"),
                 ("/word/fontTable.xml", f"{_CT}.fontTable+xml"),
                 ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
                 ("/docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml")]
    if bullets:
        overrides.append(("/word/numbering.xml", f"{_CT}.numbering+xml"))
    return _xml('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                + "".join(f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in overrides)
                + "</Types>")


def _rels(targets) -> str:
    """Return a relationships part; ids are numbered in the order given."""
    items = "".join(f'<Relationship Id="rId{i}" Type="{base}/{kind}" Target="{target}"/>'
                    for i, (kind, target, base) in enumerate(targets, start=1))
    return _xml(f'<Relationships xmlns="{_PKG_R}">{items}</Relationships>')


def _app() -> str:
    """Return the extended properties: this program and its version, no invented page or word counts."""
    return _xml('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
                f"<Application>{escape(APPLICATION)}</Application><DocSecurity>0</DocSecurity>"
                "<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
                "<HyperlinksChanged>false</HyperlinksChanged></Properties>")


def _core() -> str:
    """Return empty core properties; the writer fills them from the sheet."""
    return _xml('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
                'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
                'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
                'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>')


def _document(look: Look) -> str:
    """Return an empty body with the page size, margins and furniture distances."""
    page = look.page
    return _xml(f'<w:document xmlns:w="{W}" xmlns:r="{_R}"><w:body><w:sectPr>'
                f'<w:pgSz w:w="{twips(page.width)}" w:h="{twips(page.height)}"/>'
                f'<w:pgMar w:top="{twips(page.margin_top)}" w:right="{twips(page.margin_right)}" '
                f'w:bottom="{twips(page.margin_bottom)}" w:left="{twips(page.margin_left)}" '
                f'w:header="{twips(page.header_distance)}" w:footer="{twips(page.footer_distance)}" w:gutter="0"/>'
                '<w:cols w:space="720"/></w:sectPr></w:body></w:document>')


def _settings(language: str) -> str:
    """Return settings for Word 2013 and later (compatibility mode 15), in the sheet's language."""
    compat = "".join(
        f'<w:compatSetting w:name="{name}" w:uri="http://schemas.microsoft.com/office/word" w:val="{value}"/>'
        for name, value in (("compatibilityMode", "15"), ("overrideTableStyleFontSizeAndJustification", "1"),
                            ("enableOpenTypeFeatures", "1"), ("doNotFlipMirrorIndents", "1"),
                            ("differentiateMultirowTableHeaders", "1")))
    return _xml(f'<w:settings xmlns:w="{W}"><w:zoom w:percent="100"/><w:defaultTabStop w:val="720"/>'
                '<w:characterSpacingControl w:val="doNotCompress"/>'
                f"<w:compat>{compat}</w:compat>"
                f'<w:themeFontLang w:val={quoteattr(language)}/>'
                '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/></w:settings>')


def font_table(font: str, embedded: dict[str, list[tuple[str, str, str]]] | None = None) -> str:
    """Return the font table naming the sheet's font and, with `embedded`, each font the file carries:
    {font name: [(w:embedRegular or w:embedBold, relationship id, w:fontKey)]}."""
    entries = f'<w:font w:name={quoteattr(font)}><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>'
    for name, faces in (embedded or {}).items():
        entries += (f'<w:font w:name={quoteattr(name)}><w:family w:val="roman"/><w:pitch w:val="variable"/>'
                    + "".join(f'<w:{tag} r:id="{rid}" w:fontKey="{key}"/>' for tag, rid, key in faces)
                    + "</w:font>")
    namespaces = f'xmlns:w="{W}"' + (f' xmlns:r="{_R}"' if embedded else "")
    return _xml(f"<w:fonts {namespaces}>{entries}</w:fonts>")


def _numbering(look: Look) -> str:
    """Return one bullet list definition: the look's bullet, hung at the List Bullet indent."""
    bullet = look.style("List Bullet")  # other bulleted styles carry their own indents
    left, hang = look.bullet_indents(bullet)
    font = quoteattr(look.page.font)
    return _xml(f'<w:numbering xmlns:w="{W}"><w:abstractNum w:abstractNumId="0">'
                '<w:multiLevelType w:val="singleLevel"/><w:lvl w:ilvl="0"><w:start w:val="1"/>'
                f'<w:numFmt w:val="bullet"/><w:lvlText w:val={quoteattr(look.text.bullet)}/><w:lvlJc w:val="left"/>'
                f'<w:pPr><w:tabs><w:tab w:val="num" w:pos="{twips(left)}"/></w:tabs>'
                f'<w:ind w:left="{twips(left)}" w:hanging="{twips(hang)}"/></w:pPr>'
                f'<w:rPr><w:rFonts w:ascii={font} w:hAnsi={font} w:cs={font}/></w:rPr></w:lvl></w:abstractNum>'
                f'<w:num w:numId="{BULLET_NUM_ID}"><w:abstractNumId w:val="0"/></w:num></w:numbering>')


def _styles(look: Look, used: frozenset[str], ids: dict[str, str], language: str,
            bullets: frozenset[str], links: bool, tables: bool) -> str:
    """Return styles.xml: document defaults, Word's required defaults and the sheet's styles."""
    font = quoteattr(look.page.font)
    parts = [
        f'<w:styles xmlns:w="{W}"><w:docDefaults><w:rPrDefault><w:rPr>'
        f'<w:rFonts w:ascii={font} w:hAnsi={font} w:eastAsia={font} w:cs={font}/>'
        f'<w:sz w:val="24"/><w:szCs w:val="24"/><w:lang w:val={quoteattr(language)} w:eastAsia="en-US" '
        'w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        '<w:pPrDefault><w:pPr><w:widowControl/><w:spacing w:after="0"/></w:pPr></w:pPrDefault></w:docDefaults>',
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/>'
        '</w:style>',
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
        '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>',
        '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>',
    ]
    parts.extend(_paragraph_style(look.style(name), ids, look, name in bullets)
                 for name in sorted(used, key=_normal_first))
    if links:
        parts.append('<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/>'
                     '<w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
                     f'<w:rPr><w:color w:val="{look.text.link_color}"/><w:u w:val="single"/></w:rPr></w:style>')
    if tables:
        parts.append(_table_style(look))
    parts.append("</w:styles>")
    return _xml("".join(parts))


def _normal_first(name: str) -> tuple[bool, str]:
    """Sort key: Normal first (Word lists it so), then by name."""
    return name != "Normal", name


def _paragraph_style(style: Style, ids: dict[str, str], look: Look, bullet: bool) -> str:
    """Return one paragraph style with exactly the look of `style`, in schema order."""
    internal = BabelFish.ui2internal(style.name)
    builtin = internal != style.name or style.name in _BUILTIN
    kind = ' w:default="1"' if style.name == "Normal" else ("" if builtin else ' w:customStyle="1"')
    head = (f'<w:style w:type="paragraph"{kind} w:styleId="{ids[style.name]}">'
            f"<w:name w:val={quoteattr(internal)}/>")
    if style.name != "Normal":
        head += '<w:basedOn w:val="Normal"/>'
        head += f'<w:next w:val="{ids[style.name] if bullet else "Normal"}"/>'
    head += "<w:qFormat/>"
    # Normal names the font too, so Word's font box shows it; the other styles inherit it.
    font = quoteattr(look.page.font)
    fonts = (f"<w:rFonts w:ascii={font} w:hAnsi={font} w:eastAsia={font} w:cs={font}/>"
             if style.name == "Normal" else "")
    return f"{head}<w:pPr>{_ppr(style, look, bullet)}</w:pPr><w:rPr>{fonts}{_rpr(style)}</w:rPr></w:style>"


def _ppr(style: Style, look: Look, bullet: bool) -> str:
    """Return a style's paragraph properties, in the order the schema requires."""
    out = "<w:keepNext/>" if style.keep_with_next else ""
    if bullet:
        out += f'<w:numPr><w:numId w:val="{BULLET_NUM_ID}"/></w:numPr>'
    box, edge = style.border or style.shading, 0.0
    if box or style.border_bottom:
        # Word draws a box outside the text; the indents below pull the text in by the
        # padding and the line so the box sits on the margins, as in the PDF. A shaded box
        # without a border gets one in its own colour, as padding.
        pad = look.box.padding if box else 0.0
        edge = pad + look.box.line if box else 0.0  # the PDF's room on each side of a box
        sides = ("top", "left", "bottom", "right") if box else ("bottom",)
        line = round(look.box.line * 8)  # w:sz counts eighths of a point
        out += "<w:pBdr>" + "".join(
            f'<w:{side} w:val="single" w:sz="{line}" w:space="{pad or look.box.rule_gap:g}" '
            f'w:color="{box or style.border_bottom}"/>' for side in sides) + "</w:pBdr>"
    if style.shading:
        out += f'<w:shd w:val="clear" w:color="auto" w:fill="{style.shading}"/>'
    # 'atLeast' the look's pitch: exactly that pitch for the sheet's own text (the fonts'
    # natural line is smaller), yet nothing clips if staff later insert something taller.
    out += (f'<w:spacing w:before="{twips(style.space_before)}" w:after="{twips(style.space_after)}" '
            f'w:line="{twips(look.leading(style))}" w:lineRule="atLeast"/>')
    if bullet:
        left, hang = look.bullet_indents(style)
        out += f'<w:ind w:left="{twips(left)}" w:hanging="{twips(hang)}"/>'
    else:
        first = style.first_line_indent
        out += (f'<w:ind w:left="{twips(style.left_indent + edge)}" w:right="{twips(edge)}" '
                + (f'w:hanging="{twips(-first)}"/>' if first < 0 else f'w:firstLine="{twips(first)}"/>'))
    out += f'<w:jc w:val="{_JC[style.align]}"/>'
    if style.name.startswith("Heading ") and style.name[8:].isdigit():
        out += f'<w:outlineLvl w:val="{int(style.name[8:]) - 1}"/>'  # Word's navigation pane
    return out


def _rpr(style: Style) -> str:
    """Return a style's run properties, in the order the schema requires."""
    half_points = round(style.size * 2)
    return (("<w:b/><w:bCs/>" if style.bold else "") + ("<w:i/><w:iCs/>" if style.italic else "")
            + f'<w:color w:val="{style.color}"/><w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>')


def _table_style(look: Look) -> str:
    """Return Table Grid with the look's grid lines and cell paddings."""
    table = look.table
    line = f'w:val="single" w:sz="{round(table.grid_line * 8)}" w:space="0" w:color="{table.grid}"'
    borders = "".join(f"<w:{side} {line}/>" for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    margins = "".join(f'<w:{side} w:w="{twips(getattr(table, "padding_" + side))}" w:type="dxa"/>'
                      for side in ("top", "left", "bottom", "right"))
    return ('<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/>'
            '<w:basedOn w:val="TableNormal"/><w:uiPriority w:val="39"/><w:pPr><w:spacing w:after="0"/></w:pPr>'
            f'<w:tblPr><w:tblBorders>{borders}</w:tblBorders><w:tblCellMar>{margins}</w:tblCellMar></w:tblPr></w:style>')
