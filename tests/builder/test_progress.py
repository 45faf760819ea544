"""The progress bar: drawn on a terminal, never written into a pipe or a log."""

import io
import os
import pty
import subprocess
import sys

from conftest import RECORDS

from pipeline.builder.progress import Progress


class Terminal(io.StringIO):
    """A string stream that says it is a terminal."""

    def isatty(self):
        return True


def test_the_bar_draws_on_a_terminal_and_clears_itself():
    """Each update redraws one line; leaving the context clears it."""
    stream = Terminal()
    with Progress(stream) as bar:
        bar.update(1, 4, "sources/a.yaml")
        bar.update(4, 4, "sources/d.yaml")
    text = stream.getvalue()
    assert "building [#######" in text and "1/4 sources/a.yaml" in text
    assert "[" + "#" * 30 + "] 4/4 sources/d.yaml" in text
    assert text.endswith("\r\x1b[2K")


def test_no_bar_when_the_stream_is_not_a_terminal():
    """A pipe or a file gets nothing."""
    stream = io.StringIO()
    with Progress(stream) as bar:
        for done in range(1, 11):
            bar.update(done, 10, "x")
    assert stream.getvalue() == ""


def test_a_real_build_draws_on_a_tty_and_not_into_a_pipe(project):
    """Run the CLI twice: stderr on a pseudo-terminal shows the bar, stderr into a pipe does not."""
    command = [sys.executable, "-m", "pipeline", "build", "--jobs", "1", "--force"]
    master, slave = pty.openpty()
    run = subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    run.wait(timeout=120)
    os.close(master)
    assert b"building [" in seen and f"/{len(RECORDS)} sources/".encode() in seen
    piped = subprocess.run(command, cwd=project, capture_output=True, text=True)
    assert piped.returncode == 0 and "building [" not in piped.stderr and "\r" not in piped.stderr
