"""Bad records: exact diagnostics, all errors at once, other records still built, nothing lost."""

import json
from pathlib import Path

import pytest
from conftest import RECORDS, ROOT, sheets_in
from records import sheet_names

BAD = sorted((Path(__file__).parents[1] / "bad").glob("*.yaml"))


def test_the_corpus_covers_many_kinds_of_mistake():
    """At least ten distinct kinds of bad record, each with a reviewed expected message."""
    assert len(BAD) >= 10
    assert all(path.with_suffix(".expected").exists() for path in BAD)


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_record_gets_its_exact_message(run_cli, path):
    """`check` prints exactly the golden diagnostics, exits 1 on an error (0 on warnings only), and
    no traceback leaks."""
    expected = path.with_suffix(".expected").read_text(encoding="utf-8")
    result = run_cli("check", path.relative_to(ROOT))
    assert result.code == (1 if ": error: " in expected else 0)
    assert result.err == expected and expected
    assert "Traceback" not in result.err
    for line in result.err.splitlines():
        assert line.startswith(("tests/bad/", "  hint: "))
        if not line.startswith("  "):
            file, line_no, column, rest = line.split(":", 3)
            assert line_no.isdigit() and column.isdigit() and rest.startswith((" error: ", " warning: "))


def test_a_warning_fails_under_strict(run_cli):
    """A slip that only warns fails `check --strict`, as it fails `build --strict`."""
    warned = [p for p in BAD if ": error: " not in p.with_suffix(".expected").read_text(encoding="utf-8")]
    assert warned
    for path in warned:
        result = run_cli("check", "--strict", path.relative_to(ROOT))
        assert result.code == 1 and ": error: " in result.err and ": warning: " not in result.err


def test_all_errors_of_a_record_are_reported_at_once(run_cli):
    """Six different mistakes in one record give six diagnostics in one run."""
    result = run_cli("check", "tests/bad/many-errors.yaml")
    assert result.err.count(": error: ") == 6


def test_one_bad_record_does_not_stop_the_others(project, run_cli):
    """A broken record fails alone: exit 1, the good records are built."""
    (project / "sources" / "broken.yaml").write_text("layout: inl-country-program\ntitle: [x\n")
    result = run_cli("build", "--out", project / "out", project / "sources",
                     "--templates", project / "templates")
    assert result.code == 1
    assert "broken.yaml:2:" in result.err
    good = len(RECORDS)
    assert f"{good + 1} records: {good} rebuilt, 0 up to date, 1 failed" in result.out
    assert sheets_in(project / "out") == sheet_names(RECORDS)


def test_failed_rebuild_keeps_the_last_good_output(project, run_cli):
    """Break a record that built before: its previous .docx and .pdf stay byte for byte."""
    out = project / "out"
    record = project / "sources" / "laos-inl.yaml"
    args = ("build", "--out", out, record, "--templates", project / "templates")
    assert run_cli(*args).code == 0
    records = ("status.json", "CHANGES.md", "changes.json")  # these record the failure
    kept = lambda: {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
                    if p.is_file() and p.name not in records}
    before = kept()
    record.write_text(record.read_text(encoding="utf-8").replace("opium_ha[2018]", "opium_hx[2018]"),
                      encoding="utf-8")
    result = run_cli(*args)
    assert result.code == 1 and "has no figure 'laos_opium_hx' — did you mean 'laos_opium_ha'?" in result.err
    assert kept() == before
    status = json.loads((out / "status.json").read_text(encoding="utf-8"))["sheets"]
    [(path, sheet)] = status.items()
    assert sheet["state"] == "failed" and "has no figure 'laos_opium_hx'" in sheet["error"]
    assert "- failed, previous sheets kept: " in (out / "CHANGES.md").read_text(encoding="utf-8")


def test_writer_failure_leaves_no_partial_file(project, run_cli, monkeypatch):
    """If the PDF writer dies, neither format is published and no temporary file remains."""
    from pipeline.writers import pdf

    def explode(document):
        raise RuntimeError("layout engine failed")
    monkeypatch.setattr(pdf, "render", explode)
    out = project / "out"
    result = run_cli("build", "--out", out, project / "sources" / "laos-inl.yaml",
                     "--templates", project / "templates")
    assert result.code == 1
    assert "the pdf writer could not lay out this sheet: RuntimeError: layout engine failed" in result.err
    # no sheet, no temporary file; the failure is recorded
    assert sorted(p.name for p in out.iterdir()) == [".stamps.json", "CHANGES.md", "changes.json", "manifest.json",
                                                     "status.json"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["records"] == {}  # only the failure is remembered, so that it is not retried unchanged
    assert list(manifest["failures"]) == [str(project / "sources" / "laos-inl.yaml")]


def test_unwritable_output_is_reported_and_old_file_kept(project, run_cli, monkeypatch):
    """A disk-full error while the new files reach the disk names the folder and keeps the previous file."""
    from pipeline.base import output
    out = project / "out"
    args = ("build", "--out", out, project / "sources" / "laos-inl.yaml", "--templates", project / "templates")
    assert run_cli(*args).code == 0
    before = (out / "laos-inl.docx").read_bytes()
    real_syncfs = output._syncfs

    def full(fd):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(output, "_syncfs", full)
    (project / "sources" / "laos-inl.yaml").write_text(
        (project / "sources" / "laos-inl.yaml").read_text(encoding="utf-8").replace("title: Laos", "title: Lao PDR"),
        encoding="utf-8")
    result = run_cli(*args)
    monkeypatch.setattr(output, "_syncfs", real_syncfs)
    assert result.code == 1
    assert "No space left on device" in result.err and "has free space" in result.err
    assert "rebuilt laos-inl" not in result.out and "0 rebuilt" in result.out
    assert (out / "laos-inl.docx").read_bytes() == before
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "CHANGES.md", "changes.json", "laos-inl.docx", "laos-inl.pdf", "manifest.json", "status.json"]
    assert not list(out.glob(".factsheets-*"))  # no temporary file left behind
    again = run_cli(*args)  # space is back: the record the full disk stopped is built now
    assert again.code == 0 and "rebuilt laos-inl" in again.out


def test_duplicate_ids_across_records(project, run_cli):
    """Two records may not write the same output name."""
    copy = project / "sources" / "zz-copy.yaml"
    copy.write_text("id: laos-inl\n" + (project / "sources" / "laos-inl.yaml").read_text(encoding="utf-8"),
                    encoding="utf-8")
    result = run_cli("check", project / "sources", "--templates", project / "templates")
    assert result.code == 1
    assert "zz-copy.yaml:1:5: error: output name 'laos-inl' is already used by" in result.err
    assert result.err.rstrip().endswith("give this record its own 'id:' (or rename the file)")


def test_an_output_path_that_is_a_file_is_a_configuration_error(project, run_cli):
    """--out naming a file: exit 2 with a plain message, no traceback, the file untouched."""
    (project / "taken").write_bytes(b"mine")
    result = run_cli("build", "--out", "taken", cwd=project)
    assert result.code == 2
    assert result.err.startswith("taken:1:1: error: cannot use this output folder: it is a file, not a folder")
    assert (project / "taken").read_bytes() == b"mine"


def test_a_bug_while_building_one_record_costs_only_that_record(project, run_cli, monkeypatch):
    """An unexpected exception is reported on its record as an internal error; the others build."""
    from pipeline.render import sheet as render

    real = render.render_document

    def broken(record, *args):
        if record.id == "laos-inl":
            raise ZeroDivisionError("division by zero")
        return real(record, *args)
    monkeypatch.setattr(render, "render_document", broken)
    result = run_cli("build", "--jobs", "1", cwd=project)
    assert result.code == 1 and "Traceback" not in result.err
    assert ("sources/laos-inl.yaml:1:1: error: internal error while building this record: "
            "ZeroDivisionError: division by zero") in result.err
    others = [record.id for record in RECORDS if record.id != "laos-inl"]
    assert others and all(f"rebuilt {sid} (" in result.out for sid in others)
