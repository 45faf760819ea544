"""How diagnostics are shown: concise, full (source line and caret), json, github; colour; -q, -v, --version."""

import json
import subprocess
import sys

import pytest
from conftest import RECORDS, ROOT


def _misspelt(project):
    """Add a misspelt field on a new last line of the first sample; return (relative path, line, field)."""
    sample = RECORDS[0]
    file = project / sample.file.relative_to(ROOT)
    text = file.read_text(encoding="utf-8").rstrip("\n") + "\n"
    file.write_text(text + "subtitel: A line under the title\n", encoding="utf-8")
    return file.relative_to(project).as_posix(), text.count("\n") + 1, "subtitel"


def _checked(run_cli, project, *options):
    """Run `check` on the first sample with options; return the result."""
    return run_cli("check", *options, RECORDS[0].file.relative_to(ROOT), cwd=project)


def test_json_gives_one_object_per_diagnostic_with_its_field(project, run_cli):
    """--diagnostics json: path, line, column, severity, field, message and hint, one object per line."""
    path, line, field = _misspelt(project)
    result = _checked(run_cli, project, "--diagnostics", "json")
    assert result.code == 1
    found = [json.loads(text) for text in result.err.splitlines()]
    assert found == [{"path": path, "line": line, "column": 1, "severity": "error", "field": field,
                      "message": found[0]["message"], "hint": found[0]["hint"]}]
    assert "subtitel" in found[0]["message"] and "subtitle" in found[0]["message"]


def test_json_names_nested_fields(project, run_cli):
    """A problem inside a section names the section's field path, as the record nests it."""
    sample = RECORDS[0]
    file = project / sample.file.relative_to(ROOT)
    text = file.read_text(encoding="utf-8")
    assert "\nsections:\n  - " in text, "the first sample has sections"
    file.write_text(text.replace("\nsections:\n  - ", "\nsections:\n  - bulets: [x]\n    ", 1), encoding="utf-8")
    result = _checked(run_cli, project, "--diagnostics", "json")
    found = [json.loads(line) for line in result.err.splitlines()]
    assert [d["field"] for d in found] == ["sections[0].bulets"]


def test_full_shows_the_source_line_with_a_caret_under_the_column(project, run_cli):
    """--diagnostics full quotes the line and puts '^' under the reported column."""
    path, line, _ = _misspelt(project)
    result = _checked(run_cli, project, "--diagnostics", "full")
    lines = result.err.splitlines()
    assert lines[0].startswith(f"{path}:{line}:1: error: unknown field 'subtitel'")
    assert lines[1].endswith("| subtitel: A line under the title")
    assert lines[2].index("^") == lines[1].index("subtitel")
    assert lines[3].startswith("  hint: ")


def test_github_writes_workflow_annotations(project, run_cli):
    """--diagnostics github: '::error file=…,line=…,col=…::message', newlines escaped."""
    path, line, _ = _misspelt(project)
    result = _checked(run_cli, project, "--diagnostics", "github")
    (annotation,) = result.err.splitlines()
    assert annotation.startswith(f"::error file={path},line={line},col=1::unknown field 'subtitel'")


@pytest.mark.parametrize("env, coloured", [({}, False), ({"FORCE_COLOR": "1"}, True),
                                           ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False)])
def test_colour_only_when_asked_or_on_a_terminal(project, run_cli, monkeypatch, env, coloured):
    """Captured output gets no colour; FORCE_COLOR turns it on, NO_COLOR wins over it."""
    for name in ("FORCE_COLOR", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    _misspelt(project)
    result = _checked(run_cli, project)
    assert ("\x1b[" in result.err) is coloured
    assert "unknown field 'subtitel'" in result.err


def test_json_is_never_coloured(project, run_cli, monkeypatch):
    """Programs read json: no colour even when forced."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    _misspelt(project)
    result = _checked(run_cli, project, "--diagnostics", "json")
    assert "\x1b[" not in result.err and json.loads(result.err.splitlines()[0])["severity"] == "error"


def test_quiet_prints_errors_and_the_summary_only(project, run_cli):
    """-q drops warnings and the rebuilt lines; -v adds the up-to-date records."""
    out = project / "o"
    loud = run_cli("build", "--out", out, cwd=project)
    assert "rebuilt " in loud.out and "warning:" in loud.err, "a sample prints a stale-figure warning"
    (out / "manifest.json").unlink()
    quiet = run_cli("build", "-q", "--out", out, "--force", cwd=project)
    assert quiet.err == "" and quiet.out.splitlines() == [loud.out.splitlines()[-1]]
    verbose = run_cli("build", "-v", "--out", out, cwd=project)
    assert sorted(line for line in verbose.out.splitlines() if line.startswith("up to date ")) == \
        sorted(f"up to date {r.id} ({r.file.relative_to(ROOT).as_posix()})" for r in RECORDS)


def test_options_work_before_and_after_the_command(project, run_cli):
    """`factsheets --diagnostics json check` and `factsheets check --diagnostics json` agree."""
    _misspelt(project)
    before = run_cli("--diagnostics", "json", "check", RECORDS[0].file.relative_to(ROOT), cwd=project)
    after = _checked(run_cli, project, "--diagnostics", "json")
    assert before.err == after.err and before.err.startswith("{")


def test_version_names_the_libraries_that_shape_the_output():
    """--version names python-docx, ReportLab and Jinja2 with their versions."""
    from importlib import metadata
    result = subprocess.run([sys.executable, "-m", "pipeline", "--version"], capture_output=True, text=True)
    assert result.returncode == 0
    for name in ("python-docx", "reportlab", "Jinja2"):
        assert f"{name} {metadata.version(name)}" in result.stdout
