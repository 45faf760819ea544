"""Hostile input and faults, round two (issue 12): what a record, a file name or a dying run can break.

The single-record cases are in tests/corpus/; these need more than one record, a folder, a link,
several runs or a killed process.
"""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import ROOT
from corpus import COMPANION, COMPANION_ID

HEAD = "layout: inl-country-program\ntitle: T\nissuer: I\ndate: 2003-03-11\n"
ARGS = ("build", "sources", "--out", "out", "--templates", ROOT / "templates", "--stale-months", "1200")


def scratch(tmp_path, **records):
    """Make sources/ with the companion and the given records (name -> text); return the folder."""
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / f"{COMPANION_ID}.yaml").write_text(COMPANION, encoding="utf-8")
    for name, text in records.items():
        (tmp_path / "sources" / name).write_text(text, encoding="utf-8")
    return tmp_path


# --- 1. a template bug cannot be triggered by a record ----------------------------------------

def test_a_refused_constant_neither_stops_the_run_nor_is_a_template_bug(tmp_path, run_cli):
    """Records sorted after '{{ "\\x00" }}' are built; exit 1 (was 2, with later records never built)."""
    scratch(tmp_path, **{"a-bad.yaml": HEAD + "lead: 'x {{ \"\\x00\" }} y'\n",
                         "b-after.yaml": HEAD + "lead: Built after the bad one.\n"})
    result = run_cli(*ARGS, cwd=tmp_path)
    assert result.code == 1
    assert "template bug" not in result.err and "internal error" not in result.err
    assert "3 records: 2 rebuilt, 0 up to date, 1 failed" in result.out
    assert (tmp_path / "out" / "b-after.pdf").exists()


# --- 2, 3. file names ---------------------------------------------------------------------------

def test_a_name_that_is_not_utf8_is_refused_and_the_manifest_is_saved(tmp_path, run_cli):
    """caf\\xe9.yaml: refused alone; the manifest is written, so the next run rebuilds nothing."""
    scratch(tmp_path)
    (tmp_path / "sources" / os.fsdecode(b"caf\xe9.yaml")).write_text(HEAD, encoding="utf-8")
    first = run_cli(*ARGS, cwd=tmp_path)
    assert first.code == 1 and "Traceback" not in first.err
    assert first.err.startswith("sources/caf\\xe9.yaml:1:1: error: the file name is not valid UTF-8 (byte 0xe9)\n")
    assert json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))["records"]
    assert "previous sheets kept: sources/caf\\\\xe9.yaml" in (tmp_path / "out" / "CHANGES.md").read_text(encoding="utf-8")
    second = run_cli(*ARGS, cwd=tmp_path)
    assert "0 rebuilt, 1 up to date, 1 failed" in second.out


def test_names_are_escaped_in_every_line_and_report(tmp_path, run_cli):
    """A newline, an ESC and Markdown in a name: one summary line, no ESC anywhere, no Markdown."""
    name = "x\nfactsheets: 9 records: 9 rebuilt, 0 up to date, 0 failed (into out)\n\x1b[2J**b**[l](https:x).yaml"
    scratch(tmp_path, **{name: HEAD + "id: odd-name\nlead: Text.\n", "bad\x1b[31m.yaml": "layout: nope\n"})
    result = run_cli(*ARGS, cwd=tmp_path)
    assert result.code == 1
    for stream in (result.out, result.err):
        assert "\x1b" not in stream
    lines = result.out.splitlines()
    assert all(line.startswith(("rebuilt ", "  ", "factsheets: ")) for line in lines), lines
    summaries = [line for line in lines if line.startswith("factsheets:")]
    assert len(summaries) == 1 and summaries[0].startswith("factsheets: 3 records: 2 rebuilt")
    assert "sources/bad\\x1b[31m.yaml:1:9: error:" in result.err
    changes = (tmp_path / "out" / "CHANGES.md").read_text(encoding="utf-8")
    assert ("(sources/x\\\\nfactsheets: 9 records: 9 rebuilt, 0 up to date, 0 failed (into out)\\\\n"
            "\\\\x1b\\[2J\\*\\*b\\*\\*\\[l\\](https:x).yaml): new record") in changes
    assert "\x1b" not in changes and "\n\n- failed" not in changes.replace("\n- failed", "")
    report = json.loads((tmp_path / "out" / "changes.json").read_text(encoding="utf-8"))
    assert all("\n" not in entry["record"] for entry in report["rebuilt"])


# --- 5. links and hard links under sources/ -----------------------------------------------------

def test_a_linked_data_folder_is_not_read(tmp_path, run_cli):
    """sources/data -> elsewhere: refused, and nothing of the files it points at is quoted."""
    scratch(tmp_path, **{"reader.yaml": HEAD + "lead: '{{ data.secret.key }}'\n"})
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "secret.yaml").write_text("key: hunter2-is-the-password\n", encoding="utf-8")
    (tmp_path / "sources" / "data").symlink_to(tmp_path / "elsewhere")
    result = run_cli(*ARGS, cwd=tmp_path)
    assert result.code == 1
    assert result.err.startswith("sources/data:1:1: error: the shared-data folder is a symbolic link; shared "
                                 "data is read only from a real folder\n")
    assert "hunter2" not in result.err + result.out and "key" not in result.err.replace("secret.key", "")
    assert not (tmp_path / "out" / "reader.pdf").exists()


def test_a_linked_data_file_is_not_read(tmp_path, run_cli):
    """sources/data/x.yaml -> a file outside: refused unread."""
    scratch(tmp_path)
    (tmp_path / "secret.yaml").write_text("pw: not-a-number-hunter2\n", encoding="utf-8")
    (tmp_path / "sources" / "data").mkdir()
    (tmp_path / "sources" / "data" / "x.yaml").symlink_to(tmp_path / "secret.yaml")
    result = run_cli(*ARGS, cwd=tmp_path)
    assert result.code == 1 and "hunter2" not in result.err
    assert "sources/data/x.yaml:1:1: error: the file is a symbolic link" in result.err


@pytest.mark.parametrize("where", ["sources/linked.yaml", "sources/data/linked.yaml"])
def test_a_hard_linked_file_is_refused_unquoted(tmp_path, run_cli, where):
    """A hard link to a file outside (a key, say) is refused before its first characters are quoted."""
    scratch(tmp_path)
    (tmp_path / "sources" / "data").mkdir()
    secret = tmp_path / "secret"
    secret.write_text("hunter2: [unclosed\n", encoding="utf-8")  # would be quoted by a syntax error
    os.link(secret, tmp_path / where)
    result = run_cli(*ARGS, cwd=tmp_path)
    assert result.code == 1 and "hunter2" not in result.err
    assert result.err.startswith(f"{where}:1:1: error: the file has 2 hard links: its contents are shared "
                                 f"with another file\n")


# --- 7. one spelling of data file names ---------------------------------------------------------

def test_a_yml_beside_the_yaml_refuses_the_name_instead_of_overriding(tmp_path, run_cli):
    """data/x.yml used to replace the reviewed data/x.yaml in every sheet, silently."""
    scratch(tmp_path, **{"reader.yaml": HEAD + "lead: 'Area {{ data.unodc.ha | number }} ha.'\n"})
    (tmp_path / "sources" / "data").mkdir()
    (tmp_path / "sources" / "data" / "unodc.yaml").write_text("ha: 5700\n", encoding="utf-8")
    (tmp_path / "sources" / "data" / "unodc.yml").write_text("ha: 9999\n", encoding="utf-8")
    result = run_cli(*ARGS, cwd=tmp_path)
    assert result.code == 1
    assert ("sources/data/unodc.yml:1:1: error: a second shared-data file for 'unodc' beside unodc.yaml\n"
            "  hint: keep one file per name: merge unodc.yml into unodc.yaml and delete it\n") in result.err
    assert "sources/reader.yaml:5:21: error: in 'lead': the shared-data file sources/data/unodc.yaml has errors" \
        in result.err
    assert not (tmp_path / "out" / "reader.pdf").exists()


def test_a_lone_yml_data_file_is_refused_with_the_name_to_use(tmp_path, run_cli):
    """data/x.yml alone: refused, saying to rename it x.yaml."""
    scratch(tmp_path)
    (tmp_path / "sources" / "data").mkdir()
    (tmp_path / "sources" / "data" / "unodc.yml").write_text("ha: 9999\n", encoding="utf-8")
    result = run_cli(*ARGS, cwd=tmp_path)
    assert result.code == 1
    assert result.err == ("sources/data/unodc.yml:1:1: error: shared-data files end in .yaml, not .yml\n"
                          "  hint: rename it to unodc.yaml\n")


# --- 8. workers end with the run ----------------------------------------------------------------

def _group(pgid: int) -> list[str]:
    """Return the live (not zombie) processes of a process group, as 'pid command' lines."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as handle:
                fields = handle.read().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(entry)
    return found


def test_sigkill_of_the_build_leaves_no_process_of_it(project):
    """SIGKILL the main process mid-build: its workers, forkserver and resource tracker end too."""
    source = (project / "sources" / "laos-embassy-inl.yaml").read_text(encoding="utf-8")
    for n in range(12):  # ids come from the file names: enough work to kill the run in the middle
        (project / "sources" / f"copy-{n}.yaml").write_text(source, encoding="utf-8")
    build = subprocess.Popen([sys.executable, "-m", "pipeline", "build", "--jobs", "2", "--force"],
                             cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)  # its own group: every process it starts is in it
    # The waits below are guards against a hang, not measures: each ends as soon as its condition
    # holds, and is long enough that no loaded machine reaches it.
    deadline = time.monotonic() + 300
    while len(_group(build.pid)) < 4 and time.monotonic() < deadline:  # main, tracker, forkserver, a worker
        time.sleep(0.1)
    assert len(_group(build.pid)) >= 4, "the build never started its workers"
    os.kill(build.pid, signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 120
    while _group(build.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = _group(build.pid)
    for pid in left:  # do not leak them into the rest of the suite, whatever the verdict
        os.kill(int(pid), signal.SIGKILL)
    assert left == [], "processes of the killed build are still running"


# --- 11. a costly failure is not retried unchanged ----------------------------------------------

def test_a_timed_out_record_is_not_rebuilt_until_something_changes(tmp_path, run_cli):
    """The manifest remembers the failure; a run reports it in one line; --force or an edit retries."""
    scratch(tmp_path, **{"slow.yaml": HEAD + "lead: Slow.\n"})
    args = ("build", "sources/slow.yaml", "--out", "out", "--templates", ROOT / "templates")
    limit = ("--time-limit", "0.001")  # no sheet builds this fast
    first = run_cli(*args, *limit, cwd=tmp_path)
    assert first.code == 1 and "took longer than 0.001 s" in first.err
    again = run_cli(*args, *limit, cwd=tmp_path)
    assert again.code == 1
    assert again.err == ("sources/slow.yaml:1:1: error: not built again: building this record took longer than "
                         "0.001 s and was stopped (in an earlier run, with the same inputs); edit the record or "
                         "pass --force to try again\n")
    assert "1 records: 0 rebuilt, 0 up to date, 1 failed" in again.out
    forced = run_cli(*args, *limit, "--force", cwd=tmp_path)
    assert "took longer than 0.001 s and was stopped\n  hint:" in forced.err  # retried, failed again
    (tmp_path / "sources" / "slow.yaml").write_text(HEAD + "lead: Edited.\n", encoding="utf-8")
    edited = run_cli(*args, *limit, cwd=tmp_path)
    assert "not built again" not in edited.err and "took longer" in edited.err
    raised = run_cli(*args, cwd=tmp_path)  # another limit (the default, 120 s) is another input
    assert raised.code == 0 and "rebuilt slow" in raised.out
    assert "failures" not in json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))


def test_a_layout_failure_is_remembered_and_a_shared_value_change_retries_it(tmp_path, run_cli, monkeypatch):
    """A writer failure is not retried while inputs stay; a changed shared value it read retries it."""
    from pipeline.writers import pdf
    scratch(tmp_path, **{"reader.yaml": HEAD + "lead: 'Area {{ data.unodc.ha | number }} ha.'\n"})
    (tmp_path / "sources" / "data").mkdir()
    data = tmp_path / "sources" / "data" / "unodc.yaml"
    data.write_text("ha: 5700\n", encoding="utf-8")
    calls = []

    def explode(document):
        calls.append(1)
        raise RuntimeError("layout engine failed")
    monkeypatch.setattr(pdf, "render", explode)
    run = lambda: run_cli(*ARGS, "--jobs", "1", cwd=tmp_path)
    assert run().code == 1 and len(calls) == 2  # the companion and the reader
    second = run()
    assert len(calls) == 2  # neither was laid out again
    assert second.err.count("error: not built again: the pdf writer could not lay out this sheet") == 2
    data.write_text("ha: 6100\n", encoding="utf-8")
    third = run()
    assert len(calls) == 3  # the reader, whose shared value changed; not the companion
    assert "sources/reader.yaml:1:1: error: the pdf writer could not lay out" in third.err
    assert f"sources/{COMPANION_ID}.yaml:1:1: error: not built again" in third.err


# --- 10. option values --------------------------------------------------------------------------

@pytest.mark.parametrize("option,value", [("--stale-months", "30000"), ("--stale-months", "0"),
                                          ("--time-limit", "nan"), ("--time-limit", "inf"),
                                          ("--time-limit", "-1"), ("--wait", "nan"), ("--wait", "1e9"),
                                          ("--jobs", "0"), ("--jobs", "100000")])
def test_every_option_value_is_checked(project, option, value):
    """Out of range or not finite: exit 2 with a plain message, no traceback, nothing written."""
    result = subprocess.run([sys.executable, "-m", "pipeline", "build", option, value], cwd=project,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"error: argument {option}" in result.stderr and f"not '{value}'" in result.stderr
    assert not (project / "output").exists()
