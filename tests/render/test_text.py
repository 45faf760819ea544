"""Inline marks and literal text, in the parser and through both writers."""

import sys

import marks_reference
import pytest
import readback
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.base.limits import MAX_TEXT_CHARS
from pipeline.document.tree import Run
from pipeline.render.text import MarkError, paragraphs, runs

HAZARDS = ["x<y and y>z", "name=<Acme>", "R&D", "Profit <loss", "<b>not bold</b>", "&nbsp; &amp; &#169;",
           "<![CDATA[kept]]>", '<font size="0">hidden?</font>', '<font color="red">x</font>',
           "<a href='https://evil.example'>no link</a>", "50% & 3 < 4"]


def test_marks_become_runs():
    """Bold, italic and links are the only marks."""
    assert runs("a **b** *c* [d](https://state.gov/x?a=1&b=2)") == (
        Run("a "), Run("b", bold=True), Run(" "), Run("c", italic=True), Run(" "),
        Run("d", href="https://state.gov/x?a=1&b=2"))


@pytest.mark.parametrize("text", ["5 * 3 * 2", "un**closed", "a * b", "**", "[label] (https://x.org)",
                                  *HAZARDS])
def test_everything_else_is_literal(text):
    """Unmatched marks and markup-looking text come back unchanged as one plain run."""
    assert runs(text) == (Run(text),)


@pytest.mark.parametrize("href", ["javascript:alert", "file:///etc/passwd", "data:text/html,x", "ftp.example"])
def test_link_schemes_are_limited(href):
    """Only https, http and mailto links are allowed."""
    with pytest.raises(MarkError, match="is not allowed"):
        runs(f"[x]({href})")


def test_paragraphs_split_on_blank_lines():
    """A blank line separates paragraphs; single line breaks are spaces; U+00A0 is kept."""
    assert paragraphs("a\nb\u00a0\n\n c \n\n\n") == ["a b\u00a0", "c"]


def test_double_spaces_in_prose_print_as_one():
    """Pasted text's double spaces (the seed pages have a no-break space and a space after full stops)
    printed as visible gaps in both formats on the old code; a no-break space alone stays."""
    assert paragraphs("Laos.  The  program runs.\u00a0 Then \u00a0more.   And\n  more, 5\u00a0ha.") == [
        "Laos. The program runs. Then more. And more, 5\u00a0ha."]


def test_markup_hazards_print_literally_in_both_formats(project, run_cli):
    """Every ReportLab/HTML hazard prints exactly as written in the .docx and the .pdf."""
    bullets = "".join(f"      - {yaml_quote(h)}\n" for h in HAZARDS)
    (project / "sources" / "hazards.yaml").write_text(
        "layout: inl-country-program\ntitle: \"R&D <Acme> & <b>Co</b>\"\nissuer: Bureau & <Office>\n"
        "date: 2003-03-11\nsections:\n  - bullets:\n" + bullets, encoding="utf-8")
    out = project / "out"
    result = run_cli("build", "--out", out, project / "sources" / "hazards.yaml", "--templates", project / "templates")
    assert result.code == 0, result.err
    docx_text = readback.docx_paragraphs(out / "hazards.docx")
    pdf_text = readback.normalize(" ".join(readback.pdf_pages(out / "hazards.pdf")))
    for hazard in HAZARDS + ["R&D <Acme> & <b>Co</b>", "Bureau & <Office>"]:
        assert hazard in docx_text
        assert hazard in pdf_text
    import pypdf
    assert pypdf.PdfReader(str(out / "hazards.pdf")).metadata.title == "R&D <Acme> & <b>Co</b>"


def yaml_quote(text: str) -> str:
    """Return text as a YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


TEXT_MODULE = runs.__code__.co_filename  # the parser's file, as its code objects name it
MARK_TEXT = st.lists(st.sampled_from(["*", "*", "*", " ", "x", "y", "[", "]", "(", ")", "https://a", "\n"]),
                     max_size=24).map("".join)


@settings(max_examples=examples(3000), deadline=None)
@given(text=MARK_TEXT)
def test_the_linear_parser_means_what_the_reviewed_one_meant(text):
    """For any text of mark characters, the same runs (or the same refusal) as tests/marks_reference.py."""
    def outcome(parse):
        try:
            return parse(text)
        except MarkError as exc:
            return ("refused", exc.message)
    assert outcome(runs) == outcome(marks_reference.runs)


@pytest.mark.parametrize("unit", ["*a ", "x *x "])
def test_openers_that_never_close_parse_in_linear_time(unit):
    """Twice the openers that never close take about twice the parser's steps, not four times.

    Counted, not timed (a loaded machine slows a clock, not a count): the quadratic parser, which
    searched for a closer from each opener, took 10 to 18 s for a field at the length limit and
    ran about four times the lines for twice the text.
    """
    text = unit * (MAX_TEXT_CHARS // len(unit) // 20)
    once, twice = _steps(text), _steps(text * 2)
    assert once > len(text) // len(unit)  # the count sees the parser's work
    assert twice < 2.5 * once


def _steps(text: str) -> int:
    """Return how many lines of the parser's module run to parse `text` (a count, not a time)."""
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if frame.f_code.co_filename != TEXT_MODULE:
            return None
        count += event == "line"
        return tracer
    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        runs(text)
    finally:
        sys.settrace(previous)
    return count
