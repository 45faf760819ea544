"""Scheduled regeneration: rebuild exactly what changed, say what changed, keep everything else."""

import json
import re
import subprocess
import sys

import pytest
import readback
from conftest import RECORDS
from files import edit, snapshot

UNODC = "sources/data/unodc.yaml"


def rebuilt(result) -> list[str]:
    """Return the ids a run reports as rebuilt, in order."""
    return re.findall(r"^rebuilt (\S+) \(", result.out, re.M)


def readers_of(project, needle: str) -> list[str]:
    """Return the ids of the sample records whose text mentions `needle`, sorted."""
    return sorted(p.stem for p in (project / "sources").glob("*.yaml") if needle in p.read_text(encoding="utf-8"))


@pytest.fixture
def built_project(project, run_cli):
    """Return (project, run) after a first full build into project/output."""
    def run(*args):
        return run_cli("build", "--jobs", "1", *args, cwd=project)
    first = run()
    assert first.code == 0, first.err
    return project, run


def test_a_shared_value_rebuilds_exactly_its_readers(built_project):
    """Change one shared number: its readers are rebuilt and report old → new; the rest keep bytes and mtimes."""
    project, run = built_project
    out = project / "output"
    readers = readers_of(project, "data.unodc.laos_opium_ha[2018]")
    assert "laos-inl" in readers and "laos-embassy-inl" not in readers
    before = snapshot(out)
    edit(project / UNODC, "2018: 5700", "2018: 6100")
    result = run()
    assert result.code == 0, result.err
    assert sorted(rebuilt(result)) == readers
    assert "  data.unodc.laos_opium_ha 2018: 5,700 → 6,100" in result.out.splitlines()
    assert "shared figure changed (data.unodc.laos_opium_ha 2018)" in result.out
    after = snapshot(out)
    for name, (data, mtime) in before.items():
        if name.split(".")[0] in readers or name in ("manifest.json", ".stamps.json", "changes.json", "CHANGES.md", "status.json"):
            continue
        assert after[name] == (data, mtime), f"{name} was touched"
    for sheet in readers:
        assert after[f"{sheet}.pdf"][0] != before[f"{sheet}.pdf"][0]
    report = json.loads((out / "changes.json").read_text(encoding="utf-8"))
    assert sorted(r["id"] for r in report["rebuilt"]) == readers
    first = next(r for r in report["rebuilt"] if r["id"] == "laos-inl")
    assert first["figures"] == [{"figure": "data.unodc.laos_opium_ha 2018", "old": "5,700", "new": "6,100"}]
    assert first["outputs"] == ["laos-inl.docx", "laos-inl.pdf"]
    changes = (out / "CHANGES.md").read_text(encoding="utf-8")
    assert changes.count("\n## ") == 2  # the first build, then this one
    assert "- **laos-inl** (sources/laos-inl.yaml): shared figure changed" in changes
    assert "  - data.unodc.laos_opium_ha 2018: 5,700 → 6,100" in changes


def test_shared_values_nobody_prints_rebuild_nothing(built_project):
    """Dependencies are per key: a new year rebuilds only the sheet charting the series (a new label
    also rebuilds the sheets whose Sources note prints it: tests/builder/test_printed_attributes.py)."""
    project, run = built_project
    before = snapshot(project / "output")
    edit(project / UNODC, "values: {2007: 1500, 2018: 5700}", "values: {2007: 1500, 2018: 5700, 2019: 9999}")
    result = run()
    assert result.code == 0 and rebuilt(result) == ["laos-inl"]  # its chart prints every year
    after = snapshot(project / "output")
    assert {name: after[name] for name in before if not name.startswith("laos-inl.")
            and name not in ("manifest.json", ".stamps.json", "changes.json", "CHANGES.md", "status.json")} == \
        {name: data for name, data in before.items() if not name.startswith("laos-inl.")
         and name not in ("manifest.json", ".stamps.json", "changes.json", "CHANGES.md", "status.json")}
    assert "2019" in " ".join(readback.pdf_pages(project / "output" / "laos-inl.pdf"))


def test_a_no_op_run_touches_no_file(built_project):
    """Nothing changed: every sheet is up to date and no file in the output folder changes."""
    project, run = built_project
    before = snapshot(project / "output")
    result = run()
    assert result.code == 0
    total = len(list((project / "sources").glob("*.yaml")))
    assert f"factsheets: {total} records: 0 rebuilt, {total} up to date, 0 failed" in result.out
    assert snapshot(project / "output") == before


def test_a_no_op_run_imports_neither_writer_library(built_project):
    """The fast path decides from hashes alone: python-docx, reportlab, Jinja2 and the worker pool
    are never imported."""
    project, _ = built_project
    code = ("import sys; from pipeline.cli import main; code = main(['build', '--jobs', '2']); "
            "print(code, sorted({m.split('.')[0] for m in sys.modules} & "
            "{'docx', 'reportlab', 'jinja2', 'concurrent'}))")
    result = subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True, text=True)
    assert result.stdout.splitlines()[-1] == "0 []", result.stdout + result.stderr


def test_hand_deleted_and_hand_edited_outputs_are_rebuilt(built_project):
    """Outputs are checked against their recorded hashes, not their times."""
    project, run = built_project
    out = project / "output"
    (out / "laos-inl.pdf").unlink()
    (out / "laos-embassy-inl.docx").write_bytes(b"not a document")
    result = run()
    assert result.code == 0
    assert "rebuilt laos-inl (sources/laos-inl.yaml): output missing (laos-inl.pdf)" in result.out
    assert ("rebuilt laos-embassy-inl (sources/laos-embassy-inl.yaml): output changed by hand "
            "(laos-embassy-inl.docx)") in result.out
    assert (out / "laos-embassy-inl.docx").read_bytes().startswith(b"PK")
    assert rebuilt(run()) == []


def test_edits_to_a_record_or_a_template_rebuild_only_what_uses_them(built_project):
    """A record edit rebuilds that record; a layout edit rebuilds the records of that layout."""
    project, run = built_project
    edit(project / "sources" / "laos-embassy-inl.yaml", "Law Enforcement.", "Law  Enforcement.")
    result = run()
    assert rebuilt(result) == ["laos-embassy-inl"] and ": record edited" in result.out
    layout = project / "templates" / "inl-country-program" / "sheet.xml.j2"
    layout.write_text(layout.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    users = sorted(record.id for record in RECORDS if record.layout == "inl-country-program")
    result = run()
    assert sorted(rebuilt(result)) == users and ": template changed" in result.out


def test_force_rebuilds_everything(built_project):
    """--force ignores the manifest."""
    project, run = built_project
    result = run("--force")
    assert len(rebuilt(result)) == len(list((project / "sources").glob("*.yaml")))
    assert "forced (--force)" in result.out


def test_a_failed_record_keeps_its_old_outputs_and_is_retried(built_project):
    """A broken edit fails that record (exit 1) and it is retried on every run until it builds."""
    project, run = built_project
    record = project / "sources" / "laos-inl.yaml"
    before = snapshot(project / "output")
    edit(record, "laos_opium_ha[2018]", "laos_opium_hx[2018]")
    result = run()
    assert result.code == 1 and "has no figure 'laos_opium_hx'" in result.err
    assert snapshot(project / "output")["laos-inl.pdf"] == before["laos-inl.pdf"]
    assert run().code == 1  # still broken: tried again, still refused
    edit(record, "laos_opium_hx[2018]", "laos_opium_ha[2018]")
    edit(record, "title: Laos", "title: Lao PDR")
    result = run()
    assert result.code == 0 and rebuilt(result) == ["laos-inl"]
    edit(record, "title: Lao PDR", "title: Laos")  # back to what the first build had: rebuilt again
    assert rebuilt(run()) == ["laos-inl"]


def test_a_broken_data_file_fails_only_its_readers(built_project):
    """A data file with an error fails the sheets that read it, located in the data file."""
    project, run = built_project
    edit(project / UNODC, "2018: 5700", "2018: lots")
    result = run()
    assert result.code == 1
    assert "sources/data/unodc.yaml:8:30: error: 'laos_opium_ha.values.2018' must be a number" in result.err
    assert "the shared-data file sources/data/unodc.yaml has errors" in result.err
    readers = readers_of(project, "data.unodc.")
    assert f"{len(readers)} failed" in result.out and "laos-embassy-inl" not in result.out.split("failed:")[1]


def test_stale_figures_warn_and_strict_fails(built_project):
    """A figure older than --stale-months warns with its place; --strict fails its readers, keeping outputs."""
    project, run = built_project
    result = run()
    readers = ", ".join(f"sources/{r}.yaml" for r in readers_of(project, "data.unodc.laos_opium_ha"))
    assert result.err.count("warning: shared figure 'data.unodc.laos_opium_ha'") == 1  # once for the run
    assert ("sources/data/unodc.yaml:3:1: warning: shared figure 'data.unodc.laos_opium_ha' is as of "
            f"2018-12-31, more than 18 months ago; printed by {readers}") in result.err
    assert "warnings" in result.out.splitlines()[-1] or "1 warning" in result.out.splitlines()[-1]
    assert "warning" not in run("--stale-months", "1000").err
    sheets = lambda: {k: v for k, v in snapshot(project / "output").items() if k.endswith((".docx", ".pdf"))}
    before = sheets()
    result = run("--strict")
    assert result.code == 1 and result.err.count(": error: shared figure 'data.unodc.laos_opium_ha'") == 1
    assert sheets() == before
    assert json.loads((project / "output" / "status.json").read_text())["sheets"]["sources/laos-inl.yaml"][
        "state"] == "failed"


def test_a_records_own_stale_figure_is_located_in_the_record(project, run_cli):
    """Own figures are checked too, named with the record's line."""
    record = project / "sources" / "own.yaml"
    record.write_text("layout: embassy-section\ntitle: T\nissuer: I\ndate: 2026-01-05\n"
                      "figures:\n  total:\n    value: 5\n    as_of: 2020-01-31\n"
                      "highlight: '{{ total | number }} things'\n", encoding="utf-8")
    result = run_cli("build", "--jobs", "1", "--out", "o", "sources/own.yaml", cwd=project)
    assert result.code == 0
    assert "sources/own.yaml:6:3: warning: figure 'total' is as of 2020-01-31, more than 18 months ago" in result.err


def test_stray_temporary_files_are_cleaned(built_project):
    """A killed run's temporary files are removed by the next run."""
    project, run = built_project
    stray = project / "output" / ".factsheets-abc123.tmp"
    stray.write_bytes(b"half a sheet")
    assert run().code == 0
    assert not stray.exists()


def test_parallel_build_matches_serial_build(project, run_cli):
    """--jobs 2 gives the same files, manifest and report as --jobs 1."""
    serial = run_cli("build", "--jobs", "1", "--out", "one", cwd=project)
    parallel = run_cli("build", "--jobs", "2", "--out", "two", cwd=project)
    assert serial.code == parallel.code == 0
    assert serial.out.replace("one/", "two/") == parallel.out and serial.err == parallel.err
    one, two = snapshot(project / "one"), snapshot(project / "two")
    assert sorted(one) == sorted(two)
    for name in one:
        if name not in ("CHANGES.md", "changes.json", ".stamps.json"):  # the run's time, the files' stat
            assert one[name][0] == two[name][0], name


@pytest.mark.slow  # waits on real processes queued behind a held lock
def test_the_lock_keeps_a_second_run_out(built_project):
    """While the folder is locked, a second run exits 75 naming the holder; --wait queues it."""
    from pipeline.builder.lock import OutputLock

    project, _ = built_project
    command = [sys.executable, "-m", "pipeline", "build", "--jobs", "1", "--force"]
    with OutputLock(project / "output"):
        before = snapshot(project / "output")
        busy = subprocess.run(command, cwd=project, capture_output=True, text=True)
        assert snapshot(project / "output") == before
    assert busy.returncode == 75, busy.stderr
    assert "output: error: another build is writing here: process " in busy.stderr
    assert "--wait SECONDS" in busy.stderr
    with OutputLock(project / "output"):
        waiting = subprocess.Popen([*command, "--wait", "30"], cwd=project, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        with pytest.raises(subprocess.TimeoutExpired):
            waiting.wait(timeout=1.5)  # still queued behind us
    out, err = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, err
    assert "rebuilt laos-inl" in out


@pytest.mark.slow  # two real processes racing for the lock
def test_two_concurrent_runs_never_both_write(built_project):
    """Start two forced builds at once: one builds, the other is refused having written nothing."""
    project, _ = built_project
    command = [sys.executable, "-m", "pipeline", "build", "--jobs", "1", "--force"]
    runs = [subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    results = [(r.wait(timeout=120), *r.communicate()) for r in runs]
    codes = sorted(code for code, _, _ in results)
    if codes == [0, 0]:  # the first finished before the second started: they did not overlap
        pytest.fail("both runs finished cleanly; they must overlap for this test to mean anything")
    assert codes == [0, 75], results
    refused = next(r for r in results if r[0] == 75)
    assert "rebuilt" not in refused[1] and "another build is writing here" in refused[2]
