"""Published outputs are trusted by their stat stamp, hashed only when it moved, and never wrongly."""

import json
import os

import pytest

from pipeline.builder import plan


@pytest.fixture
def built_project(project, run_cli):
    """Return (project, run) after a first full build into project/output."""
    def run(*args):
        return run_cli("build", "--jobs", "1", *args, cwd=project)
    assert run().code == 0
    return project, run


@pytest.fixture
def hashed(monkeypatch):
    """Count the files the planner hashes."""
    seen = []
    real = plan.file_digest

    def counting(path):
        seen.append(path.name)
        return real(path)
    monkeypatch.setattr(plan, "file_digest", counting)
    return seen


def _outputs(project) -> list[str]:
    return sorted(p.name for p in (project / "output").iterdir() if p.suffix in (".docx", ".pdf"))


def test_a_no_op_run_hashes_no_output(built_project, hashed):
    """Each output's stamp is recorded when it is published: the next run reads stats, not bytes
    (and the manifest, whose bytes depend on the build alone, carries none)."""
    project, run = built_project
    stamps = json.loads((project / "output" / ".stamps.json").read_bytes())
    assert sorted(stamps) == _outputs(project)
    assert b"st_" not in (project / "output" / "manifest.json").read_bytes()
    assert str(stamps["laos-inl.pdf"][1]) not in (project / "output" / "manifest.json").read_text()
    assert run().code == 0
    assert not set(hashed) & set(_outputs(project))


def test_an_edit_that_keeps_size_and_times_is_still_found(built_project, hashed):
    """Same length, modification time set back: the change time moved, so the file is hashed and rebuilt."""
    project, run = built_project
    target = project / "output" / "laos-inl.pdf"
    before = target.stat()
    data = bytearray(target.read_bytes())
    data[-10] ^= 1
    target.write_bytes(bytes(data))
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert target.stat().st_size == before.st_size and target.stat().st_mtime_ns == before.st_mtime_ns
    result = run()
    assert "rebuilt laos-inl (sources/laos-inl.yaml): output changed by hand (laos-inl.pdf)" in result.out
    assert "laos-inl.pdf" in hashed


@pytest.mark.parametrize("damage", [None, b"{", b"[]", b'{"laos-inl.pdf": "x"}'])
def test_lost_or_damaged_stamps_are_hashed_once_then_stamped(built_project, hashed, damage):
    """No stamps (a manifest from before them) or damaged ones: the first run hashes every output,
    rebuilds nothing, and saves their stamps."""
    project, run = built_project
    path = project / "output" / ".stamps.json"
    if damage is None:
        path.unlink()
    else:
        path.write_bytes(damage)
    result = run()
    assert result.code == 0 and " 0 rebuilt" in result.out
    assert set(_outputs(project)) <= set(hashed)
    hashed.clear()
    assert run().code == 0
    assert not set(hashed) & set(_outputs(project))
