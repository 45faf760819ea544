"""The factsheets command: parse arguments, run the build, print diagnostics and the report."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import sys
from pathlib import Path

from .. import __version__, writers
from ..authoring import catalog
from ..base import config, hardening
from ..base.errors import ConfigError, RecordError, escaped_name, printable, shown
from ..base.paths import display
from ..builder.lock import LockBusy
from ..builder.progress import Progress
from ..builder.recipe import Options, Report, build, check, discover
from ..figures import shared as data
from ..figures import staleness
from . import scheduling
from .diagnostics import STYLES, Formatter, colour_wanted

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 75
EXIT_BROKEN_PIPE = 141  # what a shell reports for a program stopped by SIGPIPE
MAX_JOBS = 64  # more worker processes than this only fight over memory
MAX_STALE_MONTHS = 1200  # a century; far beyond it the cut-off date falls before year 1
MAX_SECONDS = 86400  # a day, for --time-limit and --wait

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
    global _shown, _origin
    argv = list(sys.argv[1:] if argv is None else argv)
    parser, commands = _parser()
    settings_file = config.find(Path.cwd())
    _origin = Path.cwd() if settings_file else None  # paths typed here mean this folder
    try:
        settings = _settings(settings_file, argv, commands)
    except ConfigError as exc:
        _shown = _shown_by(parser.parse_args(argv))  # the command line alone says how to show it
        _print_all(exc.diagnostics)
        return EXIT_USAGE
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    _shown = _shown_by(args)
    if settings_file:
        os.chdir(settings_file.parent)  # the project's folder: defaults, reports and manifests as from there
        if hasattr(args, "paths") and not args.paths:
            args.paths = config.sources(settings, settings_file.parent, settings_file, config.NAME)
    try:
        hardening.preflight()  # before any record is read and before ReportLab is imported
        return args.run(args)
    except ConfigError as exc:
        _print_all(exc.diagnostics)
        return EXIT_USAGE
    except LockBusy as exc:
        print(f"{display(exc.folder)}: error: another build is writing here: {printable(exc.holder)}\n"
              f"  hint: wait for it, or pass --wait SECONDS to queue behind it", file=sys.stderr)
        return EXIT_LOCKED
    except BrokenPipeError:  # `factsheets layouts | head`: the reader has gone; stop quietly, as cat does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no error again at exit's flush
        return EXIT_BROKEN_PIPE


def _shown_by(args) -> "_Shown":
    """Return how this run shows diagnostics, from the parsed arguments."""
    return _Shown(Formatter(args.diagnostics, colour_wanted(sys.stderr)), args.quiet, args.verbose)


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
    known = {name for parser in parsers for name in config.long_options(parser)} - {"help"}
    argv[at + 1:at + 1] = config.arguments(settings, command, known, file.parent, file, shown_as, argv[at + 1:])
    return settings


def _commands_of(parser: argparse.ArgumentParser) -> dict:
    """Return the sub-commands of a command (`import figures`), by name; empty when it has none."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices
    return {}


def _where(text: str) -> Path:
    """Return a path typed on the command line; absolute when the run moves to the project's folder."""
    return Path(text) if _origin is None else _origin / text


_origin: Path | None = None  # the folder the command was typed in, when a settings file moves the run


def _parser() -> tuple[argparse.ArgumentParser, dict]:
    """Return the argument parser and its commands by name."""
    parser = argparse.ArgumentParser(prog="factsheets", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action=_Version, nargs=0, help="show the program's and its libraries' versions and exit")
    _reporting(parser)
    parser.set_defaults(command=None)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    b = sub.add_parser("build", help="rebuild the fact sheets whose inputs changed",
                       description="Build each record into <out>/<id>.docx and <out>/<id>.pdf, "
                                   "skipping records whose outputs are up to date. Files are "
                                   "replaced atomically; a record that fails keeps its previous "
                                   "outputs. A record that failed by the time limit or a layout "
                                   "error is not built again until something it depends on "
                                   "changes (or --force). An output changed by hand since it was "
                                   "built is kept as <out>/edited/<id>.<hash>.<ext> first. Prints "
                                   "what was rebuilt and why, and writes <out>/changes.json, "
                                   "<out>/CHANGES.md and <out>/status.json.")
    _paths(b)
    _build_options(b)
    b.set_defaults(command="build", run=_build)

    w = sub.add_parser("watch", help="rebuild whenever a record, data file or template is saved",
                       description="Build once, then rebuild on every save under the record folders, "
                                   "the data folder and the templates folder, printing the same short "
                                   "report as build. Stop with Ctrl-C.")
    _paths(w)
    _build_options(w)
    w.set_defaults(command="watch", run=_watch)

    c = sub.add_parser("check", help="do everything build does but write: the same errors and warnings",
                       description="Validate each record, render it through every writer in memory and "
                                   "report what build would report (errors, slips, stale figures) as "
                                   "path:line:col: error: message. A shared-data file named here is "
                                   "checked as a data file. Writes nothing and takes no lock.")
    _paths(c)
    _strictness(c)
    c.set_defaults(command="check", run=_check)

    fig = sub.add_parser("figures", help="list the shared figures: value, as-of date, staleness, "
                                         "the sheets printing each",
                         description="List the figures of the shared-data folder with their value, as-of "
                                     "date and staleness, and the sheets that printed each in their last "
                                     "build (from <out>/manifest.json). NAME picks one figure "
                                     "(data.unodc.laos_opium_ha, or laos_opium_ha) or one file (unodc).")
    _reporting(fig)
    fig.add_argument("name", nargs="?", metavar="NAME", help="a figure or data file (default: all)")
    fig.add_argument("--data", type=_where, default=Path("sources/data"), metavar="DIR",
                     help="shared-data folder (default: sources/data)")
    fig.add_argument("--out", type=_where, default=Path("output"), metavar="DIR",
                     help="output folder whose manifest names the sheets (default: output)")
    fig.add_argument("--stale-months", type=_whole(1, MAX_STALE_MONTHS), default=18, metavar="N",
                     help="a figure whose as_of is more than N months old is stale (default: 18)")
    fig.add_argument("--json", action="store_true", help="print JSON, for scripts")
    fig.set_defaults(command="figures", run=_figures)

    new = sub.add_parser("new", help="start a record from a layout's example, ready to fill in",
                         description="Write a new record file from the example kept in the layout's "
                                     "folder: required fields hold <<placeholders>> that fail 'check' "
                                     "until replaced, optional ones are commented out with a line "
                                     "saying what each is for. Never overwrites a file.")
    _reporting(new)
    new.add_argument("layout", metavar="LAYOUT", help="the layout (see 'factsheets layouts')")
    new.add_argument("target", type=_where, metavar="PATH", help="the new record file, e.g. sources/cambodia.yaml")
    _templates(new)
    new.set_defaults(command="new", run=_new)

    imp = sub.add_parser("import", help="bring figures from a spreadsheet, or a record from a web page",
                         description="Import figures from a CSV or Excel file into a shared-data file, "
                                     "or a record from a Department web page saved as text or HTML.")
    _reporting(imp)
    what = imp.add_subparsers(title="what", metavar="WHAT")
    figs = what.add_parser("figures", help="figures from a .csv or .xlsx file into sources/data/NAME.yaml",
                           description="Read a spreadsheet whose first row names the columns figure, year, "
                                       "value, unit, source, as_of and label (figure and value required; "
                                       "one row per figure and year, no year for a single number), and "
                                       "show what importing it would change: each value old → new and each "
                                       "sheet's printed numbers old → new (against the last build in --out). "
                                       "Nothing is written without --write; then the data file keeps its "
                                       "comments and order. A bad cell is refused with its sheet, row and "
                                       "column.")
    _reporting(figs)
    figs.add_argument("file", type=_where, metavar="FILE", help="the .csv (UTF-8) or .xlsx file")
    figs.add_argument("--into", type=_where, required=True, metavar="DATAFILE",
                      help="the shared-data file to update or create, e.g. sources/data/unodc.yaml")
    figs.add_argument("--sheet", metavar="NAME", help="the Excel worksheet (default: the first)")
    figs.add_argument("--write", action="store_true", help="apply the import (default: only show it)")
    _templates(figs)
    figs.add_argument("--records", type=_where, default=Path("sources"), metavar="DIR",
                      help="the records whose sheets are compared (default: sources)")
    figs.add_argument("--out", type=_where, default=Path("output"), metavar="DIR",
                      help="output folder of the last build, to compare with (default: output)")
    figs.set_defaults(command="import figures", run=_import_figures)
    page = what.add_parser("page", help="a record skeleton from a Department web page saved as text or HTML",
                           description="Make a record from a saved web page (.txt, or .html/.htm): site "
                                       "chrome is left out and listed in comments at the end, run-in "
                                       "labels ('Challenges:', 'Alternative Development.') and bullets are "
                                       "recognised, and numbers that look like figures are named in a "
                                       "comment above their field. Required fields the page lacks are "
                                       "<<placeholders>> that fail 'check' until filled in.")
    _reporting(page)
    page.add_argument("file", type=_where, metavar="FILE", help="the saved page")
    page.add_argument("--layout", required=True, metavar="LAYOUT", help="the layout (see 'factsheets layouts')")
    page.add_argument("--into", type=_where, metavar="PATH",
                      help="write the record here (never overwrites; default: print it)")
    _templates(page)
    page.set_defaults(command="import page", run=_import_page)
    imp.set_defaults(command="import", run=lambda args: (imp.print_help(), EXIT_USAGE)[1])

    sch = sub.add_parser("schema", help="print the JSON Schema of records, for editors such as VS Code",
                         description="Print a JSON Schema (draft-07) of the record format for the layouts "
                                     "in --templates: field names, kinds, and per layout the fields it needs "
                                     "and prints. yaml-language-server (VS Code's YAML extension) reads it to "
                                     "complete field names and underline mistakes while typing; 'factsheets "
                                     "new' points each record at the project's factsheets.schema.json.")
    _reporting(sch)
    _templates(sch)
    sch.add_argument("--output", "-o", type=_where, metavar="FILE",
                     help="write it to FILE (e.g. factsheets.schema.json) instead of printing it")
    sch.set_defaults(command="schema", run=_schema)

    ini = sub.add_parser("init", help="make a new project folder from the layouts shipped with the program",
                         description="Make a new project in DIR (new or empty): sources/ and sources/data/ "
                                     "for records and shared figures, templates/ with the layouts shipped "
                                     "inside the program, output/, a factsheets.toml (so every command works "
                                     "from any folder of the project), factsheets.schema.json and .vscode/ "
                                     "settings (the schema for records, a 'factsheets: check' task whose "
                                     "problems show at their lines, the YAML extension recommended).")
    _reporting(ini)
    ini.add_argument("folder", type=_where, metavar="DIR", help="the new project's folder")
    ini.set_defaults(command="init", run=_init)

    srv = sub.add_parser("serve", help="open the workspace in the browser: every sheet, edit with a live "
                                       "preview, publish",
                         description="Serve the fact sheet workspace: a gallery of every sheet, an editor "
                                     "with a live preview, save (the normal build, under the lock), publish, "
                                     "the shared figures and the change history. It has no login of its own: "
                                     "it listens on 127.0.0.1 unless --host says otherwise; see "
                                     "docs/serve.md before serving it to others.")
    _paths(srv)
    srv.add_argument("--out", type=_where, default=Path("output"), metavar="DIR",
                     help="output folder (default: output)")
    _strictness(srv)
    srv.add_argument("--time-limit", type=_seconds, default=120.0, metavar="SECONDS",
                     help="stop rendering a record (preview or save) after this long (default: 120)")
    srv.add_argument("--host", default="127.0.0.1", metavar="ADDRESS",
                     help="address to listen on (default: 127.0.0.1, this machine only)")
    srv.add_argument("--port", type=_whole(1, 65535), default=8000, metavar="PORT",
                     help="port to listen on (default: 8000)")
    srv.add_argument("--allowed-host", action="append", default=[], metavar="NAME",
                     help="a host name the workspace may be asked for, e.g. the reverse proxy's "
                          "sheets.example.gov (repeatable; 127.0.0.1 and localhost always are)")
    srv.set_defaults(command="serve", run=_serve)

    lay = sub.add_parser("layouts", help="list the layouts, the record fields each prints, their fixed headings, and which are internal")
    _reporting(lay)
    _templates(lay)
    lay.set_defaults(command="layouts", run=_layouts)
    scheduling.add_commands(sub, _reporting, _templates, _where, _seconds)  # update, status
    return parser, sub.choices


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


def _reporting(parser: argparse.ArgumentParser) -> None:
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


def _templates(parser: argparse.ArgumentParser) -> None:
    """Add --templates, the layouts folder every command that reads layouts takes."""
    parser.add_argument("--templates", type=_where, default=Path("templates"), metavar="DIR",
                        help="layouts folder (default: templates)")


def _paths(parser: argparse.ArgumentParser) -> None:
    """Add the record paths and the folders every command reads."""
    _reporting(parser)
    parser.add_argument("paths", nargs="*", type=_where, metavar="PATH",
                        help="record files or folders of records (default: sources)")
    _templates(parser)
    parser.add_argument("--data", type=_where, default=None, metavar="DIR",
                        help="shared-data folder, read in text as data.<file>.<figure> (default: "
                             "the 'data' folder beside the records, e.g. sources/data)")


def _build_options(parser: argparse.ArgumentParser) -> None:
    """Add the options of build and watch."""
    parser.add_argument("--out", type=_where, default=Path("output"), metavar="DIR",
                        help="output folder (default: output)")
    parser.add_argument("--format", choices=writers.names(), action="append", dest="formats",
                        help=f"write only this format (repeatable; default: {' and '.join(writers.names())})")
    parser.add_argument("--force", action="store_true", help="rebuild every record, changed or not")
    parser.add_argument("--jobs", "-j", type=_whole(1, MAX_JOBS), default=min(os.cpu_count() or 1, MAX_JOBS),
                        metavar="N", help=f"records rendered at once, in worker processes, 1 to {MAX_JOBS} "
                                          f"(default: the number of CPUs, {min(os.cpu_count() or 1, MAX_JOBS)})")
    _strictness(parser)
    parser.add_argument("--time-limit", type=_seconds, default=120.0, metavar="SECONDS",
                        help="stop building a record after this long and report it, 0 to "
                             f"{MAX_SECONDS:,} (default: 120; 0 for none)")
    parser.add_argument("--wait", type=_seconds, default=0.0, metavar="SECONDS",
                        help="if another run holds the output folder, wait this long for it "
                             f"before exiting with code 75, 0 to {MAX_SECONDS:,} (default: 0)")


def _strictness(parser: argparse.ArgumentParser) -> None:
    """Add --strict and --stale-months (build, watch and check: they must agree)."""
    parser.add_argument("--strict", action="store_true",
                        help="treat warnings (stale figures, likely slips) as failures: exit 1, keep old outputs")
    parser.add_argument("--stale-months", type=_whole(1, MAX_STALE_MONTHS), default=18, metavar="N",
                        help="warn about figures whose as_of is more than N months old, 1 to "
                             f"{MAX_STALE_MONTHS} (default: 18)")


def _whole(low: int, high: int):
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


def _seconds(text: str) -> float:
    """Parse a finite number of seconds from 0 to MAX_SECONDS ('nan' and 'inf' are refused)."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not (math.isfinite(value) and 0 <= value <= MAX_SECONDS):  # nan fails every comparison
        raise argparse.ArgumentTypeError(f"expected a number of seconds from 0 to {MAX_SECONDS:,}, "
                                         f"not {printable(shown(text))}")
    return value


def _records(args) -> list[Path]:
    """Return the record files the arguments name."""
    return discover(args.paths or [Path("sources")])


def _data_folder(args) -> Path:
    """Return --data, or the 'data' folder beside the first records named."""
    if args.data is not None:
        return args.data
    first = args.paths[0] if args.paths else Path("sources")
    if first.is_file() and first.parent.name == "data" and not (first.parent / "data").is_dir():
        return first.parent  # a shared-data file itself: `check sources/data/unodc.yaml`
    return (first if first.is_dir() else first.parent) / "data"


def options(args) -> Options:
    """Return the build options the arguments ask for."""
    return Options(templates=args.templates, data=_data_folder(args), out=args.out,
                   formats=tuple(dict.fromkeys(args.formats or writers.names())), force=args.force,
                   jobs=args.jobs, strict=args.strict, stale_months=args.stale_months,
                   time_limit=args.time_limit or None, wait=args.wait)


def _build(args) -> int:
    """Run `factsheets build`."""
    opts = options(args)
    with Progress(sys.stderr) as progress:
        opts.progress = progress.update
        report = build(_records(args), opts)
    return finish(report, opts.out)


def _watch(args) -> int:
    """Run `factsheets watch` until interrupted."""
    from ..builder.watch import watch  # imports watchdog only for this command

    opts = options(args)
    opts.wait = max(opts.wait, 60.0)  # a watcher queues behind a scheduled run instead of giving up
    return watch(lambda: _records(args), opts, lambda report: finish(report, opts.out),
                 [*(args.paths or [Path("sources")]), opts.data, args.templates], _print_all)


def _serve(args) -> int:
    """Run `factsheets serve` until interrupted."""
    from ..workspace import DOCS, LOCAL_HOSTS, serve  # the web stack only for this command

    if args.host not in LOCAL_HOSTS:
        print(f"factsheets: warning: serving on {printable(args.host)}: the workspace has no login of its "
              f"own; anyone who can reach this address can edit and publish sheets.\n"
              f"  hint: serve it only behind the Department's reverse proxy and single sign-on (see {DOCS})",
              file=sys.stderr)
    opts = Options(templates=args.templates, data=_data_folder(args), out=args.out, jobs=1,
                   strict=args.strict, stale_months=args.stale_months, time_limit=args.time_limit or None,
                   wait=30.0)
    print(f"factsheets: the workspace is at http://{args.host}:{args.port}/ (stop with Ctrl-C)", file=sys.stderr)
    serve(args.paths or [Path("sources")], opts, args.host, args.port, tuple(args.allowed_host))
    return EXIT_OK


def _check(args) -> int:
    """Run `factsheets check`."""
    opts = Options(templates=args.templates, data=_data_folder(args), strict=args.strict,
                   stale_months=args.stale_months)
    return finish(check(_records(args), opts), None)


def finish(report: Report, out: Path | None) -> int:
    """Print diagnostics, what was rebuilt and why, and a one-line summary; return the exit code."""
    # One call: a stale shared figure fails every sheet printing it (--strict) but prints once.
    _print_all([*report.errors, *report.warnings,
                *(d for outcome in report.outcomes for d in outcome.diagnostics + outcome.warnings)])
    if not _shown.quiet:
        for outcome in report.with_status("built"):
            print(f"rebuilt {outcome.record_id} ({outcome.path}): {'; '.join(outcome.reasons)}")
            for change in outcome.changes:
                print(f"  {change}")
    if _shown.verbose:
        for outcome in report.with_status("current"):
            print(f"up to date {outcome.record_id} ({outcome.path})")
    print(_summary(report, out))
    return EXIT_FAILED if report.failed or report.errors else EXIT_OK


def _summary(report: Report, out: Path | None) -> str:
    """Return the run's one log line."""
    total, failed = len(report.outcomes), report.failed
    warnings = sum(len(o.warnings) for o in report.outcomes) + len(report.warnings)
    if out is None:
        line = f"factsheets: checked {total - len(failed)} of {total} records"
    else:
        line = (f"factsheets: {total} records: {len(report.with_status('built'))} rebuilt, "
                f"{len(report.with_status('current'))} up to date, {len(failed)} failed "
                f"(into {display(out)}/)")
    if warnings:
        line += f"; {warnings} warning{'s' * (warnings != 1)}"
    if failed:
        line += "; failed: " + ", ".join(o.path for o in failed)
    if report.errors:
        line += f"; {len(report.errors)} run error{'s' * (len(report.errors) != 1)}"
    return line


class _Shown:
    """How this run shows diagnostics and reports (--diagnostics, --quiet, --verbose)."""

    def __init__(self, formatter: Formatter, quiet: bool = False, verbose: bool = False):
        self.formatter, self.quiet, self.verbose = formatter, quiet, verbose


_shown = _Shown(Formatter())  # replaced by main() from the arguments


def _print_all(diagnostics) -> None:
    """Print diagnostics to stderr, each once; warnings not with --quiet."""
    wanted = (d for d in diagnostics if not (_shown.quiet and d.severity != "error"))
    for diagnostic in dict.fromkeys(_shown.formatter.format(d) for d in wanted):
        print(diagnostic, file=sys.stderr)


def _figures(args) -> int:
    """Run `factsheets figures`."""
    dataset = data.load(args.data, display(args.data))
    since = staleness.cutoff(dt.date.today(), args.stale_months)
    found = catalog.entries(dataset, args.out, since, args.name)
    _print_all(dataset.diagnostics)
    if args.json:
        print(json.dumps(found, indent=1, ensure_ascii=False))
    else:
        print("\n".join(catalog.text(entry, args.stale_months) for entry in found) or "no shared figures")
    return EXIT_FAILED if dataset.diagnostics else EXIT_OK


def _new(args) -> int:
    """Run `factsheets new`."""
    from ..authoring.starter import new_record

    new_record(args.templates, args.layout, args.target, Path.cwd(), display)
    print(f"wrote {display(args.target)} from the {args.layout} example: replace each <<…>>, then run "
          f"factsheets check {display(args.target)}")
    return EXIT_OK


def _import_figures(args) -> int:
    """Run `factsheets import figures`: show the change, and with --write apply it."""
    from ..authoring.figureimport import import_figures

    try:
        plan = import_figures(args.file, args.into, args.sheet, Options(
            templates=args.templates, out=args.out, data=args.into.parent), args.records, display)
    except RecordError as exc:
        _print_all(exc.diagnostics)
        return EXIT_FAILED
    _print_all([d for o in plan.report.outcomes for d in o.diagnostics])
    name = display(args.into)
    print("\n".join([f"{name}: {line}" for line in plan.changed] or [f"{name}: no value changes"]))
    for outcome in plan.report.outcomes:
        if outcome.changes:
            print(f"would change {outcome.record_id} ({outcome.path}):")
            print("\n".join(f"  {change}" for change in outcome.changes))
    if plan.unbuilt:
        print(f"not compared (never built into {display(args.out)}/): {', '.join(plan.unbuilt)}")
    if not args.write:
        print(f"factsheets: nothing written; run again with --write to update {name}")
        return EXIT_FAILED if plan.report.failed else EXIT_OK
    plan.apply()
    print(f"factsheets: wrote {name} ({len(plan.changed)} value changes); run factsheets build to "
          f"rebuild the sheets")
    return EXIT_FAILED if plan.report.failed else EXIT_OK


def _import_page(args) -> int:
    """Run `factsheets import page`."""
    from ..authoring.pageimport import import_page
    from ..authoring.starter import write_new

    text = import_page(args.file, args.layout, _load_layouts(args.templates), display(args.file))
    if args.into is None:
        sys.stdout.write(text)
        return EXIT_OK
    write_new(args.into, text, display)
    print(f"wrote {display(args.into)} from {display(args.file)}: read it against the page, replace each "
          f"<<…>>, then run factsheets check {display(args.into)}")
    return EXIT_OK


def _schema(args) -> int:
    """Run `factsheets schema`."""
    from ..authoring.editorschema import text

    schema = text(_load_layouts(args.templates))
    if args.output is None:
        sys.stdout.write(schema)
    else:
        from ..base.output import write_atomic
        write_atomic(args.output, schema.encode("utf-8"))
        print(f"wrote {display(args.output)}")
    return EXIT_OK


def _init(args) -> int:
    """Run `factsheets init`."""
    from ..authoring.editorschema import text
    from ..authoring.project import default_layouts, init

    init(args.folder, text(_load_layouts(default_layouts())), display)
    shown_as = display(args.folder)
    print(f"made the project {shown_as}: add records with factsheets new LAYOUT {shown_as}/sources/NAME.yaml "
          f"(layouts: factsheets layouts), then run factsheets build in it")
    return EXIT_OK


def _layouts(args) -> int:
    """Run `factsheets layouts`."""
    for name, layout in _load_layouts(args.templates).items():
        print(f"{name}\n  {layout.description}")
        print(f"  requires: {', '.join(layout.requires) or '(only title)'}")
        print(f"  prints: {', '.join(layout.prints)}")
        if layout.headings:
            print(f"  headings, in this order: {'; '.join(layout.headings)}")
        if layout.classified:
            print("  internal: a classification banner on every page; portion marks on every paragraph")
    return EXIT_OK


def _load_layouts(templates: Path) -> dict:
    """Load every layout; imported only by the commands that need one (Jinja2 is slow to import)."""
    from ..layouts.loader import load_layouts

    return load_layouts(templates, display)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
