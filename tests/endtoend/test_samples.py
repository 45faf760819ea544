"""The sample sheets: golden trees, seed sentences in both formats, same text, same bytes."""

import re
from pathlib import Path

import pytest
import readback
import seeds
from conftest import RECORDS, ROOT, SAMPLES
from seeds import SEED_OF
from sheets import document, page_furniture

from pipeline.document.tree import Heading, Paragraph, Run, body_text, dump, inline_text

GOLDENS = Path(__file__).parents[1] / "goldens"
SPOKESPERSON = "laos-counternarcotics"
# What the Spokesperson sheet says that is not a seed sentence word for word: short sentences
# restating seed facts. Listed so that adding one is a reviewed change.
COMPOSED = (
    "5,700 hectares in 2018, up from 1,500 hectares in 2007.",
    # the seed sentence, cut before the figures the item has just given
    "Despite the enormous decrease in the number of hectares (ha) under opium cultivation through"
    " the late 1990’s and early 2000’s, opium cultivation in Laos has begun to increase again.",
    "Outpatient services in two provinces, supported by the Embassy through training for drug"
    " treatment specialists on prevention and counseling.",
    "The U.S. contribution to the UNDP project “Support to the Legal Sector Master Plan” supports"
    " legal aid and the development of the case management system.",
)
_SENTENCE_END = re.compile(r"(?<=[.?!”])[ \u00a0]+(?=\S)")  # as tests/seeds.py splits the seeds


def pdf_body(path, doc) -> str:
    """Return the PDF's text without page furniture or bullet glyphs, pages joined."""
    pages = readback.pdf_pages(path)
    lines = []
    for number, page in enumerate(pages, start=1):
        # Furniture is drawn after the body (the watermark before it): it ends each page's text.
        # Taken off by place, not by text: a briefing paper's body opens with its banner's words.
        own, furniture = page.splitlines(), page_furniture(doc, number, len(pages))
        if doc.watermark and own and own[0].strip() == doc.watermark:
            own = own[1:]
        assert [line.strip() for line in own[len(own) - len(furniture):]] == furniture
        lines.extend(own[:len(own) - len(furniture)])
    text = readback.without_chart_labels(" ".join(lines), doc)
    return re.sub(r"(^| )• ", r"\1", text)  # the bullet glyph is drawn, not part of the item text


@pytest.mark.parametrize("record", RECORDS, ids=SAMPLES)
def test_document_tree_matches_golden(record):
    """The tree of each sample is exactly the reviewed golden (make goldens to regenerate)."""
    golden = GOLDENS / f"{record.id}.tree"
    if not golden.exists():
        pytest.fail(f"no golden for {record.file.relative_to(ROOT)}: run `make goldens`, review "
                    f"{golden.relative_to(ROOT)} and commit it")
    assert dump(document(record.file)) == golden.read_text(encoding="utf-8")


def test_every_golden_has_its_record():
    """A golden left behind by a removed or renamed record is not silently kept."""
    orphans = sorted(p.name for p in GOLDENS.glob("*.tree") if p.stem not in SAMPLES)
    assert orphans == [], "no record in sources/ has these ids; `make goldens` removes them"


@pytest.mark.parametrize("sid", SEED_OF)
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


@pytest.mark.parametrize("record", RECORDS, ids=SAMPLES)
def test_docx_and_pdf_carry_the_same_text(built, record):
    """Both formats print the same body text, and it is the tree's text."""
    sid, doc = record.id, document(record.file)
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


@pytest.mark.parametrize("record", RECORDS, ids=SAMPLES)
def test_rebuild_is_byte_identical(run_cli, tmp_path, built, record):
    """A second build in another folder, later, gives the same bytes."""
    assert run_cli("build", "--out", tmp_path, record.file).code == 0
    for fmt in ("docx", "pdf"):
        assert (tmp_path / f"{record.id}.{fmt}").read_bytes() == built[record.id][fmt].read_bytes()


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
    """The PDF names its title and author, embeds Liberation Serif and, for the Lao subtitle, Noto Serif
    Lao (upright: it has no italic), and bookmarks headings."""
    import pypdf
    reader = pypdf.PdfReader(str(built["laos-embassy-inl"]["pdf"]))
    assert reader.metadata.title == "International Narcotics and Law Enforcement Section (INL)"
    assert reader.metadata.author == "U.S. Embassy in Laos"
    title, headings = reader.outline
    assert title.title == "International Narcotics and Law Enforcement Section (INL)"
    assert [item.title for item in headings] == ["U.S. Policy Initiatives and Programs"]
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert {name.split("+")[-1] for name in fonts} == {"LiberationSerif", "LiberationSerif-Bold",
                                                       "LiberationSerif-Italic", "NotoSerifLao-Regular"}
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (float(width), float(height)) == (612, 792)


def _items(doc):
    """Return (run-in label, rest of the paragraph) for each body paragraph after the first heading."""
    body = list(doc.body)
    first = next(i for i, block in enumerate(body) if isinstance(block, Heading))
    out = []
    for block in body[first:]:
        if isinstance(block, Paragraph) and block.style != "Sources":  # generated, tested on its own
            label = block.inlines[0]
            out.append((label.text if isinstance(label, Run) and label.bold else None,
                        inline_text(block.inlines[1:]).strip()))
    return out


def test_spokesperson_sheet_says_only_what_the_seeds_say():
    """Below the masthead, every sentence is a seed sentence or a listed restatement of one."""
    doc = document(ROOT / "sources" / f"{SPOKESPERSON}.yaml")
    allowed = set(seeds.sentences("000")) | set(seeds.sentences("001"))
    allowed |= {re.sub(r"^[A-Z][a-z]+: ", "", s) for s in allowed}  # without the seed's "Goals: "
    allowed |= {part for sentence in COMPOSED for part in _SENTENCE_END.split(sentence)}
    body = list(doc.body)
    lead = next(i for i, block in enumerate(body) if getattr(block, "style", "") == "Lead")
    texts = []
    for block in body[lead:]:
        if isinstance(block, Paragraph) and block.style != "Sources":  # from the data files' metadata
            runs = block.inlines[1:] if block.inlines[0].bold else block.inlines  # drop a run-in label
            texts.append(inline_text(runs).strip())
    sentences = [part for text in texts for part in _SENTENCE_END.split(text)]
    assert len(sentences) > 15
    assert [s for s in sentences if s not in allowed] == []
    joined = " ".join(texts)
    assert [c for c in COMPOSED if c not in joined] == []  # the list does not go stale


def test_spokesperson_sheet_reads_its_numbers_from_shared_data():
    """The record has no figures of its own: the dollar total and hectares come from sources/data/."""
    record = (ROOT / "sources" / f"{SPOKESPERSON}.yaml").read_text(encoding="utf-8")
    assert "figures:" not in record
    assert "{{ data.assistance.laos_inl_since_1989 | money('short') }}" in record
    assert "{{ data.unodc.laos_opium_ha[2007] | number }}" in record
    assert "{{ data.unodc.laos_opium_ha[2018] | number }}" in record
    for literal in ("48", "1,500", "1500", "5,700", "5700"):
        assert literal not in record


def test_spokesperson_layout_masthead_lead_and_run_in_items(built):
    """Layouts §3: Department, title, Fact Sheet, office, dateline, date; lead with the dollar
    figure; headed sections of CAPITALISED run-in items; no callout, banner or clearance block."""
    doc = document(ROOT / "sources" / f"{SPOKESPERSON}.yaml")
    masthead = [(block.style, inline_text(block.inlines)) for block in doc.body[:7]]
    assert masthead == [
        ("Identity", "United States Department of State"),
        ("Title", "U.S. Counternarcotics and Law Enforcement Assistance to Laos"),
        ("Doc Type", "Fact Sheet"), ("Office", "Office of the Spokesperson"),
        ("Dateline", "Washington, DC"), ("Date Line", "November 22, 2026"),
        ("Lead", "Since 1989, the United States has provided more than $48 million to support "
                 "alternative development, community based treatment, law enforcement programs "
                 "and the rule of law.")]
    items = _items(doc)
    assert items and all(label and re.fullmatch(r"[A-Z][A-Z ]+:", label) for label, _ in items)
    assert items[0] == ("OPIUM CULTIVATION:", items[0][1])
    assert items[0][1].startswith("5,700 hectares in 2018, up from 1,500 hectares in 2007.")
    assert not {"Callout", "List Bullet", "Header"} & {getattr(b, "style", "") for b in doc.body}
    pages = readback.pdf_pages(built[SPOKESPERSON]["pdf"])
    docx_text = " ".join(readback.docx_paragraphs(built[SPOKESPERSON]["docx"]))
    for text in (" ".join(pages), docx_text):
        for word in ("UNCLASSIFIED", "Drafted:", "Cleared:", "(U)"):
            assert word not in text
    assert len(pages) == 2
    for n, page in enumerate(pages, 1):
        assert f"November 22, 2026 · Page {n} of 2" in page
        assert "United States Department of State · Office of the Spokesperson" in page
    import pypdf
    reader = pypdf.PdfReader(str(built[SPOKESPERSON]["pdf"]))
    title, headings = reader.outline  # the title on top, the headings under it
    assert title.title == "U.S. Counternarcotics and Law Enforcement Assistance to Laos"
    assert [item.title for item in headings] == ["Counternarcotics", "Law Enforcement and Rule of Law"]
    assert reader.metadata.author == "Office of the Spokesperson"
    import docx
    word = docx.Document(str(built[SPOKESPERSON]["docx"]))
    assert [p.style.name for p in word.paragraphs[:7]] == [style for style, _ in masthead]
    # The layout's own styles are Word styles based on Normal, which names Times New Roman.
    assert all(word.styles[name].base_style.name == "Normal" for name in ("Office", "Dateline"))
    assert word.styles["Normal"].font.name == "Times New Roman"


def test_one_shared_figure_feeds_every_sheet_that_prints_it(project, run_cli):
    """Change a shared figure once: every sheet printing it follows; the others keep their bytes."""
    out = project / "out"
    args = ("build", "--out", out, project / "sources", "--templates", project / "templates")

    def change(name, old, new):
        """Edit one shared data file, rebuild everything, return {sheet file: bytes} before and after."""
        before = {p.name: p.read_bytes() for p in out.iterdir() if p.suffix in (".docx", ".pdf")}
        path = project / "sources" / "data" / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        result = run_cli(*args)
        assert result.code == 0, result.err
        after = {p.name: p.read_bytes() for p in out.iterdir() if p.suffix in (".docx", ".pdf")}
        assert sorted(after) == sorted(before)
        return {n for n in after if after[n] != before[n]}

    def text(sid):
        """Return the .docx text and the PDF text of a built sheet, one per line."""
        docx_text = readback.normalize(" ".join(readback.docx_paragraphs(out / f"{sid}.docx")))
        pdf_text = readback.normalize(" ".join(readback.pdf_pages(out / f"{sid}.pdf")))
        return docx_text + "\n" + pdf_text

    def sheets_of_readers(reference):
        """Return the sheet files of the records whose text prints a shared figure."""
        readers = [r for r in RECORDS if reference in r.file.read_text(encoding="utf-8")]
        return {name for record in readers for name in record.sheets}

    hectares = sheets_of_readers("data.unodc.laos_opium_ha[2018]")
    dollars = sheets_of_readers("data.assistance.laos_inl_since_1989")
    # The two figures this test edits are printed by these samples (named below), among any others.
    assert {f"{SPOKESPERSON}.pdf", "laos-inl.pdf"} <= hectares
    assert {f"{SPOKESPERSON}.pdf", "laos-embassy-inl.pdf"} <= dollars
    assert run_cli(*args).code == 0
    assert change("unodc.yaml", "2018: 5700", "2018: 6100") == hectares
    assert text(SPOKESPERSON).count("6,100 hectares in 2018, up from 1,500 hectares in 2007") == 2
    assert text("laos-inl").count("to 6,100 ha in 2018") == 2
    assert change("assistance.yaml", "48000000", "52000000") == dollars
    for sid in (SPOKESPERSON, "laos-embassy-inl"):
        assert text(sid).count("more than $52 million") == 2 and "$48 million" not in text(sid)
    assert "5,700" not in text(SPOKESPERSON) and "5,700" not in text("laos-inl")
