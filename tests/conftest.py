"""Shared fixtures: the project root, an in-process CLI runner, and one build of the samples."""

import os
import shutil
from pathlib import Path

import pytest
import records

from pipeline.cli import command as cli

ROOT = Path(__file__).resolve().parents[1]
# Whatever sources/ holds, read when the tests are collected: a new record is tested like the others.
RECORDS = records.samples()
SAMPLES = tuple(record.id for record in RECORDS)


def sheets_in(folder: Path) -> list[str]:
    """Return the names of the fact sheets (.docx and .pdf) in a folder, sorted."""
    return sorted(p.name for p in folder.iterdir() if p.suffix in (".docx", ".pdf"))


class Result:
    """What one CLI run returned and printed."""

    def __init__(self, code, out, err):
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def run_cli(capsys):
    """Return a function that runs the factsheets CLI in-process from the project root."""
    def run(*args, cwd=ROOT):
        old = os.getcwd()
        os.chdir(cwd)
        try:
            code = cli.main([str(a) for a in args])
        finally:
            os.chdir(old)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)
    return run


@pytest.fixture
def project(tmp_path):
    """Return a scratch copy of the project's sources and templates (tests never write output/)."""
    shutil.copytree(ROOT / "sources", tmp_path / "sources")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    return tmp_path


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Build every sample once into a temporary folder; return {id: {'docx': path, 'pdf': path}}."""
    out = tmp_path_factory.mktemp("built")
    old = os.getcwd()
    os.chdir(ROOT)
    try:
        assert cli.main(["build", "--out", str(out)]) == 0
    finally:
        os.chdir(old)
    return {sid: {"docx": out / f"{sid}.docx", "pdf": out / f"{sid}.pdf"} for sid in SAMPLES}
