"""The version store: a change commits only the files it wrote, with who and what, in or outside a work tree."""

import gitrepo
import pytest

from pipeline.history import record as history
from pipeline.history.store import PRIVATE, Store
from pipeline.history.who import OUTSIDE, Who

ALICE, BOB = Who("Alice Adams", "alice@example.org"), Who("Bob Brown")


def _save(project, file, text, who, action="save"):
    """Write a record's text the way the tools do: inside a recording."""
    with history.recording([file], who, action, project):
        file.write_text(text, encoding="utf-8")


def _first_record(project):
    return sorted((project / "sources").glob("*.yaml"))[0]


def test_without_a_work_tree_the_project_keeps_its_own_repository(project):
    file = _first_record(project)
    text = file.read_text(encoding="utf-8")
    _save(project, file, text + "\n# note\n", ALICE)
    assert (project / PRIVATE / "HEAD").is_file()
    store = Store.open(file, project)
    assert store.private
    versions = store.versions(file)
    # the file as first found (never recorded) is an outside change, then Alice's save
    assert [v.who for v in versions] == ["Alice Adams", OUTSIDE.name]
    assert versions[0].action == "save" and versions[0].files == ["sources/" + file.name]


def test_two_users_and_the_fields_they_changed_in_plain_words(project):
    file = _first_record(project)
    text = file.read_text(encoding="utf-8")
    _save(project, file, text, ALICE)  # nothing changed: no version of Alice's
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    _save(project, file, text.replace(title, "title: A New Title", 1), ALICE)
    _save(project, file, text.replace(title, "title: Another Title", 1), BOB)
    versions = Store.open(file, project).versions(file)
    assert [v.who for v in versions] == ["Bob Brown", "Alice Adams", OUTSIDE.name]
    assert versions[0].what == ['title: "A New Title" → "Another Title"']


def test_a_change_made_outside_the_tool_is_recorded_as_such_not_as_the_next_user(project):
    file = _first_record(project)
    _save(project, file, file.read_text(encoding="utf-8") + "extra_outside: 1\n", ALICE)
    file.write_text(file.read_text(encoding="utf-8") + "edited_in_an_editor: 2\n", encoding="utf-8")
    _save(project, file, file.read_text(encoding="utf-8") + "bob_field: 3\n", BOB)
    versions = Store.open(file, project).versions(file)
    assert [(v.who, v.what) for v in versions[:2]] == [
        ("Bob Brown", ["bob_field added: 3"]),
        (OUTSIDE.name, ["edited_in_an_editor added: 2"])]


def test_inside_a_work_tree_only_the_written_file_is_committed_and_others_staged_work_stays(project):
    gitrepo.work_tree(project)
    file, other = sorted((project / "sources").glob("*.yaml"))[:2]
    other.write_text(other.read_text(encoding="utf-8") + "# someone's staged work\n", encoding="utf-8")
    gitrepo.git(project, "add", str(other))
    _save(project, file, file.read_text(encoding="utf-8") + "# Alice's change\n", ALICE)
    assert not (project / PRIVATE).exists()
    last = gitrepo.git(project, "show", "--name-only", "--format=%an", "HEAD").split()
    assert last == ["Alice", "Adams", "sources/" + file.name]
    assert gitrepo.git(project, "diff", "--cached", "--name-only").split() == ["sources/" + other.name]
    assert gitrepo.git(project, "status", "--porcelain", "--", str(file)) == ""  # index agrees with HEAD


def test_a_store_that_cannot_be_kept_does_not_stop_the_write(project, monkeypatch):
    file = _first_record(project)
    monkeypatch.setenv("PATH", "/nonexistent")  # no git
    with pytest.raises(history.HistoryError, match="git is not installed"):
        _save(project, file, "title: written anyway\n", ALICE)
    assert file.read_text(encoding="utf-8") == "title: written anyway\n"
