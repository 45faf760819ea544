"""Drafts kept on the server (serverdrafts): per sheet and per user, in the project's private folder,
removed when saved or discarded, bounded in size and number; and their routes."""

import re

import pytest

from pipeline.base import limits
from pipeline.workspace import serverdrafts
from pipeline.workspace.serverdrafts import Drafts, TooLarge


def test_a_draft_is_kept_per_user_and_sheet_until_it_is_the_saved_text(tmp_path):
    drafts = Drafts(tmp_path)
    drafts.keep("Ann Lee", "laos", "title: typed\n", "abc", saved="title: saved\n")
    assert drafts.kept("Ann Lee", "laos", "title: saved\n")["text"] == "title: typed\n"
    assert drafts.kept("Bo Chen", "laos", "title: saved\n") is None  # another user's sheet: nothing
    assert drafts.kept("Ann Lee", "other", "title: saved\n") is None
    assert drafts.kept("Ann Lee", "laos", "title: typed\n") is None  # saved since: nothing to offer
    drafts.keep("Ann Lee", "laos", "title: saved\n", "abc", saved="title: saved\n")  # typed back as saved
    assert not list(tmp_path.rglob("*.json"))


def test_drafts_are_private_ignored_by_git_and_never_name_the_user_in_a_path(tmp_path):
    Drafts(tmp_path).keep("Ann Lee", "laos", "x: 1\n", "", saved="")
    (found,) = tmp_path.rglob("*.json")
    assert found.relative_to(tmp_path).parts[:2] == (".factsheets", "drafts") and "Ann" not in str(found)
    assert (tmp_path / ".factsheets" / "drafts" / ".gitignore").read_text() == "*\n"


def test_a_draft_over_the_record_limit_is_refused_and_old_ones_are_dropped(tmp_path, monkeypatch):
    drafts = Drafts(tmp_path)
    with pytest.raises(TooLarge):
        drafts.keep("Ann", "laos", "x" * (limits.MAX_FILE_BYTES + 1), "", saved="")
    assert not list(tmp_path.rglob("*.json"))
    monkeypatch.setattr(serverdrafts, "PER_USER", 3)
    for n in range(5):
        drafts.keep("Ann", f"sheet-{n}", f"n: {n}\n", "", saved="")
    assert sorted(p.stem for p in tmp_path.rglob("*.json")) == ["sheet-2", "sheet-3", "sheet-4"]


def test_discard_removes_it_and_a_damaged_file_is_no_draft(tmp_path):
    drafts = Drafts(tmp_path)
    drafts.keep("Ann", "laos", "a: 1\n", "", saved="")
    drafts.discard("Ann", "laos")
    assert drafts.kept("Ann", "laos", "") is None
    drafts.keep("Ann", "laos", "a: 1\n", "", saved="")
    next(tmp_path.rglob("*.json")).write_text("{not json", encoding="utf-8")
    assert drafts.kept("Ann", "laos", "") is None


def test_the_routes_keep_offer_and_discard_with_the_session_token(project, monkeypatch):
    starlette = pytest.importorskip("starlette.testclient")
    from conftest import RECORDS

    from pipeline.builder.recipe import Options
    from pipeline.workspace.app import Project, create_app

    monkeypatch.chdir(project)
    sheet = RECORDS[0].id
    app = create_app(Project([project / "sources"], Options(jobs=1, time_limit=60)), workers_count=1)
    with starlette.TestClient(app, base_url="http://127.0.0.1") as client:
        page = client.get(f"/sheet/{sheet}").text
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
        assert client.post(f"/sheet/{sheet}/draft", data={"text": "typed: 1\r\n"}).status_code == 403  # no token
        kept = client.post(f"/sheet/{sheet}/draft", data={"text": "typed: 1\r\n", "loaded": "x", "csrf": csrf})
        assert kept.json() == {"kept": True}
        assert client.get(f"/sheet/{sheet}/draft").json()["text"] == "typed: 1\n"
        assert client.post(f"/sheet/{sheet}/draft", data={"discard": "1", "csrf": csrf}).json() == {"kept": False}
        assert client.get(f"/sheet/{sheet}/draft").json() == {}
        assert client.get("/sheet/nosuch/draft").status_code == 404
        assert not list((project / "sources").rglob("*.json"))
