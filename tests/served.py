"""A real `factsheets serve` on a free port, in its own process group, always stopped; and headless Chromium."""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"  # Debian's package
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def browser_missing() -> str | None:
    """Return why the browser tests cannot run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[test]')"
    if not Path(CHROMIUM).is_file():
        return f"Debian's chromium is not installed at {CHROMIUM} (.ci/run installs it: apt-get install chromium)"
    return None


def free_port() -> int:
    """Return a free local port, asked of a fresh interpreter (this one may forbid binding)."""
    found = subprocess.run([sys.executable, "-c", "import socket; s = socket.socket(); "
                            "s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"],
                           capture_output=True, text=True, check=True)
    return int(found.stdout)


@contextlib.contextmanager
def served(project: Path, *options: str, port: int = 0):
    """Run `factsheets serve` for `project` on `port` (a free one by default); yield its base URL; always stop it."""
    port = port or free_port()
    server = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--port", str(port), *options],
                              cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              start_new_session=True, text=True)
    try:
        line = server.stderr.readline()  # printed just before it starts listening
        assert "the workspace is at" in line, line + server.stderr.read()
        url = f"http://127.0.0.1:{port}"
        _answering(url, server)
        yield url
    finally:
        _stop(server)


# Polls a URL until it answers: run in a fresh interpreter, since a test that ran the CLI in-process
# has forbidden this one the network (pipeline.base.hardening).
_POLL = ("import sys, time, urllib.request\n"
         "while True:\n"
         "    try:\n"
         "        urllib.request.urlopen(sys.argv[1], timeout=30)\n"
         "        break\n"
         "    except urllib.error.HTTPError:\n"  # an answer (403 without the proxy's header): it is up
         "        break\n"
         "    except OSError:\n"
         "        time.sleep(0.1)\n")


def _answering(url: str, server: subprocess.Popen, guard: float = 300) -> None:
    """Wait until the server answers (it prints its address a moment before it listens); fail if it
    ends first. The guard only stops a hang: a loaded machine starting slowly is waited for."""
    poller = subprocess.Popen([sys.executable, "-c", _POLL, url + "/"])
    deadline = time.monotonic() + guard
    try:
        while True:
            try:
                poller.wait(timeout=0.5)
                return
            except subprocess.TimeoutExpired:
                assert server.poll() is None, f"the server ended before it answered: {server.stderr.read()}"
                assert time.monotonic() < deadline, f"the server did not answer in {guard:g} s"
    finally:
        if poller.poll() is None:
            poller.kill()
        poller.wait()


def _stop(server: subprocess.Popen) -> None:
    """Stop the server and its worker processes (its own process group), then reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _group_alive(server.pid):
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)  # a worker still draining: nothing may be left behind
    server.stderr.close()


def _group_alive(group: int) -> bool:
    """Return True while any process of the group lives."""
    try:
        os.killpg(group, 0)
        return True
    except ProcessLookupError:
        return False


def open_when_up(page, url: str, seconds: float = 300) -> None:
    """Go to `url`, retrying while the server is still starting."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            page.goto(url)
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            page.wait_for_timeout(200)
