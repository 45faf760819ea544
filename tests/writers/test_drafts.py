"""A draft says so to a screen reader in both formats, not only in its drawn watermark.

The watermark stays a drawing (a PDF artifact readers skip; the .docx's Word watermark, now with
its text as alternative text). What a reader reaches: the title property ("DRAFT — …", in the
PDF's info dictionary and XMP, the .docx's core properties) and a "DRAFT" note above the title in
the text. On the old code both titles were the bare title, no text said DRAFT and the .docx's
watermark had no alternative text.
"""

import io
import re
import zipfile

import docx
import pikepdf
import pytest
import records
from sheets import document
from tagged import elements

from pipeline.writers import docx as docx_writer
from pipeline.writers import pdf as pdf_writer

STATUS = re.compile(r"(?m)^status:.*\n")


def with_status(text: str, status: str) -> str:
    """Return a record's text with its status set (a top-level key, put first)."""
    return f"status: {status}\n" + STATUS.sub("", text)


@pytest.fixture(scope="module", params=records.samples(), ids=lambda s: s.id)
def sheets(request, tmp_path_factory) -> dict:
    """Return, for one sample as a draft and as final: its tree, .docx and PDF."""
    sample = request.param
    out = {}
    for status in ("draft", "final"):
        folder = tmp_path_factory.mktemp(status)
        path = folder / sample.file.name
        path.write_text(with_status(sample.file.read_text(encoding="utf-8"), status), encoding="utf-8")
        for asset in sample.file.parent.glob("assets"):  # pictures a record names, if any
            (folder / "assets").symlink_to(asset)
        tree = document(path)
        out[status] = (tree, docx_writer.render(tree), pdf_writer.render(tree))
    return out


def test_the_samples_hold_a_draft():
    assert any(STATUS.search(s.file.read_text(encoding="utf-8")) and "status: draft" in s.file.read_text(encoding="utf-8")
               for s in records.samples())


def pdf_titles(data: bytes) -> tuple[str, str]:
    """Return a PDF's title in its info dictionary and in its XMP metadata."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
        return str(pdf.docinfo.Title), re.search(r"<dc:title>.*?<rdf:li[^>]*>(.*?)</rdf:li>", xmp).group(1)


def pdf_blocks(data: bytes) -> list[tuple[str, str]]:
    """Return the structure elements of a PDF's body as (type, text), reading their marked content."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        texts: dict[tuple, list[str]] = {}
        for index, page in enumerate(pdf.pages):
            mcid = None
            for operands, op in pikepdf.parse_content_stream(page):
                if str(op) == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
                    mcid = (index, int(operands[1].MCID))
                elif str(op) == "EMC":
                    mcid = None
                elif str(op) in ("Tj", "TJ") and mcid is not None:
                    parts = operands[0] if str(op) == "TJ" else [operands[0]]
                    texts.setdefault(mcid, []).extend(bytes(p).decode("latin-1") for p in parts
                                                      if isinstance(p, pikepdf.String))
        pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
        out = []
        for elem in elements(pdf):
            kids = elem.get("/K")
            kids = kids if isinstance(kids, pikepdf.Array) else [kids]
            mcrs = [(pages[k.Pg.objgen], int(k.MCID)) for k in kids
                    if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/MCR"]
            out.append((str(elem.S), "".join(t for key in mcrs for t in texts.get(key, [])).strip()))
        return out


def watermark_artifacts(data: bytes) -> int:
    """Return how many watermark artifacts a PDF's pages draw."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return sum(1 for page in pdf.pages for operands, op in pikepdf.parse_content_stream(page)
                   if str(op) == "BDC" and str(operands[0]) == "/Artifact"
                   and str(operands[1].get("/Subtype", "")) == "/Watermark")


def test_a_drafts_pdf_title_says_draft(sheets):
    tree, _, pdf = sheets["draft"]
    assert pdf_titles(pdf) == (f"DRAFT — {tree.meta.title}",) * 2
    final_tree, _, final_pdf = sheets["final"]
    assert pdf_titles(final_pdf) == (final_tree.meta.title,) * 2


def test_a_drafts_pdf_reads_draft_before_its_title_and_keeps_the_watermark_an_artifact(sheets):
    blocks = pdf_blocks(sheets["draft"][2])
    tags = [tag for tag, _ in blocks]
    assert ("/P", "DRAFT") in blocks
    assert blocks.index(("/P", "DRAFT")) == tags.index("/H1") - 1  # read just before the title
    assert watermark_artifacts(sheets["draft"][2]) >= 1
    final = pdf_blocks(sheets["final"][2])
    assert ("/P", "DRAFT") not in final and watermark_artifacts(sheets["final"][2]) == 0


def test_a_drafts_docx_title_and_text_say_draft(sheets):
    tree, data, _ = sheets["draft"]
    word = docx.Document(io.BytesIO(data))
    assert word.core_properties.title == f"DRAFT — {tree.meta.title}"
    styles = [(p.style.name, p.text) for p in word.paragraphs]
    title = next(i for i, (style, _) in enumerate(styles) if style == "Title")
    assert styles[title - 1] == ("Draft Note", "DRAFT")
    final = docx.Document(io.BytesIO(sheets["final"][1]))
    assert final.core_properties.title == tree.meta.title
    assert "DRAFT" not in [p.text for p in final.paragraphs]


def test_the_docx_watermark_has_its_text_as_alternative_text(sheets):
    """Every header's watermark carries "DRAFT" as its description (Word's and LibreOffice's alt text)
    and Word's decorative mark; on the old code it was VML WordArt, whose alt LibreOffice does not read."""
    with zipfile.ZipFile(io.BytesIO(sheets["draft"][1])) as package:
        headers = [package.read(n).decode("utf-8") for n in package.namelist() if re.match(r"word/header\d*\.xml", n)]
    shapes = [m for xml in headers for m in re.findall(r"<wp:docPr [^>]*>.*?</wp:docPr>", xml)]
    assert shapes and all('descr="DRAFT"' in shape and "<adec:decorative" in shape and 'val="1"' in shape
                          for shape in shapes)
