"""The commands that make and inspect what a project holds: figures, new, import, schema, init, layouts."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from ..authoring import catalog
from ..base.errors import RecordError, printable
from ..base.paths import display
from ..builder.recipe import Options
from ..figures import shared as data
from ..figures import staleness
from . import arguments, console, history
from .arguments import MAX_STALE_MONTHS, where, whole


def add_figures(commands) -> None:
    """Add `factsheets figures`."""
    parser = commands.add_parser(
        "figures", help="list the shared figures: value, as-of date, staleness, the sheets printing each",
        description="List the figures of the shared-data folder with their value, as-of "
                    "date and staleness, and the sheets that printed each in their last "
                    "build (from <out>/manifest.json). NAME picks one figure "
                    "(data.unodc.laos_opium_ha, or laos_opium_ha) or one file (unodc).")
    arguments.reporting(parser)
    parser.add_argument("name", nargs="?", metavar="NAME", help="a figure or data file (default: all)")
    parser.add_argument("--data", type=where, default=Path("sources/data"), metavar="DIR",
                        help="shared-data folder (default: sources/data)")
    parser.add_argument("--out", type=where, default=Path("output"), metavar="DIR",
                        help="output folder whose manifest names the sheets (default: output)")
    parser.add_argument("--stale-months", type=whole(1, MAX_STALE_MONTHS), default=18, metavar="N",
                        help="a figure whose as_of is more than N months old is stale (default: 18)")
    parser.add_argument("--json", action="store_true", help="print JSON, for scripts")
    parser.set_defaults(command="figures", run=run_figures)


def run_figures(args) -> int:
    """Run `factsheets figures`."""
    dataset = data.load(args.data, display(args.data))
    since = staleness.cutoff(dt.date.today(), args.stale_months)
    found = catalog.entries(dataset, args.out, since, args.name)
    console.print_all(dataset.diagnostics)
    if args.json:
        print(json.dumps(found, indent=1, ensure_ascii=False))
    else:
        print("\n".join(catalog.text(entry, args.stale_months) for entry in found) or "no shared figures")
    return console.EXIT_FAILED if dataset.diagnostics else console.EXIT_OK


def add_new(commands) -> None:
    """Add `factsheets new`."""
    parser = commands.add_parser(
        "new", help="start a record from a layout's example, ready to fill in",
        description="Write a new record file from the example kept in the layout's "
                    "folder: required fields hold <<placeholders>> that fail 'check' "
                    "until replaced, optional ones are commented out with a line "
                    "saying what each is for. Never overwrites a file.")
    arguments.reporting(parser)
    parser.add_argument("layout", metavar="LAYOUT", help="the layout (see 'factsheets layouts')")
    parser.add_argument("target", type=where, metavar="PATH", help="the new record file, e.g. sources/cambodia.yaml")
    arguments.templates(parser)
    parser.set_defaults(command="new", run=run_new)


def run_new(args) -> int:
    """Run `factsheets new`."""
    from ..authoring.starter import new_record

    history.recorded([args.target], "new", lambda: new_record(args.templates, args.layout, args.target, Path.cwd()))
    print(f"wrote {display(args.target)} from the {args.layout} example: replace each <<…>>, then run "
          f"factsheets check {display(args.target)}")
    return console.EXIT_OK


def add_import(commands) -> None:
    """Add `factsheets import` and what it imports: `import figures`, `import page`, `import docx`."""
    parser = commands.add_parser(
        "import", help="bring figures from a spreadsheet, a record from a web page, or Word edits back",
        description="Import figures from a CSV or Excel file into a shared-data file, "
                    "a record from a Department web page saved as text or HTML, "
                    "or the edits of a sheet edited in Word back into its record.")
    arguments.reporting(parser)
    what = parser.add_subparsers(title="what", metavar="WHAT")
    _add_import_figures(what)
    _add_import_page(what)
    _add_import_docx(what)
    parser.set_defaults(command="import", run=lambda args: (parser.print_help(), console.EXIT_USAGE)[1])


def _add_import_figures(what) -> None:
    """Add `factsheets import figures`."""
    parser = what.add_parser(
        "figures", help="figures from a .csv or .xlsx file into sources/data/NAME.yaml",
        description="Read a spreadsheet whose first row names the columns figure, year, "
                    "value, unit, source, as_of and label (figure and value required; "
                    "one row per figure and year, no year for a single number), and "
                    "show what importing it would change: each value old → new and each "
                    "sheet's printed numbers old → new (against the last build in --out). "
                    "Nothing is written without --write; then the data file keeps its "
                    "comments and order. A bad cell is refused with its sheet, row and "
                    "column.")
    arguments.reporting(parser)
    parser.add_argument("file", type=where, metavar="FILE", help="the .csv (UTF-8) or .xlsx file")
    parser.add_argument("--into", type=where, required=True, metavar="DATAFILE",
                        help="the shared-data file to update or create, e.g. sources/data/unodc.yaml")
    parser.add_argument("--sheet", metavar="NAME", help="the Excel worksheet (default: the first)")
    parser.add_argument("--write", action="store_true", help="apply the import (default: only show it)")
    arguments.templates(parser)
    parser.add_argument("--records", type=where, default=Path("sources"), metavar="DIR",
                        help="the records whose sheets are compared (default: sources)")
    parser.add_argument("--out", type=where, default=Path("output"), metavar="DIR",
                        help="output folder of the last build, to compare with (default: output)")
    parser.set_defaults(command="import figures", run=run_import_figures)


def run_import_figures(args) -> int:
    """Run `factsheets import figures`: show the change, and with --write apply it."""
    from ..authoring.figureimport import import_figures

    try:
        plan = import_figures(args.file, args.into, args.sheet, Options(
            templates=args.templates, out=args.out, data=args.into.parent), args.records)
    except RecordError as exc:
        console.print_all(exc.diagnostics)
        return console.EXIT_FAILED
    console.print_all([d for o in plan.report.outcomes for d in o.diagnostics])
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
        return console.EXIT_FAILED if plan.report.failed else console.EXIT_OK
    history.recorded([plan.target], "import", plan.apply)
    print(f"factsheets: wrote {name} ({len(plan.changed)} value changes); run factsheets build to "
          f"rebuild the sheets")
    return console.EXIT_FAILED if plan.report.failed else console.EXIT_OK


def _add_import_page(what) -> None:
    """Add `factsheets import page`."""
    parser = what.add_parser(
        "page", help="a record skeleton from a Department web page saved as text or HTML",
        description="Make a record from a saved web page (.txt, or .html/.htm): site "
                    "chrome is left out and listed in comments at the end, run-in "
                    "labels ('Challenges:', 'Alternative Development.') and bullets are "
                    "recognised, and numbers that look like figures are named in a "
                    "comment above their field. Required fields the page lacks are "
                    "<<placeholders>> that fail 'check' until filled in.")
    arguments.reporting(parser)
    parser.add_argument("file", type=where, metavar="FILE", help="the saved page")
    parser.add_argument("--layout", required=True, metavar="LAYOUT", help="the layout (see 'factsheets layouts')")
    parser.add_argument("--into", type=where, metavar="PATH",
                        help="write the record here (never overwrites; default: print it)")
    arguments.templates(parser)
    parser.set_defaults(command="import page", run=run_import_page)


def run_import_page(args) -> int:
    """Run `factsheets import page`."""
    from ..authoring.pageimport import import_page
    from ..authoring.starter import write_new

    text = import_page(args.file, args.layout, _load_layouts(args.templates), display(args.file))
    if args.into is None:
        sys.stdout.write(text)
        return console.EXIT_OK
    history.recorded([args.into], "import", lambda: write_new(args.into, text))
    print(f"wrote {display(args.into)} from {display(args.file)}: read it against the page, replace each "
          f"<<…>>, then run factsheets check {display(args.into)}")
    return console.EXIT_OK


def _add_import_docx(what) -> None:
    """Add `factsheets import docx`."""
    parser = what.add_parser(
        "docx", help="a sheet edited in Word, back into its record",
        description="Read a .docx that factsheets built and someone edited in Word, find "
                    "the record and version it was made from, and show each edit as a "
                    "change to the record: a title or a section's text reworded, a bullet "
                    "added or removed, bold or a link added. Numbers printed from figures "
                    "stay figures: a changed one is reported (--update-figures writes it "
                    "into its shared-data file). Tracked changes are listed as proposals, "
                    "taken only with --accept; comments are listed with the text they "
                    "mark; what cannot go into the record is listed. Nothing is written "
                    "without --write. See docs/word-round-trip.md.")
    arguments.reporting(parser)
    parser.add_argument("file", type=where, metavar="FILE", help="the edited .docx")
    parser.add_argument("--into", type=where, metavar="RECORD",
                        help="the record it came from (default: found from the file's hidden marks or text)")
    parser.add_argument("--accept", default="none", metavar="WHICH",
                        help="tracked changes to take: none (default), all, or their numbers as listed: 1,3")
    parser.add_argument("--update-figures", action="store_true",
                        help="also write changed figure numbers into their shared-data files")
    parser.add_argument("--write", action="store_true", help="apply the changes (default: only show them)")
    arguments.templates(parser)
    parser.add_argument("--out", type=where, default=Path("output"), metavar="DIR",
                        help="output folder of the builds, whose maps say what each sheet printed (default: output)")
    parser.add_argument("--data", type=where, default=Path("sources/data"), metavar="DIR",
                        help="the shared-data folder (default: sources/data)")
    parser.set_defaults(command="import docx", run=run_import_docx)


def run_import_docx(args) -> int:
    """Run `factsheets import docx`: show the edits as record changes, and with --write apply them."""
    from ..authoring.docximport import import_docx

    try:
        plan = import_docx(args.file, Options(templates=args.templates, out=args.out, data=args.data),
                           args.into, args.accept, args.update_figures)
    except RecordError as exc:
        console.print_all(exc.diagnostics)
        return console.EXIT_FAILED
    name = display(plan.record)
    print(f"{display(args.file)} was made from {name} (sheet {plan.record_id})")
    for title, lines in (("note", plan.notes), ("changes to the record", plan.changes),
                         ("figures", plan.figures), ("tracked changes (proposals)", plan.proposals),
                         ("comments", plan.comments), ("not taken (do these by hand)", plan.unmapped)):
        if lines:
            print(f"{title}:")
            print("\n".join(f"  {printable(line)}" for line in lines))
    if not plan.changes and not plan.figure_updates:
        print(f"factsheets: no change to {name}")
        return console.EXIT_OK
    if not args.write:
        print(f"factsheets: nothing written; run again with --write to update {name}")
        return console.EXIT_OK
    history.recorded([plan.record, *sorted(plan.figure_updates)], "import", plan.apply, "from Word")
    written = [name] if plan.text is not None else []
    written += [display(path) for path in sorted(plan.figure_updates)]
    print(f"factsheets: wrote {', '.join(written)}; run factsheets build to rebuild the sheets")
    return console.EXIT_OK


def add_schema(commands) -> None:
    """Add `factsheets schema`."""
    parser = commands.add_parser(
        "schema", help="print the JSON Schema of records, for editors such as VS Code",
        description="Print a JSON Schema (draft-07) of the record format for the layouts "
                    "in --templates: field names, kinds, and per layout the fields it needs "
                    "and prints. yaml-language-server (VS Code's YAML extension) reads it to "
                    "complete field names and underline mistakes while typing; 'factsheets "
                    "new' points each record at the project's factsheets.schema.json.")
    arguments.reporting(parser)
    arguments.templates(parser)
    parser.add_argument("--output", "-o", type=where, metavar="FILE",
                        help="write it to FILE (e.g. factsheets.schema.json) instead of printing it")
    parser.set_defaults(command="schema", run=run_schema)


def run_schema(args) -> int:
    """Run `factsheets schema`."""
    from ..authoring.editorschema import text

    schema = text(_load_layouts(args.templates))
    if args.output is None:
        sys.stdout.write(schema)
    else:
        from ..base.output import write_atomic
        write_atomic(args.output, schema.encode("utf-8"))
        print(f"wrote {display(args.output)}")
    return console.EXIT_OK


def add_init(commands) -> None:
    """Add `factsheets init`."""
    parser = commands.add_parser(
        "init", help="make a new project folder from the layouts shipped with the program",
        description="Make a new project in DIR (new or empty): sources/ and sources/data/ "
                    "for records and shared figures, templates/ with the layouts shipped "
                    "inside the program, output/, a factsheets.toml (so every command works "
                    "from any folder of the project), factsheets.schema.json and .vscode/ "
                    "settings (the schema for records, a 'factsheets: check' task whose "
                    "problems show at their lines, the YAML extension recommended).")
    arguments.reporting(parser)
    parser.add_argument("folder", type=where, metavar="DIR", help="the new project's folder")
    parser.set_defaults(command="init", run=run_init)


def run_init(args) -> int:
    """Run `factsheets init`."""
    from ..authoring.editorschema import text
    from ..authoring.project import default_layouts, init

    init(args.folder, text(_load_layouts(default_layouts())))
    shown_as = display(args.folder)
    print(f"made the project {shown_as}: add records with factsheets new LAYOUT {shown_as}/sources/NAME.yaml "
          f"(layouts: factsheets layouts), then run factsheets build in it")
    return console.EXIT_OK


def add_layouts(commands) -> None:
    """Add `factsheets layouts`."""
    parser = commands.add_parser(
        "layouts", help="list the layouts, the record fields each prints, their fixed headings, and which are internal")
    arguments.reporting(parser)
    arguments.templates(parser)
    parser.set_defaults(command="layouts", run=run_layouts)


def run_layouts(args) -> int:
    """Run `factsheets layouts`."""
    for name, layout in _load_layouts(args.templates).items():
        print(f"{name}\n  {layout.description}")
        print(f"  requires: {', '.join(layout.requires) or '(only title)'}")
        print(f"  prints: {', '.join(layout.prints)}")
        if layout.headings:
            print(f"  headings, in this order: {'; '.join(layout.headings)}")
        if layout.classified:
            print("  internal: a classification banner on every page; portion marks on every paragraph")
    return console.EXIT_OK


def _load_layouts(templates: Path) -> dict:
    """Load every layout; imported only by the commands that need one (Jinja2 is slow to import)."""
    from ..layouts.loader import load_layouts

    return load_layouts(templates)
