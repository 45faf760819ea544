"""Who saves in the workspace: the proxy's header from the proxy's address only, or the one local user."""

import re

import pytest
from conftest import RECORDS

from pipeline.builder.recipe import Options
from pipeline.history.store import Store
from pipeline.history.who import Who
from pipeline.workspace.identity import Identity

starlette = pytest.importorskip("starlette.testclient", reason="the workspace's web stack is not installed")

HEADER = "X-Auth-Request-User"
EDITABLE = next(r for r in RECORDS if not re.search(r'(?m)^title: "?\(', r.file.read_text(encoding="utf-8")))


def _client(project, identity, monkeypatch):
    """Return a test client of the workspace on a scratch project (no build: saves build in a worker)."""
    monkeypatch.chdir(project)
    from pipeline.workspace.app import Project, create_app

    app = create_app(Project([project / "sources"], Options(jobs=1, time_limit=60), identity), workers_count=1,
                     hosts=("testserver",))
    return starlette.TestClient(app)


def _save(client, title, headers):
    """Open the editable sheet and save it retitled, as the user the headers name."""
    page = client.get(f"/sheet/{EDITABLE.id}", headers=headers).text
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
    loaded = re.search(r'id="loaded" name="loaded" value="([0-9a-f]+)"', page).group(1)
    text = re.search(r"<textarea[^>]*>\n?(.*?)</textarea>", page, re.S).group(1)
    import html
    text = re.sub(r"(?m)^title: .*$", f"title: {title}", html.unescape(text), count=1)
    return client.post(f"/sheet/{EDITABLE.id}/save", data={"text": text, "csrf": csrf, "loaded": loaded},
                       headers=headers)


def test_two_users_through_the_proxy_header_are_each_recorded(project, monkeypatch):
    # Starlette's test client connects from the address "testclient": here, the proxy's
    with _client(project, Identity(HEADER, ("testclient",)), monkeypatch) as client:
        assert _save(client, "Alice's Title", {HEADER: "alice"}).status_code == 200
        assert _save(client, "Bob's Title", {HEADER: "bob"}).status_code == 200
    file = project / "sources" / f"{EDITABLE.id}.yaml"
    versions = Store.open(file, project).versions(file)
    assert [v.who for v in versions[:2]] == ["bob", "alice"]
    assert versions[0].what == ['title: "Alice\'s Title" → "Bob\'s Title"']


def test_an_untrusted_address_sending_the_header_is_refused(project, monkeypatch):
    file = project / "sources" / f"{EDITABLE.id}.yaml"
    before = file.read_bytes()
    with _client(project, Identity(HEADER, ("10.0.0.1",)), monkeypatch) as client:
        refused = client.get(f"/sheet/{EDITABLE.id}", headers={HEADER: "alice"})
        assert refused.status_code == 403 and "sign-in" in refused.text
        posted = client.post(f"/sheet/{EDITABLE.id}/save", data={"text": "title: x\n"}, headers={HEADER: "alice"})
        assert posted.status_code == 403
    assert file.read_bytes() == before


def test_the_proxy_without_the_header_is_refused(project, monkeypatch):
    with _client(project, Identity(HEADER, ("testclient",)), monkeypatch) as client:
        assert client.get("/").status_code == 403


def test_one_local_user_named_by_serve_user(project, monkeypatch):
    with _client(project, Identity(user="R. Roe"), monkeypatch) as client:
        assert _save(client, "Local Title", {}).status_code == 200
    file = project / "sources" / f"{EDITABLE.id}.yaml"
    assert Store.open(file, project).versions(file)[0].who == "R. Roe"


def test_publish_is_refused_until_someone_other_than_the_editor_clears_it(project, monkeypatch):
    import yaml

    from pipeline.history import clearance

    file = project / "sources" / f"{EDITABLE.id}.yaml"
    layout = yaml.safe_load(file.read_text(encoding="utf-8"))["layout"]
    (project / "factsheets.toml").write_text(f'[clearance]\n"{layout}" = "another"\n', encoding="utf-8")
    if not re.search(r"(?m)^status: draft", file.read_text(encoding="utf-8")):
        file.write_text(file.read_text(encoding="utf-8") + "status: draft\n", encoding="utf-8")
    alice = {HEADER: "alice"}

    def publish(client):
        page = client.get(f"/sheet/{EDITABLE.id}", headers=alice).text
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
        loaded = re.search(r'id="loaded" name="loaded" value="([0-9a-f]+)"', page).group(1)
        return client.post(f"/sheet/{EDITABLE.id}/publish", headers=alice,
                           data={"text": file.read_text(encoding="utf-8"), "csrf": csrf, "loaded": loaded})

    with _client(project, Identity(HEADER, ("testclient",)), monkeypatch) as client:
        assert _save(client, "Alice's Title", alice).status_code == 200
        refused = publish(client)
        assert refused.status_code == 409 and "one person other than the last editor (alice)" in refused.text
        assert re.search(r"(?m)^status: draft", file.read_text(encoding="utf-8"))
        store = Store.open(file, project)
        clearance.act(store, file, Who("bob"), "clear")
        assert publish(client).status_code == 200
    assert not re.search(r"(?m)^status: draft", file.read_text(encoding="utf-8"))
    assert Store.open(file, project).versions(file)[0].action == "publish"


def _token(client, headers):
    page = client.get(f"/sheet/{EDITABLE.id}/history", headers=headers)
    assert page.status_code == 200
    return page.text, re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)


def test_history_tab_compare_redline_restore_and_clearance(project, monkeypatch):
    import io
    import zipfile

    file = project / "sources" / f"{EDITABLE.id}.yaml"
    alice, bob = {HEADER: "alice"}, {HEADER: "bob"}
    with _client(project, Identity(HEADER, ("testclient",)), monkeypatch) as client:
        _save(client, "Alice's Title", alice)
        alice_text = file.read_bytes()
        _save(client, "Bob's Title", bob)
        page, csrf = _token(client, alice)
        versions = re.findall(r'<tr data-version="([0-9a-f]+)">', page)
        assert len(versions) == 3 and "alice" in page and "bob" in page
        compared = client.get(f"/sheet/{EDITABLE.id}/compare", params={"a": versions[1], "b": versions[0]},
                              headers=alice)
        assert "<del>Alice&#39;s " in compared.text and "<ins>Bob&#39;s " in compared.text
        docx = client.get(f"/sheet/{EDITABLE.id}/compare", params={"a": versions[1], "b": versions[0], "as": "docx"},
                          headers=alice)
        xml = zipfile.ZipFile(io.BytesIO(docx.content)).read("word/document.xml").decode("utf-8")
        assert xml.count('w:author="bob"') == 2  # one deletion, one insertion
        restored = client.post(f"/sheet/{EDITABLE.id}/restore", data={"csrf": csrf, "version": versions[1]},
                               headers=alice, follow_redirects=False)
        assert restored.status_code == 303 and file.read_bytes() == alice_text
        cleared = client.post(f"/sheet/{EDITABLE.id}/clearance", data={"csrf": csrf, "step": "return", "comment": ""},
                              headers=bob, follow_redirects=True)
        assert "say why you return it" in cleared.text
        client.post(f"/sheet/{EDITABLE.id}/clearance", data={"csrf": csrf, "step": "clear", "comment": "ok"},
                    headers=bob)
        page, _ = _token(client, alice)
    newest = Store.open(file, project).versions(file)[:2]
    assert [(v.who, v.action) for v in newest] == [("bob", "clear"), ("alice", "restore")]
    assert "Cleared by bob: ok" in page


def test_a_clash_is_resolved_field_by_field_without_retyping(project, monkeypatch):
    import html

    file = project / "sources" / f"{EDITABLE.id}.yaml"
    alice, bob = {HEADER: "alice"}, {HEADER: "bob"}
    with _client(project, Identity(HEADER, ("testclient",)), monkeypatch) as client:
        page = client.get(f"/sheet/{EDITABLE.id}", headers=bob).text
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
        opened = re.search(r'id="loaded" name="loaded" value="([0-9a-f]+)"', page).group(1)
        original = file.read_text(encoding="utf-8")
        date = re.search(r"(?m)^date: (\S+)", original).group(1)
        assert _save(client, "Alice's Title", alice).status_code == 200  # Alice saves first
        bobs = original.replace(f"date: {date}", "date: 2027-02-03", 1)  # Bob changed only the date
        clash = client.post(f"/sheet/{EDITABLE.id}/save", data={"text": bobs, "csrf": csrf, "loaded": opened},
                            headers=bob)
        assert clash.status_code == 409 and "Compare field by field" in clash.text
        shown = client.post(f"/sheet/{EDITABLE.id}/merge", data={"text": bobs, "csrf": csrf, "loaded": opened},
                            headers=bob).text
        rows = dict(re.findall(r'<tr data-field="([^"]+)">(.*?)</tr>', shown, re.S))
        assert set(rows) == {"title", "date"}
        # the title only Alice changed is offered as hers, the date only Bob changed as his
        assert re.search(r'value="theirs" checked>\s*Alice', html.unescape(rows["title"]))
        assert re.search(r'value="yours" checked>\s*2027-02-03', rows["date"])
        loaded = re.search(r'name="loaded" value="([0-9a-f]+)"', shown).group(1)
        saved = client.post(f"/sheet/{EDITABLE.id}/merge/save", headers=bob, data={
            "csrf": csrf, "loaded": loaded, "yours": bobs, "keep:title": "theirs", "keep:date": "yours",
            "whole": "mix"})
        assert saved.status_code == 200, saved.text
    text = file.read_text(encoding="utf-8")
    assert "title: Alice's Title" in text and "date: 2027-02-03" in text
    newest = Store.open(file, project).versions(file)[0]
    assert newest.who == "bob" and newest.what == [f"date: {date} → 2027-02-03"]
