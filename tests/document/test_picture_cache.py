"""The chart picture cache (base/diskcache, chartdraw.png): paid once per drawing across processes and
runs, the same bytes as painting it, safe under concurrent builds, bounded, private or not used.

Fail on the code before it: there was no pipeline.base.diskcache, and chartdraw painted every drawing
again in every process (nothing was written to the cache folder).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.base import diskcache
from pipeline.document import chartdraw
from pipeline.document.chartdraw import Drawing, Label, Line, Rect


def _drawing(n: int) -> Drawing:
    """Return a small chart drawing whose bars and label depend on `n`."""
    return Drawing(width=120.0, height=60.0, shapes=(
        Rect(10.0, 10.0, 20.0, 10.0 + n, "1F4E79"), Rect(40.0, 10.0, 20.0, 30.0, "C00000"),
        Line(((5.0, 5.0), (115.0, 5.0)), 0.5, "000000"), Label(60.0, 50.0, f"Hectares {n}", 8.0, "middle", "000000")))


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A private cache folder of this test's own, and no picture kept in this process."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(diskcache.FOLDER_VARIABLE, str(folder))
    monkeypatch.delenv(diskcache.OFF_VARIABLE, raising=False)
    chartdraw.png.cache_clear()
    yield folder / chartdraw.PICTURES
    chartdraw.png.cache_clear()


def _entries(folder: Path) -> list[Path]:
    """Return the cache's entries (no temporary files)."""
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else []


def test_a_cached_picture_has_the_painted_bytes(cache):
    drawing = _drawing(1)
    painted = chartdraw._paint(drawing)
    assert chartdraw.png(drawing) == painted
    assert len(_entries(cache)) == 1
    chartdraw.png.cache_clear()  # as a new process: only the folder remembers
    assert chartdraw.png(drawing) == painted
    assert len(_entries(cache)) == 1
    assert stat_mode(cache) == 0o700 and stat_mode(cache.parent) == 0o700


def stat_mode(folder: Path) -> int:
    """Return a folder's permission bits."""
    return folder.stat().st_mode & 0o777


def test_a_picture_is_read_from_the_cache_not_painted_again(cache, monkeypatch):
    drawing = _drawing(2)
    first = chartdraw.png(drawing)
    chartdraw.png.cache_clear()
    monkeypatch.setattr(chartdraw, "_paint", lambda drawing: pytest.fail("painted again"))
    assert chartdraw.png(drawing) == first


def test_a_damaged_entry_is_ignored_and_replaced(cache):
    drawing = _drawing(3)
    painted = chartdraw.png(drawing)
    (entry,) = _entries(cache)
    entry.write_bytes(entry.read_bytes()[:-10] + b"0123456789")
    chartdraw.png.cache_clear()
    assert chartdraw.png(drawing) == painted
    assert entry.read_bytes().endswith(painted)


def test_every_change_of_the_drawing_is_another_entry(cache):
    pictures = {chartdraw.png(_drawing(n)) for n in range(3)}
    assert len(pictures) == 3 and len(_entries(cache)) == 3


def test_the_cache_keeps_to_its_size(cache):
    for n in range(6):
        diskcache.put(chartdraw.PICTURES, f"{n:064x}", bytes(1000), limit=2500)
    assert sum(p.stat().st_size for p in _entries(cache)) <= 2500
    assert _entries(cache)[-1].name == f"{5:064x}"  # the newest stays


@pytest.mark.parametrize("problem", ["open to others", "a link"])
def test_a_folder_that_is_not_private_is_not_used(tmp_path, monkeypatch, problem):
    shared = tmp_path / "shared"
    if problem == "a link":
        (tmp_path / "real").mkdir(mode=0o700)
        shared.symlink_to(tmp_path / "real")
    else:
        shared.mkdir()
        os.chmod(shared, 0o777)
    monkeypatch.setenv(diskcache.FOLDER_VARIABLE, str(shared))
    chartdraw.png.cache_clear()
    drawing = _drawing(4)
    assert chartdraw.png(drawing) == chartdraw._paint(drawing)
    assert not list((tmp_path / "real" if problem == "a link" else shared).iterdir())
    chartdraw.png.cache_clear()


WORKER = """
import hashlib, sys
sys.path.insert(0, {tests!r})
from test_picture_cache import _drawing
from pipeline.document import chartdraw
for round in range(3):
    for n in range(4):
        print(n, hashlib.sha256(chartdraw.png(_drawing(n))).hexdigest())
        chartdraw.png.cache_clear()
"""


@pytest.mark.slow  # starts six Python processes
def test_concurrent_processes_share_the_cache_safely(cache):
    painted = {str(n): hashlib.sha256(chartdraw._paint(_drawing(n))).hexdigest() for n in range(4)}
    env = {**os.environ, diskcache.FOLDER_VARIABLE: str(cache.parent)}
    script = WORKER.format(tests=str(Path(__file__).parent))
    workers = [subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, text=True)
               for _ in range(6)]
    outputs = [worker.communicate(timeout=300)[0] for worker in workers]
    assert all(worker.returncode == 0 for worker in workers)
    for output in outputs:
        lines = [line.split() for line in output.splitlines()]
        assert len(lines) == 12 and all(painted[n] == digest for n, digest in lines)
    assert len(_entries(cache)) == 4
    assert not [p for p in cache.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_a_process_looks_at_the_size_now_and_then_not_at_every_entry(cache, monkeypatch):
    """Before: every entry listed and measured the whole folder (4 ms an entry at 1,000 entries)."""
    looked = []
    real = diskcache.prune
    monkeypatch.setattr(diskcache, "prune", lambda place, limit: looked.append(place) or real(place, limit))
    monkeypatch.setattr(diskcache, "_stored", {})
    limit, entry = 32_000, 100  # a 64th of the limit is five entries; 400 entries are past the limit
    for n in range(400):
        diskcache.put(chartdraw.PICTURES, f"{n:064x}", bytes(entry - 32), limit=limit)
        total = sum(p.stat().st_size for p in _entries(cache))
        assert total <= limit + limit // diskcache.PRUNE_SHARE  # never more over than a 64th
    assert 400 / 6 < len(looked) <= 400 / 5  # the first entry, then once per five stored
