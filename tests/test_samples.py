"""The two sample sheets: golden trees, every seed sentence in both formats, same text, same bytes."""

import re
from pathlib import Path

import pytest

import readback
import seeds
from conftest import ROOT, SAMPLES
from pipeline.doctree import body_text, dump
from sheets import document, furniture_lines

GOLDENS = Path(__file__).parent / "goldens"
SEED_OF = {"laos-inl": "000", "laos-embassy-inl": "001"}


def pdf_body(path, doc) -> str:
    """Return the PDF's text without page furniture or bullet glyphs, pages joined."""
    pages = readback.pdf_pages(path)
    furniture = furniture_lines(doc, len(pages))
    lines = [line for page in pages for line in page.splitlines() if line.strip() not in furniture]
    text = readback.normalize(" ".join(lines))
    return re.sub(r"(^| )• ", r"\1", text)  # the bullet glyph is drawn, not part of the item text


@pytest.mark.parametrize("sid", SAMPLES)
def test_document_tree_matches_golden(sid):
    """The tree of each sample is exactly the reviewed golden (make goldens to regenerate)."""
    expected = (GOLDENS / f"{sid}.tree").read_text(encoding="utf-8")
    assert dump(document(ROOT / "sources" / f"{sid}.yaml")) == expected


@pytest.mark.parametrize("sid", SAMPLES)
@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_every_seed_sentence_is_on_the_sheet(built, sid, fmt):
    """Every sentence of the seed page appears word for word, ’ and U+00A0 included."""
    if fmt == "docx":
        text = readback.normalize(" ".join(readback.docx_paragraphs(built[sid]["docx"])))
    else:
        text = pdf_body(built[sid]["pdf"], document(ROOT / "sources" / f"{sid}.yaml"))
    sentences = seeds.sentences(SEED_OF[sid])
    assert len(sentences) > 15
    missing = [s for s in sentences if s not in text]
    assert missing == []


@pytest.mark.parametrize("sid", SAMPLES)
def test_site_chrome_is_left_out(built, sid):
    """The web capture's furniture is not printed on the sheet."""
    text = " ".join(readback.docx_paragraphs(built[sid]["docx"]))
    for chrome in ("An official website", "The Lessons of 1989"):
        assert chrome not in text


@pytest.mark.parametrize("sid", SAMPLES)
def test_docx_and_pdf_carry_the_same_text(built, sid):
    """Both formats print the same body text, and it is the tree's text."""
    doc = document(ROOT / "sources" / f"{sid}.yaml")
    tree = readback.normalize(" ".join(body_text(doc)))
    assert readback.normalize(" ".join(readback.docx_paragraphs(built[sid]["docx"]))) == tree
    assert pdf_body(built[sid]["pdf"], doc) == tree


def test_typographic_characters_survive(built):
    """The seed's ’ and non-breaking spaces reach both outputs."""
    docx_text = " ".join(readback.docx_paragraphs(built["laos-embassy-inl"]["docx"]))
    pdf_text = " ".join(readback.pdf_pages(built["laos-embassy-inl"]["pdf"]))
    for text in (docx_text, pdf_text):
        assert "world’s" in text
        assert "police.\u00a0Donated" in text
        assert "“Support to the Legal Sector Master Plan.”" in text


@pytest.mark.parametrize("sid", SAMPLES)
def test_rebuild_is_byte_identical(run_cli, tmp_path, built, sid):
    """A second build in another folder, later, gives the same bytes."""
    assert run_cli("build", "--out", tmp_path, f"sources/{sid}.yaml").code == 0
    for fmt in ("docx", "pdf"):
        assert (tmp_path / f"{sid}.{fmt}").read_bytes() == built[sid][fmt].read_bytes()


def test_figures_are_rendered_from_the_record(built):
    """The figures print formatted from `figures:`, in both formats."""
    inl = readback.normalize(" ".join(readback.docx_paragraphs(built["laos-inl"]["docx"])))
    assert "from 1,500 ha in 2007 to 5,700 ha in 2018" in inl
    embassy = " ".join(readback.pdf_pages(built["laos-embassy-inl"]["pdf"]))
    assert "more than $48 million to support" in readback.normalize(embassy)


def test_changing_a_figure_changes_every_sentence_using_it(project, run_cli):
    """Edit the shared figure, not the prose: the sheet follows."""
    record = project / "sources" / "laos-inl.yaml"
    shared = project / "sources" / "data" / "unodc.yaml"
    shared.write_text(shared.read_text(encoding="utf-8").replace("2018: 5700", "2018: 6100"),
                      encoding="utf-8")
    result = run_cli("build", "--out", project / "out", record, "--templates", project / "templates")
    assert result.code == 0, result.err
    text = readback.normalize(" ".join(readback.docx_paragraphs(project / "out" / "laos-inl.docx")))
    assert "to 6,100 ha in 2018" in text and "5,700" not in text
    pdf = readback.normalize(" ".join(readback.pdf_pages(project / "out" / "laos-inl.pdf")))
    assert "to 6,100 ha in 2018" in pdf and "5,700" not in pdf


def test_page_footer_numbers_every_page(built):
    """The INL sheet runs to two pages, each with 'Page N of 2' and the date."""
    pages = readback.pdf_pages(built["laos-inl"]["pdf"])
    assert len(pages) == 2
    for n, page in enumerate(pages, 1):
        assert f"November 22, 2026 · Page {n} of 2" in page
    footer = readback.docx_xml(built["laos-inl"]["docx"], "word/footer1.xml")
    assert "PAGE" in footer and "NUMPAGES" in footer


def test_docx_uses_named_styles_and_times(built):
    """Staff can keep editing: Title, Heading 1, List Bullet are real styles in Times New Roman."""
    import docx
    document_ = docx.Document(str(built["laos-inl"]["docx"]))
    used = {p.style.name for p in document_.paragraphs}
    assert {"Title", "List Bullet", "Lead", "Identity", "Issuer"} <= used
    assert document_.styles["Normal"].font.name == "Times New Roman"
    props = document_.core_properties
    assert (props.title, props.author) == ("Laos", "Bureau of International Narcotics and Law Enforcement Affairs")
    assert props.language == "en-US"
    embassy = docx.Document(str(built["laos-embassy-inl"]["docx"]))
    assert "Heading 1" in {p.style.name for p in embassy.paragraphs}
    assert "Callout" in {p.style.name for p in embassy.paragraphs}


def test_pdf_metadata_fonts_and_bookmarks(built):
    """The PDF names its title and author, embeds Liberation Serif only, and bookmarks headings."""
    import pypdf
    reader = pypdf.PdfReader(str(built["laos-embassy-inl"]["pdf"]))
    assert reader.metadata.title == "International Narcotics and Law Enforcement Section (INL)"
    assert reader.metadata.author == "U.S. Embassy in Laos"
    assert [item.title for item in reader.outline] == ["U.S. Policy Initiatives and Programs"]
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all("LiberationSerif" in name for name in fonts)
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (float(width), float(height)) == (612, 792)
