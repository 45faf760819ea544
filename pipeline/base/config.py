"""The project's settings file, factsheets.toml, found by walking up from the working folder.

Its keys are the commands' long options (`out = "output"`, `stale-months = 24`, `strict = true`,
`format = ["pdf"]`) plus `sources`, the records built when none are named. Options given on the
command line win. Relative paths in it are relative to the folder that holds it: the project.
"""

from __future__ import annotations

import argparse
import re
import tomllib
from pathlib import Path

from .errors import ConfigError, Diagnostic, Location, did_you_mean, shown

NAME = "factsheets.toml"
PATH_KEYS = ("out", "templates", "data")  # options whose values are folders of the project


def find(start: Path) -> Path | None:
    """Return the nearest factsheets.toml in `start` or a folder above it, else None."""
    for folder in (start, *start.parents):
        candidate = folder / NAME
        if candidate.is_file():
            return candidate
    return None


def load(file: Path, shown_as: str) -> dict:
    """Return the settings of a factsheets.toml; ConfigError at its line when it is not TOML."""
    try:
        return tomllib.loads(file.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ConfigError([Diagnostic(Location(shown_as), "the settings file is not UTF-8 text",
                                      "save it as UTF-8")]) from None
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        where = Location(shown_as, int(at[1]), int(at[2])) if at else Location(shown_as)
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ConfigError([Diagnostic(where, f"not valid TOML: {message}",
                                      'write one setting per line: out = "output", jobs = 2, strict = true')])


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
