"""`factsheets watch` as a user runs it: a long-lived process that rebuilds on every save."""

import os
import queue
import signal
import subprocess
import sys
import threading
import time

import pytest
from conftest import ROOT

# Guards against a hang only, not measures: generous enough that no loaded machine reaches them (a
# build here takes about a second); every step waits for the watcher's own output, never for time.
STEP = 300.0  # seconds one step may take before the test fails
TOTAL = 900.0  # seconds the whole test may take


class Watcher:
    """A running `factsheets watch`, its stdout and stderr read line by line in threads."""

    def __init__(self, cwd, *args):
        env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8")
        self.proc = subprocess.Popen([sys.executable, "-m", "pipeline", "watch", *map(str, args)],
                                     cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, encoding="utf-8")
        self.out, self.err = queue.Queue(), queue.Queue()
        self.seen = {"stdout": [], "stderr": []}
        self.deadline = time.monotonic() + TOTAL
        for stream, lines in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=_pump, args=(stream, lines), daemon=True).start()

    def expect(self, lines: queue.Queue, done, what: str) -> list[str]:
        """Return the lines read until `done(line)` is true; fail (not hang) after STEP seconds."""
        name = "stdout" if lines is self.out else "stderr"
        got, deadline = [], min(time.monotonic() + STEP, self.deadline)
        while True:
            try:
                line = lines.get(timeout=max(deadline - time.monotonic(), 0))
            except queue.Empty:
                pytest.fail(f"no {what} on {name} in time (exit code {self.proc.poll()});\n"
                            f"{name} so far:\n{''.join(self.seen[name] + got)}")
            if line is None:
                pytest.fail(f"{name} closed before {what} (exit code {self.proc.wait(5)});\n"
                            f"{''.join(self.seen[name] + got)}\nstderr: {''.join(self.seen['stderr'])}")
            got.append(line)
            if done(line):
                self.seen[name] += got
                return got

    def report(self) -> list[str]:
        """Return the lines of the next report, up to and including its summary line."""
        return self.expect(self.out, lambda line: line.startswith("factsheets: "), "build report")

    def stop(self) -> None:
        """Kill the process if a failed test left it running."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def _pump(stream, lines: queue.Queue) -> None:
    """Copy a stream's lines into a queue, then None at its end."""
    for line in stream:
        lines.put(line)
    lines.put(None)


@pytest.mark.slow  # a long-lived process waiting on file events
def test_watch_rebuilds_what_a_save_changes_and_survives_a_broken_template(project):
    out = project / "out"
    watcher = Watcher(project, "--out", out, "--jobs", 1)
    try:
        first = watcher.report()
        assert any(line.startswith("rebuilt laos-inl ") for line in first), first
        watcher.expect(watcher.out, lambda line: line.startswith("factsheets: watching "), "watching line")

        embassy = [out / "laos-embassy-inl.docx", out / "laos-embassy-inl.pdf"]
        before = [(p.read_bytes(), p.stat().st_mtime_ns) for p in embassy]
        data = project / "sources" / "data" / "unodc.yaml"
        text = data.read_text(encoding="utf-8")
        assert "2018: 5700" in text
        # Save the way many editors do: write a temporary file, then rename it over the original.
        temp = data.with_name(data.name + ".tmp")
        temp.write_text(text.replace("2018: 5700", "2018: 6100"), encoding="utf-8")
        os.replace(temp, data)

        report = []
        while not any(line.startswith("rebuilt laos-inl ") for line in report):
            report = watcher.report()
        assert "  data.unodc.laos_opium_ha 2018: 5,700 → 6,100\n" in report, report
        assert not any(line.startswith("rebuilt laos-embassy-inl ") for line in report), report
        assert [(p.read_bytes(), p.stat().st_mtime_ns) for p in embassy] == before

        template = project / "templates" / "inl-country-program" / "sheet.xml.j2"
        good = template.read_text(encoding="utf-8")
        with template.open("a", encoding="utf-8") as handle:
            handle.write("{% if %}\n")
        error = watcher.expect(watcher.err, lambda line: "sheet.xml.j2" in line and "error" in line,
                               "error naming the broken template")
        assert "templates/inl-country-program/sheet.xml.j2" in error[-1], error
        # Still running after the error: the template mended, it reports a build again (no sleep).
        template.write_text(good, encoding="utf-8")
        mended = watcher.report()
        assert " 0 failed " in mended[-1], mended
        assert watcher.proc.poll() is None, "".join(watcher.seen["stderr"])

        watcher.proc.send_signal(signal.SIGTERM)
        code = watcher.proc.wait(max(watcher.deadline - time.monotonic(), 5))
        assert code == 0, "".join(watcher.seen["stderr"])
    finally:
        watcher.stop()


STOP_IN_ANOTHER_THREAD = """
import os, signal, threading, time
from pipeline.builder import watch

def stop(signum, frame):
    raise KeyboardInterrupt
signal.signal(signal.SIGTERM, stop)
r, w = os.pipe()
busy = threading.Thread(target=os.read, args=(r, 1), daemon=True)  # in a system call, as inotify's are
busy.start()
threading.Thread(target=lambda: (time.sleep(0.2), signal.pthread_kill(busy.ident, signal.SIGTERM)),
                 daemon=True).start()
try:
    watch._settle(threading.Event())
except KeyboardInterrupt:
    print("stopped")
"""


def test_a_stop_handed_to_another_thread_still_stops_the_wait():
    """The kernel may deliver SIGTERM to a file watcher's thread, and Python runs the handler only in
    the main thread: waiting for a save never sleeps for ever, so the stop is seen (it hung CI once)."""
    result = subprocess.run([sys.executable, "-c", STOP_IN_ANOTHER_THREAD], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.stdout.strip() == "stopped", result.stderr
