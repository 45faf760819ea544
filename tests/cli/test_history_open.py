"""factsheets history ID --open VERSION: an earlier version's PDF and Word file, from its own text."""

import io
import json
import re

from conftest import RECORDS

from pipeline.history import record as history
from pipeline.history.who import Who

EDITABLE = next(r for r in RECORDS if not re.search(r'(?m)^title: "?\(', r.file.read_text(encoding="utf-8")))


def _retitle(project, title):
    file = project / "sources" / f"{EDITABLE.id}.yaml"
    text = re.sub(r"(?m)^title: .*$", f"title: {title}", file.read_text(encoding="utf-8"), count=1)
    with history.recording([file], Who("Alice Adams"), "save", project):
        file.write_text(text, encoding="utf-8")


def _words(pdf: bytes) -> str:
    import pypdf

    return " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages).split())


def test_open_writes_that_versions_pdf_and_docx(project, run_cli, tmp_path):
    _retitle(project, "Alpha Version Title")
    _retitle(project, "Bravo Version Title")
    versions = json.loads(run_cli("history", EDITABLE.id, "--json", cwd=project).out)
    older, newest = versions[1]["version"], versions[0]["version"]
    out = tmp_path / "opened"
    done = run_cli("history", EDITABLE.id, "--open", older[:8], "--out", out, cwd=project)
    assert done.code == 0, done.err
    pdf, docx = out / f"{EDITABLE.id}-{older}.pdf", out / f"{EDITABLE.id}-{older}.docx"
    assert "Alpha Version Title" in _words(pdf.read_bytes()) and docx.stat().st_size > 0
    assert f"{EDITABLE.id}-{older}.pdf" in done.out and "today's figures" in done.out  # data never recorded
    # the newest version opened is the sheet a build publishes now, byte for byte
    assert run_cli("history", EDITABLE.id, "--open", newest, "--out", out, cwd=project).code == 0
    assert run_cli("build", "sources", "--out", tmp_path / "built", cwd=project).code == 0
    assert (out / f"{EDITABLE.id}-{newest}.pdf").read_bytes() == (tmp_path / "built" / f"{EDITABLE.id}.pdf").read_bytes()


def test_open_an_unknown_version_says_so(project, run_cli, tmp_path):
    _retitle(project, "Alpha Version Title")
    done = run_cli("history", EDITABLE.id, "--open", "0123456789ab", "--out", tmp_path / "o", cwd=project)
    assert done.code != 0 and "is not one version" in done.err and "Traceback" not in done.err
    assert not (tmp_path / "o").exists()
