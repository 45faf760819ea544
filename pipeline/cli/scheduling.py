"""The scheduler's commands: `factsheets update` (feeds into data files) and `factsheets status`."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from ..builder import changes, status
from ..builder.lock import OutputLock
from . import arguments, console, history
from .arguments import where
from .console import EXIT_FAILED, EXIT_OK, EXIT_USAGE

EXIT_FEED_FAILED = 3  # a feed could not be fetched or read; its data file was left as it was
EXIT_HELD = 4  # a change waits for a person (update --review); everything else was applied

EXIT_CODES = """\
exit codes:
  0   every feed updated or unchanged (status: nothing failed, stale or held)
  1   (status) a sheet failed in the last build
  2   usage or configuration error (a bad 'feed:' declaration, an unknown data file)
  3   a feed failed (unreachable, HTTP error, timeout, truncated file, renamed
      columns, a figure gone, a redirect refused); its data file is unchanged,
      the other feeds still updated
  4   a change is held for review (factsheets update --review); nothing failed
  75  another run holds the output folder's lock
"""


def add_update(commands) -> None:
    """Add `factsheets update`."""
    parser = commands.add_parser(
        "update", help="fetch each shared-data file's feed and write the figures that changed",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EXIT_CODES,
        description="For each data file in the data folder that declares a 'feed:' (a url or path, its "
                    "format and column mapping; see docs/scheduling.md), fetch it with a conditional "
                    "request, check what came back (numbers, years, units, no figure gone) and write the "
                    "changes into the data file with its comments and order kept, printing which sheets' "
                    "numbers move. A change that breaks the feed's hold rules waits for a person. A failed "
                    "feed changes nothing and is recorded in <out>/status.json. Run 'factsheets build' next.")
    arguments.reporting(parser)
    parser.add_argument("datafiles", nargs="*", type=where, metavar="DATAFILE",
                        help="data files (or their names) whose feeds to fetch (default: every one with a feed)")
    parser.add_argument("--data", type=where, default=Path("sources/data"), metavar="DIR",
                        help="shared-data folder (default: sources/data)")
    parser.add_argument("--out", type=where, default=Path("output"), metavar="DIR",
                        help="output folder: its lock, status.json and held.json (default: output)")
    parser.add_argument("--records", type=where, default=Path("sources"), metavar="DIR",
                        help="the records whose sheets are compared (default: sources)")
    arguments.templates(parser)
    parser.add_argument("--wait", type=arguments.seconds, default=0.0, metavar="SECONDS",
                        help="wait this long for another run's lock before exiting 75 (default: 0)")
    parser.add_argument("--review", action="store_true", help="list the changes held for a person; fetch nothing")
    parser.add_argument("--approve", action="append", default=[], metavar="FILE.FIGURE",
                        help="write a held change into its data file, e.g. unodc.laos_opium_ha (repeatable)")
    parser.add_argument("--reject", action="append", default=[], metavar="FILE.FIGURE",
                        help="drop a held change; the same change is not held again (repeatable)")
    parser.set_defaults(command="update", run=run_update)


def add_status(commands) -> None:
    """Add `factsheets status`."""
    parser = commands.add_parser(
        "status", help="the last build and update, each feed's last fetch, stale or failed sheets",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EXIT_CODES,
        description="Print what <out>/status.json, changes.json and held.json say: the last build that "
                    "changed anything, the last update, each feed's last successful fetch or its error, the "
                    "changes held for review, and the sheets that are stale or failed. The exit code says "
                    "the worst of them.")
    arguments.reporting(parser)
    parser.add_argument("--out", type=where, default=Path("output"), metavar="DIR",
                        help="output folder (default: output)")
    parser.add_argument("--json", action="store_true", help="print JSON, for monitoring")
    parser.set_defaults(command="status", run=run_status)


def _options(args):
    """Return build options for previews: the data folder, templates and output folder named."""
    from ..builder.options import Options

    return Options(templates=args.templates, data=args.data, out=args.out)


def run_update(args) -> int:
    """Run `factsheets update`."""
    from ..authoring import feeds

    opts = _options(args)
    if args.review:
        return _review(args.out)
    with OutputLock(args.out, args.wait):
        shared = sorted(args.data.glob("*.yaml")) if args.data.is_dir() else []  # what a feed may rewrite
        if args.approve or args.reject:
            approved = history.recorded(shared, "approve", lambda: feeds.approve(args.approve, opts, args.records),
                                        "held feed changes approved")
            for key, lines in approved:
                print(f"approved {key}: " + ("; ".join(lines) or "no value changes"))
            for key in feeds.reject(args.reject, opts):
                history.noted(args.data / f"{key.removeprefix('data.').split('.')[0]}.yaml", "reject", key)
                print(f"rejected {key}: the data file keeps its figures")
            return EXIT_OK
        names = [Path(name).stem for name in args.datafiles] or None
        done = history.recorded(shared, "feed", lambda: feeds.update(names, opts, args.records,
                                                                     dt.datetime.now(dt.UTC)),
                                "factsheets update")
    console.print_all(done.problems)
    for result in done.results:
        _print_result(result)
    return _summary(done)


def _print_result(result) -> None:
    """Print one feed's outcome and the sheets whose numbers move."""
    print(f"{result.name} ({result.where}): {result.state}" + (f": {result.error}" if result.error else ""))
    if result.hint:
        print(f"  hint: {result.hint}")
    for line in result.changed:
        print(f"  {line}")
    for outcome in result.sheets:
        print(f"  moves {outcome.record_id} ({outcome.path}) at the next build:")
        print("\n".join(f"    {change}" for change in outcome.changes))
    for broken in result.breaks:
        print(f"  fails at the next build (its last good sheets are kept): {broken}")
    for why in result.reasons:
        print(f"  held for review: {why}")


def _summary(done) -> int:
    """Print the run's summary line; return its exit code."""
    count = lambda state: sum(r.state == state for r in done.results)
    held = sum(len(r.held) for r in done.results)
    failed = count("failed")
    total = len(done.results)
    print(f"factsheets: {total} feed{'s' * (total != 1)}: {count('updated')} updated, {count('unchanged')} unchanged, "
          f"{failed} failed; {held} change{'s' * (held != 1)} held"
          + (" (factsheets update --review)" if held else ""))
    if done.problems:
        return EXIT_USAGE
    return EXIT_FEED_FAILED if failed else EXIT_HELD if held else EXIT_OK


def _review(out: Path) -> int:
    """Print the held changes; exit 4 when there are any."""
    from ..authoring.holds import Held

    held = Held(out).held
    for key, entry in sorted(held.items()):
        print(f"{key} (fetched {entry['fetched']}):")
        print("\n".join(f"  {why}" for why in entry["reasons"]))
    print(f"factsheets: {len(held)} change{'s' * (len(held) != 1)} held"
          + (": approve with --approve FILE.FIGURE, or reject with --reject FILE.FIGURE" if held else ""))
    return EXIT_HELD if held else EXIT_OK


def state(out: Path) -> dict:
    """Return what `factsheets status` reports, as JSON-ready data."""
    from ..authoring.holds import Held

    body = status.load_body(out)
    try:
        last_build = json.loads((out / changes.JSON_NAME).read_bytes()).get("run")
    except (OSError, ValueError, AttributeError):
        last_build = None
    sheets = body.get("sheets", {})
    return {"last_build": last_build, "last_update": body.get("update", {}).get("run"),
            "feeds": body.get("feeds", {}), "held": sorted(Held(out).held),
            "stale": sorted(path for path, s in sheets.items() if s.get("state") == "stale"),
            "failed": {path: s.get("error", "") for path, s in sorted(sheets.items()) if s.get("state") == "failed"},
            "sheets": len(sheets)}


def run_status(args) -> int:
    """Run `factsheets status`."""
    found = state(args.out)
    if args.json:
        print(json.dumps(found, indent=1, sort_keys=True, ensure_ascii=False))
    else:
        sys.stdout.write(_status_text(found))
    failed_feeds = any(f.get("error") for f in found["feeds"].values())
    if failed_feeds:
        return EXIT_FEED_FAILED
    if found["failed"]:
        return EXIT_FAILED
    return EXIT_HELD if found["held"] else EXIT_OK


def _status_text(found: dict) -> str:
    """Return the status as lines for a person."""
    lines = [f"last build that changed anything: {found['last_build'] or 'never'}",
             f"last update: {found['last_update'] or 'never'}"]
    for name, feed in sorted(found["feeds"].items()):
        ok = f"last successful fetch {feed.get('last_success') or 'never'}"
        if feed.get("error"):
            lines.append(f"feed {name} ({feed.get('source')}): FAILED at {feed.get('last_attempt')}: "
                         f"{feed['error']}; {ok}")
        else:
            lines.append(f"feed {name} ({feed.get('source')}): {feed.get('state')}, {ok}")
    lines.extend(f"held for review: {key}" for key in found["held"])
    lines.extend(f"stale: {path}" for path in found["stale"])
    lines.extend(f"failed: {path}: {error}" for path, error in found["failed"].items())
    lines.append(f"{found['sheets']} sheets: {len(found['stale'])} stale, {len(found['failed'])} failed")
    return "\n".join(lines) + "\n"
