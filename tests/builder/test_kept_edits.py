"""Hand edits are kept (output/edited/), failures leave a trace (status.json, CHANGES.md)."""

import json

import pytest

from pipeline.base.fingerprint import file_digest


@pytest.fixture
def built(project, run_cli):
    """Return (project, run) after a first build into project/output."""
    def run(*args):
        return run_cli("build", "--jobs", "1", *args, cwd=project)
    assert run().code == 0
    return project, run


def _edit_in_word(path) -> bytes:
    """Change an output file as a person would; return its new bytes."""
    data = path.read_bytes() + b"\n<!-- fixed in Word -->"
    path.write_bytes(data)
    return data


@pytest.mark.parametrize("record_edited", [False, True], ids=["output-only", "record-too"])
def test_a_hand_edited_docx_survives_the_next_build(built, record_edited):
    """The edited .docx moves to output/edited/<id>.<8 hex>.docx; a warning and the report name it."""
    project, run = built
    out = project / "output"
    edited = _edit_in_word(out / "laos-inl.docx")
    name = f"laos-inl.{file_digest(out / 'laos-inl.docx').removeprefix('sha256:')[:8]}.docx"
    if record_edited:  # the record changed as well: the edit must not be lost either
        record = project / "sources" / "laos-inl.yaml"
        record.write_text(record.read_text(encoding="utf-8").replace("title: Laos", "title: Lao PDR"),
                          encoding="utf-8")
    result = run()
    assert result.code == 0 and "rebuilt laos-inl" in result.out
    assert (out / "edited" / name).read_bytes() == edited
    assert (out / "laos-inl.docx").read_bytes() != edited
    assert (f"sources/laos-inl.yaml:1:1: warning: output/laos-inl.docx was changed by hand since it was "
            f"built; kept it as output/edited/{name} before writing the new one") in result.err
    report = json.loads((out / "changes.json").read_text(encoding="utf-8"))
    assert report["rebuilt"][0]["kept"] == [f"output/edited/{name}"]
    assert f"kept as output/edited/{name}" in (out / "CHANGES.md").read_text(encoding="utf-8")
    again = run()  # nothing more to keep
    assert "changed by hand" not in again.err and sorted(p.name for p in (out / "edited").iterdir()) == [name]


def test_nothing_in_edited_is_overwritten_or_deleted_and_the_edit_is_still_kept(built):
    """A file of the kept copy's name with other bytes is left as it is, and the edit goes under the next name.

    Before: the warning said the edit was kept, but under that name were the other bytes: the edit was lost."""
    project, run = built
    out = project / "output"
    edited = _edit_in_word(out / "laos-inl.pdf")
    stem = f"laos-inl.{file_digest(out / 'laos-inl.pdf').removeprefix('sha256:')[:8]}"
    (out / "edited").mkdir()
    (out / "edited" / f"{stem}.pdf").write_bytes(b"already here")
    (out / "edited" / "notes.txt").write_bytes(b"mine")
    result = run()
    assert result.code == 0
    assert (out / "edited" / f"{stem}.pdf").read_bytes() == b"already here"
    assert (out / "edited" / "notes.txt").read_bytes() == b"mine"
    assert (out / "edited" / f"{stem}-2.pdf").read_bytes() == edited
    assert f"kept it as output/edited/{stem}-2.pdf" in result.err


def test_status_says_built_up_to_date_stale_and_failed(built):
    """Per sheet: its state, its first error line when failed, and the date of its last good build."""
    project, run = built
    out = project / "output"
    first = json.loads((out / "status.json").read_text(encoding="utf-8"))["sheets"]
    assert {sheet["state"] for sheet in first.values()} <= {"built", "stale"}
    assert first["sources/laos-inl.yaml"]["state"] == "stale"  # prints the 2018 UNODC figure
    good = first["sources/laos-inl.yaml"]["last_good"]
    record = project / "sources" / "laos-inl.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("laos_opium_ha[2018]", "laos_opium_hx[2018]"),
                      encoding="utf-8")
    assert run().code == 1
    after = json.loads((out / "status.json").read_text(encoding="utf-8"))["sheets"]
    failed = after["sources/laos-inl.yaml"]
    assert failed["state"] == "failed" and failed["last_good"] == good
    assert failed["error"].startswith("sources/laos-inl.yaml:") and "laos_opium_hx" in failed["error"]
    assert "\n" not in failed["error"]
    changes = (out / "CHANGES.md").read_text(encoding="utf-8")
    assert changes.count("- failed, previous sheets kept: sources/laos-inl.yaml") == 1
    run()  # the same failure again: status unchanged, CHANGES.md does not grow
    assert (out / "CHANGES.md").read_text(encoding="utf-8") == changes


def test_a_no_op_run_writes_no_status(built):
    """Nothing to do, nothing written: status.json keeps its bytes and time."""
    project, run = built
    status = project / "output" / "status.json"
    before = (status.read_bytes(), status.stat().st_mtime_ns)
    assert run().code == 0
    assert (status.read_bytes(), status.stat().st_mtime_ns) == before


@pytest.mark.parametrize("name", ["manifest.json", "status.json"])
def test_a_deeply_nested_manifest_or_status_reads_as_damaged(built, name):
    """Before: json's RecursionError on a nesting bomb reached the user as a traceback."""
    project, run = built
    (project / "output" / name).write_text('{"manifest": ' + "[" * 200_000, encoding="utf-8")
    result = run()
    assert result.code == 0 and "Traceback" not in result.err
