"""The project's settings file, factsheets.toml, found by walking up from the working folder.

Its keys are the commands' long options (`out = "output"`, `stale-months = 24`, `strict = true`,
`format = ["pdf"]`) plus `sources`, the records built when none are named. Options given on the
command line win. Relative paths in it are relative to the folder that holds it: the project.
"""

from __future__ import annotations

import argparse
import errno
import os
import re
import stat
from pathlib import Path

from .errors import ConfigError, Diagnostic, Location, did_you_mean, shown

NAME = "factsheets.toml"
PATH_KEYS = ("out", "templates", "data")  # options whose values are folders of the project


def find(start: Path, home: Path | None = None) -> Path | None:
    """Return the nearest factsheets.toml in `start` or a folder above it, else None.

    A settings file chooses the templates that run and where sheets are written, so the search
    stops, as git's does, at the user's home, at a repository's root (a folder holding .git) and
    before any folder the user does not own (a shared /tmp, another user's project).
    """
    home = home if home is not None else _home()
    for folder in (start, *start.parents):
        if not _owned(folder):
            return None
        candidate = folder / NAME
        if os.path.lexists(candidate):
            return candidate  # whether it may be obeyed is load's to say, with a message
        if folder == home or os.path.lexists(folder / ".git"):
            return None
    return None


def load(file: Path, shown_as: str) -> dict:
    """Return the settings of a factsheets.toml; ConfigError when others can change it or it is not TOML."""
    import tomllib  # only a project with a settings file reads TOML (its import is ~5 ms of every command)

    try:
        text = _read_own(file, shown_as).decode("utf-8")
        return tomllib.loads(text)
    except UnicodeDecodeError:
        raise ConfigError([Diagnostic(Location(shown_as), "the settings file is not UTF-8 text",
                                      "save it as UTF-8")]) from None
    except RecursionError:
        raise ConfigError([Diagnostic(Location(shown_as), "the settings file nests tables or lists too deeply",
                                      'write one setting per line: out = "output", jobs = 2, strict = true')]) from None
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        where = Location(shown_as, int(at[1]), int(at[2])) if at else Location(shown_as)
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ConfigError([Diagnostic(where, f"not valid TOML: {message}",
                                      'write one setting per line: out = "output", jobs = 2, strict = true')])


def _read_own(file: Path, shown_as: str) -> bytes:
    """Return the file's bytes if it is a regular file of this user that no one else can write; else ConfigError."""
    refuse = lambda message, hint: ConfigError([Diagnostic(Location(shown_as), message, hint)])
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise refuse("the settings file is a symbolic link", "replace the link by a copy of the file") from None
        raise refuse(f"cannot read the settings file: {exc.strerror or exc}", "check its permissions") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise refuse("the settings file is not a regular file (a folder, device or pipe)", "remove it")
        if info.st_uid != os.geteuid():
            raise refuse("the settings file belongs to another user; it could choose the templates that run and "
                         "where sheets are written", "remove it if it is not yours, or run from your own project")
        if info.st_mode & stat.S_IWOTH or (info.st_mode & stat.S_IWGRP and not _private_group(info.st_gid)):
            raise refuse(f"other users can change the settings file (mode {stat.S_IMODE(info.st_mode):o}); it "
                         "chooses the templates that run and where sheets are written",
                         f"make it writable by you alone: chmod go-w {shown_as}")
        return handle.read(_MAX_SETTINGS_BYTES)


_MAX_SETTINGS_BYTES = 1_000_000  # a settings file is a few lines


def _owned(folder: Path) -> bool:
    """Return whether this user owns the folder (a missing or unreadable one: no)."""
    try:
        return os.stat(folder).st_uid == os.geteuid()
    except OSError:
        return False


def _home() -> Path | None:
    """Return the user's home folder, if known."""
    try:
        return Path.home()
    except RuntimeError:
        return None


def _private_group(gid: int) -> bool:
    """Return whether a group is the user's own (a user private group: same name, no other members)."""
    import grp
    import pwd
    try:
        group, user = grp.getgrgid(gid), pwd.getpwuid(os.geteuid())
    except KeyError:
        return False
    return group.gr_name == user.pw_name and set(group.gr_mem) <= {user.pw_name}


def long_options(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    """Return a parser's options by long name without dashes ('stale-months')."""
    return {long[2:]: a for a in parser._actions
            for long in [next((o for o in a.option_strings if o.startswith("--")), None)] if long}


def arguments(settings: dict, command: argparse.ArgumentParser, known: set[str], root: Path, file: Path,
              shown_as: str, given: list[str]) -> list[str]:
    """Return the settings as arguments for `command`, leaving out options in `given`.

    `known` holds every command's long options: a setting for another command is skipped, not refused.
    Values are checked as the command line checks them, and refused at their line of the file.
    """
    options = long_options(command)
    text = file.read_text(encoding="utf-8")
    known = {*known, "sources", "clearance"}  # [clearance]: who must clear each layout (docs/history.md)
    argv = []
    for key, value in settings.items():
        name = key.replace("_", "-")
        where = _line_of(text, key, shown_as)
        if name not in known:
            raise ConfigError([Diagnostic(where, f"unknown setting {shown(key)}{did_you_mean(name, known)}",
                                          "the settings are the long options of the commands "
                                          "(see factsheets build --help) and 'sources'")])
        action = options.get(name)
        if action is None or f"--{name}" in given or any(g.startswith(f"--{name}=") for g in given):
            continue  # another command's option, or overridden on the command line
        argv.extend(_tokens(name, value, action, root, where))
    return argv


def sources(settings: dict, root: Path, file: Path, shown_as: str) -> list[Path]:
    """Return the record paths the settings name (`sources = ["sources"]`), relative to the project."""
    value = settings.get("sources")
    if value is None:
        return []
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
        raise ConfigError([Diagnostic(_line_of(file.read_text(encoding="utf-8"), "sources", shown_as),
                                      "'sources' must be a folder or a list of record files and folders",
                                      'write sources = ["sources"]')])
    return [root / v for v in values]


def _tokens(name: str, value, action: argparse.Action, root: Path, where: Location) -> list[str]:
    """Return the command-line tokens for one setting, checked like the command line checks them."""
    flag = f"--{name}"
    if action.nargs == 0:  # a switch such as --strict
        if not isinstance(value, bool):
            raise ConfigError([Diagnostic(where, f"'{name}' must be true or false", f"write {name} = true")])
        return [flag] if value else []
    values = value if isinstance(value, list) and isinstance(action, argparse._AppendAction) else [value]
    tokens = []
    for item in values:
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            raise ConfigError([Diagnostic(where, f"'{name}' must be a single value, found {type(item).__name__}",
                                          f'write {name} = "…" or {name} = 2')])
        item = str(root / item) if name in PATH_KEYS and isinstance(item, str) else str(item)
        _check(name, item, action, where)
        tokens.extend([flag, item])
    return tokens


def _check(name: str, item: str, action: argparse.Action, where: Location) -> None:
    """Refuse a value the command line would refuse, at the settings file's line."""
    try:
        if action.type is not None and name not in PATH_KEYS:
            action.type(item)
    except (argparse.ArgumentTypeError, ValueError) as exc:
        raise ConfigError([Diagnostic(where, f"'{name}': {exc}", f"fix the value of {name} in the settings file")])
    if action.choices is not None and item not in action.choices:
        raise ConfigError([Diagnostic(where, f"'{name}' must be one of {', '.join(map(str, action.choices))}, "
                                             f"not {shown(item)}", "fix the value in the settings file")])


def _line_of(text: str, key: str, shown_as: str) -> Location:
    """Return where a top-level key is set in the file (TOML readers do not keep lines)."""
    match = re.search(rf'^[ \t]*"?{re.escape(key)}"?[ \t]*=', text, re.M)
    if match is None:
        return Location(shown_as)
    line = text.count("\n", 0, match.start()) + 1
    return Location(shown_as, line, match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1)
