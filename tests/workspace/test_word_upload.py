"""The workspace's "Upload the Word file": the same changes as `factsheets import docx`, saved on request."""

import re

import pytest
import wordedit

from pipeline.builder.recipe import Options

starlette = pytest.importorskip("starlette.testclient", reason="the workspace's web stack is not installed")


@pytest.fixture
def workspace(project, run_cli, monkeypatch):
    """A test client of the workspace on a built scratch project (its working folder)."""
    assert run_cli("build", "-q", cwd=project).code == 0
    monkeypatch.chdir(project)
    from pipeline.workspace.app import Project, create_app

    app = create_app(Project([project / "sources"], Options(jobs=1, time_limit=60)), workers_count=1,
                     hosts=("testserver",))
    with starlette.TestClient(app) as client:
        yield client, project


def _edited(project):
    doc = wordedit.open_docx(project / "output/laos-inl.docx")
    wordedit.replace_in(wordedit.paragraph(doc, "INL supports community-based"), "hospitals", "clinics")
    wordedit.replace_in(wordedit.paragraph(doc, "Challenges:"), "5,700", "6,100")
    return wordedit.save(doc, project / "edited.docx").read_bytes()


def _token(client):
    page = client.get("/sheet/laos-inl/word")
    assert page.status_code == 200 and 'type="file"' in page.text
    return re.search(r'id="csrf" value="([0-9a-f]+)"', page.text).group(1)


def test_upload_shows_the_changes_then_saves_them(workspace):
    """Fails on the old workspace: it had no upload."""
    client, project = workspace
    assert "/sheet/laos-inl/word" in client.get("/sheet/laos-inl").text
    data, token = _edited(project), _token(client)
    record = project / "sources/laos-inl.yaml"
    before = record.read_text()
    shown = client.post("/sheet/laos-inl/word", content=data, headers={"x-csrf-token": token})
    assert shown.status_code == 200
    assert "bullet 3 of section 4: reworded “in hospitals across” as “in clinics across”" in shown.text
    assert "you changed 5,700 to 6,100 where the sheet prints data.unodc.laos_opium_ha 2018" in shown.text
    assert 'id="word-write"' in shown.text and record.read_text() == before
    saved = client.post("/sheet/laos-inl/word?write=1", content=data, headers={"x-csrf-token": token})
    assert saved.status_code == 200 and "Saved from the Word file" in saved.text
    assert "in clinics across" in record.read_text() and "6,100" not in record.read_text()


def test_upload_refuses_a_bad_token_and_a_broken_file(workspace):
    client, project = workspace
    token = _token(client)
    assert client.post("/sheet/laos-inl/word", content=b"x", headers={"x-csrf-token": "0" * 64}).status_code == 403
    broken = client.post("/sheet/laos-inl/word", content=b"not a zip", headers={"x-csrf-token": token})
    assert broken.status_code == 400 and "not a zip package" in broken.text
