"""A build's worker processes start with what they need already imported, and build as the CLI does."""

import gc
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.builder import work

ROOT = Path(__file__).resolve().parents[2]


def test_worker_modules_exist():
    """Every module the forkserver imports for the workers is a real module (it ignores names that are not)."""
    for name in work.WORKER_MODULES:
        assert importlib.util.find_spec(name) is not None, name


@pytest.mark.slow  # a fresh process builds every sample
def test_worker_modules_cover_a_build():
    """Building a sample in a fresh process imports no module of the package's build stages that the
    forkserver has not imported already (else each worker would import it again itself)."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from pipeline.builder import work\n"
        "from pipeline.figures import shared\n"
        f"root = Path({str(ROOT)!r})\n"
        "before = set(sys.modules)\n"
        "for name in work.WORKER_MODULES: __import__(name)\n"
        "preloaded = set(sys.modules)\n"
        "ctx = work.Context(root / 'templates', shared.load(root / 'sources' / 'data', 'data'), None)\n"
        "for file in sorted((root / 'sources').glob('*.yaml')):\n"
        "    result = work.run(work.Job(file, file.name, file.read_bytes(), ('docx', 'pdf')), ctx)\n"
        "    assert result.blobs, result.diagnostics\n"
        "late = {m for m in set(sys.modules) - preloaded if m.startswith('pipeline.')}\n"
        "print(sorted(late))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_worker_sets_its_imports_aside(tmp_path, monkeypatch):
    """A worker's context and imports are frozen out of the collector's scans, with the command's threshold."""
    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    monkeypatch.setattr(work, "_WORKER", None)
    monkeypatch.chdir(tmp_path)  # the worker moves to the run's folder; the test's own is put back after
    try:
        work.init_worker(ROOT / "templates", None, None, str(tmp_path))
        assert gc.get_threshold()[0] == work.GC_YOUNG
        assert gc.get_freeze_count() > frozen
        assert work._WORKER is not None and work._WORKER.layouts
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


def _watched(monkeypatch) -> list[str]:
    """Record, in order, when the run starts the workers' server and when it loads the layouts; start no
    process and build nothing in a pool (the pool is replaced by building here)."""
    from pipeline.builder import recipe

    calls: list[str] = []
    load = recipe._load_layouts
    monkeypatch.setattr(recipe, "_start_pool_server", lambda: calls.append("server"))
    monkeypatch.setattr(recipe, "_load_layouts", lambda templates: calls.append("layouts") or load(templates))

    def pooled(jobs, count, opts, dataset):
        ctx = work.Context(opts.templates, dataset, opts.time_limit)
        return (work.run(job, ctx) for job in jobs)

    monkeypatch.setattr(recipe, "_pooled", pooled)
    return calls


def test_the_workers_server_starts_before_the_layouts_load(project, run_cli, monkeypatch):
    """A run that will build in a pool starts its server (which imports the build's modules) as soon as
    a second record needs building, so the imports overlap the rest of the planning and the layouts."""
    calls = _watched(monkeypatch)
    (project / "out").mkdir()  # a first build loads the layouts before it makes the folder
    assert run_cli("build", "--jobs", "2", "--no-daemon", "--out", project / "out", cwd=project).code == 0
    assert calls == ["server", "layouts"]


def test_one_record_to_build_starts_no_server(project, run_cli, monkeypatch):
    """One record is built in this process: nothing is started for a pool."""
    record = sorted((project / "sources").glob("*.yaml"))[0]
    calls = _watched(monkeypatch)
    (project / "out").mkdir()
    assert run_cli("build", record, "--jobs", "2", "--no-daemon", "--out", project / "out", cwd=project).code == 0
    assert calls == ["layouts"]
