"""`check` is `build` without writing: the same diagnostics, on every sample and every corpus case."""

import contextlib
import io
import os

import pytest
from conftest import ROOT
from corpus import COMPANION, COMPANION_ID, TIME_LIMIT, case_id, cases, expand, read_expected, run_case

from pipeline.cli import command as cli


def _lines(err: str) -> list[str]:
    """Return the diagnostics of a run, each with its hint, in the order printed."""
    return [block for block in err.replace("\n  hint:", "\t  hint:").splitlines()]


@pytest.mark.parametrize("strict", [False, True], ids=["default", "strict"])
def test_check_and_build_agree_on_the_samples(project, run_cli, strict):
    """The samples (one of which prints a stale shared figure) warn, or fail, alike."""
    options = ["--strict"] if strict else []
    checked = run_cli("check", *options, cwd=project)
    built = run_cli("build", "--jobs", "1", *options, cwd=project)
    assert checked.code == built.code
    assert _lines(checked.err) == _lines(built.err) and checked.err  # the stale figure, at least
    assert not (project / "output" / "edited").exists()


def test_check_and_build_agree_on_the_bad_records(tmp_path, run_cli):
    """Every error golden: what check prints is what build prints."""
    for bad in sorted((ROOT / "tests" / "bad").glob("*.yaml")):
        checked = run_cli("check", bad.relative_to(ROOT))
        built = run_cli("build", "--jobs", "1", "--out", tmp_path / bad.stem, bad.relative_to(ROOT))
        assert (checked.code, _lines(checked.err)) == (built.code, _lines(built.err)), bad.name


@pytest.mark.slow  # over a hundred pairs of CLI runs
@pytest.mark.parametrize("case", cases(), ids=case_id)
def test_check_and_build_agree_on_a_corpus_case(case, tmp_path):
    """A hostile case gets the same diagnostics from check as from build."""
    expected = read_expected(case)
    built = run_case(case, tmp_path / "build", expected)
    folder = tmp_path / "check"
    (folder / "sources").mkdir(parents=True)
    (folder / "sources" / f"{COMPANION_ID}.yaml").write_text(COMPANION, encoding="utf-8")
    record = folder / "sources" / (expected.name or f"{case_id(case)}.yaml")
    record.write_bytes(expand(case.read_bytes()))
    err = io.StringIO()
    old = os.getcwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            code = cli.main(["check", "sources", "--templates", str(ROOT / "templates")])
    finally:
        os.chdir(old)
    assert TIME_LIMIT  # both run with a time limit (check: the default), so neither hangs
    assert (code, _lines(err.getvalue())) == (built.code, _lines(built.err))


def test_check_names_a_data_file_as_a_data_file(project, run_cli):
    """`check sources/data/unodc.yaml` checks the data file (it is not a broken record)."""
    good = run_cli("check", "sources/data/unodc.yaml", cwd=project)
    assert (good.code, good.err) == (0, "") and "checked 1 of 1" in good.out
    data = project / "sources" / "data" / "unodc.yaml"
    data.write_text(data.read_text(encoding="utf-8").replace("as_of: 2018-12-31", "as_of: 2018-13-31"), encoding="utf-8")
    bad = run_cli("check", "sources/data/unodc.yaml", cwd=project)
    assert bad.code == 1 and bad.err.startswith("sources/data/unodc.yaml:")
    assert "is not a real date" in bad.err and "layout" not in bad.err
