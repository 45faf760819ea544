"""Environment hardening: ReportLab's settings cannot be loosened, SOURCE_DATE_EPOCH must be sane,
nothing reaches the network."""

import os
import socket
import subprocess
import sys

import pypdf
import pytest
from conftest import ROOT

from pipeline.base import hardening
from pipeline.base.hardening import SECURITY_SETTINGS, NetworkRefused, check_environment

RECORD = ROOT / "sources" / "laos-inl.yaml"


def build_args(tmp_path):
    """Return CLI arguments that build one sample into tmp_path/out."""
    return ("build", RECORD, "--out", tmp_path / "out")


@pytest.mark.parametrize("setting", sorted(SECURITY_SETTINGS))
def test_rl_variables_loosening_security_are_refused(setting, run_cli, monkeypatch, tmp_path):
    """RL_trustedHosts and the other guards of ReportLab's reach stop the run before any output."""
    monkeypatch.setenv(f"RL_{setting}", "*")
    result = run_cli(*build_args(tmp_path))
    assert result.code == 2
    assert result.err == (f"<environment>:1:1: error: RL_{setting} is set: it would {SECURITY_SETTINGS[setting]}\n"
                          f"  hint: unset it (for example: env -u RL_{setting} factsheets build); factsheets "
                          f"uses ReportLab's own settings\n")
    assert not (tmp_path / "out").exists()


def test_every_security_setting_named_is_a_real_reportlab_setting():
    """The list is checked against the installed ReportLab, so a rename shows up here."""
    from reportlab import rl_config
    assert set(SECURITY_SETTINGS) <= set(rl_config.__all__)


def test_any_other_rl_variable_is_refused_too(run_cli, monkeypatch, tmp_path):
    """Sheets must not depend on the environment: RL_pageCompression would change the PDF's bytes."""
    monkeypatch.setenv("RL_pageCompression", "0")
    result = run_cli(*build_args(tmp_path))
    assert result.code == 2
    assert "RL_pageCompression is set: it would change ReportLab's setting 'pageCompression'" in result.err


@pytest.mark.parametrize("module", ["reportlab_settings", "reportlab_mods"])
def test_settings_module_on_the_python_path_is_refused(module, run_cli, monkeypatch, tmp_path):
    """A reportlab_settings.py or reportlab_mods.py anywhere on sys.path stops the run, named."""
    hook = tmp_path / f"{module}.py"
    hook.write_text("trustedHosts = ['*']\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    result = run_cli(*build_args(tmp_path))
    assert result.code == 2
    assert result.err.startswith(f"{hook}:1:1: error: ReportLab would run this file at start-up")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", [".reportlab_settings", ".reportlab_mods"])
def test_settings_file_in_the_home_folder_is_refused(name, tmp_path):
    """~/.reportlab_settings and ~/.reportlab_mods are run by ReportLab too."""
    (tmp_path / name).write_text("trustedHosts = ['*']\n")
    [problem] = check_environment({}, [], tmp_path, package=[])
    assert str(problem.location) == f"{tmp_path / name}:1:1"


@pytest.mark.parametrize("name", ["local_rl_settings.py", "local_rl_mods.py"])
def test_settings_file_inside_the_reportlab_package_is_refused(name, tmp_path):
    """local_rl_settings.py dropped into the installed package is found without importing it."""
    (tmp_path / name).write_text("trustedHosts = ['*']\n")
    [problem] = check_environment({}, [], tmp_path / "home", package=[str(tmp_path)])
    assert str(problem.location) == f"{tmp_path / name}:1:1"


def test_a_settings_file_never_runs(tmp_path):
    """ReportLab really runs reportlab_settings.py on import; factsheets refuses before it can."""
    (tmp_path / "reportlab_settings.py").write_text("open('RAN', 'w').close()\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    refused = subprocess.run([sys.executable, "-m", "pipeline", "check", str(RECORD),
                              "--templates", str(ROOT / "templates")],
                             cwd=tmp_path, env=env, capture_output=True, text=True)
    assert refused.returncode == 2 and "reportlab_settings.py:1:1: error:" in refused.stderr
    assert not (tmp_path / "RAN").exists()
    # The hazard is real: importing ReportLab from the same folder runs the file.
    subprocess.run([sys.executable, "-c", "import reportlab.rl_config"], cwd=tmp_path, env=env, check=True)
    assert (tmp_path / "RAN").exists()


@pytest.mark.parametrize("value", ["abc", "1.5", "-1", "1e9", "0x10", "99999999999999", "17 00"])
def test_malformed_source_date_epoch_is_refused(value, run_cli, monkeypatch, tmp_path):
    """SOURCE_DATE_EPOCH must be whole seconds; ReportLab would otherwise fail on every record."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    result = run_cli(*build_args(tmp_path))
    assert result.code == 2
    assert result.err.startswith("<environment>:1:1: error: SOURCE_DATE_EPOCH must be a whole number "
                                 "of seconds since 1970-01-01 UTC (before the year 10000), found ")
    assert not (tmp_path / "out").exists()


def test_a_well_formed_source_date_epoch_dates_the_pdf(run_cli, monkeypatch, tmp_path):
    """A valid SOURCE_DATE_EPOCH is the PDF's creation date (reproducible-builds convention)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert run_cli(*build_args(tmp_path)).code == 0
    info = pypdf.PdfReader(str(tmp_path / "out" / "laos-inl.pdf")).metadata
    assert info["/CreationDate"].startswith("D:20231114221320")


def test_network_is_refused_after_preflight(run_cli, tmp_path):
    """After start-up, name lookups and connections fail; local socket pairs still work."""
    assert run_cli(*build_args(tmp_path)).code == 0  # runs the preflight, which installs the guard
    with pytest.raises(NetworkRefused, match="never uses the network"):
        socket.getaddrinfo("example.org", 443)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock, pytest.raises(NetworkRefused):
        sock.connect(("127.0.0.1", 9))
    left, right = socket.socketpair()  # AF_UNIX: what a process pool's pipes use
    left.sendall(b"x")
    assert right.recv(1) == b"x"
    left.close(), right.close()


def test_urls_in_records_are_only_text(run_cli, tmp_path):
    """Image tags and links in a record never make anything fetch (the guard would raise)."""
    hardening.forbid_network()
    record = tmp_path / "urls.yaml"
    record.write_text("layout: inl-country-program\ntitle: URLs\nissuer: I\ndate: 2003-03-11\n"
                      "lead: '<img src=\"https://example.org/x.png\"/> [link](https://example.org/y)'\n")
    result = run_cli("build", record, "--out", tmp_path / "out")
    assert (result.code, result.err) == (0, "")
