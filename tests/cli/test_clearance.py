"""Clearance before publishing: the rules per layout in factsheets.toml, withdrawal by a change, return."""

import re

import pytest
import yaml
from conftest import RECORDS

from pipeline.history import record as history
from pipeline.history.who import Who
from pipeline.workspace.clearing import publish_refusal

ALICE = Who("Alice Adams")
# A draft with a cleared: list (the briefing paper's), and a sheet of another layout made a draft.
LISTED = next(r for r in RECORDS if re.search(r"(?m)^cleared:", r.file.read_text(encoding="utf-8"))
              and re.search(r"(?m)^status: draft", r.file.read_text(encoding="utf-8")))
OTHER = next(r for r in RECORDS if yaml.safe_load(r.file.read_text(encoding="utf-8"))["layout"]
             != yaml.safe_load(LISTED.file.read_text(encoding="utf-8"))["layout"])


def _layout(record):
    return yaml.safe_load(record.file.read_text(encoding="utf-8"))["layout"]


def _clearers(record):
    """The names on a record's cleared: list ("EAP/MLS: R. Roe (ok)" names R. Roe)."""
    lines = yaml.safe_load(record.file.read_text(encoding="utf-8"))["cleared"]
    return list(dict.fromkeys(re.search(r":\s*([^:()]+?)\s*\(", line).group(1) for line in lines))


@pytest.fixture
def as_user(tmp_path, monkeypatch):
    """Return a function that makes the CLI run as a named person (its git identity)."""
    def become(name):
        config = tmp_path / "gitconfig"
        config.write_text(f"[user]\n\tname = {name}\n", encoding="utf-8")
        monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    return become


@pytest.fixture
def cleared_project(project, monkeypatch):
    """The scratch project with [clearance] rules: the briefing paper its list, another layout one other person."""
    (project / "factsheets.toml").write_text(
        f'[clearance]\n"{_layout(LISTED)}" = "cleared-list"\n"{_layout(OTHER)}" = "another"\n', encoding="utf-8")
    monkeypatch.chdir(project)
    return project


def _edit(project, record, who, change):
    file = project / "sources" / record.file.name
    with history.recording([file], who, "save", project):
        file.write_text(change(file.read_text(encoding="utf-8")), encoding="utf-8")
    return file


def _state(run_cli, project, record, *step):
    done = run_cli("clearance", record.file.stem, *step, cwd=project)
    assert done.code == 0, done.err
    return done.out


def test_everyone_on_the_cleared_list_must_clear_and_a_change_withdraws_it(cleared_project, run_cli, as_user):
    project, names = cleared_project, _clearers(LISTED)
    file = _edit(project, LISTED, ALICE, lambda t: t + "\n# Alice's draft\n")
    text = file.read_text(encoding="utf-8")
    assert "draft" in _state(run_cli, project, LISTED).splitlines()[0]
    refused = publish_refusal(file, text)
    assert refused and all(name in refused for name in names)
    as_user(names[0])
    assert "in clearance" in _state(run_cli, project, LISTED, "send")
    for name in names:
        as_user(name)
        out = _state(run_cli, project, LISTED, "clear", "--comment", "ok")
    assert out.splitlines()[0].endswith(": cleared") and publish_refusal(file, text) is None
    assert publish_refusal(file, text + "# typed but not saved\n")  # unsaved changes are not the cleared version
    _edit(project, LISTED, ALICE, lambda t: t + "# a later change\n")
    out = _state(run_cli, project, LISTED)
    assert "in clearance" in out and f"missing: {', '.join(names)}" in out
    assert publish_refusal(file, file.read_text(encoding="utf-8"))


def test_one_person_other_than_the_last_editor_must_clear(cleared_project, run_cli, as_user):
    project = cleared_project
    file = _edit(project, OTHER, ALICE, lambda t: t if re.search(r"(?m)^status: draft", t) else t + "status: draft\n")
    as_user(ALICE.name)
    out = _state(run_cli, project, OTHER, "clear")
    assert "missing: one person other than the last editor (Alice Adams)" in out
    assert "Alice Adams" in publish_refusal(file, file.read_text(encoding="utf-8"))
    as_user("Bob Brown")
    assert _state(run_cli, project, OTHER, "clear").splitlines()[0].endswith(": cleared")
    assert publish_refusal(file, file.read_text(encoding="utf-8")) is None


def test_return_needs_a_comment_sends_it_back_to_draft_and_is_kept_in_the_history(cleared_project, run_cli, as_user):
    project = cleared_project
    _edit(project, LISTED, ALICE, lambda t: t + "\n# Alice's draft\n")
    as_user("Bob Brown")
    refused = run_cli("clearance", LISTED.file.stem, "return", cwd=project)
    assert refused.code == 2 and "--comment" in refused.err
    out = _state(run_cli, project, LISTED, "return", "--comment", "the 2018 figure is wrong")
    assert ": draft" in out.splitlines()[0] and "returned by Bob Brown: the 2018 figure is wrong" in out
    history_text = run_cli("history", LISTED.file.stem, cwd=project).out
    assert "(return)" in history_text and "the 2018 figure is wrong" in history_text


def test_clearance_turned_off_lets_anyone_publish(project, run_cli, monkeypatch):
    (project / "factsheets.toml").write_text(f'[clearance]\noff = true\n"{_layout(LISTED)}" = "cleared-list"\n',
                                             encoding="utf-8")
    monkeypatch.chdir(project)
    file = _edit(project, LISTED, ALICE, lambda t: t + "\n# Alice's draft\n")
    assert publish_refusal(file, file.read_text(encoding="utf-8")) is None
    assert "turned off" in _state(run_cli, project, LISTED)


def test_without_rules_publishing_is_not_held(project, monkeypatch):
    monkeypatch.chdir(project)
    file = project / "sources" / LISTED.file.name
    assert publish_refusal(file, file.read_text(encoding="utf-8")) is None
