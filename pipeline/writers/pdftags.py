"""Tagged PDF for the PDF writer: structure elements, marked content and the structure tree.

ReportLab has no tagging API. The PDF writer gives every flowable the structure element it
draws (`Elem`); `TaggingCanvas` wraps each text object drawn for an element in a marked-content
sequence with a page-unique MCID (splitting it where a link starts and ends), marks every other
painting operator and all page furniture as an artifact, and, when the document is saved, writes
the structure tree, the parent tree, /MarkInfo and PDF/UA XMP metadata with ReportLab's own PDF
objects. Everything is numbered in drawing order, so the same tree gives the same bytes. Lao,
Khmer and Thai text is a marked-content sequence of its own, tagged /Span with the element's MCID,
its script's /Lang and, for a shaped word, the word's /ActualText (see pdfshaping.py).
"""

from __future__ import annotations

import functools
import re

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFObjectReference, PDFStream, PDFString
from reportlab.pdfbase.ttfonts import ShapedStr
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from pipeline.base import fonts
from pipeline.base.xmltext import escape
from pipeline.writers import pdfshaping

# Operators that put marks on the page; anything else (q, Q, cm, colours, widths) paints nothing.
_PAINTS = re.compile(r"(?:^|\s)(?:S|s|f\*?|F|B\*?|b\*?|Tj|TJ|'|\"|Do|sh|BI)(?:\s|$)")
_FURNITURE = "/Artifact <</Type /Pagination /Subtype /{kind}>> BDC"
# A PDF name from a string, as ReportLab makes it, made once per name: the structure tree writes a
# few kinds of name (element types, MCR) hundreds of times a sheet, and pdfdoc escapes character by character.
PDFName = functools.lru_cache(maxsize=256)(pdfdoc.PDFName)


class Elem:
    """One structure element: its type, attributes and kids (elements, marked content, annotations)."""

    def __init__(self, tag: str, parent: Elem | None = None, alt: str | None = None,
                 attributes: dict | None = None):
        """Create an element and add it to `parent`'s kids, in reading order."""
        self.tag, self.parent, self.alt, self.attributes = tag, parent, alt, attributes or {}
        self.kids: list = []  # Elem, ("mcid", page number, mcid) or ("annot", annotation name, page number)
        if parent is not None:
            parent.kids.append(self)

    def child(self, tag: str, **kwargs) -> Elem:
        """Return a new child element."""
        return Elem(tag, self, **kwargs)


class _Switch(str):
    """A place inside a text object where the content moves to another element (a link's edges)."""

    def __new__(cls, elem: Elem):
        """Mark a switch to `elem`."""
        switch = super().__new__(cls, "")
        switch.elem = elem
        return switch


class _Tagged(str):
    """Page code that is already inside a tagged sequence or an artifact."""


class _Shaped(str):
    """Operators of complex-script text: as a string, each shaped word in a /Span with its /ActualText;
    `parts` lists (actual text or None, language or None, operators), for words drawn as an
    element's content (a part with a language is marked content of its own)."""

    parts: list[tuple[str | None, str | None, str]]


class _TaggedText(pdfshaping.ShapedText):
    """A text object that notes where links start and end (ReportLab's paragraph calls _linkRecord)."""

    def _textOut(self, text, TStar=0):
        """Write text; a line that ended at a space keeps it, so words stay apart when read aloud."""
        # ReportLab moves to the next line without the space it broke at: text read from the
        # structure tree would join the last word of a line to the first of the next. A line
        # broken after a hyphen ("amphetamine-|type") has no space to keep.
        if TStar and text and not text.endswith((" ", "-", "\u00ad")):
            text += " "
        language = fonts.family_of_face(self._fontname).language  # Lao, Khmer, Thai: their own
        if not isinstance(text, ShapedStr) and language is None:
            return super()._textOut(text, TStar)
        pieces = pdfshaping.split_shaped(text) if isinstance(text, ShapedStr) else [(None, text)]
        # One entry, as ReportLab's own: _linkRecord inserts a link's start before the last one.
        parts = [(actual, language, PDFTextObject._formatText(self, piece)) for actual, piece in pieces]
        parts += [(None, None, "T*")] if TStar else []
        entry = _Shaped(" ".join(ops if actual is None else pdfshaping.span(actual, ops) for actual, _, ops in parts))
        entry.parts = parts
        self._code.append(entry)

    def _linkRecord(self, link, event: str) -> None:
        """Move the content to the link's element at its first character, and back after it."""
        canvas = self._canvas
        if event == "start":
            elem = canvas.link_elem(link)
            # ReportLab reports a start after it wrote the link's first piece of text.
            self._code.insert(len(self._code) - 1, _Switch(elem))
        else:
            self._code.append(_Switch(canvas.context))


class TaggingCanvas(Canvas):
    """A canvas that tags what it draws: the current element's text, or an artifact."""

    def __init__(self, *args, **kwargs):
        """Start with no element and no annotations."""
        self.context: Elem | None = None  # the element whose content is being drawn, or None
        self._first: Elem | None = None  # takes the next text object instead of context (a bullet)
        self._annotation_keys: list[Elem] = []  # ParentTree key (index) → Link element
        self._links: dict = {}  # within one paragraph: ReportLab's link → its Link element
        self.link_texts: list[str] = []  # the paragraph's link texts, in order, for new Link elements
        self._pending: list[Elem] = []  # Link elements waiting for their annotations, in order
        self.page_keys: list[list[Elem]] = []  # per page shown: MCID → element
        self.shown_pages: list = []
        super().__init__(*args, **kwargs)

    def _restartAccumulators(self):
        """Start a page: no marked content yet."""
        super()._restartAccumulators()
        self._marks: list[Elem] = []  # MCID → element, for this page

    def beginText(self, x=0, y=0, direction=None):
        """Return a text object that reports link edges."""
        return _TaggedText(self, x, y, direction=direction)

    def drawText(self, aTextObject):
        """Draw a text object in marked content of the current element (or as an artifact)."""
        code = [*aTextObject._code, "ET"]
        if self.context is None:
            self._code.append(" ".join(p for p in code if not isinstance(p, _Switch)))
            return
        elem, self._first = self._first or self.context, None
        out = [code[0]]
        out.append(self._begin(elem))
        for part in code[1:-1]:
            if isinstance(part, _Switch):
                if part.elem is not elem:
                    elem = part.elem
                    siblings = elem.parent.kids if elem.parent is not None else []
                    if not any(kid is elem for kid in siblings):
                        siblings.append(elem)  # a link, in reading order among its paragraph's text
                    out.extend(("EMC", self._begin(elem)))
            elif isinstance(part, _Shaped):
                # A shaped word, or a piece of text in another language, is its own marked content of
                # the element, carrying its /ActualText and /Lang (a span nested in the element's
                # content would end it for poppler's reader).
                for actual, language, ops in part.parts:
                    if actual is None and language is None:
                        out.append(ops)
                    else:
                        out.extend(("EMC", self._begin(elem, actual, language), ops, "EMC", self._begin(elem)))
            else:
                out.append(part)
        out.extend(("EMC", "ET"))
        self._code.append(_Tagged(" ".join(out)))

    def _begin(self, elem: Elem, actual: str | None = None, language: str | None = None) -> str:
        """Return the operator that opens a marked-content sequence for `elem` (with the /ActualText
        of shaped text and the /Lang of text in another language), noting its MCID."""
        mcid = len(self._marks)
        self._marks.append(elem)
        elem.kids.append(("mcid", self._pageNumber, mcid))  # ReportLab names pages Page1, Page2, …
        if actual is None and language is None:
            return f"/{elem.tag} <</MCID {mcid}>> BDC"
        # Tagged /Span, whatever the element: the element's type is in the structure tree, and
        # poppler reads an /ActualText only from a /Span. /Lang in the properties of marked
        # content is the language of that content alone (ISO 32000-1 14.9.2.2).
        lang = f" /Lang ({language})" if language else ""  # a BCP 47 tag: letters, digits, hyphens
        text = f" /ActualText {pdfshaping.pdf_text(actual)}" if actual is not None else ""
        return f"/Span <</MCID {mcid}{lang}{text}>> BDC"

    def enter(self, elem: Elem | None, link_texts: tuple[str, ...] = (), first: Elem | None = None):
        """Make `elem` the element being drawn (`first` takes the first text object, a bullet's
        label); return the previous state, for leave()."""
        state = (self.context, self._links, self.link_texts, self._first)
        self.context, self._links, self.link_texts = elem, {}, list(link_texts)
        self._first = None if elem is None else first
        return state

    def leave(self, state) -> None:
        """Restore the element that was being drawn before enter()."""
        self.context, self._links, self.link_texts, self._first = state

    def link_elem(self, link) -> Elem:
        """Return the Link element for one of ReportLab's links in the current paragraph."""
        key = repr(link)
        if key not in self._links:
            # ReportLab numbers a paragraph's links in text order; split parts keep the numbers.
            index = link[0] if isinstance(link, tuple) and isinstance(link[0], int) else -1
            text = self.link_texts[index] if 0 <= index < len(self.link_texts) else ""
            link_elem = Elem("Link", alt=text)  # joins the paragraph where its text starts
            link_elem.parent = self.context
            self._links[key] = link_elem
        elem = self._links[key]
        self._pending.append(elem)  # one annotation per line the link is on
        return elem

    def _addAnnotation(self, annotation, name=None, addtopage=1):
        """Tie a link annotation to its Link element through the parent tree."""
        if self._pending and isinstance(annotation, PDFDictionary):
            elem = self._pending.pop(0)
            annotation["StructParent"] = len(self._annotation_keys)
            annotation["Contents"] = PDFString(elem.alt or "link")
            self._annotation_keys.append(elem)
            count = self._annotationCount + 1
            super()._addAnnotation(annotation, name, addtopage)
            elem.kids.append(("annot", self._doc.annotationName(name or f"NUMBER{count}"), self._pageNumber))
            return
        super()._addAnnotation(annotation, name, addtopage)

    def artifact(self, kind: str, draw, behind: bool = False) -> None:
        """Run `draw()` and mark everything it painted as one pagination artifact (header, footer…);
        `behind` puts it under the page's content (a watermark, as Word draws one)."""
        start = len(self._code)
        state = self.enter(None)
        draw()
        self.leave(state)
        body = [str(part) for part in self._code[start:]]
        del self._code[start:]
        if body:
            self._code.insert(0 if behind else len(self._code),
                              _Tagged(" ".join((_FURNITURE.format(kind=kind), *body, "EMC"))))

    def figure(self, elem: Elem | None, draw, box: tuple[float, float, float, float]) -> None:
        """Run `draw()` as the marked content of a Figure element (`box`: its x0, y0, x1, y1 on the
        page, for its /BBox); with no element, as an artifact of the furniture."""
        if elem is None:
            draw()
            return
        start = len(self._code)
        state = self.enter(None)  # the drawing's own text is the figure's content, not a paragraph's
        draw()
        self.leave(state)
        body = [str(part) for part in self._code[start:]]
        del self._code[start:]
        elem.attributes = {**elem.attributes, "O": PDFName("Layout"), "Placement": PDFName("Block"),
                           "BBox": PDFArray([round(v, 2) for v in box])}
        self._code.append(_Tagged(" ".join((self._begin(elem), *body, "EMC"))))

    def _setAnnotations(self, page):
        """Finish a page: artifacts around untagged painting, its parent-tree entry, tab order by structure."""
        super()._setAnnotations(page)
        self._code[:] = [part if isinstance(part, _Tagged) or not _PAINTS.search(str(part))
                         else f"/Artifact BMC {part} EMC" for part in self._code]
        page.setStream(self._psCommandsBeforePage + [self._preamble] + self._code + self._psCommandsAfterPage)
        self.page_keys.append(list(self._marks))
        page.StructParents = None  # set in finish(), when the number of annotation keys is known
        page.Tabs = PDFName("S")
        page.__NoDefault__ = [*page.__NoDefault__, "StructParents", "Tabs"]
        self.shown_pages.append(page)


def finish(canvas: TaggingCanvas, root: Elem, title: str, language: str) -> None:
    """Write the structure tree, parent tree, /MarkInfo and XMP metadata into the canvas's document."""
    doc = canvas._doc
    refs: dict[int, PDFObjectReference] = {}
    order = list(_walk(root))
    for index, elem in enumerate(order):  # name every element first: parents and kids point both ways
        refs[id(elem)] = PDFObjectReference(f"StructElem{index}")
    tree_ref = PDFObjectReference("StructTreeRoot")
    for index, elem in enumerate(order):
        doc.Reference(_elem_dict(elem, refs, tree_ref), f"StructElem{index}")
    offset = len(canvas._annotation_keys)
    nums = [item for key, elem in enumerate(canvas._annotation_keys) for item in (key, refs[id(elem)])]
    for number, (page, marks) in enumerate(zip(canvas.shown_pages, canvas.page_keys, strict=True)):
        page.StructParents = offset + number
        nums.extend((offset + number, PDFArray([refs[id(elem)] for elem in marks])))
    parent_tree = doc.Reference(PDFDictionary({"Nums": PDFArray(nums)}), "ParentTree")
    tree_root = PDFDictionary({"Type": PDFName("StructTreeRoot"), "K": refs[id(root)],
                               "ParentTree": parent_tree,
                               "ParentTreeNextKey": offset + len(canvas.shown_pages)})
    catalog = doc.Catalog
    catalog.StructTreeRoot = doc.Reference(tree_root, "StructTreeRoot")
    catalog.MarkInfo = PDFDictionary({"Marked": "true"})
    catalog.Metadata = doc.Reference(_xmp(title, language), "XMPMetadata")


def _walk(elem: Elem):
    """Yield an element and its descendants, in reading order."""
    yield elem
    for kid in elem.kids:
        if isinstance(kid, Elem):
            yield from _walk(kid)


def _elem_dict(elem: Elem, refs, tree_ref) -> PDFDictionary:
    """Return the StructElem dictionary of one element."""
    kids = []
    for kid in elem.kids:
        if isinstance(kid, Elem):
            kids.append(refs[id(kid)])
        elif kid[0] == "mcid":
            kids.append(PDFDictionary({"Type": PDFName("MCR"), "Pg": PDFObjectReference(f"Page{kid[1]}"),
                                       "MCID": kid[2]}))
        elif kid[0] == "annot":
            kids.append(PDFDictionary({"Type": PDFName("OBJR"), "Pg": PDFObjectReference(f"Page{kid[2]}"),
                                       "Obj": PDFObjectReference(kid[1])}))
    # A single kid stands alone, as most writers (LibreOffice, Acrobat) write it.
    entries = {"Type": PDFName("StructElem"), "S": PDFName(elem.tag),
               "K": kids[0] if len(kids) == 1 else PDFArray(kids)}
    entries["P"] = refs[id(elem.parent)] if elem.parent is not None else tree_ref  # the root's parent: the tree
    if elem.alt:
        entries["Alt"] = PDFString(elem.alt)
    if elem.attributes:
        entries["A"] = PDFDictionary(dict(elem.attributes))
    return PDFDictionary(entries)


def _xmp(title: str, language: str) -> PDFStream:
    """Return the XMP metadata stream: the title and the PDF/UA-1 claim (no dates: same bytes)."""
    packet = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>'
        f'<dc:language><rdf:Bag><rdf:li>{escape(language)}</rdf:li></rdf:Bag></dc:language>'
        '<pdfuaid:part>1</pdfuaid:part></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="r"?>')
    # No filters: XMP stays readable to tools that scan for it (ReportLab's default is none).
    return PDFStream(PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}),
                     packet.encode("utf-8"))
