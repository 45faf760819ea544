"""The planner alone: from the manifest's hashes, which records a run rebuilds and why, without building."""

from pathlib import Path

import pytest
from conftest import RECORDS

from pipeline.builder.manifest import Manifest
from pipeline.builder.options import Options
from pipeline.builder.plan import Planner
from pipeline.builder.recipe import discover
from pipeline.figures import shared as data


@pytest.fixture
def planned(project, run_cli, monkeypatch):
    """Return (project, a function planning its records with the given options) after a first build."""
    assert run_cli("build", "--jobs", "1", cwd=project).code == 0
    monkeypatch.chdir(project)  # the manifest names records as the build did, from the project's folder
    files = discover([Path("sources")])

    def plan(**how):
        opts = Options(**how)  # the defaults: templates, sources/data, output
        dataset = data.load(opts.data, "sources/data")
        planner = Planner(Manifest.load(opts.out), dataset, opts, {})
        return {file.stem: planner.plan(file) for file in files}
    return project, plan


def test_after_a_build_every_record_is_current(planned):
    """No job: each plan keeps the manifest's entry, with no reason to rebuild."""
    _, plan = planned
    plans = plan()
    assert sorted(plans) == sorted(r.file.stem for r in RECORDS)
    assert all(p.job is None and p.entry is not None and p.outcome.reasons == [] for p in plans.values())


def test_an_edit_a_missing_output_and_force_each_plan_a_rebuild_with_its_reason(planned):
    """Only the record touched is planned for a rebuild, and the reason says what changed."""
    project, plan = planned
    first, second = sorted(r.file.stem for r in RECORDS)[:2]
    record = project / "sources" / f"{first}.yaml"
    record.write_bytes(record.read_bytes() + b"\n# touched\n")
    entry = plan()[second].entry
    (project / "output" / f"{entry.id}.pdf").unlink()
    plans = plan()
    assert plans[first].outcome.reasons == ["record edited"]
    assert plans[first].job.data == record.read_bytes()
    assert plans[second].outcome.reasons == [f"output missing ({entry.id}.pdf)"]
    assert all(p.job is None for name, p in plans.items() if name not in (first, second))
    assert {p.outcome.reasons[0] for p in plan(force=True).values()} == {"forced (--force)"}
