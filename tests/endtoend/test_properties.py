"""Properties over generated input (Hypothesis): text survives both writers; no input breaks a run.

1. Printable text survives. Take any text of characters that every bundled face can draw,
   leaving out what the record format gives a meaning or refuses:
   - control, surrogate, private-use and unassigned characters, and line breaks (refused, or
     paragraph structure rather than text);
   - right-to-left letters and direction controls (refused: the PDF cannot order them);
   - '{{', '{%' and '{#' (figure references and refused comments: a language of their own);
   - U+00AD SOFT HYPHEN: both formats show it only where a line breaks, as they should, but
     ReportLab leaves it out of the PDF's text, so it cannot be read back;
   - Hebrew points (U+0591-U+05C7): they print as written, but pypdf reads them back in
     right-to-left order (pdftotext reads them correctly);
   - Lao, Khmer and Thai (what only the Noto Serif faces draw): they print shaped, and pypdf reads
     the glyphs, not the /ActualText that gives their characters back; tests/test_scripts.py reads
     them, generated text too, with pdftotext.
   Put it in any text field. Then the text the pipeline's mark parser (pipeline/text.py) makes of
   it -- the characters inside **bold**, *italic* and [links](https://...) without the mark
   syntax, the ends trimmed of spaces -- appears unchanged in the .docx, and in the PDF. Runs of
   spaces count as one space (ReportLab sets one; Word keeps them all) and, in the PDF only,
   spaces are not compared at all: lines wrap at spaces and inside words too long for a line.
   A title of only spaces (no-break, en, thin...; ASCII ones are trimmed) prints nothing a reader
   could announce: it is refused at the title's line instead (the @example: a rare failure of
   property 3, its refusal then blaming the layout template).
2. Any bytes as a record file give a sheet in both formats, or exit code 1 with only located
   diagnostics; never an exception out of the CLI (a traceback) and never a hang.
3. Text reaching the sheet through a figure reference's string constant, {{ "\u00e9…" }}, is
   held to the same rules: printable text (as in 1, written as escapes that Jinja decodes)
   appears unchanged in both formats; any characters at all (controls, surrogates, right-to-left,
   characters no font has) give a sheet, or exit code 1 with located diagnostics -- never exit
   2 (a "template bug"), an internal error or a traceback.
"""

import contextlib
import io
import os
import signal
import tempfile
import unicodedata
from pathlib import Path

import pytest
import readback
from conftest import ROOT, examples, sheets_in
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from sheets import document, furniture_lines

from pipeline.base import fonts
from pipeline.base.limits import MAX_LINE_CHARS
from pipeline.cli import command as cli
from pipeline.records.charset import REORDERING
from pipeline.records.schema import PLACEHOLDER_RE
from pipeline.render.text import MarkError, paragraphs, runs

HEAD = "layout: inl-country-program\ntitle: Property\nissuer: Bureau of Properties\ndate: 2003-03-11\n"
HANG_SECONDS = 60  # the largest record the limits allow builds in about 3 s
REFUSED_CATEGORIES = {"Cc", "Cs", "Co", "Cn", "Zl", "Zp"}
ALPHABET = sorted(ch for ch in fonts.coverage()
                  if unicodedata.category(ch) not in REFUSED_CATEGORIES
                  and unicodedata.bidirectional(ch) not in REORDERING and ch != "\u00ad"
                  and not "\u0591" <= ch <= "\u05c7" and ch in fonts.family_coverage()[fonts.LATIN.name])
# Where a generated text goes: YAML to put it in a record, with {t} for the text.
FIELDS = {
    "title": HEAD.replace("title: Property", "title: {t}"),
    "subtitle": HEAD + "subtitle: {t}\n",
    "issuer": HEAD.replace("issuer: Bureau of Properties", "issuer: {t}"),
    "doc_type": HEAD + "doc_type: {t}\n",
    "dateline": HEAD + "dateline: {t}\n",
    "lead": HEAD + "lead: {t}\n",
    "highlight": HEAD + "highlight: {t}\n",
    "heading": HEAD + "sections:\n  - heading: {t}\n    text: Body.\n",
    "section text": HEAD + "sections:\n  - text: {t}\n",
    "bullet": HEAD + "sections:\n  - bullets:\n      - {t}\n",
    "item term": HEAD + "sections:\n  - items:\n      - term: {t}\n        text: Item text.\n",
    "item text": HEAD + "sections:\n  - items:\n      - term: Term.\n        text: {t}\n",
    "column": HEAD + "sections:\n  - table:\n      columns: [{t}, Two]\n      rows: [[a, b]]\n",
    "cell": HEAD + "sections:\n  - table:\n      columns: [One, Two]\n      rows: [[{t}, b]]\n",
    "caption": HEAD + "sections:\n  - table:\n      columns: [One]\n      rows: [[a]]\n      caption: {t}\n",
    "note": HEAD + "notes:\n  - {t}\n",
    "chart title": HEAD + "figures:\n  s: {{values: {{2007: 1, 2018: 2}}}}\n"
                          "sections:\n  - chart: {{figure: s, kind: bar, title: {t}}}\n",
}
# A record using every construct, for the byte-level property to mutate.
SEED = (HEAD + "subtitle: A **bold** and *italic* [link](https://www.state.gov/)\n"
        "figures:\n  total: 48000000\n  ha:\n    label: Hectares\n    unit: ha\n"
        "    values: {2007: 1500, 2018: 5700}\n"
        "lead: |\n  From {{ ha[2007] | number }} to {{ ha[2018] | number }} ha; {{ total | money('short') }}.\n\n"
        "  A second paragraph.\n"
        "sections:\n  - heading: \"Challenges:\"\n    style: run-in\n    text: Despite R&D <b> x<y.\n"
        "  - bullets:\n      - One\n      - Two\n"
        "  - items:\n      - term: Rule of Law.\n        text: The Embassy works.\n"
        "  - table:\n      columns: [Year, Funding]\n      rows:\n        - [FY 2005, \"$1,984,000\"]\n"
        "      caption: Funding\n"
        "  - chart: {figure: ha, kind: bar, title: Cultivation}\n"
        "notes:\n  - \"INCLE: International Narcotics Control\"\n").encode("utf-8")


def yaml_string(text: str) -> str:
    """Return text as a YAML double-quoted scalar (no line breaks occur in generated text)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@contextlib.contextmanager
def no_hang(seconds: int):
    """Fail, rather than wait for ever, if the block runs longer than `seconds`."""
    def hang(signum, frame):
        raise AssertionError(f"the run took more than {seconds} s: a hang")
    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def build(folder: Path, record: bytes, name: str = "case.yaml"):
    """Build one record file with the real CLI; return (exit code, stdout, stderr, out folder)."""
    (folder / name).write_bytes(record)
    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), no_hang(HANG_SECONDS):
            code = cli.main(["build", name, "--out", "out", "--templates", str(ROOT / "templates")])
    finally:
        os.chdir(old)
    return code, out.getvalue(), err.getvalue(), folder / "out"


def visible(text: str) -> str:
    """Return what the pipeline prints of one field: its paragraphs' runs, marks removed."""
    return " ".join("".join(run.text for run in runs(p)) for p in paragraphs(text))


@pytest.mark.slow
@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(sorted(FIELDS)),
       text=st.text(alphabet=ALPHABET, min_size=1, max_size=60))
@example(field="title", text="\u00a0")
@example(field="bullet", text="<<>> and <<")
def test_printable_text_appears_unchanged_in_both_formats(field, text):
    """Property 1 (see the module docstring)."""
    assume(not any(syntax in text for syntax in ("{{", "{%", "{#")))
    # A value that is all one '<<…>>' is a placeholder `factsheets new` left, refused by the record
    # format until it is typed over (tests/records); any other '<<' prints as typed.
    assume(not PLACEHOLDER_RE.match(text.strip()))
    try:
        expected = visible(text.strip(" "))
    except MarkError:
        assume(False)  # a link with a refused scheme: a located error, tested elsewhere
    assume(expected.strip(" "))
    assert_printed(FIELDS[field].format(t=yaml_string(text)).encode("utf-8"), expected, field)


def assert_printed(record: bytes, expected: str, field: str) -> None:
    """Build `record`; both formats print `expected` (the PDF without its page furniture). A title of
    only spaces is refused instead, at the title's line, as the record's fault."""
    with tempfile.TemporaryDirectory() as folder:
        code, _, err, out = build(Path(folder), record)
        if field == "title" and not expected.strip():
            assert code == 1 and _located(err.splitlines()[0]), err
            assert "'title' prints nothing but spaces" in err and "layout template" not in err, err
            return
        assert (code, err) == (0, "")
        pages = readback.pdf_pages(out / "case.pdf")
        furniture = furniture_lines(document(Path(folder) / "case.yaml"), len(pages))
        body = "\n".join(line for page in pages for line in page.splitlines() if line.strip() not in furniture)
        assert readback.normalize(expected) in readback.docx_text(out / "case.docx")
        assert readback.squash(expected) in readback.squash(body)


def mutated(data: st.DataObject) -> bytes:
    """Return the seed record with a few random edits: inserted, deleted or replaced bytes, lines moved."""
    record = bytearray(SEED)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(record)))
        kind = data.draw(st.sampled_from(["insert", "delete", "replace", "duplicate line"]))
        if kind == "insert":
            record[at:at] = data.draw(st.binary(min_size=1, max_size=8) | st.sampled_from(
                [b"\t", b": ", b"- ", b"{{", b"}}", b"&a ", b"*a", b"!!python/object ", b"\xff", b"\n  ", b"[", b"'"]))
        elif kind == "delete":
            del record[at:at + data.draw(st.integers(1, 40))]
        elif kind == "replace" and at < len(record):
            record[at] = data.draw(st.integers(0, 255))
        else:
            lines = bytes(record).split(b"\n")
            index = data.draw(st.integers(0, len(lines) - 1))
            lines.insert(data.draw(st.integers(0, len(lines))), lines[index])
            record = bytearray(b"\n".join(lines))
    return bytes(record)


@pytest.mark.slow
@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_bytes_give_a_sheet_or_located_errors(data):
    """Property 2 (see the module docstring): random bytes and mutations of a full record."""
    record = data.draw(st.binary(max_size=400), label="random") if data.draw(st.booleans()) \
        else mutated(data)
    with tempfile.TemporaryDirectory() as folder:
        code, out_text, err, out = build(Path(folder), record)
        if code == 0:  # built; a likely slip (say, `{x}`) may warn
            assert all(line.startswith("  hint: ") or _located(line, "warning") for line in err.splitlines())
            assert sorted(p.name for p in out.iterdir() if p.suffix in (".docx", ".pdf")) == [
                "case.docx", "case.pdf"]
            return
        assert code == 1, err
        # No sheet: only the run's record of the failure (status.json, CHANGES.md, changes.json).
        assert not out.exists() or not [p for p in out.iterdir() if p.suffix in (".docx", ".pdf")]
        assert "Traceback" not in err and err.endswith("\n")
        lines = err.splitlines()
        assert lines and lines[0].startswith("case.yaml:")
        for line in lines:
            assert line.startswith("  hint: ") or _located(line) or _located(line, "warning"), line
        assert any(_located(line) for line in lines)


def _located(line: str, severity: str = "error") -> bool:
    """Return True for a 'case.yaml:<line>:<col>: error: <message>' line (or another severity)."""
    path, _, rest = line.partition(":")
    row, _, rest = rest.partition(":")
    column, _, rest = rest.partition(":")
    return path == "case.yaml" and row.isdigit() and column.isdigit() and rest.startswith(f" {severity}: ") \
        and len(rest) > len(f" {severity}: ")


@pytest.mark.parametrize("character", ["\u00a0", "\u2009", "\u202f", "\u2007", "\u200b"])
def test_spaces_reportlab_would_replace_print_as_written(character, tmp_path):
    """The characters the PDF writer hands ReportLab as stand-ins come back as themselves."""
    text = f"5{character}700 and a{character}{character}b"
    code, _, err, out = build(tmp_path, FIELDS["lead"].format(t=yaml_string(text)).encode("utf-8"))
    assert (code, err) == (0, "")
    assert text in readback.pdf_text(out / "case.pdf")
    assert text in readback.docx_text(out / "case.docx")


def constant(text: str) -> str:
    """Return text as a figure reference printing a string constant, every character an escape."""
    escaped = "".join(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}" for ch in text)
    return "'{{ \"" + escaped + "\" }}'"  # a YAML single-quoted scalar: backslashes stay for Jinja


@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(sorted(FIELDS)),
       text=st.text(alphabet=ALPHABET, min_size=1, max_size=40))
@example(field="title", text="\u00a0")  # was refused with a hint blaming the layout template
def test_printable_text_from_a_constant_appears_unchanged_in_both_formats(field, text):
    """Property 3, printable half (see the module docstring)."""
    try:
        expected = visible(text)
    except MarkError:
        assume(False)  # a link with a refused scheme: a located error, tested elsewhere
    assume(expected.strip(" "))
    # Written as escapes, 40 characters take up to 400: past the 200 a one-line field (title,
    # caption) may hold as written, which is refused by design, not a failure of this property.
    assume(len(constant(text)) - 2 <= MAX_LINE_CHARS)
    assert_printed(FIELDS[field].format(t=constant(text)).encode("utf-8"), expected, field)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(sorted(FIELDS)),
       text=st.text(alphabet=st.characters(codec=None, exclude_categories=()), min_size=1, max_size=12)
       | st.sampled_from(["\x00", "\x1b[2J", "\u202e", "\ud800", "\udfff", "\ue000", "\uffff", "\u05d0",
                          "\u4e2d", "\U0001f600", "\x0b", "\x85", "{#", "}}", "\n\n"]))
def test_any_characters_from_a_constant_give_a_sheet_or_located_errors(field, text):
    """Property 3, hostile half (see the module docstring)."""
    with tempfile.TemporaryDirectory() as folder:
        record = FIELDS[field].format(t=constant(text)).encode("utf-8")
        code, _, err, out = build(Path(folder), record)
        assert "Traceback" not in err and "internal error" not in err and "template bug" not in err, err
        if code == 0:
            assert err == "" and sheets_in(out) == ["case.docx", "case.pdf"]
            return
        assert code == 1, err
        assert not out.exists() or sheets_in(out) == []
        for line in err.splitlines():
            assert line.startswith("  hint: ") or _located(line), line
