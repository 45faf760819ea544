"""The build daemon (factsheets daemon, build --daemon): the same bytes, exit codes and messages as a
one-shot build; never stale code or templates; a private folder or nothing; it ends when idle or when
its folder goes. Every daemon a test starts is stopped by the fixture, whatever happens.

All of these fail on the code before the daemon: `--daemon` and `factsheets daemon` did not exist
(exit 2), and the thin client's module could not be imported.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import RECORDS, ROOT, Result

import pipeline.cli
from pipeline.cli import daemonclient, daemonplace
from pipeline.cli.daemoncommand import alive

pytestmark = pytest.mark.slow  # each test starts a daemon process: imports and warming take seconds
BOUND = 60.0  # seconds a daemon is given to end; polled, never slept as an assertion


def _poll(condition, bound: float = BOUND) -> bool:
    """Return True as soon as `condition()` holds, False if it still does not after `bound` seconds."""
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


class Daemons:
    """The test's private daemon folder and every daemon process seen in it (stopped at the end)."""

    def __init__(self, place: Path):
        self.place, self.pids = place, set()

    def pid(self) -> int | None:
        """Return the running daemon's process id from its status file, remembering it for the end."""
        try:
            pid = json.loads(Path(daemonplace.file_in(str(self.place), ".json")).read_text())["pid"]
        except (OSError, ValueError, KeyError):
            return None
        self.pids.add(pid)
        return pid

    def stop_all(self) -> None:
        """Stop every daemon seen: SIGTERM, then SIGKILL for one that does not end in time."""
        self.pid()
        for pid in self.pids:
            if alive(pid):
                os.kill(pid, signal.SIGTERM)
        for pid in self.pids:
            if not _poll(lambda pid=pid: not alive(pid), 20):
                os.kill(pid, signal.SIGKILL)


@pytest.fixture
def daemons(monkeypatch):
    """A private folder for this test's daemons (short: a socket's path is at most 107 bytes)."""
    place = Path(tempfile.mkdtemp(prefix="fsd-"))
    monkeypatch.setenv(daemonplace.FOLDER_VARIABLE, str(place))
    monkeypatch.delenv("FACTSHEETS_NO_DAEMON", raising=False)
    found = Daemons(place)
    try:
        yield found
    finally:
        found.stop_all()
        shutil.rmtree(place, ignore_errors=True)


@pytest.fixture
def cli(capsys):
    """Run the installed command's entry point (the daemon's client first) in a folder."""
    def run(*args, cwd: Path) -> Result:
        old = os.getcwd()
        os.chdir(cwd)
        try:
            code = pipeline.cli.main([str(a) for a in args])
        finally:
            os.chdir(old)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)
    return run


def _project(root: Path) -> Path:
    """Copy the samples' records and templates into `root`; return it."""
    shutil.copytree(ROOT / "sources", root / "sources")
    shutil.copytree(ROOT / "templates", root / "templates")
    return root


def _hashes(folder: Path) -> dict[str, str]:
    """Return the sha256 of every sheet in `folder`, by name."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())
            if p.suffix in (".docx", ".pdf")}


def _start(cli, daemons, cwd: Path, *extra) -> int:
    """Start a daemon; return its process id (as `daemon start` prints it: a short-lived one may be gone)."""
    started = cli("daemon", "start", *extra, cwd=cwd)
    assert started.code == 0, started.err
    pid = int(re.search(r"\(process (\d+)", started.out).group(1))
    daemons.pids.add(pid)
    return pid


def _served(cli, cwd: Path) -> str:
    """Return what `factsheets daemon status` says."""
    return cli("daemon", "status", cwd=cwd).out


def test_daemon_builds_every_sample_byte_for_byte_as_one_shot(tmp_path, daemons, cli):
    project = _project(tmp_path)
    _start(cli, daemons, project)
    through = cli("build", "--daemon", "--out", "by-daemon", cwd=project)
    here = cli("build", "--no-daemon", "--out", "one-shot", cwd=project)
    assert "1 builds served" in _served(cli, project)
    assert through.code == here.code == 0
    assert through.out.replace("by-daemon", "one-shot") == here.out
    assert through.err == here.err
    built = _hashes(project / "by-daemon")
    assert built == _hashes(project / "one-shot")
    assert sorted(built) == sorted(name for record in RECORDS for name in record.sheets)


def test_a_template_edit_is_built_by_the_next_request(tmp_path, daemons, cli):
    project = _project(tmp_path)
    record = RECORDS[0]
    _start(cli, daemons, project)
    assert cli("build", "--daemon", "--out", "out", record.file.relative_to(ROOT), cwd=project).code == 0
    before = _hashes(project / "out")
    styles = project / "templates" / "styles.yaml"
    edited = styles.read_text().replace("  margin_left: 72", "  margin_left: 74")
    assert edited != styles.read_text()
    styles.write_text(edited)
    after = cli("build", "--daemon", "--out", "out", record.file.relative_to(ROOT), cwd=project)
    assert after.code == 0 and "template changed" in after.out
    fresh = cli("build", "--no-daemon", "--out", "fresh", record.file.relative_to(ROOT), cwd=project)
    assert fresh.code == 0
    assert _hashes(project / "out") == _hashes(project / "fresh")
    assert _hashes(project / "out") != before
    assert "2 builds served" in _served(cli, project)


def test_a_daemon_of_other_code_ends_and_the_build_is_one_shot(tmp_path, daemons, cli, monkeypatch):
    project = _project(tmp_path)
    first = _start(cli, daemons, project)
    # What an upgrade or an edit of the code looks like to the client: another version than the daemon's.
    monkeypatch.setattr(daemonplace, "code_version", lambda: "new-code")
    record = RECORDS[0].file.relative_to(ROOT)
    result = cli("build", "--daemon", "--out", "out", record, cwd=project)
    assert _poll(lambda: not alive(first)), "the daemon of old code kept running"
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    monkeypatch.undo()
    monkeypatch.setenv(daemonplace.FOLDER_VARIABLE, str(daemons.place))
    assert cli("build", "--no-daemon", "--out", "fresh", record, cwd=project).code == 0
    assert _hashes(project / "out") == _hashes(project / "fresh")


@pytest.mark.parametrize("problem", ["open to others", "another owner", "a link"])
def test_a_folder_that_is_not_private_is_refused(tmp_path, daemons, cli, monkeypatch, problem):
    place = daemons.place / "shared"
    if problem == "a link":
        (daemons.place / "real").mkdir(mode=0o700)
        place.symlink_to(daemons.place / "real")
    else:
        place.mkdir()
        os.chmod(place, 0o777 if problem == "open to others" else 0o700)
    if problem == "another owner":
        if os.geteuid() != 0:
            pytest.skip("giving a folder to another user needs root")
        os.chown(place, 65534, -1)
    monkeypatch.setenv(daemonplace.FOLDER_VARIABLE, str(place))
    project = _project(tmp_path)
    refused = cli("daemon", "start", cwd=project)
    assert refused.code == 2
    assert f"{place}: refusing the build daemon's folder" in refused.err
    assert {"open to others": "other users", "another owner": "another user",
            "a link": "symbolic link"}[problem] in refused.err
    built = cli("build", "--daemon", "--out", "out", RECORDS[0].file.relative_to(ROOT), cwd=project)
    assert built.code == 0 and "refusing the build daemon's folder" in built.err
    assert _hashes(project / "out")  # built one-shot all the same
    assert not list((daemons.place / "real" if problem == "a link" else place).glob("daemon-*.sock"))


def test_an_idle_daemon_ends_by_itself(tmp_path, daemons, cli):
    pid = _start(cli, daemons, tmp_path, "--idle", "0.2")
    assert _poll(lambda: not alive(pid)), "the daemon outlived its idle time"
    assert not list(daemons.place.glob("daemon-*.sock"))
    assert cli("daemon", "status", cwd=tmp_path).code == 1


def test_the_daemon_ends_when_its_folder_is_removed(tmp_path, daemons, cli):
    pid = _start(cli, daemons, tmp_path)
    shutil.rmtree(daemons.place)
    assert _poll(lambda: not alive(pid)), "the daemon outlived its folder"


def test_stop_ends_it(tmp_path, daemons, cli):
    pid = _start(cli, daemons, tmp_path)
    stopped = cli("daemon", "stop", cwd=tmp_path)
    assert stopped.code == 0 and f"process {pid}" in stopped.out
    assert _poll(lambda: not alive(pid))
    assert cli("daemon", "stop", cwd=tmp_path).code == 1


def test_no_daemon_never_contacts_it(tmp_path, daemons, cli, monkeypatch):
    project = _project(tmp_path)
    _start(cli, daemons, project)
    def refuse(*args, **kwargs):
        raise AssertionError("--no-daemon contacted the daemon")
    monkeypatch.setattr(daemonclient, "ask", refuse)
    monkeypatch.setattr(daemonclient, "start", refuse)
    result = cli("build", "--no-daemon", "--out", "out", RECORDS[0].file.relative_to(ROOT), cwd=project)
    assert result.code == 0
    monkeypatch.undo()
    monkeypatch.setenv(daemonplace.FOLDER_VARIABLE, str(daemons.place))
    assert "0 builds served" in _served(cli, project)


def test_without_a_terminal_a_build_is_one_shot_unless_asked(tmp_path, daemons, cli):
    project = _project(tmp_path)
    _start(cli, daemons, project)
    assert cli("build", "--out", "out", RECORDS[0].file.relative_to(ROOT), cwd=project).code == 0
    assert "0 builds served" in _served(cli, project)  # pytest's streams are no terminal: the scheduler's case


def test_a_bad_record_gives_the_same_exit_code_and_messages(tmp_path, daemons, cli):
    one, other = _project(tmp_path / "a"), _project(tmp_path / "b")
    for project in (one, other):
        bad = project / "sources" / "bad.yaml"
        bad.write_text((project / RECORDS[0].file.relative_to(ROOT)).read_text().replace("title:", "titel:", 1))
    _start(cli, daemons, one)
    through = cli("build", "--daemon", "--out", "out", "sources", cwd=one)
    here = cli("build", "--no-daemon", "--out", "out", "sources", cwd=other)
    assert through.code == here.code == 1
    assert (through.out, through.err) == (here.out, here.err)
    assert "bad.yaml" in here.err
    assert "1 builds served" in _served(cli, one)


def test_a_build_that_crashes_the_daemon_is_built_one_shot_without_a_traceback(tmp_path, daemons, cli,
                                                                               monkeypatch):
    project = _project(tmp_path)
    _start(cli, daemons, project)
    real = daemonclient._request
    # A request the daemon's child cannot run (a folder that is not there): it dies without answering.
    monkeypatch.setattr(daemonclient, "_request", lambda argv, version: {**real(argv, version),
                                                                         "cwd": str(tmp_path / "gone")})
    result = cli("build", "--daemon", "--out", "out", RECORDS[0].file.relative_to(ROOT), cwd=project)
    assert result.code == 0
    assert "Traceback" not in result.err + result.out
    assert _hashes(project / "out")
    assert "1 builds served" in _served(cli, project)


def test_the_client_imports_no_build_library():
    names = subprocess.run([sys.executable, "-X", "importtime", "-c", "import pipeline.cli.daemonclient"],
                           capture_output=True, text=True, check=True).stderr
    imported = {line.split("|")[-1].strip().split(".")[0] for line in names.splitlines() if "|" in line}
    assert "_socket" in imported  # the measurement works
    assert not imported & {"reportlab", "docx", "jinja2", "yaml", "PIL", "lxml", "uharfbuzz"}
    # Nor the standard library's heavier modules: each costs the one-sheet build milliseconds.
    assert not imported & {"socket", "typing", "re", "json", "pathlib", "hashlib", "selectors"}
    assert "pipeline.cli.command" not in names


@pytest.mark.parametrize("setting", ["daemon = true", "no-daemon = true"])
def test_the_daemon_switches_are_not_settings(tmp_path, cli, setting):
    project = _project(tmp_path)
    (project / "factsheets.toml").write_text(setting + "\n")
    refused = cli("build", cwd=project)
    assert refused.code == 2
    assert f"factsheets.toml:1:1: error: unknown setting '{setting.split()[0]}'" in refused.err


def _spare(place: Path) -> int | None:
    """Return the process id of the daemon's spare build child once it is warmed up, else None."""
    answer = daemonclient.status(str(place))
    return answer.get("spare") if answer else None


def test_the_next_build_is_made_by_a_child_forked_and_warmed_ahead(tmp_path, daemons, cli):
    project = _project(tmp_path)
    record = RECORDS[0].file.relative_to(ROOT)
    _start(cli, daemons, project)
    assert cli("build", "--daemon", "--out", "first", record, cwd=project).code == 0
    assert _poll(lambda: _spare(daemons.place) is not None), "no spare was made ready after a build"
    spare = _spare(daemons.place)
    assert cli("build", "--daemon", "--out", "second", record, cwd=project).code == 0
    assert _poll(lambda: not alive(spare)), "the ready spare did not take the build and end"
    assert _poll(lambda: _spare(daemons.place) not in (None, spare)), "no new spare after the build"
    assert cli("build", "--no-daemon", "--out", "one-shot", record, cwd=project).code == 0
    assert _hashes(project / "second") == _hashes(project / "one-shot") == _hashes(project / "first")


def test_a_spare_that_died_costs_nothing_but_its_warm_up(tmp_path, daemons, cli):
    project = _project(tmp_path)
    record = RECORDS[0].file.relative_to(ROOT)
    _start(cli, daemons, project)
    assert cli("build", "--daemon", "--out", "first", record, cwd=project).code == 0
    assert _poll(lambda: _spare(daemons.place) is not None)
    os.kill(_spare(daemons.place), signal.SIGKILL)
    after = cli("build", "--daemon", "--out", "second", record, cwd=project)
    assert after.code == 0 and "2 builds served" in _served(cli, project)  # built by the daemon all the same
    assert _hashes(project / "second") == _hashes(project / "first")


def test_stopping_the_daemon_ends_its_spare(tmp_path, daemons, cli):
    project = _project(tmp_path)
    _start(cli, daemons, project)
    assert cli("build", "--daemon", "--out", "out", RECORDS[0].file.relative_to(ROOT), cwd=project).code == 0
    assert _poll(lambda: _spare(daemons.place) is not None)
    spare = _spare(daemons.place)
    assert cli("daemon", "stop", cwd=project).code == 0
    assert _poll(lambda: not alive(spare)), "the spare outlived its daemon"
