"""Reading a .docx that came back from Word: untrusted input, bounded before it is read.

A .docx is a zip of XML parts. Everything is checked before parsing: the file's size, the number of
members, each member's unpacked size and packing ratio (zip bombs), and the XML itself is parsed
with no DTD, no entities and no network (billion laughs, external entities). Nothing a part links to
outside the file is ever opened. The result is plain data: paragraphs (with their bookmarks, runs,
tracked changes and comments), the header and footer text, tables' shapes and pictures.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

MAX_FILE = 20 * 1024 * 1024  # a sheet's .docx is tens of KB; pictures pasted in may bring megabytes
MAX_MEMBERS = 500
MAX_PART = 8 * 1024 * 1024  # one XML part unpacked
MAX_TOTAL = 64 * 1024 * 1024  # every member unpacked
MAX_RATIO = 100  # unpacked / packed, for members over 1 MB: a zip bomb packs far tighter
MAX_PARAGRAPHS = 20_000

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_FALSE = {"0", "false", "off"}


class Refused(Exception):
    """The file cannot be read as a sheet edited in Word; the message says why in plain words."""


@dataclass
class Piece:
    """A stretch of a paragraph's text with one set of marks; `change` is ('ins'|'del', n) when tracked."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None
    change: tuple[str, int] | None = None
    styled: bool = False  # a size, colour, font, underline or highlight the record cannot hold


@dataclass
class Para:
    """One paragraph of the edited body."""

    style: str  # its style's name (its id when the file does not name it)
    pieces: list[Piece] = field(default_factory=list)
    bookmarks: list[str] = field(default_factory=list)
    table: int | None = None  # which body table it sits in
    cell: tuple[int, int] | None = None  # (row, column) in that table
    pictures: int = 0
    inserted: int | None = None  # a tracked change that inserted the whole paragraph

    def text(self, accepted=frozenset(), everything: bool = False) -> str:
        """Return the text with the tracked changes in `accepted` taken (all of them with `everything`)."""
        return "".join(p.text for p in self.view(accepted, everything))

    def view(self, accepted=frozenset(), everything: bool = False) -> list[Piece]:
        """Return the pieces as printed once the changes in `accepted` are taken and the others refused."""
        out = []
        for piece in self.pieces:
            if piece.change is None:
                out.append(piece)
                continue
            kind, n = piece.change
            taken = everything or n in accepted
            if (kind == "ins") == taken:
                out.append(piece)
        return out


@dataclass
class Change:
    """A tracked change still in the file: an insertion or deletion someone proposed."""

    n: int
    kind: str  # "insert" | "delete"
    author: str
    date: str
    text: str = ""
    paragraph: int = 0  # index into Edited.paragraphs


@dataclass
class Comment:
    """A Word comment and the text it is attached to."""

    n: str
    author: str
    text: str
    anchored: str = ""
    paragraph: int | None = None


@dataclass
class Edited:
    """What the edited file holds, as plain data."""

    paragraphs: list[Para]
    tables: list[tuple[int, int]]  # (rows, most cells in a row) per body table
    furniture: list[str]  # header and footer paragraph texts
    watermarks: list[str]
    changes: list[Change]
    comments: list[Comment]
    outside: list[str]  # links to files outside the document (never opened)
    nested_tables: int = 0


def read(path: Path) -> Edited:
    """Return the content of an edited .docx; Refused when it is not one or not safe to read."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise Refused(f"cannot read the file: {exc.strerror or exc}") from None
    if size > MAX_FILE:
        raise Refused(f"the file is {size // (1024 * 1024)} MB; a fact sheet's Word file is far smaller "
                      f"(at most {MAX_FILE // (1024 * 1024)} MB is read)")
    try:
        package = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise Refused("this is not a Word (.docx) file: it is not a zip package; "
                      "in Word use File > Save As > Word Document (.docx)") from None
    with package:
        parts = _Parts(package)
        return _Reader(parts).edited()


class _Parts:
    """The package's members, each checked for size and packing before it is read."""

    def __init__(self, package: zipfile.ZipFile):
        infos = package.infolist()
        if len(infos) > MAX_MEMBERS:
            raise Refused(f"the file holds {len(infos)} parts; a Word document holds a few dozen")
        total = sum(info.file_size for info in infos)
        if total > MAX_TOTAL:
            raise Refused("the file unpacks to more than "
                          f"{MAX_TOTAL // (1024 * 1024)} MB (a zip bomb, or not a fact sheet)")
        for info in infos:
            if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise Refused(f"part {info.filename!r} unpacks {info.file_size // max(info.compress_size, 1)} "
                              "times larger than it is packed (a zip bomb); it was not unpacked")
        self.package, self.names = package, {info.filename: info for info in infos}

    def xml(self, name: str, required: bool = False):
        """Return a part parsed safely, or None when it is absent (Refused if required)."""
        info = self.names.get(name)
        if info is None:
            if required:
                raise Refused(f"this is not a Word document: it has no {name}")
            return None
        if info.file_size > MAX_PART:
            raise Refused(f"part {name} is {info.file_size // (1024 * 1024)} MB of XML; "
                          f"at most {MAX_PART // (1024 * 1024)} MB is read")
        try:
            with self.package.open(info) as member:
                data = member.read(MAX_PART + 1)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError) as exc:
            raise Refused(f"part {name} cannot be unpacked ({exc}); the file is damaged") from None
        if len(data) > MAX_PART:
            raise Refused(f"part {name} unpacks larger than it says; the file is damaged or hostile")
        return parse_xml(data, name)

    def matching(self, pattern: str) -> list[str]:
        """Return the member names matching a regular expression, sorted."""
        return sorted(n for n in self.names if re.fullmatch(pattern, n))


def parse_xml(data: bytes, name: str):
    """Return XML parsed with no DTD, entities or network; Refused for a DOCTYPE or bad XML."""
    from lxml import etree

    head = data[:4096].lstrip()
    if b"<!DOCTYPE" in data[:65536] or b"<!ENTITY" in data[:65536] or b"<!DOCTYPE" in head:
        raise Refused(f"part {name} declares a DTD or entities, which Word never writes; "
                      "the file was not read (it may be crafted to attack the reader)")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise Refused(f"part {name} is not well-formed XML ({exc}); the file is damaged") from None
    if root.getroottree().docinfo.doctype:
        raise Refused(f"part {name} declares a DTD, which Word never writes; the file was not read")
    return root


class _Reader:
    """Walks the main document, its comments, headers and footers into an Edited."""

    def __init__(self, parts: _Parts):
        self.parts = parts
        self.rels, self.outside = _relationships(parts.xml("word/_rels/document.xml.rels"))
        self.paragraphs: list[Para] = []
        self.tables: list[tuple[int, int]] = []
        self.changes: list[Change] = []
        self.comments = _comments(parts.xml("word/comments.xml"))
        self.open_comments: set[str] = set()
        self.pending: list[str] = []  # bookmarks between paragraphs: they belong to the next one
        self.nested = 0

    def edited(self) -> Edited:
        """Read everything; return it."""
        self.styles = _style_names(self.parts.xml("word/styles.xml"))
        document = self.parts.xml("word/document.xml", required=True)
        body = document.find(f"{W}body")
        if document.tag != f"{W}document" or body is None:
            raise Refused("this is not a Word document: word/document.xml has no body")
        self._blocks(body, None)
        furniture, marks = [], []
        for name in self.parts.matching(r"word/(header|footer)\d*\.xml"):
            root = self.parts.xml(name)
            if root is None:
                continue
            furniture.extend(t for t in (_plain(p) for p in root.iter(f"{W}p")) if t.strip())
            marks.extend(e.get("string", "") for e in root.iter("{urn:schemas-microsoft-com:vml}textpath")
                         if e.get("string"))
        for _, rels_outside in (_relationships(self.parts.xml(n)) for n in
                                self.parts.matching(r"word/_rels/(header|footer)\d*\.xml\.rels")):
            self.outside.extend(rels_outside)
        return Edited(self.paragraphs, self.tables, furniture, marks, self.changes,
                      list(self.comments.values()), sorted(set(self.outside)), self.nested)

    def _blocks(self, parent, table: int | None, cell=None) -> None:
        """Read the paragraphs and tables under a body, cell or content control, in order."""
        for child in parent:
            if len(self.paragraphs) > MAX_PARAGRAPHS:
                raise Refused(f"the document has more than {MAX_PARAGRAPHS:,} paragraphs; a fact sheet has far fewer")
            tag = child.tag
            if tag == f"{W}p":
                self._paragraph(child, table, cell)
            elif tag == f"{W}tbl":
                if table is not None:
                    self.nested += 1
                self._table(child)
            elif tag in (f"{W}sdt", f"{W}customXml", f"{W}ins", f"{W}moveTo"):
                self._blocks(child.find(f"{W}sdtContent") if tag == f"{W}sdt" else child, table, cell)
            elif tag == f"{W}bookmarkStart" and child.get(f"{W}name"):
                self.pending.append(child.get(f"{W}name"))

    def _table(self, tbl) -> None:
        """Read a table's cells row by row; note its shape."""
        index = len(self.tables)
        self.tables.append((0, 0))
        rows = tbl.findall(f"{W}tr")
        widest = 0
        for r, tr in enumerate(rows):
            cells = tr.findall(f"{W}tc")
            widest = max(widest, len(cells))
            for c, tc in enumerate(cells):
                self._blocks(tc, index, (r, c))
        self.tables[index] = (len(rows), widest)

    def _paragraph(self, p, table, cell) -> None:
        """Read one paragraph: style, bookmarks, runs (tracked or not), comments, pictures."""
        ppr = p.find(f"{W}pPr")
        style = ppr.find(f"{W}pStyle") if ppr is not None else None
        name = style.get(f"{W}val", "") if style is not None else ""
        para = Para(self.styles.get(name, name), table=table, cell=cell)
        para.bookmarks, self.pending = self.pending, []
        index = len(self.paragraphs)
        self.paragraphs.append(para)
        mark_ins = ppr.find(f"{W}rPr/{W}ins") if ppr is not None else None
        if mark_ins is not None:
            para.inserted = self._change(mark_ins, "insert", index).n
        self._inline(p, para, index, None, None)

    def _inline(self, parent, para: Para, index: int, href, change) -> None:
        """Read a paragraph's inline content in order (runs, links, tracked changes, comment ranges)."""
        for child in parent:
            tag = child.tag
            if tag == f"{W}r":
                self._run(child, para, href, change)
            elif tag == f"{W}hyperlink":
                rid = child.get(f"{_R}id")
                target = self.rels.get(rid) if rid else None
                self._inline(child, para, index, target or href, change)
            elif tag in (f"{W}ins", f"{W}moveTo"):
                self._inline(child, para, index, href, ("ins", self._change(child, "insert", index).n))
            elif tag in (f"{W}del", f"{W}moveFrom"):
                self._inline(child, para, index, href, ("del", self._change(child, "delete", index).n))
            elif tag == f"{W}bookmarkStart" and child.get(f"{W}name"):
                para.bookmarks.append(child.get(f"{W}name"))
            elif tag == f"{W}commentRangeStart":
                self._comment_at(child.get(f"{W}id"), index)
            elif tag == f"{W}commentRangeEnd":
                self.open_comments.discard(child.get(f"{W}id"))
            elif tag in (f"{W}smartTag", f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}fldSimple"):
                self._inline(child.find(f"{W}sdtContent") if tag == f"{W}sdt" else child,
                             para, index, href, change)

    def _comment_at(self, n: str | None, index: int) -> None:
        """Note where a comment's range opens."""
        if n in self.comments:
            self.open_comments.add(n)
            if self.comments[n].paragraph is None:
                self.comments[n].paragraph = index

    def _run(self, r, para: Para, href, change) -> None:
        """Read one run's text and marks."""
        props = r.find(f"{W}rPr")
        bold, italic, styled = _on(props, "b"), _on(props, "i"), _styled(props)
        text = []
        for child in r:
            tag = child.tag
            if tag in (f"{W}t", f"{W}delText"):
                text.append(child.text or "")
            elif tag == f"{W}tab":
                text.append("\t")
            elif tag in (f"{W}br", f"{W}cr"):
                text.append("\n")
            elif tag == f"{W}noBreakHyphen":
                text.append("\u2011")
            elif tag in (f"{W}drawing", f"{W}pict", f"{W}object"):
                para.pictures += 1
        joined = "".join(text)
        if not joined:
            return
        para.pieces.append(Piece(joined, bold, italic, href, change, styled))
        for n in self.open_comments:
            self.comments[n].anchored += joined
        if change is not None:
            self.changes[change[1]].text += joined

    def _change(self, element, kind: str, index: int) -> Change:
        """Return a new tracked change for `element`."""
        change = Change(len(self.changes), kind, element.get(f"{W}author", "someone"),
                        (element.get(f"{W}date") or "")[:10], paragraph=index)
        self.changes.append(change)
        return change


def _on(props, name: str) -> bool:
    """Return whether a toggle property (w:b, w:i) is on in run properties."""
    if props is None:
        return False
    element = props.find(f"{W}{name}")
    return element is not None and element.get(f"{W}val", "true").lower() not in _FALSE


def _styled(props) -> bool:
    """Return whether a run carries formatting the record cannot hold (size, colour, font, underline…)."""
    if props is None:
        return False
    for name in ("sz", "color", "highlight", "strike", "caps", "smallCaps", "shd", "vertAlign"):
        if props.find(f"{W}{name}") is not None:
            return True
    underline = props.find(f"{W}u")
    style = props.find(f"{W}rStyle")
    link = style is not None and style.get(f"{W}val", "").lower().startswith(("hyperlink", "internetlink"))
    if underline is not None and underline.get(f"{W}val", "single") != "none" and not link:
        return True
    fonts = props.find(f"{W}rFonts")
    return fonts is not None and fonts.get(f"{W}ascii") is not None


def _plain(p) -> str:
    """Return a header or footer paragraph's text, leaving out page-number results."""
    out, in_field = [], 0
    for element in p.iter(f"{W}t", f"{W}fldChar", f"{W}fldSimple", f"{W}tab"):
        if element.tag == f"{W}fldChar":
            kind = element.get(f"{W}fldCharType")
            in_field = 1 if kind == "separate" else 0 if kind == "end" else in_field
        elif element.tag == f"{W}tab":
            out.append(" ")
        elif element.tag == f"{W}t" and not in_field and not _inside(element, f"{W}fldSimple"):
            out.append(element.text or "")
    return "".join(out)


def _inside(element, tag: str) -> bool:
    """Return whether an element sits inside one with `tag`."""
    return any(a.tag == tag for a in element.iterancestors())


def _relationships(root) -> tuple[dict[str, str], list[str]]:
    """Return the hyperlink targets by id, and every other target outside the file (never opened)."""
    links: dict[str, str] = {}
    outside: list[str] = []
    if root is None:
        return links, outside
    for rel in root.iter(f"{_PKG}Relationship"):
        if rel.get("TargetMode") != "External":
            continue
        if rel.get("Type") == _HYPERLINK:
            links[rel.get("Id", "")] = rel.get("Target", "")
        else:
            outside.append(rel.get("Target", ""))
    return links, outside


def _style_names(root) -> dict[str, str]:
    """Return each paragraph style's name by its id (LibreOffice may renumber ids; names stay)."""
    if root is None:
        return {}
    names = {}
    for style in root.iter(f"{W}style"):
        name = style.find(f"{W}name")
        if name is not None and style.get(f"{W}styleId"):
            names[style.get(f"{W}styleId")] = name.get(f"{W}val", "")
    return names


def _comments(root) -> dict[str, Comment]:
    """Return the file's comments by id, with their own text."""
    found: dict[str, Comment] = {}
    if root is None:
        return found
    for element in root.iter(f"{W}comment"):
        n = element.get(f"{W}id", "")
        text = "\n".join(_plain(p) for p in element.iter(f"{W}p")).strip()
        found[n] = Comment(n, element.get(f"{W}author", "someone"), text)
    return found
