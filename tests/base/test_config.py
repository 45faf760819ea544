"""factsheets.toml: found from any folder of the project; its keys are the long options; the command line wins."""

import json
import os

import pytest
from conftest import RECORDS, ROOT, sheets_in
from records import sheet_names

from pipeline.base import config


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


def test_a_settings_file_others_can_change_is_refused(project, run_cli):
    """Before: a world-writable factsheets.toml was obeyed (its templates path ran another user's code)."""
    _settings(project, 'out = "elsewhere"\n')
    (project / "factsheets.toml").chmod(0o666)
    result = run_cli("build", cwd=project)
    assert result.code == 2 and "other users can change the settings file (mode 666)" in result.err
    assert "chmod go-w" in result.err and not (project / "elsewhere").exists()


def test_a_settings_file_of_another_user_is_refused(project, run_cli):
    """Git's safe.directory rule: a settings file this user does not own is never obeyed."""
    if os.geteuid() != 0:
        pytest.skip("making a file of another user needs root")
    _settings(project, 'out = "elsewhere"\n')
    os.chown(project / "factsheets.toml", 65534, -1)
    result = run_cli("build", cwd=project)
    assert result.code == 2 and "belongs to another user" in result.err


def test_the_search_stops_at_a_repository_root_and_at_a_folder_of_another_user(tmp_path):
    """Before: a factsheets.toml in any folder above was obeyed, even in a world-writable /tmp."""
    above = tmp_path / "shared"
    project = above / "repo" / "sub"
    project.mkdir(parents=True)
    (above / "factsheets.toml").write_text('out = "x"\n')
    assert config.find(project, home=tmp_path / "nohome") == above / "factsheets.toml"
    (above / "repo" / ".git").mkdir()
    assert config.find(project, home=tmp_path / "nohome") is None
    os.rmdir(above / "repo" / ".git")
    assert config.find(project, home=above / "repo") is None  # the user's home ends it too
    if os.geteuid() == 0:
        os.chown(above, 65534, -1)
        assert config.find(project, home=tmp_path / "nohome") is None


def test_a_deeply_nested_settings_file_is_refused_without_a_traceback(project, run_cli):
    """Before: tomllib's RecursionError reached the user as a traceback."""
    _settings(project, "x = " + "[" * 100_000 + "\n")
    result = run_cli("build", cwd=project)
    assert result.code == 2 and "nests tables or lists too deeply" in result.err and "Traceback" not in result.err
