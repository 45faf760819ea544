"""The build daemon's child writes .docx and .pdf side by side: same bytes, same errors, nothing left running."""

import os

import pytest
from records import samples
from sheets import document

from pipeline import writers
from pipeline.builder import sidebyside


@pytest.fixture
def side_by_side(monkeypatch):
    """Turn writing side by side on, as the daemon's child does."""
    monkeypatch.setattr(sidebyside, "enabled", True)


def _children() -> set[int]:
    """Return this process's child pids (from /proc), so a test sees a forked writer left behind
    (compared with those before: a fork server of an earlier test may be one)."""
    me = str(os.getpid())
    found = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me:
            found.add(int(pid))
    return found


@pytest.mark.parametrize("sample", samples(), ids=lambda s: s.file.stem)
def test_every_sample_gives_the_same_bytes_in_the_same_order(sample, monkeypatch):
    doc = document(sample.file)
    write = lambda name: writers.get(name).render(doc)
    alone = sidebyside.written(writers.names(), write)
    monkeypatch.setattr(sidebyside, "enabled", True)
    together = sidebyside.written(writers.names(), write)
    assert list(together) == list(alone) == list(writers.names())
    assert together == alone


def test_the_first_formats_error_comes_first_as_when_written_in_turn(side_by_side):
    def write(name):
        raise ValueError(name)

    before = _children()
    with pytest.raises(ValueError, match="^first$"):
        sidebyside.written(("first", "second"), write)
    assert _children() <= before


def test_an_error_of_a_later_format_alone_is_raised(side_by_side):
    def write(name):
        if name == "second":
            raise ValueError(name)
        return b"ok"

    before = _children()
    with pytest.raises(ValueError, match="^second$"):
        sidebyside.written(("first", "second"), write)
    assert _children() <= before


def test_a_format_that_fails_only_in_the_forked_process_is_written_here(side_by_side):
    here = os.getpid()

    def write(name):
        if os.getpid() != here:
            raise MemoryError("only in the forked process")
        return name.encode() * 100_000  # more than a pipe holds: read while the other writes

    assert sidebyside.written(("a", "b"), write) == {"a": b"a" * 100_000, "b": b"b" * 100_000}


def test_a_build_stopped_midway_leaves_no_writer_running(side_by_side):
    here = os.getpid()

    class Stopped(BaseException):
        """As the time limit's interruption."""

    def write(name):
        if os.getpid() != here:
            os.read(os.open("/dev/zero", os.O_RDONLY), 1)  # stays busy until killed
            while True:
                pass
        raise Stopped

    before = _children()
    with pytest.raises(Stopped):
        sidebyside.written(("a", "b"), write)
    assert _children() <= before


def test_off_writes_in_turn_in_this_process():
    pids = set()
    sidebyside.written(("a", "b"), lambda name: pids.add(os.getpid()) or b"")
    assert pids == {os.getpid()}



def test_on_the_first_format_is_written_in_another_process(side_by_side):
    found = sidebyside.written(("a", "b"), lambda name: str(os.getpid()).encode())
    assert found["b"] == str(os.getpid()).encode()
    assert found["a"] != found["b"]
