"""The commands over the records: build, watch, check, and serve (the workspace builds on save)."""

from __future__ import annotations

import sys
from pathlib import Path

from .. import writers
from ..base.errors import printable
from ..base.paths import display
from ..builder.progress import Progress
from ..builder.recipe import Options, Report, build, check, discover
from . import arguments, console, daemoncommand
from .arguments import where, whole


def add_build(commands) -> None:
    """Add `factsheets build`."""
    parser = commands.add_parser(
        "build", help="rebuild the fact sheets whose inputs changed",
        description="Build each record into <out>/<id>.docx and <out>/<id>.pdf, "
                    "skipping records whose outputs are up to date. Files are "
                    "replaced atomically; a record that fails keeps its previous "
                    "outputs. A record that failed by the time limit or a layout "
                    "error is not built again until something it depends on "
                    "changes (or --force). An output changed by hand since it was "
                    "built is kept as <out>/edited/<id>.<hash>.<ext> first. Prints "
                    "what was rebuilt and why, and writes <out>/changes.json, "
                    "<out>/CHANGES.md and <out>/status.json.")
    arguments.paths(parser)
    arguments.build_options(parser)
    daemoncommand.build_switches(parser)
    parser.set_defaults(command="build", run=run_build)


def run_build(args) -> int:
    """Run `factsheets build`."""
    opts = options(args)
    with Progress(sys.stderr) as progress:
        opts.progress = progress.update
        report = build(_records(args), opts)
    return finish(report, opts.out)


def add_watch(commands) -> None:
    """Add `factsheets watch`."""
    parser = commands.add_parser(
        "watch", help="rebuild whenever a record, data file or template is saved",
        description="Build once, then rebuild on every save under the record folders, "
                    "the data folder and the templates folder, printing the same short "
                    "report as build. Stop with Ctrl-C.")
    arguments.paths(parser)
    arguments.build_options(parser)
    parser.set_defaults(command="watch", run=run_watch)


def run_watch(args) -> int:
    """Run `factsheets watch` until interrupted."""
    from ..builder.watch import watch  # imports watchdog only for this command

    opts = options(args)
    opts.wait = max(opts.wait, 60.0)  # a watcher queues behind a scheduled run instead of giving up
    return watch(lambda: _records(args), opts, lambda report: finish(report, opts.out),
                 [*(args.paths or [Path("sources")]), opts.data, args.templates], console.print_all)


def add_check(commands) -> None:
    """Add `factsheets check`."""
    parser = commands.add_parser(
        "check", help="do everything build does but write: the same errors and warnings",
        description="Validate each record, render it through every writer in memory and "
                    "report what build would report (errors, slips, stale figures) as "
                    "path:line:col: error: message. A shared-data file named here is "
                    "checked as a data file. Writes nothing and takes no lock.")
    arguments.paths(parser)
    arguments.strictness(parser)
    parser.set_defaults(command="check", run=run_check)


def run_check(args) -> int:
    """Run `factsheets check`."""
    opts = Options(templates=args.templates, data=_data_folder(args), strict=args.strict,
                   stale_months=args.stale_months, max_classification=args.max_classification)
    return finish(check(_records(args), opts), None)


def add_serve(commands) -> None:
    """Add `factsheets serve`."""
    parser = commands.add_parser(
        "serve", help="open the workspace in the browser: every sheet, edit with a live preview, publish",
        description="Serve the fact sheet workspace: a gallery of every sheet, an editor "
                    "with a live preview, save (the normal build, under the lock), publish, "
                    "the shared figures and the change history. It has no login of its own: "
                    "it listens on 127.0.0.1 unless --host says otherwise; see "
                    "docs/serve.md before serving it to others.")
    arguments.paths(parser)
    parser.add_argument("--out", type=where, default=Path("output"), metavar="DIR",
                        help="output folder (default: output)")
    arguments.strictness(parser)
    parser.add_argument("--time-limit", type=arguments.seconds, default=120.0, metavar="SECONDS",
                        help="stop rendering a record (preview or save) after this long (default: 120)")
    parser.add_argument("--host", default="127.0.0.1", metavar="ADDRESS",
                        help="address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=whole(1, 65535), default=8000, metavar="PORT",
                        help="port to listen on (default: 8000)")
    parser.add_argument("--allowed-host", action="append", default=[], metavar="NAME",
                        help="a host name the workspace may be asked for, e.g. the reverse proxy's "
                             "sheets.example.gov (repeatable; 127.0.0.1 and localhost always are)")
    parser.add_argument("--user", metavar="NAME",
                        help="the one local user's name, recorded in the history (default: your login name)")
    parser.add_argument("--proxy-header", metavar="HEADER",
                        help="the header in which the reverse proxy names the signed-in user, e.g. "
                             "X-Auth-Request-User; then only the proxy may reach the workspace")
    parser.add_argument("--proxy-address", action="append", default=[], metavar="ADDRESS",
                        help="the reverse proxy's address, the only one trusted to send --proxy-header "
                             "(repeatable; required with --proxy-header)")
    parser.set_defaults(command="serve", run=run_serve)


def run_serve(args) -> int:
    """Run `factsheets serve` until interrupted."""
    from ..workspace import DOCS, LOCAL_HOSTS, serve  # the web stack only for this command

    if args.host not in LOCAL_HOSTS:
        print(f"factsheets: warning: serving on {printable(args.host)}: the workspace has no login of its "
              f"own; anyone who can reach this address can edit and publish sheets.\n"
              f"  hint: serve it only behind the Department's reverse proxy and single sign-on (see {DOCS})",
              file=sys.stderr)
    identity = _identity(args)
    if identity is None:
        return console.EXIT_USAGE
    opts = Options(templates=args.templates, data=_data_folder(args), out=args.out, jobs=1,
                   strict=args.strict, stale_months=args.stale_months, time_limit=args.time_limit or None,
                   wait=30.0, max_classification=args.max_classification)
    print(f"factsheets: the workspace is at http://{args.host}:{args.port}/ (stop with Ctrl-C)", file=sys.stderr)
    serve(args.paths or [Path("sources")], opts, args.host, args.port, tuple(args.allowed_host), identity)
    return console.EXIT_OK


def _identity(args):
    """Return how the workspace learns who is asking from serve's options; None when they do not agree."""
    from ..workspace.identity import Identity

    if bool(args.proxy_header) != bool(args.proxy_address):
        print("factsheets serve: error: --proxy-header and --proxy-address go together: the header is "
              "trusted only from the proxy's address\n"
              "  hint: pass both, e.g. --proxy-header X-Auth-Request-User --proxy-address 127.0.0.1 "
              "(see docs/serve.md)", file=sys.stderr)
        return None
    return Identity(header=args.proxy_header, proxies=tuple(args.proxy_address), user=args.user)


def options(args) -> Options:
    """Return the build options the arguments ask for."""
    return Options(templates=args.templates, data=_data_folder(args), out=args.out,
                   formats=tuple(dict.fromkeys(args.formats or writers.names())), force=args.force,
                   jobs=args.jobs, strict=args.strict, stale_months=args.stale_months,
                   max_classification=args.max_classification, time_limit=args.time_limit or None, wait=args.wait)


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


def finish(report: Report, out: Path | None) -> int:
    """Print diagnostics, what was rebuilt and why, and a one-line summary; return the exit code."""
    # One call: a stale shared figure fails every sheet printing it (--strict) but prints once.
    console.print_all([*report.errors, *report.warnings,
                       *(d for outcome in report.outcomes for d in outcome.diagnostics + outcome.warnings)])
    if not console.shown.quiet:
        for outcome in report.with_status("built"):
            print(f"rebuilt {outcome.record_id} ({outcome.path}): {'; '.join(outcome.reasons)}")
            for change in outcome.changes:
                print(f"  {change}")
    if console.shown.verbose:
        for outcome in report.with_status("current"):
            print(f"up to date {outcome.record_id} ({outcome.path})")
    print(_summary(report, out))
    return console.EXIT_FAILED if report.failed or report.errors else console.EXIT_OK


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
