"""The PDF writer's per-process shortcuts (pdfformat, pdfsubsets, pdfaccel) give exactly ReportLab's bytes."""

import copy
from pathlib import Path

import pytest
from reportlab.lib import colors, rl_accel
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfdoc, pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Frame
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus.paraparser import ParaParser
from sheets import document

from pipeline.base import fonts
from pipeline.writers import pdf, pdfaccel, pdfflow, pdfformat, pdfsubsets, pdftags

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "sources").glob("*.yaml"))
SHORTCUTS = (pdfformat, pdfsubsets, pdfaccel)


@pytest.fixture
def plain_reportlab():
    """Run with ReportLab's own formatting and subsetting; put the shortcuts back afterwards."""
    for module in SHORTCUTS:
        module.uninstall()
    try:
        yield
    finally:
        for module in SHORTCUTS:
            module.install()


def _face(bold=False):
    """Return the registered TrueType face of the body font."""
    fonts.register_pdf_fonts()
    return pdfmetrics.getFont(fonts.face_name(bold, False)).face


def test_samples_byte_identical_with_and_without_shortcuts(plain_reportlab):
    """Every sample, rendered in turn twice with the shortcuts (the second time from the kept subsets),
    is the bytes ReportLab alone writes: one sheet's kept subsets never end up in another's file."""
    trees = [document(file) for file in SAMPLES]
    assert trees, "no sample records in sources/"
    plain = [pdf.render(tree) for tree in trees]
    for module in SHORTCUTS:
        module.install()
    for _ in range(2):
        assert [pdf.render(tree) for tree in trees] == plain


def test_subset_kept_per_face_and_exact_characters(plain_reportlab):
    """Other characters, the same in another order, or another face each get their own program."""
    face, bold = _face(), _face(bold=True)
    asks = [(face, [32, 65, 66]), (face, [32, 66, 65]), (face, [32, 65, 67]), (bold, [32, 65, 66])]
    expected = [pdfsubsets._original_make(f, codes) for f, codes in asks]
    assert len(set(expected)) == len(expected)  # the cases really differ
    pdfsubsets.install()
    for _ in range(2):  # made, then served from the cache
        assert [f.makeSubset(codes) for f, codes in asks] == expected


def test_kept_program_compresses_as_reportlab(plain_reportlab):
    """A kept program's compressed form is zlib's default, as ReportLab's filter gives."""
    pdfsubsets.install()
    program = _face().makeSubset([32, 70, 71])
    assert type(program) is pdfsubsets.FontProgram
    assert pdfdoc.PDFZCompress.encode(program) == pdfsubsets._original_encode(pdfdoc.PDFZCompress, bytes(program))
    assert pdfdoc.PDFZCompress.encode(b"page text") == pdfsubsets._original_encode(pdfdoc.PDFZCompress, b"page text")


def test_subsets_kept_are_bounded(plain_reportlab):
    """A long-lived process keeps at most KEPT_PER_FACE subsets of a face, the latest used."""
    pdfsubsets.install()
    face = _face()
    face.__dict__.pop("_factsheets_subsets", None)
    for n in range(pdfsubsets.KEPT_PER_FACE + 5):
        face.makeSubset([32, 65 + n])
    kept = face.__dict__["_factsheets_subsets"]
    assert len(kept) == pdfsubsets.KEPT_PER_FACE
    assert (32, 65 + pdfsubsets.KEPT_PER_FACE + 4) in kept and (32, 65) not in kept


@pytest.mark.parametrize("value", ["Type", "/Catalog", "A B#(x)", "é", 0, 7, -3, 0.5, 1e-7, 612.0, True, False,
                                   b"raw", None])
def test_format_as_reportlab(value):
    """A string, number, bool, bytes or None is formatted as pdfdoc's own function formats it."""
    assert pdfformat.format(value, None) == pdfformat._original_format(value, None)


@pytest.mark.parametrize("key", ["Type", "A B", "Odd#Key(1)", "StructTreeRoot"])
def test_dictionary_as_reportlab(key):
    """A dictionary's key names, escaped or not, are written as ReportLab writes them, also the second time."""
    doc = pdfdoc.PDFDocument(invariant=1)
    for entries in ({key: 1, "Z": "/Name"}, {f"k{i}": i for i in range(14)}):
        for multiline in (True, False):
            d = pdfdoc.PDFDictionary(entries)
            d.multiline = multiline
            assert pdfformat.dictionary_format(d, doc) == pdfformat._original_dictionary_format(d, doc)
            assert pdfformat.dictionary_format(d, doc) == pdfformat._original_dictionary_format(d, doc)


def _frags(markup: str) -> list:
    """Return the fragments ReportLab's parser makes of paragraph markup in the body font."""
    fonts.register_pdf_fonts()
    style = ParagraphStyle("t", fontName=fonts.face_name(False, False), fontSize=10)
    return RLParagraph(markup, style).frags


def test_same_frag_answers_as_rl_accel():
    """Every pair of fragments (bold, italic, coloured, linked, underlined, raised, a line break, the
    same object twice) gets rl_accel's answer, yes and no both occurring."""
    frags = _frags('a <b>b</b> <i>c</i> <font color="#ff0000">d</font> <a href="https://x.org">e</a> '
                   '<u>f</u> <super>g</super> h<br/>i <font size="12">j</font> k')
    frags += [frag.clone() for frag in frags[:3]]
    answers = {(i, j): bool(rl_accel.sameFrag(f, g)) for i, f in enumerate(frags) for j, g in enumerate(frags)}
    assert set(answers.values()) == {True, False}
    assert {key: pdfaccel.same_frag(frags[key[0]], frags[key[1]]) for key in answers} == answers


def test_same_frag_reads_a_missing_style_as_rl_accel():
    """A style attribute on one fragment only is a difference; on neither, none; a fragment whose class
    has a style attribute of its own is left to rl_accel (which then answers oddly: the same)."""
    f, g = _frags("a")[0], _frags("b")[0]
    g.backColor = f.textColor
    assert pdfaccel.same_frag(f, g) is False and bool(rl_accel.sameFrag(f, g)) is False
    del g.backColor
    assert pdfaccel.same_frag(f, g) is True and bool(rl_accel.sameFrag(f, g)) is True

    class Odd(type(f)):
        nobr = 1

    odd = Odd(**f.__dict__)
    assert pdfaccel.same_frag(f, odd) == bool(rl_accel.sameFrag(f, odd))


def test_ascent_descent_as_pdfmetrics_and_new_for_a_font_registered_again():
    """A font's extent at any size is pdfmetrics' own; a name registered again gives the new font's."""
    fonts.register_pdf_fonts()
    for name in {fonts.face_name(b, i) for b in (False, True) for i in (False, True)} | {"Helvetica"}:
        for size in (None, 0, 7.5, 10, 12):
            assert pdfaccel.ascent_descent(name, size) == pdfaccel._original_extent(name, size)
    regular = pdfmetrics.getFont(fonts.face_name(False, False))
    name = "factsheets-test-alias"
    pdfmetrics.registerFont(TTFont(name, regular.face.filename))
    try:
        first = pdfaccel.ascent_descent(name, 10)
        pdfmetrics._fonts[name] = pdfmetrics.getFont("Helvetica")  # the name now means another font
        assert pdfaccel.ascent_descent(name, 10) == pdfaccel._original_extent("Helvetica", 10) != first
    finally:
        pdfmetrics._fonts.pop(name, None)


def _sample_markups(monkeypatch) -> list[tuple[str, ParagraphStyle]]:
    """Return the markup and style of every paragraph the samples' PDFs are made of."""
    seen = []
    original = pdfflow.TaggedParagraph.__init__

    def noting(self, text, style, *args, **kwargs):
        seen.append((text, style))
        original(self, text, style, *args, **kwargs)

    monkeypatch.setattr(pdfflow.TaggedParagraph, "__init__", noting)
    for file in SAMPLES:
        pdf.render(document(file))
    monkeypatch.undo()
    return seen


def _parsed(paragraph) -> tuple:
    """Return what a paragraph's layout starts from: its text, style and fragments' attributes."""
    frags = paragraph.frags
    shared = [[next(i for i, other in enumerate(frags) if getattr(other, name) is getattr(frag, name)) for frag in frags]
              for name in ("link", "us_lines")]  # which fragments share a list, as the parser's do
    return paragraph.text, paragraph.style, paragraph.bulletText, [dict(vars(frag)) for frag in frags], shared


ODD_TEXTS = ["", "   ", "word", "  two   words \n on\tlines  \n\n", "a\u00a0b", "tab\tand\rreturn", "ວຽງຈັນ",
             "1 &amp; 2", "<b>bold</b>", "x &lt; y", "“quoted” — dash", "x" * 300, "(U) <b>Sources:</b> U.S.",
             "<b>a</b> <i>b <b>c</b></i>  d ", "<b></b>x<i></i>", "<i>  </i>", "<b>1 &amp; 2</b>",
             '<a href="https://x.org">link</a> text', "<b>x <u>y</u></b>", "<br/>a<br/>"]


def test_plain_paragraphs_get_the_parsers_fragments(monkeypatch):
    """Every sample paragraph, and odd texts in every sample style (spaces, tabs, lines, no-break space,
    entities, tags, nothing), start from what ReportLab's parser makes of them; most samples' paragraphs
    take the plain path (they would not on the parser alone)."""
    markups = _sample_markups(monkeypatch)
    styles = {id(style): style for _, style in markups}.values()
    cases = markups + [(text, style) for style in styles for text in ODD_TEXTS]
    plain = sum(pdfaccel.plain_frags(" ".join(text.split()), style) is not None for text, style in markups)
    assert plain > len(markups) / 2
    for text, style in cases:
        ours = pdfflow.TaggedParagraph(text, style, bulletText="•")
        assert _parsed(ours) == _parsed(RLParagraph(text, style, bulletText="•")), text


def test_plain_paragraphs_share_no_mutable_part():
    """Two plain paragraphs of one style have their own fragment and link and line lists: a link
    noted on one never shows on the other."""
    fonts.register_pdf_fonts()
    style = ParagraphStyle("t", fontName=fonts.face_name(False, False), fontSize=10)
    one, two = pdfflow.TaggedParagraph("one", style), pdfflow.TaggedParagraph("two", style)
    (a,), (b,) = one.frags, two.frags
    assert a is not b and a.link is not b.link and a.us_lines is not b.us_lines
    a.link.append("x")
    assert pdfflow.TaggedParagraph("three", style).frags[0].link == []


def test_plain_paragraph_follows_its_styles_colour():
    """Styles alike but for their colour object (a style's colour set anew) each get their own colour."""
    fonts.register_pdf_fonts()
    first = ParagraphStyle("t", fontName=fonts.face_name(False, False), fontSize=10, textColor=colors.red)
    again = ParagraphStyle("u", parent=first, textColor=colors.Color(1, 0, 0))
    for style in (first, again, first):
        assert pdfflow.TaggedParagraph("text", style).frags[0].textColor is style.textColor


def test_body_frame_deep_copy_as_deepcopy():
    """A copy of the page frame is what copy.deepcopy makes of a plain Frame: the same attributes,
    its lists its own."""
    frame = pdfflow.BodyFrame(72, 72, 468, 648, id="body")
    frame._frameBGs, frame._atTop, frame._y = [["background", [1, 2]]], 0, 689.25
    plain = copy.deepcopy(Frame(72, 72, 468, 648, id="body"))
    plain.__dict__.update(copy.deepcopy({"_frameBGs": frame._frameBGs, "_atTop": 0, "_y": 689.25}))
    twin = copy.deepcopy(frame)
    assert type(twin) is pdfflow.BodyFrame and vars(twin) == vars(plain)
    assert twin._frameBGs is not frame._frameBGs and twin._frameBGs[0][1] is not frame._frameBGs[0][1]


def test_string_width_as_pdfmetrics_also_when_kept_and_for_a_font_registered_again():
    """A word's width in each face and size is pdfmetrics' own, the first time and when kept; a
    name registered again measures with the new font; the kept widths are bounded."""
    fonts.register_pdf_fonts()
    faces = [fonts.face_name(b, i) for b in (False, True) for i in (False, True)]
    words = ["", " ", "word", "Vientiane", "ວຽງຈັນ", "a\u00a0b", "–", "x" * 50]
    for _ in range(2):
        for face in faces:
            for size in (7.5, 10, 12):
                for word in words:
                    assert pdfaccel.string_width(word, face, size) == pdfmetrics.stringWidth(word, face, size)
    name = "factsheets-test-width"
    pdfmetrics._fonts[name] = pdfmetrics.getFont(faces[0])
    try:
        regular = pdfaccel.string_width("Wide words", name, 10)
        pdfmetrics._fonts[name] = pdfmetrics.getFont(faces[1])  # the name now means the bold face
        assert pdfaccel.string_width("Wide words", name, 10) == pdfmetrics.stringWidth("Wide words", faces[1], 10) != regular
    finally:
        pdfmetrics._fonts.pop(name, None)
    for n in range(pdfaccel._WIDTHS_KEPT + 10):
        pdfaccel.string_width(f"w{n}", faces[0], 10)
    assert len(pdfaccel._widths) <= pdfaccel._WIDTHS_KEPT


@pytest.mark.parametrize("markup", ["<b>unclosed", "closed</i> too soon", "<b>x</i>"])
def test_bad_markup_fails_as_the_parser_fails(markup):
    """Markup the parser refuses is refused with the parser's own message, not a shape's."""
    fonts.register_pdf_fonts()
    style = ParagraphStyle("t", fontName=fonts.face_name(False, False), fontSize=10)
    with pytest.raises(Exception) as theirs:
        RLParagraph(markup, style)
    with pytest.raises(type(theirs.value)) as ours:
        pdfflow.TaggedParagraph(markup, style)
    assert str(ours.value) == str(theirs.value)


def test_paragraph_shapes_parsed_once_per_style(monkeypatch):
    """Paragraphs of one shape and style, alternating between two styles alike but for their colour
    object, run the parser once per style: the plain path is taken, not parsed again each time."""
    fonts.register_pdf_fonts()
    first = ParagraphStyle("t", fontName=fonts.face_name(False, False), fontSize=10, textColor=colors.Color(0, 0, 1))
    again = ParagraphStyle("u", parent=first, textColor=colors.Color(0, 0, 1))
    parsed = []
    original = ParaParser.parse
    monkeypatch.setattr(ParaParser, "parse", lambda self, text, style: parsed.append(text) or original(self, text, style))
    for n in range(4):
        for style in (first, again):
            pdfflow.TaggedParagraph(f"<b>Shape {n}:</b> the same", style)
    assert parsed == ["<b>x</b>x"] * 2


@pytest.mark.parametrize("values", [["/StructElem", "x" * 100, "\u00e9t\u00e9"], [123456, 10**18, -7], [1, 1.0, 1.5],
                                    [0.0, -0.0, 0], [777.83203125, 1e-7, -2.5, 1e12]])
def test_format_kept_as_reportlab(values):
    """Short strings and numbers (equal ones of either kind, a zero of either sign), formatted again from
    what was kept, are pdfdoc's own bytes."""
    for _ in range(2):
        for value in values:
            assert pdfformat.format(value, None) == pdfformat._original_format(value, None), value


def test_format_refuses_what_reportlab_refuses():
    """A number ReportLab cannot write (infinite) fails as it does, and is not kept."""
    for function in (pdfformat.format, pdfformat._original_format):
        with pytest.raises(ValueError):
            function(float("inf"), None)
    assert float("inf") not in pdfformat._floats


def test_objects_formatted_as_reportlab():
    """References, arrays, dictionaries and strings, also one marked to be written only at the top level
    or with a comment before it, are formatted as pdfdoc.format formats them."""
    def objects():
        doc = pdfdoc.PDFDocument(invariant=1)
        doc.Reference(pdfdoc.PDFDictionary({"Type": pdfdoc.PDFName("Thing")}), "Thing")
        marked = pdfdoc.PDFDictionary({"Marked": 1})
        marked.__RefOnly__ = 1  # written in place as a reference to a new object
        commented = pdfdoc.PDFArray([1, 2])
        commented.__Comment__ = "a comment"
        return doc, [pdfdoc.PDFObjectReference("Thing"), pdfdoc.PDFString("(a) \\ b é"), marked, commented,
                     pdfdoc.PDFArray([1, 2.5, "/N", pdfdoc.PDFObjectReference("Thing")]),
                     pdfdoc.PDFDictionary({"K": pdfdoc.PDFArray(list(range(25)))})]

    for toplevel in (0, 1):
        (ours, mine), (theirs, original) = objects(), objects()
        assert ([pdfformat.format(element, ours, toplevel) for element in mine]
                == [pdfformat._original_format(element, theirs, toplevel) for element in original])
        assert len(ours.idToObjectNumberAndVersion) == len(theirs.idToObjectNumberAndVersion)


def test_reference_formatted_as_reportlab_and_unknown_refused():
    """A reference is written as ReportLab writes it, also from what was kept and where its numbers are
    not whole; one to an object the document does not have fails as in ReportLab."""
    doc = pdfdoc.PDFDocument(invariant=1)
    doc.Reference(pdfdoc.PDFDictionary({}), "Known")
    doc.idToObjectNumberAndVersion["Odd"] = (float(doc.idToObjectNumberAndVersion["Known"][0]), 0)
    for name in ("Known", "Known", "Odd"):
        reference = pdfdoc.PDFObjectReference(name)
        assert pdfformat.format(reference, doc) == pdfformat._original_format(reference, doc)
    for function in (pdfformat.format, pdfformat._original_format):
        with pytest.raises(KeyError, match="forward reference"):
            function(pdfdoc.PDFObjectReference("Unknown"), doc)


@pytest.mark.parametrize("name", ["StructElem", "H1", "A B", "Odd#(x)", "é"])
def test_structure_names_as_reportlab(name):
    """A name the structure tree writes, made once and then kept, is ReportLab's own, escapes and all."""
    for _ in range(2):
        assert pdftags.PDFName(name) == pdfdoc.PDFName(name)


def test_unicode_map_kept_as_reportlab_makes_and_compresses_it(plain_reportlab):
    """A subset's ToUnicode map, made then served from the cache, is ReportLab's text, and its kept
    compressed form is what ReportLab's filter makes of it; other characters or another font name
    get their own map; the maps kept are bounded."""
    asks = [("AAAAAA+Face", [0, 65, 66]), ("AAAAAA+Face", [0, 66, 65]), ("AAAAAB+Face", [0, 65, 66])]
    expected = [pdfsubsets._original_map(name, codes) for name, codes in asks]
    assert len(set(expected)) == len(expected)
    pdfsubsets.install()
    for _ in range(2):
        got = [ttfonts.makeToUnicodeCMap(name, codes) for name, codes in asks]
        assert got == expected and all(type(text) is pdfsubsets.CMapText for text in got)
        assert [pdfdoc.PDFZCompress.encode(text) for text in got] == [
            pdfsubsets._original_encode(pdfdoc.PDFZCompress, text) for text in expected]
    for n in range(pdfsubsets.KEPT_MAPS + 5):
        ttfonts.makeToUnicodeCMap("AAAAAA+Face", [0, 70 + n])
    assert len(pdfsubsets._maps) == pdfsubsets.KEPT_MAPS
    assert ("AAAAAA+Face", (0, 70 + pdfsubsets.KEPT_MAPS + 4)) in pdfsubsets._maps
