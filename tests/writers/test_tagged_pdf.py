"""Every PDF is tagged: a structure tree in reading order, all content tagged or an artifact, PDF/UA checks."""

import itertools
import re
import shutil
import subprocess
import sys
from pathlib import Path

import parity
import pikepdf
import pytest
import readback
import records
import tagged
from conftest import ROOT
from sheets import document

from pipeline.cli import command as cli
from pipeline.document import chartdraw
from pipeline.document.tree import Chart, block_texts, inline_text

pytestmark = [
    pytest.mark.slow,  # builds and reads back every sample and five generated sheets with poppler
    pytest.mark.skipif(not tagged.PDFINFO, reason="poppler (pdfinfo) is not installed; .ci/run "
                                                  "installs poppler-utils"),
]
GOLDENS = ROOT / "tests" / "goldens"
PDFUA = shutil.which("pdfua", path=str(Path(sys.executable).parent))  # installed with the test extras


@pytest.fixture(scope="module")
def sheets(tmp_path_factory):
    """Build every sample and generated sheets of 1 to 5 pages (draft, tables, bullets, boxes, notes)."""
    import os
    base = tmp_path_factory.mktemp("tagged")
    sources = base / "sources"
    shutil.copytree(ROOT / "sources", sources)
    parity.write_generated(sources, lambda f: parity.pdf_page_count(f, sources))
    old = os.getcwd()
    os.chdir(ROOT)
    try:
        assert cli.main(["build", str(sources), "--out", str(base / "out"), "--stale-months", "1000",
                         "--format", "pdf"]) == 0
    finally:
        os.chdir(old)
    return {r.id: (base / "out" / f"{r.id}.pdf", document(r.file, ROOT / "templates", sources / "data"))
            for r in records.samples(sources)}


def test_every_sheet_is_marked_tagged_with_title_language_and_pdfua_id(sheets):
    for sid, (path, doc) in sheets.items():
        info = subprocess.run([tagged.PDFINFO, str(path)], capture_output=True, text=True).stdout
        assert re.search(r"^Tagged:\s+yes$", info, re.M), sid
        with pikepdf.open(path) as pdf:
            assert pdf.Root.MarkInfo.Marked is True
            assert str(pdf.Root.Lang) == doc.meta.language
            assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
            xmp = pdf.Root.Metadata.read_bytes().decode()
            assert "<pdfuaid:part>1</pdfuaid:part>" in xmp and doc.meta.title.split()[0] in xmp
            with pdf.open_outline() as outline:  # the title is the first bookmark of every sheet
                assert [item.title for item in outline.root][:1] == [doc.meta.title], sid


def test_all_painting_is_tagged_or_an_artifact_and_every_mcid_is_reached(sheets):
    """Nothing on any page is left out of the structure or the artifacts; no MCID is orphaned."""
    for sid, (path, _) in sheets.items():
        with pikepdf.open(path) as pdf:
            reached = tagged.reached_mcids(pdf)
            parents = pdf.Root.StructTreeRoot.ParentTree.Nums
            keys = {int(parents[i]): parents[i + 1] for i in range(0, len(parents), 2)}
            for index, page in enumerate(pdf.pages):
                marks = tagged.page_marks(page)
                assert marks.untagged == [], (sid, index + 1, marks.untagged)
                assert marks.mcids == list(range(len(marks.mcids))), (sid, index + 1)
                assert set(marks.mcids) == reached.get(index, set()), (sid, index + 1)
                entry = keys[int(page.obj.StructParents)]
                assert len(entry) == len(marks.mcids), (sid, index + 1)
                assert str(page.obj.Tabs) == "/S"


def test_the_structure_reads_as_the_sheet(sheets):
    """Reading the structure tree gives the body text of the document tree, in order; no furniture."""
    for sid, (path, doc) in sheets.items():
        dump = tagged.struct_text(path)
        strings = [s for s in tagged.tree_strings(dump) if s != "•"]  # the bullet glyph is each Lbl
        read = readback.squash("".join(strings)).replace("-", "")
        expected = readback.squash("".join(_structure_texts(doc))).replace("-", "")
        assert read == expected, sid
        assert "Page 1 of" not in dump
        # A draft's DRAFT note is read once, above the title; the watermark never (an artifact).
        assert dump.count("DRAFT") == (1 if doc.watermark else 0), sid


def _structure_texts(doc):
    """Return the text the structure tree holds: the body text, with each chart's drawn labels
    (the Figure's content) between its title and its source line."""
    texts = []
    for block in doc.body:
        if isinstance(block, Chart):
            drawn = chartdraw.labels(chartdraw.draw(block, doc.look.chart, doc.page.text_width))
            texts.extend((inline_text(block.title), *drawn, *([inline_text(block.source)] if block.source else ())))
        else:
            texts.extend(block_texts(block))
    return texts


def test_charts_are_figures_with_alt_text_and_a_box(sheets):
    """A chart is a Figure whose /Alt is the tree's alt text, with a /BBox on the page, between its title
    and its source line; its drawing is the Figure's marked content."""
    seen = 0
    for sid, (path, doc) in sheets.items():
        charts = [b for b in doc.body if isinstance(b, Chart)]
        with pikepdf.open(path) as pdf:
            figures = [e for e in tagged.elements(pdf) if str(e.S) == "/Figure"]
            assert [str(f.Alt) for f in figures] == [c.alt for c in charts], sid
            for figure in figures:
                box = [float(v) for v in figure.A.BBox]
                assert box[0] < box[2] and box[1] < box[3], sid
                assert isinstance(figure.K, pikepdf.Dictionary) and figure.K.Type == "/MCR"
                kids = [str(k.S) for k in figure.P.K]
                assert kids == ["/P", "/Figure", "/P"], sid
        seen += len(charts)
    assert seen, "no sample draws a chart"


def test_headings_start_at_the_title_and_never_skip_a_level(sheets):
    for sid, (path, _) in sheets.items():
        levels = [int(m) for m in re.findall(r"^\s*H(\d) \(block\)", tagged.struct_text(path), re.M)]
        assert levels and levels[0] == 1 and levels.count(1) == 1, sid
        assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), (sid, levels)


def test_tables_lists_and_links_have_their_parts(sheets):
    """Every table has a header row of TH with a column scope; lists hold labelled items; links OBJR."""
    for sid, (path, _) in sheets.items():
        with pikepdf.open(path) as pdf:
            for elem in tagged.elements(pdf):
                tag = str(elem.S)
                kids = elem.get("/K")
                kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
                kid_tags = [str(k.S) for k in kids if isinstance(k, pikepdf.Dictionary) and "/S" in k]
                if tag == "/Table":
                    rows = [k for k in kids if isinstance(k, pikepdf.Dictionary) and k.get("/S") == "/TR"]
                    cells = [c for c in (rows[0].K if isinstance(rows[0].K, pikepdf.Array) else [rows[0].K])]
                    assert all(c.S == "/TH" and c.A.Scope == "/Column" for c in cells), sid
                if tag == "/LI":
                    assert kid_tags == ["/Lbl", "/LBody"], sid
                if tag == "/Link":
                    assert any(isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR" for k in kids)
                    assert str(elem.Alt)


def test_a_split_table_repeats_its_header_as_an_artifact(tmp_path):
    """Two pages of one table: the header row is in the tree once; the repeat is page furniture."""
    import dataclasses

    import docsample

    from pipeline.document.tree import Run, Table
    from pipeline.writers import pdf as writer
    rows = tuple(((Run(f"FY {2000 + i}"),), (Run(f"${i},000"),)) for i in range(70))
    doc = dataclasses.replace(docsample.sample_document(), body=(Table(((Run("Year"),), (Run("Amount"),)), rows),))
    path = tmp_path / "t.pdf"
    path.write_bytes(writer.render(doc))
    dump = tagged.struct_text(path)
    assert tagged.tree_strings(dump).count("Year ") == 1
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) >= 2
        assert tagged.page_marks(pdf.pages[1]).untagged == []


@pytest.mark.skipif(not PDFUA, reason="the pdfua checker is installed with the test dependencies")
def test_the_pdfua_checker_finds_nothing(sheets):
    """pdfua (machine-checkable PDF/UA-1 rules, no JVM) reports no finding on any sheet."""
    result = subprocess.run([PDFUA, "check", *(str(p) for p, _ in sheets.values())], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "not evaluated" not in result.stdout


@pytest.mark.parametrize("sid", [r.id for r in records.samples()])
def test_structure_tree_matches_golden(sheets, sid):
    """Each sample's structure tree, as poppler reads it, is the reviewed golden (make goldens)."""
    golden = GOLDENS / f"{sid}.struct"
    assert golden.exists(), f"{golden.name} is missing: run `make goldens`"
    assert tagged.struct_text(sheets[sid][0]) == golden.read_text(encoding="utf-8")
