"""What changed between a sheet as built (its map) and the same sheet edited in Word, in record terms.

Paragraphs are paired by their hidden bookmarks (`_fs<N>`), else by text similarity between the
paired ones around them. Each pair's text is compared character by character with its marks; a change
inside one record field becomes that field's new text, with every figure reference kept where its
number stood. A changed number printed from a figure is reported, never typed into the record.
Anything that cannot be put back into a field is listed with where it is, never dropped.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from ..document import anchors
from .docxread import Edited, Para, Piece

SIMILAR = 0.6  # how alike two paragraphs must be to be one paragraph whose bookmark Word lost
_NUMBER = re.compile(r"[$€£]?[0-9][0-9,.]*(?:\s?(?:%|percent|million|billion|thousand))?")
_BULLET_STYLE = re.compile(r"list ?bullet|listbullet|bullet", re.I)


@dataclass
class FieldText:
    """A record field's paragraphs as they should read after the import (record markup, references kept)."""

    field: str
    paragraphs: list[str | None]  # one per printed paragraph: None = unchanged, "" = removed
    added: dict[int, list[str]] = field(default_factory=dict)  # after paragraph k (-1: before all)
    words: list[str] = field(default_factory=list)


@dataclass
class FigureEdit:
    """A number printed from a figure that was changed in Word."""

    figure: str | None
    year: int | None
    old: str
    new: str
    field: str
    reference: str


@dataclass
class ListEdit:
    """A list entry (a bullet, a note) added or removed."""

    field: str  # the list: "sections[3].bullets"
    index: int  # removed: the entry; added: the entry it follows (-1: first)
    source: str | None  # the new entry's text (added), None (removed)
    words: str


@dataclass
class Diff:
    """Every change found, in record terms, and what could not be mapped."""

    fields: dict[str, FieldText] = field(default_factory=dict)
    lists: list[ListEdit] = field(default_factory=list)
    figures: list[FigureEdit] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    lost_anchors: int = 0


def compare(sheet: dict, edited: Edited, accepted=frozenset(), everything: bool = False) -> Diff:
    """Return the changes from the built sheet's map to the edited file (tracked changes in `accepted` taken)."""
    diff = Diff()
    # A paragraph left with no text (emptied, or deleted by a tracked change that is taken) is removed.
    paras = [p for p in edited.paragraphs if p.text(accepted, everything).strip()]
    reshaped, skipped = _reshaped(sheet, edited)
    paras = [p for p in paras if p.table not in reshaped]
    pairs = _pair(sheet, paras, edited, accepted, everything, diff)
    _furniture(sheet, edited, diff)
    _shapes(sheet, edited, diff)
    previous = None
    matched = {m for m, _ in pairs if m is not None} | skipped
    for m, para in pairs:
        if m is None:
            _added(sheet, previous, para.view(accepted, everything), para, diff)
            continue
        previous = m
        _changed(sheet["paragraphs"][m], para.view(accepted, everything), para, diff)
    for m, old in enumerate(sheet["paragraphs"]):
        if m not in matched:
            _removed(sheet, m, old, diff)
    return diff


def _reshaped(sheet: dict, edited: Edited) -> tuple[set[int], set[int]]:
    """Return the edited tables whose shape differs from the built one's, and the map cells they hold.

    Their cells cannot be paired safely (a row added moves every cell after it), so they are left
    out and listed as a whole (see _shapes) rather than read as edits of the wrong cells.
    """
    tables = sheet.get("tables", [])
    if len(tables) != len(edited.tables):
        changed = set(range(len(edited.tables)))
    else:
        changed = {k for k, (t, shape) in enumerate(zip(tables, edited.tables, strict=True))
                   if (t["rows"], t["columns"]) != shape}
    cells = set()
    for k in changed if len(tables) == len(edited.tables) else range(len(tables)):
        t = tables[k]
        cells.update(range(t["cells"], t["cells"] + t["rows"] * t["columns"]))
    return changed, cells


def _pair(sheet, paras: list[Para], edited: Edited, accepted, everything, diff: Diff):
    """Return (map paragraph or None, edited paragraph) in the edited file's order."""
    count = len(sheet["paragraphs"])
    by_bookmark: list[int | None] = []
    seen: set[int] = set()
    cells = {t["first"]: t for t in sheet.get("tables", [])}
    table_of: dict[int, int] = {}  # edited table index -> map paragraph of its first cell
    captioned = None  # a bookmarked caption: its table is the next one
    for para in paras:
        n = next((anchors.paragraph_of(b) for b in para.bookmarks if anchors.paragraph_of(b) is not None), None)
        if n is not None and (n >= count or n in seen):
            n = None  # a copied paragraph carries its original's bookmark: the first keeps it
        if para.table is not None and captioned is not None and para.table not in table_of:
            table_of[para.table], captioned = captioned, None
        if n is not None and n in cells:
            if para.table is not None and para.cell == (0, 0):
                table_of[para.table] = cells[n]["cells"]
            elif para.table is None:
                captioned = cells[n]["cells"]
        by_bookmark.append(n)
        if n is not None:
            seen.add(n)
    for i, para in enumerate(paras):  # cells after a table's bookmarked first cell follow it in order
        if by_bookmark[i] is None and para.table in table_of and para.cell is not None:
            shape = next(t for t in sheet["tables"] if t["cells"] == table_of[para.table])
            r, c = para.cell
            n = table_of[para.table] + r * shape["columns"] + c
            if c < shape["columns"] and r < shape["rows"] and n not in seen:
                by_bookmark[i] = n
                seen.add(n)
    texts = [_plain(p) for p in sheet["paragraphs"]]
    out, last = [], -1
    for i, para in enumerate(paras):
        n = by_bookmark[i]
        if n is None:
            following = next((by_bookmark[j] for j in range(i + 1, len(paras)) if by_bookmark[j] is not None),
                             count)
            n = _similar(para.text(accepted, everything), texts, last, following, seen)
            if n is not None:
                seen.add(n)
                diff.lost_anchors += 1
        if n is not None:
            last = max(last, n)
        out.append((n, para))
    return out


def _similar(text: str, texts: list[str], after: int, before: int, taken: set[int]) -> int | None:
    """Return the free map paragraph between `after` and `before` most like `text`, if alike enough."""
    best, score = None, SIMILAR
    for n in range(after + 1, min(before, len(texts))):
        if n in taken:
            continue
        ratio = difflib.SequenceMatcher(None, texts[n], text, autojunk=False).ratio()
        if ratio >= score:
            best, score = n, ratio
    return best


def _plain(paragraph: dict) -> str:
    """Return a map paragraph's text."""
    return "".join(run[0] for run in paragraph["runs"])


def _chars(runs) -> list[tuple]:
    """Return a paragraph as (character, bold, italic, link) tuples."""
    return [(ch, bool(b), bool(i), h) for text, b, i, h in runs for ch in text]


def _edited_chars(pieces: list[Piece]) -> list[tuple]:
    """Return edited pieces as (character, bold, italic, link) tuples."""
    return [(ch, p.bold, p.italic, p.href) for p in pieces for ch in p.text]


def _where(paragraph: dict) -> str:
    """Return how a map paragraph is named to a person: its field, or its opening words."""
    fields = paragraph["fields"]
    name = _field_words(fields[-1]["field"]) if fields else "text the layout prints"
    return f"{name} (“{_short(_plain(paragraph))}”)"


def _short(text: str, size: int = 50) -> str:
    """Return the start of a text, cut at a word."""
    text = " ".join(text.split())
    return text if len(text) <= size else text[:size].rsplit(" ", 1)[0] + "…"


def _field_words(name: str) -> str:
    """Return a field path in plain words: 'sections[3].bullets[2]' -> 'bullet 3 of section 4'."""
    parts = re.findall(r"([a-z_]+)|\[(\d+)\]", name)
    words, i = [], 0
    steps = [(p or int(n)) for p, n in parts]
    while i < len(steps):
        step = steps[i]
        nxt = steps[i + 1] if i + 1 < len(steps) and isinstance(steps[i + 1], int) else None
        noun = {"sections": "section", "bullets": "bullet", "items": "term", "notes": "note",
                "cleared": "clearance", "rows": "row", "columns": "column heading"}.get(step, str(step))
        if nxt is not None:
            if step == "rows" and i + 2 < len(steps) and isinstance(steps[i + 2], int):
                words.append(f"row {nxt + 1}, cell {steps[i + 2] + 1}")
                i += 3
                continue
            words.append(f"{noun} {nxt + 1}")
            i += 2
        else:
            words.append(noun.replace("_", " "))
            i += 1
    return " of ".join(reversed(words))


def _changed(old: dict, pieces: list[Piece], para: Para, diff: Diff) -> None:
    """Compare one paired paragraph; note its field changes, figure changes and what cannot be mapped."""
    before, after = _chars(old["runs"]), _edited_chars(pieces)
    if para.style and _style_key(para.style) != _style_key(old["style"]):
        diff.unmapped.append(f"{_where(old)}: its paragraph style was changed from “{old['style']}” to "
                             f"“{para.style}”; the layout decides how each part of the sheet looks, so "
                             "the style was not kept")
    if any(p.styled for p in pieces):
        diff.unmapped.append(f"{_where(old)}: fonts, sizes, colours or underlining were changed; the sheet's "
                             "look comes from its layout, so these are not kept (bold, italic and links are)")
    if before == after:
        return
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    ops = matcher.get_opcodes()
    fields, at = old["fields"], 0
    if not fields:
        diff.unmapped.append(f"{_where(old)} was changed to “{_short(''.join(c[0] for c in after), 80)}”, "
                             "but the layout prints this text, not the record; change it in the layout or tell "
                             "whoever keeps the layouts")
        return
    for segment in fields:
        start, end = _mapped(ops, segment["start"], True), _mapped(ops, segment["end"], False)
        literal_old = before[at:segment["start"]]
        literal_new = after[_mapped(ops, at, True):start] if at else after[:start]
        if [c[0] for c in literal_old] != [c[0] for c in literal_new]:
            _literal(old, literal_old, literal_new, diff)
        _segment(segment, before[segment["start"]:segment["end"]], after[start:end],
                 ops, diff)
        at = segment["end"]
    tail_new = after[_mapped(ops, at, True):]
    if [c[0] for c in before[at:]] != [c[0] for c in tail_new]:
        _literal(old, before[at:], tail_new, diff)


def _style_key(name: str) -> str:
    """Return a style's name or id compared loosely: 'List Bullet' and 'ListBullet' are one style."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _literal(old: dict, was: list, now: list, diff: Diff) -> None:
    """Note a change to text the layout prints around a field (a run-in label's space, a separator)."""
    diff.unmapped.append(f"{_where(old)}: the text the layout prints around the record's text was changed "
                         f"(“{''.join(c[0] for c in was)}” → “{''.join(c[0] for c in now)}”); "
                         "it is not in the record, so it was not taken")


def _mapped(ops, at: int, start: bool) -> int:
    """Return where position `at` of the old text lands in the new one."""
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal" and i1 <= at < i2:
            return j1 + at - i1
        if tag != "equal" and i1 <= at < i2:
            return j1 if start and at == i1 else j2
        if tag == "insert" and at == i1 and not start:
            return j2  # text typed at a field's end belongs to it
    return ops[-1][4] if ops else 0


def _segment(segment: dict, old: list, new: list, ops, diff: Diff) -> None:
    """Note the new text of one field's paragraph, figures kept as references."""
    forced = _template_marks(segment, old)
    if [c[:1] + _marks(c, forced) for c in old] == [c[:1] + _marks(c, forced) for c in new]:
        return
    figures = [dict(f, start=f["start"] - segment["start"], end=f["end"] - segment["start"])
               for f in segment["figures"]]
    inner = difflib.SequenceMatcher(None, [c[0] for c in old], [c[0] for c in new], autojunk=False).get_opcodes()
    spans, restored = [], []
    for figure in figures:
        start, end = _mapped(inner, figure["start"], True), _mapped(inner, figure["end"], False)
        kept = all(tag == "equal" for tag, i1, i2, _, _ in inner if i1 < figure["end"] and i2 > figure["start"])
        if not kept:
            start, end = _number_around(new, start, end)
            typed = "".join(c[0] for c in new[start:end])
            diff.figures.append(FigureEdit(figure["figure"], figure["year"], figure["printed"], typed,
                                           segment["field"], figure["reference"]))
            restored.append((start, end, figure["printed"]))
        spans.append((start, end, figure["reference"]))
    source = _markup(new, spans, forced)
    plain_old = "".join(c[0] for c in old)
    plain_new = "".join(c[0] for c in new)
    for start, end, printed in sorted(restored, reverse=True):  # a figure's change is reported apart
        plain_new = plain_new[:start] + printed + plain_new[end:]
    if source == _markup(old, [(f["start"], f["end"], f["reference"]) for f in figures], forced):
        return  # only a figure's number changed: reported as a figure, the text stays
    if plain_old == plain_new:
        what = "bold, italic or a link was changed"
    else:
        what = reworded(plain_old, plain_new)
    entry = diff.fields.setdefault(segment["field"], FieldText(segment["field"], []))
    while len(entry.paragraphs) <= segment["para"]:
        entry.paragraphs.append(None)
    entry.paragraphs[segment["para"]] = source
    entry.words.append(what)


def reworded(old: str, new: str) -> str:
    """Return a rewording in plain words: only the words that changed, with one word either side."""
    a, b = old.split(" "), new.split(" ")
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    start = max(head - 1, 0)
    was, now = a[start:len(a) - max(tail - 1, 0)], b[start:len(b) - max(tail - 1, 0)]
    return f"reworded “{_short(' '.join(was), 90)}” as “{_short(' '.join(now), 90)}”"


def _template_marks(segment: dict, old: list) -> tuple[bool, bool]:
    """Return (bold, italic) the layout put on the whole field (a run-in label's bold), not the record."""
    own = _chars(segment["runs"])
    if not old or len(own) != len(old):
        return False, False
    bold = all(c[1] for c in old) and not any(c[1] for c in own)
    italic = all(c[2] for c in old) and not any(c[2] for c in own)
    return bold, italic


def _marks(char: tuple, forced: tuple[bool, bool]) -> tuple:
    """Return a character's own marks, less those the layout forces on the field."""
    _, bold, italic, href = char
    return (bold and not forced[0], italic and not forced[1], href)


def _number_around(new: list, start: int, end: int) -> tuple[int, int]:
    """Widen a changed figure's place to the whole number typed there."""
    text = "".join(c[0] for c in new)
    for match in _NUMBER.finditer(text):
        if match.start() <= max(start, end - 1) and match.end() >= start and match.end() > match.start():
            if match.start() <= end and match.end() >= start:
                return min(start, match.start()), max(end, match.end())
    return start, end


def _markup(chars: list, spans: list[tuple[int, int, str]], forced: tuple[bool, bool]) -> str:
    """Return characters as record text: **bold**, *italic*, [links](…), references where figures stand."""
    groups: list[list] = []  # [text, marks]
    at = 0
    ordered = sorted(spans)
    while at < len(chars):
        span = next((s for s in ordered if s[0] == at and s[1] > s[0]), None)
        marks = _marks(chars[at], forced)
        piece = span[2] if span else chars[at][0]
        step = (span[1] - span[0]) if span else 1
        if groups and groups[-1][1] == marks:
            groups[-1][0] += piece
        else:
            groups.append([piece, marks])
        at += step
    for start, end, reference in ordered:  # a figure whose number was deleted entirely stays printed
        if start == end:
            groups.insert(_group_at(groups, start), [reference, (False, False, None)])
    return "".join(_wrap(text, marks) for text, marks in groups)


def _group_at(groups, at: int) -> int:
    """Return the group index holding character `at` (for a figure with nothing left in its place)."""
    count = 0
    for i, (text, _) in enumerate(groups):
        if count >= at:
            return i
        count += len(text)
    return len(groups)


def _wrap(text: str, marks: tuple) -> str:
    """Return one group of characters with its marks written as the record writes them."""
    bold, italic, href = marks
    lead = text[:len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()):]
    core = text.strip()
    if not core:
        return text
    if italic:
        core = f"*{core}*"
    if bold:
        core = f"**{core}**"
    if href:
        core = f"[{core}]({href})"
    return lead + core + trail


def _added(sheet: dict, previous: int | None, pieces: list[Piece], para: Para, diff: Diff) -> None:
    """Place a paragraph typed in Word: a bullet after a bullet, a paragraph after a text's paragraph."""
    text = "".join(p.text for p in pieces)
    where = _where(sheet["paragraphs"][previous]) if previous is not None else "the start of the sheet"
    fields = sheet["paragraphs"][previous]["fields"] if previous is not None else []
    owner = fields[-1] if fields else None
    source = _markup(_edited_chars(pieces), [], (False, False))
    if owner is not None and para.table is None:
        listed = re.fullmatch(r"(.+)\[(\d+)\]", owner["field"])
        if listed and listed.group(1).endswith(("bullets", "notes")):
            noun = "bullet" if listed.group(1).endswith("bullets") else "note"
            diff.lists.append(ListEdit(listed.group(1), int(listed.group(2)), source,
                                       f"a {noun} added after {_field_words(owner['field'])}: “{_short(text)}”"))
            return
        if not listed and _BULLET_STYLE.search(para.style or "") is None:
            entry = diff.fields.setdefault(owner["field"], FieldText(owner["field"], []))
            entry.added.setdefault(owner["para"], []).append(source)
            entry.words.append(f"a paragraph added after its paragraph {owner['para'] + 1}: “{_short(text)}”")
            return
    diff.unmapped.append(f"a paragraph was added after {where}: “{_short(text, 80)}”; the record has no place "
                         "for it there: add it to the record where it belongs")


def _removed(sheet: dict, m: int, old: dict, diff: Diff) -> None:
    """Note a paragraph deleted in Word: a bullet removed, a paragraph of a text removed, else listed."""
    fields = old["fields"]
    if len(fields) == 1:
        name = fields[0]["field"]
        listed = re.fullmatch(r"(.+)\[(\d+)\]", name)
        if listed and listed.group(1).endswith(("bullets", "notes")) and fields[0]["start"] == 0:
            diff.lists.append(ListEdit(listed.group(1), int(listed.group(2)), None,
                                       f"{_field_words(name)} removed: “{_short(_plain(old))}”"))
            return
        others = [p for p in sheet["paragraphs"] if any(f["field"] == name for f in p["fields"])]
        if len(others) > 1 and not listed:
            entry = diff.fields.setdefault(name, FieldText(name, []))
            while len(entry.paragraphs) <= fields[0]["para"]:
                entry.paragraphs.append(None)
            entry.paragraphs[fields[0]["para"]] = ""
            entry.words.append(f"paragraph {fields[0]['para'] + 1} removed: “{_short(_plain(old))}”")
            return
    diff.unmapped.append(f"{_where(old)} was deleted in Word, but the record must still print it; "
                         "remove or change it in the record if that was meant")


def _furniture(sheet: dict, edited: Edited, diff: Diff) -> None:
    """List header and footer text that differs from what the layout printed (it is not in the record)."""
    expected = {" ".join(t.split()) for t in sheet.get("furniture", [])}
    for text in edited.furniture:
        if " ".join(text.split()) not in expected:
            diff.unmapped.append(f"the header or footer now reads “{_short(text, 80)}”; the layout prints the "
                                 "header and footer, so this edit was not taken: ask whoever keeps the layouts")
    for mark in edited.watermarks:
        if mark not in ("DRAFT",):
            diff.unmapped.append(f"a watermark “{mark}” is in the file; the record's status decides the "
                                 "watermark (status: draft prints DRAFT)")


def _shapes(sheet: dict, edited: Edited, diff: Diff) -> None:
    """List reshaped tables, pasted or removed pictures, and links to outside files."""
    shapes = [(t["rows"], t["columns"]) for t in sheet.get("tables", [])]
    if len(edited.tables) != len(shapes) or edited.nested_tables:
        diff.unmapped.append(f"the sheet printed {len(shapes)} table(s); the Word file has {len(edited.tables)}"
                             f"{' (some inside others)' if edited.nested_tables else ''}: tables are made from "
                             "the record's tables, so add or remove them in the record")
    for k, (was, now) in enumerate(zip(shapes, edited.tables, strict=False)):
        if was != now:
            diff.unmapped.append(f"table {k + 1} was reshaped from {was[0]} rows × {was[1]} columns to "
                                 f"{now[0]} × {now[1]}: edits in it were not taken; add or remove rows and "
                                 "columns, and change its cells, in the record's table")
    pictures = sum(p.pictures for p in edited.paragraphs)
    if pictures > sheet.get("pictures", 0):
        diff.unmapped.append(f"{pictures - sheet.get('pictures', 0)} picture(s) were pasted into the Word file; "
                             "a sheet prints only its charts and seal: add a chart of a figure to the record instead")
    elif pictures < sheet.get("pictures", 0):
        diff.unmapped.append("a chart or picture was deleted in Word; the record still prints it: remove it "
                             "from the record if that was meant")
    for target in edited.outside:
        diff.unmapped.append(f"the file links to something outside it ({target[:80]}); it was not opened "
                             "and is not kept")
