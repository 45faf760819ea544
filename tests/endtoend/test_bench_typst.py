"""The bench's Typst anchor (bench/typst_anchor.py) writes each sample's own text as Typst source, and
(where PyPI's `typst`, the `bench` extra, is installed) that source compiles to a PDF with the sheet's
title and a record's markup characters printed as typed. Nothing here is timed."""

import dataclasses
import io
from pathlib import Path

import benchcode
import pytest
from pypdf import PdfReader
from sheets import document

from pipeline.document.tree import Paragraph, Run, block_texts

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "sources").glob("*.yaml"))
TRICKY = 'a #set page(width: 1pt) *not bold* $x$ "quoted" back\\slash = [b] <c> @d'


anchor = benchcode.load("typst_anchor")


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", " ") + '"'


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_the_source_carries_every_text_of_the_body_as_a_string(sample):
    doc = document(sample)
    source = anchor.source(doc)
    for block in doc.body:
        for text in block_texts(block):
            if text.strip():  # a run-split paragraph is checked run by run below
                runs = [r.text for r in getattr(block, "inlines", ()) if isinstance(r, Run)]
                assert all(_literal(r) in source for r in runs) or _literal(text) in source, text
    assert _literal(doc.meta.title) in source


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_each_sample_compiles_to_a_pdf_with_its_title_and_markup_as_text(sample, tmp_path):
    doc = document(sample)
    tricky = Paragraph("Normal", (Run(TRICKY),))
    doc = dataclasses.replace(doc, body=(*doc.body, tricky))
    path = tmp_path / f"{sample.stem}.typ"
    path.write_text(anchor.source(doc), encoding="utf-8")
    pdf = PdfReader(io.BytesIO(anchor.compile_pdf(path)))
    text = _words(" ".join(page.extract_text() for page in pdf.pages))
    assert pdf.metadata.title == doc.meta.title
    assert _words(doc.meta.title) in text  # the sample's title is printed on the sheet
    assert TRICKY in text  # a record's characters are text, never Typst markup
