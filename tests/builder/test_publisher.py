"""The publisher alone: sheets published in batches of its size, the manifest saved at its checkpoint."""

import math

from pipeline.base.errors import Location
from pipeline.builder import work
from pipeline.builder.manifest import Manifest
from pipeline.builder.outcome import Outcome
from pipeline.builder.plan import Plan
from pipeline.builder.publish import Publisher


def _built(name: str) -> tuple[Plan, work.Result]:
    """Return the plan and result of a record `name` built into a one-page .pdf."""
    result = work.Result(f"{name}.yaml", record_id=name, id_loc=Location(f"{name}.yaml", 1, 1), layout="x",
                         blobs={".pdf": f"%PDF {name}".encode()})
    return Plan(Outcome(f"{name}.yaml")), result


def test_sheets_appear_a_batch_at_a_time_and_the_rest_at_the_end(tmp_path):
    """Batches of two: nothing is published before the second sheet, the fifth only when the run ends."""
    publisher = Publisher(tmp_path, Manifest(tmp_path), batch=2, checkpoint=math.inf)
    plans = []
    with publisher.batches():
        for index, name in enumerate("abcde"):
            plan, result = _built(name)
            publisher.add(plan, result, {"record": name})
            plans.append(plan)
            published = sorted(p.name for p in tmp_path.glob("*.pdf"))
            assert published == [f"{n}.pdf" for n in "abcde"[:index + 1 - (index + 1) % 2]]
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == [f"{n}.pdf" for n in "abcde"]
    assert [p.outcome.status for p in plans] == ["built"] * 5
    assert publisher.manifest.entries["c.yaml"].inputs == {"record": "c"}
    assert not (tmp_path / "manifest.json").exists()  # no checkpoint: saved only with the run's records


def test_the_checkpoint_saves_the_manifest_mid_run(tmp_path):
    """Checkpoint 0: each published sheet saves the manifest at once, so a killed run loses nothing."""
    publisher = Publisher(tmp_path, Manifest(tmp_path), batch=1, checkpoint=0.0)
    with publisher.batches():
        for name in "ab":
            publisher.add(*_built(name), {})
            assert sorted(Manifest.load(tmp_path).entries) == sorted(f"{n}.yaml" for n in "ab"[:"ab".index(name) + 1])


def test_a_stopped_run_leaves_no_staged_file(tmp_path):
    """An error inside the batches discards the sheets staged and not yet published."""
    publisher = Publisher(tmp_path, Manifest(tmp_path), batch=10, checkpoint=math.inf)
    try:
        with publisher.batches():
            publisher.add(*_built("a"), {})
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == []
