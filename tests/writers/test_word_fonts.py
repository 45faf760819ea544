"""The .docx carries the Noto Serif faces its Lao, Khmer and Thai text is drawn in: whole, obfuscated
as Office Open XML requires, keyed by a hash, and only when the sheet has such text.

LibreOffice's reading of them, with the fonts not installed, is tested in test_word_fonts_libreoffice.py.
"""

import re
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest
import uharfbuzz as hb
from conftest import RECORDS
from sheets import document
from test_scripts import BOLD_ITALIC, KHMER, LAO, LEAD, RECORD, THAI, shaped_words

from pipeline.base import fonts
from pipeline.writers import docx as docx_writer
from pipeline.writers import pdf as pdf_writer
from pipeline.writers import wordfonts

ROOT = Path(__file__).resolve().parents[2]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FONT_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"
SHAPED = fonts.FAMILIES[1:]


def embedded_faces(path: Path) -> list[dict]:
    """Return each font the .docx embeds: its name, element, key, part name, stored and plain bytes."""
    with zipfile.ZipFile(path) as package:
        table = package.read("word/fontTable.xml").decode()
        rels = package.read("word/_rels/fontTable.xml.rels").decode() if "word/_rels/fontTable.xml.rels" in \
            package.namelist() else ""
        targets = dict(re.findall(r'Id="(rId\d+)" Type="' + re.escape(FONT_REL) + r'" Target="([^"]+)"', rels))
        out = []
        for name, body in re.findall(r'<w:font w:name="([^"]+)">(.*?)</w:font>', table):
            for element, rid, key in re.findall(r'<w:(embed\w+) r:id="(rId\d+)" w:fontKey="([^"]+)"', body):
                stored = package.read(f"word/{targets[rid]}")
                out.append({"name": name, "element": element, "key": key, "part": f"word/{targets[rid]}",
                            "stored": stored, "font": deobfuscate(stored, key)})
    return out


def deobfuscate(data: bytes, key: str) -> bytes:
    """Undo the obfuscation as LibreOffice reads it: key byte i is the GUID's hex pair at position
    35, 33, … 1 of "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}", XORed over the first 32 bytes."""
    positions = (35, 33, 31, 29, 27, 25, 22, 20, 17, 15, 12, 10, 7, 5, 3, 1)
    mask = [int(key[p:p + 2], 16) for p in positions]
    return bytes(b ^ mask[i % 16] if i < 32 else b for i, b in enumerate(data))


def deobfuscate_windows(data: bytes, key: str) -> bytes:
    """Undo the obfuscation with the GUID's bytes as Windows stores them (XPS readers' order), reversed."""
    mask = uuid.UUID(key).bytes_le[::-1]
    return bytes(b ^ mask[i % 16] if i < 32 else b for i, b in enumerate(data))


def font_names(data: bytes) -> tuple[str, str]:
    """Return a font's family and subfamily names (name IDs 1 and 2)."""
    face = hb.Face(data)
    return face.get_name(1), face.get_name(2)


def cmap(data: bytes) -> set[str]:
    """Return the characters a font maps to glyphs."""
    return {chr(cp) for cp in hb.Face(data).unicodes}


def render(folder: Path, text: str) -> Path:
    """Write the mixed-script record with `text` as its whole content; return its .docx."""
    record = folder / "sheet.yaml"
    record.write_text(text, encoding="utf-8")
    out = folder / "sheet.docx"
    out.write_bytes(docx_writer.render(document(record)))
    return out


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """Return the mixed-script record's .docx and its PDF's shaped words (text, face)."""
    folder = tmp_path_factory.mktemp("wordfonts")
    record = folder / "scripts.yaml"
    record.write_text(RECORD, encoding="utf-8")
    doc = document(record)
    (folder / "scripts.docx").write_bytes(docx_writer.render(doc))
    (folder / "scripts.pdf").write_bytes(pdf_writer.render(doc))
    return {"docx": folder / "scripts.docx", "words": {(w.text, w.font) for w in shaped_words(folder / "scripts.pdf")}}


def test_each_face_the_pdf_draws_is_embedded_with_the_characters_it_draws(mixed):
    """Regular and bold of Lao, Khmer and Thai, each named as Word's font table names it, in a font
    whose own names are that family and face, whose characters cover every word the PDF draws in it."""
    faces = embedded_faces(mixed["docx"])
    assert [(f["name"], f["element"]) for f in faces] == [
        (family.word, element) for family in SHAPED for element in ("embedRegular", "embedBold")]
    for face in faces:
        bold = face["element"] == "embedBold"
        assert font_names(face["font"]) == (face["name"], "Bold" if bold else "Regular")
        drawn = {text for text, pdf_face in mixed["words"]
                 if pdf_face == f"{face['name'].replace(' ', '')}-{'Bold' if bold else 'Regular'}"}
        assert drawn and set("".join(drawn)) <= cmap(face["font"]), face["name"]


def test_the_fonts_are_obfuscated_and_round_trip(mixed):
    """Each part is its font with the first 32 bytes XORed with the reversed GUID: not a readable
    font as stored, the bundled font once undone (as LibreOffice reads the key, and as Windows
    stores a GUID), the rest untouched."""
    for face in embedded_faces(mixed["docx"]):
        stored, font = face["stored"], face["font"]
        assert re.fullmatch(r"\{[0-9A-F]{8}-([0-9A-F]{4}-){3}[0-9A-F]{12}\}", face["key"])
        assert font[:4] == b"\x00\x01\x00\x00" and stored[:4] != font[:4] and stored[32:] == font[32:]
        bundled = next(f for f in SHAPED if f.word == face["name"]).face(face["element"] == "embedBold", False)
        assert font == fonts.verified_path(bundled).read_bytes()  # whole: staff may type any letter
        assert wordfonts.obfuscate(font, face["key"]) == stored
        assert deobfuscate_windows(stored, face["key"]) == font  # both readings of the key agree
        assert wordfonts.font_key(font) == face["key"]  # from the font's bytes, never random
    whole = fonts.verified_path("NotoSerifLao-Regular").read_bytes()
    key = wordfonts.font_key(whole)
    assert wordfonts.obfuscate(wordfonts.obfuscate(whole, key), key) == whole


def test_parts_settings_and_content_types(mixed):
    """The parts are word/fonts/fontN.odttf of the obfuscated-font type; settings.xml says the file
    embeds its fonts (whole, so no w:saveSubsetFonts), in the schema's place (after w:zoom)."""
    with zipfile.ZipFile(mixed["docx"]) as package:
        types = package.read("[Content_Types].xml").decode()
        settings_xml = package.read("word/settings.xml").decode()
        names = package.namelist()
    parts = [name for name in names if name.startswith("word/fonts/")]
    assert parts == [f"word/fonts/font{n}.odttf" for n in range(1, 7)]
    for part in parts:
        assert (f'<Override PartName="/{part}" '
                f'ContentType="application/vnd.openxmlformats-officedocument.obfuscatedFont"/>') in types
    assert re.search(r"<w:zoom [^>]*/><w:embedTrueTypeFonts/><w:defaultTabStop", settings_xml)


@pytest.mark.parametrize("script", [LAO, KHMER, THAI])
def test_only_the_scripts_a_sheet_uses_are_embedded(tmp_path, script):
    """A sheet with one of the three scripts carries that family alone (regular: no bold text has it)."""
    text = (RECORD.replace(f"Place names {LAO}", "Place names").replace(LEAD, f"Only {script} here.")
            .replace(f"Capitals {LAO} {KHMER} {THAI}", "Capitals").replace(BOLD_ITALIC, "Plain words."))
    faces = embedded_faces(render(tmp_path, text))
    family = next(f for f in SHAPED if fonts.pieces(script)[0][1] is f)
    assert [(f["name"], f["element"]) for f in faces] == [(family.word, "embedRegular")]


def test_samples_embed_exactly_the_scripts_they_print(built):
    """Every sample in sources/: a font part per complex-script face its runs name, none for a sheet
    without such text (its package has no font parts, relationships or embedding settings)."""
    kinds = set()
    for record in RECORDS:
        path = built[record.id]["docx"]
        with zipfile.ZipFile(path) as package:
            body = "".join(package.read(n).decode() for n in package.namelist()
                           if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n))
            names, settings_xml = package.namelist(), package.read("word/settings.xml").decode()
        named = set(re.findall(r'<w:rFonts w:cs="([^"]+)" w:hint="cs"/>', body))
        assert {face["name"] for face in embedded_faces(path)} == named, record.id
        if not named:
            assert not any("fonts/" in name or "fontTable.xml.rels" in name for name in names), record.id
            assert "embedTrueTypeFonts" not in settings_xml, record.id
        kinds.add(bool(named))
    assert True in kinds  # sources/laos-embassy-inl.yaml prints Vientiane in Lao


def test_the_file_is_byte_stable_across_processes(mixed):
    """The same sheet gives the same .docx bytes in a fresh process (no cache, no random key)."""
    script = ("import sys; sys.path.insert(0, 'tests'); from pathlib import Path; from sheets import document;"
              "from pipeline.writers import docx\n"
              "sys.stdout.buffer.write(docx.render(document(Path(sys.argv[1]))))")
    fresh = subprocess.run([sys.executable, "-c", script, str(mixed["docx"].with_suffix(".yaml"))], cwd=ROOT,
                           check=True, capture_output=True).stdout
    assert fresh == mixed["docx"].read_bytes()
