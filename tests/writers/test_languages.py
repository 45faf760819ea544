"""The language of Lao, Khmer and Thai text in both formats, so a screen reader pronounces it.

On the old code the .docx runs carried no w:lang (Word fell back to its default complex-script
language, Arabic, ar-SA) and the PDF's words inherited the document's English: no /Lang on their
marked content (the PDF tests below fail there).
"""

import io
import random
import re

import docx
import pikepdf
import pytest
from docx.oxml.ns import qn
from sheets import ROOT, document

from pipeline.writers import docx as docx_writer
from pipeline.writers import pdf as pdf_writer

RECORD = """layout: inl-country-program
title: Laos
issuer: Bureau of INL
date: 2026-11-22
lead: "Vientiane (ວຽງຈັນ), Phnom Penh (ភ្នំពេញ), Bangkok (กรุงเทพฯ) and **ວຽງຈັນ** in bold, Hà Nội."
"""
SCRIPTS = {"lo-LA": r"[\u0e80-\u0eff]", "km-KH": r"[\u1780-\u17ff]", "th-TH": r"[\u0e00-\u0e7f]"}
FACES = {"lo-LA": "NotoSerifLao", "km-KH": "NotoSerifKhmer", "th-TH": "NotoSerifThai"}
# Letters to make words from: consonants and vowels each script writes after its consonant.
LETTERS = {"lo-LA": ("ກຂຄງຈສຊຍດຕຖທນບປຜຝພຟມຢຣລວຫອຮ", "າິີຶືຸູ"),
           "km-KH": ("កខគឃងចឆជឈញដឋឌឍណតថទធនបផពភមយរលវសហឡអ", "ាិីឹឺុូ"),
           "th-TH": ("กขคงจฉชซญดตถทธนบปผพฟภมยรลวศษสหอฮ", "าิีึืุู")}


def generated_record() -> str:
    """Return a record whose lead mixes made-up Lao, Khmer and Thai words with English, seeded."""
    rng = random.Random(22)
    words = []
    for _ in range(60):
        language = rng.choice([*LETTERS, "en", "en"])
        if language == "en":
            words.append(rng.choice(["Vientiane", "province", "and", "the", "(program)", "2026"]))
            continue
        consonants, vowels = LETTERS[language]
        words.append("".join(rng.choice(consonants) + rng.choice(["", *vowels]) for _ in range(rng.randint(1, 4))))
    return RECORD.replace(RECORD.split("lead: ")[1], '"' + " ".join(words) + '."\n')


def script_words(text: str) -> dict[str, list[str]]:
    """Return each language's words (runs of its script's letters) in a text."""
    return {language: re.findall(f"{pattern}+", text) for language, pattern in SCRIPTS.items()}


def samples() -> list:
    """Return the sample records that hold Lao, Khmer or Thai text."""
    return [path for path in sorted((ROOT / "sources").glob("*.yaml"))
            if any(script_words(path.read_text(encoding="utf-8")).values())]


@pytest.fixture(scope="module")
def sheets(tmp_path_factory) -> dict:
    """Return, per sheet (the test record, a generated one, the samples with these scripts): its
    text's words per language, its .docx and its PDF."""
    folder = tmp_path_factory.mktemp("lang")
    records = {"test-record": RECORD, "generated": generated_record()}
    paths = [*samples()]
    for name, text in records.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
        paths.append(folder / f"{name}.yaml")
    out = {}
    for path in paths:
        tree = document(path)
        out[path.stem] = (script_words(path.read_text(encoding="utf-8")), docx_writer.render(tree),
                          pdf_writer.render(tree))
    return out


def test_a_sample_holds_lao():
    assert any(script_words(p.read_text(encoding="utf-8"))["lo-LA"] for p in samples())


def runs(docx_bytes: bytes) -> list:
    """Return every run of a .docx's body."""
    word = docx.Document(io.BytesIO(docx_bytes))
    return [run for p in word.paragraphs for run in p.runs]


def _language(run) -> str | None:
    lang = run._r.rPr.find(qn("w:lang")) if run._r.rPr is not None else None
    return None if lang is None else lang.get(qn("w:bidi"))


@pytest.mark.parametrize("language", SCRIPTS)
def test_each_complex_script_run_carries_its_language_in_the_docx(sheets, language):
    for name, (words, word_file, _) in sheets.items():
        mine = [run for run in runs(word_file) if re.search(SCRIPTS[language], run.text)]
        assert all(_language(run) == language for run in mine), (name, [(r.text, _language(r)) for r in mine])
        found = [w for run in mine for w in script_words(run.text)[language]]
        assert sorted(found) == sorted(words[language]), name  # every word of the record, each once


def test_latin_and_vietnamese_runs_keep_the_documents_language(sheets):
    latin = [run for run in runs(sheets["test-record"][1])
             if not any(re.search(p, run.text) for p in SCRIPTS.values())]
    assert any("Hà Nội" in run.text for run in latin)
    assert all(_language(run) is None for run in latin)


def pdf_text_runs(pdf_bytes: bytes) -> list[tuple[str, str | None, str | None]]:
    """Return every text-showing operator of a PDF's pages as (face, innermost marked content's
    /Lang, its /ActualText), reading the content streams with pikepdf."""
    out = []
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        for page in pdf.pages:
            fonts = page.Resources.Font
            stack, face = [], ""
            for operands, op in pikepdf.parse_content_stream(page):
                op = str(op)
                if op == "BDC":
                    props = operands[1] if isinstance(operands[1], pikepdf.Dictionary) else {}
                    stack.append((str(props.get("/Lang", "")) or None, str(props.get("/ActualText", "")) or None))
                elif op == "BMC":
                    stack.append((None, None))
                elif op == "EMC":
                    stack.pop()
                elif op == "Tf":
                    face = str(fonts[operands[0]].BaseFont).split("+")[-1]
                elif op in ("Tj", "TJ", "'", '"'):
                    out.append((face, *(stack[-1] if stack else (None, None))))
    return out


@pytest.mark.parametrize("language", SCRIPTS)
def test_every_complex_script_word_in_the_pdf_carries_its_language(sheets, language):
    """Every glyph drawn in the script's face is in marked content whose /Lang is that script's
    language, and the words those spans stand for are the record's words (each once)."""
    for name, (words, _, pdf_file) in sheets.items():
        drawn = [(face, lang, actual) for face, lang, actual in pdf_text_runs(pdf_file)
                 if face.startswith(FACES[language])]
        assert len(drawn) >= (1 if words[language] else 0), name
        assert all(lang == language for _, lang, _ in drawn), (name, drawn)
        spoken = [w for _, _, actual in drawn if actual for w in script_words(actual)[language]]
        assert set(spoken) <= set(words[language]), name


def test_latin_text_in_the_pdf_has_no_language_of_its_own(sheets):
    """English and Vietnamese text ("Hà Nội") takes the document's /Lang: no span of its own."""
    drawn = pdf_text_runs(sheets["test-record"][2])
    latin = [lang for face, lang, _ in drawn if face.startswith("LiberationSerif")]
    assert latin and all(lang is None for lang in latin)
