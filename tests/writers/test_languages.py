"""The language of Lao, Khmer and Thai runs in the .docx, so a screen reader pronounces them.

On the old code these runs carried no w:lang: Word fell back to its default complex-script
language, Arabic (ar-SA). The PDF half (a /Lang on the words' marked content) is not done yet.
"""

import io
import re

import docx
import pytest
from docx.oxml.ns import qn
from sheets import document

from pipeline.writers import docx as docx_writer

RECORD = """layout: inl-country-program
title: Laos
issuer: Bureau of INL
date: 2026-11-22
lead: "Vientiane (ວຽງຈັນ), Phnom Penh (ភ្នំពេញ), Bangkok (กรุงเทพฯ) and **ວຽງຈັນ** in bold, Hà Nội."
"""
SCRIPTS = {"lo-LA": r"[\u0e80-\u0eff]", "km-KH": r"[\u1780-\u17ff]", "th-TH": r"[\u0e00-\u0e7f]"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    path = tmp_path_factory.mktemp("lang") / "r.yaml"
    path.write_text(RECORD, encoding="utf-8")
    word = docx.Document(io.BytesIO(docx_writer.render(document(path))))
    return [run for p in word.paragraphs for run in p.runs]


def _language(run) -> str | None:
    lang = run._r.rPr.find(qn("w:lang")) if run._r.rPr is not None else None
    return None if lang is None else lang.get(qn("w:bidi"))


@pytest.mark.parametrize("language", SCRIPTS)
def test_each_complex_script_run_carries_its_language(runs, language):
    mine = [run for run in runs if re.search(SCRIPTS[language], run.text)]
    assert mine and all(_language(run) == language for run in mine), [(r.text, _language(r)) for r in mine]


def test_latin_and_vietnamese_runs_keep_the_documents_language(runs):
    latin = [run for run in runs if not any(re.search(p, run.text) for p in SCRIPTS.values())]
    assert any("Hà Nội" in run.text for run in latin)
    assert all(_language(run) is None for run in latin)
