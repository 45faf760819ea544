"""factsheets.toml: found from any folder of the project; its keys are the long options; the command line wins."""

import json

from conftest import RECORDS, ROOT, sheets_in
from records import sheet_names


def _settings(project, text):
    """Write the project's settings file."""
    (project / "factsheets.toml").write_text(text, encoding="utf-8")


def test_a_command_runs_from_any_folder_of_the_project(project, run_cli):
    """From sources/data, `build` uses the project's folders and names files from the project's root."""
    _settings(project, 'out = "built"\n')
    result = run_cli("build", cwd=project / "sources" / "data")
    assert result.code == 0, result.err
    assert sheets_in(project / "built") == sheet_names(RECORDS)
    assert f"rebuilt {RECORDS[0].id} ({RECORDS[0].file.relative_to(ROOT).as_posix()})" in result.out
    assert not (project / "sources" / "data" / "output").exists()


def test_paths_typed_in_a_subfolder_mean_that_subfolder(project, run_cli):
    """`factsheets build laos-inl.yaml` inside sources/ builds sources/laos-inl.yaml."""
    _settings(project, 'format = ["pdf"]\n')
    sample = RECORDS[0]
    result = run_cli("build", sample.file.name, "--out", "../elsewhere", cwd=project / "sources")
    assert result.code == 0, result.err
    assert sheets_in(project / "elsewhere") == [f"{sample.id}.pdf"]


def test_the_command_line_wins_over_the_settings(project, run_cli):
    """A setting is a default: --format and --out given on the command line replace it."""
    _settings(project, 'format = ["pdf"]\nout = "built"\n')
    sample = RECORDS[0]
    result = run_cli("build", "--format", "docx", "--out", "mine", sample.file.relative_to(ROOT), cwd=project)
    assert result.code == 0, result.err
    assert sheets_in(project / "mine") == [f"{sample.id}.docx"] and not (project / "built").exists()


def test_switches_and_numbers_are_settings_too(project, run_cli):
    """`strict = true` makes a stale figure fail, as --strict does; `stale-months` changes the cut-off."""
    _settings(project, "strict = true\nstale-months = 1\n")
    strict = run_cli("check", cwd=project)
    assert strict.code == 1 and "more than 1 months ago" in strict.err
    _settings(project, "strict = true\nstale-months = 1200\n")
    assert run_cli("check", cwd=project).code == 0


def test_sources_names_the_records_built_by_default(project, run_cli):
    """`sources = [...]` replaces the default folder when no record is named."""
    sample = RECORDS[-1]
    _settings(project, f'sources = ["{sample.file.relative_to(ROOT).as_posix()}"]\nout = "o"\n')
    assert run_cli("build", cwd=project / "templates").code == 0
    assert sheets_in(project / "o") == sample.sheets


def test_a_bad_setting_is_refused_at_its_line(project, run_cli):
    """A value the command line would refuse exits 2 at the file's line; nothing is written."""
    _settings(project, '# settings\nout = "built"\njobs = 0\n')
    result = run_cli("build", cwd=project / "sources")
    assert result.code == 2
    assert result.err.startswith("../factsheets.toml:3:1: error: 'jobs': expected a whole number from 1")
    assert not (project / "built").exists()


def test_an_unknown_setting_is_refused_with_a_suggestion(project, run_cli):
    """A misspelt key names its line and the closest option."""
    _settings(project, 'out = "built"\nstale-month = 24\n')
    result = run_cli("check", "--diagnostics", "json", cwd=project)
    (found,) = [json.loads(line) for line in result.err.splitlines()]
    assert result.code == 2 and (found["path"], found["line"]) == ("factsheets.toml", 2)
    assert "did you mean 'stale-months'" in found["message"]


def test_a_settings_file_that_is_not_toml_is_refused_at_its_line(project, run_cli):
    """Broken TOML: exit 2, with the line and column the TOML reader gives."""
    _settings(project, 'out = "built"\nstrict = yes\n')
    result = run_cli("check", cwd=project)
    assert result.code == 2 and result.err.startswith("factsheets.toml:2:") and "not valid TOML" in result.err


def test_a_setting_of_another_command_is_skipped(project, run_cli):
    """`jobs` is a build setting: `check`, which has no --jobs, runs without it."""
    _settings(project, "jobs = 1\n")
    assert run_cli("check", cwd=project).code == 0
