"""The arguments several commands share: paths typed on the command line, folders, limits, reporting."""

from __future__ import annotations

import argparse
import math
import os
from pathlib import Path

from .. import writers
from ..base.errors import printable, shown
from ..records import marking
from .diagnostics import STYLES

MAX_JOBS = 64  # more worker processes than this only fight over memory
MAX_STALE_MONTHS = 1200  # a century; far beyond it the cut-off date falls before year 1
MAX_SECONDS = 86400  # a day, for --time-limit and --wait

origin: Path | None = None  # the folder the command was typed in, when a settings file moves the run


def where(text: str) -> Path:
    """Return a path typed on the command line; absolute when the run moves to the project's folder."""
    return Path(text) if origin is None else origin / text


def reporting(parser: argparse.ArgumentParser) -> None:
    """Add how diagnostics and reports are shown (accepted before or after the command)."""
    # Defaults live on the top parser only: a command's parser must not reset what was given before it.
    top = parser.prog == "factsheets"
    parser.add_argument("--diagnostics", choices=STYLES, default="concise" if top else argparse.SUPPRESS,
                        help="how errors and warnings are shown: concise (path:line:col: error: message), "
                             "full (with the source line and a caret under the column), json (one object "
                             "per line, for programs) or github (workflow annotations); default: concise")
    loud = parser.add_mutually_exclusive_group()
    loud.add_argument("-q", "--quiet", action="store_true", default=False if top else argparse.SUPPRESS,
                      help="print only errors and the summary line")
    loud.add_argument("-v", "--verbose", action="store_true", default=False if top else argparse.SUPPRESS,
                      help="also list the records that were up to date")


def templates(parser: argparse.ArgumentParser) -> None:
    """Add --templates, the layouts folder every command that reads layouts takes."""
    parser.add_argument("--templates", type=where, default=Path("templates"), metavar="DIR",
                        help="layouts folder (default: templates)")


def paths(parser: argparse.ArgumentParser) -> None:
    """Add the record paths and the folders every command reads."""
    reporting(parser)
    parser.add_argument("paths", nargs="*", type=where, metavar="PATH",
                        help="record files or folders of records (default: sources)")
    templates(parser)
    data(parser)


def data(parser: argparse.ArgumentParser) -> None:
    """Add --data, the shared-data folder, by default the 'data' folder beside the records."""
    parser.add_argument("--data", type=where, default=None, metavar="DIR",
                        help="shared-data folder, read in text as data.<file>.<figure> (default: "
                             "the 'data' folder beside the records, e.g. sources/data)")


def build_options(parser: argparse.ArgumentParser) -> None:
    """Add the options of build and watch."""
    parser.add_argument("--out", type=where, default=Path("output"), metavar="DIR",
                        help="output folder (default: output)")
    parser.add_argument("--format", choices=writers.names(), action="append", dest="formats",
                        help=f"write only this format (repeatable; default: {' and '.join(writers.names())})")
    parser.add_argument("--force", action="store_true", help="rebuild every record, changed or not")
    parser.add_argument("--jobs", "-j", type=whole(1, MAX_JOBS), default=min(os.cpu_count() or 1, MAX_JOBS),
                        metavar="N", help=f"records rendered at once, in worker processes, 1 to {MAX_JOBS} "
                                          f"(default: the number of CPUs, {min(os.cpu_count() or 1, MAX_JOBS)})")
    strictness(parser)
    parser.add_argument("--time-limit", type=seconds, default=120.0, metavar="SECONDS",
                        help="stop building a record after this long and report it, 0 to "
                             f"{MAX_SECONDS:,} (default: 120; 0 for none)")
    parser.add_argument("--wait", type=seconds, default=0.0, metavar="SECONDS",
                        help="if another run holds the output folder, wait this long for it "
                             f"before exiting with code 75, 0 to {MAX_SECONDS:,} (default: 0)")


def strictness(parser: argparse.ArgumentParser) -> None:
    """Add --strict and --stale-months (build, watch and check: they must agree)."""
    parser.add_argument("--strict", action="store_true",
                        help="treat warnings (stale figures, likely slips) as failures: exit 1, keep old outputs")
    parser.add_argument("--stale-months", type=whole(1, MAX_STALE_MONTHS), default=18, metavar="N",
                        help="warn about figures whose as_of is more than N months old, 1 to "
                             f"{MAX_STALE_MONTHS} (default: 18)")
    parser.add_argument("--max-classification", type=ceiling, default=marking.CEILING, metavar="LEVEL",
                        help="refuse a paper whose banner or portion marks go above LEVEL "
                             "(default: SENSITIVE BUT UNCLASSIFIED, the highest unclassified marking; "
                             "UNCLASSIFIED allows unclassified papers only)")


def ceiling(text: str) -> str:
    """Return the level a --max-classification names; argparse exits 2 with the levels allowed."""
    level = marking.ceiling_level(text)
    if level is None:
        raise argparse.ArgumentTypeError(f"expected a level ({', '.join(marking.BANNERS)}, or its letters "
                                         f"{', '.join(marking.LEVELS)}), found {shown(text)}")
    return level


def whole(low: int, high: int):
    """Return a parser of whole numbers from `low` to `high` (argparse exits 2 with its message)."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected a whole number from {low} to {high:,}, "
                                             f"not {printable(shown(text))}")
        return value
    return parse


def seconds(text: str) -> float:
    """Parse a finite number of seconds from 0 to MAX_SECONDS ('nan' and 'inf' are refused)."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not (math.isfinite(value) and 0 <= value <= MAX_SECONDS):  # nan fails every comparison
        raise argparse.ArgumentTypeError(f"expected a number of seconds from 0 to {MAX_SECONDS:,}, "
                                         f"not {printable(shown(text))}")
    return value
