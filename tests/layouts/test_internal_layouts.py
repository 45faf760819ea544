"""The bilateral-relations and briefing-paper layouts: fixed headings, banners, portion marks, page numbers."""

import io
import re

import docx
import parity
import pypdf
import pytest
from conftest import RECORDS, ROOT
from sheets import document

from pipeline.base.errors import RecordError
from pipeline.document.tree import dump
from pipeline.layouts.loader import load_layouts
from pipeline.records import marking, schema
from pipeline.records.yamlload import load_file
from pipeline.writers import docx as docx_writer
from pipeline.writers import pdf as pdf_writer

BRIEFINGS = [r for r in RECORDS if r.layout == "briefing-paper"]
BAD = ROOT / "tests" / "bad"


def test_there_is_a_sample_of_each_new_layout():
    assert {"bilateral-relations", "briefing-paper"} <= {r.layout for r in RECORDS}


@pytest.mark.parametrize("banner, level", [
    ("UNCLASSIFIED", "U"), ("SENSITIVE BUT UNCLASSIFIED", "SBU"), ("CONFIDENTIAL//NOFORN", "C"),
    ("secret//rel to usa, lao", "S"), ("TOP  SECRET", "TS"), ("UNCLASSIFIED//FOR OFFICIAL USE ONLY", "U"),
    ("UNCLASS", None), ("NOFORN//SECRET", None)])
def test_the_banner_level_is_its_part_before_the_first_caveat(banner, level):
    assert marking.banner_level(banner) == level


@pytest.mark.parametrize("text, mark", [
    ("(U) Text", "(U)"), ("(SBU//NF) Text", "(SBU//NF)"), ("(S//REL TO USA, LAO) Text", "(S//REL TO USA, LAO)"),
    ("(u) Text", None), ("(U)Text", None), ("(X) Text", None), ("Text (U) ", None)])
def test_a_portion_mark_opens_the_paragraph_then_a_space(text, mark):
    found = marking.MARK.match(text)
    assert (found.group() if found else None) == mark


def _write(tmp_path, text):
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    return path


RELATIONS = """layout: bilateral-relations
title: U.S. Relations With Laos
country: Laos
issuer: Bureau of East Asian and Pacific Affairs
date: 2026-11-22
sections:
{sections}
"""


def test_a_heading_left_out_is_fine_and_apostrophes_either_way_match(tmp_path):
    sections = "\n".join(f"  - heading: {h}\n    text: Text." for h in (
        "U.S.-Laos Relations", "Laos’s Membership in International Organizations",
        "Laos's Representation in the United States"))
    doc = document(_write(tmp_path, RELATIONS.format(sections=sections)))
    headings = [line.strip() for line in dump(doc).splitlines() if line.strip().startswith("h1 ")]
    assert headings == ["h1 'U.S.-Laos Relations'", "h1 'Laos’s Membership in International Organizations'",
                        "h1 \"Laos's Representation in the United States\""]


def test_the_headings_follow_the_country(run_cli, tmp_path):
    sections = "  - heading: U.S.-Cambodia Relations\n    text: Text.\n  - heading: U.S.-Laos Relations\n    text: T."
    path = _write(tmp_path, RELATIONS.format(sections=sections).replace("country: Laos", "country: Cambodia"))
    result = run_cli("check", path)
    assert result.code == 1
    assert "'U.S.-Laos Relations' is not a heading of a bilateral-relations sheet" in result.err
    assert "did you mean 'U.S.-Cambodia Relations'?" in result.err  # {country} filled from the record


def test_bad_cases_cover_the_new_rules():
    """The error goldens of tests/bad/ hold each rule of the new layouts, at a file:line:col."""
    expected = {name: (BAD / f"{name}.expected").read_text(encoding="utf-8") for name in (
        "headings-out-of-order", "portion-marks", "banner-level", "classification-on-public",
        "portion-mark-on-public")}
    assert "13:14: error: 'sections[2].heading' 'U.S. Assistance to Laos' comes after" in expected["headings-out-of-order"]
    assert "'Cultural Exchanges' is not a heading" in expected["headings-out-of-order"]
    marks = expected["portion-marks"]
    for where in ("5:9: error: in 'title': this paragraph has no portion mark",
                  "11:9: error: in 'sections[0].bullets[1]': (Unclas) is not a portion mark",
                  "12:9: error: in 'sections[0].bullets[2]': the portion mark (C//NF) is above the banner",
                  "17:7: error: in 'sections[1].text': this paragraph has no portion mark",
                  "19:7: error: in 'sections[1].text': the portion mark (SBU) is above the banner"):
        assert where in marks
    assert "(U) A marked" not in marks
    assert expected["classification-on-public"].count("belongs on internal papers") == 3
    assert expected["portion-mark-on-public"].count("is for internal papers") == 2


LONG = """layout: briefing-paper
classification: SENSITIVE BUT UNCLASSIFIED//NOFORN
status: {status}
title: "(U) Laos: A Long Paper"
date: 2026-11-22
sections:
  - heading: KEY POINTS
    bullets:
      - (SBU//NF) A bullet.
  - heading: BACKGROUND
    text: |
{paragraphs}
drafted: "INL/AP: J. Doe, ext. 1234"
cleared:
  - "EAP/MLS: R. Roe (ok)"
  - "INL/FO: R. Roe (ok)"
"""


@pytest.fixture(scope="module")
def long_paper(tmp_path_factory):
    """Return the tree of a draft briefing paper of at least three pages, and its two renderings."""
    text = "\n\n".join(f"      (U) Paragraph {i}. " + "Lorem ipsum dolor sit amet, consectetur. " * 9
                       for i in range(18))
    path = tmp_path_factory.mktemp("paper") / "paper.yaml"
    path.write_text(LONG.format(status="draft", paragraphs=text), encoding="utf-8")
    doc = document(path)
    return doc, pdf_writer.render(doc), docx_writer.render(doc)


def _lines_top_down(page) -> list[str]:
    """Return a PDF page's text lines from the top of the page down."""
    pieces = []
    page.extract_text(visitor_text=lambda text, cm, tm, font, size: pieces.append((tm[5] * cm[3] + cm[5], text))
                      if text.strip() else None)
    rows: dict[int, str] = {}
    for y, text in pieces:
        rows[round(y)] = rows.get(round(y), "") + text
    return [" ".join(rows[y].split()) for y in sorted(rows, reverse=True)]


def test_the_banner_tops_and_ends_every_pdf_page_and_numbers_start_on_page_2(long_paper):
    doc, pdf, _ = long_paper
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) >= 3
    banner = "SENSITIVE BUT UNCLASSIFIED//NOFORN"
    for number, page in enumerate(pages, start=1):
        lines = [line for line in _lines_top_down(page) if line != "DRAFT"]
        assert lines[0] == banner and lines[-1] == banner, number
        numbers = [line for line in lines if re.fullmatch(r"-\d+-", line)]
        assert numbers == ([] if number == 1 else [f"-{number}-"])
        if number > 1:
            assert lines[1] == f"-{number}-", number  # at the top, under the banner


def test_the_docx_has_a_first_page_header_and_footer(long_paper):
    doc, _, data = long_paper
    word = docx.Document(io.BytesIO(data))
    section = word.sections[0]
    banner = "SENSITIVE BUT UNCLASSIFIED//NOFORN"
    assert section.different_first_page_header_footer  # w:titlePg
    assert section._sectPr.find(docx.oxml.ns.qn("w:titlePg")) is not None
    # Page 1: its top banner is the body's first line (read aloud), its footer the banner alone. A
    # banner this long leaves the date no room beside it: it is centred (a tab to the centre stop)
    # on a line of its own, the date at the right margin on the next.
    assert [p.text for p in word.paragraphs[:2]] == ["\t" + banner, "\t" + doc.meta.date.strftime("%B %-d, %Y")]
    assert [p.text for p in section.first_page_header.paragraphs if p.text] == []
    assert [p.text for p in section.first_page_footer.paragraphs] == [banner]
    assert " PAGE " not in section.first_page_footer._element.xml
    # Every other page: the banner above and below, "-N-" under the top one (the Department's place).
    header = section.header.paragraphs
    assert [p.text for p in header] == [banner, "-1-"]  # 1 is the field's cached value
    assert "<w:instrText xml:space=\"preserve\"> PAGE </w:instrText>" in header[1]._p.xml
    assert [p.text for p in section.footer.paragraphs] == [banner]
    # The DRAFT mark is on page 1 too: Word draws a watermark from the page's own header.
    assert 'descr="DRAFT"' in section.first_page_header._element.xml


@pytest.mark.parametrize("record", BRIEFINGS, ids=[r.id for r in BRIEFINGS])
def test_each_briefing_sample_is_marked_throughout(record):
    """Title, paragraphs and bullets of the sample open with a portion mark no higher than its banner."""
    doc = document(record.file)
    body = [line.strip() for line in dump(doc).split("\n  body\n", 1)[1].splitlines()]
    marked = [line for line in body if line.startswith(("p[Title]", "p[Normal]", "li[", "p[Sources]"))]
    assert marked and all(re.match(r"[^']+ '\((U|SBU)\) ", line) for line in marked), marked
    assert body[0].startswith(f"p[Banner Line] {{tab}} + b{doc.header[0].inlines[0].text!r} + {{tab}} + ")


def test_first_page_furniture_is_in_the_dump_only_when_set(long_paper):
    doc, _, _ = long_paper
    text = dump(doc)
    assert "\n  first_header\n  first_footer\n    p[Banner]" in text
    assert "first_header" not in dump(document(ROOT / "sources" / "laos-inl.yaml"))


@pytest.mark.slow  # a LibreOffice run
@pytest.mark.skipif(not parity.SOFFICE, reason="LibreOffice (soffice) is not installed; .ci/run installs "
                                               "libreoffice-writer-nogui")
def test_libreoffice_paginates_the_docx_with_banners_and_numbers_from_page_2(long_paper, tmp_path):
    """A real client lays out the .docx: the banner tops and ends every page, "-N-" from page 2 on,
    with as many pages as the PDF."""
    _, pdf, data = long_paper
    (tmp_path / "paper.docx").write_bytes(data)
    converted = parity.convert([tmp_path / "paper.docx"], tmp_path / "lo")[tmp_path / "paper.docx"]
    pages = pypdf.PdfReader(str(converted)).pages
    ours = pypdf.PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == len(ours)
    banner = "SENSITIVE BUT UNCLASSIFIED//NOFORN"
    for number, (page, own) in enumerate(zip(pages, ours, strict=True), start=1):
        lines = [line for line in _lines_top_down(page) if line != "DRAFT"]
        # The same first body line on each page: a header taller than the top margin would
        # make Word push the body down and break pages elsewhere than the PDF.
        assert lines[1:3] == [line for line in _lines_top_down(own) if line != "DRAFT"][1:3], number
        assert lines[0] == banner and lines[-1] == banner, number
        assert [line for line in lines if re.fullmatch(r"-\d+-", line)] == ([] if number == 1 else [f"-{number}-"])
        assert number == 1 or lines[1] == f"-{number}-", number


NEW_FIELDS = {"country": "country: Laos\n", "classification": "classification: UNCLASSIFIED\n",
              "drafted": "drafted: \"INL/AP: J. Doe, ext. 1234\"\n", "cleared": "cleared:\n  - \"EAP/MLS: R. Roe (ok)\"\n"}
LAYOUTS = load_layouts(ROOT / "templates")


@pytest.mark.parametrize("field", NEW_FIELDS)
def test_a_new_field_is_refused_on_a_layout_that_does_not_print_it(field, tmp_path):
    """The new fields follow the printed-field rule: each is taken only by the layouts that print it."""
    assert {name for name, layout in LAYOUTS.items() if field in layout.prints} == (
        {"bilateral-relations"} if field == "country" else {"briefing-paper"})
    for name, layout in LAYOUTS.items():
        if field in layout.prints:
            continue
        base = next(r for r in RECORDS if r.layout == name).file.read_text(encoding="utf-8")
        path = _write(tmp_path, base.rstrip("\n") + "\n" + NEW_FIELDS[field])
        line = len(base.rstrip("\n").splitlines()) + 1
        with pytest.raises(RecordError) as caught:
            schema.validate(load_file(path, "r.yaml"), path, "r.yaml", LAYOUTS)
        mine = [d for d in caught.value.diagnostics if d.location.line == line]
        assert len(mine) == 1 and f"'{field}'" in mine[0].message, (name, caught.value.diagnostics)


def test_a_paper_may_add_us_programs_after_background_and_nowhere_else(run_cli, tmp_path):
    """The old layout refused "U.S. PROGRAMS"; the Department's outline has it third."""
    programs = "  - heading: U.S. PROGRAMS\n    text: (U) Programs.\n"
    base = LONG.format(status="final", paragraphs="      (U) Background.")
    after = _write(tmp_path, base.replace("drafted:", programs + "drafted:"))
    assert "U.S. PROGRAMS" in dump(document(after))
    before = _write(tmp_path, base.replace("  - heading: BACKGROUND", programs + "  - heading: BACKGROUND"))
    result = run_cli("check", before)
    assert result.code == 1 and "'BACKGROUND' comes after 'U.S. PROGRAMS'" in result.err


SBU_NOTE = """layout: briefing-paper
classification: SENSITIVE BUT UNCLASSIFIED
title: "(U) Laos: A Paper"
date: 2026-11-22
figures:
  aid: {{value: 48000000, source: U.S. Embassy in Laos}}
sections:
  - heading: KEY POINTS
    bullets:
      - "{first}"
      - (SBU) A sensitive point.
drafted: "INL/AP: J. Doe, ext. 1234"
"""


@pytest.mark.parametrize("first, mark", [("(U) More than {{ aid | money }}.", "(U)"),
                                         ("(SBU) More than {{ aid | money }}.", "(SBU)")])
def test_the_sources_note_is_marked_by_the_paragraphs_that_print_its_figures(tmp_path, first, mark):
    """On the old code the note of an SBU paper was (SBU) even when only (U) paragraphs printed its figures."""
    doc = document(_write(tmp_path, SBU_NOTE.format(first=first)))
    note = next(b for b in doc.body if getattr(b, "style", "") == "Sources")
    assert note.inlines[0].text == f"{mark} "
