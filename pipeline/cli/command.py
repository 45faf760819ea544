"""The factsheets command: the top-level parser, settings from factsheets.toml, and how a run ends.

Each command adds its own arguments and runs in its own function: building.py (build, watch, check,
serve), authoring.py (figures, new, import, schema, init, layouts), scheduling.py (update, status) and history.py (history, diff,
restore, clearance), daemoncommand.py (daemon; the build daemon's client is daemonclient.py, which
the package's main() asks first).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .. import __version__
from ..base import config, hardening, lazyimport
from ..base.errors import ConfigError, escaped_name, printable
from ..base.paths import display
from ..builder.lock import LockBusy
from . import arguments, authoring, building, console, daemoncommand, history, scheduling
from .console import EXIT_BROKEN_PIPE, EXIT_LOCKED, EXIT_USAGE

# The commands in the order `factsheets --help` lists them, each adding its own parser.
COMMANDS = (building.add_build, building.add_watch, building.add_check, authoring.add_figures,
            authoring.add_new, authoring.add_import, authoring.add_schema, authoring.add_init,
            building.add_serve, authoring.add_layouts, scheduling.add_update, scheduling.add_status,
            history.add_history, history.add_diff, history.add_restore, history.add_clearance,
            daemoncommand.add_daemon)

# Options read before the settings file is (the build daemon's client acts on them): never settings.
NOT_SETTINGS = ("daemon", "no-daemon")

DESCRIPTION = """\
Turn YAML fact records into U.S. Department of State fact sheets, as .docx and .pdf.
A build rebuilds only the sheets whose record, shared data, template, fonts or
outputs changed (see output/manifest.json), and reports what changed.

settings: a factsheets.toml in the working folder or one above it holds defaults
for the long options (out = "output", stale-months = 24, strict = true) and
'sources', the records built when none are named; commands then run from any
folder of the project. Options on the command line win.

exit codes:
  0   every record built (or was already up to date), or checked cleanly
  1   one or more records failed (or, with --strict, have warnings such as
      stale figures); the others were still built, and a failed record's
      previous outputs were kept
  2   usage or configuration error (bad or out-of-range option, missing path,
      broken template, stylesheet or font, an unsafe environment); nothing was
      written
  3   (update, status) a feed failed; its data file was left as it was
  4   (update, status) a change is held for a person: factsheets update --review
  75  another run holds the output folder's lock (waited --wait seconds); try
      again later (75 is EX_TEMPFAIL from sysexits.h)
"""


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser, commands = _parser()
    settings_file = config.find(Path.cwd())
    arguments.origin = Path.cwd() if settings_file else None  # paths typed here mean this folder
    try:
        settings = _settings(settings_file, argv, commands)
    except ConfigError as exc:
        console.show_as(parser.parse_args(argv))  # the command line alone says how to show it
        console.print_all(exc.diagnostics)
        return EXIT_USAGE
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    console.show_as(args)
    if settings_file:
        os.chdir(settings_file.parent)  # the project's folder: defaults, reports and manifests as from there
        if hasattr(args, "paths") and not args.paths:
            args.paths = config.sources(settings, settings_file.parent, settings_file, config.NAME)
    try:
        hardening.preflight()  # before any record is read and before ReportLab is imported
        lazyimport.install()  # and what ReportLab imports for some sheets only, loaded on use
        return args.run(args)
    except ConfigError as exc:
        console.print_all(exc.diagnostics)
        return EXIT_USAGE
    except LockBusy as exc:
        print(f"{display(exc.folder)}: error: another build is writing here: {printable(exc.holder)}\n"
              f"  hint: wait for it, or pass --wait SECONDS to queue behind it", file=sys.stderr)
        return EXIT_LOCKED
    except BrokenPipeError:  # `factsheets layouts | head`: the reader has gone; stop quietly, as cat does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no error again at exit's flush
        return EXIT_BROKEN_PIPE


def _settings(file: Path | None, argv: list[str], commands: dict) -> dict:
    """Read factsheets.toml, if any, and put its settings into `argv` after the command's name."""
    if file is None:
        return {}
    shown_as = escaped_name(os.path.relpath(file))  # '../factsheets.toml' from a subfolder
    settings = config.load(file, shown_as)
    at = next((i for i, token in enumerate(argv) if token in commands), None)
    if at is None:
        return settings
    command, parsers = commands[argv[at]], list(commands.values())
    nested = _commands_of(command)
    if nested:  # `import figures`: the settings go after the second name
        at = next((i for i in range(at + 1, len(argv)) if argv[i] in nested), None)
        if at is None:
            return settings
        command, parsers = nested[argv[at]], parsers + list(nested.values())
    known = {name for parser in parsers for name in config.long_options(parser)} - {"help", *NOT_SETTINGS}
    argv[at + 1:at + 1] = config.arguments(settings, command, known, file.parent, file, shown_as, argv[at + 1:])
    return settings


def _commands_of(parser: argparse.ArgumentParser) -> dict:
    """Return the sub-commands of a command (`import figures`), by name; empty when it has none."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices
    return {}


def _parser() -> tuple[argparse.ArgumentParser, dict]:
    """Return the argument parser and its commands by name."""
    parser = argparse.ArgumentParser(prog="factsheets", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action=_Version, nargs=0, help="show the program's and its libraries' versions and exit")
    arguments.reporting(parser)
    parser.set_defaults(command=None)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for add in COMMANDS:
        add(commands)
    return parser, commands.choices


class _Version(argparse.Action):
    """--version, read from the installed packages only when asked (it costs every run otherwise)."""

    def __call__(self, parser, namespace, values, option_string=None):
        """Print the versions and exit."""
        print(_versions())
        parser.exit()


def _versions() -> str:
    """Return the version line: this program's and the libraries that shape its output."""
    from importlib import metadata

    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"
    libraries = ", ".join(f"{name} {version(name)}" for name in ("python-docx", "reportlab", "Jinja2", "PyYAML"))
    return f"factsheets {__version__} ({libraries}; Python {sys.version.split()[0]})"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
