"""factsheets history, diff and restore on real git repositories in temporary folders."""

import json
import re
import shutil
import subprocess
import zipfile

import pytest
from conftest import RECORDS

from pipeline.history import record as history
from pipeline.history.who import Who

# A sample whose title takes any words (a briefing paper's needs a portion mark).
EDITABLE = next(r for r in RECORDS if not re.search(r'(?m)^title: "?\(', r.file.read_text(encoding="utf-8")))


@pytest.fixture
def identity(tmp_path, monkeypatch):
    """Give the CLI a git identity of its own (the one it records)."""
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tname = Carol Clearer\n\temail = carol@example.org\n", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))


def _retitle(project, title, who):
    """Change the editable sheet's title as `who`, through a recording (as the workspace does)."""
    file = project / "sources" / f"{EDITABLE.id}.yaml"
    text = re.sub(r"(?m)^title: .*$", f"title: {title}", file.read_text(encoding="utf-8"), count=1)
    with history.recording([file], who, "save", project):
        file.write_text(text, encoding="utf-8")
    return file


def _versions(run_cli, project):
    done = run_cli("history", EDITABLE.id, "--json", cwd=project)
    assert done.code == 0, done.err
    return json.loads(done.out)


def test_history_lists_versions_newest_first_with_who_when_what(project, run_cli, identity):
    _retitle(project, "Alice Wrote This", Who("Alice Adams"))
    _retitle(project, "Bob Wrote That", Who("Bob Brown"))
    versions = _versions(run_cli, project)
    assert [v["who"] for v in versions] == ["Bob Brown", "Alice Adams", "changed outside factsheets"]
    assert set(versions[0]) >= {"version", "who", "when", "what"}
    assert versions[0]["what"] == ['title: "Alice Wrote This" → "Bob Wrote That"']
    text = run_cli("history", EDITABLE.id, cwd=project).out
    assert "Bob Brown" in text and "Bob Wrote That" in text


def test_an_edit_made_outside_the_tool_is_listed_as_such_at_the_next_run(project, run_cli, identity):
    file = _retitle(project, "Alice Wrote This", Who("Alice Adams"))
    file.write_text(file.read_text(encoding="utf-8").replace("Alice Wrote This", "Typed In An Editor"),
                    encoding="utf-8")
    newest = _versions(run_cli, project)[0]
    assert newest["who"] == "changed outside factsheets" and "Typed In An Editor" in newest["what"][0]


def test_restore_makes_a_new_version_with_the_old_text_and_keeps_the_history(project, run_cli, identity):
    file = _retitle(project, "Alice Wrote This", Who("Alice Adams"))
    alice = file.read_bytes()
    _retitle(project, "Bob Wrote That", Who("Bob Brown"))
    before = _versions(run_cli, project)
    done = run_cli("restore", EDITABLE.id, before[1]["version"], cwd=project)
    assert done.code == 0, done.err
    assert file.read_bytes() == alice
    after = _versions(run_cli, project)
    assert after[1:] == before  # nothing rewritten or deleted
    assert after[0]["who"] == "Carol Clearer" and after[0]["action"] == "restore"  # the git identity


def test_restore_of_a_version_that_fails_the_checks_is_refused_and_writes_nothing(project, run_cli, identity):
    file = project / "sources" / f"{EDITABLE.id}.yaml"
    good = file.read_bytes()
    with history.recording([file], Who("Alice Adams"), "save", project):
        file.write_text(re.sub(r"(?m)^layout:", "layuot:", good.decode("utf-8"), count=1), encoding="utf-8")
    broken = _versions(run_cli, project)[0]["version"]
    with history.recording([file], Who("Bob Brown"), "save", project):
        file.write_bytes(good)
    done = run_cli("restore", EDITABLE.id, broken, cwd=project)
    assert done.code == 1 and "nothing restored" in done.err
    assert file.read_bytes() == good


def test_the_cli_inside_a_git_work_tree_commits_there(project, run_cli, identity):
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    _retitle(project, "Alice Wrote This", Who("Alice Adams"))
    log = subprocess.run(["git", "-C", str(project), "log", "--format=%an"], capture_output=True, text=True).stdout
    assert log.split("\n")[0] == "Alice Adams"
    assert not (project / ".factsheets").exists()


def _redline(project, run_cli, tmp_path):
    """Three versions by Alice, Bob and the first found; the redline of the first against the last."""
    _retitle(project, "Alice Wrote This Title", Who("Alice Adams"))
    file = project / "sources" / f"{EDITABLE.id}.yaml"
    text = file.read_text(encoding="utf-8")
    date = re.search(r"(?m)^date: (.*)$", text).group(1)
    with history.recording([file], Who("Bob Brown"), "save", project):
        file.write_text(text.replace(f"date: {date}", "date: 2027-01-15", 1), encoding="utf-8")
    versions = _versions(run_cli, project)
    out = tmp_path / "redline.docx"
    done = run_cli("diff", EDITABLE.id, versions[-1]["version"], versions[0]["version"], "--docx", out, cwd=project)
    assert done.code == 0, done.err
    return out, done.out


def test_diff_writes_tracked_changes_signed_by_each_changes_author(project, run_cli, identity, tmp_path):
    out, printed = _redline(project, run_cli, tmp_path)
    xml = zipfile.ZipFile(out).read("word/document.xml").decode("utf-8")
    authors = re.findall(r'<w:(ins|del) w:id="\d+" w:author="([^"]+)"', xml)
    assert {a for _, a in authors} == {"Alice Adams", "Bob Brown"}
    assert ("ins", "Bob Brown") in authors and ("del", "Bob Brown") in authors
    assert "<w:delText" in xml
    assert f"{len(authors)} tracked changes" in printed


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_redline_with_the_right_number_of_tracked_changes(project, run_cli, identity, tmp_path):
    out, printed = _redline(project, run_cli, tmp_path)
    expected = int(re.search(r"(\d+) tracked changes", printed).group(1))
    profile = tmp_path / "lo-profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "odt",
                    "--outdir", str(tmp_path), str(out)], check=True, capture_output=True, timeout=180)
    content = zipfile.ZipFile(tmp_path / "redline.odt").read("content.xml").decode("utf-8")
    # LibreOffice's own list of tracked changes: one changed region per insertion or deletion it read
    regions = re.findall(r'<text:changed-region [^>]*>\s*<text:(insertion|deletion)>.*?<dc:creator>([^<]+)',
                         content, re.S)
    assert len(regions) == expected > 0
    assert {who for _, who in regions} == {"Alice Adams", "Bob Brown"}


def test_import_page_into_a_record_is_recorded_under_the_git_identity(project, run_cli, identity, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("A Heading\n\nA sentence of the page.\n", encoding="utf-8")
    target = project / "sources" / "imported.yaml"
    made = run_cli("import", "page", page, "--layout", RECORDS[0].layout, "--into", "sources/imported.yaml",
                   cwd=project)
    assert made.code == 0, made.err
    versions = json.loads(run_cli("history", "imported", "--json", cwd=project).out)
    assert [(v["who"], v["action"]) for v in versions] == [("Carol Clearer", "import")]
    assert versions[0]["what"] == ["the file was created"] and target.is_file()


def test_a_feed_update_of_shared_figures_is_recorded_with_the_figure_that_moved(project, run_cli, identity):
    from pipeline.figures import shared as data

    dataset = data.load(project / "sources" / "data", "sources/data")
    stem, name, values = next((stem, n, dict(f.values)) for stem, file in sorted(dataset.files.items())
                              for n, f in file.figures.items() if f.values)
    year = max(values) + 1
    rows = [{"name": name, "fy": y, "amount": v} for y, v in values.items()] + [{"name": name, "fy": year, "amount": 9}]
    (project / "sources" / "data" / "incoming.json").write_text(json.dumps({"rows": rows}), encoding="utf-8")
    path = project / "sources" / "data" / f"{stem}.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "feed:\n  path: incoming.json\n  records: rows\n"
                    "  columns: {name: figure, fy: year, amount: value}\n", encoding="utf-8")
    done = run_cli("update", "--records", "no-records", cwd=project)
    assert done.code == 0, done.out + done.err
    versions = json.loads(run_cli("history", stem, "--json", cwd=project).out)
    assert [(v["who"], v["action"]) for v in versions[:2]] == [("Carol Clearer", "feed"),
                                                               ("changed outside factsheets", "outside")]
    assert versions[0]["what"] == [f"{stem}.yaml: {name}.values.{year} added: 9"]  # the one figure that moved


def test_a_new_record_is_recorded_as_created_by_the_git_identity(project, run_cli, identity):
    made = run_cli("new", RECORDS[0].layout, "sources/brand-new.yaml", cwd=project)
    assert made.code == 0, made.err
    versions = json.loads(run_cli("history", "brand-new", "--json", cwd=project).out)
    assert [(v["who"], v["action"], v["what"]) for v in versions] == [("Carol Clearer", "new", ["the file was created"])]
