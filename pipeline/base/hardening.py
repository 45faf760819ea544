"""Checks made once at start, before any record is read: the environment must not loosen ReportLab.

ReportLab reads `RL_<setting>` environment variables and runs `reportlab_settings.py`,
`reportlab_mods.py` (anywhere on the Python path), `~/.reportlab_settings`, `~/.reportlab_mods`
and `local_rl_settings.py` / `local_rl_mods.py` inside its own package when it is first
imported. Any of them can widen which hosts and URL schemes it fetches from or how it evaluates
colour strings (the path of CVE-2023-33733), or run arbitrary code. factsheets refuses to start
when one is present, and this check runs before ReportLab is imported, so such a file never runs.
"""

from __future__ import annotations

import contextlib
import importlib.machinery
import importlib.util
import os
import re
import socket
import sys
from pathlib import Path
from urllib.parse import urlsplit

from . import fonts
from .errors import ConfigError, Diagnostic, Location, shown

ENVIRONMENT = Location("<environment>")
# What the settings that guard ReportLab's reach would do if an RL_ variable changed them.
SECURITY_SETTINGS = {
    "trustedHosts": "let ReportLab fetch images and fonts from the hosts it names",
    "trustedSchemes": "change which kinds of address (file:, http:, data:...) ReportLab may open",
    "toColorCanUse": "change how ReportLab evaluates colour strings (rl_safe_eval runs expressions, "
                     "the path of CVE-2023-33733)",
    "T1SearchPath": "change the folders ReportLab reads fonts from",
    "TTFSearchPath": "change the folders ReportLab reads fonts from",
    "CMapSearchPath": "change the folders ReportLab reads font encodings from",
}
HOOK_MODULES = ("reportlab_settings", "reportlab_mods")  # imported from anywhere on sys.path
HOOK_FILES = (".reportlab_settings", ".reportlab_mods")  # in the home folder; run when the modules are absent
PACKAGE_HOOKS = ("local_rl_settings", "local_rl_mods")  # imported from inside the reportlab package
MAX_EPOCH = 253402300799  # 9999-12-31 23:59:59 UTC: PDF dates have four-digit years
_UNSET_HINT = "unset it (for example: env -u {name} factsheets build); factsheets uses ReportLab's own settings"


def preflight(environ=os.environ) -> None:
    """Refuse a loosened environment or an unusable font, then forbid network access; ConfigError."""
    problems = check_environment(environ, sys.path, Path(os.path.expanduser("~")))
    if problems:
        raise ConfigError(problems)
    fonts.verify()
    forbid_network()


def check_environment(environ, path: list[str], home: Path,
                      package: list[str] | None = None) -> list[Diagnostic]:
    """Return a diagnostic for every RL_ variable, ReportLab settings file and bad SOURCE_DATE_EPOCH.

    `path` is the Python path, `home` the home folder and `package` the reportlab package's
    folders (default: found without importing it).
    """
    package = _package_dirs() if package is None else package
    problems = [_rl_variable(name) for name in sorted(environ) if name.startswith("RL_")]
    problems += [_hook(Path(origin)) for origin in _hook_files(path, home, package)]
    if environ.get("SOURCE_DATE_EPOCH", "").strip():
        problems += _epoch(environ["SOURCE_DATE_EPOCH"])
    return problems


def _rl_variable(name: str) -> Diagnostic:
    """Return the refusal of one RL_ environment variable, saying what it would change."""
    setting = name[3:]
    effect = SECURITY_SETTINGS.get(setting, f"change ReportLab's setting '{setting}'; sheets must "
                                            f"depend only on records and templates")
    return Diagnostic(ENVIRONMENT, f"{name} is set: it would {effect}", _UNSET_HINT.format(name=name))


def _hook_files(path: list[str], home: Path, package: list[str]) -> list[str]:
    """Return the settings and modification files ReportLab would run, found without running them."""
    found = [_origin(name, path) for name in HOOK_MODULES]
    found += [str(home / name) for name in HOOK_FILES if (home / name).exists()]
    found += [_origin(name, package) for name in PACKAGE_HOOKS]
    return [origin for origin in found if origin]


def _package_dirs() -> list[str]:
    """Return the folders of the reportlab package, found without importing it."""
    spec = importlib.util.find_spec("reportlab")  # a top-level find runs none of its code
    return list(spec.submodule_search_locations or []) if spec else []


def _origin(module: str, path: list[str]) -> str | None:
    """Return the file a module would be imported from along `path`, or None."""
    spec = importlib.machinery.PathFinder.find_spec(module, path)
    return (spec.origin or next(iter(spec.submodule_search_locations or []), None)) if spec else None


def _hook(file: Path) -> Diagnostic:
    """Return the refusal of a file ReportLab would run at start-up."""
    return Diagnostic(Location(str(file)), "ReportLab would run this file at start-up and take its "
                                           "settings from it, including its security settings",
                      "remove or rename it, or run factsheets where it is not on the Python path")


def _epoch(value: str) -> list[Diagnostic]:
    """Return a diagnostic unless SOURCE_DATE_EPOCH is a whole number of seconds ReportLab can date."""
    text = value.strip()
    if re.fullmatch(r"[0-9]{1,12}", text) and int(text) <= MAX_EPOCH:
        return []
    return [Diagnostic(ENVIRONMENT, f"SOURCE_DATE_EPOCH must be a whole number of seconds since "
                                    f"1970-01-01 UTC (before the year 10000), found {shown(value)}",
                       "set it to a time such as $(git log -1 --format=%ct), or unset it")]


def _listening(event: str, args: tuple) -> bool:
    """Return True for the lookup or bind of a listening address allowed by allow_listening."""
    if event == "socket.getaddrinfo":
        return (args[0], args[1]) in _listeners or (args[0], str(args[1])) in {(h, str(p)) for h, p in _listeners}
    if event == "socket.bind" and isinstance(args[1], tuple) and len(args[1]) >= 2:
        return any(port == args[1][1] for _, port in _listeners)
    return False


class NetworkRefused(PermissionError):
    """factsheets tried to use the network; it never should."""


_LOOKUPS = frozenset({"socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr",
                      "socket.getnameinfo", "urllib.Request", "http.client.connect"})
_SENDS = frozenset({"socket.connect", "socket.sendto", "socket.sendmsg"})  # args[0] is the socket
_INTERNET = (socket.AF_INET, socket.AF_INET6)
_guard_installed = False
_listeners: set[tuple[str, int]] = set()  # (host, port) the workspace serves on; nothing else


_fetch_hosts: set[str] = set()  # the hosts `factsheets update` is fetching a feed from; nothing else
_fetch_addresses: set[str] = set()  # their addresses, resolved when allowed


@contextlib.contextmanager
def fetching(hosts):
    """Let `factsheets update` look up and connect to its feed's hosts while the block runs, and to
    nothing else; then refuse them again. OSError if a host cannot be resolved."""
    hosts = set(hosts) - _fetch_hosts  # the caller's own, taken back when it ends
    addresses: set[str] = set()
    _fetch_hosts.update(hosts)
    try:
        for host in hosts:
            addresses.update(info[4][0] for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP))
        addresses -= _fetch_addresses
        _fetch_addresses.update(addresses)
        yield
    finally:
        _fetch_hosts.difference_update(hosts)
        _fetch_addresses.difference_update(addresses)


def _fetching(event: str, args: tuple) -> bool:
    """Return True for the lookup of, or the connection to, a feed host allowed by allow_fetching."""
    if event == "socket.getaddrinfo":
        return (args[0].decode() if isinstance(args[0], bytes) else args[0]) in _fetch_hosts
    if event == "urllib.Request":
        return urlsplit(str(args[0])).hostname in _fetch_hosts
    if event == "http.client.connect":
        return args[1] in _fetch_hosts
    if event == "socket.connect":
        return isinstance(args[1], tuple) and args[1][0] in _fetch_addresses
    return False


def allow_listening(host: str, port: int) -> None:
    """Let the workspace look up and bind its own listening address; every other use stays refused."""
    _listeners.add((host, port))


def forbid_network() -> None:
    """From now on, any attempt to resolve a name or reach a host raises NetworkRefused."""
    global _guard_installed
    if not _guard_installed:  # audit hooks cannot be removed; one is enough
        sys.addaudithook(_audit)
        _guard_installed = True


def _audit(event: str, args: tuple) -> None:
    """Refuse network events; local sockets (a process pool's pipes) stay allowed."""
    if event not in _LOOKUPS and event not in _SENDS and event != "socket.bind":
        return  # touch no argument of other events: getattr on a ctypes library would audit again
    if _listening(event, args) or _fetching(event, args):
        return
    if event in _LOOKUPS or getattr(args[0], "family", None) in _INTERNET:
        raise NetworkRefused(f"factsheets never uses the network, but something tried to "
                             f"({event}: {shown(repr(args[1:] or args), 80)})")
