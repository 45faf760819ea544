"""The command's process ends as Python would, without tearing down every object: what matters still happens."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import atexit, sys, threading, time
from pathlib import Path
out = Path(sys.argv[1])
atexit.register(lambda: (out / "atexit").write_text("ran"))
def late():
    time.sleep(0.2)
    (out / "thread").write_text("done")
threading.Thread(target=late).start()  # not a daemon: Python waits for it at exit
class TornDown:
    def __del__(self):
        (out / "torn-down").write_text("yes")
keep = TornDown()  # freed only by the interpreter's teardown
sys.argv = ["factsheets", *sys.argv[2:]]
from pipeline.cli import main
sys.exit(main())
"""


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path), *args], cwd=ROOT,
                          capture_output=True, text=True)


def test_exit_handlers_threads_and_output_as_python_would(tmp_path):
    done = _run(tmp_path, "layouts")
    assert done.returncode == 0, done.stderr
    whole = subprocess.run([sys.executable, "-m", "pipeline", "layouts"], cwd=ROOT, capture_output=True, text=True)
    assert done.stdout == whole.stdout and done.stdout.count("\n") > 5  # all of it, flushed
    assert (tmp_path / "atexit").read_text() == "ran"
    assert (tmp_path / "thread").read_text() == "done"  # waited for


def test_the_exit_code_is_the_commands(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: [unclosed\n", encoding="utf-8")
    done = _run(tmp_path, "check", str(bad))
    assert done.returncode == 1 and "never closed" in done.stderr


def test_the_objects_are_not_torn_down_one_by_one(tmp_path):
    """Python's teardown frees each object the command made (60 to 75 ms after a sheet); the process
    ends without it."""
    assert _run(tmp_path, "layouts").returncode == 0
    assert not (tmp_path / "torn-down").exists()


def test_under_a_profiler_the_process_ends_as_python_ends_it(tmp_path):
    """cProfile (and coverage) write what they found at exit: the command then returns as usual."""
    stats = tmp_path / "layouts.prof"
    done = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(stats), "-m", "pipeline", "layouts"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert stats.stat().st_size > 0
