"""Shared fixtures: the project root, an in-process CLI runner, and one build of the samples."""

import atexit
import importlib
import math
import os
import pkgutil
import shutil
import tempfile
from pathlib import Path

import pytest
import records
from hypothesis import settings
from hypothesis.database import DirectoryBasedExampleDatabase

from pipeline import builder
from pipeline.cli import command as cli

# Fixtures kept in their own modules: `chromium`, the headless browser of the workspace's browser tests.
pytest_plugins = ["browser"]

ROOT = Path(__file__).resolve().parents[1]

# Tests share neither the user's picture cache nor a build daemon: a cache of this run's own (removed
# at exit), and no daemon at a terminal (pytest -s); tests/cli/test_daemon.py starts and stops its own.
_CACHE = tempfile.mkdtemp(prefix="factsheets-test-cache-")
atexit.register(shutil.rmtree, _CACHE, True)
os.environ.setdefault("FACTSHEETS_CACHE_DIR", _CACHE)
os.environ.setdefault("FACTSHEETS_NO_DAEMON", "1")

# Hypothesis profiles (HYPOTHESIS_PROFILE=ci|explore). `ci`, the default: the same examples every run
# (derandomized) and no example database, so a fresh clone behaves exactly as CI and a run fails only
# for a reason. `explore` (make test-explore): fresh random examples, EXPLORE_FACTOR times as many (or
# HYPOTHESIS_EXAMPLES each), and a local database that replays a failure found once first. Both print
# the blob that replays a failure (@reproduce_failure); keep a failing input as an @example with its fix.
EXPLORE_FACTOR = 25
settings.register_profile("ci", derandomize=True, database=None, print_blob=True, deadline=None,
                          max_examples=100)
settings.register_profile("explore", derandomize=False, print_blob=True, deadline=None, max_examples=2500,
                          database=DirectoryBasedExampleDatabase(ROOT / ".hypothesis" / "examples"))
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)


def examples(count: int) -> int:
    """Return a property's number of examples: `count` in CI, many more when exploring."""
    if PROFILE != "explore":
        return count
    return int(os.environ.get("HYPOTHESIS_EXAMPLES") or count * EXPLORE_FACTOR)
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


# The builder's modules that save the manifest by the clock while publishing (CHECKPOINT seconds).
CHECKPOINTED = [module for info in pkgutil.iter_modules(builder.__path__)
                if hasattr(module := importlib.import_module(f"{builder.__name__}.{info.name}"), "CHECKPOINT")]


@pytest.fixture(autouse=True)
def pinned_checkpoint(monkeypatch):
    """Save the manifest mid-run never (CHECKPOINT infinite): how many times a build flushes or saves
    must not depend on how loaded the machine is. A test that wants the checkpoint sets it itself."""
    assert CHECKPOINTED, "no module of pipeline.builder has CHECKPOINT any more: pin its successor here"
    for module in CHECKPOINTED:
        monkeypatch.setattr(module, "CHECKPOINT", math.inf)


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
