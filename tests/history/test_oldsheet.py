"""An earlier version's sheet is built from the shared figures recorded at that version, when the store has them."""

import re

from pipeline.history import oldsheet
from pipeline.history import record as history
from pipeline.history.store import Store
from pipeline.history.who import Who

ALICE = Who("Alice Adams")


def _write(project, file, text):
    with history.recording([file], ALICE, "save", project):
        file.write_text(text, encoding="utf-8")


def test_the_shared_data_of_then_is_used_and_unrecorded_files_are_named(project):
    record = sorted((project / "sources").glob("*.yaml"))[0]
    data_files = sorted((project / "sources" / "data").glob("*.yaml"))
    figures, other = data_files[0], data_files[1:]
    original = figures.read_text(encoding="utf-8")
    _write(project, figures, original + "# then\n")
    _write(project, record, record.read_text(encoding="utf-8") + "# first\n")
    _write(project, figures, original + "# later\n")
    _write(project, record, record.read_text(encoding="utf-8") + "# second\n")
    store = Store.open(record, project)
    first, second = (v.version for v in reversed(store.versions(record)[:2]))
    templates = project / "templates"
    then = oldsheet.inputs(store, record, first, project / "sources" / "data", templates)
    now = oldsheet.inputs(store, record, second, project / "sources" / "data", templates)
    assert then.data[figures.name].endswith(b"# then\n") and now.data[figures.name].endswith(b"# later\n")
    assert then.today == [f.name for f in other]  # never recorded: today's, and named as such
    assert then.text.endswith(b"# first\n") and then.key() != now.key()
    assert re.fullmatch(r"[0-9a-f]{16}", then.key())


def test_the_kept_folder_is_bounded_oldest_first(project, tmp_path):
    record = sorted((project / "sources").glob("*.yaml"))[0]
    _write(project, record, record.read_text(encoding="utf-8") + "# one\n")
    _write(project, record, record.read_text(encoding="utf-8") + "# two\n")
    store = Store.open(record, project)
    out = tmp_path / "out"
    older, newer = (oldsheet.inputs(store, record, v.version, project / "sources" / "data", project / "templates")
                    for v in reversed(store.versions(record)[:2]))
    oldsheet.keep(out, older, {"pdf": b"a" * 600, "docx": b"b" * 600})
    oldsheet.keep(out, newer, {"pdf": b"c" * 600, "docx": b"d" * 600}, limit=1500)
    assert not oldsheet.cached(out, older, "pdf").exists() and not oldsheet.cached(out, older, "docx").exists()
    assert oldsheet.cached(out, newer, "pdf").read_bytes() == b"c" * 600
