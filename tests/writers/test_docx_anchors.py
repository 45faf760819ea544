"""The Word file's hidden bookmarks: one per printed body paragraph, Word-legal names, same bytes each build."""

import re
import zipfile

import pytest
from conftest import ROOT
from sheets import document

from pipeline.document import anchors
from pipeline.writers import docx

RECORDS = sorted((ROOT / "sources").glob("*.yaml"))
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _body(data: bytes):
    from lxml import etree
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as package:
        return etree.fromstring(package.read("word/document.xml")).find(f"{W}body")


@pytest.mark.parametrize("record", RECORDS, ids=lambda p: p.stem)
def test_every_printed_paragraph_is_anchored_in_order(record):
    """Fails on the old writer: it wrote no bookmarks."""
    doc = document(record)
    body = _body(docx.render(doc))
    texts = anchors.body_paragraphs(doc)
    marked = {}
    for p in body.iter(f"{W}p"):
        for start in p.iter(f"{W}bookmarkStart"):
            n = anchors.paragraph_of(start.get(f"{W}name"))
            if n is not None:
                marked[n] = "".join(t.text or "" for t in p.iter(f"{W}t"))
    assert marked and set(marked) <= set(range(len(texts)))
    for n, text in marked.items():
        assert text == texts[n].replace("\n", "").replace("\t", ""), n
    # every paragraph with text outside a table is bookmarked (a table only at its first paragraph)
    for p in body.findall(f"{W}p"):
        if "".join(t.text or "" for t in p.iter(f"{W}t")):
            assert any(anchors.paragraph_of(s.get(f"{W}name")) is not None for s in p.iter(f"{W}bookmarkStart"))


@pytest.mark.parametrize("record", RECORDS, ids=lambda p: p.stem)
def test_names_are_hidden_short_and_unique_with_the_version(record):
    doc = document(record)
    body = _body(docx.render(doc))
    names = [s.get(f"{W}name") for s in body.iter(f"{W}bookmarkStart")]
    ids = [s.get(f"{W}id") for s in body.iter(f"{W}bookmarkStart")]
    ends = [e.get(f"{W}id") for e in body.iter(f"{W}bookmarkEnd")]
    assert all(name.startswith("_") and len(name) <= 40 and re.fullmatch(r"\w+", name) for name in names)
    assert len(set(names)) == len(names) and sorted(ids) == sorted(ends)
    assert anchors.version_name(anchors.version(doc)) in names


def test_same_tree_same_bytes_and_version_follows_text():
    doc = document(RECORDS[0])
    assert docx.render(doc) == docx.render(document(RECORDS[0]))
    import dataclasses

    from pipeline.document.tree import Paragraph, Run
    other = dataclasses.replace(doc, body=(*doc.body, Paragraph("Normal", (Run("one more"),))))
    assert anchors.version(other) != anchors.version(doc)
