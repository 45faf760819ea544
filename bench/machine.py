"""The machine and software a bench run measured: what docs/performance.md prints beside the table."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

LIBRARIES = ("python-docx", "reportlab", "Jinja2", "PyYAML", "lxml", "uharfbuzz", "pillow", "starlette",
             "uvicorn", "pypdfium2", "playwright")


def _first_line(command: list[str]) -> str:
    """Return the first line a tool prints for --version, or why there is none."""
    if shutil.which(command[0]) is None:
        return "not on PATH"
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"did not answer ({exc})"
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    return lines[0].strip() if lines else f"printed nothing (exit {done.returncode})"


def _cpuinfo() -> tuple[str, str]:
    """Return the CPU model and its clock as /proc/cpuinfo gives them."""
    model, mhz = "unknown", ""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace").splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name" and model == "unknown":
                model = value.strip()
            if key.strip() == "cpu MHz" and not mhz:
                mhz = f"{float(value):.0f} MHz"
    except (OSError, ValueError):
        pass
    return model, mhz


def _memory() -> str:
    """Return the machine's memory, from /proc/meminfo."""
    try:
        for line in Path("/proc/meminfo").read_text(encoding="ascii").splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError):
        pass
    return "unknown"


def _os() -> str:
    """Return the distribution's name and the kernel."""
    name = platform.system()
    try:
        for line in Path("/etc/os-release").read_text(encoding="utf-8").splitlines():
            if line.startswith("PRETTY_NAME="):
                name = line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return f"{name}, kernel {platform.release()}"


def _version(name: str) -> str:
    """Return an installed distribution's version, or 'not installed'."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _commit(root: Path) -> str:
    """Return the project's commit, and whether the working tree differs from it."""
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"],
                              capture_output=True, text=True, timeout=30).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "unknown (no git)"
    return (head or "unknown") + (" with uncommitted changes" if dirty else "")


def describe(root: Path) -> list[tuple[str, str]]:
    """Return the machine and software as (what, description) pairs."""
    model, mhz = _cpuinfo()
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [
        ("CPU", f"{model}{', ' + mhz if mhz else ''}; {os.cpu_count()} logical CPUs, {affinity} usable here"),
        ("memory", _memory()),
        ("system", _os()),
        ("Python", f"{platform.python_implementation()} {sys.version.split()[0]} ({sys.executable})"),
        ("libraries", ", ".join(f"{name} {_version(name)}" for name in LIBRARIES)),
        ("factsheets", f"{_version('factsheets')}, commit {_commit(root)}"),
        ("pandoc", _first_line(["pandoc", "--version"])),
        ("LibreOffice", _first_line(["soffice", "--version"])),
        ("Chromium", _first_line(["chromium", "--version"])),
        ("bytecode", f"PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '(unset)')}, "
                     f"PYTHONPYCACHEPREFIX={os.environ.get('PYTHONPYCACHEPREFIX', '(unset)')} "
                     "in the bench's environment"),
    ]


def load() -> str:
    """Return the load averages: other work on the machine skews every time measured."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} CPUs"
