"""The Word round trip with LibreOffice as the real client: build, edit in LibreOffice (through UNO),
import with --write, build again: the new sheet prints exactly the edited text, figures still figures."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

from pipeline.authoring import docxread

RECORDS = sorted((ROOT / "sources").glob("*.yaml"))
SCRIPT = Path(__file__).resolve().parents[1] / "lo_edit.py"
UNO = shutil.which("soffice") and subprocess.run(["/usr/bin/python3", "-c", "import uno"],
                                                 capture_output=True).returncode == 0

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not UNO, reason="needs LibreOffice and Debian's python3-uno (apt: python3-uno)")]


def _texts(path: Path) -> list[str]:
    return [p.text() for p in docxread.read(path).paragraphs if p.text().strip()]


def _plans(sheet: dict) -> tuple[list[dict], dict]:
    """Return the LibreOffice edits for one sheet (the six kinds where the sheet has a place for them)."""
    paras = [("".join(r[0] for r in p["runs"]), p) for p in sheet["paragraphs"]]

    def field_of(p):
        return p["fields"][0]["field"] if len(p["fields"]) == 1 and p["fields"][0]["start"] == 0 else ""

    texts = [t for t, _ in paras]
    ops, expect = [], {"figure": None, "bold": None}
    title = next(t for t, p in paras if field_of(p) == "title")
    ops.append({"op": "append", "para": title, "add": " (revised)"})
    bullets = [(t, p) for t, p in paras if re.search(r"bullets\[\d+\]$", field_of(p))
               and not p["fields"][0]["figures"] and texts.count(t) == 1]
    if bullets:
        text, _ = bullets[0]
        word = text.split(" ")[1]
        at = text.index(word)
        ops.append({"op": "set", "para": text, "at": at, "len": len(word), "to": "revised"})
        mark = re.match(r"\([A-Z/]+\) ", text)  # an internal paper's bullets open with a portion mark
        ops.append({"op": "insert_after", "para": text[:at] + "revised" + text[at + len(word):],
                    "text": (mark.group() if mark else "") + "A bullet typed in LibreOffice."})
        if len(bullets) > 1:
            ops.append({"op": "delete", "para": bullets[-1][0]})
    prose = [(t, p) for t, p in paras if p["fields"] and p["fields"][-1]["field"].endswith((".text", "lead"))
             and texts.count(t) == 1]
    figured = next(((t, f) for t, p in paras for s in p["fields"] for f in s["figures"]
                    if p["style"] != "Table Text" and texts.count(t) == 1), None)
    if figured:
        text, figure = figured
        ops.append({"op": "set", "para": text, "at": figure["start"], "len": figure["end"] - figure["start"],
                    "to": "9,999"})
        expect["figure"] = figure
        prose = [(t, p) for t, p in prose if t != text]
    if prose:
        text, p = prose[0]
        ops.append({"op": "append", "para": text, "add": " One sentence added in LibreOffice."})
        word = next(w for w in text.split(" ")[2:] if w.isalpha() and len(w) > 3)
        ops.append({"op": "bold", "para": text + " One sentence added in LibreOffice.",
                    "at": text.index(" " + word + " ") + 1, "len": len(word)})
        expect["bold"] = word
    return ops, expect


@pytest.mark.parametrize("record", RECORDS, ids=lambda p: p.stem)
def test_libreoffice_edits_come_back_exactly(record, project, run_cli, tmp_path):
    assert run_cli("build", cwd=project).code == 0
    sheet = json.loads((project / "output/.map" / f"{record.stem}.json").read_text())
    ops, expect = _plans(sheet)
    (tmp_path / "ops.json").write_text(json.dumps(ops), encoding="utf-8")
    edited = tmp_path / "edited.docx"
    done = subprocess.run(["/usr/bin/python3", str(SCRIPT), str(project / "output" / f"{record.stem}.docx"),
                           str(edited), str(tmp_path / "ops.json"), str(tmp_path / "profile")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and edited.is_file(), done.stderr
    typed = _texts(edited)
    before = (project / "sources" / record.name).read_text()

    shown = run_cli("import", "docx", edited, "--write", cwd=project)
    assert shown.code == 0, shown.err
    assert "not taken (do these by hand)" not in shown.out, shown.out
    if expect["figure"]:
        assert f"you changed {expect['figure']['printed']} to 9,999 where the sheet prints" in shown.out
        typed = [t.replace("9,999", expect["figure"]["printed"]) for t in typed]  # the figure stays
    after = (project / "sources" / record.name).read_text()
    assert after.count("{{") == before.count("{{")  # every figure is still a figure

    assert run_cli("build", cwd=project).code == 0
    rebuilt = project / "output" / f"{record.stem}.docx"
    assert _texts(rebuilt) == typed
    if expect["bold"]:
        pieces = [p for para in docxread.read(rebuilt).paragraphs for p in para.pieces]
        assert any(p.bold and p.text == expect["bold"] for p in pieces)
