"""The workspace on hostile files in the project: links are never followed, one bad file costs only its own card."""

import os
import re

import pytest
from conftest import RECORDS

from pipeline.builder.recipe import Options

starlette = pytest.importorskip("starlette.testclient", reason="the workspace's web stack is not installed")

SECRET = "stolen: {value: 31337, label: The password is hunter2}\n"


@pytest.fixture
def workspace(project, run_cli, monkeypatch):
    """Return a test client of the workspace on a built scratch project (its working folder)."""
    assert run_cli("build", "-q", cwd=project).code == 0
    monkeypatch.chdir(project)
    from pipeline.workspace.app import Project, create_app

    app = create_app(Project([project / "sources"], Options(jobs=1, time_limit=60)), workers_count=1,
                     hosts=("testserver",))
    with starlette.TestClient(app) as client:
        yield client


@pytest.fixture
def secret(tmp_path_factory):
    """Return a file outside the project that a link could point at."""
    path = tmp_path_factory.mktemp("elsewhere") / "secret.yaml"
    path.write_text(f"layout: the-password-is-hunter2\ntitle: hunter2\n{SECRET}", encoding="utf-8")
    return path


def _csrf(client) -> str:
    """Return the session's token, from a real sheet's editor."""
    return re.search(r'name="csrf" value="([0-9a-f]+)"', client.get(f"/sheet/{RECORDS[0].id}").text).group(1)


def test_a_linked_record_is_a_refused_card_never_read_shown_or_saved_over(workspace, project, secret):
    """Before: the gallery, the editor and a save's conflict view all showed the linked file's text."""
    (project / "sources" / "linked.yaml").symlink_to(secret)
    gallery = workspace.get("/")
    assert gallery.status_code == 200 and 'data-sheet="linked"' in gallery.text
    assert "symbolic link" in gallery.text and "hunter2" not in gallery.text
    opened = workspace.get("/sheet/linked")
    assert opened.status_code == 403 and "symbolic link" in opened.text and "hunter2" not in opened.text
    saved = workspace.post("/sheet/linked/save", data={"text": "title: x\n", "csrf": _csrf(workspace),
                                                       "loaded": "0" * 64})
    assert saved.status_code == 403 and "symbolic link" in saved.text and "hunter2" not in saved.text
    assert (project / "sources" / "linked.yaml").is_symlink() and "hunter2" in secret.read_text()


def test_a_linked_data_file_is_never_shown_previewed_or_copied_into_the_project(workspace, project, secret):
    """Before: its values showed in the figures page and preview, and a save wrote them into sources/data/."""
    (project / "sources" / "data" / "leak.yaml").symlink_to(secret)
    page = workspace.get("/figures")
    assert page.status_code == 200 and "31337" not in page.text and "hunter2" not in page.text
    form = {"csrf": _csrf(workspace), "loaded": "0" * 64, "value:": "1"}
    assert workspace.post("/figures/data.leak.stolen/preview", data=form).status_code == 404
    assert workspace.post("/figures/data.leak.stolen/save", data=form).status_code == 404
    assert (project / "sources" / "data" / "leak.yaml").is_symlink()


def test_import_figures_into_a_link_is_refused_unread(project, run_cli, secret):
    """Before: `import figures --into` a link printed the linked file's figures in its plan."""
    (project / "new.csv").write_text("figure,value\nfresh,5\n", encoding="utf-8")
    (project / "sources" / "data" / "leak.yaml").symlink_to(secret)
    result = run_cli("import", "figures", "new.csv", "--into", "sources/data/leak.yaml", cwd=project)
    assert result.code != 0 and "symbolic link" in result.err
    assert "hunter2" not in result.out + result.err and "31337" not in result.out + result.err
    assert (project / "sources" / "data" / "leak.yaml").is_symlink()


def test_samples_still_open(workspace):
    """The rule costs the real files nothing."""
    assert workspace.get(f"/sheet/{RECORDS[0].id}").status_code == 200


def _preview(client, sheet_id: str):
    """Post a preview of a sheet's own text, as the editor does on each keystroke."""
    page = client.get(f"/sheet/{sheet_id}").text
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
    text = re.search(r'<textarea[^>]*>(.*?)</textarea>', page, re.S).group(1)
    import html
    return client.post(f"/sheet/{sheet_id}/preview", data={"text": html.unescape(text), "csrf": csrf})


@pytest.mark.parametrize("bad", ["deeply-nested-record", "pipe-in-data", "dangling-link-in-data"])
def test_one_bad_file_costs_only_its_own_card(workspace, project, bad):
    """Before: a 10 KB nested record made every page answer 500, a pipe froze the server, and a
    dangling link in the data folder broke every preview and save."""
    if bad == "deeply-nested-record":
        (project / "sources" / "nested.yaml").write_text("title: " + "[" * 10_000 + "\n", encoding="utf-8")
    elif bad == "pipe-in-data":
        os.mkfifo(project / "sources" / "data" / "pipe.yaml")
    else:
        (project / "sources" / "data" / "gone.yaml").symlink_to(project / "nowhere.yaml")
    assert workspace.get("/").status_code == 200
    assert workspace.get("/figures").status_code == 200
    for record in RECORDS:
        assert workspace.get(f"/sheet/{record.id}").status_code == 200, record.id
    shown = _preview(workspace, RECORDS[0].id)
    assert shown.status_code == 200 and "could not be made" not in shown.text, shown.text
    if bad == "deeply-nested-record":
        assert workspace.get("/sheet/nested").status_code == 200
