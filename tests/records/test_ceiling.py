"""The classification ceiling: `max-classification` (factsheets.toml or the command line), by default
SENSITIVE BUT UNCLASSIFIED. On the old code a SECRET or TOP SECRET paper was accepted without a word."""

import pytest

PAPER = """layout: briefing-paper
classification: {banner}
title: "{mark} Laos: A Paper"
date: 2026-11-22
sections:
  - heading: KEY POINTS
    bullets:
      - (U) A bullet.
drafted: "INL/AP: J. Doe, ext. 1234"
"""


def _paper(folder, banner, mark):
    path = folder / "sources" / "paper.yaml"
    path.write_text(PAPER.format(banner=banner, mark=mark), encoding="utf-8")
    return path


@pytest.mark.parametrize("banner, mark", [("SECRET", "(S)"), ("TOP SECRET//NOFORN", "(TS//NF)"),
                                          ("CONFIDENTIAL", "(C)")])
def test_a_classified_paper_is_refused_naming_the_ceiling_and_where_it_belongs(project, run_cli, banner, mark):
    result = run_cli("check", _paper(project, banner, mark), cwd=project)
    assert result.code == 1
    assert (f"sources/paper.yaml:2:17: error: 'classification' '{banner}' is above this project's ceiling, "
            "SENSITIVE BUT UNCLASSIFIED (max-classification in factsheets.toml)") in result.err
    assert "accredited for their level" in result.err and "never in this project" in result.err


def test_the_default_ceiling_takes_the_highest_unclassified_marking(project, run_cli):
    for banner in ("UNCLASSIFIED", "SENSITIVE BUT UNCLASSIFIED//NOFORN"):
        result = run_cli("check", _paper(project, banner, "(U)"), cwd=project)
        assert result.code == 0, result.err


def test_a_lower_ceiling_in_the_settings_refuses_sbu_and_a_build_checks_again(project, run_cli):
    """Lowering the ceiling is an input of every sheet: the SBU paper built before fails now."""
    _paper(project, "SENSITIVE BUT UNCLASSIFIED", "(SBU)")
    assert run_cli("build", "--format", "pdf", cwd=project).code == 0
    (project / "factsheets.toml").write_text('max-classification = "UNCLASSIFIED"\n', encoding="utf-8")
    result = run_cli("build", "--format", "pdf", cwd=project)
    assert result.code == 1
    assert "above this project's ceiling, UNCLASSIFIED" in result.err
    assert "raise max-classification in factsheets.toml" in result.err


def test_a_mark_above_the_ceiling_says_so(project, run_cli):
    result = run_cli("check", _paper(project, "UNCLASSIFIED", "(S)"), cwd=project)
    assert result.code == 1
    assert "the portion mark (S) is above the banner" in result.err and "also above this project's ceiling" in result.err


def test_a_ceiling_that_names_no_level_is_refused_at_its_line(project, run_cli):
    (project / "factsheets.toml").write_text('max-classification = "SEKRET"\n', encoding="utf-8")
    result = run_cli("check", cwd=project)
    assert result.code == 2
    assert "factsheets.toml:1:1: error" in result.err and "found 'SEKRET'" in result.err
