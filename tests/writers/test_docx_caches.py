"""Tests for what the Word writer keeps between sheets in one process: it must share nothing a sheet changes."""

import dataclasses
import datetime as dt
import io
import zipfile

import docsample
import docx
import pytest
from docx.oxml import parse_xml
from lxml import etree

from pipeline.writers import docx as writer
from pipeline.writers import wordmark, wordparts


def _skeleton() -> bytes:
    """Return the starting package of the sample sheet."""
    doc = docsample.sample_document()
    return wordparts.skeleton(doc.look, frozenset({"Normal", "Heading 1"}), "en-US", frozenset(), False, False)


def _members(word) -> dict[str, bytes]:
    """Return the parts of a python-docx document as the writer would zip them."""
    with zipfile.ZipFile(io.BytesIO(writer._package(word))) as package:
        return {name: package.read(name) for name in package.namelist()}


def test_a_starting_document_is_the_skeleton_opened():
    """The copy holds what opening the skeleton's bytes gives, part for part."""
    skeleton = _skeleton()
    assert _members(writer.starting_document(skeleton)) == _members(docx.Document(io.BytesIO(skeleton)))


def test_editing_one_sheets_starting_document_never_changes_the_next():
    """Two sheets from one skeleton in turn: the first's edits (body, properties, header) stay its own."""
    skeleton = _skeleton()
    first = writer.starting_document(skeleton)
    untouched = _members(writer.starting_document(skeleton))
    first.add_paragraph("only in the first sheet")
    first.core_properties.title = "first"
    first.sections[0].header.paragraphs[0].text = "first header"
    assert _members(first) != untouched
    assert _members(writer.starting_document(skeleton)) == untouched


def test_a_sheet_renders_the_same_after_another_in_the_same_process():
    """Render A, then a different sheet B, then A again: A's bytes do not change."""
    a = docsample.sample_document()
    b = dataclasses.replace(docsample.sample_document(watermark="DRAFT"), body=a.body[:2])
    before = writer.render(a)
    writer.render(b)
    assert writer.render(a) == before


@pytest.mark.parametrize("parts", [
    [("[Content_Types].xml", "<Types/>"), ("word/media/image1.png", bytes(range(256)) * 40), ("empty", b"")],
    [("word/fonts/font1.odttf", b"\x00\x01" * 5000), ("word/document.xml", "<w:document>é ∑ 中</w:document>"),
     ("dossier/été.xml", "not ASCII: zipfile flags the name UTF-8")],
])
def test_the_package_zip_is_the_one_zipfile_writes(parts):
    """The writer's own zip (compressing shared parts once) has zipfile's bytes, member for member."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=wordparts.ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = wordparts.ZIP_ATTR
            package.writestr(info, data)
    assert wordparts.zip_parts(parts) == out.getvalue()
    assert wordparts.zip_parts(parts) == out.getvalue()  # the second time from the compressed parts kept


def test_each_watermark_is_its_own_element():
    """The watermark drawn once per process is copied into each header, never shared or moved."""
    look = docsample.LOOK
    first, second = wordmark.drawing("DRAFT", look, 4097), wordmark.drawing("DRAFT", look, 4097)
    assert first is not second
    assert etree.tostring(first) == etree.tostring(second) == etree.tostring(parse_xml(
        wordmark.shape_xml("DRAFT", look, 4097)))
    first.append(etree.Element("edited"))  # what placing it in a header may do to it
    assert etree.tostring(wordmark.drawing("DRAFT", look, 4097)) == etree.tostring(second)


@pytest.mark.parametrize("watermark", [None, "DRAFT"])
def test_the_package_holds_what_python_docx_saves(watermark):
    """Member for member, in order, the writer's package is what python-docx's own save writes,
    its content types and relationship parts (made once per process) included, twice in a row."""
    for _ in range(2):
        translator = writer.DocxTranslator(docsample.sample_document(watermark=watermark))
        ours = translator.visit(translator.doc)
        saved = io.BytesIO()
        translator.word.save(saved)
        with zipfile.ZipFile(io.BytesIO(ours)) as mine, zipfile.ZipFile(saved) as theirs:
            assert mine.namelist() == theirs.namelist()
            assert all(mine.read(name) == theirs.read(name) for name in theirs.namelist())


@pytest.mark.parametrize("watermark,date", [(None, dt.date(2003, 3, 11)), ("DRAFT", None)])
def test_core_properties_are_what_python_docx_setters_write(watermark, date):
    """The properties appended directly are the XML python-docx's setters make, in their order."""
    doc = dataclasses.replace(docsample.sample_document(watermark=watermark),
                              meta=dataclasses.replace(docsample.sample_document().meta, date=date))
    ours, theirs = writer.starting_document(_skeleton()), writer.starting_document(_skeleton())
    writer._set_core_properties(ours, doc)
    props, day = theirs.core_properties, date or dt.date(2000, 1, 1)
    props.content_status = "Draft" if watermark else ""
    props.title, props.subject = doc.announced_title, doc.meta.subject
    props.language = doc.meta.language
    props.author = props.last_modified_by = doc.meta.author
    props.revision = 1
    props.created = props.modified = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    assert _members(ours)["docProps/core.xml"] == _members(theirs)["docProps/core.xml"]


def _reachable(obj, seen=None) -> dict[int, object]:
    """Return every object of a python-docx graph reachable from `obj` (attributes, dicts, lists), by id."""
    seen = {} if seen is None else seen
    if isinstance(obj, (str, bytes, int, float, bool, type(None), type)) or id(obj) in seen:
        return seen
    seen[id(obj)] = obj
    children = list(obj.items()) if isinstance(obj, dict) else []
    children += list(obj) if isinstance(obj, list) else []
    children += list(vars(obj).values()) if hasattr(obj, "__dict__") and not isinstance(obj, etree._Element) else []
    for child in children:
        for item in child if isinstance(child, tuple) else (child,):
            _reachable(item, seen)
    return seen


def test_a_starting_document_shares_no_object_with_the_kept_one():
    """The copy's parts, relationships, dicts, lists and XML are all its own (strings alone are shared)."""
    skeleton = _skeleton()
    kept = _reachable(writer._opened(skeleton))
    copied = _reachable(writer.starting_document(skeleton))
    assert len(copied) == len(kept) > 20
    assert not set(copied) & set(kept)
    assert {type(o) for o in copied.values()} == {type(o) for o in kept.values()}
