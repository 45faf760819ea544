"""The commands over a sheet's versions: history, diff (a Word redline) and restore."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..base.output import write_atomic, write_together
from ..base.paths import display
from ..builder.recipe import discover
from ..history import clearance, compare, oldsheet, redline, restore
from ..history.record import HistoryError, catch_up, recording
from ..history.store import Store
from ..history.who import local
from . import arguments, console
from .arguments import where


def _common(parser) -> None:
    """Add what every history command takes: the sheet's id and where the records are."""
    arguments.reporting(parser)
    parser.add_argument("sheet", metavar="ID", help="the sheet's id (its record's file name without .yaml), "
                                                    "or a shared-data file's (e.g. unodc)")
    parser.add_argument("--sources", type=where, default=None, metavar="DIR",
                        help="the records' folder (default: the settings' sources, or sources)")
    parser.set_defaults(paths=[])  # filled from factsheets.toml's 'sources' when there is one


def add_history(commands) -> None:
    """Add `factsheets history`."""
    parser = commands.add_parser(
        "history", help="list a sheet's versions, newest first: who changed what, and when",
        description="List the versions of a sheet's record (or of a shared-data file), newest "
                    "first: its version id, who made it, when, and in plain words which fields "
                    "and figures changed. A change made outside factsheets since the last version "
                    "is recorded first, as such. See docs/history.md.")
    _common(parser)
    parser.add_argument("--json", action="store_true", help="print JSON, for scripts: version, who, when, what")
    parser.add_argument("--open", default=None, metavar="VERSION",
                        help="instead, build that version's PDF and Word file (its text and the shared "
                             "figures recorded then, today's layouts) into --out")
    parser.add_argument("--out", type=where, default=Path("."), metavar="DIR",
                        help="where --open writes ID-VERSION.pdf and .docx (default: this folder)")
    arguments.templates(parser)
    arguments.data(parser)
    parser.set_defaults(command="history", run=run_history)


def run_history(args) -> int:
    """Run `factsheets history`."""
    file = _file(args)
    if file is None:
        return console.EXIT_USAGE
    if args.open:
        return _open(args, file)
    try:
        store = Store.open(file, Path.cwd())
        catch_up(store, [file])
        versions = store.versions(file)
    except HistoryError as exc:
        return _failed(exc)
    if args.json:
        print(json.dumps([v.as_json() for v in versions], indent=1, ensure_ascii=False))
        return console.EXIT_OK
    for v in versions:
        print(f"{v.version}  {v.when}  {v.who}  ({v.action})")
        for line in v.what:
            print(f"    {line}")
    if not versions:
        print(f"no versions of {display(file)} yet")
    return console.EXIT_OK


def _open(args, file: Path) -> int:
    """Write one version's PDF and Word file into --out."""
    if file.parent.name == "data" and file.parent != _folder(args):
        print(f"factsheets history: error: {args.sheet} is shared data, not a sheet: --open builds a sheet",
              file=sys.stderr)
        return console.EXIT_USAGE
    try:
        store = Store.open(file, Path.cwd())
        found = oldsheet.inputs(store, file, args.open, args.data or _folder(args) / "data", args.templates)
        built = oldsheet.build(found, time_limit=None)
    except oldsheet.OldSheetError as exc:
        print(f"factsheets: error: {exc}\n  hint: its text is still in the history: 'factsheets diff' it with a "
              f"later version, or restore it and fix it", file=sys.stderr)
        return console.EXIT_FAILED
    except HistoryError as exc:
        return _failed(exc)
    targets = {args.out / f"{found.sheet_id}-{found.version}.{fmt}": built[fmt] for fmt in oldsheet.FORMATS}
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        write_together(targets)
    except OSError as exc:
        print(f"factsheets: error: cannot write into {display(args.out)}: {exc.strerror or exc}\n"
              f"  hint: pass --out with a folder you can write to", file=sys.stderr)
        return console.EXIT_FAILED
    for target in targets:
        print(f"wrote {display(target)}")
    if found.today:
        print(f"  note: {', '.join(found.today)} had no recorded version then: today's figures were used")
    return console.EXIT_OK


def add_diff(commands) -> None:
    """Add `factsheets diff`."""
    parser = commands.add_parser(
        "diff", help="compare two versions of a sheet, as a Word document with tracked changes",
        description="Compare versions A and B (ids from 'factsheets history') of a sheet: print the "
                    "fields that changed, old → new, and with --docx write a Word document whose "
                    "differences are tracked changes signed by the author of each change, to "
                    "accept or reject in Word's Review pane.")
    _common(parser)
    parser.add_argument("a", metavar="A", help="the older version's id")
    parser.add_argument("b", metavar="B", help="the newer version's id")
    parser.add_argument("--docx", type=where, default=None, metavar="FILE", help="write the redline here")
    parser.set_defaults(command="diff", run=run_diff)


def run_diff(args) -> int:
    """Run `factsheets diff`."""
    file = _file(args)
    if file is None:
        return console.EXIT_USAGE
    try:
        store = Store.open(file, Path.cwd())
        a, b = store.resolve(file, args.a), store.resolve(file, args.b)
        found = compare.field_changes(store, file, a, b)
        first, second = compare.signed(store, a), compare.signed(store, b)
    except HistoryError as exc:
        return _failed(exc)
    for change in found:
        print(f"{change.name}: {change.old if change.old is not None else '(none)'} → "
              f"{change.new if change.new is not None else '(none)'}  [{change.by.author}]")
    if args.docx:
        title = (f"{args.sheet}: version {a[:12]} ({first.author}, {first.date}) compared with "
                 f"version {b[:12]} ({second.author}, {second.date})")
        write_atomic(args.docx, redline.document(title, found))
        print(f"wrote {display(args.docx)}: {redline.count(found)} tracked changes in {len(found)} fields")
    return console.EXIT_OK


def add_restore(commands) -> None:
    """Add `factsheets restore`."""
    parser = commands.add_parser(
        "restore", help="make an earlier version of a sheet the current one (a new version)",
        description="Write the text a sheet had in VERSION back as a new version, after the "
                    "same checks as 'factsheets check'; nothing in the history is rewritten or "
                    "deleted. Build afterwards to publish it.")
    _common(parser)
    parser.add_argument("version", metavar="VERSION", help="the version's id, from 'factsheets history'")
    arguments.templates(parser)
    arguments.data(parser)
    parser.set_defaults(command="restore", run=run_restore)


def run_restore(args) -> int:
    """Run `factsheets restore`."""
    file = _file(args)
    if file is None:
        return console.EXIT_USAGE
    try:
        store = Store.open(file, Path.cwd())
        commit, text = restore.old_text(store, file, args.version)
    except HistoryError as exc:
        return _failed(exc)
    found = restore.problems(file, text, args.templates, args.data or _folder(args) / "data")
    if found:
        console.print_all(found)
        print(f"factsheets: nothing restored: version {args.version} of {display(file)} does not pass the checks "
              "above", file=sys.stderr)
        return console.EXIT_FAILED
    try:
        with recording([file], local(Path.cwd()), "restore", Path.cwd(), note=f"version {commit[:12]}"):
            write_atomic(file, text)
    except HistoryError as exc:
        return _failed(exc)
    print(f"restored {display(file)} to version {commit[:12]}, as a new version")
    return console.EXIT_OK


def add_clearance(commands) -> None:
    """Add `factsheets clearance`."""
    parser = commands.add_parser(
        "clearance", help="a sheet's clearance: where it stands; send it, clear it or return it",
        description="Show where a draft stands (draft, in clearance, cleared, published), who "
                    "cleared its current version and whose clearances are missing; or, as you "
                    "(your git identity, else your login name): send it for clearance, clear it, "
                    "or return it with a comment. Who must clear each layout is set in "
                    "factsheets.toml's [clearance] table; a change to the sheet withdraws the "
                    "clearances given before it. See docs/history.md.")
    _common(parser)
    parser.add_argument("step", nargs="?", choices=clearance.ACTIONS, metavar="STEP",
                        help="send, clear or return (default: only show where it stands)")
    parser.add_argument("--comment", default="", metavar="TEXT", help="a comment, kept in the history "
                                                                      "(required to return)")
    parser.set_defaults(command="clearance", run=run_clearance)


def run_clearance(args) -> int:
    """Run `factsheets clearance`."""
    file = _file(args)
    if file is None:
        return console.EXIT_USAGE
    try:
        store = Store.open(file, Path.cwd())
        catch_up(store, [file])
        if args.step:
            clearance.act(store, file, local(Path.cwd()), args.step, args.comment)
        found = clearance.state(store, file, clearance.rules(Path.cwd()))
    except HistoryError as exc:
        return _failed(exc)
    print(f"{args.sheet}: {found.stage}")
    for who, comment in found.cleared:
        print(f"  cleared by {who}" + (f": {comment}" if comment else ""))
    if found.returned:
        print(f"  returned by {found.returned[0]}: {found.returned[1]}")
    if found.off:
        print("  clearance is turned off in factsheets.toml: anyone may publish")
    elif found.rule is None:
        print("  this layout needs no clearance (factsheets.toml's [clearance] names none for it)")
    elif found.missing:
        print(f"  missing: {', '.join(found.missing)}")
    return console.EXIT_OK


def _folder(args) -> Path:
    """Return the records' folder."""
    if args.sources:
        return args.sources
    first = args.paths[0] if args.paths else Path("sources")
    return first if first.is_dir() else first.parent


def _file(args) -> Path | None:
    """Return the file of the sheet (or shared-data file) named; None, with a message, when there is none."""
    folder = _folder(args)
    found = [f for f in discover([folder]) if f.stem == args.sheet]
    data = folder / "data" / f"{args.sheet}.yaml"
    if found:
        return found[0]
    if data.is_file():
        return data
    print(f"factsheets {args.command}: error: no sheet '{args.sheet}' in {display(folder)}\n"
          f"  hint: use a record's file name without .yaml (see 'factsheets build --verbose' for the sheets)",
          file=sys.stderr)
    return None


def _failed(exc: HistoryError) -> int:
    """Print why the history could not be read or kept."""
    print(f"factsheets: error: {exc}\n  hint: see docs/history.md", file=sys.stderr)
    return console.EXIT_USAGE


def recorded(files: list[Path], action: str, write, note: str = ""):
    """Run a command's write of `files` inside a history recording and return what it returned; warn when
    the history cannot be kept (the write stands)."""
    if not files:
        return write()
    done = None
    try:
        with recording(files, local(Path.cwd()), action, Path.cwd(), note):
            done = write()
    except HistoryError as exc:
        print(f"factsheets: warning: written, but not recorded in the history: {exc}\n"
              f"  hint: see docs/history.md", file=sys.stderr)
    return done


def noted(file: Path, action: str, note: str = "") -> None:
    """Record a command's step that writes no file (a held change rejected) in the file's history; warn when
    the history cannot be kept (the step stands)."""
    from ..history.record import noted as note_of

    try:
        note_of(file, local(Path.cwd()), action, Path.cwd(), note)
    except HistoryError as exc:
        print(f"factsheets: warning: done, but not recorded in the history: {exc}\n"
              f"  hint: see docs/history.md", file=sys.stderr)
