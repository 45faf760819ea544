"""The factsheets command: parse arguments, call the build, print diagnostics and a summary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__, hardening
from .build import FORMATS, Report, build, check, discover, display
from .errors import ConfigError
from .layouts import load_layouts

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

DESCRIPTION = """\
Turn YAML fact records into U.S. Department of State fact sheets, as .docx and .pdf.

exit codes:
  0  every record built (or checked) cleanly
  1  one or more records failed; the others were still built, and a failed
     record's previous outputs were left untouched
  2  usage or configuration error (bad option, missing path, broken template
     or stylesheet); nothing was written
"""


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        hardening.preflight()  # before any record is read and before ReportLab is imported
        return args.run(args)
    except ConfigError as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic, file=sys.stderr)
        return EXIT_USAGE


def _parser() -> argparse.ArgumentParser:
    """Return the argument parser with its three commands."""
    parser = argparse.ArgumentParser(prog="factsheets", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"factsheets {__version__}")
    parser.set_defaults(command=None)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    b = sub.add_parser("build", help="build fact sheets into the output folder",
                       description="Build each record into <out>/<id>.docx and <out>/<id>.pdf. "
                                   "Files are replaced atomically; a record that fails keeps its "
                                   "previous outputs.")
    _paths(b)
    b.add_argument("--out", type=Path, default=Path("output"), metavar="DIR",
                   help="output folder (default: output)")
    b.add_argument("--format", choices=FORMATS, action="append", dest="formats",
                   help="write only this format (repeatable; default: docx and pdf)")
    b.set_defaults(command="build", run=_build)

    c = sub.add_parser("check", help="validate records and render them in memory; write nothing",
                       description="Validate each record and report every error as "
                                   "path:line:col: error: message. Writes nothing.")
    _paths(c)
    c.set_defaults(command="check", run=_check)

    lay = sub.add_parser("layouts", help="list the layouts and the fields each uses")
    lay.add_argument("--templates", type=Path, default=Path("templates"), metavar="DIR",
                     help="layouts folder (default: templates)")
    lay.set_defaults(command="layouts", run=_layouts)
    return parser


def _paths(parser: argparse.ArgumentParser) -> None:
    """Add the record paths and templates options shared by build and check."""
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                        help="record files or folders of records (default: sources)")
    parser.add_argument("--templates", type=Path, default=Path("templates"), metavar="DIR",
                        help="layouts folder (default: templates)")


def _records(args) -> list[Path]:
    """Return the record files the arguments name."""
    return discover(args.paths or [Path("sources")])


def _build(args) -> int:
    """Run `factsheets build`."""
    report = build(_records(args), args.templates, args.out, tuple(args.formats or FORMATS))
    return _finish(report, "built", args.out)


def _check(args) -> int:
    """Run `factsheets check`."""
    return _finish(check(_records(args), args.templates), "checked", None)


def _finish(report: Report, verb: str, out: Path | None) -> int:
    """Print every diagnostic and a one-line summary; return the exit code."""
    for outcome in report.failed:
        for diagnostic in outcome.diagnostics:
            print(diagnostic, file=sys.stderr)
    good = len(report.outcomes) - len(report.failed)
    where = f" into {display(out)}/" if out is not None else ""
    summary = f"factsheets: {verb} {good} of {len(report.outcomes)} records{where}"
    if report.failed:
        summary += f"; {len(report.failed)} failed: " + ", ".join(o.path for o in report.failed)
    print(summary)
    return EXIT_FAILED if report.failed else EXIT_OK


def _layouts(args) -> int:
    """Run `factsheets layouts`."""
    for name, layout in load_layouts(args.templates, display).items():
        print(f"{name}\n  {layout.description}")
        print(f"  requires: {', '.join(layout.requires) or '(only title)'}")
        print(f"  uses: {', '.join(layout.uses)}")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
