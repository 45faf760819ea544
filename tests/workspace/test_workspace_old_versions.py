"""The History tab opens any version's PDF and Word file: built on demand from that version's text, then kept."""

import io
import re

import pytest
from test_workspace_identity import EDITABLE, HEADER, _client, _save

from pipeline.history import oldsheet
from pipeline.history import record as history
from pipeline.history.who import Who
from pipeline.workspace.identity import Identity

pytest.importorskip("starlette.testclient", reason="the workspace's web stack is not installed")
ALICE = {HEADER: "alice"}


def _pdf_text(body: bytes) -> str:
    """Return a PDF's words, in one line."""
    import pypdf

    return " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(body)).pages).split())


def _versions(client) -> list[str]:
    page = client.get(f"/sheet/{EDITABLE.id}/history", headers=ALICE)
    assert page.status_code == 200
    return re.findall(r'<tr data-version="([0-9a-f]+)">', page.text), page.text


def test_each_version_opens_as_its_own_pdf_and_docx_then_is_kept(project, monkeypatch):
    import zipfile

    with _client(project, Identity(HEADER, ("testclient",)), monkeypatch) as client:
        assert _save(client, "Alpha Version Title", ALICE).status_code == 200
        assert _save(client, "Bravo Version Title", ALICE).status_code == 200
        (newest, older, *_), page = _versions(client)
        assert f"/sheet/{EDITABLE.id}/version/{older}.pdf" in page and f"/version/{older}.docx" in page
        first = client.get(f"/sheet/{EDITABLE.id}/version/{older}.pdf", headers=ALICE)
        second = client.get(f"/sheet/{EDITABLE.id}/version/{newest}.pdf", headers=ALICE)
        assert first.status_code == 200 and first.headers["content-type"] == "application/pdf"
        assert "Alpha Version Title" in _pdf_text(first.content) and "Bravo" not in _pdf_text(first.content)
        assert "Bravo Version Title" in _pdf_text(second.content)
        word = client.get(f"/sheet/{EDITABLE.id}/version/{older}.docx", headers=ALICE)
        assert "Alpha Version Title" in zipfile.ZipFile(io.BytesIO(word.content)).read("word/document.xml").decode()
        kept = sorted((project / "output" / oldsheet.FOLDER / EDITABLE.id).glob(f"{older}-*.pdf"))
        assert len(kept) == 1 and kept[0].read_bytes() == first.content
        when = kept[0].stat().st_mtime_ns
        again = client.get(f"/sheet/{EDITABLE.id}/version/{older}.pdf", headers=ALICE)
        assert again.content == first.content and kept[0].stat().st_mtime_ns == when  # served as kept, not rebuilt


def test_an_unknown_version_is_404_with_a_message(project, monkeypatch):
    with _client(project, Identity(HEADER, ("testclient",)), monkeypatch) as client:
        missing = client.get(f"/sheet/{EDITABLE.id}/version/0123456789ab.pdf", headers=ALICE)
        assert missing.status_code == 404 and "is not one version" in missing.text


def test_a_version_that_no_longer_builds_is_a_plain_message(project, monkeypatch):
    file = project / "sources" / f"{EDITABLE.id}.yaml"
    good = file.read_text(encoding="utf-8")
    with history.recording([file], Who("alice"), "save", project):
        file.write_text(re.sub(r"(?m)^title: .*\n", "", good, count=1), encoding="utf-8")  # no title: cannot build
    with history.recording([file], Who("alice"), "save", project):
        file.write_text(good, encoding="utf-8")
    with _client(project, Identity(HEADER, ("testclient",)), monkeypatch) as client:
        versions, _ = _versions(client)
        broken = client.get(f"/sheet/{EDITABLE.id}/version/{versions[1]}.pdf", headers=ALICE)
    assert broken.status_code == 422
    assert "cannot be built" in broken.text and "title" in broken.text and "Traceback" not in broken.text
