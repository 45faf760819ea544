"""Named pipes in place of the run's own files: never opened for reading, so a run never waits on them.

Before, a build opened a pipe at output/<id>.pdf (to hash it), manifest.json, status.json or
CHANGES.md and waited for a writer for ever, holding the lock. The run is a subprocess with a
generous limit only so that the old hang fails the test instead of stalling the suite.
"""

import os
import stat
import subprocess
import sys

import pytest

ARGS = ("build", "--out", "out", "--stale-months", "1000", "sources/laos-inl.yaml")
PIPES = ("laos-inl.pdf", "laos-inl.docx", "manifest.json", ".stamps.json", "status.json", "CHANGES.md", "changes.json")


def _run(project):
    return subprocess.run([sys.executable, "-m", "pipeline", *ARGS], cwd=project, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.slow  # two builds in subprocesses
def test_pipes_in_place_of_every_output_are_replaced_by_the_built_files(project):
    assert _run(project).returncode == 0
    record = project / "sources" / "laos-inl.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("title: Laos", "title: Lao PDR"), encoding="utf-8")
    for name in PIPES:
        (project / "out" / name).unlink()
        os.mkfifo(project / "out" / name)
    result = _run(project)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    for name in PIPES:
        assert stat.S_ISREG(os.lstat(project / "out" / name).st_mode), name
