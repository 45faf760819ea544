"""What the command prints and returns: diagnostics as asked (--diagnostics, --quiet, --verbose), exit codes."""

from __future__ import annotations

import sys

from .diagnostics import Formatter, colour_wanted

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 75
EXIT_BROKEN_PIPE = 141  # what a shell reports for a program stopped by SIGPIPE


class Shown:
    """How this run shows diagnostics and reports (--diagnostics, --quiet, --verbose)."""

    def __init__(self, formatter: Formatter, quiet: bool = False, verbose: bool = False):
        self.formatter, self.quiet, self.verbose = formatter, quiet, verbose


shown = Shown(Formatter())  # replaced by show_as() from the arguments


def show_as(args) -> None:
    """Show this run's diagnostics and reports as the parsed arguments ask."""
    global shown
    shown = Shown(Formatter(args.diagnostics, colour_wanted(sys.stderr)), args.quiet, args.verbose)


def print_all(diagnostics) -> None:
    """Print diagnostics to stderr, each once; warnings not with --quiet."""
    wanted = (d for d in diagnostics if not (shown.quiet and d.severity != "error"))
    for diagnostic in dict.fromkeys(shown.formatter.format(d) for d in wanted):
        print(diagnostic, file=sys.stderr)
