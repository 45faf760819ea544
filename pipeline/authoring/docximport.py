"""`factsheets import docx`: a sheet edited in Word, read back into its record.

The Word file is read safely (docxread.py), matched to the record and version it was built from (its
hidden bookmarks, else its text, against output/.map/), compared with what that build printed
(docxdiff.py), and the changes are written into the record with a round-trip YAML writer: only the
fields that changed are rewritten; comments, key order and every other line stay as typed. Numbers
printed from figures stay references; changed ones are offered as figure updates. Tracked changes are
proposals, taken only when accepted one by one; comments are listed with the text they mark.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..base import confine
from ..base.errors import Diagnostic, Location, RecordError
from ..base.paths import display
from ..document import anchors
from . import docxdiff, docxread

MAX_MAP = 8 * 1024 * 1024
MAX_MAPS = 5000
WIDTH = 100  # a rewritten paragraph is folded at about this many characters, as the samples are
_STEP = re.compile(r"([A-Za-z_]+)|\[(\d+)\]")


@dataclass
class Plan:
    """What an import would do: the record's new text, the changes in plain words, and what is left to people."""

    source: Path  # the Word file
    record: Path
    record_id: str
    text: str | None  # the record's new text; None when nothing in it changes
    changes: list[str]
    figures: list[str]
    proposals: list[str]
    comments: list[str]
    unmapped: list[str]
    notes: list[str] = field(default_factory=list)
    figure_updates: dict = field(default_factory=dict)  # data file -> {figure: {year: value}}

    def apply(self) -> None:
        """Write the record, then each data file updated, each in one step (the old stays whole if that fails)."""
        from ..base.output import write_atomic
        if self.text is not None:
            write_atomic(_real(self.record), self.text.encode("utf-8"))
        for path, text in sorted(self.figure_updates.items()):
            write_atomic(_real(path, must_exist=False), text.encode("utf-8"))


def _real(path: Path, must_exist: bool = True) -> Path:
    """Return a project file the import reads or writes, by the rule of every project file: never through a link."""
    try:
        return confine.real_file(path, path.parent, must_exist=must_exist)
    except confine.NotARealFile as exc:
        raise RecordError([Diagnostic(Location(display(path)), exc.reason, exc.hint)]) from None


def import_docx(file: Path, opts, into: Path | None, accept: str, update_figures: bool = False) -> Plan:
    """Return the plan of reading `file` back into its record; RecordError when it cannot be."""
    shown = display(file)
    try:
        edited = docxread.read(file)
    except docxread.Refused as exc:
        raise RecordError([Diagnostic(Location(shown), f"cannot import this Word file: {exc}",
                                      "import a .docx that factsheets built and someone edited in Word")]) from None
    versions = sorted({v for p in edited.paragraphs for b in p.bookmarks if (v := anchors.version_of(b))})
    notes: list[str] = []
    sheet, record = _sheet_for(edited, versions, opts, into, notes, shown)
    accepted, everything = _accepted(accept, len(edited.changes), shown)
    diff = docxdiff.compare(sheet, edited, accepted, everything)
    if diff.lost_anchors:
        notes.append(f"{diff.lost_anchors} paragraph(s) had lost their hidden bookmark and were matched by text")
    old_text = _real(record).read_text(encoding="utf-8")
    text, changes, conflicts = merged_record(old_text, sheet, diff)
    unmapped = diff.unmapped + conflicts
    if text is not None:
        _check(text, record, opts)
    plan = Plan(file, record, sheet["id"], text if text != old_text else None, changes,
                _figure_lines(diff, sheet, opts), _proposals(edited, accepted, everything),
                _comments(edited), unmapped, notes)
    if update_figures:
        plan.figure_updates, refused = figure_updates(diff, opts.data)
        plan.unmapped.extend(refused)
    return plan


def figure_updates(diff: docxdiff.Diff, folder: Path) -> tuple[dict[Path, str], list[str]]:
    """Return the shared-data files' new texts for the changed figure numbers that can be read as numbers."""
    from .figureimport import Figure, merged_text

    wanted: dict[Path, dict[str, Figure]] = {}
    refused = []
    for edit in diff.figures:
        value = number_typed(edit.new)
        named = re.fullmatch(r"data\.([a-z0-9_]+)\.([A-Za-z0-9_]+)", edit.figure or "")
        if value is None or named is None:
            refused.append(f"the figure number “{edit.new}” (was {edit.old}) cannot be written into "
                           f"{edit.figure or 'the figure'} as it is typed; update the figure by hand")
            continue
        figures = wanted.setdefault(folder / f"{named.group(1)}.yaml", {})
        figure = figures.setdefault(named.group(2), Figure(named.group(2)))
        figure.values[edit.year] = value
    out = {}
    for path, figures in wanted.items():
        old = _real(path, must_exist=False).read_text(encoding="utf-8") if path.exists() else ""
        out[path] = merged_text(old, figures)[0]
    return out, refused


def number_typed(text: str) -> int | float | None:
    """Return the number a person typed where a figure stood ("6,100", "$1,984,000"), or None."""
    bare = text.strip().lstrip("$€£").replace(",", "").strip()
    if not re.fullmatch(r"-?\d+(\.\d+)?", bare):
        return None
    return float(bare) if "." in bare else int(bare)


def _sheet_for(edited, versions, opts, into, notes, shown):
    """Return the map the file was built from and its record file; RecordError when none fits."""
    maps = _maps(opts.out)
    if into is not None:
        wanted = display(into)
        candidates = [m for m in maps if m.get("record") == wanted or m.get("id") == into.stem]
    else:
        candidates = [m for m in maps if m.get("version") in versions]
        if not candidates:
            candidates = _by_text(maps, edited)
            if candidates:
                notes.append(f"the Word file carries no version mark; it was matched by its text to "
                             f"{candidates[0]['record']}")
    chosen = next((m for m in candidates if m.get("version") in versions), candidates[0] if candidates else None)
    record = into if into is not None else (Path(chosen["record"]) if chosen else None)
    if record is None or not record.is_file():
        raise RecordError([Diagnostic(Location(shown), "cannot tell which record this Word file was made from"
                                      + ("" if record is None else f" ({display(record)} is not there)"),
                                      "name it: factsheets import docx FILE --into sources/RECORD.yaml")])
    current = _current_map(record, opts)
    if chosen is None or (versions and chosen.get("version") not in versions and
                          current["version"] in versions):
        chosen = current
    if versions and chosen["version"] not in versions:
        notes.append("this Word file was made from another version of the sheet than the last build; "
                     "changes are compared with the sheet as the record prints it now, so check them")
    elif chosen["version"] != current["version"]:
        notes.append("the record was changed since this Word file was made; a field changed in both is "
                     "listed, not overwritten")
    return chosen, record


def _maps(out: Path) -> list[dict]:
    """Return the maps the last builds kept (output/.map/*.json); unreadable ones are skipped."""
    folder = out / ".map"
    found = []
    for path in sorted(folder.glob("*.json"))[:MAX_MAPS] if folder.is_dir() else []:
        try:
            if path.stat().st_size > MAX_MAP:
                continue
            sheet = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(sheet, dict) and sheet.get("format") == 1:
            found.append(sheet)
    return found


def _by_text(maps: list[dict], edited) -> list[dict]:
    """Return the maps whose paragraphs the edited file holds most of (at least a third), best first."""
    texts = {" ".join(p.text().split()) for p in edited.paragraphs}
    scored = []
    for sheet in maps:
        own = [" ".join("".join(r[0] for r in p["runs"]).split()) for p in sheet["paragraphs"]]
        own = [t for t in own if len(t) > 20] or own
        if own:
            score = sum(t in texts for t in own) / len(own)
            if score >= 1 / 3:
                scored.append((-score, sheet["record"], sheet))
    return [s for _, _, s in sorted(scored, key=lambda x: x[:2])]


def _current_map(record: Path, opts) -> dict:
    """Return the map of the record as it is now (rendered, not written)."""
    from ..figures import shared
    from ..layouts.loader import load_layouts
    from ..records import schema
    from ..records.yamlload import parse_bytes
    from ..render import provenance
    from ..render.sheet import render_document

    shown = display(record)
    layouts = load_layouts(opts.templates)
    dataset = shared.load(opts.data, display(opts.data))
    parsed = schema.validate(parse_bytes(_real(record).read_bytes(), shown), record, shown, layouts)
    doc = render_document(parsed, layouts[parsed.layout], dataset.scope(None))
    return provenance.sheet_map(parsed, doc, dataset.scope(None), shown)


def _check(text: str, record: Path, opts) -> None:
    """Refuse a new record text that would not build (RecordError naming the record)."""
    from ..figures import shared
    from ..layouts.loader import load_layouts
    from ..records import schema
    from ..records.yamlload import parse_bytes
    from ..render.sheet import render_document

    shown = display(record)
    layouts = load_layouts(opts.templates)
    dataset = shared.load(opts.data, display(opts.data))
    try:
        parsed = schema.validate(parse_bytes(text.encode("utf-8"), shown), record, shown, layouts)
        render_document(parsed, layouts[parsed.layout], dataset.scope(None))
    except RecordError as exc:
        raise RecordError([Diagnostic(d.location, f"the Word edits would make the record invalid: {d.message}",
                                      "nothing was written; make this change in the record by hand")
                           for d in exc.diagnostics]) from None


def _accepted(accept: str, count: int, shown: str) -> tuple[frozenset[int], bool]:
    """Return the tracked changes to take: 'none', 'all', or numbers as listed ('1,3')."""
    accept = (accept or "none").strip().lower()
    if accept in ("none", ""):
        return frozenset(), False
    if accept == "all":
        return frozenset(), True
    try:
        numbers = {int(part) for part in accept.split(",") if part.strip()}
    except ValueError:
        numbers = set()
    if not numbers or not all(1 <= n <= count for n in numbers):
        raise RecordError([Diagnostic(Location(shown), f"--accept {accept!r}: the file has {count} tracked "
                                      "change(s), numbered from 1",
                                      "run without --write to see them, then --accept 1,3 or all or none")])
    return frozenset(n - 1 for n in numbers), False


def _proposals(edited, accepted, everything) -> list[str]:
    """Return one line per tracked change: its number, who proposed it, what, and whether it is taken."""
    out = []
    for change in edited.changes:
        if not change.text and change.kind != "insert":
            continue
        taken = everything or change.n in accepted
        what = f"insert “{docxdiff._short(change.text, 70)}”" if change.kind == "insert" else \
            f"delete “{docxdiff._short(change.text, 70)}”"
        if not change.text:
            what = "a paragraph break inserted"
        out.append(f"{change.n + 1}. {change.author}{' on ' + change.date if change.date else ''}: {what} "
                   f"— {'accepted' if taken else 'not taken (accept it with --accept ' + str(change.n + 1) + ')'}")
    return out


def _comments(edited) -> list[str]:
    """Return one line per Word comment, with the text it is attached to."""
    return [f"{c.author} on “{docxdiff._short(c.anchored, 60) or '(a place, no text)'}”: {c.text}"
            for c in edited.comments]


def _figure_lines(diff, sheet: dict, opts) -> list[str]:
    """Return one line per changed figure number, naming the figure and how many other sheets print it."""
    lines = []
    maps = _maps(opts.out)
    for edit in diff.figures:
        name = edit.figure or edit.reference
        others = sum(1 for m in maps if m.get("id") != sheet["id"] and any(
            f.get("figure") == edit.figure and f.get("year") == edit.year
            for p in m["paragraphs"] for s in p["fields"] for f in s["figures"]))
        year = f" {edit.year}" if edit.year is not None else ""
        also = f" (also printed by {others} other sheet{'s' if others != 1 else ''})" if others else ""
        typed = f"to {edit.new}" if edit.new.strip() else "(deleted it)"
        lines.append(f"you changed {edit.old} {typed} where the sheet prints {name}{year}{also}, in "
                     f"{docxdiff._field_words(edit.field)}: the record keeps the figure; to change the number, "
                     f"update the figure" + (f" in sources/data/{name.split('.')[1]}.yaml (factsheets import "
                                               f"figures, or the workspace's figures table)"
                                               if name.startswith("data.") else " in the record's figures"))
    return lines


def merged_record(text: str, sheet: dict, diff: docxdiff.Diff) -> tuple[str | None, list[str], list[str]]:
    """Return the record's new text, the changes made (plain words) and the ones refused as conflicts."""
    from ruamel.yaml import YAML

    yaml = _yaml(text, YAML)
    root = yaml.load(text)
    changes, conflicts = [], []
    originals = _originals(sheet)
    for name, entry in sorted(diff.fields.items()):
        try:
            parent, key = _locate(root, name)
            current = parent[key]
        except (KeyError, IndexError, TypeError):
            conflicts.append(f"{docxdiff._field_words(name)}: not in the record any more; the Word edit was not taken")
            continue
        sources = originals.get(name, [])
        if not sources or any(s == "" for s in sources) or _paragraphs(str(current)) != [s.strip() for s in sources]:
            conflicts.append(f"{docxdiff._field_words(name)} was changed in the record since the Word file was "
                             f"made, and in Word ({'; '.join(entry.words)}): copy the Word edit by hand")
            continue
        block = type(current).__name__ == "LiteralScalarString"
        parent[key] = _scalar(current, _joined(sources, entry, block))
        changes.extend(f"{docxdiff._field_words(name)}: {words}" for words in entry.words)
    # From the last entry back, so the indexes still ahead stay true; new entries after the same one
    # are put in last first, so they keep the order they were typed in.
    ordered = sorted(enumerate(diff.lists), key=lambda n_e: (n_e[1].field, -n_e[1].index, n_e[1].source is None,
                                                             -n_e[0]))
    for _, edit in ordered:
        try:
            parent, key = _locate(root, edit.field)
            listed = parent[key]
        except (KeyError, IndexError, TypeError):
            conflicts.append(f"{edit.words}: the list is not in the record any more")
            continue
        if edit.source is None:
            if edit.index < len(listed):
                del listed[edit.index]
                changes.append(edit.words)
        else:
            sample = listed[0] if len(listed) else ""
            listed.insert(edit.index + 1, _scalar(sample, edit.source))
            changes.append(edit.words)
    if not changes:
        return None, changes, conflicts
    out = io.StringIO()
    yaml.dump(root, out)
    return out.getvalue(), changes, conflicts


def _yaml(text: str, YAML):
    """Return a round-trip YAML that writes this record's unchanged text back byte for byte, if one does."""
    for mapping, sequence, offset in ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (2, 2, 2)):
        yaml = YAML(typ="rt")
        yaml.width = 4096  # never fold a line: diagnostics point at lines
        yaml.preserve_quotes = True
        yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
        out = io.StringIO()
        yaml.dump(yaml.load(text), out)
        if out.getvalue() == text:
            return yaml
    return yaml


def _originals(sheet: dict) -> dict[str, list[str]]:
    """Return each field's source paragraphs as the map recorded them."""
    found: dict[str, dict[int, str]] = {}
    for paragraph in sheet["paragraphs"]:
        for segment in paragraph["fields"]:
            found.setdefault(segment["field"], {})[segment["para"]] = segment["source"]
    return {name: [paras.get(k, "") for k in range(max(paras) + 1)] for name, paras in found.items()}


def _paragraphs(source: str) -> list[str]:
    """Return a field's source split into its paragraphs, as the renderer splits it."""
    from ..render import text as textmod
    return [part.strip() for part in textmod._PARA_BREAK.split(source) if part.strip(" \t\n")]


def _joined(sources: list[str], entry: docxdiff.FieldText, block: bool) -> str:
    """Return a field's new source: changed paragraphs replaced, removed ones left out, added ones put in.

    A `block` (|) value is folded into lines as the record's were; a one-line value stays one line.
    """
    out = list(entry.added.get(-1, []))
    for k, source in enumerate(sources):
        new = entry.paragraphs[k] if k < len(entry.paragraphs) else None
        if new is None:
            out.append(source.strip())
        elif new:
            out.append(refold(source.strip(), new) if block else new)
        out.extend(fold(p) for p in entry.added.get(k, []))
    return "\n\n".join(out)


def _scalar(old, value: str):
    """Return `value` written the way the old value was (a | block, quoted or plain)."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString, SingleQuotedScalarString

    if isinstance(old, LiteralScalarString) or "\n" in value:
        return LiteralScalarString(value + "\n")
    if isinstance(old, DoubleQuotedScalarString):
        return DoubleQuotedScalarString(value)
    if isinstance(old, SingleQuotedScalarString):
        return SingleQuotedScalarString(value)
    return value


def refold(old: str, new: str) -> str:
    """Return a changed paragraph folded so that the lines before and after the change stay as they were."""
    lines = old.split("\n")
    head, rest = [], new
    for line in lines[:-1]:
        piece = line.strip(" \t")
        if rest.startswith(piece + " ") and rest[len(piece) + 1:len(piece) + 2] != " ":
            head.append(line.rstrip(" \t"))
            rest = rest[len(piece) + 1:]
        else:
            break
    tail = []
    for line in reversed(lines[len(head) + 1:]):
        piece = line.strip(" \t")
        if rest.endswith(" " + piece) and rest[:-len(piece) - 1][-1:] != " ":
            tail.insert(0, line.strip(" \t"))
            rest = rest[:-len(piece) - 1]
        else:
            break
    middle = [fold(rest)] if rest else []
    return "\n".join([*head, *middle, *tail])


def fold(text: str, width: int = WIDTH) -> str:
    """Return a paragraph folded at single spaces outside references and links (folding prints as a space)."""
    breaks, depth = [], 0
    for i, ch in enumerate(text):
        if text.startswith("{{", i) or ch == "[":
            depth += 1
        elif (text.startswith("}}", i) or ch == "]") and depth:
            depth -= 1
        elif ch == " " and not depth and 0 < i < len(text) - 1 and text[i - 1] != " " and text[i + 1] != " ":
            breaks.append(i)
    lines, start = [], 0
    while len(text) - start > width:
        fits = [b for b in breaks if start < b <= start + width]
        at = fits[-1] if fits else next((b for b in breaks if b > start), None)
        if at is None:
            break
        lines.append(text[start:at])
        start = at + 1
    lines.append(text[start:])
    return "\n".join(lines)


def _locate(root, name: str):
    """Return (container, key) of a field path in the loaded YAML: 'sections[3].bullets[2]'."""
    steps = [int(n) if n else word for word, n in _STEP.findall(name)]
    node = root
    for step in steps[:-1]:
        node = node[step]
    return node, steps[-1]
